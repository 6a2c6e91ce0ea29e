//! The Store port, one trait per concept. Every method is owner-agnostic plumbing; the rules
//! (who may do what, how long a lockout lasts) live in the services.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Result;
use domain::audit::{Actor, AuditEntry, AuditHead, NewAuditEntry};
use domain::sales::{
    Customer, ImportSummary, Item, Mapping, NewMapping, NewOos, Oos, Price, PriceChange, PriceRow, SaleLine,
    SalesReportRow, StockLevel,
};
use uuid::Uuid;

use crate::model::{
    ApiKeyRecord, ChatMessageRecord, ChatSessionRecord, EffectRecord, LoginSessionRecord, NewApiKey, NewRun, NewUser,
    RunChange, RunEventRecord, RunRecord, ThrottleRecord, TicketGrant, UploadRecord, UploadUsage, UserRecord,
};
use crate::model::{AuditQuery, OosQuery, SalesReportQuery};
use crate::vectors::ItemVector;

#[async_trait]
pub trait Health: Send + Sync {
    /// The database answers a trivial query.
    async fn ping(&self) -> Result<()>;
    /// Every migration this build knows is applied.
    async fn migrations_applied(&self) -> Result<bool>;
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// Drops expired sessions, WebSocket tickets and stale throttle rows; returns how many rows went.
    async fn purge_expired(&self, now: DateTime<Utc>, throttle_older_than: DateTime<Utc>) -> Result<u64>;
}

#[async_trait]
pub trait Users: Send + Sync {
    /// Fails with `conflict` when the username (case-insensitively) is taken.
    async fn create_user(&self, user: NewUser) -> Result<UserRecord>;
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>>;
    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>>;
    async fn count_users(&self) -> Result<u64>;
    /// Users in username order, at most `limit`.
    async fn list_users(&self, limit: u32) -> Result<Vec<UserRecord>>;
    /// Changes what is given (disabled, role); None when there is no such user.
    async fn update_user(
        &self,
        id: Uuid,
        disabled: Option<bool>,
        role: Option<domain::Role>,
    ) -> Result<Option<UserRecord>>;
}

