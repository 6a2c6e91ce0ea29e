//! A short-lived cache of authenticated principals, keyed by a hash of the credential (never the
//! credential itself). It spares the database on every request; its TTL bounds how long a
//! revocation made on another instance can go unnoticed (the contract allows 5 s).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use domain::{Credential, Principal};

pub(crate) const TTL: Duration = Duration::from_secs(2);
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub(crate) struct PrincipalCache {
    entries: Mutex<HashMap<[u8; 32], (Principal, Instant)>>,
}

impl PrincipalCache {
    pub fn get(&self, key: &[u8; 32]) -> Option<Principal> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(key).filter(|(_, until)| *until > Instant::now()).map(|(p, _)| p.clone())
    }

    /// Caches until `until` or the TTL, whichever is sooner.
    pub fn put(&self, key: [u8; 32], principal: Principal, until: Instant) {
        let until = until.min(Instant::now() + TTL);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            let now = Instant::now();
            entries.retain(|_, (_, u)| *u > now);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (principal, until));
    }

    /// Forgets every cached principal authenticated by `credential` (logout, revocation).
    pub fn forget(&self, credential: Credential) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (p, _)| p.credential != credential);
    }

    /// Forgets every login token of the user `id` (its role or status changed).
    pub fn forget_user(&self, id: uuid::Uuid) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (p, _)| !(matches!(p.credential, Credential::LoginToken { .. }) && p.id == id));
    }

    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn forget_key_named(&self, name: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (p, _)| !(matches!(p.credential, Credential::ApiKey { .. }) && p.name == name));
    }
}
