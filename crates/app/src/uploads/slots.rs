//! Upload slots: how many uploads may be in progress at once, server-wide and per owner. A slow
//! upload holds a connection and a task for a long time; without this, one account could fill
//! the server with trickling uploads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::{Error, ErrorCode, Result};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

pub(crate) struct Slots {
    global: Arc<Semaphore>,
    per_owner: Mutex<HashMap<Uuid, usize>>,
    max_per_owner: usize,
}

/// Held for the whole upload request; releases its slot when dropped.
pub struct UploadSlot {
    slots: Arc<Slots>,
    owner: Uuid,
    _permit: OwnedSemaphorePermit,
}

impl Slots {
    pub fn new(global: usize, per_owner: usize) -> Arc<Self> {
        Arc::new(Self {
            global: Arc::new(Semaphore::new(global)),
            per_owner: Mutex::default(),
            max_per_owner: per_owner,
        })
    }

    pub fn acquire(self: &Arc<Self>, owner: Uuid) -> Result<UploadSlot> {
        let permit =
            self.global.clone().try_acquire_owned().map_err(|_| {
                Error::new(ErrorCode::Overloaded, "too many uploads are in progress; try again shortly")
            })?;
        let mut map = self.per_owner.lock().unwrap_or_else(|e| e.into_inner());
        let active = map.entry(owner).or_insert(0);
        if *active >= self.max_per_owner {
            return Err(Error::new(
                ErrorCode::RateLimited,
                format!("you already have {} uploads in progress; wait for one to finish", self.max_per_owner),
            ));
        }
        *active += 1;
        Ok(UploadSlot { slots: self.clone(), owner, _permit: permit })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut map = self.slots.per_owner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(active) = map.get_mut(&self.owner) {
            *active -= 1;
            if *active == 0 {
                map.remove(&self.owner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_bounded_per_owner_and_overall_and_come_back() {
        let slots = Slots::new(3, 2);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let a1 = slots.acquire(a).unwrap();
        let _a2 = slots.acquire(a).unwrap();
        assert_eq!(slots.acquire(a).err().unwrap().code(), ErrorCode::RateLimited);
        let _b1 = slots.acquire(b).unwrap();
        assert_eq!(slots.acquire(b).err().unwrap().code(), ErrorCode::Overloaded, "the server-wide cap");
        drop(a1);
        assert!(slots.acquire(b).is_ok(), "a released slot is free again");
    }
}
