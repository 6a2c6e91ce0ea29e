//! One conformance suite for the Store port, run against every adapter. Each story takes a fresh,
//! migrated store; a new story adds one line to `stories!`, a new backend one line to that macro.

#[allow(dead_code, reason = "shared with the PostgreSQL-only tests, which use more of it")]
mod backends;

use std::sync::Arc;

use backends::{postgres, sqlite};
use chrono::{Duration, Utc};
use domain::{ErrorCode, Role, RunEvent, RunStatus};
use store::{NewApiKey, NewUser, RunChange, Store, TicketGrant};
use uuid::Uuid;

#[path = "conformance/audit.rs"]
mod audit;
#[path = "conformance/catalog.rs"]
mod catalog;
#[path = "conformance/customers.rs"]
mod customers;
#[path = "conformance/fixtures.rs"]
mod fixtures;
#[path = "conformance/mappings.rs"]
mod mappings;
#[path = "conformance/oos.rs"]
mod oos;
#[path = "conformance/oos_replay.rs"]
mod oos_replay;
#[path = "conformance/prices.rs"]
mod prices;
#[path = "conformance/sales.rs"]
mod sales;
#[path = "conformance/tamper.rs"]
mod tamper;
#[path = "conformance/vectors.rs"]
mod vectors;

use audit::*;
use catalog::*;
use customers::*;
use mappings::*;
use oos::*;
use oos_replay::*;
use prices::*;
use sales::*;
use vectors::*;

fn new_user(name: &str) -> NewUser {
    NewUser {
        id: Uuid::now_v7(),
        username: name.into(),
        password_hash: "$argon2id$placeholder".into(),
        role: Role::Staff,
        created_at: Utc::now(),
    }
}

fn new_key(name: &str, hash: &[u8]) -> NewApiKey {
    NewApiKey {
        id: Uuid::now_v7(),
        name: name.into(),
        key_hash: hash.to_vec(),
        prefix: "atk_abc".into(),
        role: Role::Manager,
        created_at: Utc::now(),
        expires_at: Some(Utc::now() + Duration::days(1)),
    }
}

async fn users_are_unique_case_insensitively(store: Arc<dyn Store>) {
    let ana = store.create_user(new_user("Ana")).await.unwrap();
    let dup = store.create_user(new_user("ana")).await.unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Conflict);
    let found = store.user_by_username("ANA").await.unwrap().unwrap();
    assert_eq!(found.id, ana.id);
    assert_eq!(found.username, "Ana", "the display spelling is kept");
    assert_eq!(store.user_by_id(ana.id).await.unwrap().unwrap().role, Role::Staff);
    assert!(store.user_by_username("nobody").await.unwrap().is_none());
    assert_eq!(store.count_users().await.unwrap(), 1);
}

async fn users_are_listed_in_name_order_and_changed_field_by_field(store: Arc<dyn Store>) {
    for name in ["Zed", "ana", "Mia"] {
        store.create_user(new_user(name)).await.unwrap();
    }
    let listed: Vec<String> = store.list_users(10).await.unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(listed, ["ana", "Mia", "Zed"], "case-insensitive order");
    assert_eq!(store.list_users(2).await.unwrap().len(), 2);
    let mia = store.user_by_username("mia").await.unwrap().unwrap();
    let disabled = store.update_user(mia.id, Some(true), None).await.unwrap().unwrap();
    assert!(disabled.disabled);
    assert_eq!(disabled.role, Role::Staff, "the role is left alone");
    let promoted = store.update_user(mia.id, None, Some(Role::Manager)).await.unwrap().unwrap();
    assert!(promoted.disabled, "the status is left alone");
    assert_eq!(promoted.role, Role::Manager);
    let session = Uuid::now_v7();
    store.create_login_session(session, mia.id, Utc::now(), Utc::now() + Duration::hours(1)).await.unwrap();
    assert!(store.login_session(session).await.unwrap().unwrap().user_disabled, "sign-ins see the change");
    assert!(store.update_user(Uuid::now_v7(), Some(false), None).await.unwrap().is_none());
}

