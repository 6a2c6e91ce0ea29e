//! How registering or calling a tool fails. A `CallError` goes back to the model (and may reach a
//! person), so it is phrased in our words and never repeats what the model sent.

use domain::Role;

/// A mistake in the code that declares tools; found at start-up, never at run time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("a tool named `{name}` is already registered")]
    Duplicate { name: &'static str },
    #[error("`{name}` is not a valid tool name: a lowercase letter, then up to 63 lowercase letters, digits or `_`")]
    BadName { name: &'static str },
    #[error("the argument schema of tool `{name}` does not compile: {reason}")]
    BadSchema { name: &'static str, reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The name is the model's text, so it is not repeated.
    #[error("there is no tool by that name")]
    UnknownTool,
    #[error("the tool arguments are not valid JSON")]
    NotJson,
    #[error("the tool arguments are larger than 64 KiB")]
    TooLarge,
    /// At most five reasons of at most 200 characters each, naming where and which rule, never
    /// the offending value.
    #[error("the tool arguments do not match the tool's schema: {}", reasons.join("; "))]
    Invalid { reasons: Vec<String> },
    #[error("this tool needs the {required} role")]
    Forbidden { required: Role },
}

impl CallError {
    /// Stable, machine-readable codes; never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            CallError::UnknownTool => "tool_unknown",
            CallError::NotJson => "tool_arguments_not_json",
            CallError::TooLarge => "tool_arguments_too_large",
            CallError::Invalid { .. } => "tool_arguments_invalid",
            CallError::Forbidden { .. } => "forbidden",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_distinct() {
        let all = [
            CallError::UnknownTool,
            CallError::NotJson,
            CallError::TooLarge,
            CallError::Invalid { reasons: Vec::new() },
            CallError::Forbidden { required: Role::Manager },
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(CallError::code).collect();
        assert_eq!(codes.len(), all.len());
        for code in codes {
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
        }
    }

    #[test]
    fn forbidden_matches_the_domain_code() {
        assert_eq!(CallError::Forbidden { required: Role::Admin }.code(), domain::ErrorCode::Forbidden.as_str());
    }
}
