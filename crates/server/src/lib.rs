//! The HTTP channel. [`start`] takes the wired [`App`] and a bound listener and returns a handle
//! with a graceful shutdown; tests bind port 0 and drive the real server over real sockets.

pub mod http;
mod routes;
mod serve;
mod web;
mod ws;

use std::collections::HashSet;
use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::App;
use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use domain::ErrorCode;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::load_shed::LoadShedLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa_axum::router::OpenApiRouter;

pub use routes::ApiDoc;

use crate::http::problem::problem;

/// JSON bodies are small; uploads get their own, larger limit on their own route.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// Builds the complete router. `extra` routes join the protected side (used by tests to inject
/// faults such as a panicking or slow handler; the product itself passes none).
pub fn router(app: App, extra: Option<OpenApiRouter<App>>) -> Router {
    // Without a server to stop, sockets are never told to close for shutdown.
    router_stopping_with(app, extra, watch::channel(false).1)
}

/// The router, with open WebSockets closed (1001) when `stopped` turns true.
fn router_stopping_with(app: App, extra: Option<OpenApiRouter<App>>, stopped: watch::Receiver<bool>) -> Router {
    let settings = app.settings.clone();
    let timeout = TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, settings.request_timeout);
    let overload = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
            problem(ErrorCode::Overloaded, "the server is busy; try again shortly")
        }))
        .layer(LoadShedLayer::new())
        // One semaphore shared by every group it is layered on.
        .layer(GlobalConcurrencyLimitLayer::new(settings.max_concurrent_requests));
    let overload_page = overload.clone();
    let by_ip = || axum::middleware::from_fn_with_state(app.clone(), http::auth::limit_by_ip);
    let authenticated = || axum::middleware::from_fn_with_state(app.clone(), http::auth::require_principal);

    let probes = routes::probes().route_layer(timeout).route_layer(by_ip());
    let sign_in = routes::sign_in().route_layer(timeout).route_layer(overload.clone()).route_layer(by_ip());
    let mut protected = routes::protected();
    if let Some(extra) = extra {
        protected = protected.merge(extra);
    }
    let protected = protected.route_layer(timeout).route_layer(overload.clone()).route_layer(authenticated());
    // Uploads: a body limit sized to UPLOAD_MAX_BYTES and, instead of the request timeout, the
    // upload service's idle timeout plus a generous overall ceiling.
    let upload_limit = usize::try_from(settings.upload_max_bytes + routes::MULTIPART_OVERHEAD).unwrap_or(usize::MAX);
    let uploads = routes::streaming_uploads()
        .route_layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, UPLOAD_CEILING))
        .route_layer(DefaultBodyLimit::max(upload_limit))
        .route_layer(overload)
        .route_layer(authenticated());
    // Authenticates inside its handler (see `routes::gateway`); no request timeout, since the
    // upgrade answers at once and the socket then lives on its own limits.
    let gateway = routes::gateway().route_layer(axum::Extension(ws::Gateway::new(stopped))).route_layer(by_ip());
    let public_paths: Arc<HashSet<String>> =
        Arc::new(routes::public().split_for_parts().1.paths.paths.keys().cloned().collect());
    let (router, doc) = protected.merge(uploads).merge(sign_in).merge(probes).merge(gateway).split_for_parts();
    let doc = Arc::new(doc.to_pretty_json().unwrap_or_default());
    // The page's static files: public, served from memory, and a page load fetches about fifteen
    // of them, so they are not counted against the per-address limit (an office behind one
    // address would exhaust it); the server-wide concurrency cap still applies.
    let page = web::routes().route_layer(timeout).route_layer(overload_page);

    let router = router
        .merge(page)
        .fallback(|| async { problem(ErrorCode::NotFound, "no such resource") })
        .method_not_allowed_fallback(move |State(app): State<App>, uri: Uri, headers: HeaderMap| {
            let public_paths = public_paths.clone();
            async move {
                // Which methods a protected path allows is not for anonymous callers to learn.
                if !public_paths.contains(uri.path()) && !http::auth::is_authenticated(&app, &headers).await {
                    return problem(ErrorCode::Unauthorized, "authentication is required");
                }
                problem(ErrorCode::MethodNotAllowed, "this method is not allowed on this resource")
            }
        })
        .with_state(app)
        .layer(axum::Extension(doc))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT));
    let hardening = http::context::Hardening { hsts: settings.app_env == config::AppEnv::Prod };
    http::security::cors_if_configured(router, &settings)
        .layer(axum::middleware::from_fn_with_state(hardening, http::context::request_context))
}

