//! The WebSocket gateway's two routes: a ticket for browsers, and the upgrade itself.

use app::App;
use axum::Extension;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::{Caller, bearer};
use crate::http::context::{Served, current_request_id};
use crate::http::problem::{ApiError, ApiResult, problem};
use crate::ws::{self, Gateway};

#[derive(Serialize, ToSchema)]
pub struct TicketBody {
    /// Pass as `?ticket=` to `GET /api/v1/ws`; works once.
    ticket: String,
    /// Seconds the ticket stays valid.
    expires_in: u64,
}

/// A single-use ticket for opening the WebSocket gateway from a browser, which cannot set an
/// `Authorization` header on the upgrade request.
#[utoipa::path(post, path = "/api/v1/ws/ticket", tag = "ws",
    responses((status = 201, description = "Issued", body = TicketBody)))]
pub async fn ticket(State(app): State<App>, Caller(caller): Caller) -> ApiResult<Response> {
    let ticket = app.auth.issue_ws_ticket(&caller).await?;
    let body = TicketBody { ticket, expires_in: app::auth::WS_TICKET_TTL.as_secs() };
    Ok((StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct GatewayQuery {
    /// A ticket from `POST /api/v1/ws/ticket`, instead of the `Authorization` header.
    ticket: Option<String>,
}

/// The WebSocket gateway. Authenticates before upgrading, by the `Authorization` header or a
/// `?ticket=`; without either the answer is a 401 problem and no socket is opened.
#[utoipa::path(get, path = "/api/v1/ws", tag = "ws", params(GatewayQuery),
    security(("bearer" = [])),
    responses((status = 101, description = "Switching to the WebSocket protocol"),
              (status = 401, description = "No valid credential or ticket", content_type = "application/problem+json"),
              (status = 429, description = "Too many open sockets for this principal", content_type = "application/problem+json")))]
pub async fn gateway(
    State(app): State<App>,
    Extension(gateway): Extension<Gateway>,
    headers: HeaderMap,
    query: Result<Query<GatewayQuery>, axum::extract::rejection::QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // This route is outside `require_principal` (browsers cannot send the header), so the same
    // rule is applied here: nothing happens, not even the upgrade, without a principal.
    let ticket = query.ok().and_then(|Query(q)| q.ticket);
    let outcome = match (bearer(&headers), ticket) {
        (Some(token), _) => app.auth.authenticate(token).await,
        (None, Some(ticket)) => app.auth.redeem_ws_ticket(&ticket).await,
        (None, None) => Err(Error::unauthorized()),
    };
    let caller = match outcome {
        Ok(caller) => caller,
        Err(err) => {
            let unauthorized = err.code() == ErrorCode::Unauthorized;
            let mut response = ApiError(err).into_response();
            if unauthorized {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            return response;
        }
    };
    let Ok(upgrade) = upgrade else {
        return problem(ErrorCode::BadRequest, "this resource expects a WebSocket upgrade request");
    };
    let Some(slot) = gateway.slots.acquire(caller.id, app.settings.ws_per_principal) else {
        return problem(ErrorCode::RateLimited, "too many open sockets; close one first");
    };
    let principal_id = caller.id;
    let connection =
        ws::Connection { app, caller, request_id: current_request_id(), stopped: gateway.stopped.clone(), slot };
    // The socket library's default read buffer is 128 KiB per connection, allocated up front:
    // 1.3 GiB for 10,000 idle sockets. Frames are small JSON; 4 KiB reads suffice (a larger frame,
    // up to the message cap, still arrives, in more reads).
    let mut response = upgrade
        .read_buffer_size(4 * 1024)
        .max_message_size(ws::MAX_MESSAGE_BYTES)
        .max_frame_size(ws::MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| ws::run(socket, connection));
    response.extensions_mut().insert(Served { principal_id: Some(principal_id) });
    response
}
