//! argon2id hashing, always on the blocking pool and bounded in parallelism, so a login flood
//! cannot stall the async runtime or exhaust memory (each hash takes ~19 MiB).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use domain::{Error, Result};
use rand::RngCore as _;
use tokio::sync::Semaphore;

/// Longer passwords are refused outright: hashing cost must not be attacker-controlled.
pub const MAX_PASSWORD_BYTES: usize = 1024;

#[derive(Clone)]
pub(crate) struct Passwords {
    permits: Arc<Semaphore>,
    /// argon2 verifications done: an unknown user must cost one just as a known one does.
    verifications: Arc<AtomicU64>,
}

fn argon() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, verified against when the user does not exist so that an unknown
/// username costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut random = [0u8; 32];
        rand::rng().fill_bytes(&mut random);
        hash_now(&hex::encode(random)).expect("hashing a fixed-size password succeeds")
    })
}

fn hash_now(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::internal(std::io::Error::other(e.to_string())))?;
    argon()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(std::io::Error::other(e.to_string())))
}

/// `done` counts the argon2 verifications that really ran (not a hash that failed to parse).
fn verify_now(password: &str, stored: &str, done: &AtomicU64) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => {
            done.fetch_add(1, Ordering::Relaxed);
            argon().verify_password(password.as_bytes(), &parsed).is_ok()
        }
        Err(_) => false,
    }
}

impl Passwords {
    pub fn new() -> Self {
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
        Self { permits: Arc::new(Semaphore::new(parallel)), verifications: Arc::default() }
    }

    pub async fn hash(&self, password: String) -> Result<String> {
        let _permit = self.permits.acquire().await.map_err(Error::internal)?;
        tokio::task::spawn_blocking(move || hash_now(&password)).await.map_err(Error::internal)?
    }

    /// Verifies against `stored`, or against the dummy hash when there is no user, taking the
    /// same time either way. Returns true only for a real match.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool> {
        let _permit = self.permits.acquire().await.map_err(Error::internal)?;
        let done = self.verifications.clone();
        tokio::task::spawn_blocking(move || {
            let oversized = password.len() > MAX_PASSWORD_BYTES;
            let candidate = if oversized { "" } else { password.as_str() };
            match stored {
                Some(hash) => verify_now(candidate, &hash, &done) && !oversized,
                None => {
                    let _ = verify_now(candidate, dummy_hash(), &done);
                    false
                }
            }
        })
        .await
        .map_err(Error::internal)
    }

    /// How many verifications ran (each a full argon2id verification).
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// Computes the dummy hash now rather than on the first login with an unknown name.
    pub async fn warm_up(&self) {
        let _ = tokio::task::spawn_blocking(dummy_hash).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let p = Passwords::new();
        let a = p.hash("correct horse battery".into()).await.unwrap();
        let b = p.hash("correct horse battery".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(p.verify("correct horse battery".into(), Some(a.clone())).await.unwrap());
        assert!(!p.verify("wrong".into(), Some(a)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_users_never_verify() {
        let p = Passwords::new();
        assert!(!p.verify("anything".into(), None).await.unwrap());
        assert_eq!(p.verifications(), 1, "but cost a verification all the same");
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_real_one_costs() {
        let real = Passwords::new().hash("a real password".into()).await.unwrap();
        let (real, dummy) = (PasswordHash::new(&real).unwrap(), PasswordHash::new(dummy_hash()).unwrap());
        assert_eq!((real.algorithm, real.version), (dummy.algorithm, dummy.version));
        assert_eq!(real.params.to_string(), dummy.params.to_string(), "same memory, iterations and lanes");
    }

    #[tokio::test]
    async fn oversized_passwords_never_verify() {
        let p = Passwords::new();
        let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
        let hash = hash_now(&long).unwrap();
        assert!(!p.verify(long, Some(hash)).await.unwrap());
    }
}
