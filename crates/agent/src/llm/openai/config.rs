//! Settings for one OpenAI-compatible endpoint.

use std::fmt;
use std::time::Duration;

#[derive(Clone)]
pub struct OpenAiConfig {
    /// Up to and including the version segment, e.g. `http://127.0.0.1:1234/v1`; requests go to
    /// `{base_url}/chat/completions`.
    pub base_url: String,
    /// Sent as a bearer token when set; local servers usually need none.
    pub api_key: Option<String>,
    pub model: String,
    pub connect_timeout: Duration,
    /// The whole of one non-streamed attempt, from connecting to the last byte of the answer.
    pub request_timeout: Duration,
    /// Streaming: the longest silence allowed before the headers, or between two chunks. A total
    /// limit would cut off long but healthy answers; a stalled server is what must be caught.
    pub stream_idle_timeout: Duration,
    /// Attempts per call, including the first.
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Consecutive failed calls that open the breaker; 0 disables it.
    pub breaker_threshold: u32,
    pub breaker_cooldown: Duration,
}

impl OpenAiConfig {
    pub fn new(base_url: impl Into<String>, api_key: Option<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key,
            model: model.into(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(60),
            stream_idle_timeout: Duration::from_secs(30),
            max_attempts: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(30),
        }
    }

    /// Where chat completions are posted; tolerant of a trailing slash on `base_url`.
    pub(crate) fn endpoint(&self) -> String {
        format!("{}/chat/completions", self.base_url.trim_end_matches('/'))
    }
}

/// The key is a secret: configurations get logged and printed in panics.
impl fmt::Debug for OpenAiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("model", &self.model)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_max", &self.backoff_max)
            .field("breaker_threshold", &self.breaker_threshold)
            .field("breaker_cooldown", &self.breaker_cooldown)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_api_key() {
        let config = OpenAiConfig::new("http://127.0.0.1:1234/v1", Some("sk-very-secret".into()), "m");
        let shown = format!("{config:?}");
        assert!(!shown.contains("sk-very-secret"));
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn endpoint_tolerates_a_trailing_slash() {
        let config = OpenAiConfig::new("http://127.0.0.1:1234/v1/", None, "m");
        assert_eq!(config.endpoint(), "http://127.0.0.1:1234/v1/chat/completions");
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let config = OpenAiConfig::new("http://x/v1", None, "m");
        assert_eq!(config.connect_timeout, Duration::from_secs(5));
        assert_eq!(config.request_timeout, Duration::from_secs(60));
        assert_eq!(config.stream_idle_timeout, Duration::from_secs(30));
        assert_eq!(config.max_attempts, 3);
        assert_eq!(config.backoff_base, Duration::from_millis(500));
        assert_eq!(config.backoff_max, Duration::from_secs(8));
        assert_eq!(config.breaker_threshold, 5);
        assert_eq!(config.breaker_cooldown, Duration::from_secs(30));
    }
}
