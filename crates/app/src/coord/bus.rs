//! Topics with live subscribers: what one instance publishes reaches the subscribers of every
//! instance. Delivery is best effort by design: a message is a hint (a wake-up, a delta), the
//! store holds the truth, and every subscriber also looks at the store on a timer, so a message
//! lost to a Redis outage delays a client, it never misleads one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt as _;
use tokio::sync::{broadcast, mpsc, watch};
use uuid::Uuid;

use super::RedisLink;

/// Every instance subscribes to this one pattern and dispatches by topic locally, so a socket
/// following a run costs no Redis subscription of its own.
const CHANNEL_PREFIX: &str = "agent-team:bus:";
/// Messages a slow local subscriber may fall behind by before it skips ahead.
const PER_TOPIC: usize = 256;
/// Messages waiting to go out to Redis; beyond this they are dropped (and counted).
const OUTGOING: usize = 4096;
/// How often the subscription proves it is alive.
const HEARTBEAT: Duration = Duration::from_secs(15);

type Payload = Arc<str>;

enum Outgoing {
    Message(String, Payload),
    /// Answered once everything queued before it has been handed to Redis.
    Flush(tokio::sync::oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

struct Inner {
    topics: Mutex<HashMap<String, broadcast::Sender<Payload>>>,
    /// Tells this instance's own messages apart when Redis echoes them back.
    origin: String,
    outgoing: Option<mpsc::Sender<Outgoing>>,
    link: Option<RedisLink>,
}

impl Bus {
    /// Subscribers of this process only.
    pub fn local() -> Self {
        Self::build(None)
    }

    /// Shared through Redis with every instance using the same Redis.
    pub fn shared(link: RedisLink) -> Self {
        Self::build(Some(link))
    }

    fn build(link: Option<RedisLink>) -> Self {
        let (outgoing, queue) = match &link {
            Some(_) => {
                let (tx, rx) = mpsc::channel(OUTGOING);
                (Some(tx), Some(rx))
            }
            None => (None, None),
        };
        let bus = Self {
            inner: Arc::new(Inner {
                topics: Mutex::default(),
                origin: Uuid::new_v4().simple().to_string(),
                outgoing,
                link: link.clone(),
            }),
        };
        if let (Some(link), Some(queue)) = (link, queue) {
            // One sender task keeps each topic's messages in the order they were published.
            tokio::spawn(send_all(link, bus.inner.origin.clone(), queue));
        }
        bus
    }

    pub fn is_shared(&self) -> bool {
        self.inner.link.is_some()
    }

    /// Receives what is published on `topic` from now on, on any instance.
    pub fn subscribe(&self, topic: &str) -> broadcast::Receiver<Payload> {
        let mut topics = self.inner.topics.lock().unwrap_or_else(|e| e.into_inner());
        topics.entry(topic.to_owned()).or_insert_with(|| broadcast::channel(PER_TOPIC).0).subscribe()
    }

    /// Delivers to this instance's subscribers now and queues the message for the others.
    /// Never waits: a full queue or a Redis outage drops the message for other instances only.
    pub fn publish(&self, topic: &str, payload: &str) {
        let payload: Payload = payload.into();
        self.deliver(topic, payload.clone());
        if let Some(outgoing) = &self.inner.outgoing
            && self.inner.link.as_ref().is_some_and(RedisLink::is_up)
            && outgoing.try_send(Outgoing::Message(topic.to_owned(), payload)).is_err()
        {
            metrics::counter!("bus_messages_dropped_total").increment(1);
        }
    }

    /// Waits (at most `limit`) until what was published so far has gone out: for short-lived
    /// processes, such as an administration command, that announce something and exit.
    pub async fn flush(&self, limit: Duration) {
        let Some(outgoing) = &self.inner.outgoing else { return };
        let (done, flushed) = tokio::sync::oneshot::channel();
        if outgoing.send(Outgoing::Flush(done)).await.is_ok() {
            let _ = tokio::time::timeout(limit, flushed).await;
        }
    }

    fn deliver(&self, topic: &str, payload: Payload) {
        let mut topics = self.inner.topics.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = topics.get(topic)
            && sender.send(payload).is_err()
        {
            // Nobody listens any more: forget the topic.
            topics.remove(topic);
        }
    }

    /// Calls `handle` with every message on `topic` until `stopped`, on a task of its own;
    /// `None` means messages were missed (this listener fell behind) and the handler should act as
    /// if anything might have been said.
    pub fn listen(
        &self,
        topic: &str,
        mut stopped: watch::Receiver<bool>,
        mut handle: impl FnMut(Option<&str>) + Send + 'static,
    ) {
        let mut messages = self.subscribe(topic);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    received = messages.recv() => match received {
                        Ok(payload) => handle(Some(&payload)),
                        Err(broadcast::error::RecvError::Lagged(_)) => handle(None),
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    _ = stopped.changed() => return,
                }
            }
        });
    }

    /// Forgets topics whose subscribers have all gone, so the map stays bounded.
    pub fn prune(&self) {
        let mut topics = self.inner.topics.lock().unwrap_or_else(|e| e.into_inner());
        topics.retain(|_, sender| sender.receiver_count() > 0);
    }

    /// Relays other instances' messages to this instance's subscribers until `stopped`,
    /// reconnecting with backoff after Redis goes away. Does nothing without Redis.
    pub async fn relay(self, mut stopped: watch::Receiver<bool>) {
        let Some(link) = self.inner.link.clone() else { return };
        let mut backoff = Duration::from_millis(250);
        loop {
            let started = std::time::Instant::now();
            tokio::select! {
                outcome = self.subscription(&link) => {
                    link.record("subscribe", outcome);
                }
                _ = stopped.changed() => return,
            }
            if started.elapsed() > Duration::from_secs(10) {
                // It had been working: this is a new outage, start the backoff over.
                backoff = Duration::from_millis(250);
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                _ = stopped.changed() => return,
            }
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
    }

    /// One subscription, until the connection ends.
    async fn subscription(&self, link: &RedisLink) -> redis::RedisResult<()> {
        let connect = link.client().get_async_pubsub();
        let mut pubsub = match tokio::time::timeout(Duration::from_secs(2), connect).await {
            Ok(result) => result?,
            Err(_) => return Err((redis::ErrorKind::Io, "connecting for the bus timed out").into()),
        };
        pubsub.psubscribe(format!("{CHANNEL_PREFIX}*")).await?;
        tracing::info!("bus subscribed to Redis");
        let (mut sink, mut messages) = pubsub.split();
        // A connection that silently stopped (a cut network sends no reset) is found by pinging
        // it, not by waiting for messages that will never come.
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                message = messages.next() => {
                    let Some(message) = message else { break };
                    let Some(topic) = message.get_channel_name().strip_prefix(CHANNEL_PREFIX) else { continue };
                    let Ok(body) = message.get_payload::<String>() else { continue };
                    let Some((origin, payload)) = body.split_once('\n') else { continue };
                    if origin != self.inner.origin {
                        self.deliver(topic, payload.into());
                    }
                }
                _ = heartbeat.tick() => {
                    match tokio::time::timeout(Duration::from_secs(2), sink.ping::<redis::Value>()).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(err)) => return Err(err),
                        Err(_) => return Err((redis::ErrorKind::Io, "the bus subscription stopped answering").into()),
                    }
                }
            }
        }
        Err((redis::ErrorKind::Io, "the bus subscription ended").into())
    }
}

async fn send_all(link: RedisLink, origin: String, mut queue: mpsc::Receiver<Outgoing>) {
    let mut conn = link.connection();
    while let Some(item) = queue.recv().await {
        let (topic, payload) = match item {
            Outgoing::Message(topic, payload) => (topic, payload),
            Outgoing::Flush(done) => {
                let _ = done.send(());
                continue;
            }
        };
        if !link.is_up() {
            continue;
        }
        let outcome = redis::cmd("PUBLISH")
            .arg(format!("{CHANNEL_PREFIX}{topic}"))
            .arg(format!("{origin}\n{payload}"))
            .query_async::<i64>(&mut conn)
            .await;
        link.record("publish", outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_subscribers_get_their_topic_only_and_idle_topics_are_forgotten() {
        let bus = Bus::local();
        let mut runs = bus.subscribe("run.a");
        let mut other = bus.subscribe("run.b");
        bus.publish("run.a", "one");
        assert_eq!(&*runs.recv().await.unwrap(), "one");
        assert!(other.try_recv().is_err());
        drop(runs);
        drop(other);
        bus.prune();
        assert!(bus.inner.topics.lock().unwrap().is_empty());
    }
}
