//! Secrets come from `NAME` or from the file named by `NAME_FILE` (Docker/Kubernetes secrets).

use secrecy::SecretString;

use crate::EnvSource;

/// Reads a secret. Setting both `NAME` and `NAME_FILE` is an error: which one wins would be a guess.
pub fn read(env: &EnvSource, name: &str) -> Result<Option<SecretString>, String> {
    let file_var = format!("{name}_FILE");
    match (env.get(name), env.get(&file_var)) {
        (Some(_), Some(_)) => Err(format!("{name}: set either {name} or {file_var}, not both")),
        (Some(""), None) => Ok(None),
        (Some(value), None) => Ok(Some(SecretString::from(value.to_owned()))),
        (None, Some(path)) => {
            let content = std::fs::read_to_string(path)
                .map_err(|e| format!("{file_var}: cannot read the file it names ({})", e.kind()))?;
            // Secret files conventionally end with a newline that is not part of the secret.
            let trimmed = content.trim_end_matches(['\n', '\r']);
            if trimmed.is_empty() {
                return Err(format!("{file_var}: the file it names is empty"));
            }
            Ok(Some(SecretString::from(trimmed.to_owned())))
        }
        (None, None) => Ok(None),
    }
}
