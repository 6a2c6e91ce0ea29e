//! Ids in URLs are parsed before a handler runs. A malformed id names nothing, so it answers 404
//! exactly like an id that does not exist (and like someone else's id).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use domain::Error;
use uuid::Uuid;

use super::problem::ApiError;

#[derive(Debug, Clone, Copy)]
pub struct PathId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError(Error::not_found("resource")))?;
        Uuid::try_parse(&raw).map(PathId).map_err(|_| ApiError(Error::not_found("resource")))
    }
}

/// Two ids, as in `/sessions/{id}/approvals/{approval_id}`; either malformed answers 404.
#[derive(Debug, Clone, Copy)]
pub struct PathIds(pub Uuid, pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let missing = || ApiError(Error::not_found("resource"));
        let Path((first, second)) =
            Path::<(String, String)>::from_request_parts(parts, state).await.map_err(|_| missing())?;
        match (Uuid::try_parse(&first), Uuid::try_parse(&second)) {
            (Ok(first), Ok(second)) => Ok(PathIds(first, second)),
            _ => Err(missing()),
        }
    }
}
