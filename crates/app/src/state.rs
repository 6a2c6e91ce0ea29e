use std::sync::Arc;
use std::time::Duration;

use agent::runs::TaskRegistry;
use config::Settings;
use domain::Result;
use store::Store;
use store::objects::ObjectStore;

use crate::auth::AuthService;
use crate::coord::{Bus, BusSignals, RedisLink, RedisStatus, topics};
use crate::limits::{LocalRateLimiter, PenaltyBox, RateLimiter, SharedRateLimiter};
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
    pub chat: crate::chat::ChatService,
    pub catalog: crate::catalog::CatalogService,
    pub sales: crate::sales::SalesServices,
    /// Live events and wake-ups, shared by all instances when Redis is configured.
    pub bus: Bus,
    /// The link to Redis, when configured (its health shows in readiness and metrics).
    pub redis: Option<RedisLink>,
    agent: Arc<agent::chat::Agent>,
    extra_tasks: TaskRegistry,
    late_runs: crate::tools::LateRuns,
    last_reconcile: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub database: bool,
    pub migrations: bool,
    pub objects: bool,
    pub redis: RedisStatus,
    pub redis_fail_mode: config::RedisFailMode,
}

impl Readiness {
    /// Redis is required only when limits fail closed: failing open, an instance serves on
    /// its own limits and polling while Redis is away.
    pub fn ready(self) -> bool {
        let redis_ok = self.redis != RedisStatus::Down || self.redis_fail_mode == config::RedisFailMode::Open;
        self.database && self.migrations && self.objects && redis_ok
    }
}

impl App {
    /// Wires the services around the opened adapters.
    pub fn new(settings: Settings, store: Arc<dyn Store>, objects: Arc<dyn ObjectStore>) -> Self {
        let settings = Arc::new(settings);
        let redis = settings.redis_url.as_ref().and_then(|url| match RedisLink::open(url) {
            Ok(link) => Some(link),
            // `serve` checks the address before it gets here; this is for embedders.
            Err(err) => {
                tracing::error!(error = %err, "REDIS_URL is unusable; limits and live events stay in this process");
                None
            }
        });
        let bus = redis.clone().map_or_else(Bus::local, Bus::shared);
        let auth = AuthService::new(store.clone(), &settings, bus.clone());
        let limiter: Arc<dyn RateLimiter> = match &redis {
            Some(link) => Arc::new(SharedRateLimiter::per_minute(
                link.clone(),
                settings.rate_limit_per_minute,
                settings.redis_fail_mode,
            )),
            None => Arc::new(LocalRateLimiter::per_minute(settings.rate_limit_per_minute)),
        };
        let uploads = UploadService::new(store.clone(), objects.clone(), UploadLimits::from_settings(&settings));
        let semantic =
            crate::catalog::semantic::SemanticRanker::from_settings(settings.embeddings.as_ref(), store.clone());
        let catalog = crate::catalog::CatalogService::new(store.clone()).with_semantic(semantic);
        // The tools start runs (process_order), and the run service needs the agent that holds
        // the tools: the executor learns the run service once it exists.
        let late_runs = crate::tools::LateRuns::default();
        let sales = crate::sales::SalesServices::new(store.clone());
        let executor = crate::tools::SalesTools::new(store.clone(), catalog.clone(), sales.clone(), late_runs.clone());
        let agent = Arc::new(build_agent(&settings, Arc::new(crate::tools::registry()), Arc::new(executor)));
        let (runs, chat) = services(&settings, &store, &agent, &TaskRegistry::default(), &catalog, &uploads, &bus);
        *late_runs.write().unwrap_or_else(|e| e.into_inner()) = Some(runs.clone());
        Self {
            settings,
            store,
            objects,
            auth,
            limiter,
            penalties: Arc::default(),
            uploads,
            runs,
            chat,
            catalog,
            sales,
            bus,
            redis,
            agent,
            extra_tasks: TaskRegistry::default(),
            late_runs,
            last_reconcile: Arc::default(),
        }
    }

    /// Adds named Work tasks to the built-in ones (the sales domain registers its own; tests theirs).
    pub fn with_tasks(mut self, tasks: TaskRegistry) -> Self {
        self.extra_tasks = tasks;
        self.rewire()
    }

    /// Rebuilds what depends on the agent and the tasks, and points the tools' late reference to
    /// the runs at the new service (a tool starting a run must use the one that serves).
    fn rewire(mut self) -> Self {
        (self.runs, self.chat) = services(
            &self.settings,
            &self.store,
            &self.agent,
            &self.extra_tasks,
            &self.catalog,
            &self.uploads,
            &self.bus,
        );
        *self.late_runs.write().unwrap_or_else(|e| e.into_inner()) = Some(self.runs.clone());
        self
    }

