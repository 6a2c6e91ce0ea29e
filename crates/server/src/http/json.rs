//! A JSON extractor whose rejections are problem documents with safe text: serde's messages can
//! name Rust types ("expected u32"), so only the field name is ever passed on.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use domain::{Error, ErrorCode};
use serde::de::DeserializeOwned;

use super::problem::ApiError;

pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(ApiError(rejection_to_error(&rejection))),
        }
    }
}

fn rejection_to_error(rejection: &JsonRejection) -> Error {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            Error::new(ErrorCode::UnsupportedMediaType, "send the body as Content-Type: application/json")
        }
        JsonRejection::JsonSyntaxError(_) => Error::new(ErrorCode::MalformedJson, "the body is not valid JSON"),
        JsonRejection::JsonDataError(inner) => {
            let text = inner.body_text();
            let field = field_named(&text, "missing field `")
                .map(|f| format!("the field `{f}` is required"))
                .or_else(|| field_named(&text, "unknown field `").map(|f| format!("the field `{f}` is not accepted")));
            Error::new(
                ErrorCode::InvalidBody,
                field.unwrap_or_else(|| "the JSON body does not have the expected fields and types".into()),
            )
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Error::new(ErrorCode::PayloadTooLarge, "the request body is too large")
        }
        _ => Error::new(ErrorCode::BadRequest, "the request body could not be read"),
    }
}

/// Extracts a plain identifier following `marker`, or nothing when it is not plain.
fn field_named(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let name = &rest[..rest.find('`')?];
    let plain = !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    plain.then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_field_names_are_quoted() {
        assert_eq!(field_named("missing field `username` at line 1", "missing field `").as_deref(), Some("username"));
        assert_eq!(field_named("unknown field `a<b>`, expected", "unknown field `"), None);
        assert_eq!(field_named("invalid type: integer, expected a string", "missing field `"), None);
    }
}
