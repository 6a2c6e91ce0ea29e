use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use config::Settings;
use domain::audit::Actor;
use domain::{Credential, Error, ErrorCode, Principal, PrincipalKind, Result, Role};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest as _, Sha256};
use store::{NewApiKey, NewUser, Store, UserRecord};
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use super::cache::PrincipalCache;
use super::keys::{self, ApiKeyCreated};
use super::password::{MAX_PASSWORD_BYTES, Passwords};
use super::revocation::Revocation;
use super::secrets::DerivedKeys;
use super::throttle::{ThrottlePolicy, ip_key, user_key};
use super::token;

pub const MIN_PASSWORD_CHARS: usize = 12;

/// The actor name of changes made with `agent-team admin`.
pub const ADMIN_CLI: &str = "admin-cli";

#[derive(Clone)]
pub struct AuthService {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) store: Arc<dyn Store>,
    pub(super) keys: DerivedKeys,
    pub(super) passwords: Passwords,
    pub(super) cache: PrincipalCache,
    /// Announces revocations so every instance forgets the credential at once.
    bus: crate::coord::Bus,
    token_ttl: Duration,
    policy: ThrottlePolicy,
}

/// A successful login. The token is shown to the client once and never stored.
#[derive(Debug)]
pub struct LoginOk {
    pub token: SecretString,
    pub expires_in: Duration,
    pub user_id: Uuid,
}

#[derive(Debug)]
pub struct NewUserInput {
    pub username: String,
    pub password: SecretString,
    pub role: Role,
}

fn invalid_credentials() -> Error {
    Error::new(ErrorCode::InvalidCredentials, "invalid username or password")
}

