use std::time::{Duration, Instant};

use domain::Role;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestServer, assert_problem};

/// Path parameters in the OpenAPI document are replaced by plausible values.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { "00000000-0000-0000-0000-000000000000" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

fn operations(doc: &Value) -> Vec<(String, String, bool)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let public = op["security"]
                .as_array()
                .is_some_and(|reqs| reqs.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())));
            ops.push((method.to_uppercase(), path.clone(), public));
        }
    }
    ops
}

#[tokio::test]
async fn every_documented_route_without_credentials_is_refused_with_401() {
    // Three anonymous requests per route, all from one address: above the default limit.
    let server = TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "10000")], None).await;
    let doc = serde_json::to_value(server::openapi()).unwrap();
    let ops = operations(&doc);
    assert!(ops.len() >= 6, "the document lists the routes: {ops:?}");

    let mut public: Vec<String> = ops.iter().filter(|(_, _, p)| *p).map(|(m, p, _)| format!("{m} {p}")).collect();
    public.sort();
    assert_eq!(
        public,
        ["GET /healthz", "GET /readyz", "POST /api/v1/auth/login", "POST /api/v1/auth/web/login"],
        "only the contract's public routes may skip authentication"
    );

    for (method, path, is_public) in &ops {
        if *is_public {
            continue;
        }
        // No credential, a forged login token, and a well-formed key that does not exist (so the
        // key lookup itself runs).
        let unknown_key = format!("atk_{}", "A".repeat(43));
        for bearer in [None, Some("atl_forged.token"), Some(unknown_key.as_str())] {
            let mut req = server.http.request(method.parse().unwrap(), server.url(&concrete(path)));
            if let Some(b) = bearer {
                req = req.bearer_auth(b);
            }
            let response = req.json(&json!({})).send().await.unwrap();
            let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(challenge.as_deref(), Some("Bearer"), "{method} {path}");
            assert_problem(response, 401, "unauthorized").await;
        }
    }
}

