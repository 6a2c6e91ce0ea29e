//! What only the PostgreSQL adapter has to prove: several instances with their own pools claiming
//! in parallel, a server that is unreachable or goes away and comes back, and what PostgreSQL
//! cannot store. The shared behaviour is in the conformance suite.

#[allow(dead_code, reason = "shared with the conformance suite, which uses other parts")]
mod backends;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use backends::{TestDatabase, with_database};
use chrono::Utc;
use domain::ErrorCode;
use secrecy::{ExposeSecret as _, SecretString};
use sqlx::Connection as _;
use store::{Audit, Catalog, Chats, Customers, Health, OutOfStock, PgPoolLimits, PostgresStore, Runs, Tickets, Users};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use uuid::Uuid;

fn short_limits() -> PgPoolLimits {
    PgPoolLimits { acquire_timeout: Duration::from_secs(2), ..PgPoolLimits::default() }
}

/// A store on `db`, migrated.
async fn migrated(db: &TestDatabase) -> PostgresStore {
    let store = PostgresStore::open(&db.url()).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn new_run() -> store::NewRun {
    store::NewRun {
        id: Uuid::now_v7(),
        owner_id: Uuid::now_v7(),
        session_id: None,
        task: "process_order".into(),
        input: serde_json::json!({"text": "indomie grg 40"}),
        created_at: Utc::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claimers_on_separate_instances_never_share_a_run() {
    with_database(|db| async move {
        let seed = migrated(&db).await;
        let mut ids = HashSet::new();
        for _ in 0..120 {
            ids.insert(seed.create_run(&new_run()).await.unwrap().id);
        }
        // Four instances, each with its own pool, two claimers each, all let go at the same moment.
        const CLAIMERS: usize = 8;
        let start = Arc::new(tokio::sync::Barrier::new(CLAIMERS));
        let mut claimers = JoinSet::new();
        for instance in 0..4 {
            let store = Arc::new(PostgresStore::open(&db.url()).await.unwrap());
            for n in 0..2 {
                let (store, start) = (store.clone(), start.clone());
                claimers.spawn(async move {
                    let worker = format!("instance-{instance}/{n}");
                    start.wait().await;
                    let mut mine = Vec::new();
                    let now = Utc::now();
                    while let Some(run) =
                        store.claim_run(&worker, now, now + chrono::Duration::minutes(5)).await.unwrap()
                    {
                        assert_eq!(run.lease_owner.as_deref(), Some(worker.as_str()));
                        mine.push(run.id);
                    }
                    (worker, mine)
                });
            }
        }
        let mut owner_of = HashMap::new();
        let mut busy_workers = 0;
        while let Some(joined) = claimers.join_next().await {
            let (worker, mine) = joined.unwrap();
            busy_workers += usize::from(!mine.is_empty());
            for id in mine {
                if let Some(other) = owner_of.insert(id, worker.clone()) {
                    panic!("run {id} was claimed by both {other} and {worker}");
                }
            }
        }
        assert_eq!(owner_of.keys().copied().collect::<HashSet<_>>(), ids, "every run was claimed");
        assert!(busy_workers > 1, "the claimers really ran in parallel ({busy_workers} got work)");
        for (id, worker) in &owner_of {
            let run = seed.run(*id).await.unwrap().unwrap();
            assert_eq!((run.attempts, run.lease_owner.as_ref()), (1, Some(worker)), "claimed once, by its owner");
        }
    })
    .await;
}

/// Several instances, each with its own pool, audit and register out-of-stock lines at once: the
/// chain never forks and a replayed request lands once, whichever instance gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_share_one_audit_chain_and_apply_a_keyed_request_once() {
    with_database(|db| async move {
        let seed = migrated(&db).await;
        let who = domain::audit::Actor::system("test");
        let item = domain::sales::Item {
            sku: "AQ-600".into(),
            name: "Aqua 600ml".into(),
            brand: None,
            category: None,
            unit: Some("dus".into()),
            barcode: None,
            aliases: Vec::new(),
        };
        seed.import_items(&[item], &who, Utc::now()).await.unwrap();
        let customer =
            domain::sales::Customer { code: "C1".into(), name: "Toko".into(), price_list: None, salesperson: None };
        seed.import_customers(&[customer], &who, Utc::now()).await.unwrap();
        const TASKS: usize = 6;
        let start = Arc::new(tokio::sync::Barrier::new(TASKS));
        let mut tasks = JoinSet::new();
        for instance in 0..3 {
            let store = Arc::new(PostgresStore::open(&db.url()).await.unwrap());
            for n in 0..TASKS / 3 {
                let (store, start, who) = (store.clone(), start.clone(), who.clone());
                tasks.spawn(async move {
                    start.wait().await;
                    for i in 0..10 {
                        let target = format!("key:{instance}/{n}/{i}");
                        let entry = domain::audit::NewAuditEntry::new(&who, "key.create", target, Utc::now());
                        store.append_audit(&entry).await.unwrap();
                    }
                    let request = domain::sales::NewOos {
                        id: Uuid::now_v7(),
                        customer: "C1".into(),
                        sku: "AQ-600".into(),
                        day: chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
                        quantity: rust_decimal::Decimal::from(2),
                        note: None,
                        idempotency_key: Some("run:7/line:1".into()),
                    };
                    store.create_oos(&request, &who, Utc::now()).await.unwrap().id
                });
            }
        }
        let ids: HashSet<Uuid> = tasks.join_all().await.into_iter().collect();
        assert_eq!(ids.len(), 1, "every replay got the one registration");
        let oos = seed.oos(*ids.iter().next().unwrap()).await.unwrap().unwrap();
        assert_eq!(oos.quantity, rust_decimal::Decimal::from(2), "added once");
        let report = store::verify_audit(&seed).await.unwrap();
        assert!(report.is_intact(), "{report:?}");
        // Two imports, sixty appends, one out-of-stock registration.
        assert_eq!(report.entries, 2 + TASKS as u64 * 10 + 1);
    })
    .await;
}

/// A loopback port nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_within_the_acquire_timeout_and_no_secret_shows() {
    // Needs no server: the point is that there is none.
    let port = closed_port().await;
    let url = SecretString::from(format!("postgres://agent:hunter2hunter2@127.0.0.1:{port}/agent"));
    let started = Instant::now();
    let err = store::open(&config::DatabaseUrl::Postgres { url }).await.err().expect("no server to connect to");
    let waited = started.elapsed();
    assert_eq!(err.code(), ErrorCode::Unavailable);
    let acquire = PgPoolLimits::default().acquire_timeout;
    assert!(waited < acquire + Duration::from_secs(3), "gave up after {waited:?}, not hanging");
    for text in [err.detail().to_owned(), err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("hunter2") && !text.contains(&port.to_string()), "{text}");
    }
}