async fn login_sessions_are_revoked_once(store: Arc<dyn Store>) {
    let user = store.create_user(new_user("sam")).await.unwrap();
    let id = Uuid::now_v7();
    let expires = Utc::now() + Duration::hours(1);
    store.create_login_session(id, user.id, Utc::now(), expires).await.unwrap();
    let session = store.login_session(id).await.unwrap().unwrap();
    assert_eq!(session.user_id, user.id);
    assert_eq!(session.username, "sam");
    assert!(!session.revoked);
    assert_eq!(session.expires_at.timestamp_millis(), expires.timestamp_millis());
    assert!(store.revoke_login_session(id, Utc::now()).await.unwrap());
    assert!(!store.revoke_login_session(id, Utc::now()).await.unwrap(), "a second revocation finds nothing live");
    assert!(store.login_session(id).await.unwrap().unwrap().revoked);
    assert!(store.login_session(Uuid::now_v7()).await.unwrap().is_none());
}

async fn api_key_names_are_unique_among_live_keys(store: Arc<dyn Store>) {
    let first = store.create_api_key(new_key("ci", b"hash-1")).await.unwrap();
    let clash = store.create_api_key(new_key("ci", b"hash-2")).await.unwrap_err();
    assert_eq!(clash.code(), ErrorCode::Conflict);
    let found = store.api_key_by_hash(b"hash-1").await.unwrap().unwrap();
    assert_eq!(found.id, first.id);
    assert_eq!(found.role, Role::Manager);
    assert!(found.expires_at.is_some() && found.revoked_at.is_none());
    assert_eq!(store.api_key_by_id(first.id).await.unwrap().map(|k| k.name), Some("ci".into()));
    assert!(store.api_key_by_id(Uuid::now_v7()).await.unwrap().is_none());
    assert!(found.is_live(Utc::now()) && !found.is_live(Utc::now() + Duration::days(2)), "an expired key is not live");

    assert!(store.revoke_api_key("ci", Utc::now()).await.unwrap());
    assert!(!store.revoke_api_key("ci", Utc::now()).await.unwrap());
    assert!(!store.api_key_by_hash(b"hash-1").await.unwrap().unwrap().is_live(Utc::now()), "a revoked key is not live");
    // The name is free again once its key is revoked.
    store.create_api_key(new_key("ci", b"hash-3")).await.unwrap();
    assert_eq!(store.list_api_keys().await.unwrap().len(), 2);
}

async fn throttle_counts_within_a_window_and_locks(store: Arc<dyn Store>) {
    let now = Utc::now();
    let window_start = now - Duration::minutes(15);
    for expected in 1..=3 {
        let state = store.record_failure("user:ana", now, window_start).await.unwrap();
        assert_eq!(state.failures, expected);
    }
    // A window that started before the cut-off restarts the count.
    let later = now + Duration::minutes(20);
    let state = store.record_failure("user:ana", later, later - Duration::minutes(15)).await.unwrap();
    assert_eq!(state.failures, 1);

    let until = now + Duration::minutes(15);
    store.lock("user:ana", until).await.unwrap();
    let keys = vec!["user:ana".to_owned(), "ip:10.0.0.1".to_owned()];
    let states = store.throttle_state(&keys).await.unwrap();
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].1.locked_until.unwrap().timestamp_millis(), until.timestamp_millis());
    store.forgive("user:ana").await.unwrap();
    store.forgive("user:ana").await.unwrap();
    let states = store.throttle_state(&keys).await.unwrap();
    assert_eq!(states[0].1.failures, 0, "forgiving never goes below zero");
    store.clear("user:ana").await.unwrap();
    assert!(store.throttle_state(&keys).await.unwrap().is_empty());
}

async fn purge_removes_only_what_expired(store: Arc<dyn Store>) {
    let user = store.create_user(new_user("old")).await.unwrap();
    let now = Utc::now();
    let (dead, live) = (Uuid::now_v7(), Uuid::now_v7());
    store.create_login_session(dead, user.id, now - Duration::hours(2), now - Duration::hours(1)).await.unwrap();
    store.create_login_session(live, user.id, now, now + Duration::hours(1)).await.unwrap();
    store.record_failure("ip:stale", now - Duration::hours(1), now - Duration::hours(2)).await.unwrap();
    store.record_failure("ip:fresh", now, now - Duration::minutes(15)).await.unwrap();
    let purged = store.purge_expired(now, now - Duration::minutes(15)).await.unwrap();
    assert_eq!(purged, 2);
    assert!(store.login_session(dead).await.unwrap().is_none());
    assert!(store.login_session(live).await.unwrap().is_some());
    assert_eq!(store.throttle_state(&["ip:fresh".into(), "ip:stale".into()]).await.unwrap().len(), 1);
}