impl AuthService {
    pub fn new(store: Arc<dyn Store>, settings: &Settings, bus: crate::coord::Bus) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                keys: DerivedKeys::from_secret(&settings.auth_secret),
                passwords: Passwords::new(),
                cache: PrincipalCache::default(),
                bus,
                token_ttl: settings.auth_token_ttl,
                policy: ThrottlePolicy::default(),
            }),
        }
    }

    pub fn policy(&self) -> ThrottlePolicy {
        self.inner.policy
    }

    /// argon2id password verifications this instance has run (a login with an unknown name runs
    /// one against a dummy hash, so it costs what a wrong password costs).
    pub fn password_checks(&self) -> u64 {
        self.inner.passwords.verifications()
    }

    /// Prepares the unknown-user hash so the first such login is not measurably faster or slower.
    pub async fn warm_up(&self) {
        self.inner.passwords.warm_up().await;
    }

    /// Checks a username and password. Unknown users, disabled users and wrong passwords give
    /// the same error after the same work; repeated failures slow down and then lock the name
    /// and the client address.
    ///
    /// Every attempt is counted *before* any password work, atomically in the store, so a burst
    /// of concurrent guesses cannot slip past the limit: the attempts over it are refused without
    /// verifying anything. A success forgives its own attempt.
    pub async fn login(&self, username: &str, password: String, client_ip: IpAddr) -> Result<LoginOk> {
        let inner = &self.inner;
        let policy = inner.policy;
        let now = Utc::now();
        let keys = [user_key(username), ip_key(client_ip)];
        let locked = |until: chrono::DateTime<Utc>| {
            let wait = (until - now).to_std().unwrap_or_default();
            Error::new(ErrorCode::LoginLocked, "too many failed logins; try again later")
                .with_retry_after(wait.max(Duration::from_secs(1)))
        };
        let current_lock = inner
            .store
            .throttle_state(&keys)
            .await?
            .into_iter()
            .filter_map(|(_, r)| r.locked_until)
            .filter(|until| *until > now)
            .max();
        if let Some(until) = current_lock {
            return Err(locked(until));
        }

        let window_start_after = now - policy.window;
        let user_attempts = inner.store.record_failure(&keys[0], now, window_start_after).await?.failures;
        let ip_attempts = inner.store.record_failure(&keys[1], now, window_start_after).await?.failures;
        let lock_until = now + policy.lock_for;
        if user_attempts > policy.user_lock_after || ip_attempts > policy.ip_lock_after {
            if user_attempts > policy.user_lock_after {
                inner.store.lock(&keys[0], lock_until).await?;
            }
            if ip_attempts > policy.ip_lock_after {
                inner.store.lock(&keys[1], lock_until).await?;
            }
            return Err(locked(lock_until));
        }

        let user = if username.chars().count() <= 128 { inner.store.user_by_username(username).await? } else { None };
        let stored = user.as_ref().filter(|u| !u.disabled).map(|u| u.password_hash.clone());
        let verified = inner.passwords.verify(password, stored).await?;

        match user.filter(|_| verified) {
            Some(user) => {
                inner.store.clear(&keys[0]).await?;
                inner.store.forgive(&keys[1]).await?;
                let ok = self.issue_token(&user).await?;
                self.audit_login_ok(user.id, &user.username, client_ip).await;
                Ok(ok)
            }
            None => {
                if user_attempts >= policy.user_lock_after {
                    inner.store.lock(&keys[0], lock_until).await?;
                }
                if ip_attempts >= policy.ip_lock_after {
                    inner.store.lock(&keys[1], lock_until).await?;
                }
                self.audit_login_failed(username, client_ip).await;
                tokio::time::sleep(policy.delay(user_attempts.max(ip_attempts / 5))).await;
                Err(invalid_credentials())
            }
        }
    }

    async fn issue_token(&self, user: &UserRecord) -> Result<LoginOk> {
        let now = Utc::now();
        let ttl = chrono::Duration::from_std(self.inner.token_ttl).map_err(Error::internal)?;
        // Whole seconds: the token carries its expiry at second precision.
        let expires_at = chrono::DateTime::from_timestamp((now + ttl).timestamp(), 0)
            .ok_or_else(|| Error::internal(std::io::Error::other("token expiry out of range")))?;
        let session_id = Uuid::now_v7();
        self.inner.store.create_login_session(session_id, user.id, now, expires_at).await?;
        let token = token::sign(&self.inner.keys.token, session_id, expires_at);
        tracing::info!(user_id = %user.id, %session_id, "login succeeded");
        Ok(LoginOk {
            token: SecretString::from(token),
            expires_in: (expires_at - now).to_std().unwrap_or_default(),
            user_id: user.id,
        })
    }

    /// The principal for `bearer` if it was authenticated moments ago (no database work).
    pub fn cached(&self, bearer: &str) -> Option<Principal> {
        let cache_key: [u8; 32] = Sha256::digest(bearer.as_bytes()).into();
        self.inner.cache.get(&cache_key)
    }

    /// Resolves a bearer credential (login token or API key) to a principal, or `unauthorized`.
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal> {
        let inner = &self.inner;
        let now = Utc::now();
        let cache_key: [u8; 32] = Sha256::digest(bearer.as_bytes()).into();
        if let Some(principal) = inner.cache.get(&cache_key) {
            return Ok(principal);
        }
        let (principal, expires_at) = if bearer.starts_with(token::LOGIN_TOKEN_PREFIX) {
            let (session_id, _) = token::verify(&inner.keys.token, bearer, now).ok_or_else(Error::unauthorized)?;
            let session = inner
                .store
                .login_session(session_id)
                .await?
                .filter(|s| !s.revoked && !s.user_disabled && s.expires_at > now)
                .ok_or_else(Error::unauthorized)?;
            let principal = Principal {
                id: session.user_id,
                kind: PrincipalKind::User,
                name: session.username,
                role: session.role,
                credential: Credential::LoginToken { session_id },
            };
            (principal, Some(session.expires_at))
        } else if keys::looks_like_key(bearer) {
            let hash = keys::hash(&inner.keys.api_key_pepper, bearer);
            let key = inner
                .store
                .api_key_by_hash(&hash)
                .await?
                .filter(|k| bool::from(k.key_hash.ct_eq(&hash)))
                .filter(|k| k.is_live(now))
                .ok_or_else(Error::unauthorized)?;
            let principal = Principal {
                id: key.id,
                kind: PrincipalKind::ApiKey,
                name: key.name,
                role: key.role,
                credential: Credential::ApiKey { key_id: key.id },
            };
            (principal, key.expires_at)
        } else {
            return Err(Error::unauthorized());
        };
        let until = match expires_at {
            Some(e) => Instant::now() + (e - now).to_std().unwrap_or_default(),
            None => Instant::now() + super::cache::TTL,
        };
        inner.cache.put(cache_key, principal.clone(), until);
        Ok(principal)
    }

    /// Whether the credential behind `principal` still stands (not revoked, expired or
    /// disabled), read from the store: for connections that outlive a single request.
    pub async fn still_valid(&self, principal: &Principal) -> Result<bool> {
        let now = Utc::now();
        Ok(match principal.credential {
            Credential::LoginToken { session_id } => self
                .inner
                .store
                .login_session(session_id)
                .await?
                .is_some_and(|s| !s.revoked && !s.user_disabled && s.expires_at > now && s.role == principal.role),
            Credential::ApiKey { key_id } => {
                self.inner.store.api_key_by_id(key_id).await?.is_some_and(|k| k.is_live(now))
            }
        })
    }

    /// Applies a revocation announced by any instance (this one included) to this cache.
    pub fn forget(&self, revocation: &Revocation) {
        match revocation {
            Revocation::LoginToken(session_id) => {
                self.inner.cache.forget(Credential::LoginToken { session_id: *session_id })
            }
            Revocation::ApiKey(name) => self.inner.cache.forget_key_named(name),
            Revocation::User(id) => self.inner.cache.forget_user(*id),
        }
    }

    /// Forgets every cached principal: the next request of each is checked against the store.
    pub fn forget_all(&self) {
        self.inner.cache.clear();
    }

    /// Forgets the credential here at once, and announces it so every other instance does too.
    pub(super) fn revoke_everywhere(&self, revocation: &Revocation) {
        self.forget(revocation);
        self.inner.bus.publish(crate::coord::topics::AUTH_REVOKED, &revocation.to_string());
    }

    /// Revokes the login token that authenticated `principal`.
    pub async fn logout(&self, principal: &Principal) -> Result<()> {
        match principal.credential {
            Credential::LoginToken { session_id } => {
                self.inner.store.revoke_login_session(session_id, Utc::now()).await?;
                self.revoke_everywhere(&Revocation::LoginToken(session_id));
                tracing::info!(user_id = %principal.id, %session_id, "logout");
                self.audit_logout(principal).await;
                Ok(())
            }
            Credential::ApiKey { .. } => Err(Error::new(
                ErrorCode::BadRequest,
                "logout ends login tokens; API keys are revoked by an administrator",
            )),
        }
    }

    pub async fn create_user(&self, input: NewUserInput) -> Result<UserRecord> {
        let username = validate_username(&input.username)?;
        let password = input.password.expose_secret();
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(Error::validation(format!("the password needs at least {MIN_PASSWORD_CHARS} characters")));
        }
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(Error::validation(format!("the password may have at most {MAX_PASSWORD_BYTES} bytes")));
        }
        let password_hash = self.inner.passwords.hash(password.to_owned()).await?;
        let user = self
            .inner
            .store
            .create_user(NewUser {
                id: Uuid::now_v7(),
                username,
                password_hash,
                role: input.role,
                created_at: Utc::now(),
            })
            .await
            .map_err(|e| match e.code() {
                ErrorCode::Conflict => Error::conflict("a user with that name already exists"),
                _ => e,
            })?;
        tracing::info!(user_id = %user.id, role = %user.role, "user created");
        Ok(user)
    }

    /// As [`AuthService::create_api_key_by`], recorded as done by the administration CLI.
    pub async fn create_api_key(&self, name: &str, role: Role, expires_in: Option<Duration>) -> Result<ApiKeyCreated> {
        self.create_api_key_by(&Actor::system(ADMIN_CLI), name, role, expires_in).await
    }

    /// Creates a key and audits it as `key.create` by `actor` (never with the key itself).
    pub async fn create_api_key_by(
        &self,
        actor: &Actor,
        name: &str,
        role: Role,
        expires_in: Option<Duration>,
    ) -> Result<ApiKeyCreated> {
        let name = validate_key_name(name)?;
        let now = Utc::now();
        let expires_at = expires_in
            .map(|d| chrono::Duration::from_std(d).map(|d| now + d))
            .transpose()
            .map_err(|_| Error::validation("the expiry is too far away"))?;
        let plaintext = keys::generate();
        let record = self
            .inner
            .store
            .create_api_key(NewApiKey {
                id: Uuid::now_v7(),
                name,
                key_hash: keys::hash(&self.inner.keys.api_key_pepper, &plaintext),
                prefix: keys::display_prefix(&plaintext),
                role,
                created_at: now,
                expires_at,
            })
            .await
            .map_err(|e| match e.code() {
                ErrorCode::Conflict => Error::conflict("a live API key with that name already exists"),
                _ => e,
            })?;
        tracing::info!(key_id = %record.id, name = %record.name, role = %record.role, "API key created");
        self.audit_key_created(actor, record.id, &record.name, record.role).await;
        Ok(ApiKeyCreated {
            id: record.id,
            name: record.name,
            role: record.role,
            expires_at: record.expires_at,
            key: SecretString::from(plaintext),
        })
    }

    /// As [`AuthService::revoke_api_key_by`], recorded as done by the administration CLI.
    pub async fn revoke_api_key(&self, name: &str) -> Result<()> {
        self.revoke_api_key_by(&Actor::system(ADMIN_CLI), name).await
    }

    /// Revokes the live key with this name and audits it as `key.revoke` by `actor`.
    pub async fn revoke_api_key_by(&self, actor: &Actor, name: &str) -> Result<()> {
        if !self.inner.store.revoke_api_key(name, Utc::now()).await? {
            return Err(Error::not_found("live API key"));
        }
        self.revoke_everywhere(&Revocation::ApiKey(name.to_owned()));
        tracing::info!(name, "API key revoked");
        self.audit_key_revoked(actor, name).await;
        Ok(())
    }

    pub async fn purge_expired(&self) -> Result<u64> {
        let now = Utc::now();
        let horizon = now - self.inner.policy.window;
        self.inner.store.purge_expired(now, horizon).await
    }
}

fn validate_username(raw: &str) -> Result<String> {
    let name = raw.trim();
    let ok = (1..=64).contains(&name.chars().count())
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(Error::validation("a username has 1 to 64 letters, digits, '.', '_', '-' or '@'"))
    }
}

fn validate_key_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    let ok = (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(Error::validation("a key name has 1 to 64 ASCII letters, digits, '.', '_' or '-'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_restricted_to_a_safe_alphabet() {
        assert_eq!(validate_username("  ana.s@tim-1 ").unwrap(), "ana.s@tim-1");
        assert!(validate_username("王小明").is_ok());
        for bad in ["", " ", "a b", "a/b", "x\u{202e}y", &"a".repeat(65), "a\nb"] {
            assert!(validate_username(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn key_names_are_ascii_identifiers() {
        assert!(validate_key_name("ci-bot_1.prod").is_ok());
        assert!(validate_key_name("kunci rahasia").is_err());
        assert!(validate_key_name("").is_err());
    }
}
