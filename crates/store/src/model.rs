//! Records as the store keeps them. Times are UTC.

use chrono::{DateTime, NaiveDate, Utc};
use domain::Role;
use domain::sales::{OosStatus, SalesGroup};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// A login session joined with the user it belongs to: what authentication needs in one read.
#[derive(Debug, Clone)]
pub struct LoginSessionRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub role: Role,
    pub user_disabled: bool,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub id: Uuid,
    pub name: String,
    pub key_hash: Vec<u8>,
    pub prefix: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct ApiKeyRecord {
    pub id: Uuid,
    pub name: String,
    pub key_hash: Vec<u8>,
    pub prefix: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyRecord {
    /// Whether the key still authenticates at `now`: not revoked, not expired.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRecord {
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRecord {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub filename: String,
    pub size: u64,
    pub content_type: String,
    pub kind: String,
    pub sha256: String,
    pub object_key: String,
    pub created_at: DateTime<Utc>,
}

/// What an owner's uploads add up to, for quotas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UploadUsage {
    pub count: u64,
    pub bytes: u64,
}

/// A run as created: queued, not yet claimed.
#[derive(Debug, Clone)]
pub struct NewRun {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub session_id: Option<Uuid>,
    pub task: String,
    pub input: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub session_id: Option<Uuid>,
    pub task: String,
    pub input: serde_json::Value,
    pub status: domain::RunStatus,
    /// Where a resumed or re-claimed run continues from.
    pub checkpoint: Option<serde_json::Value>,
    /// The latest progress report.
    pub progress: Option<serde_json::Value>,
    pub question: Option<serde_json::Value>,
    pub result: Option<serde_json::Value>,
    pub error_code: Option<String>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    /// How many times the run was claimed (a re-claim after a crash counts).
    pub attempts: u32,
    /// While waiting: when it expires.
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a transition writes besides the status. Fields the event does not use are ignored.
#[derive(Debug, Clone, Default)]
pub struct RunChange {
    /// Replaces the checkpoint when set (any event).
    pub checkpoint: Option<serde_json::Value>,
    /// The question (Pause).
    pub question: Option<serde_json::Value>,
    /// When a paused run expires (Pause).
    pub expires_at: Option<DateTime<Utc>>,
    /// The result (Succeed).
    pub result: Option<serde_json::Value>,
    /// The error code (Fail).
    pub error_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunEventRecord {
    pub run_id: Uuid,
    pub seq: u64,
    pub kind: String,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// The outcome of recording a side effect under its idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectRecord {
    /// False when the key was already recorded: the effect had been applied before, and
    /// `result` is the earlier result.
    pub fresh: bool,
    pub result: serde_json::Value,
}

/// Who a WebSocket ticket was issued to, and through which credential (login session or API key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketGrant {
    pub principal_id: Uuid,
    /// `user` or `api_key`.
    pub principal_kind: String,
    pub credential_id: Uuid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatSessionRecord {
    pub id: Uuid,
    pub owner_id: Uuid,
    /// `chat` or `work`.
    pub mode: String,
    pub title: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessageRecord {
    pub seq: u64,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    pub meta: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

/// Which out-of-stock registrations to list. Every filter is optional; days are inclusive.
#[derive(Debug, Clone, Default)]
pub struct OosQuery {
    pub status: Option<OosStatus>,
    pub customer: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only registrations older than this id (the last of the previous page).
    pub before: Option<Uuid>,
    /// Capped at `domain::sales::limits::MAX_PAGE`.
    pub limit: u32,
}

#[derive(Debug, Clone)]
pub struct SalesReportQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group: SalesGroup,
    /// Capped at `domain::sales::limits::MAX_REPORT_GROUPS`.
    pub limit: u32,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// One action (`price.update`), or a family when it ends with a dot (`price.`).
    pub action: Option<String>,
    /// Only entries older than this seq (the last of the previous page).
    pub before_seq: Option<u64>,
    /// Capped at `domain::sales::limits::MAX_PAGE`.
    pub limit: u32,
}