fn grant() -> TicketGrant {
    TicketGrant { principal_id: Uuid::now_v7(), principal_kind: "user".into(), credential_id: Uuid::now_v7() }
}

async fn a_ticket_is_redeemed_once_and_never_after_it_expires(store: Arc<dyn Store>) {
    let now = Utc::now();
    let granted = grant();
    store.create_ticket(b"fresh-hash", &granted, now + Duration::seconds(30)).await.unwrap();
    store.create_ticket(b"stale-hash", &grant(), now - Duration::seconds(1)).await.unwrap();

    assert_eq!(store.consume_ticket(b"fresh-hash", now).await.unwrap(), Some(granted));
    assert_eq!(store.consume_ticket(b"fresh-hash", now).await.unwrap(), None, "single use");
    assert_eq!(store.consume_ticket(b"stale-hash", now).await.unwrap(), None, "expired");
    assert_eq!(store.consume_ticket(b"unknown-hash", now).await.unwrap(), None);

    let purged = store.purge_expired(now + Duration::minutes(1), now - Duration::hours(1)).await.unwrap();
    assert_eq!(purged, 2, "both tickets are past their expiry");
}

async fn concurrent_redeemers_get_a_ticket_exactly_once(store: Arc<dyn Store>) {
    let now = Utc::now();
    store.create_ticket(b"contended", &grant(), now + Duration::seconds(30)).await.unwrap();
    let attempts = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.consume_ticket(b"contended", Utc::now()).await.unwrap() })
    });
    let attempts: Vec<_> = attempts.collect();
    let mut won = 0;
    for attempt in attempts {
        won += usize::from(attempt.await.unwrap().is_some());
    }
    assert_eq!(won, 1);
}

async fn health_reports_migrations(store: Arc<dyn Store>) {
    store.ping().await.unwrap();
    assert!(store.migrations_applied().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.migrations_applied().await.unwrap(), "migrating twice is a no-op");
}

fn new_run(task: &str) -> store::NewRun {
    store::NewRun {
        id: Uuid::now_v7(),
        owner_id: Uuid::now_v7(),
        session_id: None,
        task: task.into(),
        input: serde_json::json!({"customer": "Toko Maju", "text": "aqua 600ml 2 dus"}),
        created_at: Utc::now(),
    }
}

async fn a_run_is_claimed_by_one_worker_under_a_lease(store: Arc<dyn Store>) {
    let run = store.create_run(&new_run("process_order")).await.unwrap();
    assert_eq!(run.status, RunStatus::Queued);
    assert_eq!(run.input["customer"], "Toko Maju");
    let now = Utc::now();
    let claimed = store.claim_run("worker-a", now, now + Duration::seconds(30)).await.unwrap().unwrap();
    assert_eq!((claimed.id, claimed.status, claimed.attempts), (run.id, RunStatus::Running, 1));
    assert_eq!(claimed.lease_owner.as_deref(), Some("worker-a"));
    assert!(store.claim_run("worker-b", now, now + Duration::seconds(30)).await.unwrap().is_none(), "held by a");
    assert!(store.renew_lease(run.id, "worker-a", now + Duration::seconds(60)).await.unwrap());
    assert!(!store.renew_lease(run.id, "worker-b", now + Duration::seconds(60)).await.unwrap());
}