#[async_trait]
pub trait LoginSessions: Send + Sync {
    async fn create_login_session(
        &self,
        id: Uuid,
        user_id: Uuid,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    async fn login_session(&self, id: Uuid) -> Result<Option<LoginSessionRecord>>;
    /// Returns false when there was no live session to revoke.
    async fn revoke_login_session(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool>;
}

#[async_trait]
pub trait ApiKeys: Send + Sync {
    /// Fails with `conflict` when a live key already has this name.
    async fn create_api_key(&self, key: NewApiKey) -> Result<ApiKeyRecord>;
    async fn api_key_by_hash(&self, key_hash: &[u8]) -> Result<Option<ApiKeyRecord>>;
    async fn api_key_by_id(&self, id: Uuid) -> Result<Option<ApiKeyRecord>>;
    /// Revokes the live key with this name; returns false when there is none.
    async fn revoke_api_key(&self, name: &str, at: DateTime<Utc>) -> Result<bool>;
    async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>>;
}

#[async_trait]
pub trait LoginThrottle: Send + Sync {
    /// The current record for each key that has one.
    async fn throttle_state(&self, keys: &[String]) -> Result<Vec<(String, ThrottleRecord)>>;
    /// Counts one failure atomically; a window older than `window_start_after` restarts at 1.
    async fn record_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_start_after: DateTime<Utc>,
    ) -> Result<ThrottleRecord>;
    async fn lock(&self, key: &str, until: DateTime<Utc>) -> Result<()>;
    async fn clear(&self, key: &str) -> Result<()>;
    /// Takes one counted attempt back (it succeeded), never below zero.
    async fn forgive(&self, key: &str) -> Result<()>;
}

#[async_trait]
pub trait Uploads: Send + Sync {
    /// Inserts the record only if the owner stays within both quotas, atomically; returns false
    /// (and inserts nothing) when it would not.
    async fn insert_upload_within_quota(&self, upload: &UploadRecord, max_count: u64, max_bytes: u64) -> Result<bool>;
    async fn upload(&self, id: Uuid) -> Result<Option<UploadRecord>>;
    /// The owner's uploads, newest first.
    async fn list_uploads(&self, owner_id: Uuid, limit: u32) -> Result<Vec<UploadRecord>>;
    /// Returns false when there was no such upload.
    async fn delete_upload(&self, id: Uuid) -> Result<bool>;
    async fn upload_usage(&self, owner_id: Uuid) -> Result<UploadUsage>;
    /// Which of `object_keys` belong to an upload (for the reconciler, a batch at a time).
    async fn existing_upload_keys(&self, object_keys: &[String]) -> Result<std::collections::HashSet<String>>;
}

#[async_trait]
pub trait Runs: Send + Sync {
    async fn create_run(&self, run: &NewRun) -> Result<RunRecord>;
    async fn run(&self, id: Uuid) -> Result<Option<RunRecord>>;
    /// Atomically takes the oldest claimable run — queued, or running under a lease that lapsed
    /// (its instance died) — for `worker` until `lease_until`. No run is ever held by two workers.
    async fn claim_run(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<RunRecord>>;
    /// Extends the lease while `worker` still holds it; false when the lease was lost.
    async fn renew_lease(&self, id: Uuid, worker: &str, lease_until: DateTime<Utc>) -> Result<bool>;
    /// Applies `event` only if the run is still in `from` (and, when running, leased by `worker`),
    /// writing `change`; false when the run moved on meanwhile. Invalid events are refused.
    async fn transition_run(
        &self,
        id: Uuid,
        from: domain::RunStatus,
        event: domain::RunEvent,
        worker: Option<&str>,
        change: &RunChange,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Records the latest progress report and appends it to the event log; returns its sequence.
    async fn report_run_progress(&self, id: Uuid, progress: &serde_json::Value, now: DateTime<Utc>) -> Result<u64>;
    /// Expires every waiting run whose deadline has passed; returns their ids.
    async fn expire_waiting_runs(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>>;
    /// Appends to the run's event log; returns the event's sequence number (1, 2, …).
    async fn append_run_event(
        &self,
        run_id: Uuid,
        kind: &str,
        data: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<u64>;
    /// Events after `after` (exclusive), oldest first.
    async fn run_events(&self, run_id: Uuid, after: u64, limit: u32) -> Result<Vec<RunEventRecord>>;
    /// Records an applied side effect; when the key exists already, returns the earlier result.
    async fn record_effect(
        &self,
        key: &str,
        run_id: Uuid,
        result: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<EffectRecord>;
    async fn effect(&self, key: &str) -> Result<Option<serde_json::Value>>;
}

#[async_trait]
pub trait Tickets: Send + Sync {
    /// Stores a single-use ticket, by its keyed hash only.
    async fn create_ticket(&self, ticket_hash: &[u8], grant: &TicketGrant, expires_at: DateTime<Utc>) -> Result<()>;
    /// Marks the ticket used, atomically, only if it is unused and unexpired at `now`; returns
    /// its grant then, `None` otherwise. Two instances redeeming at once: exactly one gets it.
    async fn consume_ticket(&self, ticket_hash: &[u8], now: DateTime<Utc>) -> Result<Option<TicketGrant>>;
}

#[async_trait]
pub trait Chats: Send + Sync {
    async fn create_session(&self, session: &ChatSessionRecord) -> Result<()>;
    async fn session(&self, id: Uuid) -> Result<Option<ChatSessionRecord>>;
    /// The owner's sessions, most recently active first.
    async fn list_sessions(&self, owner_id: Uuid, limit: u32) -> Result<Vec<ChatSessionRecord>>;
    async fn delete_session(&self, id: Uuid) -> Result<bool>;
    /// Appends a message; returns its sequence number in the session (1, 2, …).
    async fn append_message(
        &self,
        session_id: Uuid,
        role: &str,
        content: &str,
        meta: Option<&serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Result<u64>;
    /// The last `limit` messages, oldest first.
    async fn recent_messages(&self, session_id: Uuid, limit: u32) -> Result<Vec<ChatMessageRecord>>;
    /// Adds to a principal's LLM tokens for a UTC day, atomically; returns the day's total.
    async fn add_llm_tokens(&self, principal_id: Uuid, day: chrono::NaiveDate, tokens: u64) -> Result<u64>;
    async fn llm_tokens(&self, principal_id: Uuid, day: chrono::NaiveDate) -> Result<u64>;
}

#[async_trait]
pub trait Approvals: Send + Sync {
    async fn create_approval(&self, approval: &crate::approval::ApprovalRecord) -> Result<()>;
    async fn approval(&self, id: Uuid) -> Result<Option<crate::approval::ApprovalRecord>>;
    /// Records the decision only if the approval is still pending, unexpired at `now` and bound to
    /// exactly `decision.args_hash`, atomically; false (and nothing written) otherwise.
    async fn decide_approval(
        &self,
        id: Uuid,
        decision: crate::approval::Decision<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// Approved → used, once; false when it was not approved or is used already.
    async fn mark_approval_used(&self, id: Uuid, now: DateTime<Utc>) -> Result<bool>;
    /// Takes over an approval whose applier stopped before using it: only while it is approved,
    /// unused, by `approver_id`, decided at or before `stale_before` and unexpired at `now`. Moves
    /// its decision time to `now`, atomically, so of several takers exactly one wins; false otherwise.
    async fn retake_approval(
        &self,
        id: Uuid,
        approver_id: Uuid,
        stale_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool>;
}

// The sales domain. Imports are all or nothing: every row is cleaned and checked (caps, duplicate
// keys, references) and then written in one transaction, in multi-row batches; any failure writes
// nothing and names the first bad row. Each import and each audited change writes its audit entry
// in the same transaction as the change, with `actor` as the entry's principal.

#[async_trait]
pub trait Catalog: Send + Sync {
    /// Inserts items, replacing those whose SKU exists; a SKU twice in one import is refused.
    /// Bumps the catalog version.
    async fn import_items(&self, items: &[Item], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary>;
    /// Items and their stock from one file, in one transaction: both written, or neither. The
    /// stock's SKUs must be among `items` or already in the catalog. Audited as one catalog import.
    async fn import_catalog(
        &self,
        items: &[Item],
        stock: &[StockLevel],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary>;
    /// Sets stock per (SKU, warehouse); every SKU must be in the catalog. Bumps the catalog version.
    async fn import_stock(&self, levels: &[StockLevel], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary>;
    async fn item(&self, sku: &str) -> Result<Option<Item>>;
    /// Items in SKU order after `after` (exclusive): pages for rebuilding a search index.
    /// `limit` is capped at `domain::sales::limits::MAX_PAGE`.
    async fn items_after(&self, after: Option<&str>, limit: u32) -> Result<Vec<Item>>;
    async fn count_items(&self) -> Result<u64>;
    /// The item's stock, by warehouse.
    async fn stock_of(&self, sku: &str) -> Result<Vec<StockLevel>>;
    /// Rises with every catalog or stock change; an instance whose index was built at an older
    /// version rebuilds it.
    async fn catalog_version(&self) -> Result<u64>;
}

/// Embeddings of catalog items, per embedding model, for semantic re-ranking. A cache the search
/// fills as it needs vectors: nothing else depends on it, and it may be lost.
#[async_trait]
pub trait ItemVectors: Send + Sync {
    /// The stored vectors of `model` for those of `skus` that have one, in any order.
    async fn item_vectors(&self, model: &str, skus: &[String]) -> Result<Vec<ItemVector>>;
    /// Inserts or replaces by (SKU, model), all or nothing. Every SKU must be in the catalog, every
    /// vector finite with 1 to [`crate::MAX_VECTOR_DIMS`] values; for a key given twice the last wins.
    async fn upsert_item_vectors(&self, vectors: &[ItemVector], now: DateTime<Utc>) -> Result<()>;
}

#[async_trait]
pub trait Prices: Send + Sync {
    /// Upserts price rows by (list, SKU, effective_from), creating lists as needed; a row whose
    /// amount changes gets the next version. Every SKU must be in the catalog.
    async fn import_prices(&self, rows: &[PriceRow], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary>;
    /// The price in effect on `day`: the row with the latest effective_from on or before it.
    async fn price_on(&self, price_list: &str, sku: &str, day: NaiveDate) -> Result<Option<Price>>;
    /// As [`Prices::price_on`], from the customer's list or the `default` list when it has none.
    /// `not_found` for an unknown customer.
    async fn customer_price(&self, customer: &str, sku: &str, day: NaiveDate) -> Result<Option<Price>>;
    /// Every effective-dated row of a SKU in a list, oldest first (at most `MAX_PAGE`).
    async fn price_schedule(&self, price_list: &str, sku: &str) -> Result<Vec<Price>>;
    /// Changes one row only if it is still at `expected_version`, audited as `price.update` with
    /// old and new values. Stale version: `precondition_failed`; a row that exists changed
    /// without a version: `precondition_required`; a version for a row that does not exist:
    /// `not_found`. Nothing is written on failure.
    async fn update_price(&self, change: &PriceChange, actor: &Actor, now: DateTime<Utc>) -> Result<Price>;
    async fn price_lists(&self) -> Result<Vec<String>>;
}

#[async_trait]
pub trait Customers: Send + Sync {
    /// Inserts customers, replacing those whose code exists; a code twice is refused.
    async fn import_customers(
        &self,
        customers: &[Customer],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary>;
    async fn customer(&self, code: &str) -> Result<Option<Customer>>;
    /// Customers in code order after `after` (exclusive); `limit` capped at `MAX_PAGE`.
    async fn customers_after(&self, after: Option<&str>, limit: u32) -> Result<Vec<Customer>>;
}

#[async_trait]
pub trait Mappings: Send + Sync {
    /// Creates the mapping or replaces the SKU of the one with the same (customer, normalised
    /// wording); audited as `mapping.upsert` with old and new values.
    async fn upsert_mapping(&self, mapping: &NewMapping, actor: &Actor, now: DateTime<Utc>) -> Result<Mapping>;
    /// Returns false when there was none; audited as `mapping.delete` when there was.
    async fn delete_mapping(&self, customer: &str, wording: &str, actor: &Actor, now: DateTime<Utc>) -> Result<bool>;
    /// The mapping for the wording as written (it is normalised for the lookup).
    async fn mapping(&self, customer: &str, wording: &str) -> Result<Option<Mapping>>;
    /// The customer's mappings in wording order after `after` (exclusive, normalised);
    /// `limit` capped at `MAX_PAGE`.
    async fn list_mappings(&self, customer: &str, after: Option<&str>, limit: u32) -> Result<Vec<Mapping>>;
}

#[async_trait]
pub trait OutOfStock: Send + Sync {
    /// Registers the request, or adds its quantity to the open registration for the same
    /// customer, item and day (atomically, also under concurrency). Audited as `oos.create`.
    /// A request whose idempotency key was seen before changes nothing (no quantity, no audit
    /// entry) and returns the registration that key made, as it is now, also when it has been
    /// resolved since; the key is recorded in the same transaction as the change it names.
    async fn create_oos(&self, oos: &NewOos, actor: &Actor, now: DateTime<Utc>) -> Result<Oos>;
    /// Resolves an open registration; `not_found` when there is none, `conflict` when it is
    /// resolved already. Audited as `oos.resolve`.
    async fn resolve_oos(&self, id: Uuid, resolution: Option<&str>, actor: &Actor, now: DateTime<Utc>) -> Result<Oos>;
    async fn oos(&self, id: Uuid) -> Result<Option<Oos>>;
    /// Newest first, filtered; page on with `before` = the last id seen.
    async fn list_oos(&self, query: &OosQuery) -> Result<Vec<Oos>>;
}

#[async_trait]
pub trait Sales: Send + Sync {
    /// Appends sales lines; every customer and SKU must exist.
    async fn import_sales(&self, lines: &[SaleLine], actor: &Actor, now: DateTime<Utc>) -> Result<ImportSummary>;
    /// Per group over `from..=to`: quantity and amount sums (exact) and line count; by key for
    /// days, by amount (largest first, then key) otherwise. At most `MAX_REPORT_GROUPS` groups.
    async fn sales_report(&self, query: &SalesReportQuery) -> Result<Vec<SalesReportRow>>;
    /// What `customer` bought on or after `since`: `(sku, sales lines)`, returns left out, most
    /// lines first (then SKU), at most `limit`. The matcher's prior for this customer's orders.
    async fn customer_history(&self, customer: &str, since: NaiveDate, limit: u32) -> Result<Vec<(String, u32)>>;
}

#[async_trait]
pub trait Audit: Send + Sync {
    /// Appends one entry on its own (logins, key changes, approvals), chained after the head.
    async fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry>;
    /// Newest first, optionally one action (`price.update`) or one family (`price.`); page on
    /// with `before_seq` = the last seq seen.
    async fn list_audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Oldest first after `after_seq` (exclusive), for verification; `limit` capped at `MAX_PAGE`.
    async fn audit_after(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>>;
    /// The head record: the newest entry's seq and hash as last written.
    async fn audit_head(&self) -> Result<Option<AuditHead>>;
}

/// Everything the services need from a database.
pub trait Store:
    Health
    + Users
    + LoginSessions
    + ApiKeys
    + LoginThrottle
    + Uploads
    + Runs
    + Chats
    + Tickets
    + Approvals
    + Catalog
    + ItemVectors
    + Prices
    + Customers
    + Mappings
    + OutOfStock
    + Sales
    + Audit
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: Health
        + Users
        + LoginSessions
        + ApiKeys
        + LoginThrottle
        + Uploads
        + Runs
        + Chats
        + Tickets
        + Approvals
        + Catalog
        + ItemVectors
        + Prices
        + Customers
        + Mappings
        + OutOfStock
        + Sales
        + Audit
        + Send
        + Sync
        + 'static
{
}
