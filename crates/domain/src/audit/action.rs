//! The action names the audit log records. Stable: filters and reports match on them.

pub const PRICE_UPDATE: &str = "price.update";
pub const PRICE_IMPORT: &str = "price.import";
pub const CATALOG_IMPORT: &str = "catalog.import";
pub const STOCK_IMPORT: &str = "stock.import";
pub const CUSTOMER_IMPORT: &str = "customer.import";
pub const SALES_IMPORT: &str = "sales.import";
pub const MAPPING_UPSERT: &str = "mapping.upsert";
pub const MAPPING_DELETE: &str = "mapping.delete";
pub const OOS_CREATE: &str = "oos.create";
pub const OOS_RESOLVE: &str = "oos.resolve";
pub const AUTH_LOGIN: &str = "auth.login";
pub const AUTH_LOGOUT: &str = "auth.logout";
pub const USER_CREATE: &str = "user.create";
pub const USER_UPDATE: &str = "user.update";
pub const KEY_CREATE: &str = "key.create";
pub const KEY_REVOKE: &str = "key.revoke";
pub const APPROVAL_GRANT: &str = "approval.grant";
pub const APPROVAL_DECLINE: &str = "approval.decline";
/// An approved change whose first apply was interrupted, finished by its approver.
pub const APPROVAL_RESUME: &str = "approval.resume";