async fn a_lapsed_lease_lets_another_worker_continue_and_fences_the_old_one(store: Arc<dyn Store>) {
    let run = store.create_run(&new_run("process_order")).await.unwrap();
    let t0 = Utc::now();
    store.claim_run("worker-a", t0, t0 + Duration::seconds(10)).await.unwrap().unwrap();
    let checkpoint = RunChange { checkpoint: Some(serde_json::json!({"step": 3})), ..RunChange::default() };
    // worker-a dies; after the lease lapses worker-b takes over from the last checkpoint.
    let later = t0 + Duration::seconds(11);
    let reclaimed = store.claim_run("worker-b", later, later + Duration::seconds(10)).await.unwrap().unwrap();
    assert_eq!((reclaimed.id, reclaimed.attempts), (run.id, 2));
    assert!(!store.renew_lease(run.id, "worker-a", later + Duration::seconds(60)).await.unwrap(), "a lost its lease");
    let stale = store
        .transition_run(run.id, RunStatus::Running, RunEvent::Succeed, Some("worker-a"), &checkpoint, later)
        .await
        .unwrap();
    assert!(!stale, "the old worker cannot finish a run it no longer holds");
    let done = RunChange { result: Some(serde_json::json!({"ok": true})), ..RunChange::default() };
    assert!(
        store
            .transition_run(run.id, RunStatus::Running, RunEvent::Succeed, Some("worker-b"), &done, later)
            .await
            .unwrap()
    );
    let finished = store.run(run.id).await.unwrap().unwrap();
    assert_eq!(finished.status, RunStatus::Succeeded);
    assert_eq!(finished.result, Some(serde_json::json!({"ok": true})));
    assert_eq!(finished.lease_owner, None);
}

async fn a_paused_run_waits_resumes_on_any_worker_or_expires(store: Arc<dyn Store>) {
    let now = Utc::now();
    let run = store.create_run(&new_run("process_order")).await.unwrap();
    store.claim_run("worker-a", now, now + Duration::seconds(30)).await.unwrap().unwrap();
    let question = serde_json::json!({"kind": "confirm_lines", "lines": [{"line": 3}]});
    let pause = RunChange {
        question: Some(question.clone()),
        expires_at: Some(now + Duration::hours(24)),
        checkpoint: Some(serde_json::json!({"matched": [1, 2]})),
        ..RunChange::default()
    };
    assert!(
        store.transition_run(run.id, RunStatus::Running, RunEvent::Pause, Some("worker-a"), &pause, now).await.unwrap()
    );
    let waiting = store.run(run.id).await.unwrap().unwrap();
    assert_eq!(
        (waiting.status, waiting.question.clone(), waiting.lease_owner.clone()),
        (RunStatus::Waiting, Some(question), None)
    );
    assert!(store.expire_waiting_runs(now + Duration::hours(23)).await.unwrap().is_empty(), "not yet due");

    // Resumed through any instance: queued again, claimable by another worker, checkpoint kept.
    assert!(
        store
            .transition_run(run.id, RunStatus::Waiting, RunEvent::Resume, None, &RunChange::default(), now)
            .await
            .unwrap()
    );
    let resumed = store.claim_run("worker-b", now, now + Duration::seconds(30)).await.unwrap().unwrap();
    assert_eq!(resumed.checkpoint, Some(serde_json::json!({"matched": [1, 2]})));
    assert_eq!(resumed.question, None);

    // A second pause that nobody answers expires, and an expired run cannot be resumed.
    assert!(
        store.transition_run(run.id, RunStatus::Running, RunEvent::Pause, Some("worker-b"), &pause, now).await.unwrap()
    );
    assert_eq!(store.expire_waiting_runs(now + Duration::hours(25)).await.unwrap(), [run.id]);
    assert_eq!(store.run(run.id).await.unwrap().unwrap().status, RunStatus::Expired);
    let err = store
        .transition_run(run.id, RunStatus::Expired, RunEvent::Resume, None, &RunChange::default(), now)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(
        !store
            .transition_run(run.id, RunStatus::Waiting, RunEvent::Resume, None, &RunChange::default(), now)
            .await
            .unwrap()
    );
}

