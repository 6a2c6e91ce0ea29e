//! What the rest of a deployment hears when runs change. Workers and followers also poll the
//! store, so a signal only makes them look sooner; the app shares signals across instances
//! (Redis) while a lone process needs none beyond its own wake-up.

use uuid::Uuid;

pub trait RunSignals: Send + Sync {
    /// New or resumed work exists: idle workers on every instance should look now.
    fn work_available(&self);
    /// The run's event log grew: whoever follows it should read it now.
    fn run_changed(&self, run_id: Uuid);
}

/// Signals nobody listens to (the workers of this process are woken directly).
pub struct NoSignals;

impl RunSignals for NoSignals {
    fn work_available(&self) {}
    fn run_changed(&self, _run_id: Uuid) {}
}