#[tokio::test]
async fn login_issues_a_token_that_logout_revokes() {
    let server = TestServer::start().await;
    server.user("ana", Role::Staff).await;
    let response = server.login_raw("ANA", PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() > 3600);
    let token = body["token"].as_str().unwrap();

    let me: Value = server.get("/api/v1/me", Some(token)).await.json().await.unwrap();
    assert_eq!(me["name"], "ana");
    assert_eq!(me["role"], "staff");
    assert_eq!(me["kind"], "user");

    let out = server.http.post(server.url("/api/v1/auth/logout")).bearer_auth(token).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert_problem(server.get("/api/v1/me", Some(token)).await, 401, "unauthorized").await;
    let again = server.http.post(server.url("/api/v1/auth/logout")).bearer_auth(token).send().await.unwrap();
    assert_problem(again, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let a = TestServer::start().await;
    let b = TestServer::start().await;
    let token = a.token("ana", Role::Admin).await;
    assert_eq!(a.get("/api/v1/me", Some(&token)).await.status(), 200);
    assert_problem(b.get("/api/v1/me", Some(&token)).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn api_keys_authenticate_until_revoked() {
    let server = TestServer::start().await;
    let key = server.key("ci-bot", Role::Manager, None).await;
    let me: Value = server.get("/api/v1/me", Some(&key)).await.json().await.unwrap();
    assert_eq!(me["kind"], "api_key");
    assert_eq!(me["role"], "manager");

    server.app.auth.revoke_api_key("ci-bot").await.unwrap();
    assert_problem(server.get("/api/v1/me", Some(&key)).await, 401, "unauthorized").await;

    // The name is free again, and the new key is a different secret.
    let fresh = server.key("ci-bot", Role::Staff, None).await;
    assert_ne!(fresh, key);
    assert_eq!(server.get("/api/v1/me", Some(&fresh)).await.status(), 200);
    assert_problem(server.get("/api/v1/me", Some(&key)).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn an_expired_api_key_is_refused() {
    let server = TestServer::start().await;
    let key = server.key("short-lived", Role::Staff, Some(Duration::from_secs(3))).await;
    assert_eq!(server.get("/api/v1/me", Some(&key)).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_problem(server.get("/api/v1/me", Some(&key)).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn api_keys_are_stored_only_as_hashes() {
    let server = TestServer::start().await;
    let key = server.key("audit", Role::Staff, None).await;
    let db = std::fs::read(server.dir.path().join("data/agent-team.db")).unwrap();
    let wal = std::fs::read(server.dir.path().join("data/agent-team.db-wal")).unwrap_or_default();
    let secret_part = &key.as_bytes()[4..];
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(secret_part.len()).any(|w| w == secret_part), "the plaintext key is in the database");
    }
}

#[tokio::test]
async fn logout_with_an_api_key_is_refused_and_the_key_keeps_working() {
    let server = TestServer::start().await;
    let key = server.key("svc", Role::Staff, None).await;
    let response = server.http.post(server.url("/api/v1/auth/logout")).bearer_auth(&key).send().await.unwrap();
    assert_problem(response, 400, "bad_request").await;
    assert_eq!(server.get("/api/v1/me", Some(&key)).await.status(), 200);
}

async fn failed_login(server: &TestServer, username: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = server.login_raw(username, "not the password").await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let mut body: Value = response.json().await.unwrap();
    body.as_object_mut().unwrap().remove("request_id");
    (status, body, elapsed)
}

#[tokio::test]
async fn unknown_and_known_users_get_identical_answers_for_the_same_password_work() {
    let server = TestServer::start().await;
    server.user("ana", Role::Staff).await;
    server.app.auth.warm_up().await;
    for i in 0..3 {
        let checks = server.app.auth.password_checks();
        let (s1, b1, _) = failed_login(&server, "ana").await;
        assert_eq!(server.app.auth.password_checks(), checks + 1, "a wrong password costs one argon2 verification");
        let (s2, b2, _) = failed_login(&server, &format!("nobody-{i}")).await;
        // Counted, not timed: the dummy hash has the real parameters, so one verification of it
        // costs what a real one does, and timings on a shared machine prove nothing either way.
        assert_eq!(server.app.auth.password_checks(), checks + 2, "an unknown name costs the same verification");
        assert_eq!((s1, &b1), (s2, &b2), "the answers must not reveal which user exists");
        assert_eq!(s1, 401);
        assert_eq!(b1["code"], "invalid_credentials");
    }
}

#[tokio::test]
async fn repeated_failures_lock_out_known_and_unknown_users_alike() {
    let server = TestServer::start().await;
    server.user("ana", Role::Staff).await;
    let policy = server.app.auth.policy();
    for _ in 0..policy.user_lock_after {
        assert_eq!(failed_login(&server, "ana").await.0, 401);
        assert_eq!(failed_login(&server, "ghost").await.0, 401);
    }
    let (s1, b1, _) = failed_login(&server, "ana").await;
    let (s2, b2, _) = failed_login(&server, "ghost").await;
    assert_eq!(s1, 429);
    assert_eq!((s1, &b1), (s2, &b2), "a lockout reads the same for real and made-up names");
    assert_eq!(b1["code"], "login_locked");

    // Even the right password is refused while locked, with a Retry-After.
    let response = server.login_raw("ana", PASSWORD).await;
    let retry: u64 = response.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry > 60 && retry <= policy.lock_for.as_secs(), "{retry}");
    assert_problem(response, 429, "login_locked").await;
}

#[tokio::test]
async fn failures_slow_down_before_the_lockout() {
    let server = TestServer::start().await;
    let policy = server.app.auth.policy();
    let mut timings = Vec::new();
    for _ in 0..=policy.slow_after + 1 {
        timings.push(failed_login(&server, "slowpoke").await.2);
    }
    let first = timings[0];
    let last = *timings.last().unwrap();
    assert!(last >= first + policy.slow_step, "later failures must be slower: {timings:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_failures_from_one_address_lock_that_address() {
    let server = TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "10000")], None).await;
    server.user("ana", Role::Staff).await;
    let policy = server.app.auth.policy();
    // Spraying different names from one address: each name stays under its own limit.
    let mut tasks = Vec::new();
    for i in 0..policy.ip_lock_after {
        let http = server.http.clone();
        let url = server.url("/api/v1/auth/login");
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .json(&json!({"username": format!("spray{i}"), "password": "guess"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 401);
    }
    let response = server.login_raw("ana", PASSWORD).await;
    assert_problem(response, 429, "login_locked").await;
}

#[tokio::test]
async fn metrics_need_an_admin() {
    let server = TestServer::start().await;
    let staff = server.token("sam", Role::Staff).await;
    let admin = server.token("ana", Role::Admin).await;
    assert_problem(server.get("/metrics", Some(&staff)).await, 403, "forbidden").await;
    let response = server.get("/metrics", Some(&admin)).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(
        text.contains("route=\"/api/v1/me\"") || text.contains("route=\"/metrics\""),
        "routes are labelled by template"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_concurrent_guesses_cannot_exceed_the_lockout_limit() {
    let server = TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "10000")], None).await;
    server.user("ana", Role::Staff).await;
    let policy = server.app.auth.policy();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let http = server.http.clone();
        let url = server.url("/api/v1/auth/login");
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .json(&json!({"username": "ana", "password": "guess"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 20, "{statuses:?}");
    assert!(
        checked <= policy.user_lock_after as usize,
        "only {} guesses may be checked: {statuses:?}",
        policy.user_lock_after
    );
    assert_problem(server.login_raw("ana", PASSWORD).await, 429, "login_locked").await;
}

#[tokio::test]
async fn which_methods_a_protected_path_allows_is_not_told_to_anonymous_callers() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let anonymous = server.http.put(server.url("/api/v1/me")).send().await.unwrap();
    assert!(anonymous.headers().get("allow").is_none());
    assert_problem(anonymous, 401, "unauthorized").await;
    let signed_in = server.http.put(server.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_problem(signed_in, 405, "method_not_allowed").await;
    // Public paths are public, methods included.
    assert_problem(server.http.delete(server.url("/healthz")).send().await.unwrap(), 405, "method_not_allowed").await;
}
