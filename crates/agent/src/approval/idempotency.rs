//! The key a side effect is recorded under, so a step replayed after a crash (on this instance or
//! another) finds its earlier effect instead of applying it twice.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::tools::ValidatedCall;

const DOMAIN: &[u8] = b"agent-team/idempotency/v1\0";

/// Lowercase hex SHA-256 over the run id, the step number and the call's argument hash (which
/// covers the tool name). The same step of the same run with the same call always gives the same
/// key; anything else gives another.
pub fn idempotency_key(run_id: Uuid, step: u32, call: &ValidatedCall) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(run_id.as_bytes());
    hasher.update(step.to_be_bytes());
    hasher.update(call.args_hash.0);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::tools::{ArgsHash, Effect};

    fn call(arguments: serde_json::Value) -> ValidatedCall {
        ValidatedCall { tool: "t", effect: Effect::Write, args_hash: ArgsHash::of("t", &arguments), arguments }
    }

    #[test]
    fn a_replayed_step_gets_the_same_key() {
        let run = Uuid::now_v7();
        let key = idempotency_key(run, 3, &call(json!({"a": 1, "b": 2})));
        assert_eq!(key, idempotency_key(run, 3, &call(json!({"b": 2, "a": 1}))));
        assert_eq!(key.len(), 64);
        assert!(key.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)), "{key}");
    }

    #[test]
    fn another_run_step_or_call_gets_another_key() {
        let run = Uuid::now_v7();
        let key = idempotency_key(run, 3, &call(json!({"a": 1})));
        assert_ne!(key, idempotency_key(run, 4, &call(json!({"a": 1}))));
        assert_ne!(key, idempotency_key(run, 3, &call(json!({"a": 2}))));
        assert_ne!(key, idempotency_key(Uuid::now_v7(), 3, &call(json!({"a": 1}))));
    }
}
