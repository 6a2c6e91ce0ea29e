//! Deny by default. Every route that is not explicitly public runs behind [`require_principal`]:
//! no valid credential, no handler. Rate limits are applied here too, per principal once known
//! and per client address otherwise.

use std::net::{IpAddr, SocketAddr};

use app::App;
use app::limits::{LimitKey, RateDecision};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use domain::{Error, ErrorCode, Principal};

use super::client_ip::{self, ClientIp};
use super::context::Served;
use super::problem::ApiError;

/// The authenticated caller, available to every handler behind [`require_principal`].
#[derive(Clone, Debug)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| ApiError(Error::unauthorized()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ClientIp>()
            .copied()
            .ok_or_else(|| ApiError(Error::internal(std::io::Error::other("client address not resolved"))))
    }
}

/// The bearer credential, if the header is present and well-formed.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 512).then_some(token)
}

fn resolve_ip(app: &App, req: &Request) -> IpAddr {
    let peer = client_ip::peer(req.extensions().get::<ConnectInfo<SocketAddr>>());
    client_ip::resolve(peer, req.headers(), &app.settings.trusted_proxies)
}

pub async fn require_principal(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let ip = resolve_ip(&app, &req);
    req.extensions_mut().insert(ClientIp(ip));
    let address = LimitKey::address(ip);
    let token = bearer(req.headers()).map(str::to_owned);
    // An address in the penalty box gets no credential lookups, only cached principals pass.
    if let Some(wait) = app.penalties.remaining(address) {
        match token.as_deref().and_then(|t| app.auth.cached(t)) {
            Some(principal) => return serve_principal(&app, principal, req, next).await,
            None => return rate_limited_for(wait),
        }
    }
    let outcome = match token.as_deref() {
        Some(token) => app.auth.authenticate(token).await,
        None => Err(Error::unauthorized()),
    };
    match outcome {
        Ok(principal) => serve_principal(&app, principal, req, next).await,
        Err(err) if err.code() == ErrorCode::Unauthorized => {
            // Failed or missing credentials count against the caller's address.
            let decision = app.limiter.check(address).await;
            let mut response = if decision.allowed {
                let mut r = ApiError(err).into_response();
                r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                r
            } else {
                if let Some(wait) = decision.retry_after
                    && !decision.unavailable
                {
                    app.penalties.penalise(address, wait);
                }
                rate_limited(&decision)
            };
            apply_headers(response.headers_mut(), &decision);
            response
        }
        Err(err) => ApiError(err).into_response(),
    }
}

async fn serve_principal(app: &App, principal: Principal, mut req: Request, next: Next) -> Response {
    let decision = app.limiter.check(LimitKey::Principal(principal.id)).await;
    let principal_id = principal.id;
    let mut response = if decision.allowed {
        req.extensions_mut().insert(Caller(principal));
        next.run(req).await
    } else {
        rate_limited(&decision)
    };
    apply_headers(response.headers_mut(), &decision);
    response.extensions_mut().insert(Served { principal_id: Some(principal_id) });
    response
}

/// Whether `headers` carry a credential that authenticates (for answers that must not reveal
/// anything to anonymous callers, such as which methods a protected path allows).
pub async fn is_authenticated(app: &App, headers: &HeaderMap) -> bool {
    match bearer(headers) {
        Some(token) => app.auth.authenticate(token).await.is_ok(),
        None => false,
    }
}

/// For the explicitly public routes: limited per client address.
pub async fn limit_by_ip(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let ip = resolve_ip(&app, &req);
    req.extensions_mut().insert(ClientIp(ip));
    let decision = app.limiter.check(LimitKey::address(ip)).await;
    let mut response = if decision.allowed { next.run(req).await } else { rate_limited(&decision) };
    apply_headers(response.headers_mut(), &decision);
    response
}

fn rate_limited_for(wait: std::time::Duration) -> Response {
    ApiError(Error::new(ErrorCode::RateLimited, "too many requests; slow down").with_retry_after(wait)).into_response()
}

fn rate_limited(decision: &RateDecision) -> Response {
    let mut err = if decision.unavailable {
        Error::new(ErrorCode::Unavailable, "the service cannot count requests right now; try again shortly")
    } else {
        Error::new(ErrorCode::RateLimited, "too many requests; slow down")
    };
    if let Some(after) = decision.retry_after {
        err = err.with_retry_after(after);
    }
    ApiError(err).into_response()
}

fn ceil_secs(d: std::time::Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// The IETF `RateLimit-*` fields, on every response a limiter looked at.
fn apply_headers(headers: &mut HeaderMap, decision: &RateDecision) {
    headers.insert(RATELIMIT_LIMIT, HeaderValue::from(decision.limit));
    headers.insert(RATELIMIT_REMAINING, HeaderValue::from(decision.remaining));
    headers.insert(RATELIMIT_RESET, HeaderValue::from(ceil_secs(decision.reset)));
}

const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_bearer_headers_yield_a_token() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer   abc  "));
        assert_eq!(bearer(&h), Some("abc"));
        for bad in ["Basic abc", "Bearer", "Bearer ", "abc"] {
            h.insert(header::AUTHORIZATION, HeaderValue::from_static(bad));
            assert_eq!(bearer(&h), None, "{bad}");
        }
    }
}
