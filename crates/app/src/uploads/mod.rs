//! Uploads: bytes stream from the channel through a running SHA-256 and the content sniffer into
//! the object store. The size cap is enforced as bytes arrive; the type comes from the bytes, never
//! from the client; the client's file name is only ever display metadata.

mod reconcile;
mod service;
mod slots;

pub use reconcile::{EVERY as RECONCILE_EVERY, GRACE as RECONCILE_GRACE};
pub use service::{PendingUpload, UploadLimits, UploadService};
pub use slots::UploadSlot;
