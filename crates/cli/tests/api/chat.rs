use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::post;
use domain::Role;
use futures::StreamExt as _;
use serde_json::{Value, json};

use crate::support::{TestServer, assert_problem};

/// A tiny OpenAI-compatible provider on loopback: answers every completion with `status` and
/// counts the calls (real HTTP, the real wire format).
async fn provider(status: u16) -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let body = if status == 200 {
                    json!({"choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "Selamat siang! Ada yang bisa dibantu?"}}],
                        "usage": {"prompt_tokens": 400, "completion_tokens": 200}})
                } else {
                    json!({"error": {"message": "SECRET-PROVIDER-DETAIL at upstream"}})
                };
                (axum::http::StatusCode::from_u16(status).unwrap(), axum::Json(body))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), calls)
}

async fn session(server: &TestServer, token: &str) -> String {
    let created = server
        .http
        .post(server.url("/api/v1/sessions"))
        .bearer_auth(token)
        .json(&json!({"mode": "chat", "title": "Order questions"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn say(server: &TestServer, token: &str, id: &str, content: &str) -> reqwest::Response {
    server
        .http
        .post(server.url(&format!("/api/v1/sessions/{id}/messages")))
        .bearer_auth(token)
        .json(&json!({"content": content}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_offline_assistant_answers_and_the_conversation_is_kept() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let id = session(&server, &token).await;
    let reply: Value = say(&server, &token, &id, "halo").await.json().await.unwrap();
    assert!(reply["message"]["content"].as_str().unwrap().contains("asisten offline"), "{reply}");
    assert_eq!(reply["degraded"], Value::Null);
    let reply: Value = say(&server, &token, &id, "laporan penjualan bulan ini").await.json().await.unwrap();
    let report = reply["message"]["content"].as_str().unwrap();
    assert!(report.contains("\"group_by\"") && report.contains("\"rows\""), "the report tool answered: {reply}");

    let detail: Value = server.get(&format!("/api/v1/sessions/{id}"), Some(&token)).await.json().await.unwrap();
    let roles: Vec<&str> = detail["messages"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant"]);
    let list: Value = server.get("/api/v1/sessions", Some(&token)).await.json().await.unwrap();
    assert_eq!(list["sessions"][0]["id"], id.as_str());
}

#[tokio::test]
async fn sessions_are_owner_scoped() {
    let server = TestServer::start().await;
    let ana = server.token("ana", Role::Staff).await;
    let budi = server.token("budi", Role::Staff).await;
    let manager = server.token("mira", Role::Manager).await;
    let id = session(&server, &ana).await;
    assert_problem(server.get(&format!("/api/v1/sessions/{id}"), Some(&budi)).await, 404, "not_found").await;
    assert_problem(say(&server, &budi, &id, "hi").await, 404, "not_found").await;
    let deleted =
        server.http.delete(server.url(&format!("/api/v1/sessions/{id}"))).bearer_auth(&budi).send().await.unwrap();
    assert_problem(deleted, 404, "not_found").await;
    assert_eq!(server.get(&format!("/api/v1/sessions/{id}"), Some(&manager)).await.status(), 200, "managers may read");
    assert_problem(say(&server, &manager, &id, "hi").await, 403, "forbidden").await;
    let deleted =
        server.http.delete(server.url(&format!("/api/v1/sessions/{id}"))).bearer_auth(&ana).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_problem(server.get(&format!("/api/v1/sessions/{id}"), Some(&ana)).await, 404, "not_found").await;
}

#[tokio::test]
async fn bad_messages_and_sessions_are_refused() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let bad_mode = server
        .http
        .post(server.url("/api/v1/sessions"))
        .bearer_auth(&token)
        .json(&json!({"mode": "party"}))
        .send()
        .await
        .unwrap();
    assert_problem(bad_mode, 422, "validation_failed").await;
    let id = session(&server, &token).await;
    assert_problem(say(&server, &token, &id, "   ").await, 422, "validation_failed").await;
    assert_problem(say(&server, &token, &id, &"x".repeat(8001)).await, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_reply_streams_as_server_sent_events_when_asked() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let id = session(&server, &token).await;
    let response = server
        .http
        .post(server.url(&format!("/api/v1/sessions/{id}/messages")))
        .bearer_auth(&token)
        .header("accept", "text/event-stream")
        .json(&json!({"content": "help"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("content-type").unwrap(), "text/event-stream");
    let text = response.text().await.unwrap();
    let kinds: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("event: ")).collect();
    assert!(kinds.len() >= 2 && kinds[..kinds.len() - 1].iter().all(|k| *k == "message.delta"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"message.done"));
    let deltas: String = text
        .lines()
        .zip(text.lines().skip(1))
        .filter(|(e, _)| *e == "event: message.delta")
        .map(|(_, d)| {
            serde_json::from_str::<Value>(d.strip_prefix("data: ").unwrap()).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(deltas.contains("offline assistant"), "the deltas add up to the reply: {deltas}");
}

#[tokio::test]
async fn the_daily_token_budget_answers_429_with_its_own_code_once_spent() {
    let (base, calls) = provider(200).await;
    let server = TestServer::start_with(
        &[("LLM_BASE_URL", base.as_str()), ("LLM_MODEL", "test-model"), ("LLM_DAILY_TOKEN_BUDGET", "1000")],
        None,
    )
    .await;
    let token = server.token("ana", Role::Staff).await;
    let id = session(&server, &token).await;
    for _ in 0..2 {
        let reply: Value = say(&server, &token, &id, "selamat siang").await.json().await.unwrap();
        assert_eq!(reply["message"]["content"], "Selamat siang! Ada yang bisa dibantu?");
    }
    let spent = say(&server, &token, &id, "lagi").await;
    assert!(spent.headers().get("retry-after").is_some());
    assert_problem(spent, 429, "llm_budget_exhausted").await;
    assert_eq!(calls.load(Ordering::SeqCst), 2, "no model call once the budget is spent");
    let other = server.token("budi", Role::Staff).await;
    let theirs = session(&server, &other).await;
    assert_eq!(say(&server, &other, &theirs, "hi").await.status(), 200, "budgets are per principal");
}

#[tokio::test]
async fn a_failing_model_degrades_to_a_clear_reply_never_a_500_nor_its_text() {
    let (base, _) = provider(500).await;
    let server = TestServer::start_with(&[("LLM_BASE_URL", base.as_str()), ("LLM_MODEL", "test-model")], None).await;
    let token = server.token("ana", Role::Staff).await;
    let id = session(&server, &token).await;
    let response = say(&server, &token, &id, "hello").await;
    assert_eq!(response.status(), 200);
    let reply: Value = response.json().await.unwrap();
    assert_eq!(reply["degraded"], "llm_unavailable");
    assert!(!reply.to_string().contains("SECRET"), "{reply}");
}

/// A provider that streams "Selamat " and then holds the rest of its answer until the test
/// opens the gate: a client that sees the first words before the gate opens saw them streamed.
async fn gated_provider() -> (String, Arc<tokio::sync::Notify>, Arc<std::sync::Mutex<Vec<Value>>>) {
    let gate = Arc::new(tokio::sync::Notify::new());
    let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (held, seen) = (gate.clone(), requests.clone());
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move |axum::Json(request): axum::Json<Value>| {
            let (held, seen) = (held.clone(), seen.clone());
            async move {
                seen.lock().unwrap().push(request);
                let chunk = |delta: Value, finish: Value| {
                    format!("data: {}\n\n", json!({"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}))
                };
                let first = chunk(json!({"role": "assistant", "content": "Selamat "}), Value::Null);
                let rest = format!(
                    "{}{}data: {}\n\ndata: [DONE]\n\n",
                    chunk(json!({"content": "siang!"}), Value::Null),
                    chunk(json!({}), json!("stop")),
                    json!({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2}})
                );
                let body = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(first) }).chain(
                    futures::stream::once(async move {
                        held.notified().await;
                        Ok(rest)
                    }),
                );
                axum::response::Response::builder()
                    .header("content-type", "text/event-stream")
                    .body(axum::body::Body::from_stream(body))
                    .unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), gate, requests)
}

#[tokio::test]
async fn a_model_reply_streams_to_the_client_while_the_model_is_still_writing() {
    let (base, gate, requests) = gated_provider().await;
    let server = TestServer::start_with(&[("LLM_BASE_URL", base.as_str()), ("LLM_MODEL", "test-model")], None).await;
    let token = server.token("ana", Role::Staff).await;
    let id = session(&server, &token).await;
    let response = server
        .http
        .post(server.url(&format!("/api/v1/sessions/{id}/messages")))
        .bearer_auth(&token)
        .header("accept", "text/event-stream")
        .json(&json!({"content": "selamat siang"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    // Bounded so a server that buffers the whole reply fails here instead of hanging the suite.
    let first_words = async {
        while !seen.contains("Selamat ") {
            let chunk = body.next().await.expect("the stream ended early").unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), first_words)
        .await
        .expect("the first words arrive before the model finishes");
    assert!(seen.contains("event: message.delta") && !seen.contains("message.done"), "{seen}");
    gate.notify_one();
    while let Some(chunk) = body.next().await {
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    let done = seen.split("event: message.done\ndata: ").nth(1).expect("a message.done event").lines().next().unwrap();
    let done: Value = serde_json::from_str(done).unwrap();
    assert_eq!(done["message"]["content"], "Selamat siang!", "the whole reply, as stored");
    let requests = requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "one model call");
    assert_eq!(requests[0]["stream"], true, "the model was asked to stream");
    let stored: Value = server
        .http
        .get(server.url(&format!("/api/v1/sessions/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = stored["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["role"].as_str(), last["content"].as_str()), (Some("assistant"), Some("Selamat siang!")));
}
