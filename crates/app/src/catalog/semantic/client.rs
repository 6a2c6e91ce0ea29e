//! The HTTP client for an OpenAI-compatible `POST {base}/embeddings`. Bounded everywhere: inputs
//! per request, time per request, bytes per answer, dimensions per vector. The API key goes out
//! as a bearer token and nowhere else (not in `Debug`, not in errors).

use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};

use super::error::EmbedError;
use super::wire;

/// Inputs per request; a larger batch is split.
pub const MAX_BATCH: usize = 64;
/// Dimensions accepted per vector (what the store keeps at most).
pub const MAX_DIMS: usize = store::MAX_VECTOR_DIMS;
/// Bytes read of one answer: 64 vectors of 4096 numbers written out in full stay below it.
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;
/// Bytes of an error answer kept for the log.
const ERROR_DETAIL_BYTES: usize = 512;
/// Characters of one input sent; item texts and queries are far shorter.
pub const MAX_INPUT_CHARS: usize = 2_000;

#[derive(Clone)]
pub struct EmbeddingsConfig {
    /// Up to and including the version segment, e.g. `http://127.0.0.1:1234/v1`.
    pub base_url: String,
    pub api_key: Option<SecretString>,
    pub model: String,
    pub connect_timeout: Duration,
    /// One whole request, from connecting to the last byte. Searches wait for it, so it is short.
    pub request_timeout: Duration,
}

impl EmbeddingsConfig {
    pub fn new(base_url: &str, api_key: Option<SecretString>, model: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            api_key,
            model: model.to_owned(),
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
        }
    }
}

impl std::fmt::Debug for EmbeddingsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddingsConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("model", &self.model)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub struct EmbeddingsClient {
    http: reqwest::Client,
    endpoint: String,
    config: EmbeddingsConfig,
}

impl EmbeddingsClient {
    pub fn new(config: EmbeddingsConfig) -> Result<Self, EmbedError> {
        let endpoint = format!("{}/embeddings", config.base_url.trim_end_matches('/'));
        match reqwest::Url::parse(&endpoint) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => return Err(EmbedError::Transport("the base URL is not an http(s) URL".into())),
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // An answer is read whole or not at all; a redirect would be an unexpected answer.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| EmbedError::Transport(e.to_string()))?;
        Ok(Self { http, endpoint, config })
    }

    pub fn model(&self) -> &str {
        &self.config.model
    }

    /// One vector per input, in order; split into requests of [`MAX_BATCH`].
    pub async fn embed(&self, inputs: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut out = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(MAX_BATCH) {
            let chunk: Vec<String> = chunk.iter().map(|t| t.chars().take(MAX_INPUT_CHARS).collect()).collect();
            let timeout = self.config.request_timeout;
            let vectors = tokio::time::timeout(timeout, self.request(&chunk))
                .await
                .unwrap_or(Err(EmbedError::Timeout(timeout)))?;
            out.extend(vectors);
        }
        Ok(out)
    }

    async fn request(&self, inputs: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut request = self
            .http
            .post(&self.endpoint)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(wire::encode(&self.config.model, inputs));
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key.expose_secret());
        }
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            let detail = read_capped(&mut response, ERROR_DETAIL_BYTES).await.unwrap_or_default();
            let detail = String::from_utf8_lossy(&detail).into_owned();
            return Err(EmbedError::Status { status: status.as_u16(), detail });
        }
        let declared = response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|len| len > MAX_RESPONSE_BYTES as u64) {
            return Err(EmbedError::BadBody(format!("an answer of more than {MAX_RESPONSE_BYTES} bytes")));
        }
        let body = read_capped(&mut response, MAX_RESPONSE_BYTES + 1).await?;
        if body.len() > MAX_RESPONSE_BYTES {
            return Err(EmbedError::BadBody(format!("an answer of more than {MAX_RESPONSE_BYTES} bytes")));
        }
        wire::decode(&body, inputs.len(), MAX_DIMS)
    }
}

/// The body up to `cap` bytes (the rest is left unread).
async fn read_capped(response: &mut reqwest::Response, cap: usize) -> Result<Vec<u8>, EmbedError> {
    let mut body = Vec::new();
    while body.len() < cap {
        match response.chunk().await.map_err(transport)? {
            Some(chunk) => body.extend_from_slice(&chunk[..chunk.len().min(cap - body.len())]),
            None => break,
        }
    }
    Ok(body)
}

