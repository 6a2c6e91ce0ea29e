//! `DATABASE_URL`: parsed strictly so a typo can never become a new empty database somewhere.

use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

#[derive(Clone)]
pub enum DatabaseUrl {
    Sqlite {
        path: PathBuf,
    },
    /// Kept secret: a PostgreSQL URL usually carries a password.
    Postgres {
        url: SecretString,
    },
}

impl DatabaseUrl {
    pub fn default_for(data_dir: &Path) -> Self {
        DatabaseUrl::Sqlite { path: data_dir.join("agent-team.db") }
    }

    pub fn parse(raw: &str, cwd: &Path) -> Result<Self, String> {
        let raw = raw.trim();
        let Some((scheme, rest)) = raw.split_once(':') else {
            return Err("DATABASE_URL: has no scheme (expected sqlite://PATH or postgres://…)".into());
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Self::parse_sqlite(rest, cwd),
            "postgres" | "postgresql" => {
                let parsed =
                    url::Url::parse(raw).map_err(|_| "DATABASE_URL: is not a valid postgres:// URL".to_string())?;
                if parsed.host_str().is_none_or(str::is_empty) {
                    return Err("DATABASE_URL: the postgres URL has no host".into());
                }
                Ok(DatabaseUrl::Postgres { url: SecretString::from(raw.to_owned()) })
            }
            other => Err(format!(
                "DATABASE_URL: unknown scheme `{}` (expected sqlite or postgres)",
                other.chars().take(20).collect::<String>()
            )),
        }
    }

    fn parse_sqlite(rest: &str, cwd: &Path) -> Result<Self, String> {
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.contains('?') || path.contains('#') {
            return Err("DATABASE_URL: sqlite options in the URL are not supported; give a plain file path".into());
        }
        if path.is_empty() || path == ":memory:" || path.starts_with(":memory") {
            return Err("DATABASE_URL: needs a database file path (an in-memory database would lose all data)".into());
        }
        if path.ends_with('/') {
            return Err("DATABASE_URL: names a directory, not a database file".into());
        }
        let path = PathBuf::from(path);
        let path = if path.is_absolute() { path } else { cwd.join(path) };
        Ok(DatabaseUrl::Sqlite { path })
    }

    pub fn scheme(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite { .. } => "sqlite",
            DatabaseUrl::Postgres { .. } => "postgres",
        }
    }

    /// The URL with any password replaced, for `config check` and logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => match url::Url::parse(url.expose_secret()) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("REDACTED"));
                    }
                    // Options can carry credentials too (`?password=…`, `sslkey=…`): show none.
                    if parsed.query().is_some() {
                        parsed.set_query(Some("REDACTED"));
                    }
                    parsed.to_string()
                }
                Err(_) => "postgres://REDACTED".into(),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cwd() -> PathBuf {
        PathBuf::from("/srv/app")
    }

    #[test]
    fn sqlite_paths_resolve_against_the_working_directory() {
        match DatabaseUrl::parse("sqlite://data/x.db", &cwd()).unwrap() {
            DatabaseUrl::Sqlite { path } => assert_eq!(path, PathBuf::from("/srv/app/data/x.db")),
            _ => panic!("expected sqlite"),
        }
        match DatabaseUrl::parse("sqlite:///var/lib/x.db", &cwd()).unwrap() {
            DatabaseUrl::Sqlite { path } => assert_eq!(path, PathBuf::from("/var/lib/x.db")),
            _ => panic!("expected sqlite"),
        }
    }

    #[test]
    fn malformed_and_unknown_urls_are_refused() {
        for bad in [
            "mysql://localhost/db",
            "sqlite://",
            "sqlite::memory:",
            "sqlite://data/",
            "sqlite://x.db?mode=memory",
            "no-scheme-at-all",
            "postgres://",
            "http://example",
        ] {
            let err = DatabaseUrl::parse(bad, &cwd()).unwrap_err();
            assert!(err.starts_with("DATABASE_URL:"), "{bad}: {err}");
        }
    }

    #[test]
    fn postgres_query_options_never_show() {
        let url = DatabaseUrl::parse("postgres://db/agent?user=app&password=in-the-query", &cwd()).unwrap();
        assert!(!url.redacted().contains("in-the-query"), "{}", url.redacted());
    }

    #[test]
    fn postgres_passwords_never_show() {
        let url = DatabaseUrl::parse("postgres://app:hunter2hunter2@db:5432/agent", &cwd()).unwrap();
        assert!(!url.redacted().contains("hunter2"));
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(url.redacted().contains("db:5432"));
    }
}
