use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use ipnet::IpNet;
use rand::RngCore as _;
use secrecy::{ExposeSecret, SecretString};

use crate::{ConfigError, DatabaseUrl, EnvSource, parse, secret};

/// A signing secret shorter than this is refused outside `dev`.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Dev,
    Staging,
    Prod,
}

impl AppEnv {
    pub fn as_str(self) -> &'static str {
        match self {
            AppEnv::Dev => "dev",
            AppEnv::Staging => "staging",
            AppEnv::Prod => "prod",
        }
    }

    pub fn is_dev(self) -> bool {
        self == AppEnv::Dev
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    List(Vec<String>),
}

/// S3-compatible storage options (used when `OBJECT_STORE_URL` is `s3://…`). Unset values fall
/// back to the AWS SDK's usual sources (instance roles, web identity).
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<SecretString>,
}

#[derive(Debug, Clone)]
pub struct LlmSettings {
    pub base_url: String,
    pub api_key: Option<SecretString>,
    pub model: String,
}

/// An OpenAI-compatible embeddings endpoint: when set, catalog search breaks lexical ties by
/// semantic similarity. Same shape and rules as [`LlmSettings`].
#[derive(Debug, Clone)]
pub struct EmbeddingsSettings {
    pub base_url: String,
    pub api_key: Option<SecretString>,
    pub model: String,
}

/// The effective configuration. `Debug` masks every secret (they are `SecretString`s).
#[derive(Debug, Clone)]
pub struct Settings {
    pub app_env: AppEnv,
    pub auth_secret: SecretString,
    /// Where the secret came from, for `config check` (never the value).
    pub auth_secret_source: String,
    pub host: IpAddr,
    pub port: u16,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    pub object_store_url: String,
    pub s3: S3Settings,
    pub redis_url: Option<SecretString>,
    /// What shared limits do while Redis cannot be reached.
    pub redis_fail_mode: RedisFailMode,
    pub llm: Option<LlmSettings>,
    /// Semantic re-ranking of catalog matches; off when unset.
    pub embeddings: Option<EmbeddingsSettings>,
    pub upload_max_bytes: u64,
    /// Sniffed kinds accepted for upload (canonical names: xlsx, xls, pdf, png, jpeg, webp, text).
    pub upload_allowed_types: Vec<String>,
    pub upload_quota_bytes: u64,
    pub upload_quota_count: u64,
    /// An upload that sends nothing for this long is cut off.
    pub upload_idle_timeout: Duration,
    /// Uploads in progress at once, for the whole server and per owner.
    pub upload_max_concurrent: usize,
    pub upload_max_concurrent_per_owner: usize,
    pub rate_limit_per_minute: u32,
    pub work_interrupt_ttl: Duration,
    /// How long a worker's claim on a run lasts without renewal; a crashed instance's runs are
    /// taken over after it lapses.
    pub work_lease: Duration,
    /// Work runs this instance executes at once (each a worker claiming runs under a lease).
    pub work_workers: usize,
    /// LLM tokens a principal may use per UTC day (only counted when a model is configured).
    pub llm_daily_token_budget: u64,
    pub cors_origins: Option<CorsOrigins>,
    pub metrics_port: Option<u16>,
    pub trusted_proxies: Vec<IpNet>,
    pub auto_migrate: bool,
    pub auth_token_ttl: Duration,
    pub request_timeout: Duration,
    pub max_concurrent_requests: usize,
    /// Open connections beyond this are closed at once.
    pub max_connections: usize,
    /// Open WebSockets per principal on one instance (a few tabs and devices; an integration
    /// holding many sockets with one key raises it).
    pub ws_per_principal: usize,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout: Duration,
    pub shutdown_grace: Duration,
    pub log_filter: String,
    /// True when a `.env` file was merged in (only ever in `dev`).
    pub dotenv_loaded: bool,
}

/// While Redis is unreachable: `Open` falls back to each instance's own limits (so a limit still
/// holds, only per instance), `Closed` refuses limited requests with 503 until Redis is back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisFailMode {
    Open,
    Closed,
}

impl RedisFailMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RedisFailMode::Open => "open",
            RedisFailMode::Closed => "closed",
        }
    }
}

/// Collects every problem instead of stopping at the first, so one run shows them all.
struct Problems(Vec<String>);

impl Problems {
    fn take<T>(&mut self, result: Result<T, String>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }
}

