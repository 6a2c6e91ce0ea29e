//! Waiting for a topic to say something changed, with the store as the fallback: readers of a
//! log (a run's events) read it when woken and on a slow timer besides, so a wake-up lost to a
//! Redis outage (or sent by an instance without Redis) only delays them.

use std::time::Duration;

use tokio::sync::broadcast::{self, error::RecvError};

use super::Bus;

/// Wake-ups closer together than this are served by one read: a burst of progress costs one.
const COALESCE: Duration = Duration::from_millis(50);

pub struct Wakeup {
    bus: Bus,
    topic: String,
    receiver: broadcast::Receiver<std::sync::Arc<str>>,
    fallback: Duration,
}

impl Wakeup {
    /// Listens from now on: subscribe before the first read, so nothing written in between is
    /// missed.
    pub fn new(bus: &Bus, topic: String, fallback: Duration) -> Self {
        let receiver = bus.subscribe(&topic);
        Self { bus: bus.clone(), topic, receiver, fallback }
    }

    /// Returns once the topic announces a change, or after the fallback interval.
    pub async fn wait(&mut self) {
        tokio::time::sleep(COALESCE).await;
        tokio::select! {
            received = self.receiver.recv() => {
                if matches!(received, Err(RecvError::Closed)) {
                    self.receiver = self.bus.subscribe(&self.topic);
                }
            }
            () = tokio::time::sleep(self.fallback) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_publish_wakes_at_once_and_silence_waits_for_the_fallback() {
        let bus = Bus::local();
        let mut wakeup = Wakeup::new(&bus, "run.x".into(), Duration::from_secs(30));
        bus.publish("run.x", "");
        tokio::time::timeout(Duration::from_secs(5), wakeup.wait()).await.expect("woken by the publish");
        let mut quiet = Wakeup::new(&bus, "run.y".into(), Duration::from_millis(100));
        let started = std::time::Instant::now();
        quiet.wait().await;
        assert!(started.elapsed() >= Duration::from_millis(100), "no publish: the fallback");
    }
}
