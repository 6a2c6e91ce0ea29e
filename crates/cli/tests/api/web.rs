//! What the web page stands on: its embedded files under a strict CSP, the cookie sign-in with
//! its CSRF rule, the customer picker, and user and key administration for admins.

use domain::Role;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestServer, assert_problem, client};

const MARKER: (&str, &str) = ("x-requested-with", "agent-team");

/// Signs in through the page's route; returns the cookie header value to send back.
async fn web_login(server: &TestServer, username: &str) -> String {
    let response = client()
        .post(server.url("/api/v1/auth/web/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["username"], username);
    assert!(body.get("token").is_none(), "the token is never readable by the page's script");
    set_cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_page_is_served_embedded_under_a_strict_policy_and_revalidated_by_etag() {
    let server = TestServer::start().await;
    let page = server.get("/", None).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    let html = page.text().await.unwrap();
    assert!(html.contains("/assets/app.js") && !html.contains("<script>"), "only external module scripts");

    let script = server.get("/assets/app.js", None).await;
    assert_eq!(script.status(), 200);
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    let etag = script.headers()["etag"].to_str().unwrap().to_owned();
    let again = client().get(server.url("/assets/app.js")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);

    for missing in ["/assets/nope.js", "/assets/../Cargo.toml", "/assets/%2e%2e/src/web.rs", "/assets/index.html"] {
        assert_problem(server.get(missing, None).await, 404, "not_found").await;
    }
}

#[tokio::test]
async fn page_loads_do_not_spend_the_address_limit_that_public_routes_count() {
    let server = TestServer::start_with(&[("RATE_LIMIT_PER_MINUTE", "3")], None).await;
    for _ in 0..10 {
        assert_eq!(server.get("/assets/app.js", None).await.status(), 200);
        assert_eq!(server.get("/", None).await.status(), 200);
    }
    let statuses = [
        server.get("/readyz", None).await.status(),
        server.get("/readyz", None).await.status(),
        server.get("/readyz", None).await.status(),
        server.get("/readyz", None).await.status(),
    ];
    assert_eq!(statuses.map(|s| s.as_u16()), [200, 200, 200, 429], "the probes are still limited per address");
}

#[tokio::test]
async fn the_cookie_signs_the_page_in_only_with_its_marker_from_its_own_origin_until_logout() {
    let server = TestServer::start().await;
    server.user("dewi", Role::Staff).await;
    let cookie = web_login(&server, "dewi").await;
    let me = |headers: &[(&str, &str)]| {
        let mut request = client().get(server.url("/api/v1/me")).header("cookie", &cookie);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.send()
    };
    let ok = me(&[MARKER]).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.unwrap()["name"], "dewi");
    assert_problem(me(&[]).await.unwrap(), 401, "unauthorized").await;
    assert_problem(me(&[MARKER, ("origin", "https://evil.example")]).await.unwrap(), 401, "unauthorized").await;
    let own_origin = server.base.clone();
    assert_eq!(me(&[MARKER, ("origin", &own_origin)]).await.unwrap().status(), 200);

    // A form posted from elsewhere carries the cookie but cannot add the marker.
    let forged = client()
        .post(server.url("/api/v1/sessions"))
        .header("cookie", &cookie)
        .header("content-type", "application/json")
        .body(r#"{"mode":"chat"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(forged, 401, "unauthorized").await;

    let out = client()
        .post(server.url("/api/v1/auth/logout"))
        .header("cookie", &cookie)
        .header(MARKER.0, MARKER.1)
        .send()
        .await;
    let out = out.unwrap();
    assert_eq!(out.status(), 204);
    let cleared = out.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_problem(me(&[MARKER]).await.unwrap(), 401, "unauthorized").await;
}

#[tokio::test]
async fn customers_are_found_by_part_of_their_code_or_name() {
    let server = TestServer::start().await;
    crate::sales_support::seed(&server).await;
    let token = server.token("dewi", Role::Staff).await;
    let all: Value = server.get("/api/v1/customers", Some(&token)).await.json().await.unwrap();
    let all = all["customers"].as_array().unwrap().clone();
    assert!(all.len() >= 2, "{all:?}");
    let first = &all[0];
    let part = first["name"].as_str().unwrap()[1..4].to_lowercase();
    let found: Value = server.get(&format!("/api/v1/customers?q={part}"), Some(&token)).await.json().await.unwrap();
    let found = found["customers"].as_array().unwrap();
    assert!(found.iter().any(|c| c["code"] == first["code"]), "{found:?}");
    assert!(found.iter().all(|c| {
        let (code, name) = (c["code"].as_str().unwrap().to_lowercase(), c["name"].as_str().unwrap().to_lowercase());
        code.contains(&part) || name.contains(&part)
    }));
    let limited: Value = server.get("/api/v1/customers?limit=1", Some(&token)).await.json().await.unwrap();
    assert_eq!(limited["customers"].as_array().unwrap().len(), 1);
    assert_problem(server.get("/api/v1/customers?limit=0", Some(&token)).await, 422, "validation_failed").await;
    assert_problem(server.get("/api/v1/customers", None).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn administrators_manage_users_and_keys_and_every_change_is_audited() {
    let server = TestServer::start().await;
    let admin = server.token("boss", Role::Admin).await;
    let staff = server.token("dewi", Role::Staff).await;
    assert_problem(server.get("/api/v1/admin/users", Some(&staff)).await, 403, "forbidden").await;
    assert_problem(server.get("/api/v1/admin/keys", Some(&staff)).await, 403, "forbidden").await;
    let by_staff = server.post_json("/api/v1/admin/keys", &staff, &json!({"name": "x", "role": "admin"})).await;
    assert_problem(by_staff, 403, "forbidden").await;

    let created = server
        .post_json("/api/v1/admin/users", &admin, &json!({"username": "sari", "password": PASSWORD, "role": "staff"}))
        .await;
    assert_eq!(created.status(), 201);
    let sari: Value = created.json().await.unwrap();
    let weak = server
        .post_json("/api/v1/admin/users", &admin, &json!({"username": "rudi", "password": "short", "role": "staff"}))
        .await;
    assert_problem(weak, 422, "validation_failed").await;
    let users: Value = server.get("/api/v1/admin/users", Some(&admin)).await.json().await.unwrap();
    let names: Vec<&str> = users["users"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["boss", "dewi", "sari"]);
    assert!(!users.to_string().contains("argon2"), "no password hashes");

    // Disabling a user ends its sign-ins at once; an admin cannot disable themselves.
    let sari_token = server.login("sari", PASSWORD).await;
    assert_eq!(server.get("/api/v1/me", Some(&sari_token)).await.status(), 200);
    let patch = |id: &str, body: Value| {
        client().patch(server.url(&format!("/api/v1/admin/users/{id}"))).bearer_auth(&admin).json(&body).send()
    };
    let disabled = patch(sari["id"].as_str().unwrap(), json!({"disabled": true})).await.unwrap();
    assert_eq!(disabled.status(), 200);
    assert_eq!(disabled.json::<Value>().await.unwrap()["disabled"], true);
    assert_problem(server.get("/api/v1/me", Some(&sari_token)).await, 401, "unauthorized").await;
    let me: Value = server.get("/api/v1/me", Some(&admin)).await.json().await.unwrap();
    assert_problem(
        patch(me["id"].as_str().unwrap(), json!({"disabled": true})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    let nobody = uuid::Uuid::now_v7().to_string();
    assert_problem(patch(&nobody, json!({"role": "manager"})).await.unwrap(), 404, "not_found").await;

    // A key is shown once, works, and stops working when revoked.
    let made = server.post_json("/api/v1/admin/keys", &admin, &json!({"name": "erp", "role": "staff"})).await;
    assert_eq!(made.status(), 201);
    let key = made.json::<Value>().await.unwrap()["key"].as_str().unwrap().to_owned();
    assert_eq!(server.get("/api/v1/me", Some(&key)).await.status(), 200);
    let listed: Value = server.get("/api/v1/admin/keys", Some(&admin)).await.json().await.unwrap();
    assert!(!listed.to_string().contains(&key), "listing never shows a key");
    let revoked = client().delete(server.url("/api/v1/admin/keys/erp")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(revoked.status(), 204);
    assert_problem(server.get("/api/v1/me", Some(&key)).await, 401, "unauthorized").await;
    let again = client().delete(server.url("/api/v1/admin/keys/erp")).bearer_auth(&admin).send().await.unwrap();
    assert_problem(again, 404, "not_found").await;

    let audit: Value = server.get("/api/v1/audit?limit=100", Some(&admin)).await.json().await.unwrap();
    let actions: Vec<&str> =
        audit["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for wanted in ["user.create", "user.update", "key.create", "key.revoke"] {
        assert!(actions.contains(&wanted), "{wanted} in {actions:?}");
    }
}

#[tokio::test]
async fn an_out_of_stock_line_proposed_in_chat_for_a_customer_named_by_name_is_registered_once_approved() {
    let server = TestServer::start().await;
    crate::sales_support::seed(&server).await;
    let token = server.token("dewi", Role::Staff).await;
    let session: Value =
        server.post_json("/api/v1/sessions", &token, &json!({"mode": "chat"})).await.json().await.unwrap();
    let path = format!("/api/v1/sessions/{}/messages", session["id"].as_str().unwrap());
    let reply: Value = server
        .post_json(&path, &token, &json!({"content": "catat stok habis teh botol 7 untuk toko maju"}))
        .await
        .json()
        .await
        .unwrap();
    let proposal = &reply["pending_approval"];
    assert_eq!(proposal["tool"], "register_oos", "{reply}");
    let decision =
        format!("/api/v1/sessions/{}/approvals/{}", session["id"].as_str().unwrap(), proposal["id"].as_str().unwrap());
    let done = server.post_json(&decision, &token, &json!({"approve": true, "args_hash": proposal["args_hash"]})).await;
    assert_eq!(done.status(), 200, "{}", done.text().await.unwrap());
    let listed: Value = server.get("/api/v1/oos?customer=C1", Some(&token)).await.json().await.unwrap();
    let registrations = listed["registrations"].as_array().unwrap();
    assert_eq!(registrations.len(), 1, "{listed}");
    assert_eq!((registrations[0]["sku"].as_str(), registrations[0]["quantity"].as_str()), (Some("TB-250"), Some("7")));
}
