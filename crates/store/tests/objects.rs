//! One conformance suite for the ObjectStore port, run against local files and against a real
//! S3-compatible server. The S3 run needs `AGENT_TEAM_TEST_S3_ENDPOINT` (`.ci/run` always starts
//! one and sets it); without it, and only then, the S3 stories are skipped.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{Duration, Utc};
use domain::ErrorCode;
use futures::TryStreamExt as _;
use store::objects::{LocalObjects, ObjectKey, ObjectStore, S3Objects};
use uuid::Uuid;

struct Fixture {
    store: Arc<dyn ObjectStore>,
    _dir: Option<tempfile::TempDir>,
}

async fn local() -> Option<Fixture> {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalObjects::open(&dir.path().join("objects")).await.unwrap();
    Some(Fixture { store: Arc::new(store), _dir: Some(dir) })
}

/// A fresh bucket per story on the test S3 server.
async fn s3() -> Option<Fixture> {
    let Ok(endpoint) = std::env::var("AGENT_TEAM_TEST_S3_ENDPOINT") else {
        eprintln!("skipped: AGENT_TEAM_TEST_S3_ENDPOINT is not set");
        return None;
    };
    let bucket = format!("conformance-{}", Uuid::now_v7().simple());
    let created = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "cannot create bucket: {}", created.status());
    let settings = config::S3Settings {
        endpoint: Some(endpoint),
        region: Some("us-east-1".into()),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".to_owned().into()),
    };
    let store = S3Objects::new(&bucket, "prefix/inside", &settings).unwrap();
    Some(Fixture { store: Arc::new(store), _dir: None })
}

fn key() -> ObjectKey {
    ObjectKey::for_upload(Uuid::now_v7())
}

async fn read_all(store: &Arc<dyn ObjectStore>, key: &ObjectKey) -> Vec<u8> {
    let body = store.get(key).await.unwrap();
    let chunks: Vec<Bytes> = body.stream.try_collect().await.unwrap();
    let bytes = chunks.concat();
    assert_eq!(bytes.len() as u64, body.size);
    bytes
}

async fn a_committed_object_reads_back_byte_for_byte(store: Arc<dyn ObjectStore>) {
    let k = key();
    let mut w = store.writer(&k).await.unwrap();
    w.write(Bytes::from_static(b"hello, ")).await.unwrap();
    w.write(Bytes::from_static(b"order sheet")).await.unwrap();
    assert_eq!(w.commit().await.unwrap(), 18);
    assert_eq!(read_all(&store, &k).await, b"hello, order sheet");
    let listed = store.list("uploads/").await.unwrap();
    assert_eq!(listed.iter().map(|o| &o.key).collect::<Vec<_>>(), [&k]);
    assert_eq!(listed[0].size, 18);
}

async fn nothing_is_visible_before_commit(store: Arc<dyn ObjectStore>) {
    let k = key();
    let mut w = store.writer(&k).await.unwrap();
    w.write(Bytes::from_static(b"partial")).await.unwrap();
    assert_eq!(store.get(&k).await.err().unwrap().code(), ErrorCode::NotFound);
    assert!(store.list("uploads/").await.unwrap().is_empty());
    w.abort().await.unwrap();
    assert!(store.list("").await.unwrap().is_empty(), "an aborted write leaves nothing");
}

async fn a_dropped_writer_leaves_nothing(store: Arc<dyn ObjectStore>) {
    let k = key();
    let mut w = store.writer(&k).await.unwrap();
    w.write(Bytes::from(vec![7u8; 6 * 1024 * 1024])).await.unwrap();
    drop(w);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(store.get(&k).await.err().unwrap().code(), ErrorCode::NotFound);
    assert!(store.list("").await.unwrap().is_empty());
}

async fn a_large_object_streams_in_many_parts(store: Arc<dyn ObjectStore>) {
    let k = key();
    let mut w = store.writer(&k).await.unwrap();
    let mut expected = Vec::new();
    for i in 0..12u8 {
        let chunk = vec![i; 1024 * 1024 + usize::from(i)];
        expected.extend_from_slice(&chunk);
        w.write(Bytes::from(chunk)).await.unwrap();
    }
    assert_eq!(w.commit().await.unwrap(), expected.len() as u64);
    assert_eq!(read_all(&store, &k).await, expected);
}

