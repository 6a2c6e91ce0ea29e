//! Backups against the databases themselves: the archived schema is exactly what both backends'
//! migrations create, and a restore whose archive changes between its check and its write rolls
//! back its rows and deletes its objects. (Round trips through the binary are in
//! `crates/cli/tests/binary/backup.rs`.)

#[allow(dead_code, reason = "shared with the conformance suite, which uses other parts")]
mod backends;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use backends::with_database;
use bytes::Bytes;
use chrono::Utc;
use config::DatabaseUrl;
use domain::{ErrorCode, Role};
use store::backup::{self, Database};
use store::objects::{LocalObjects, ObjectKey, ObjectStore};
use store::{NewUser, Store, UploadRecord};
use uuid::Uuid;

type Columns = BTreeMap<String, Vec<String>>;

/// What the archive holds, plus the columns PostgreSQL derives.
fn archived(postgres: bool) -> Columns {
    let mut columns: Columns = backup::schema::archived_tables()
        .map(|(t, cols)| (t.to_owned(), cols.into_iter().map(str::to_owned).collect()))
        .collect();
    if postgres {
        for (table, column) in backup::schema::DERIVED_ON_POSTGRES {
            columns.get_mut(*table).unwrap().push((*column).to_owned());
        }
        for cols in columns.values_mut() {
            cols.sort();
        }
    }
    columns
}

#[tokio::test]
async fn the_archived_schema_is_what_sqlite_migrations_create() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::SqliteStore::open(&dir.path().join("s.db")).await.unwrap();
    store::Health::migrate(&store).await.unwrap();
    use sqlx::ConnectOptions as _;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("s.db")).connect().await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut live = Columns::new();
    for table in tables {
        let cols: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        live.insert(table, cols);
    }
    assert_eq!(live, archived(false), "a migration changed the schema: list its tables and columns in backup::schema");
}

#[tokio::test]
async fn the_archived_schema_is_what_postgres_migrations_create() {
    with_database(|db| async move {
        let store = store::PostgresStore::open(&db.url()).await.unwrap();
        store::Health::migrate(&store).await.unwrap();
        use sqlx::Connection as _;
        let url = db.url();
        let mut conn = sqlx::PgConnection::connect(secrecy::ExposeSecret::expose_secret(&url)).await.unwrap();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut live = Columns::new();
        for (table, column) in rows {
            live.entry(table).or_default().push(column);
        }
        for cols in live.values_mut() {
            cols.sort();
        }
        assert_eq!(live, archived(true), "a migration changed the schema: list it in backup::schema");
    })
    .await;
}

/// A deployment with a user and one upload (row and object).
async fn source(dir: &Path) -> (Arc<dyn Store>, Arc<dyn ObjectStore>) {
    let store = store::open(&DatabaseUrl::Sqlite { path: dir.join("source.db") }).await.unwrap();
    store.migrate().await.unwrap();
    let objects: Arc<dyn ObjectStore> = Arc::new(LocalObjects::open(&dir.join("source-objects")).await.unwrap());
    let user = NewUser {
        id: Uuid::now_v7(),
        username: "boss".into(),
        password_hash: "$argon2id$x".into(),
        role: Role::Admin,
        created_at: Utc::now(),
    };
    let user = store.create_user(user).await.unwrap();
    let id = Uuid::now_v7();
    let key = ObjectKey::for_upload(id);
    let bytes = b"sku,qty\nAQ-600,2\n";
    let mut writer = objects.writer(&key).await.unwrap();
    writer.write(Bytes::from_static(bytes)).await.unwrap();
    writer.commit().await.unwrap();
    let sha = {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    let upload = UploadRecord {
        id,
        owner_id: user.id,
        filename: "order.csv".into(),
        size: bytes.len() as u64,
        content_type: "text/csv".into(),
        kind: "text".into(),
        sha256: sha,
        object_key: key.as_str().into(),
        created_at: Utc::now(),
    };
    assert!(store.insert_upload_within_quota(&upload, 10, 1 << 20).await.unwrap());
    (store, objects)
}

async fn archive_of(dir: &Path) -> std::path::PathBuf {
    let (_store, objects) = source(dir).await;
    let db = Database::open_existing(&DatabaseUrl::Sqlite { path: dir.join("source.db") }).await.unwrap();
    let path = dir.join("backup.tar");
    let mut file = tokio::fs::File::create(&path).await.unwrap();
    let summary = backup::create(&db, &*objects, dir, &mut file).await.unwrap();
    assert_eq!((summary.objects, summary.object_bytes), (1, 17));
    path
}

/// Verifies the archive, then changes its last table member before the restore reads it again.
async fn restore_after_a_change(archive: &Path, url: DatabaseUrl, objects_root: &Path) {
    let verified = backup::verify(archive).await.unwrap();
    let mut bytes = std::fs::read(archive).unwrap();
    // The last quote before the end marker: inside the uploads rows, after the users were inserted.
    let flipped = bytes[..bytes.len() - 1024].iter().rposition(|&b| b == b'"').unwrap();
    bytes[flipped] = b'\'';
    std::fs::write(archive, &bytes).unwrap();

    let db = Database::open(&url).await.unwrap();
    let objects = LocalObjects::open(objects_root).await.unwrap();
    let err = backup::restore(&db, &objects, archive, verified).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    let store = store::open(&url).await.unwrap();
    assert_eq!(store.count_users().await.unwrap(), 0, "the rows were rolled back");
    assert_eq!(objects.list("").await.unwrap(), Vec::new(), "the object written was deleted");
}

#[tokio::test]
async fn a_restore_whose_archive_changes_midway_leaves_sqlite_and_the_objects_empty() {
    let dir = tempfile::tempdir().unwrap();
    let archive = archive_of(dir.path()).await;
    let url = DatabaseUrl::Sqlite { path: dir.path().join("target.db") };
    restore_after_a_change(&archive, url, &dir.path().join("target-objects")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_whose_archive_changes_midway_leaves_postgres_and_the_objects_empty() {
    let dir = tempfile::tempdir().unwrap();
    let archive = archive_of(dir.path()).await;
    let root = dir.path().join("target-objects");
    with_database(|db| async move {
        restore_after_a_change(&archive, DatabaseUrl::Postgres { url: db.url() }, &root).await;
        drop(dir);
    })
    .await;
}
