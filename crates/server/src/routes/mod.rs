//! The route table. A route is public only by being listed in [`public`]; everything in
//! [`protected`] runs behind authentication. There is no third way in.

mod admin;
mod audit;
mod customers;
mod health;
mod identity;
mod items;
mod mappings;
mod oos;
mod ops;
mod params;
mod prices;
mod reports;
mod runs;
mod sessions;
mod uploads;
mod ws;

pub use ops::render_metrics;

use app::App;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Agent Team API", description = "Self-hosted backend for sales-team assistants."),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The only routes reachable without a credential: the probes and sign-in (each also says
/// `security(())` in its OpenAPI operation, which the route-walking test checks).
pub fn public() -> OpenApiRouter<App> {
    probes().merge(sign_in())
}

/// Liveness and readiness: never shed under load, so an overloaded server is not mistaken for
/// a dead one and restarted.
pub fn probes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(health::healthz)).routes(routes!(health::readyz))
}

pub fn sign_in() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(identity::login)).routes(routes!(identity::web_login))
}

pub fn protected() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(identity::logout))
        .routes(routes!(identity::me))
        .routes(routes!(ops::metrics))
        .routes(routes!(ops::openapi_json))
        .routes(routes!(uploads::list))
        .routes(routes!(uploads::get, uploads::delete))
        .routes(routes!(uploads::content))
        .routes(routes!(sessions::create, sessions::list))
        .routes(routes!(sessions::get, sessions::delete))
        .routes(routes!(sessions::send))
        .routes(routes!(sessions::decide))
        .routes(routes!(runs::start))
        .routes(routes!(runs::get))
        .routes(routes!(runs::resume))
        .routes(routes!(runs::cancel))
        .routes(routes!(runs::events))
        .routes(routes!(ws::ticket))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::update_user))
        .routes(routes!(admin::list_keys, admin::create_key))
        .routes(routes!(admin::revoke_key))
        .merge(sales())
}

/// The sales domain: catalog, prices, mappings, out-of-stock, reports and the audit log.
fn sales() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(customers::search))
        .routes(routes!(items::search))
        .routes(routes!(items::detail))
        .routes(routes!(prices::get))
        .routes(routes!(prices::put))
        .routes(routes!(mappings::list, mappings::create, mappings::delete))
        .routes(routes!(oos::create, oos::list))
        .routes(routes!(oos::resolve))
        .routes(routes!(reports::sales))
        .routes(routes!(audit::list))
}

/// The WebSocket gateway: not behind `require_principal`, because browsers cannot send headers
/// on an upgrade; it authenticates inside the handler instead, before upgrading.
pub fn gateway() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(ws::gateway))
}

/// Protected routes whose request bodies are large and slow by nature (uploads): they get their
/// own body limit and a per-chunk idle timeout instead of the global request timeout.
pub fn streaming_uploads() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(uploads::create))
}

/// Every route, as documented.
pub fn all() -> OpenApiRouter<App> {
    protected().merge(streaming_uploads()).merge(gateway()).merge(public())
}

pub(crate) use runs::{RUN_POLL_FALLBACK, start_run};
pub use uploads::MULTIPART_OVERHEAD;