impl Settings {
    /// Reads the real process environment.
    pub fn from_process_env() -> Result<Self, ConfigError> {
        Self::load(EnvSource::from_process())
    }

    /// Parses and validates. In `dev` only, creates `DATA_DIR` and a generated `AUTH_SECRET` in it.
    pub fn load(env: EnvSource) -> Result<Self, ConfigError> {
        let mut p = Problems(Vec::new());

        let app_env = match env.get("APP_ENV").map(|v| v.trim().to_ascii_lowercase()) {
            None => AppEnv::Dev,
            Some(v) if v.is_empty() || v == "dev" || v == "development" => AppEnv::Dev,
            Some(v) if v == "staging" => AppEnv::Staging,
            Some(v) if v == "prod" || v == "production" => AppEnv::Prod,
            Some(v) => {
                return Err(ConfigError(vec![format!("APP_ENV: `{v}` is not one of dev, staging, prod")]));
            }
        };
        let env = env.with_dotenv(app_env.is_dev()).map_err(|e| ConfigError(vec![e]))?;
        if app_env == AppEnv::Prod && env.dotenv_present() {
            p.0.push(format!(
                "APP_ENV: prod refuses to start while a .env file sits in the working directory ({}); remove it and pass configuration through the environment or *_FILE secrets",
                env.cwd().display()
            ));
        }

        let host = match env.get("HOST") {
            None => Some(IpAddr::from([127, 0, 0, 1])),
            Some(raw) if raw.trim() == "localhost" => Some(IpAddr::from([127, 0, 0, 1])),
            Some(raw) => {
                p.take(raw.trim().parse::<IpAddr>().map_err(|_| format!("HOST: `{}` is not an IP address", raw.trim())))
            }
        };
        let port = match (env.get("PORT"), env.get("API_PORT")) {
            (Some(raw), _) | (None, Some(raw)) => p.take(parse::number("PORT", raw, 0u16, u16::MAX)),
            (None, None) => Some(8080),
        };

        let data_dir = {
            let raw = env.get("DATA_DIR").unwrap_or("./data");
            let path = PathBuf::from(raw.trim());
            if raw.trim().is_empty() {
                p.0.push("DATA_DIR: must not be empty".into());
            }
            if path.is_absolute() { path } else { env.cwd().join(path) }
        };

        let database_url = match env_or_secret(&env, &mut p, "DATABASE_URL") {
            Some(raw) => p.take(DatabaseUrl::parse(raw.expose_secret(), env.cwd())),
            None => Some(DatabaseUrl::default_for(&data_dir)),
        };

        let object_store_url = match env.get("OBJECT_STORE_URL") {
            None => Some(format!("file://{}", data_dir.join("objects").display())),
            Some(raw) => p.take(object_store_url(raw.trim())),
        };

        let s3 = S3Settings {
            endpoint: env.get("AWS_ENDPOINT_URL").map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()),
            region: env
                .get("AWS_REGION")
                .or_else(|| env.get("AWS_DEFAULT_REGION"))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty()),
            access_key_id: env.get("AWS_ACCESS_KEY_ID").map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()),
            secret_access_key: env_or_secret(&env, &mut p, "AWS_SECRET_ACCESS_KEY"),
        };
        if let Some(endpoint) = &s3.endpoint
            && url::Url::parse(endpoint).ok().filter(|u| matches!(u.scheme(), "http" | "https")).is_none()
        {
            p.0.push("AWS_ENDPOINT_URL: must be an http:// or https:// URL".into());
        }
        let redis_url = env_or_secret(&env, &mut p, "REDIS_URL");
        if let Some(url) = &redis_url {
            let scheme = url.expose_secret().split(':').next().unwrap_or_default();
            if scheme != "redis" && scheme != "rediss" {
                p.0.push("REDIS_URL: must start with redis:// or rediss://".into());
            }
        }

        let redis_fail_mode = match env.get("REDIS_FAIL_MODE").map(|v| v.trim().to_ascii_lowercase()) {
            None => RedisFailMode::Open,
            Some(v) if v == "open" => RedisFailMode::Open,
            Some(v) if v == "closed" => RedisFailMode::Closed,
            Some(_) => {
                p.0.push("REDIS_FAIL_MODE: must be open or closed".into());
                RedisFailMode::Open
            }
        };

        let llm =
            endpoint(&env, &mut p, "LLM").map(|(base_url, api_key, model)| LlmSettings { base_url, api_key, model });
        let embeddings = endpoint(&env, &mut p, "EMBEDDINGS").map(|(base_url, api_key, model)| EmbeddingsSettings {
            base_url,
            api_key,
            model,
        });

        let upload_max_bytes =
            opt(&env, &mut p, "UPLOAD_MAX_BYTES", 20_971_520, |n, r| parse::number(n, r, 1u64, 1 << 40));
        let upload_allowed_types = match env.get("UPLOAD_ALLOWED_TYPES") {
            Some(raw) if !raw.trim().is_empty() => p.take(file_kinds(raw)).unwrap_or_default(),
            _ => FILE_KINDS.iter().map(|k| (*k).to_owned()).collect(),
        };
        let upload_quota_bytes =
            opt(&env, &mut p, "UPLOAD_QUOTA_BYTES", 1 << 30, |n, r| parse::number(n, r, 1u64, 1 << 50));
        let upload_quota_count =
            opt(&env, &mut p, "UPLOAD_QUOTA_COUNT", 1000, |n, r| parse::number(n, r, 1u64, 10_000_000));
        let upload_idle_timeout = opt(&env, &mut p, "UPLOAD_IDLE_TIMEOUT", Duration::from_secs(20), parse::duration);
        let upload_max_concurrent =
            opt(&env, &mut p, "UPLOAD_MAX_CONCURRENT", 32, |n, r| parse::number(n, r, 1usize, 100_000));
        let upload_max_concurrent_per_owner =
            opt(&env, &mut p, "UPLOAD_MAX_CONCURRENT_PER_OWNER", 3, |n, r| parse::number(n, r, 1usize, 10_000));
        let rate_limit_per_minute =
            opt(&env, &mut p, "RATE_LIMIT_PER_MINUTE", 120, |n, r| parse::number(n, r, 1u32, 10_000_000));
        let work_interrupt_ttl = opt(&env, &mut p, "WORK_INTERRUPT_TTL", Duration::from_secs(86_400), parse::duration);
        let llm_daily_token_budget =
            opt(&env, &mut p, "LLM_DAILY_TOKEN_BUDGET", 200_000, |n, r| parse::number(n, r, 1u64, 1 << 40));
        let work_lease = opt(&env, &mut p, "WORK_LEASE", Duration::from_secs(30), parse::duration);
        let work_workers = opt(&env, &mut p, "WORK_WORKERS", 2, |n, r| parse::number(n, r, 1usize, 64));
        let auth_token_ttl = opt(&env, &mut p, "AUTH_TOKEN_TTL", Duration::from_secs(12 * 3600), parse::duration);
        let request_timeout = opt(&env, &mut p, "REQUEST_TIMEOUT", Duration::from_secs(30), parse::duration);
        let shutdown_grace = opt(&env, &mut p, "SHUTDOWN_GRACE", Duration::from_secs(30), parse::duration);
        let max_concurrent_requests =
            opt(&env, &mut p, "MAX_CONCURRENT_REQUESTS", 512, |n, r| parse::number(n, r, 1usize, 1_000_000));
        let max_connections =
            opt(&env, &mut p, "MAX_CONNECTIONS", 16_384, |n, r| parse::number(n, r, 1usize, 10_000_000));
        let ws_per_principal =
            opt(&env, &mut p, "WS_CONNECTIONS_PER_PRINCIPAL", 5, |n, r| parse::number(n, r, 1usize, 1_000_000));
        let header_read_timeout = opt(&env, &mut p, "HEADER_READ_TIMEOUT", Duration::from_secs(15), parse::duration);
        let auto_migrate = opt(&env, &mut p, "AUTO_MIGRATE", true, parse::boolean);
        let metrics_port =
            env.get("METRICS_PORT").and_then(|raw| p.take(parse::number("METRICS_PORT", raw, 0u16, u16::MAX)));

        let cors_origins = env.get("CORS_ORIGINS").and_then(|raw| {
            let origins: Vec<String> =
                raw.split(',').map(|s| s.trim().trim_end_matches('/').to_owned()).filter(|s| !s.is_empty()).collect();
            if origins.is_empty() {
                return None;
            }
            if origins.iter().any(|o| o == "*") {
                if app_env == AppEnv::Prod {
                    p.0.push("CORS_ORIGINS: the wildcard `*` is refused in prod; list the exact origins".into());
                }
                return Some(CorsOrigins::Any);
            }
            for origin in &origins {
                let valid =
                    url::Url::parse(origin).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.path() == "/");
                if valid.is_none() {
                    p.0.push(format!("CORS_ORIGINS: `{origin}` is not an origin like https://app.example.com"));
                }
            }
            Some(CorsOrigins::List(origins))
        });

        let trusted_proxies = env
            .get("TRUSTED_PROXIES")
            .map(|raw| {
                raw.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| {
                        let parsed = s.parse::<IpNet>().or_else(|_| s.parse::<IpAddr>().map(IpNet::from));
                        p.take(parsed.map_err(|_| format!("TRUSTED_PROXIES: `{s}` is not a CIDR or IP address")))
                    })
                    .collect()
            })
            .unwrap_or_default();

        let log_filter = env.get("RUST_LOG").unwrap_or("info").to_owned();

        let auth = p.take(auth_secret(&env, app_env, &data_dir));

        if !p.0.is_empty() {
            return Err(ConfigError(p.0));
        }
        let (auth_secret, auth_secret_source) = auth.expect("no problems means the secret was read");
        Ok(Settings {
            app_env,
            auth_secret,
            auth_secret_source,
            host: host.expect("validated"),
            port: port.expect("validated"),
            data_dir,
            database_url: database_url.expect("validated"),
            object_store_url: object_store_url.expect("validated"),
            s3,
            redis_url,
            redis_fail_mode,
            llm,
            embeddings,
            upload_max_bytes,
            upload_allowed_types,
            upload_quota_bytes,
            upload_quota_count,
            upload_idle_timeout,
            upload_max_concurrent,
            upload_max_concurrent_per_owner,
            rate_limit_per_minute,
            work_interrupt_ttl,
            work_lease,
            work_workers,
            llm_daily_token_budget,
            cors_origins,
            metrics_port,
            trusted_proxies,
            auto_migrate,
            auth_token_ttl,
            request_timeout,
            max_concurrent_requests,
            max_connections,
            ws_per_principal,
            header_read_timeout,
            shutdown_grace,
            log_filter,
            dotenv_loaded: env.dotenv_loaded(),
        })
    }
}

