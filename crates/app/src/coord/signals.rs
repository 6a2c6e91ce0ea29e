//! Run signals carried by the bus: wake-ups for workers and followers on every instance.

use agent::runs::RunSignals;
use uuid::Uuid;

use super::{Bus, topics};

pub struct BusSignals(pub Bus);

impl RunSignals for BusSignals {
    fn work_available(&self) {
        self.0.publish(topics::RUNS_WAKE, "");
    }

    fn run_changed(&self, run_id: Uuid) {
        self.0.publish(&topics::run(run_id), "");
    }
}
