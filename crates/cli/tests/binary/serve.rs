use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::{STRONG_SECRET, Served, http, run};

#[test]
fn sigterm_lets_an_in_flight_request_finish_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut served = Served::start(dir.path(), &[]);
    let body = r#"{"username":"someone","password":"whatever-it-is"}"#;
    let (first, rest) = body.split_at(10);
    let mut stream = TcpStream::connect(&served.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        stream,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    served.signal("TERM");
    std::thread::sleep(Duration::from_millis(500));
    // The request is still being received; the server must wait for it.
    stream.write_all(rest.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 401"), "the in-flight request got its answer: {response}");
    assert!(response.contains("invalid_credentials"), "{response}");

    assert!(served.wait_exit(Duration::from_secs(15)), "clean exit after draining: {}", served.output());
    assert!(TcpStream::connect(&served.addr).is_err(), "the port is closed");
    let output = served.output();
    assert!(output.contains("SIGTERM") && output.contains("stopped cleanly"), "{output}");
}

#[tokio::test]
async fn sigint_also_drains_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let mut served = Served::start(dir.path(), &[]);
    assert_eq!(http().get(format!("{}/healthz", served.base)).send().await.unwrap().status(), 200);
    served.signal("INT");
    assert!(served.wait_exit(Duration::from_secs(15)));
}

#[tokio::test]
async fn serve_migrates_at_start_and_is_ready() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let response = http().get(format!("{}/readyz", served.base)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(served.output().contains("admin create-user"), "first start explains how the first admin gets in");
}

#[tokio::test]
async fn without_auto_migrate_a_fresh_database_is_not_ready_until_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[("AUTO_MIGRATE", "false")]);
    let url = format!("{}/readyz", served.base);
    assert_eq!(http().get(&url).send().await.unwrap().status(), 503);
    assert!(run(dir.path(), &[], &["migrate"], None).status.success());
    assert_eq!(http().get(&url).send().await.unwrap().status(), 200);
}

#[test]
fn healthcheck_passes_against_a_running_server_and_fails_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[]);
    let port = served.addr.rsplit(':').next().unwrap().to_owned();
    let ok = run(dir.path(), &[("PORT", &port)], &["healthcheck"], None);
    assert!(ok.status.success());
    drop(served);
    let down = run(dir.path(), &[("PORT", &port)], &["healthcheck"], None);
    assert!(!down.status.success());
}

#[tokio::test]
async fn prod_logs_are_json_lines_with_route_status_latency_and_principal() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path(), &[("APP_ENV", "prod"), ("AUTH_SECRET", STRONG_SECRET)]);
    http().get(format!("{}/api/v1/me", served.base)).send().await.unwrap();
    // Logs are written by a background thread: wait for the line rather than guess a delay.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let line = loop {
        let output = served.output();
        let found = output
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["route"] == "/api/v1/me");
        if let Some(line) = found {
            break line;
        }
        assert!(std::time::Instant::now() < deadline, "no JSON access-log line: {output}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(line["status"], 401);
    assert!(line["latency_ms"].is_number());
    assert!(line["request_id"].is_string());
    assert!(line.get("principal").is_some());
}
