use std::path::{Path, PathBuf};
use std::time::Duration;

use domain::Role;
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

use crate::support::{TestServer, assert_problem};
use crate::uploads_support::{CSV, Part, body, content_type, part, png, xlsx};

async fn upload(server: &TestServer, token: &str, parts: &[Part<'_>]) -> reqwest::Response {
    server
        .http
        .post(server.url("/api/v1/uploads"))
        .bearer_auth(token)
        .header("content-type", content_type())
        .body(body(parts))
        .send()
        .await
        .unwrap()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn objects(server: &TestServer) -> Vec<PathBuf> {
    files_under(&server.dir.path().join("data/objects"))
}

async fn row_count(server: &TestServer, token: &str) -> usize {
    let list: Value = server.get("/api/v1/uploads", Some(token)).await.json().await.unwrap();
    list["uploads"].as_array().unwrap().len()
}

#[tokio::test]
async fn an_upload_round_trips_with_sniffed_type_hash_and_safe_download_headers() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let sheet = xlsx();
    let response = upload(&server, &token, &[part("Pesanan Toko \"Maju\".xlsx".as_bytes(), &sheet)]).await;
    assert_eq!(response.status(), 201);
    let location = response.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["size"], sheet.len());
    assert_eq!(created["content_type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_eq!(created["sha256"].as_str().unwrap().len(), 64);
    assert!(!created["filename"].as_str().unwrap().contains('"'));
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/uploads/{id}"));

    let meta: Value = server.get(&location, Some(&token)).await.json().await.unwrap();
    assert_eq!(meta["sha256"], created["sha256"]);

    let download = server.get(&format!("{location}/content"), Some(&token)).await;
    assert_eq!(download.status(), 200);
    let h = download.headers().clone();
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("content-type").unwrap(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let disposition = h.get("content-disposition").unwrap().to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert_eq!(download.bytes().await.unwrap().as_ref(), sheet.as_slice());

    let deleted = server.http.delete(server.url(&location)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_problem(server.get(&location, Some(&token)).await, 404, "not_found").await;
    assert!(objects(&server).iter().all(|p| !p.to_string_lossy().contains("uploads/")), "the object went with the row");
}

#[tokio::test]
async fn the_type_comes_from_the_bytes_not_from_the_client() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    // An executable dressed up as a PDF.
    let elf = b"\x7fELF\x02\x01\x01\x00not really a pdf".to_vec();
    let response = upload(
        &server,
        &token,
        &[Part { field: "file", filename: Some(b"invoice.pdf"), content_type: "application/pdf", content: &elf }],
    )
    .await;
    assert_problem(response, 415, "unsupported_media_type").await;
    // A PNG named .csv is stored as a PNG.
    let image = png();
    let response = upload(
        &server,
        &token,
        &[Part { field: "file", filename: Some(b"order.csv"), content_type: "text/csv", content: &image }],
    )
    .await;
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["content_type"], "image/png");
    // Plain CSV text (with Chinese) is text, served as CSV when so named.
    let created: Value = upload(&server, &token, &[part("pesanan.csv".as_bytes(), CSV)]).await.json().await.unwrap();
    assert_eq!(created["content_type"], "text/csv; charset=utf-8");
    assert_eq!(row_count(&server, &token).await, 2, "the refused file left no row");
}

#[tokio::test]
async fn the_allow_list_is_configurable() {
    let server = TestServer::start_with(&[("UPLOAD_ALLOWED_TYPES", "xlsx,csv")], None).await;
    let token = server.token("ana", Role::Staff).await;
    assert_problem(upload(&server, &token, &[part(b"photo.png", &png())]).await, 415, "unsupported_media_type").await;
    assert_eq!(upload(&server, &token, &[part(b"ok.csv", CSV)]).await.status(), 201);
}

#[tokio::test]
async fn a_file_over_the_limit_is_413_and_nothing_is_kept() {
    let server = TestServer::start_with(&[("UPLOAD_MAX_BYTES", "1000")], None).await;
    let token = server.token("ana", Role::Staff).await;
    let big = vec![b'a'; 5000];
    assert_problem(upload(&server, &token, &[part(b"big.txt", &big)]).await, 413, "payload_too_large").await;
    // Declared far over the limit: refused before the body is read.
    let huge = vec![b'a'; 200_000];
    assert_problem(upload(&server, &token, &[part(b"huge.txt", &huge)]).await, 413, "payload_too_large").await;
    assert_eq!(objects(&server), Vec::<PathBuf>::new());
    assert_eq!(row_count(&server, &token).await, 0);
    assert_eq!(upload(&server, &token, &[part(b"small.txt", b"fits")]).await.status(), 201);
}

#[tokio::test]
async fn malformed_forms_are_clear_problems_and_leave_nothing() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let no_file = Part { field: "note", filename: None, content_type: "text/plain", content: b"hi" };
    assert_problem(upload(&server, &token, &[no_file]).await, 400, "bad_request").await;
    assert_problem(upload(&server, &token, &[]).await, 400, "bad_request").await;
    let two = [part(b"a.csv", CSV), part(b"b.csv", CSV)];
    assert_problem(upload(&server, &token, &two).await, 400, "bad_request").await;
    assert_problem(upload(&server, &token, &[part(b"empty.csv", b"")]).await, 422, "validation_failed").await;
    let not_multipart = server
        .http
        .post(server.url("/api/v1/uploads"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(not_multipart, 415, "unsupported_media_type").await;
    let truncated = server
        .http
        .post(server.url("/api/v1/uploads"))
        .bearer_auth(&token)
        .header("content-type", content_type())
        .body(body(&[part(b"cut.csv", CSV)])[..60].to_vec())
        .send()
        .await
        .unwrap();
    assert_problem(truncated, 400, "bad_request").await;
    assert_eq!(objects(&server), Vec::<PathBuf>::new());
    assert_eq!(row_count(&server, &token).await, 0);
}

#[tokio::test]
async fn long_and_header_breaking_names_are_stored_safely() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let long = "x".repeat(10_000) + ".csv";
    let created: Value = upload(&server, &token, &[part(long.as_bytes(), CSV)]).await.json().await.unwrap();
    let name = created["filename"].as_str().unwrap();
    assert!(name.len() <= files::filename::MAX_NAME_BYTES && name.ends_with(".csv"), "{name}");

    // A name that would break a header: the multipart parser may refuse it (400) or it is stored
    // under a safe name; either way no header is injected into the download.
    let response = upload(&server, &token, &[part(b"evil\\\";\r\nX-Injected: 1.csv", CSV)]).await;
    match response.status().as_u16() {
        400 => {
            assert_problem(response, 400, "bad_request").await;
        }
        201 => {
            let created: Value = response.json().await.unwrap();
            let id = created["id"].as_str().unwrap();
            let download = server.get(&format!("/api/v1/uploads/{id}/content"), Some(&token)).await;
            assert!(download.headers().get("x-injected").is_none());
            let disposition = download.headers().get("content-disposition").unwrap().to_str().unwrap().to_owned();
            assert!(!disposition.contains('\r') && !disposition.contains('\n'));
        }
        other => panic!("unexpected status {other}"),
    }
    let quoted: Value =
        upload(&server, &token, &[part("say \"hi\" 'there'.csv".as_bytes(), CSV)]).await.json().await.unwrap();
    assert!(!quoted["filename"].as_str().unwrap().contains('"'), "{quoted}");
}

#[tokio::test]
async fn another_users_upload_is_404_on_every_route_but_managers_may_read_it() {
    let server = TestServer::start().await;
    let ana = server.token("ana", Role::Staff).await;
    let budi = server.token("budi", Role::Staff).await;
    let manager = server.token("mira", Role::Manager).await;
    let created: Value = upload(&server, &ana, &[part(b"mine.csv", CSV)]).await.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let missing = "018f0000-0000-7000-8000-000000000000";
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("request_id");
        v
    };
    for suffix in ["", "/content"] {
        let theirs =
            assert_problem(server.get(&format!("/api/v1/uploads/{id}{suffix}"), Some(&budi)).await, 404, "not_found")
                .await;
        let nothing = assert_problem(
            server.get(&format!("/api/v1/uploads/{missing}{suffix}"), Some(&budi)).await,
            404,
            "not_found",
        )
        .await;
        assert_eq!(strip(theirs), strip(nothing), "someone else's upload reads exactly like a missing one");
        for junk in ["not-a-uuid", "..%2F..%2Fetc%2Fpasswd"] {
            assert_problem(server.get(&format!("/api/v1/uploads/{junk}{suffix}"), Some(&budi)).await, 404, "not_found")
                .await;
        }
    }
    for target in [id, missing, "not-a-uuid"] {
        let del = server
            .http
            .delete(server.url(&format!("/api/v1/uploads/{target}")))
            .bearer_auth(&budi)
            .send()
            .await
            .unwrap();
        assert_problem(del, 404, "not_found").await;
    }
    let list: Value = server.get("/api/v1/uploads", Some(&budi)).await.json().await.unwrap();
    assert!(list["uploads"].as_array().unwrap().is_empty(), "lists are per owner");
    assert_eq!(server.get(&format!("/api/v1/uploads/{id}"), Some(&manager)).await.status(), 200);
    assert_eq!(server.get(&format!("/api/v1/uploads/{id}/content"), Some(&manager)).await.status(), 200);
    assert_eq!(server.get(&format!("/api/v1/uploads/{id}"), Some(&ana)).await.status(), 200, "still there");
}

#[tokio::test]
async fn quotas_have_their_own_codes() {
    let server = TestServer::start_with(&[("UPLOAD_QUOTA_COUNT", "2"), ("UPLOAD_QUOTA_BYTES", "150")], None).await;
    let token = server.token("ana", Role::Staff).await;
    assert_eq!(upload(&server, &token, &[part(b"1.csv", CSV)]).await.status(), 201);
    let big = vec![b'b'; 120];
    assert_problem(upload(&server, &token, &[part(b"2.txt", &big)]).await, 413, "quota_bytes_exceeded").await;
    assert_eq!(upload(&server, &token, &[part(b"2.csv", CSV)]).await.status(), 201);
    assert_problem(upload(&server, &token, &[part(b"3.csv", b"x")]).await, 409, "quota_count_exceeded").await;
    let other = server.token("budi", Role::Staff).await;
    assert_eq!(upload(&server, &other, &[part(b"1.csv", CSV)]).await.status(), 201, "quotas are per owner");
}

/// Sends the headers and part of the body, then stalls or hangs up.
async fn partial_upload(server: &TestServer, token: &str, then_disconnect: bool) -> Option<String> {
    let full = body(&[part(b"slow.csv", &vec![b'z'; 100_000])]);
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
        content_type(),
        full.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&full[..50_000]).await.unwrap();
    stream.flush().await.unwrap();
    if then_disconnect {
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(stream);
        return None;
    }
    let mut response = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(10), tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut response))
            .await;
    assert!(read.is_ok(), "the server answered a stalled upload within its idle timeout");
    Some(String::from_utf8_lossy(&response).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_times_out_and_a_dropped_one_leaves_nothing() {
    let server = TestServer::start_with(&[("UPLOAD_IDLE_TIMEOUT", "1s")], None).await;
    let token = server.token("ana", Role::Staff).await;
    let answer = partial_upload(&server, &token, false).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");

    partial_upload(&server, &token, true).await;
    // The server notices the hang-up on its own schedule: wait for the clean-up, within reason.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !objects(&server).is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(objects(&server), Vec::<PathBuf>::new(), "no partial object, no temporary file");
    assert_eq!(row_count(&server, &token).await, 0);
}

#[tokio::test]
async fn at_least_300_hostile_names_never_write_outside_the_object_root() {
    // DATA_DIR sits eight levels down inside the sandbox, so even a deep `../` escape would land
    // inside the sandbox, where the check below looks after every single upload.
    let outer = tempfile::tempdir().unwrap();
    let data_dir = outer.path().join("a/b/c/d/e/f/g/h/data");
    let data_dir_text = data_dir.display().to_string();
    let server = TestServer::start_with(
        &[("DATA_DIR", data_dir_text.as_str()), ("UPLOAD_QUOTA_COUNT", "100000"), ("RATE_LIMIT_PER_MINUTE", "100000")],
        None,
    )
    .await;
    let token = server.token("ana", Role::Staff).await;
    let uploads_root = data_dir.join("objects/uploads");
    let allowed = |path: &Path| {
        path.starts_with(&uploads_root)
            || path.starts_with(data_dir.join("objects/.tmp"))
            || (path.parent() == Some(data_dir.as_path())
                && path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n == "auth_secret" || n.starts_with("agent-team.db")))
    };
    let corpus = files::filename::hostile_corpus();
    assert!(corpus.len() >= 300, "{}", corpus.len());
    let mut stored = 0;
    for name in &corpus {
        let response = upload(&server, &token, &[part(name, CSV)]).await;
        if response.status() == 201 {
            let created: Value = response.json().await.unwrap();
            let shown = created["filename"].as_str().unwrap();
            assert!(files::filename::is_safe(shown), "{name:?} -> {shown:?}");
            stored += 1;
        } else {
            assert_problem(response, 400, "bad_request").await;
        }
        for path in files_under(outer.path()) {
            assert!(
                allowed(&path),
                "after uploading {name:?}, a file appeared outside the object root: {}",
                path.display()
            );
        }
    }
    assert!(stored >= 250, "most hostile names are stored under a safe display name: {stored}");
    assert_eq!(files_under(&uploads_root).len(), stored, "one object per stored upload, nothing else");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_before_the_first_part_times_out_too() {
    let server = TestServer::start_with(&[("UPLOAD_IDLE_TIMEOUT", "1s")], None).await;
    let token = server.token("ana", Role::Staff).await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: {}\r\nContent-Length: 5000\r\n\r\n--{}",
        content_type(),
        crate::uploads_support::BOUNDARY
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(10), tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut response))
            .await;
    assert!(read.is_ok(), "the server gave up on the stalled form within its idle timeout");
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_owner_cannot_hold_more_than_its_share_of_upload_slots() {
    let server =
        TestServer::start_with(&[("UPLOAD_IDLE_TIMEOUT", "2s"), ("UPLOAD_MAX_CONCURRENT_PER_OWNER", "1")], None).await;
    let token = server.token("ana", Role::Staff).await;
    let other = server.token("budi", Role::Staff).await;
    let full = body(&[part(b"slow.csv", &vec![b'z'; 100_000])]);
    let mut stalled = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
        content_type(),
        full.len()
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&full[..1000]).await.unwrap();
    // The stalled upload takes the owner's only slot as soon as the server reads it.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let refused = loop {
        let response = upload(&server, &token, &[part(b"second.csv", CSV)]).await;
        if response.status() == 429 {
            break response;
        }
        assert!(std::time::Instant::now() < deadline, "a second concurrent upload must be refused");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_problem(refused, 429, "rate_limited").await;
    assert_eq!(upload(&server, &other, &[part(b"theirs.csv", CSV)]).await.status(), 201, "other owners are unaffected");
    drop(stalled);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while upload(&server, &token, &[part(b"later.csv", CSV)]).await.status() != 201 {
        assert!(std::time::Instant::now() < deadline, "the slot comes back once the stalled upload ends");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A 1 MiB tmpfs, unmounted on drop; None where the machine does not allow mounting.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path) -> Option<Self> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(at.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_disk_is_insufficient_storage_leaves_no_partial_object_and_the_server_keeps_serving() {
    let outer = tempfile::tempdir().unwrap();
    let mount_point = outer.path().join("small");
    let Some(disk) = SmallDisk::mount(&mount_point) else {
        full_disk_by_file_size_limit().await;
        return;
    };
    let url = format!("file://{}", disk.0.display());
    let server = TestServer::start_with(&[("OBJECT_STORE_URL", url.as_str())], None).await;
    let token = server.token("ana", Role::Staff).await;
    let too_big = vec![b'q'; 2 * 1024 * 1024];
    let body =
        assert_problem(upload(&server, &token, &[part(b"big.txt", &too_big)]).await, 507, "insufficient_storage").await;
    assert!(!body["detail"].as_str().unwrap().contains('/'), "no path in the answer");
    assert_eq!(files_under(&disk.0), Vec::<PathBuf>::new(), "no partial object and no temporary file");
    assert_eq!(row_count(&server, &token).await, 0);
    assert_eq!(server.get("/healthz", None).await.status(), 200);
    assert_eq!(
        upload(&server, &token, &[part(b"small.csv", CSV)]).await.status(),
        201,
        "space freed, uploads work again"
    );
    drop(server);
}

/// Where mounting is not allowed: the real binary under a 1 MiB file-size limit (SIGXFSZ ignored,
/// so the write fails with EFBIG instead of killing the process).
async fn full_disk_by_file_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_agent-team");
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let key_out = std::process::Command::new(bin)
        .args(["admin", "create-key", "--name", "disk", "--role", "staff"])
        .env("DATA_DIR", dir.path().join("data"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    let key = String::from_utf8(key_out.stdout).unwrap().lines().last().unwrap().to_owned();
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f 1024; exec '{bin}' serve"))
        .env("DATA_DIR", dir.path().join("data"))
        .env("PORT", port.to_string())
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = crate::support::client();
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let too_big = vec![b'q'; 2 * 1024 * 1024];
    let response = http
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(&key)
        .header("content-type", content_type())
        .body(body(&[part(b"big.txt", &too_big)]))
        .send()
        .await
        .unwrap();
    assert_problem(response, 507, "insufficient_storage").await;
    assert_eq!(http.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
    let leftovers: Vec<_> = files_under(&dir.path().join("data/objects"));
    assert_eq!(leftovers, Vec::<PathBuf>::new());
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_round_trip_through_s3_and_a_refused_file_leaves_no_object() {
    let Ok(endpoint) = std::env::var("AGENT_TEAM_TEST_S3_ENDPOINT") else {
        eprintln!("skipped: AGENT_TEAM_TEST_S3_ENDPOINT is not set");
        return;
    };
    let bucket = format!("uploads-{}", uuid::Uuid::now_v7().simple());
    let created = crate::support::client().put(format!("{endpoint}/{bucket}")).send().await.unwrap();
    assert!(created.status().is_success());
    let url = format!("s3://{bucket}/agent-team");
    let server = TestServer::start_with(
        &[
            ("OBJECT_STORE_URL", url.as_str()),
            ("AWS_ENDPOINT_URL", endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
        ],
        None,
    )
    .await;
    assert_eq!(server.get("/readyz", None).await.status(), 200, "the object store answers");
    let token = server.token("ana", Role::Staff).await;
    // Larger than one multipart part, so it streams in several.
    let mut big = Vec::new();
    while big.len() < 7 * 1024 * 1024 {
        big.extend_from_slice(b"aqua 600ml,2 dus,toko maju\n");
    }
    let created: Value = upload(&server, &token, &[part(b"big.csv", &big)]).await.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    let download = server.get(&format!("/api/v1/uploads/{id}/content"), Some(&token)).await;
    assert_eq!(download.bytes().await.unwrap().len(), big.len());

    let elf = b"\x7fELF\x02\x01\x01\x00".repeat(1000);
    assert_problem(upload(&server, &token, &[part(b"x.pdf", &elf)]).await, 415, "unsupported_media_type").await;
    // Refused after more than one multipart part was sent: the multipart upload must be aborted.
    let mut late = big.clone();
    late.push(0);
    late.extend_from_slice(b"binary tail");
    assert_problem(upload(&server, &token, &[part(b"late.csv", &late)]).await, 415, "unsupported_media_type").await;
    let listed = server.app.objects.list("").await.unwrap();
    assert_eq!(listed.len(), 1, "only the accepted upload is stored: {listed:?}");
    let open_uploads = crate::support::client()
        .get(format!("{endpoint}/{bucket}?uploads"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!open_uploads.contains("<UploadId>"), "no multipart upload is left open: {open_uploads}");
}

#[tokio::test]
async fn the_reconciler_removes_orphan_objects_and_stale_temporary_files_but_keeps_live_uploads() {
    let server = TestServer::start().await;
    let token = server.token("ana", Role::Staff).await;
    let live: Value = upload(&server, &token, &[part(b"keep.csv", CSV)]).await.json().await.unwrap();

    // An object with no row, as a crash between commit and insert would leave.
    let orphan = store::objects::ObjectKey::for_upload(uuid::Uuid::now_v7());
    let mut writer = server.app.objects.writer(&orphan).await.unwrap();
    writer.write(bytes::Bytes::from_static(b"orphaned")).await.unwrap();
    writer.commit().await.unwrap();
    // A temporary file of a write that never finished, as a crash mid-upload would leave.
    let mut interrupted =
        server.app.objects.writer(&store::objects::ObjectKey::for_upload(uuid::Uuid::now_v7())).await.unwrap();
    interrupted.write(bytes::Bytes::from_static(b"half")).await.unwrap();
    std::mem::forget(interrupted);

    // Within the grace period nothing is touched: it could be an upload in flight.
    assert_eq!(server.app.uploads.reconcile(Duration::from_secs(3600)).await.unwrap(), 0);
    assert_eq!(objects(&server).len(), 3);

    assert_eq!(server.app.uploads.reconcile(Duration::ZERO).await.unwrap(), 2);
    let left = objects(&server);
    assert_eq!(left.len(), 1, "{left:?}");
    let id = live["id"].as_str().unwrap();
    assert_eq!(server.get(&format!("/api/v1/uploads/{id}/content"), Some(&token)).await.status(), 200);
}
