//! The pieces several instances share through Redis, against a real Redis server
//! (`AGENT_TEAM_TEST_REDIS_URL`; required when `CI` is set, skipped otherwise). Each "instance"
//! is its own link, limiter or bus, as separate processes would have.

use std::time::Duration;

use app::coord::{Bus, RedisLink};
use app::limits::{LimitKey, RateLimiter, SharedRateLimiter};
use config::RedisFailMode;
use secrecy::SecretString;
use uuid::Uuid;

fn redis_url() -> Option<SecretString> {
    match std::env::var("AGENT_TEAM_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(SecretString::from(url)),
        _ if std::env::var_os("CI").is_some() => panic!("CI needs AGENT_TEAM_TEST_REDIS_URL (see .ci/run)"),
        _ => {
            eprintln!("skipped: AGENT_TEAM_TEST_REDIS_URL is not set");
            None
        }
    }
}

async fn link(url: &SecretString) -> RedisLink {
    let link = RedisLink::open(url).expect("a usable address");
    assert!(link.ping().await, "the test Redis answers");
    link
}

/// An address where nothing listens.
fn dead_url() -> SecretString {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    SecretString::from(format!("redis://127.0.0.1:{port}"))
}

#[tokio::test]
async fn two_instances_draw_from_one_quota() {
    let Some(url) = redis_url() else { return };
    let a = SharedRateLimiter::per_minute(link(&url).await, 4, RedisFailMode::Open);
    let b = SharedRateLimiter::per_minute(link(&url).await, 4, RedisFailMode::Open);
    let key = LimitKey::Principal(Uuid::new_v4());
    for (n, limiter) in [&a, &b, &a, &b].into_iter().enumerate() {
        let d = limiter.check(key).await;
        assert!(d.allowed, "request {n} is within the quota");
        assert_eq!(d.remaining, 3 - n as u32);
    }
    let refused = b.check(key).await;
    assert!(!refused.allowed && !refused.unavailable, "the fifth request, on either instance, is over");
    let wait = refused.retry_after.expect("a refusal says when to retry");
    assert!(wait > Duration::from_secs(10) && wait <= Duration::from_secs(15), "{wait:?}");
    assert!(a.check(LimitKey::Principal(Uuid::new_v4())).await.allowed, "other keys are untouched");
}

#[tokio::test]
async fn quotas_that_do_not_divide_a_minute_are_kept_exactly() {
    let Some(url) = redis_url() else { return };
    // 40,000 a minute is one request per 1.5 ms: a whole-millisecond clock would make it 60,000.
    let limiter = SharedRateLimiter::per_minute(link(&url).await, 40_000, RedisFailMode::Open);
    let first = limiter.check(LimitKey::Principal(Uuid::new_v4())).await;
    assert!(first.allowed);
    assert!(
        first.reset > Duration::from_micros(1_400) && first.reset <= Duration::from_micros(1_500),
        "one request takes 1.5 ms of the quota to come back: {:?}",
        first.reset
    );
    assert_eq!(first.remaining, 39_999);
}

#[tokio::test]
async fn concurrent_requests_on_two_instances_are_each_counted_once() {
    let Some(url) = redis_url() else { return };
    let a = std::sync::Arc::new(SharedRateLimiter::per_minute(link(&url).await, 20, RedisFailMode::Open));
    let b = std::sync::Arc::new(SharedRateLimiter::per_minute(link(&url).await, 20, RedisFailMode::Open));
    let key = LimitKey::Principal(Uuid::new_v4());
    let mut tasks = Vec::new();
    for n in 0..60 {
        let limiter = if n % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move { limiter.check(key).await.allowed }));
    }
    let mut allowed = 0;
    for task in tasks {
        allowed += usize::from(task.await.unwrap());
    }
    assert_eq!(allowed, 20, "exactly the quota passes, however the requests interleave");
}

#[tokio::test]
async fn without_redis_open_falls_back_to_local_limits_and_closed_refuses_as_unavailable() {
    let url = dead_url();
    let open_link = RedisLink::open(&url).unwrap();
    assert!(!open_link.ping().await);
    let open = SharedRateLimiter::per_minute(open_link, 2, RedisFailMode::Open);
    let key = LimitKey::Principal(Uuid::new_v4());
    assert!(open.check(key).await.allowed);
    assert!(open.check(key).await.allowed);
    let over = open.check(key).await;
    assert!(!over.allowed && !over.unavailable, "failing open still holds this instance's limit");

    let closed = SharedRateLimiter::per_minute(RedisLink::open(&url).unwrap(), 2, RedisFailMode::Closed);
    let refused = closed.check(LimitKey::Principal(Uuid::new_v4())).await;
    assert!(!refused.allowed && refused.unavailable, "failing closed refuses, as unavailable");
}

#[tokio::test]
async fn the_bus_carries_a_message_to_other_instances_and_once_to_its_own() {
    let Some(url) = redis_url() else { return };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let a = Bus::shared(link(&url).await);
    let b = Bus::shared(link(&url).await);
    tokio::spawn(a.clone().relay(stopped.clone()));
    tokio::spawn(b.clone().relay(stopped.clone()));
    let topic = format!("test.{}", Uuid::new_v4());
    let mut on_b = b.subscribe(&topic);
    let mut on_a = a.subscribe(&topic);
    // The relays subscribe in the background: publish until b hears it (bounded).
    let (mut heard, mut published) = (None, 0);
    for _ in 0..50 {
        a.publish(&topic, "hello from a");
        published += 1;
        if let Ok(Ok(payload)) = tokio::time::timeout(Duration::from_millis(100), on_b.recv()).await {
            heard = Some(payload);
            break;
        }
    }
    assert_eq!(heard.as_deref(), Some("hello from a"));
    // a's own subscriber got each of a's messages exactly once (Redis's echo is dropped).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut own = 0;
    while let Ok(payload) = on_a.try_recv() {
        assert_eq!(&*payload, "hello from a");
        own += 1;
    }
    assert_eq!(own, published, "a's subscriber saw each of a's messages once, not again as Redis's echo");
    assert!(on_b.try_recv().is_err(), "b heard it once");
    let _ = stop.send(true);
}
