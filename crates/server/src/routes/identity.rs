use app::App;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::PrincipalKind;
use secrecy::ExposeSecret as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::client_ip::ClientIp;
use crate::http::json::Json;
use crate::http::problem::ApiResult;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    token: String,
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: u64,
}

/// Exchanges a username and password for a bearer token. Unknown users and wrong passwords get
/// the same answer; repeated failures are slowed, then locked out per user and per address.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Invalid username or password", content_type = "application/problem+json"),
        (status = 429, description = "Locked out or rate limited", content_type = "application/problem+json")
    ))]
pub async fn login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginRequest>,
) -> ApiResult<Response> {
    let ok = app.auth.login(&body.username, body.password, ip).await?;
    let body = LoginResponse {
        token: ok.token.expose_secret().to_owned(),
        token_type: "Bearer",
        expires_in: ok.expires_in.as_secs(),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
}

/// Revokes the login token used for this request, on every instance.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Token revoked"),
              (status = 401, description = "Not signed in", content_type = "application/problem+json")))]
pub async fn logout(State(app): State<App>, Caller(caller): Caller) -> ApiResult<StatusCode> {
    app.auth.logout(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: Uuid,
    /// `user` or `api_key`.
    kind: &'static str,
    name: String,
    role: String,
}

/// The caller's identity and role.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, description = "The caller", body = Me),
              (status = 401, description = "Not signed in", content_type = "application/problem+json")))]
pub async fn me(Caller(caller): Caller) -> axum::Json<Me> {
    axum::Json(Me {
        id: caller.id,
        kind: match caller.kind {
            PrincipalKind::User => "user",
            PrincipalKind::ApiKey => "api_key",
        },
        name: caller.name,
        role: caller.role.to_string(),
    })
}