async fn delete_is_idempotent(store: Arc<dyn ObjectStore>) {
    let k = key();
    let mut w = store.writer(&k).await.unwrap();
    w.write(Bytes::from_static(b"x")).await.unwrap();
    w.commit().await.unwrap();
    store.delete(&k).await.unwrap();
    store.delete(&k).await.unwrap();
    assert_eq!(store.get(&k).await.err().unwrap().code(), ErrorCode::NotFound);
}

async fn the_sweep_never_touches_committed_objects(store: Arc<dyn ObjectStore>) {
    let k = key();
    let mut w = store.writer(&k).await.unwrap();
    w.write(Bytes::from_static(b"keep me")).await.unwrap();
    w.commit().await.unwrap();
    store.sweep_incomplete(Utc::now() + Duration::hours(1)).await.unwrap();
    assert_eq!(read_all(&store, &k).await, b"keep me");
    store.ping().await.unwrap();
}

macro_rules! adapter {
    ($backend:ident, $($story:ident),+ $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    if let Some(fixture) = super::$backend().await {
                        super::$story(fixture.store.clone()).await;
                    }
                }
            )+
        }
    };
}

adapter!(
    local,
    a_committed_object_reads_back_byte_for_byte,
    nothing_is_visible_before_commit,
    a_dropped_writer_leaves_nothing,
    a_large_object_streams_in_many_parts,
    delete_is_idempotent,
    the_sweep_never_touches_committed_objects,
);

adapter!(
    s3,
    a_committed_object_reads_back_byte_for_byte,
    nothing_is_visible_before_commit,
    a_dropped_writer_leaves_nothing,
    a_large_object_streams_in_many_parts,
    delete_is_idempotent,
    the_sweep_never_touches_committed_objects,
);

#[tokio::test]
async fn the_local_sweep_removes_stale_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("objects");
    let store = LocalObjects::open(&root).await.unwrap();
    let mut w = store.writer(&key()).await.unwrap();
    w.write(Bytes::from_static(b"interrupted")).await.unwrap();
    // Simulate a crash: the writer's cleanup never runs.
    std::mem::forget(w);
    assert_eq!(std::fs::read_dir(root.join(".tmp")).unwrap().count(), 1);
    assert_eq!(store.sweep_incomplete(Utc::now() - Duration::hours(1)).await.unwrap(), 0, "fresh files are left alone");
    assert_eq!(store.sweep_incomplete(Utc::now() + Duration::seconds(1)).await.unwrap(), 1);
    assert_eq!(std::fs::read_dir(root.join(".tmp")).unwrap().count(), 0);
}

/// A writer dropped mid-multipart (a cancelled request) must abort the upload on the S3 side,
/// which a plain listing of objects cannot show: ask the server for open multipart uploads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_s3_writer_aborts_its_multipart_upload() {
    let Ok(endpoint) = std::env::var("AGENT_TEAM_TEST_S3_ENDPOINT") else {
        eprintln!("skipped: AGENT_TEAM_TEST_S3_ENDPOINT is not set");
        return;
    };
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let bucket = format!("abort-{}", Uuid::now_v7().simple());
    assert!(http.put(format!("{endpoint}/{bucket}")).send().await.unwrap().status().is_success());
    let settings = config::S3Settings {
        endpoint: Some(endpoint.clone()),
        region: Some("us-east-1".into()),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".to_owned().into()),
    };
    let store = S3Objects::new(&bucket, "", &settings).unwrap();
    let mut w = store.writer(&key()).await.unwrap();
    w.write(Bytes::from(vec![1u8; 6 * 1024 * 1024])).await.unwrap();
    let open =
        || async { http.get(format!("{endpoint}/{bucket}?uploads")).send().await.unwrap().text().await.unwrap() };
    assert!(open().await.contains("<UploadId>"), "the multipart upload is under way");
    drop(w);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while open().await.contains("<UploadId>") {
        assert!(std::time::Instant::now() < deadline, "the dropped writer's multipart upload was never aborted");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
