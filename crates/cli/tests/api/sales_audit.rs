use domain::Role;
use serde_json::Value;

use crate::sales_support::seed;
use crate::support::{PASSWORD, TestServer, assert_problem};

async fn entries(server: &TestServer, admin: &str, query: &str) -> Vec<Value> {
    let response = server.get(&format!("/api/v1/audit{query}"), Some(admin)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn logins_and_logouts_are_audited_without_the_password() {
    let server = TestServer::start().await;
    let admin = server.token("ana", Role::Admin).await;
    server.user("budi", Role::Staff).await;
    assert_eq!(server.login_raw("budi", "a wrong password entirely").await.status(), 401);
    assert_eq!(server.login_raw("nobody", "a wrong password entirely").await.status(), 401);
    let token = server.login("budi", PASSWORD).await;
    let out = server.http.post(server.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(out.status(), 204);

    let logins = entries(&server, &admin, "?action=auth.").await;
    let all = Value::Array(logins.clone()).to_string();
    assert!(!all.contains(PASSWORD) && !all.contains("a wrong password"), "no password is recorded: {all}");
    let summary: Vec<(String, String, String)> = logins
        .iter()
        .map(|e| {
            let outcome = e["new"]["outcome"].as_str().unwrap_or("-").to_owned();
            (e["action"].as_str().unwrap().to_owned(), e["target"].as_str().unwrap().to_owned(), outcome)
        })
        .collect();
    let expect = |a: &str, t: &str, o: &str| (a.to_owned(), t.to_owned(), o.to_owned());
    assert_eq!(
        summary,
        [
            expect("auth.logout", "user:budi", "-"),
            expect("auth.login", "user:budi", "success"),
            expect("auth.login", "user:nobody", "failure"),
            expect("auth.login", "user:budi", "failure"),
            expect("auth.login", "user:ana", "success"),
        ],
        "newest first"
    );
    assert_eq!(logins[1]["actor"]["name"], "budi");
    assert_eq!(logins[2]["actor"]["kind"], "anonymous");
    assert_eq!(logins[1]["new"]["ip"], "127.0.0.1");
}

#[tokio::test]
async fn the_audit_log_pages_filters_and_is_for_admins_only() {
    let server = TestServer::start().await;
    seed(&server).await;
    let admin = server.token("ana", Role::Admin).await;
    let key = server.key("ci-bot", Role::Staff, None).await;
    server.app.auth.revoke_api_key("ci-bot").await.unwrap();

    let all = entries(&server, &admin, "").await;
    let seqs: Vec<u64> = all.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "newest first without gaps: {seqs:?}");
    let actions: Vec<&str> = all.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["catalog.import", "customer.import", "price.import", "sales.import"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(!actions.contains(&"stock.import"), "a catalog file with stock is one import: {actions:?}");
    assert_eq!(&actions[..3], ["key.revoke", "key.create", "auth.login"]);
    assert!(!Value::Array(all.clone()).to_string().contains(&key), "the key itself is never recorded");
    assert_eq!(all[0]["actor"]["name"], "admin-cli");
    assert_eq!(all[1]["target"], "api_key:ci-bot");

    let first_page = entries(&server, &admin, "?limit=2").await;
    assert_eq!(first_page.len(), 2);
    let before = first_page[1]["seq"].as_u64().unwrap();
    let next = entries(&server, &admin, &format!("?limit=2&before={before}")).await;
    assert_eq!(next[0]["seq"].as_u64().unwrap(), before - 1);
    let imports = entries(&server, &admin, "?action=catalog.import").await;
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0]["actor"]["name"], "test");

    let manager = server.token("mira", Role::Manager).await;
    let staff = server.token("sari", Role::Staff).await;
    assert_problem(server.get("/api/v1/audit", Some(&manager)).await, 403, "forbidden").await;
    assert_problem(server.get("/api/v1/audit", Some(&staff)).await, 403, "forbidden").await;
    for bad in ["?action=PRICE%20UPDATE", "?before=x", "?limit=0", "?unknown=1"] {
        assert_problem(server.get(&format!("/api/v1/audit{bad}"), Some(&admin)).await, 422, "validation_failed").await;
    }
}