/// An OpenAI-compatible endpoint named by `{prefix}_BASE_URL`, `{prefix}_MODEL` and the secret
/// `{prefix}_API_KEY`: both of the first two or neither, an http(s) URL, a model that is not blank.
/// Longest model name accepted (the store keeps item vectors under names up to this long).
pub const MAX_MODEL_NAME_CHARS: usize = 256;

fn endpoint(env: &EnvSource, p: &mut Problems, prefix: &str) -> Option<(String, Option<SecretString>, String)> {
    let api_key = env_or_secret(env, p, &format!("{prefix}_API_KEY"));
    match (env.get(&format!("{prefix}_BASE_URL")), env.get(&format!("{prefix}_MODEL"))) {
        (None, None) => {
            if api_key.is_some() {
                p.0.push(format!("{prefix}_API_KEY: set without {prefix}_BASE_URL and {prefix}_MODEL"));
            }
            None
        }
        (Some(base), Some(model)) => {
            let ok = url::Url::parse(base.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
            if ok.is_none() {
                p.0.push(format!("{prefix}_BASE_URL: must be an http:// or https:// URL"));
            }
            if model.trim().is_empty() {
                p.0.push(format!("{prefix}_MODEL: must not be empty"));
            }
            // Model names are stored beside what they produced (item vectors): bounded.
            if model.trim().chars().count() > MAX_MODEL_NAME_CHARS {
                p.0.push(format!("{prefix}_MODEL: at most {MAX_MODEL_NAME_CHARS} characters"));
            }
            Some((base.trim().to_owned(), api_key, model.trim().to_owned()))
        }
        (Some(_), None) => {
            p.0.push(format!("{prefix}_MODEL: required when {prefix}_BASE_URL is set"));
            None
        }
        (None, Some(_)) => {
            p.0.push(format!("{prefix}_BASE_URL: required when {prefix}_MODEL is set"));
            None
        }
    }
}

fn env_or_secret(env: &EnvSource, p: &mut Problems, name: &str) -> Option<SecretString> {
    p.take(secret::read(env, name)).flatten()
}

fn opt<T>(
    env: &EnvSource,
    p: &mut Problems,
    name: &str,
    default: T,
    parse: impl Fn(&str, &str) -> Result<T, String>,
) -> T {
    match env.get(name) {
        Some(raw) if !raw.trim().is_empty() => p.take(parse(name, raw)).unwrap_or(default),
        _ => default,
    }
}

/// The kinds the upload sniffer recognises.
pub const FILE_KINDS: [&str; 7] = ["xlsx", "xls", "pdf", "png", "jpeg", "webp", "text"];

fn file_kinds(raw: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for item in raw.split(',').map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()) {
        let canonical = match item.as_str() {
            "jpg" => "jpeg",
            "csv" | "txt" => "text",
            other => other,
        };
        if !FILE_KINDS.contains(&canonical) {
            return Err(format!("UPLOAD_ALLOWED_TYPES: `{item}` is not one of {}", FILE_KINDS.join(", ")));
        }
        if !out.iter().any(|k| k == canonical) {
            out.push(canonical.to_owned());
        }
    }
    Ok(out)
}

