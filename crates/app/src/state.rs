use std::sync::Arc;
use std::time::Duration;

use agent::runs::TaskRegistry;
use config::Settings;
use domain::Result;
use store::Store;
use store::objects::ObjectStore;

use crate::auth::AuthService;
use crate::limits::{LocalRateLimiter, PenaltyBox, RateLimiter};
use crate::uploads::{UploadLimits, UploadService};

/// The wired application: every service over the adapters chosen at start.
#[derive(Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub objects: Arc<dyn ObjectStore>,
    pub auth: AuthService,
    pub limiter: Arc<dyn RateLimiter>,
    pub penalties: Arc<PenaltyBox>,
    pub uploads: UploadService,
    pub runs: agent::runs::RunService,
    last_reconcile: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub database: bool,
    pub migrations: bool,
    pub objects: bool,
}

impl Readiness {
    pub fn ready(self) -> bool {
        self.database && self.migrations && self.objects
    }
}

impl App {
    /// Wires the services around the opened adapters.
    pub fn new(settings: Settings, store: Arc<dyn Store>, objects: Arc<dyn ObjectStore>) -> Self {
        let settings = Arc::new(settings);
        let auth = AuthService::new(store.clone(), &settings);
        let limiter: Arc<dyn RateLimiter> = Arc::new(LocalRateLimiter::per_minute(settings.rate_limit_per_minute));
        let uploads = UploadService::new(store.clone(), objects.clone(), UploadLimits::from_settings(&settings));
        let runs = agent::runs::RunService::new(store.clone(), TaskRegistry::default(), settings.work_interrupt_ttl);
        Self {
            settings,
            store,
            objects,
            auth,
            limiter,
            penalties: Arc::default(),
            uploads,
            runs,
            last_reconcile: Arc::default(),
        }
    }

    /// Replaces the registry of named Work tasks (the product registers its own; tests theirs).
    pub fn with_tasks(mut self, tasks: TaskRegistry) -> Self {
        self.runs = agent::runs::RunService::new(self.store.clone(), tasks, self.settings.work_interrupt_ttl);
        self
    }

    /// Each dependency answers within a short deadline, so a hung database reads as not ready
    /// instead of hanging the probe.
    pub async fn readiness(&self) -> Readiness {
        let deadline = Duration::from_secs(2);
        let database = matches!(tokio::time::timeout(deadline, self.store.ping()).await, Ok(Ok(())));
        let migrations =
            database && matches!(tokio::time::timeout(deadline, self.store.migrations_applied()).await, Ok(Ok(true)));
        let objects = matches!(tokio::time::timeout(deadline, self.objects.ping()).await, Ok(Ok(())));
        Readiness { database, migrations, objects }
    }

    /// Periodic housekeeping shared by every instance: expired sessions, stale throttle rows, idle
    /// limiter keys and upload leftovers, so nothing grows without bound.
    pub async fn housekeeping(&self) -> Result<u64> {
        self.limiter.shrink().await;
        let purged = self.auth.purge_expired().await?;
        let due = {
            let mut last = self.last_reconcile.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|t| t.elapsed() >= crate::uploads::RECONCILE_EVERY);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        let reconciled = if due { self.uploads.reconcile(crate::uploads::RECONCILE_GRACE).await? } else { 0 };
        Ok(purged + reconciled)
    }
}
