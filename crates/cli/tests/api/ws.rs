//! The WebSocket gateway over a real socket: authentication before the upgrade, the frame
//! protocol, following a run to its end, and the limits that protect the server.

use std::sync::Arc;
use std::time::Duration;

use domain::Role;
use futures::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{TestServer, assert_no_leak};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn server_with_task() -> TestServer {
    // The same test task as the run tests: asks a person, then finishes with the answer.
    TestServer::start_full(&[], None, Some(crate::runs::tasks(&Arc::default(), 0))).await
}

fn url(server: &TestServer, query: &str) -> String {
    format!("ws://{}/api/v1/ws{query}", server.addr)
}

/// Opens the gateway; the HTTP status when the upgrade is refused.
async fn open(server: &TestServer, query: &str, bearer: Option<&str>) -> Result<Socket, (u16, Value)> {
    let mut request = url(server, query).into_client_request().unwrap();
    if let Some(token) = bearer {
        request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => {
            let body = response.body().as_deref().map(|b| serde_json::from_slice(b).unwrap()).unwrap_or(Value::Null);
            Err((response.status().as_u16(), body))
        }
        Err(other) => panic!("the handshake failed unexpectedly: {other}"),
    }
}

async fn connect(server: &TestServer, bearer: &str) -> Socket {
    open(server, "", Some(bearer)).await.expect("the gateway opens")
}

async fn send(socket: &mut Socket, frame: Value) {
    socket.send(Message::Text(frame.to_string().into())).await.unwrap();
}

/// The next message from the server, protocol pings and pongs skipped.
async fn next_message(socket: &mut Socket) -> Message {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(15), socket.next())
            .await
            .expect("the server answers in time")
            .expect("the socket is open")
            .expect("a readable message");
        if !matches!(message, Message::Ping(_) | Message::Pong(_)) {
            return message;
        }
    }
}

async fn next_frame(socket: &mut Socket) -> Value {
    match next_message(socket).await {
        Message::Text(text) => serde_json::from_str(text.as_str()).expect("frames are JSON"),
        other => panic!("expected a JSON frame, got {other:?}"),
    }
}

/// Skips frames until one of type `kind` arrives.
async fn frame_of(socket: &mut Socket, kind: &str) -> Value {
    loop {
        let frame = next_frame(socket).await;
        if frame["type"] == kind {
            return frame;
        }
        assert_ne!(frame["type"], "error", "unexpected error while waiting for {kind}: {frame}");
    }
}

/// Reads until the server closes; returns the close code.
async fn close_code(socket: &mut Socket) -> u16 {
    loop {
        match tokio::time::timeout(Duration::from_secs(15), socket.next()).await.expect("closed in time") {
            Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
            Some(Ok(Message::Close(None))) => panic!("closed without a code"),
            Some(Ok(_)) => {}
            other => panic!("the connection ended without a close frame: {other:?}"),
        }
    }
}

async fn ticket(server: &TestServer, token: &str) -> reqwest::Response {
    server.http.post(server.url("/api/v1/ws/ticket")).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn an_upgrade_without_a_valid_credential_is_refused_with_401_before_any_socket_opens() {
    let server = TestServer::start().await;
    let forged_ticket = format!("?ticket=atw_{}", "A".repeat(43));
    for (query, bearer) in [("", None), ("", Some("atl_forged.token")), (forged_ticket.as_str(), None)] {
        let (status, body) = open(&server, query, bearer).await.map(|_| ()).unwrap_err();
        assert_eq!(status, 401, "{query} {bearer:?}");
        assert_eq!(body["code"], "unauthorized");
        assert_no_leak(&body.to_string());
    }
}

#[tokio::test]
async fn a_bearer_header_opens_the_gateway_and_a_ping_gets_a_pong() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let key = server.key("ops-bot", Role::Staff, None).await;
    for credential in [token, key] {
        let mut socket = connect(&server, &credential).await;
        send(&mut socket, json!({"type": "ping"})).await;
        assert_eq!(next_frame(&mut socket).await, json!({"type": "pong"}));
    }
}