#[tokio::test]
async fn a_malformed_url_is_refused_without_echoing_it() {
    let url = SecretString::from("postgres://agent:hunter2hunter2@127.0.0.1:notaport/agent".to_owned());
    let err = PostgresStore::open(&url).await.err().expect("a bad port");
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
}

/// A TCP relay in front of the test server, which the test can take down and bring back on the
/// same port: a database restart as the store sees it, without touching the shared server.
struct Relay {
    port: u16,
    upstream: String,
    tasks: JoinSet<()>,
}

impl Relay {
    async fn start(upstream: String) -> Self {
        let mut relay = Relay { port: 0, upstream, tasks: JoinSet::new() };
        relay.listen(TcpListener::bind("127.0.0.1:0").await.unwrap());
        relay
    }

    fn listen(&mut self, listener: TcpListener) {
        self.port = listener.local_addr().unwrap().port();
        let upstream = self.upstream.clone();
        self.tasks.spawn(async move {
            let mut pipes = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                pipes.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
    }

    /// Drops the listener and every relayed connection.
    async fn stop(&mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }

    async fn restart(&mut self) {
        self.listen(TcpListener::bind(("127.0.0.1", self.port)).await.unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_goes_away_is_unavailable_and_the_store_recovers_when_it_is_back() {
    with_database(|db| async move {
        let direct = migrated(&db).await;
        let mut relay = Relay::start(db.server_addr()).await;
        let store = PostgresStore::open_with(&db.url_via("127.0.0.1", relay.port), &short_limits()).await.unwrap();
        let user = store::NewUser {
            id: Uuid::now_v7(),
            username: "ana".into(),
            password_hash: "$argon2id$placeholder".into(),
            role: domain::Role::Staff,
            created_at: Utc::now(),
        };
        store.create_user(user).await.unwrap();

        relay.stop().await;
        let started = Instant::now();
        let err = store.count_users().await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Unavailable, "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "failed after {:?}", started.elapsed());
        assert!(store.ping().await.is_err());

        relay.restart().await;
        assert_eq!(store.count_users().await.unwrap(), 1, "the pool reconnects by itself");
        store.ping().await.unwrap();
        relay.stop().await;
        direct.close().await;
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_killed_by_the_server_are_replaced_unnoticed() {
    with_database(|db| async move {
        let store = migrated(&db).await;
        store.ping().await.unwrap();
        let mut admin = db.admin().await;
        let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(db.name())
    .fetch_all(&mut admin)
    .await
    .unwrap();
        assert!(!killed.is_empty() && killed.iter().all(|k| *k), "the store's idle connections were terminated");
        // Each pooled connection is tested before use, so the dead ones are dropped, not handed out.
        store.ping().await.unwrap();
        assert_eq!(store.count_users().await.unwrap(), 0);
        drop(admin);
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn an_unmigrated_postgres_store_says_so() {
    with_database(|db| async move {
        let store = PostgresStore::open(&db.url()).await.unwrap();
        assert!(!store.migrations_applied().await.unwrap());
        store.migrate().await.unwrap();
        assert!(store.migrations_applied().await.unwrap());
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn text_with_a_nul_character_is_refused_as_invalid() {
    with_database(|db| async move {
        let store = migrated(&db).await;
        let now = Utc::now();
        let session = store::ChatSessionRecord {
            id: Uuid::now_v7(),
            owner_id: Uuid::now_v7(),
            mode: "chat".into(),
            title: None,
            created_at: now,
            updated_at: now,
        };
        store.create_session(&session).await.unwrap();
        let err = store.append_message(session.id, "user", "aqua\u{0} 600ml", None, now).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err:?}");
        let meta = serde_json::json!({"note": "a\u{0}b"});
        let err = store.append_message(session.id, "user", "aqua", Some(&meta), now).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err:?}");
        assert_eq!(store.append_message(session.id, "user", "aqua 600ml 2 dus", None, now).await.unwrap(), 1);
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_once() {
    with_database(|db| async move {
        let mut starting = JoinSet::new();
        for _ in 0..3 {
            let url = db.url();
            starting.spawn(async move {
                let store = PostgresStore::open(&url).await.unwrap();
                store.migrate().await.unwrap();
                store
            });
        }
        while let Some(store) = starting.join_next().await {
            // Without the migration lock, two of them would create the same tables and one fail.
            let store = store.unwrap();
            assert!(store.migrations_applied().await.unwrap());
            store.close().await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_stuck_behind_a_lock_ends_at_the_statement_timeout_as_unavailable() {
    with_database(|db| async move {
        migrated(&db).await.close().await;
        let limits = PgPoolLimits { statement_timeout: Duration::from_secs(1), ..short_limits() };
        let store = PostgresStore::open_with(&db.url(), &limits).await.unwrap();
        let grant = store::TicketGrant {
            principal_id: Uuid::now_v7(),
            principal_kind: "user".into(),
            credential_id: Uuid::now_v7(),
        };
        store.create_ticket(b"held", &grant, Utc::now() + chrono::Duration::minutes(1)).await.unwrap();
        // Another session holds the ticket's row lock and never lets go.
        let mut holder = sqlx::PgConnection::connect(db.url().expose_secret()).await.unwrap();
        sqlx::query("BEGIN").execute(&mut holder).await.unwrap();
        sqlx::query("SELECT 1 FROM ws_tickets FOR UPDATE").execute(&mut holder).await.unwrap();
        let started = Instant::now();
        let err = store.consume_ticket(b"held", Utc::now()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Unavailable, "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(4), "waited {:?}", started.elapsed());
        sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
        assert_eq!(store.consume_ticket(b"held", Utc::now()).await.unwrap(), Some(grant), "usable again");
        store.close().await;
    })
    .await;
}
