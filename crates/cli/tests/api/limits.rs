use std::time::Duration;

use domain::Role;

use crate::support::{TestServer, assert_problem, faults, faults_with};

fn header(response: &reqwest::Response, name: &str) -> u64 {
    response.headers().get(name).unwrap_or_else(|| panic!("{name} missing")).to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_principal_over_its_limit_gets_429_with_retry_after_and_ratelimit_headers() {
    let server = TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "5")], None).await;
    let key = server.key("busy", Role::Staff, None).await;
    for expected in (0..5).rev() {
        let response = server.get("/api/v1/me", Some(&key)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "ratelimit-limit"), 5);
        assert_eq!(header(&response, "ratelimit-remaining"), expected);
    }
    let response = server.get("/api/v1/me", Some(&key)).await;
    let retry = header(&response, "retry-after");
    assert!((1..=12).contains(&retry), "one request replenishes in 12 s: {retry}");
    assert_eq!(header(&response, "ratelimit-remaining"), 0);
    assert!(header(&response, "ratelimit-reset") >= retry);
    assert_problem(response, 429, "rate_limited").await;

    // Another principal is unaffected.
    let other = server.key("calm", Role::Staff, None).await;
    assert_eq!(server.get("/api/v1/me", Some(&other)).await.status(), 200);
}

#[tokio::test]
async fn unauthenticated_requests_are_limited_per_address() {
    let server = TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "3")], None).await;
    for _ in 0..3 {
        assert_eq!(server.get("/healthz", None).await.status(), 200);
    }
    let response = server.get("/healthz", None).await;
    assert!(response.headers().get("retry-after").is_some());
    assert_problem(response, 429, "rate_limited").await;
    // Bad credentials count against the same address budget.
    assert_problem(server.get("/api/v1/me", Some("atk_guess")).await, 429, "rate_limited").await;
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
    let untrusted = TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "2")], None).await;
    for i in 0..2 {
        let r = untrusted
            .http
            .get(untrusted.url("/healthz"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r =
        untrusted.http.get(untrusted.url("/healthz")).header("x-forwarded-for", "198.51.100.99").send().await.unwrap();
    assert_eq!(r.status(), 429, "a forged X-Forwarded-For must not buy a fresh budget");

    let behind_proxy =
        TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "2"), ("TRUSTED_PROXIES", "127.0.0.1/32")], None).await;
    for i in 0..6 {
        let r = behind_proxy
            .http
            .get(behind_proxy.url("/healthz"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "each forwarded client has its own budget");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_concurrency_cap_requests_are_shed_with_503() {
    let entered = std::sync::Arc::new(tokio::sync::Notify::new());
    let server = TestServer::start_with(&[("MAX_CONCURRENT_REQUESTS", "1")], Some(faults_with(entered.clone()))).await;
    let key = server.key("k", Role::Staff, None).await;
    let slow = {
        let http = server.http.clone();
        let url = server.url("/__test/slow");
        let key = key.clone();
        tokio::spawn(async move { http.get(url).bearer_auth(key).send().await.unwrap().status() })
    };
    entered.notified().await;
    let other = server.key("k2", Role::Staff, None).await;
    assert_problem(server.get("/api/v1/me", Some(&other)).await, 503, "overloaded").await;
    // Probes are never shed: an overloaded server is busy, not dead.
    assert_eq!(server.get("/healthz", None).await.status(), 200);
    assert_eq!(server.get("/readyz", None).await.status(), 200);
    assert_eq!(slow.await.unwrap(), 200);
    assert_eq!(server.get("/api/v1/me", Some(&other)).await.status(), 200, "capacity returns");
}

#[tokio::test]
async fn a_request_over_the_timeout_gets_408() {
    let server = TestServer::start_with(&[("REQUEST_TIMEOUT", "1s")], Some(faults())).await;
    let key = server.key("k", Role::Staff, None).await;
    assert_problem(server.get("/__test/slow", Some(&key)).await, 408, "request_timeout").await;
}

#[tokio::test]
async fn security_headers_are_on_every_response_and_hsts_only_in_prod() {
    let dev = TestServer::start().await;
    for response in [dev.get("/healthz", None).await, dev.get("/missing", None).await] {
        let h = response.headers();
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert!(h.get("content-security-policy").unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer");
        assert!(h.get("strict-transport-security").is_none());
        assert!(h.get("access-control-allow-origin").is_none(), "CORS is off unless configured");
    }
    let prod = TestServer::start_with(
        &[("APP_ENV", "prod"), ("AUTH_SECRET", "a-very-long-production-secret-of-48-bytes-or-so")],
        None,
    )
    .await;
    let response = prod.get("/healthz", None).await;
    assert!(response.headers().get("strict-transport-security").unwrap().to_str().unwrap().contains("max-age="));
}

#[tokio::test]
async fn cors_answers_only_configured_origins() {
    let server = TestServer::start_with(&[("CORS_ORIGINS", "https://app.example.com")], None).await;
    let allowed =
        server.http.get(server.url("/healthz")).header("origin", "https://app.example.com").send().await.unwrap();
    assert_eq!(allowed.headers().get("access-control-allow-origin").unwrap(), "https://app.example.com");
    let other = server.http.get(server.url("/healthz")).header("origin", "https://evil.example").send().await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server = TestServer::start_with(&[("HEADER_READ_TIMEOUT", "1s")], None).await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection is closed after the header timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_are_closed_at_once() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server = TestServer::start_with(&[("MAX_CONNECTIONS", "2")], None).await;
    let _held: Vec<_> = futures::future::join_all((0..2).map(|_| tokio::net::TcpStream::connect(server.addr))).await;
    // Let the server accept both before the third arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let _ = third.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), third.read_to_end(&mut buf)).await;
    assert!(read.is_ok() && buf.is_empty(), "the third connection is closed without an answer: {buf:?}");
    drop(_held);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(r) = server.http.get(server.url("/healthz")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "capacity returns when connections close");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
