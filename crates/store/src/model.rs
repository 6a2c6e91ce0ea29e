//! Records as the store keeps them. Times are UTC.

use chrono::{DateTime, Utc};
use domain::Role;
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
