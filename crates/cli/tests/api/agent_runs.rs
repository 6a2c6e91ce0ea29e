//! Free-form agent runs over HTTP: the agent's proposed change waits for a person and is applied
//! only with an approval bound to its exact arguments.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use agent::chat::ToolExecutor;
use agent::tools::{Effect, ToolDef, ToolRegistry, ValidatedCall};
use async_trait::async_trait;
use axum::routing::post;
use domain::{Principal, Role};
use serde_json::{Value, json};

use crate::runs::until;
use crate::support::{TestServer, assert_problem};

pub struct Notes {
    pub applied: Arc<AtomicUsize>,
}

#[async_trait]
impl ToolExecutor for Notes {
    async fn execute(&self, _caller: &Principal, call: &ValidatedCall, _key: Option<&str>) -> domain::Result<Value> {
        self.applied.fetch_add(1, Ordering::SeqCst);
        Ok(json!({"saved": call.arguments["text"]}))
    }
}

pub fn tools() -> ToolRegistry {
    let mut tools = ToolRegistry::new();
    tools
        .register(ToolDef {
            name: "set_note",
            description: "Save a note",
            parameters: json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"], "additionalProperties": false}),
            min_role: Role::Staff,
            effect: Effect::Write,
        })
        .unwrap();
    tools
}

/// A provider whose model always asks to save a note.
pub async fn eager_model() -> String {
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(|| async {
            axum::Json(json!({"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
                "content": null, "tool_calls": [{"id": "c1", "type": "function",
                "function": {"name": "set_note", "arguments": "{\"text\":\"call Toko Maju\"}"}}]}}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 5}}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

async fn start(server: &TestServer, token: &str, prompt: &str) -> String {
    let response = server
        .http
        .post(server.url("/api/v1/runs"))
        .bearer_auth(token)
        .json(&json!({"task": "agent", "input": {"prompt": prompt}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn answer(server: &TestServer, token: &str, id: &str, answer: Value) -> reqwest::Response {
    server
        .http
        .post(server.url(&format!("/api/v1/runs/{id}/resume")))
        .bearer_auth(token)
        .json(&json!({"answer": answer}))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_run_answers_with_the_offline_assistant() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let id = start(&server, &token, "halo").await;
    let done = until(&server, &token, &id, "succeeded").await;
    assert!(done["result"]["reply"].as_str().unwrap().contains("asisten offline"), "{done}");
    let empty = server
        .http
        .post(server.url("/api/v1/runs"))
        .bearer_auth(&token)
        .json(&json!({"task": "agent", "input": {"prompt": "  "}}))
        .send()
        .await
        .unwrap();
    assert_problem(empty, 422, "validation_failed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposed_change_is_applied_only_with_an_approval_of_its_exact_arguments_and_only_once() {
    let base = eager_model().await;
    let applied = Arc::new(AtomicUsize::new(0));
    let executor = Arc::new(Notes { applied: applied.clone() });
    let server = TestServer::start_custom(&[("LLM_BASE_URL", base.as_str()), ("LLM_MODEL", "m")], |app| {
        app.with_tools(tools(), executor)
    })
    .await;
    let token = server.token("ana", Role::Staff).await;

    // Refused: an answer that does not carry the call's hash approves nothing.
    let id = start(&server, &token, "remind me to call Toko Maju").await;
    let waiting = until(&server, &token, &id, "waiting").await;
    let question = &waiting["question"];
    assert_eq!((question["kind"].as_str(), question["tool"].as_str()), (Some("approve_tool"), Some("set_note")));
    assert_eq!(question["arguments"], json!({"text": "call Toko Maju"}));
    let forged = "0".repeat(64);
    assert_eq!(answer(&server, &token, &id, json!({"approve": true, "args_hash": forged})).await.status(), 202);
    let done = until(&server, &token, &id, "succeeded").await;
    assert_eq!(done["result"]["approved"], false);
    assert_eq!(applied.load(Ordering::SeqCst), 0, "no write without a matching approval");

    // Approved with the exact hash: applied once; the approval cannot be used again.
    let id = start(&server, &token, "remind me to call Toko Maju").await;
    let waiting = until(&server, &token, &id, "waiting").await;
    let hash = waiting["question"]["args_hash"].as_str().unwrap().to_owned();
    assert_eq!(answer(&server, &token, &id, json!({"approve": true, "args_hash": hash})).await.status(), 202);
    let done = until(&server, &token, &id, "succeeded").await;
    assert_eq!(done["result"]["approved"], true);
    assert_eq!(done["result"]["result"], json!({"saved": "call Toko Maju"}));
    assert_eq!(applied.load(Ordering::SeqCst), 1);
    let again = answer(&server, &token, &id, json!({"approve": true, "args_hash": hash})).await;
    assert_problem(again, 409, "conflict").await;
    assert_eq!(applied.load(Ordering::SeqCst), 1);

    // The approver is on record in the run's event log.
    let events = server.get(&format!("/api/v1/runs/{id}/events"), Some(&token)).await.text().await.unwrap();
    assert!(events.contains("event: answer") && events.contains("\"by\""), "{events}");
}