async fn run_events_are_numbered_and_replayable(store: Arc<dyn Store>) {
    let run = store.create_run(&new_run("free_form")).await.unwrap();
    let now = Utc::now();
    for i in 1..=5u64 {
        let seq = store.append_run_event(run.id, "progress", &serde_json::json!({"done": i}), now).await.unwrap();
        assert_eq!(seq, i);
    }
    let replay = store.run_events(run.id, 2, 100).await.unwrap();
    assert_eq!(replay.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(replay[0].data["done"], 3);
    assert_eq!(store.run_events(run.id, 0, 2).await.unwrap().len(), 2, "limited");
}

async fn a_side_effect_is_recorded_once(store: Arc<dyn Store>) {
    let run = store.create_run(&new_run("process_order")).await.unwrap();
    let now = Utc::now();
    let first = store.record_effect("key-1", run.id, &serde_json::json!({"oos_id": 7}), now).await.unwrap();
    assert!(first.fresh);
    let replay = store.record_effect("key-1", run.id, &serde_json::json!({"oos_id": 8}), now).await.unwrap();
    assert!(!replay.fresh, "a replayed step finds the effect already applied");
    assert_eq!(replay.result, serde_json::json!({"oos_id": 7}), "and gets the original result");
    assert_eq!(store.effect("key-2").await.unwrap(), None);
}

async fn competing_workers_never_claim_the_same_run(store: Arc<dyn Store>) {
    let mut ids = std::collections::HashSet::new();
    for _ in 0..20 {
        ids.insert(store.create_run(&new_run("free_form")).await.unwrap().id);
    }
    let now = Utc::now();
    let workers = (0..4).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(run) = store.claim_run(&format!("w{w}"), now, now + Duration::seconds(60)).await.unwrap() {
                mine.push(run.id);
            }
            mine
        })
    });
    let mut claimed = Vec::new();
    for w in workers {
        claimed.extend(w.await.unwrap());
    }
    assert_eq!(claimed.len(), 20, "every run claimed exactly once: {claimed:?}");
    assert_eq!(claimed.into_iter().collect::<std::collections::HashSet<_>>(), ids);
}

/// Instances adding a reply's tokens at the same moment (two servers on one database) never lose
/// each other's counts: the daily budget is exact however the writes interleave.
async fn concurrent_token_counts_add_up_exactly(store: Arc<dyn Store>) {
    let (owner, day) = (Uuid::now_v7(), Utc::now().date_naive());
    let writers = (1..=40u64).map(|n| {
        let store = store.clone();
        tokio::spawn(async move { store.add_llm_tokens(owner, day, n).await.unwrap() })
    });
    let mut totals = Vec::new();
    for writer in writers {
        totals.push(writer.await.unwrap());
    }
    let sum: u64 = (1..=40).sum();
    assert_eq!(store.llm_tokens(owner, day).await.unwrap(), sum, "no increment was lost");
    totals.sort_unstable();
    totals.dedup();
    assert_eq!(totals.len(), 40, "each writer saw a different running total");
    assert_eq!(totals.last().copied(), Some(sum));
}

async fn chat_messages_are_numbered_bounded_and_token_use_adds_up(store: Arc<dyn Store>) {
    let now = Utc::now();
    let owner = Uuid::now_v7();
    let session = store::ChatSessionRecord {
        id: Uuid::now_v7(),
        owner_id: owner,
        mode: "chat".into(),
        title: Some("t".into()),
        created_at: now,
        updated_at: now,
    };
    store.create_session(&session).await.unwrap();
    for i in 1..=5u64 {
        let role = if i % 2 == 1 { "user" } else { "assistant" };
        assert_eq!(store.append_message(session.id, role, &format!("m{i}"), None, now).await.unwrap(), i);
    }
    let recent = store.recent_messages(session.id, 2).await.unwrap();
    assert_eq!(recent.iter().map(|m| m.content.as_str()).collect::<Vec<_>>(), ["m4", "m5"], "the latest, oldest first");
    assert_eq!(store.list_sessions(owner, 10).await.unwrap().len(), 1);
    let day = now.date_naive();
    assert_eq!(store.add_llm_tokens(owner, day, 300).await.unwrap(), 300);
    assert_eq!(store.add_llm_tokens(owner, day, 200).await.unwrap(), 500);
    assert_eq!(store.llm_tokens(owner, day).await.unwrap(), 500);
    assert_eq!(store.llm_tokens(owner, day.succ_opt().unwrap()).await.unwrap(), 0, "per day");
    assert!(store.delete_session(session.id).await.unwrap());
    assert!(store.recent_messages(session.id, 10).await.unwrap().is_empty(), "messages go with their session");
}

