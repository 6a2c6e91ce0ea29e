//! The effective settings as `config check` prints them: every secret replaced, never elided
//! silently, so an operator can see that it is set without seeing it.

use serde_json::{Value, json};

use crate::{CorsOrigins, Settings};

const REDACTED: &str = "[redacted]";

impl Settings {
    pub fn redacted_json(&self) -> Value {
        let mut shown = self.core_json();
        // Added apart: one `json!` of every variable exceeds the macro's recursion limit.
        shown["EMBEDDINGS_BASE_URL"] = json!(self.embeddings.as_ref().map(|e| e.base_url.clone()));
        shown["EMBEDDINGS_MODEL"] = json!(self.embeddings.as_ref().map(|e| e.model.clone()));
        shown["EMBEDDINGS_API_KEY"] =
            json!(self.embeddings.as_ref().and_then(|e| e.api_key.as_ref()).map(|_| REDACTED));
        shown
    }

    fn core_json(&self) -> Value {
        json!({
            "APP_ENV": self.app_env.as_str(),
            "AUTH_SECRET": format!("{REDACTED} (from {})", self.auth_secret_source),
            "HOST": self.host.to_string(),
            "PORT": self.port,
            "DATA_DIR": self.data_dir.display().to_string(),
            "DATABASE_URL": self.database_url.redacted(),
            "OBJECT_STORE_URL": self.object_store_url,
            "AWS_ENDPOINT_URL": self.s3.endpoint,
            "AWS_REGION": self.s3.region,
            "AWS_ACCESS_KEY_ID": self.s3.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.s3.secret_access_key.as_ref().map(|_| REDACTED),
            "REDIS_URL": self.redis_url.as_ref().map(|_| REDACTED),
            "REDIS_FAIL_MODE": self.redis_fail_mode.as_str(),
            "LLM_BASE_URL": self.llm.as_ref().map(|l| l.base_url.clone()),
            "LLM_MODEL": self.llm.as_ref().map(|l| l.model.clone()),
            "LLM_DAILY_TOKEN_BUDGET": self.llm_daily_token_budget,
            "LLM_API_KEY": self.llm.as_ref().and_then(|l| l.api_key.as_ref()).map(|_| REDACTED),
            "UPLOAD_MAX_BYTES": self.upload_max_bytes,
            "UPLOAD_ALLOWED_TYPES": self.upload_allowed_types.join(","),
            "UPLOAD_QUOTA_BYTES": self.upload_quota_bytes,
            "UPLOAD_QUOTA_COUNT": self.upload_quota_count,
            "UPLOAD_IDLE_TIMEOUT": format!("{}s", self.upload_idle_timeout.as_secs()),
            "UPLOAD_MAX_CONCURRENT": self.upload_max_concurrent,
            "UPLOAD_MAX_CONCURRENT_PER_OWNER": self.upload_max_concurrent_per_owner,
            "RATE_LIMIT_PER_MINUTE": self.rate_limit_per_minute,
            "WORK_INTERRUPT_TTL": format!("{}s", self.work_interrupt_ttl.as_secs()),
            "WORK_LEASE": format!("{}s", self.work_lease.as_secs()),
            "WORK_WORKERS": self.work_workers,
            "CORS_ORIGINS": match &self.cors_origins {
                None => Value::Null,
                Some(CorsOrigins::Any) => json!("*"),
                Some(CorsOrigins::List(list)) => json!(list.join(",")),
            },
            "METRICS_PORT": self.metrics_port,
            "TRUSTED_PROXIES": self.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "AUTO_MIGRATE": self.auto_migrate,
            "AUTH_TOKEN_TTL": format!("{}s", self.auth_token_ttl.as_secs()),
            "REQUEST_TIMEOUT": format!("{}s", self.request_timeout.as_secs()),
            "MAX_CONCURRENT_REQUESTS": self.max_concurrent_requests,
            "MAX_CONNECTIONS": self.max_connections,
            "WS_CONNECTIONS_PER_PRINCIPAL": self.ws_per_principal,
            "HEADER_READ_TIMEOUT": format!("{}s", self.header_read_timeout.as_secs()),
            "SHUTDOWN_GRACE": format!("{}s", self.shutdown_grace.as_secs()),
            "RUST_LOG": self.log_filter,
            ".env": if self.dotenv_loaded { "loaded (dev only)" } else { "not read" },
        })
    }
}
