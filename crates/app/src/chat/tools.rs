use async_trait::async_trait;
use domain::{Error, ErrorCode, Principal};
use serde_json::Value;

/// The executor while no domain tools are registered: nothing to run.
pub struct NoTools;

#[async_trait]
impl agent::chat::ToolExecutor for NoTools {
    async fn execute(
        &self,
        _caller: &Principal,
        _call: &agent::tools::ValidatedCall,
        _idempotency_key: Option<&str>,
    ) -> domain::Result<Value> {
        Err(Error::new(ErrorCode::NotFound, "no such tool"))
    }
}