fn proposal(expires_in: Duration) -> store::ApprovalRecord {
    use chrono::SubsecRound as _;
    // Stores keep milliseconds.
    let now = Utc::now().trunc_subsecs(3);
    store::ApprovalRecord {
        id: Uuid::now_v7(),
        owner_id: Uuid::now_v7(),
        scope: format!("session:{}", Uuid::now_v7()),
        tool: "set_price".into(),
        arguments: serde_json::json!({"sku": "AQ-600", "price": "4500"}),
        args_hash: "hash-of-the-arguments".into(),
        status: store::ApprovalStatus::Pending,
        created_at: now,
        expires_at: now + expires_in,
        approver_id: None,
        approver_role: None,
        decided_at: None,
        used_at: None,
    }
}

fn decision(approve: bool, args_hash: &str) -> store::Decision<'_> {
    store::Decision { approve, args_hash, approver_id: Uuid::now_v7(), approver_role: Role::Manager }
}

async fn an_approval_is_decided_once_for_its_exact_arguments_before_it_expires(store: Arc<dyn Store>) {
    let pending = proposal(Duration::minutes(10));
    store.create_approval(&pending).await.unwrap();
    assert_eq!(store.approval(pending.id).await.unwrap().as_ref(), Some(&pending));
    let now = Utc::now();
    assert!(!store.decide_approval(pending.id, decision(true, "another-hash"), now).await.unwrap());
    assert_eq!(store.approval(pending.id).await.unwrap().unwrap().status, store::ApprovalStatus::Pending);
    assert!(!store.mark_approval_used(pending.id, now).await.unwrap(), "a pending approval cannot be used");
    let yes = decision(true, "hash-of-the-arguments");
    assert!(store.decide_approval(pending.id, yes, now).await.unwrap());
    let decided = store.approval(pending.id).await.unwrap().unwrap();
    assert_eq!(decided.status, store::ApprovalStatus::Approved);
    assert_eq!((decided.approver_id, decided.approver_role), (Some(yes.approver_id), Some(Role::Manager)));
    assert!(!store.decide_approval(pending.id, yes, now).await.unwrap(), "decided once");
    assert!(store.mark_approval_used(pending.id, now).await.unwrap());
    assert!(!store.mark_approval_used(pending.id, now).await.unwrap(), "used once");
    assert_eq!(store.approval(pending.id).await.unwrap().unwrap().status, store::ApprovalStatus::Used);

    let late = proposal(Duration::minutes(10));
    store.create_approval(&late).await.unwrap();
    let after_expiry = late.expires_at;
    assert!(!store.decide_approval(late.id, decision(true, "hash-of-the-arguments"), after_expiry).await.unwrap());

    let declined = proposal(Duration::minutes(10));
    store.create_approval(&declined).await.unwrap();
    assert!(store.decide_approval(declined.id, decision(false, "hash-of-the-arguments"), now).await.unwrap());
    assert_eq!(store.approval(declined.id).await.unwrap().unwrap().status, store::ApprovalStatus::Declined);
    assert!(!store.mark_approval_used(declined.id, now).await.unwrap(), "a declined change is never applied");
    assert!(store.approval(Uuid::now_v7()).await.unwrap().is_none());
}

async fn concurrent_approvers_decide_exactly_once(store: Arc<dyn Store>) {
    let pending = proposal(Duration::minutes(10));
    store.create_approval(&pending).await.unwrap();
    let mut deciders = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (store, id) = (store.clone(), pending.id);
        deciders.spawn(async move {
            store.decide_approval(id, decision(true, "hash-of-the-arguments"), Utc::now()).await.unwrap()
        });
    }
    let wins = deciders.join_all().await.into_iter().filter(|won| *won).count();
    assert_eq!(wins, 1);
}

