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

/// The page's session cookie. HttpOnly, so the page's own script (and anything injected into
/// it) never reads the token; SameSite=Strict, so other sites' requests do not carry it.
pub(crate) const SESSION_COOKIE: &str = "agent_team_session";
/// A cookie only authenticates a request that also carries this header with this value: other
/// origins cannot add a custom header without a CORS preflight, which this server never grants
/// with credentials, so a forged cross-site request has the cookie at most, never both.
pub(crate) const PAGE_HEADER: HeaderName = HeaderName::from_static("x-requested-with");
pub(crate) const PAGE_HEADER_VALUE: &str = "agent-team";

/// The request's credential: the bearer header, or else the page's cookie when the request
/// comes from the page itself (its marker header, and an `Origin`, if sent, naming this host).
pub(crate) fn credential(headers: &HeaderMap) -> Option<&str> {
    if let Some(token) = bearer(headers) {
        return Some(token);
    }
    let token = session_cookie(headers)?;
    let marked = headers.get(&PAGE_HEADER).is_some_and(|v| v.as_bytes() == PAGE_HEADER_VALUE.as_bytes());
    (marked && same_origin(headers)).then_some(token)
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty() && v.len() <= 512)
}

/// No `Origin` (same-origin GETs omit it) or one whose host is the `Host` the request came to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let origin = origin.to_str().unwrap_or_default();
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).is_some_and(|host| !host.is_empty() && host == origin_host)
}

fn resolve_ip(app: &App, req: &Request) -> IpAddr {
    let peer = client_ip::peer(req.extensions().get::<ConnectInfo<SocketAddr>>());
    client_ip::resolve(peer, req.headers(), &app.settings.trusted_proxies)
}

pub async fn require_principal(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let ip = resolve_ip(&app, &req);
    req.extensions_mut().insert(ClientIp(ip));
    let address = LimitKey::address(ip);
    let token = credential(req.headers()).map(str::to_owned);
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
    match credential(headers) {
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

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn the_cookie_counts_only_with_the_page_marker_and_from_this_origin() {
        let cookie = ("cookie", "theme=dark; agent_team_session=at_tok");
        let marker = ("x-requested-with", "agent-team");
        let host = ("host", "sales.example:8080");
        assert_eq!(credential(&headers(&[cookie, marker, host])), Some("at_tok"));
        assert_eq!(
            credential(&headers(&[cookie, marker, host, ("origin", "https://sales.example:8080")])),
            Some("at_tok")
        );
        assert_eq!(credential(&headers(&[cookie, host])), None, "no marker: a form post or an <img> from anywhere");
        assert_eq!(credential(&headers(&[cookie, ("x-requested-with", "XMLHttpRequest"), host])), None);
        assert_eq!(credential(&headers(&[cookie, marker, host, ("origin", "https://evil.example")])), None);
        assert_eq!(credential(&headers(&[cookie, marker, host, ("origin", "null")])), None);
        assert_eq!(credential(&headers(&[("cookie", "agent_team_session="), marker, host])), None);
        let both = headers(&[cookie, marker, host, ("authorization", "Bearer at_other")]);
        assert_eq!(credential(&both), Some("at_other"), "a bearer header wins");
    }

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
