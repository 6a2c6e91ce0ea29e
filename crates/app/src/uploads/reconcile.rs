//! The reconciler: removes what a crash can leave behind — objects with no row (a crash between
//! commit and insert, or between row delete and object delete) and temporary files of interrupted
//! writes. Only things older than a grace period are touched, so uploads in flight are safe.

use std::time::Duration;

use chrono::Utc;
use domain::Result;

use super::UploadService;

pub const GRACE: Duration = Duration::from_secs(3600);
/// Listing every object is not free (a full LIST on S3): once an hour is plenty for leftovers.
pub const EVERY: Duration = Duration::from_secs(3600);

impl UploadService {
    /// Returns how many leftovers were removed.
    pub async fn reconcile(&self, grace: Duration) -> Result<u64> {
        let (store, objects) = self.parts();
        let cutoff = Utc::now() - chrono::Duration::from_std(grace).unwrap_or_else(|_| chrono::Duration::hours(1));
        let mut removed = objects.sweep_incomplete(cutoff).await?;
        let old: Vec<_> = objects.list("uploads/").await?.into_iter().filter(|o| o.last_modified < cutoff).collect();
        // One query per batch, not per object.
        for batch in old.chunks(500) {
            let keys: Vec<String> = batch.iter().map(|o| o.key.as_str().to_owned()).collect();
            let known = store.existing_upload_keys(&keys).await?;
            for object in batch.iter().filter(|o| !known.contains(o.key.as_str())) {
                objects.delete(&object.key).await?;
                tracing::info!(key = %object.key, "removed an orphan object");
                removed += 1;
            }
        }
        Ok(removed)
    }
}