#[tokio::test]
async fn a_ticket_opens_the_gateway_once() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let response = ticket(&server, &token).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 30);
    let ticket = body["ticket"].as_str().unwrap();
    assert!(ticket.starts_with("atw_"), "{ticket}");

    let query = format!("?ticket={ticket}");
    let mut socket = open(&server, &query, None).await.expect("the ticket opens the gateway");
    send(&mut socket, json!({"type": "ping"})).await;
    assert_eq!(next_frame(&mut socket).await["type"], "pong");

    let (status, _) = open(&server, &query, None).await.map(|_| ()).unwrap_err();
    assert_eq!(status, 401, "a ticket works only once");
}

#[tokio::test]
async fn a_ticket_dies_with_the_login_that_asked_for_it() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let body: Value = ticket(&server, &token).await.json().await.unwrap();
    let logout = server.http.post(server.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(logout.status(), 204);
    let query = format!("?ticket={}", body["ticket"].as_str().unwrap());
    let (status, _) = open(&server, &query, None).await.map(|_| ()).unwrap_err();
    assert_eq!(status, 401);
}

#[tokio::test]
async fn malformed_json_gets_an_error_frame_and_the_socket_stays_open() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let mut socket = connect(&server, &token).await;
    socket.send(Message::Text("{not json".into())).await.unwrap();
    let error = next_frame(&mut socket).await;
    assert_eq!(error["type"], "error");
    assert_eq!(error["code"], "malformed_frame");
    assert!(error["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{error}");
    assert_no_leak(&error.to_string());

    send(&mut socket, json!({"type": "subscribe", "run_id": "not-a-uuid"})).await;
    assert_eq!(next_frame(&mut socket).await["code"], "malformed_frame", "known type, bad fields");

    send(&mut socket, json!({"type": "ping"})).await;
    assert_eq!(next_frame(&mut socket).await["type"], "pong", "still open");
}

#[tokio::test]
async fn an_unknown_frame_type_gets_unknown_type() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let mut socket = connect(&server, &token).await;
    send(&mut socket, json!({"type": "teleport"})).await;
    let error = next_frame(&mut socket).await;
    assert_eq!((error["type"].as_str(), error["code"].as_str()), (Some("error"), Some("unknown_type")));
}

