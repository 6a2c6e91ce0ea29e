//! A real server on 127.0.0.1:0 with its own temporary DATA_DIR and SQLite file, driven over
//! real sockets with reqwest.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use app::App;
use config::{EnvSource, Settings};
use domain::Role;
use secrecy::{ExposeSecret as _, SecretString};
use server::ServerHandle;
use tokio::net::TcpListener;
use utoipa_axum::router::OpenApiRouter;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestServer {
    pub app: App,
    pub base: String,
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub metrics_addr: Option<SocketAddr>,
    handle: Option<ServerHandle>,
    pub dir: tempfile::TempDir,
}

/// A temporary directory with its settings and a migrated store.
async fn prepare(extra: &[(&str, &str)]) -> (tempfile::TempDir, Settings, std::sync::Arc<dyn store::Store>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = Settings::load(EnvSource::from_vars(vars(dir.path(), extra), dir.path())).expect("settings");
    std::fs::create_dir_all(&settings.data_dir).expect("data dir");
    let store = store::open(&settings.database_url).await.expect("store");
    store.migrate().await.expect("migrate");
    (dir, settings, store)
}

pub fn vars(dir: &std::path::Path, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("DATA_DIR".into(), dir.join("data").display().to_string());
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    vars
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(&[], None).await
    }

    pub async fn start_with(extra: &[(&str, &str)], routes: Option<OpenApiRouter<App>>) -> Self {
        Self::start_full(extra, routes, None).await
    }

    /// With the App adjusted before it serves (tools, tasks).
    pub async fn start_custom(extra: &[(&str, &str)], customize: impl FnOnce(App) -> App) -> Self {
        let (dir, settings, store) = prepare(extra).await;
        let objects = store::objects::open(&settings.object_store_url, &settings.s3).await.expect("object store");
        let app = customize(App::new(settings, store, objects));
        Self::serve_app(dir, app, None).await
    }

    /// With test-only Work tasks registered.
    pub async fn start_full(
        extra: &[(&str, &str)],
        routes: Option<OpenApiRouter<App>>,
        tasks: Option<agent::runs::TaskRegistry>,
    ) -> Self {
        let (dir, settings, store) = prepare(extra).await;
        Self::serve_tasks(dir, settings, store, routes, tasks).await
    }

    pub async fn serve(
        dir: tempfile::TempDir,
        settings: Settings,
        store: std::sync::Arc<dyn store::Store>,
        routes: Option<OpenApiRouter<App>>,
    ) -> Self {
        Self::serve_tasks(dir, settings, store, routes, None).await
    }

    pub async fn serve_tasks(
        dir: tempfile::TempDir,
        settings: Settings,
        store: std::sync::Arc<dyn store::Store>,
        routes: Option<OpenApiRouter<App>>,
        tasks: Option<agent::runs::TaskRegistry>,
    ) -> Self {
        let objects = store::objects::open(&settings.object_store_url, &settings.s3).await.expect("object store");
        let mut app = App::new(settings, store, objects);
        if let Some(tasks) = tasks {
            app = app.with_tasks(tasks);
        }
        Self::serve_app(dir, app, routes).await
    }

    async fn serve_app(dir: tempfile::TempDir, app: App, routes: Option<OpenApiRouter<App>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let handle = server::start(app.clone(), listener, routes).await.expect("start");
        let addr = handle.addr;
        let metrics_addr = handle.metrics_addr;
        Self { app, base: format!("http://{addr}"), addr, metrics_addr, http: client(), handle: Some(handle), dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn user(&self, username: &str, role: Role) {
        self.app
            .auth
            .create_user(app::auth::NewUserInput {
                username: username.into(),
                password: SecretString::from(PASSWORD.to_owned()),
                role,
            })
            .await
            .expect("create user");
    }

    /// Creates a user with this role and returns a login token for it.
    pub async fn token(&self, username: &str, role: Role) -> String {
        self.user(username, role).await;
        self.login(username, PASSWORD).await
    }

    /// The raw answer to a login attempt.
    pub async fn login_raw(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request")
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self.login_raw(username, password).await;
        assert_eq!(response.status(), 200, "login of {username} failed");
        let body: serde_json::Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    pub async fn key(&self, name: &str, role: Role, expires_in: Option<Duration>) -> String {
        let created = self.app.auth.create_api_key(name, role, expires_in).await.expect("create key");
        created.key.expose_secret().to_owned()
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(self.url(path));
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("request")
    }

    /// POSTs `body` as JSON with a bearer token.
    pub async fn post_json(&self, path: &str, bearer: &str, body: &serde_json::Value) -> reqwest::Response {
        self.http.post(self.url(path)).bearer_auth(bearer).json(body).send().await.expect("request")
    }

    pub async fn stop(mut self, grace: Duration) -> Result<(), server::StopError> {
        self.handle.take().expect("running").shutdown(grace).await
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().expect("client")
}

/// Asserts an RFC 9457 problem document with this status and code; returns the body.
pub async fn assert_problem(response: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let request_id = response.headers().get("x-request-id").expect("x-request-id").to_str().unwrap().to_owned();
    let body: serde_json::Value = response.json().await.expect("problem json");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], format!("/problems/{code}"));
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    assert_eq!(body["request_id"], request_id.as_str(), "the body names the request id of the response");
    assert_no_leak(&body.to_string());
    body
}

/// No error body may carry a path, a stack trace, SQL, a Rust type name or an upstream error.
pub fn assert_no_leak(text: &str) {
    let lower = text.to_lowercase();
    for needle in [
        "/src/",
        ".rs",
        "panicked",
        "stack",
        "backtrace",
        "select ",
        "insert ",
        "sqlx",
        "sqlite",
        "::",
        "std::",
        "alloc::",
        "expected u",
        "expected i",
        "struct ",
        "/work/",
        "/tmp/",
        "/home/",
        "thread '",
    ] {
        assert!(!lower.contains(needle), "error body leaks `{needle}`: {text}");
    }
}

async fn panics() -> &'static str {
    let secret_path = "/srv/agent-team/src/db.rs: SELECT * FROM users";
    panic!("handler blew up at {secret_path}");
}

/// Fault-injection routes joined to the protected side of a test server.
pub fn faults() -> OpenApiRouter<App> {
    faults_with(std::sync::Arc::default())
}

/// The same, with `entered` notified when the slow handler starts, so a test knows a request is
/// really in flight instead of guessing with a sleep.
pub fn faults_with(entered: std::sync::Arc<tokio::sync::Notify>) -> OpenApiRouter<App> {
    OpenApiRouter::new().route("/__test/panic", axum::routing::get(panics)).route(
        "/__test/slow",
        axum::routing::get(move || {
            let entered = entered.clone();
            async move {
                entered.notify_one();
                tokio::time::sleep(Duration::from_millis(1500)).await;
                "done"
            }
        }),
    )
}
