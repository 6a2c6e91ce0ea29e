use domain::Role;
use serde_json::Value;

use crate::support::{TestServer, assert_no_leak, assert_problem, faults};

#[tokio::test]
async fn a_panicking_handler_answers_an_opaque_500_with_the_request_id() {
    let server = TestServer::start_with(&[], Some(faults())).await;
    let token = server.token("ana", Role::Staff).await;
    let response = server.get("/__test/panic", Some(&token)).await;
    assert_eq!(response.headers().get("x-content-type-options").unwrap(), "nosniff", "hardened like any answer");
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store");
    let body = assert_problem(response, 500, "internal").await;
    assert_eq!(body["detail"], "an internal error occurred");
    assert!(!body.to_string().contains("blew up"));
    // The server keeps serving after the panic.
    assert_eq!(server.get("/api/v1/me", Some(&token)).await.status(), 200);
}

#[tokio::test]
async fn unknown_routes_are_404_problems_with_or_without_credentials() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    assert_problem(server.get("/no/such/thing", None).await, 404, "not_found").await;
    assert_problem(server.get("/api/v1/nothing-here", Some(&token)).await, 404, "not_found").await;
    assert_problem(server.get("/../../etc/passwd", None).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let server = TestServer::start().await;
    let response = server.http.delete(server.url("/healthz")).send().await.unwrap();
    assert!(response.headers().get("allow").is_some());
    assert_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn malformed_json_wrong_type_and_wrong_shape_are_distinct_problems() {
    let server = TestServer::start().await;
    let url = server.url("/api/v1/auth/login");
    let send = |body: &'static str, content_type: &'static str| {
        server.http.post(&url).header("content-type", content_type).body(body).send()
    };
    assert_problem(send("{\"username\": ", "application/json").await.unwrap(), 400, "malformed_json").await;
    assert_problem(
        send("username=a", "application/x-www-form-urlencoded").await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    let body = assert_problem(
        send("{\"username\": 5, \"password\": []}", "application/json").await.unwrap(),
        422,
        "invalid_body",
    )
    .await;
    assert!(!body["detail"].as_str().unwrap().contains("u32"));
    let body =
        assert_problem(send("{\"password\": \"x\"}", "application/json").await.unwrap(), 422, "invalid_body").await;
    assert!(body["detail"].as_str().unwrap().contains("username"), "{body}");
    let body = assert_problem(
        send("{\"username\":\"a\",\"password\":\"b\",\"admin\":true}", "application/json").await.unwrap(),
        422,
        "invalid_body",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("admin"), "{body}");
}

#[tokio::test]
async fn an_oversized_body_is_413_before_it_is_parsed() {
    let server = TestServer::start().await;
    let huge = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(server::JSON_BODY_LIMIT + 10));
    let response = server
        .http
        .post(server.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload_too_large").await;
}

/// Every documented operation, sent hostile input as an authenticated admin, answers either
/// success or a clean problem document.
#[tokio::test]
async fn malformed_input_to_every_route_gets_a_clean_problem() {
    let server = TestServer::start().await;
    let admin = server.token("ana", Role::Admin).await;
    let doc = serde_json::to_value(server::openapi()).unwrap();
    let hostile_bodies: [(&str, &[u8]); 6] = [
        ("application/json", b"{\"a\":"),
        ("application/json", b"[1,2,3]"),
        ("application/json", b"\xff\xfe\x00garbage"),
        ("text/plain", b"hello"),
        ("application/json", b"{\"username\":\"\\u0000\",\"password\":\"\\ud800\"}"),
        ("application/json", b"null"),
    ];
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let hostile_path = path.replace(['{', '}'], "").replace("id", "..%2F..%2Fetc%2Fpasswd");
            for (content_type, body) in hostile_bodies {
                let response = server
                    .http
                    .request(method.to_uppercase().parse().unwrap(), server.url(&hostile_path))
                    .bearer_auth(&admin)
                    .header("content-type", content_type)
                    .body(body.to_vec())
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                assert!(!status.is_server_error(), "{method} {path} answered {status}");
                if status.is_client_error() {
                    let content_type = response.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
                    assert_eq!(content_type, "application/problem+json", "{method} {path}");
                    let body: Value = response.json().await.unwrap();
                    assert!(body["code"].is_string() && body["request_id"].is_string(), "{body}");
                    assert_no_leak(&body.to_string());
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 36, "{checked}");
}

#[tokio::test]
async fn sane_request_ids_are_echoed_and_others_replaced() {
    let server = TestServer::start().await;
    let response =
        server.http.get(server.url("/healthz")).header("x-request-id", "client-abc-12345").send().await.unwrap();
    assert_eq!(response.headers().get("x-request-id").unwrap(), "client-abc-12345");
    let response = server
        .http
        .get(server.url("/nowhere"))
        .header("x-request-id", "evil\"id with spaces and <tags>")
        .send()
        .await
        .unwrap();
    let id = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
    assert!(!id.contains('<') && !id.contains(' '));
    let body = assert_problem(response, 404, "not_found").await;
    assert_eq!(body["request_id"], id.as_str());
}

/// Captures log output of everything polled on this (current-thread) test runtime.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_log_keeps_what_the_client_is_not_told_under_the_same_request_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start_with(&[], Some(faults())).await;
    let token = server.token("ana", Role::Staff).await;
    let response = server.get("/__test/panic", Some(&token)).await;
    let request_id = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
    let body = assert_problem(response, 500, "internal").await;
    assert!(!body.to_string().contains("blew up"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line =
        logs.lines().find(|l| l.contains("handler panicked")).unwrap_or_else(|| panic!("no panic log line: {logs}"));
    assert!(line.contains(&request_id), "{line}");
    assert!(line.contains("handler blew up at /srv/agent-team/src/db.rs"), "the log has the whole cause: {line}");
    assert!(!logs.contains(&token), "tokens are never logged");
}