/// Without the URL: some providers take the key in it (`?api-key=`, `user:key@`), and the
/// configured base URL says where anyway. reqwest's text never names the headers.
fn transport(err: reqwest::Error) -> EmbedError {
    EmbedError::Transport(err.without_url().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_api_key() {
        let config = EmbeddingsConfig::new("http://127.0.0.1:9/v1", Some("sk-embed-secret".to_owned().into()), "m");
        let shown = format!("{config:?}");
        assert!(!shown.contains("sk-embed-secret") && shown.contains("[redacted]"), "{shown}");
        let client = EmbeddingsClient::new(config).unwrap();
        assert!(!format!("{client:?}").contains("sk-embed-secret"));
        assert_eq!(client.endpoint, "http://127.0.0.1:9/v1/embeddings");
    }

    /// A raw HTTP/1.1 server on loopback: for each request, `answer(body)` gives the status line
    /// and body to send (`None`: hold the connection and never answer). Returns the base URL and
    /// every request's head and body.
    async fn server(
        answer: impl Fn(&serde_json::Value) -> Option<(&'static str, String)> + Send + Sync + 'static,
    ) -> (String, std::sync::Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (record, answer) = (seen.clone(), std::sync::Arc::new(answer));
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (record, answer) = (record.clone(), answer.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let Ok(n) = socket.read(&mut chunk).await else { return };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).into_owned();
                        let Some(end) = text.find("\r\n\r\n") else { continue };
                        let head = text[..end].to_ascii_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if buf.len() < end + 4 + length {
                            continue;
                        }
                        let body: serde_json::Value = serde_json::from_slice(&buf[end + 4..end + 4 + length]).unwrap();
                        record.lock().unwrap().push((text[..end].to_owned(), body.clone()));
                        buf.clear();
                        let Some((status, reply)) = answer(&body) else {
                            tokio::time::sleep(Duration::from_secs(60)).await;
                            return;
                        };
                        let response = format!(
                            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{reply}",
                            reply.len()
                        );
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (base, seen)
    }

    fn vectors_for(body: &serde_json::Value) -> String {
        let n = body["input"].as_array().map_or(0, Vec::len);
        let data: Vec<_> = (0..n).map(|i| serde_json::json!({"index": i, "embedding": [i as f32, 1.0]})).collect();
        serde_json::json!({"data": data}).to_string()
    }

    #[tokio::test]
    async fn large_batches_are_split_and_the_key_goes_as_a_bearer_token() {
        let (base, seen) = server(|body| Some(("200 OK", vectors_for(body)))).await;
        let client = EmbeddingsClient::new(EmbeddingsConfig::new(&base, Some("sk-e".to_owned().into()), "m")).unwrap();
        let inputs: Vec<String> = (0..MAX_BATCH * 2 + 2).map(|i| format!("item {i}")).collect();
        let vectors = client.embed(&inputs).await.unwrap();
        assert_eq!(vectors.len(), inputs.len());
        assert_eq!(vectors[MAX_BATCH], [0.0, 1.0], "the second request starts again at index 0");
        let seen = seen.lock().unwrap();
        let sizes: Vec<usize> = seen.iter().map(|(_, b)| b["input"].as_array().unwrap().len()).collect();
        assert_eq!(sizes, [MAX_BATCH, MAX_BATCH, 2]);
        assert!(seen.iter().all(|(head, b)| head.contains("authorization: Bearer sk-e") && b["model"] == "m"));
        assert!(seen[0].0.starts_with("POST /v1/embeddings HTTP/1.1"), "{}", seen[0].0);
    }

    #[tokio::test]
    async fn a_silent_an_erring_or_an_oversized_answer_is_an_error() {
        let (base, _) = server(|_| None).await;
        let mut config = EmbeddingsConfig::new(&base, None, "m");
        config.request_timeout = Duration::from_millis(200);
        let err = EmbeddingsClient::new(config).unwrap().embed(&["x".into()]).await.unwrap_err();
        assert!(matches!(err, EmbedError::Timeout(_)), "{err}");

        let (base, _) = server(|_| Some(("503 Service Unavailable", "upstream busy".repeat(100)))).await;
        let err = EmbeddingsClient::new(EmbeddingsConfig::new(&base, None, "m")).unwrap().embed(&["x".into()]).await;
        match err.unwrap_err() {
            EmbedError::Status { status, detail } => {
                assert_eq!(status, 503);
                assert!(detail.starts_with("upstream busy") && detail.len() <= ERROR_DETAIL_BYTES, "{detail}");
            }
            other => panic!("{other}"),
        }

        let huge =
            format!("{{\"data\": [{{\"index\": 0, \"embedding\": [{}1.0]}}]}}", "0.0,".repeat(MAX_RESPONSE_BYTES / 4));
        let (base, _) = server(move |_| Some(("200 OK", huge.clone()))).await;
        let err = EmbeddingsClient::new(EmbeddingsConfig::new(&base, None, "m")).unwrap().embed(&["x".into()]).await;
        assert!(err.unwrap_err().to_string().contains("more than"), "refused by size before parsing");
    }

    #[test]
    fn only_http_urls_are_accepted() {
        assert!(EmbeddingsClient::new(EmbeddingsConfig::new("ftp://x/v1", None, "m")).is_err());
        let trailing = EmbeddingsClient::new(EmbeddingsConfig::new("https://x/v1/", None, "m")).unwrap();
        assert_eq!(trailing.endpoint, "https://x/v1/embeddings");
    }
}
