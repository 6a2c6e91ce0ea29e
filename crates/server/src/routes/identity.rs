use app::App;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Error;
use domain::PrincipalKind;
use secrecy::ExposeSecret as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::auth::{Caller, SESSION_COOKIE};
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

#[derive(Serialize, ToSchema)]
pub struct WebLoginResponse {
    username: String,
    role: String,
    /// Seconds until the session expires.
    expires_in: u64,
}

/// Signs the web page in: the same checks as `/api/v1/auth/login`, but the token goes into an
/// HttpOnly, SameSite=Strict cookie (Secure outside `dev`) that the page's script never sees.
/// Requests authenticated by the cookie must carry `X-Requested-With: agent-team`.
#[utoipa::path(post, path = "/api/v1/auth/web/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = WebLoginResponse),
        (status = 401, description = "Invalid username or password", content_type = "application/problem+json"),
        (status = 429, description = "Locked out or rate limited", content_type = "application/problem+json")
    ))]
pub async fn web_login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginRequest>,
) -> ApiResult<Response> {
    let ok = app.auth.login(&body.username, body.password, ip).await?;
    let principal = app.auth.authenticate(ok.token.expose_secret()).await?;
    let secure = if app.settings.app_env == config::AppEnv::Dev { "" } else { "; Secure" };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        ok.token.expose_secret(),
        ok.expires_in.as_secs()
    );
    let body = WebLoginResponse {
        username: principal.name,
        role: principal.role.to_string(),
        expires_in: ok.expires_in.as_secs(),
    };
    let mut response = ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response();
    let value =
        HeaderValue::from_str(&cookie).map_err(|_| Error::internal("the session cookie is not a header value"))?;
    response.headers_mut().insert(header::SET_COOKIE, value);
    Ok(response)
}

/// Revokes the login token used for this request, on every instance (and clears the page's
/// cookie, if it was the credential).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Token revoked"),
              (status = 401, description = "Not signed in", content_type = "application/problem+json")))]
pub async fn logout(State(app): State<App>, Caller(caller): Caller) -> ApiResult<Response> {
    app.auth.logout(&caller).await?;
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
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
