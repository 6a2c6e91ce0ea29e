//! Where variables come from: the process environment, plus `.env` only in `dev`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A snapshot of variables. Built once so that loading never mutates the process environment
/// (which is racy, and `unsafe` in Rust 2024).
#[derive(Debug, Clone, Default)]
pub struct EnvSource {
    vars: HashMap<String, String>,
    cwd: PathBuf,
    dotenv_loaded: bool,
    dotenv_present: bool,
}

impl EnvSource {
    /// The real process environment, with the current directory for `.env` detection.
    pub fn from_process() -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Self::from_vars(std::env::vars(), cwd)
    }

    /// Explicit variables and working directory (used by tests and embedding).
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>, cwd: impl Into<PathBuf>) -> Self {
        Self { vars: vars.into_iter().collect(), cwd: cwd.into(), dotenv_loaded: false, dotenv_present: false }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    pub fn dotenv_loaded(&self) -> bool {
        self.dotenv_loaded
    }

    pub fn dotenv_present(&self) -> bool {
        self.dotenv_present
    }

    /// Notes whether `.env` exists, and merges it (never overriding real variables) only when
    /// `read` is true. The caller decides `read` from `APP_ENV` taken from the real environment,
    /// so a `.env` can never switch itself on.
    pub(crate) fn with_dotenv(mut self, read: bool) -> Result<Self, String> {
        let path = self.cwd.join(".env");
        self.dotenv_present = path.is_file();
        if !read || !self.dotenv_present {
            return Ok(self);
        }
        let iter = dotenvy::from_path_iter(&path).map_err(|e| format!(".env: cannot be read ({e})"))?;
        for (index, item) in iter.enumerate() {
            // dotenvy's error text quotes the offending line, which may hold a secret: say where only.
            let (key, value) =
                item.map_err(|_| format!(".env: entry {} cannot be parsed (check its quoting)", index + 1))?;
            if key == "APP_ENV" {
                // APP_ENV decides whether .env is read at all; it must come from the real environment.
                continue;
            }
            self.vars.entry(key).or_insert(value);
        }
        self.dotenv_loaded = true;
        Ok(self)
    }
}
