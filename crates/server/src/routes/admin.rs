//! Users and API keys, for administrators (the web page's admin screen; the CLI does the same).

use std::time::Duration;

use app::App;
use app::auth::NewUserInput;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::audit::Actor;
use domain::{Error, Role};
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::auth::Caller;
use crate::http::json::Json;
use crate::http::path_id::PathId;
use crate::http::problem::ApiResult;

#[derive(Serialize, ToSchema)]
pub struct UserView {
    id: Uuid,
    username: String,
    role: String,
    disabled: bool,
    created_at: DateTime<Utc>,
}

impl From<store::UserRecord> for UserView {
    fn from(u: store::UserRecord) -> Self {
        Self {
            id: u.id,
            username: u.username,
            role: u.role.to_string(),
            disabled: u.disabled,
            created_at: u.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    /// In username order.
    users: Vec<UserView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    username: String,
    /// At least 12 characters.
    password: String,
    /// `staff`, `manager` or `admin`.
    role: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    disabled: Option<bool>,
    role: Option<String>,
}

fn role(value: &str) -> Result<Role, Error> {
    value.parse().map_err(|_| Error::validation("role: `staff`, `manager` or `admin`"))
}

/// Every user.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin",
    responses((status = 200, description = "Users", body = UserList),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json")))]
pub async fn list_users(State(app): State<App>, Caller(caller): Caller) -> ApiResult<axum::Json<UserList>> {
    let users = app.auth.list_users(&caller).await?;
    Ok(axum::Json(UserList { users: users.into_iter().map(Into::into).collect() }))
}

/// Creates a user (audited).
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = NewUserBody,
    responses((status = 201, description = "Created", body = UserView),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json"),
              (status = 409, description = "The username is taken", content_type = "application/problem+json"),
              (status = 422, description = "Invalid field", content_type = "application/problem+json")))]
pub async fn create_user(
    State(app): State<App>,
    Caller(caller): Caller,
    Json(body): Json<NewUserBody>,
) -> ApiResult<(StatusCode, axum::Json<UserView>)> {
    let input =
        NewUserInput { username: body.username, password: SecretString::from(body.password), role: role(&body.role)? };
    let user = app.auth.create_user_by(&caller, input).await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

/// Disables or enables a user, or changes its role (audited; its sign-ins end everywhere).
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", params(("id" = Uuid, Path)),
    request_body = UserPatch,
    responses((status = 200, description = "Changed", body = UserView),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json"),
              (status = 404, description = "No such user", content_type = "application/problem+json")))]
pub async fn update_user(
    State(app): State<App>,
    Caller(caller): Caller,
    PathId(id): PathId,
    Json(body): Json<UserPatch>,
) -> ApiResult<axum::Json<UserView>> {
    let new_role = body.role.as_deref().map(role).transpose()?;
    let user = app.auth.update_user_by(&caller, id, body.disabled, new_role).await?;
    Ok(axum::Json(user.into()))
}

#[derive(Serialize, ToSchema)]
pub struct KeyView {
    name: String,
    role: String,
    /// The first characters of the key, to recognise it by.
    prefix: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    revoked: bool,
}

#[derive(Serialize, ToSchema)]
pub struct KeyList {
    keys: Vec<KeyView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyBody {
    name: String,
    role: String,
    /// 1–3650; without it the key lives until revoked.
    expires_in_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct NewKeyView {
    name: String,
    role: String,
    expires_at: Option<DateTime<Utc>>,
    /// Shown this once; only its hash is kept.
    key: String,
}

/// Every API key (never the keys themselves).
#[utoipa::path(get, path = "/api/v1/admin/keys", tag = "admin",
    responses((status = 200, description = "Keys", body = KeyList),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json")))]
pub async fn list_keys(State(app): State<App>, Caller(caller): Caller) -> ApiResult<axum::Json<KeyList>> {
    let keys = app.auth.list_api_keys(&caller).await?;
    let keys = keys
        .into_iter()
        .map(|k| KeyView {
            name: k.name,
            role: k.role.to_string(),
            prefix: k.prefix,
            created_at: k.created_at,
            expires_at: k.expires_at,
            revoked: k.revoked_at.is_some(),
        })
        .collect();
    Ok(axum::Json(KeyList { keys }))
}

/// Creates an API key (audited); the key is in this answer only.
#[utoipa::path(post, path = "/api/v1/admin/keys", tag = "admin", request_body = NewKeyBody,
    responses((status = 201, description = "Created", body = NewKeyView),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json"),
              (status = 409, description = "A live key has this name", content_type = "application/problem+json")))]
pub async fn create_key(
    State(app): State<App>,
    Caller(caller): Caller,
    Json(body): Json<NewKeyBody>,
) -> ApiResult<(StatusCode, [(axum::http::HeaderName, &'static str); 1], axum::Json<NewKeyView>)> {
    caller.require(Role::Admin)?;
    let expires_in = match body.expires_in_days {
        None => None,
        Some(days @ 1..=3650) => Some(Duration::from_secs(u64::from(days) * 86_400)),
        Some(_) => return Err(Error::validation("expires_in_days: 1 to 3650").into()),
    };
    let created =
        app.auth.create_api_key_by(&Actor::from_principal(&caller), &body.name, role(&body.role)?, expires_in).await?;
    let view = NewKeyView {
        name: created.name,
        role: created.role.to_string(),
        expires_at: created.expires_at,
        key: created.key.expose_secret().to_owned(),
    };
    Ok((StatusCode::CREATED, [(axum::http::header::CACHE_CONTROL, "no-store")], axum::Json(view)))
}

/// Revokes the live key with this name, on every instance (audited).
#[utoipa::path(delete, path = "/api/v1/admin/keys/{name}", tag = "admin", params(("name" = String, Path)),
    responses((status = 204, description = "Revoked"),
              (status = 403, description = "Not an administrator", content_type = "application/problem+json"),
              (status = 404, description = "No live key with this name", content_type = "application/problem+json")))]
pub async fn revoke_key(
    State(app): State<App>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require(Role::Admin)?;
    if name.chars().count() > 200 {
        return Err(Error::not_found("API key").into());
    }
    app.auth.revoke_api_key_by(&Actor::from_principal(&caller), &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