async fn an_interrupted_approval_is_retaken_once_by_its_approver(store: Arc<dyn Store>) {
    let approved = proposal(Duration::minutes(10));
    store.create_approval(&approved).await.unwrap();
    let decided_at = Utc::now() - Duration::minutes(2);
    let yes = decision(true, "hash-of-the-arguments");
    assert!(store.decide_approval(approved.id, yes, decided_at).await.unwrap());
    let now = Utc::now();
    let in_flight = decided_at - Duration::seconds(1);
    assert!(
        !store.retake_approval(approved.id, yes.approver_id, in_flight, now).await.unwrap(),
        "maybe still applying"
    );
    let stale = now - Duration::minutes(1);
    assert!(!store.retake_approval(approved.id, Uuid::now_v7(), stale, now).await.unwrap(), "only its approver");
    let mut takers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (store, id, who) = (store.clone(), approved.id, yes.approver_id);
        takers.spawn(async move { store.retake_approval(id, who, stale, Utc::now()).await.unwrap() });
    }
    assert_eq!(takers.join_all().await.into_iter().filter(|won| *won).count(), 1, "retaken once");
    let retaken = store.approval(approved.id).await.unwrap().unwrap();
    assert!(retaken.decided_at.is_some_and(|d| d > stale) && retaken.status == store::ApprovalStatus::Approved);
    assert!(store.mark_approval_used(approved.id, Utc::now()).await.unwrap());
    let later = Utc::now() + Duration::seconds(1);
    assert!(!store.retake_approval(approved.id, yes.approver_id, later, later).await.unwrap(), "used is final");

    let expired = proposal(Duration::minutes(10));
    store.create_approval(&expired).await.unwrap();
    assert!(store.decide_approval(expired.id, yes, Utc::now()).await.unwrap());
    let after = expired.expires_at + Duration::seconds(1);
    assert!(!store.retake_approval(expired.id, yes.approver_id, after, after).await.unwrap(), "not after expiry");
    let pending = proposal(Duration::minutes(10));
    store.create_approval(&pending).await.unwrap();
    assert!(!store.retake_approval(pending.id, yes.approver_id, later, Utc::now()).await.unwrap(), "never undecided");
}

async fn usernames_fold_unicode_case_and_surrounding_space(store: Arc<dyn Store>) {
    let user = store.create_user(new_user("Ärger")).await.unwrap();
    let dup = store.create_user(new_user(" ärger ")).await.unwrap_err();
    assert_eq!(dup.code(), ErrorCode::Conflict, "folded beyond ASCII, whatever the database's locale");
    assert_eq!(store.user_by_username("  ÄRGER").await.unwrap().map(|u| u.id), Some(user.id));
    store.create_user(new_user("Arger")).await.unwrap();
    assert_eq!(store.count_users().await.unwrap(), 2, "a different letter is a different name");
}

fn new_upload(owner_id: Uuid, size: u64) -> store::UploadRecord {
    let id = Uuid::now_v7();
    store::UploadRecord {
        id,
        owner_id,
        filename: "orders.xlsx".into(),
        size,
        content_type: "application/octet-stream".into(),
        kind: "xlsx".into(),
        sha256: "0".repeat(64),
        object_key: format!("uploads/{id}"),
        created_at: Utc::now(),
    }
}

async fn concurrent_uploads_never_exceed_the_quota(store: Arc<dyn Store>) {
    // Ten uploads at once against a quota of four files (then of 350 bytes): exactly as many land
    // as fit, never one more.
    for (max_count, max_bytes, fit) in [(4, u64::MAX / 2, 4), (100, 350, 3)] {
        let owner = Uuid::now_v7();
        let attempts: Vec<_> = (0..10)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store.insert_upload_within_quota(&new_upload(owner, 100), max_count, max_bytes).await.unwrap()
                })
            })
            .collect();
        let mut landed = 0;
        for attempt in attempts {
            landed += u64::from(attempt.await.unwrap());
        }
        assert_eq!(landed, fit);
        assert_eq!(store.upload_usage(owner).await.unwrap(), store::UploadUsage { count: fit, bytes: fit * 100 });
    }
}

