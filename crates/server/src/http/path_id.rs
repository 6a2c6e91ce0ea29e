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