fn object_store_url(raw: &str) -> Result<String, String> {
    let parsed = url::Url::parse(raw)
        .map_err(|_| "OBJECT_STORE_URL: is not a URL (expected file:///path or s3://bucket/prefix)".to_string())?;
    match parsed.scheme() {
        "file" if !parsed.path().is_empty() && parsed.path() != "/" => Ok(raw.to_owned()),
        "s3" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(raw.to_owned()),
        "file" => Err("OBJECT_STORE_URL: a file:// URL needs a directory path".into()),
        "s3" => Err("OBJECT_STORE_URL: an s3:// URL needs a bucket".into()),
        other => Err(format!("OBJECT_STORE_URL: unknown scheme `{other}` (expected file or s3)")),
    }
}

/// `AUTH_SECRET`: required outside `dev`; in `dev`, generated once into `DATA_DIR` when absent so
/// that tokens survive restarts without anyone inventing a weak secret by hand.
fn auth_secret(env: &EnvSource, app_env: AppEnv, data_dir: &Path) -> Result<(SecretString, String), String> {
    if let Some(secret) = secret::read(env, "AUTH_SECRET")? {
        let source = if env.get("AUTH_SECRET_FILE").is_some() { "AUTH_SECRET_FILE" } else { "AUTH_SECRET" };
        if secret.expose_secret().len() < MIN_SECRET_BYTES && !app_env.is_dev() {
            return Err(format!(
                "AUTH_SECRET: must be at least {MIN_SECRET_BYTES} bytes in {} (generate one with `openssl rand -base64 48`)",
                app_env.as_str()
            ));
        }
        return Ok((secret, source.to_owned()));
    }
    if !app_env.is_dev() {
        return Err(format!(
            "AUTH_SECRET: required in {} (at least {MIN_SECRET_BYTES} bytes; or AUTH_SECRET_FILE)",
            app_env.as_str()
        ));
    }
    let path = data_dir.join("auth_secret");
    let secret = generated_secret(data_dir, &path)?;
    Ok((secret, format!("generated ({})", path.display())))
}

fn generated_secret(data_dir: &Path, path: &Path) -> Result<SecretString, String> {
    if let Some(existing) = read_secret_file(path) {
        return Ok(existing);
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("DATA_DIR: cannot create {} ({})", data_dir.display(), e.kind()))?;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    // Written completely under a private temporary name, then linked into place: linking fails if
    // the file exists, so when two processes start together exactly one secret wins and both use it.
    let tmp = data_dir.join(format!(".auth_secret.{:016x}.tmp", rand::random::<u64>()));
    write_private(&tmp, &secret)
        .map_err(|e| format!("DATA_DIR: cannot write the generated auth secret ({})", e.kind()))?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(SecretString::from(secret)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_secret_file(path)
            .ok_or_else(|| "DATA_DIR: the auth secret file is unreadable or too short".to_string()),
        Err(e) => Err(format!("DATA_DIR: cannot store the generated auth secret ({})", e.kind())),
    }
}

fn read_secret_file(path: &Path) -> Option<SecretString> {
    let existing = std::fs::read_to_string(path).ok()?;
    let trimmed = existing.trim();
    (trimmed.len() >= MIN_SECRET_BYTES).then(|| SecretString::from(trimmed.to_owned()))
}

/// Creates the file readable by its owner only.
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests;