#[tokio::test]
async fn chat_on_the_socket_streams_deltas_then_the_whole_message() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let created = server
        .http
        .post(server.url("/api/v1/sessions"))
        .bearer_auth(&token)
        .json(&json!({"mode": "chat"}))
        .send()
        .await
        .unwrap();
    let session_id = created.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let mut socket = connect(&server, &token).await;
    send(&mut socket, json!({"type": "chat.send", "session_id": session_id, "content": "halo"})).await;
    let mut text = String::new();
    let done = loop {
        let frame = next_frame(&mut socket).await;
        match frame["type"].as_str() {
            Some("message.delta") => text.push_str(frame["text"].as_str().unwrap()),
            Some("message.done") => break frame,
            other => panic!("unexpected frame {other:?}: {frame}"),
        }
    };
    assert_eq!(done["message"]["content"].as_str().unwrap(), text, "the deltas add up to the message");
    assert!(text.contains("asisten offline"), "{text}");
    // Someone else's session is as absent as a missing one.
    send(&mut socket, json!({"type": "chat.send", "session_id": uuid::Uuid::now_v7(), "content": "halo"})).await;
    assert_eq!(next_frame(&mut socket).await["code"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_started_on_the_socket_waits_for_an_answer_and_finishes() {
    let server = server_with_task().await;
    let token = server.token("ana", Role::Staff).await;
    let mut socket = connect(&server, &token).await;

    send(&mut socket, json!({"type": "run.start", "task": "confirm_echo", "input": {"text": "aqua 2 dus"}})).await;
    let ack = next_frame(&mut socket).await;
    assert_eq!((ack["type"].as_str(), ack["note"].as_str()), (Some("run.progress"), Some("queued")), "{ack}");
    let run_id = ack["run_id"].as_str().unwrap().to_owned();

    send(&mut socket, json!({"type": "subscribe", "run_id": run_id})).await;
    let waiting = frame_of(&mut socket, "run.waiting").await;
    assert_eq!(waiting["run_id"], run_id.as_str());
    assert_eq!(waiting["question"], json!({"kind": "confirm", "text": "aqua 2 dus"}));

    send(&mut socket, json!({"type": "run.resume", "run_id": run_id, "answer": "yes"})).await;
    let done = frame_of(&mut socket, "run.done").await;
    assert_eq!(done["run_id"], run_id.as_str());
    assert_eq!(done["status"], "succeeded");
    assert_eq!(done["result"]["answer"], "yes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_users_run_cannot_be_followed_or_answered() {
    let server = server_with_task().await;
    let ana = server.token("ana", Role::Staff).await;
    let sam = server.token("sam", Role::Staff).await;
    let mut anas = connect(&server, &ana).await;
    send(&mut anas, json!({"type": "run.start", "task": "confirm_echo", "input": {"text": "x"}})).await;
    let run_id = next_frame(&mut anas).await["run_id"].as_str().unwrap().to_owned();

    let mut sams = connect(&server, &sam).await;
    send(&mut sams, json!({"type": "subscribe", "run_id": run_id})).await;
    assert_eq!(next_frame(&mut sams).await["code"], "not_found");
    send(&mut sams, json!({"type": "run.cancel", "run_id": run_id})).await;
    assert_eq!(next_frame(&mut sams).await["code"], "not_found");
}

#[tokio::test]
async fn a_client_that_floods_is_closed_with_1008() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let mut socket = connect(&server, &token).await;
    for _ in 0..200 {
        // The server may hang up part-way; that is the point.
        if socket.send(Message::Text(json!({"type": "ping"}).to_string().into())).await.is_err() {
            break;
        }
    }
    assert_eq!(close_code(&mut socket).await, u16::from(CloseCode::Policy));
}

#[tokio::test]
async fn a_sixth_socket_of_one_principal_is_refused_with_429() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let mut open_sockets = Vec::new();
    for _ in 0..5 {
        open_sockets.push(connect(&server, &token).await);
    }
    let (status, body) = open(&server, "", Some(&token)).await.map(|_| ()).unwrap_err();
    assert_eq!(status, 429);
    assert_eq!(body["code"], "rate_limited");
    let other = server.token("sam", Role::Staff).await;
    connect(&server, &other).await;
}

#[tokio::test]
async fn a_message_over_64_kib_is_refused_and_the_socket_closed_with_1009() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let mut socket = connect(&server, &token).await;
    let huge = json!({"type": "ping", "pad": "x".repeat(70 * 1024)});
    send(&mut socket, huge).await;
    let error = next_frame(&mut socket).await;
    assert_eq!(error["code"], "frame_too_large");
    assert_eq!(close_code(&mut socket).await, u16::from(CloseCode::Size));
}

#[tokio::test]
async fn shutting_the_server_down_closes_sockets_with_1001() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let mut socket = connect(&server, &token).await;
    let stopping = tokio::spawn(server.stop(Duration::from_secs(10)));
    assert_eq!(close_code(&mut socket).await, u16::from(CloseCode::Away));
    stopping.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_socket_follows_at_most_16_runs_at_once() {
    let server = server_with_task().await;
    let token = server.token("ana", Role::Staff).await;
    let mut socket = connect(&server, &token).await;
    send(&mut socket, json!({"type": "run.start", "task": "confirm_echo", "input": {"text": "x"}})).await;
    let run_id = next_frame(&mut socket).await["run_id"].as_str().unwrap().to_owned();
    // A waiting run never finishes on its own, so every subscription stays live.
    for _ in 0..17 {
        send(&mut socket, json!({"type": "subscribe", "run_id": run_id})).await;
    }
    let refused = loop {
        let frame = next_frame(&mut socket).await;
        if frame["type"] == "error" {
            break frame;
        }
    };
    assert_eq!(refused["code"], "rate_limited", "{refused}");
}