/// The longest an upload request may take at all (the idle timeout catches stalls much sooner).
pub const UPLOAD_CEILING: Duration = Duration::from_secs(30 * 60);

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes::all().split_for_parts().1
}

/// A running server.
pub struct ServerHandle {
    pub addr: SocketAddr,
    pub metrics_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StopError {
    #[error("in-flight requests did not finish within the drain timeout")]
    DrainTimeout,
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

impl ServerHandle {
    /// Stops accepting connections; in-flight requests continue.
    pub fn begin_shutdown(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops accepting and waits up to `grace` for in-flight requests to finish.
    pub async fn shutdown(self, grace: Duration) -> Result<(), StopError> {
        self.begin_shutdown();
        match tokio::time::timeout(grace, self.task).await {
            Ok(Ok(result)) => Ok(result?),
            Ok(Err(join)) => Err(StopError::Io(std::io::Error::other(join))),
            Err(_) => Err(StopError::DrainTimeout),
        }
    }
}

/// Serves `app` on `listener` until [`ServerHandle::shutdown`].
pub async fn start(
    app: App,
    listener: TcpListener,
    extra: Option<OpenApiRouter<App>>,
) -> std::io::Result<ServerHandle> {
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    http::metrics::handle();
    // Off the start-up path: readiness must not wait for a deliberately slow hash.
    let warm = app.auth.clone();
    tokio::spawn(async move { warm.warm_up().await });

    let metrics_addr = match app.settings.metrics_port {
        Some(port) => Some(serve_metrics(port, stopped.clone()).await?),
        None => None,
    };
    spawn_housekeeping(app.clone(), stopped.clone());
    app.spawn_coordination(stopped.clone());
    let mut engine = agent::runs::EngineConfig::new(app.settings.work_interrupt_ttl, app.settings.work_lease);
    engine.workers = app.settings.work_workers;
    agent::runs::RunEngine::spawn(app.runs.clone(), engine, stopped.clone());

    let limits = serve::Limits {
        max_connections: app.settings.max_connections,
        header_read_timeout: app.settings.header_read_timeout,
    };
    let router = router_stopping_with(app, extra, stopped.clone());
    let task = tokio::spawn(serve::run(listener, router, stopped, limits));
    Ok(ServerHandle { addr, metrics_addr, stop, task })
}

/// Metrics on their own loopback-only listener: a separate port means they are never exposed
/// to the public by accident, and scrapers need no credential.
async fn serve_metrics(port: u16, mut stopped: watch::Receiver<bool>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
    let addr = listener.local_addr()?;
    let router: Router = Router::new().route("/metrics", get(|| async { routes_metrics() }));
    tokio::spawn(
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .into_future(),
    );
    Ok(addr)
}

fn routes_metrics() -> Response {
    routes::render_metrics()
}

fn spawn_housekeeping(app: App, mut stopped: watch::Receiver<bool>) {
    tokio::spawn(async move {
        let every = Duration::from_secs(60);
        let mut tick = tokio::time::interval(every);
        // A database outage is logged when it begins and when it ends, not every minute.
        let outage = agent::outage::Outage::new("housekeeping", every, every);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    match app.housekeeping().await {
                        Ok(_) => outage.succeeded(),
                        Err(err) => {
                            outage.failed(&err);
                        }
                    }
                }
                _ = stopped.changed() => break,
            }
        }
    });
}