async fn concurrent_appends_are_numbered_without_gaps(store: Arc<dyn Store>) {
    let run = store.create_run(&new_run("free_form")).await.unwrap();
    let now = Utc::now();
    let session = store::ChatSessionRecord {
        id: Uuid::now_v7(),
        owner_id: Uuid::now_v7(),
        mode: "work".into(),
        title: None,
        created_at: now,
        updated_at: now,
    };
    store.create_session(&session).await.unwrap();
    let writers: Vec<_> = (0..6)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut seqs = Vec::new();
                for i in 0..5 {
                    let data = serde_json::json!({"writer": w, "i": i});
                    seqs.push(store.append_run_event(run.id, "progress", &data, Utc::now()).await.unwrap());
                    seqs.push(store.append_message(session.id, "user", "m", None, Utc::now()).await.unwrap());
                }
                seqs
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for writer in writers {
        seqs.extend(writer.await.unwrap());
    }
    seqs.sort_unstable();
    let expected: Vec<u64> = (1..=30).flat_map(|n| [n, n]).collect();
    assert_eq!(seqs, expected, "each log numbers 1..=30, every number once");
    let events = store.run_events(run.id, 0, 100).await.unwrap();
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=30).collect::<Vec<_>>());
    assert_eq!(store.recent_messages(session.id, 100).await.unwrap().len(), 30);
}

macro_rules! adapter {
    ($backend:ident, $($story:ident),+ $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    super::backends::run(super::$backend().await, super::$story).await;
                }
            )+
        }
    };
}

/// Every story, once per backend.
macro_rules! stories {
    ($($story:ident),+ $(,)?) => {
        adapter!(sqlite, $($story),+);
        adapter!(postgres, $($story),+);
    };
}

stories!(
    users_are_unique_case_insensitively,
    users_are_listed_in_name_order_and_changed_field_by_field,
    login_sessions_are_revoked_once,
    api_key_names_are_unique_among_live_keys,
    throttle_counts_within_a_window_and_locks,
    purge_removes_only_what_expired,
    health_reports_migrations,
    a_run_is_claimed_by_one_worker_under_a_lease,
    a_lapsed_lease_lets_another_worker_continue_and_fences_the_old_one,
    a_paused_run_waits_resumes_on_any_worker_or_expires,
    run_events_are_numbered_and_replayable,
    a_side_effect_is_recorded_once,
    competing_workers_never_claim_the_same_run,
    concurrent_appends_are_numbered_without_gaps,
    concurrent_uploads_never_exceed_the_quota,
    usernames_fold_unicode_case_and_surrounding_space,
    chat_messages_are_numbered_bounded_and_token_use_adds_up,
    concurrent_token_counts_add_up_exactly,
    a_ticket_is_redeemed_once_and_never_after_it_expires,
    concurrent_redeemers_get_a_ticket_exactly_once,
    an_approval_is_decided_once_for_its_exact_arguments_before_it_expires,
    concurrent_approvers_decide_exactly_once,
    an_interrupted_approval_is_retaken_once_by_its_approver,
    the_audit_chain_holds_over_many_and_concurrent_appends,
    catalog_imports_are_all_or_nothing,
    a_200k_row_catalog_import_completes,
    items_page_in_sku_order_for_index_rebuilds,
    items_and_their_stock_import_together_or_not_at_all,
    prices_are_read_by_effective_date,
    a_stale_price_version_is_refused_and_writes_nothing,
    customers_are_priced_from_their_list_or_the_default,
    mappings_are_unique_per_customer_and_normalised_wording,
    an_open_out_of_stock_is_one_row_per_customer_item_and_day,
    a_keyed_out_of_stock_request_is_applied_once,
    the_sales_report_groups_and_sums_exactly,
    a_customers_history_counts_what_it_bought_recently,
    item_vectors_are_kept_per_model_and_replaced_by_key,
    bad_item_vectors_are_refused_and_write_nothing,
);

#[tokio::test]
async fn an_unmigrated_sqlite_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let url = config::DatabaseUrl::Sqlite { path: dir.path().join("fresh.db") };
    let store = store::open(&url).await.unwrap();
    assert!(!store.migrations_applied().await.unwrap());
}

#[tokio::test]
async fn sqlite_refuses_a_database_in_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let url = config::DatabaseUrl::Sqlite { path: dir.path().join("missing/x.db") };
    assert!(store::open(&url).await.is_err());
    assert!(!dir.path().join("missing").exists());
}