    /// The tools the agent may call and what executes them (the sales domain supplies both).
    pub fn with_tools(
        mut self,
        tools: agent::tools::ToolRegistry,
        executor: Arc<dyn agent::chat::ToolExecutor>,
    ) -> Self {
        let agent =
            agent::chat::Agent::new(self.agent.llm(), Arc::new(tools), executor, agent::chat::AgentConfig::default());
        self.agent = Arc::new(agent);
        self.rewire()
    }

    /// Each dependency answers within a short deadline, so a hung database reads as not ready
    /// instead of hanging the probe.
    pub async fn readiness(&self) -> Readiness {
        let deadline = Duration::from_secs(2);
        let database = matches!(tokio::time::timeout(deadline, self.store.ping()).await, Ok(Ok(())));
        let migrations =
            database && matches!(tokio::time::timeout(deadline, self.store.migrations_applied()).await, Ok(Ok(true)));
        let objects = matches!(tokio::time::timeout(deadline, self.objects.ping()).await, Ok(Ok(())));
        // The probe pings Redis every second already; readiness reads what it found.
        let redis = self.redis.as_ref().map_or(RedisStatus::NotConfigured, RedisLink::status);
        Readiness { database, migrations, objects, redis, redis_fail_mode: self.settings.redis_fail_mode }
    }

    /// Starts what connects this instance to the others until `stopped`: the Redis probe, the
    /// bus relay, and the listeners that turn other instances' announcements into local action
    /// (wake a worker, forget a revoked credential).
    pub fn spawn_coordination(&self, stopped: tokio::sync::watch::Receiver<bool>) {
        if let Some(link) = &self.redis {
            tokio::spawn(link.clone().probe(stopped.clone()));
        }
        tokio::spawn(self.bus.clone().relay(stopped.clone()));
        let runs = self.runs.clone();
        self.bus.listen(topics::RUNS_WAKE, stopped.clone(), move |_| runs.wake_workers());
        let auth = self.auth.clone();
        self.bus.listen(topics::AUTH_REVOKED, stopped, move |payload| match payload {
            Some(payload) => {
                if let Ok(revocation) = payload.parse() {
                    auth.forget(&revocation);
                }
            }
            // Missed announcements may have been revocations: trust nothing cached.
            None => auth.forget_all(),
        });
    }

    /// Periodic housekeeping shared by every instance: expired sessions, stale throttle rows, idle
    /// limiter keys and upload leftovers, so nothing grows without bound.
    pub async fn housekeeping(&self) -> Result<u64> {
        self.limiter.shrink().await;
        self.bus.prune();
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

/// The agent over the configured model, or the offline assistant when there is none.
fn build_agent(
    settings: &Settings,
    tools: Arc<agent::tools::ToolRegistry>,
    executor: Arc<dyn agent::chat::ToolExecutor>,
) -> agent::chat::Agent {
    use agent::llm::{Llm, OpenAiCompatible, OpenAiConfig};
    use secrecy::ExposeSecret as _;
    let llm: Option<Arc<dyn Llm>> = settings.llm.as_ref().and_then(|l| {
        let config = OpenAiConfig::new(&l.base_url, l.api_key.as_ref().map(|k| k.expose_secret().to_owned()), &l.model);
        match OpenAiCompatible::new(config) {
            Ok(model) => Some(Arc::new(model) as Arc<dyn Llm>),
            Err(err) => {
                tracing::error!(error = %err, "the LLM settings are unusable; using the offline assistant");
                None
            }
        }
    });
    agent::chat::Agent::new(llm, tools, executor, agent::chat::AgentConfig::default())
}

/// Chat and Work runs over one agent; the built-in `agent` task plus any registered tasks.
fn services(
    settings: &Settings,
    store: &Arc<dyn Store>,
    agent: &Arc<agent::chat::Agent>,
    extra: &TaskRegistry,
    catalog: &crate::catalog::CatalogService,
    uploads: &UploadService,
    bus: &Bus,
) -> (agent::runs::RunService, crate::chat::ChatService) {
    let orders = crate::orders::OrderDeps {
        store: store.clone(),
        catalog: catalog.clone(),
        uploads: uploads.clone(),
        oos: crate::sales::OosService::new(store.clone()),
    };
    let tasks = extra
        .clone()
        .with(Arc::new(crate::AgentTask::new(agent.clone(), store.clone())))
        .with(Arc::new(crate::orders::ProcessOrder::new(orders)));
    let runs = agent::runs::RunService::new(store.clone(), tasks, settings.work_interrupt_ttl)
        .with_signals(Arc::new(BusSignals(bus.clone())));
    let budget = agent.has_model().then_some(settings.llm_daily_token_budget);
    let chat =
        crate::chat::ChatService::new(store.clone(), agent.clone(), budget, settings.work_interrupt_ttl, bus.clone())
            .with_request_timeout(settings.request_timeout);
    (runs, chat)
}
