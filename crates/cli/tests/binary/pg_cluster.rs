//! A private PostgreSQL cluster for one test: `initdb` into a temporary directory, served on a free
//! loopback port, stopped, started and restarted at will without touching any other server on
//! the machine. PostgreSQL refuses to run as root, so under root the directory is handed to the
//! `postgres` user and every PostgreSQL command runs as that user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PgCluster {
    /// A running cluster, or `None` (saying why) when PostgreSQL is not installed and `CI` is
    /// unset. In CI a missing PostgreSQL fails the test: `.ci/run` installs it.
    pub fn start_or_skip() -> Option<Self> {
        let Some(bin) = bin_dir() else {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v.is_empty()),
                "CI is set but no PostgreSQL server binaries (initdb, pg_ctl) were found under \
                 /usr/lib/postgresql/*/bin or `pg_config --bindir`"
            );
            eprintln!("skipped: no PostgreSQL server binaries (install postgresql to run this test)");
            return None;
        };
        let as_postgres = is_root();
        // As root, under /tmp: the postgres user must be able to reach it, which a root-only
        // TMPDIR would not allow.
        let parent = if as_postgres { PathBuf::from("/tmp") } else { std::env::temp_dir() };
        let dir = tempfile::Builder::new().prefix("agent-team-pg-").tempdir_in(parent).unwrap();
        if as_postgres {
            let chown = Command::new("chown").arg("postgres:").arg(dir.path()).status().unwrap();
            assert!(chown.success(), "chown the cluster directory to the postgres user");
        }
        let port = free_port();
        let cluster = Self { dir, bin, port, as_postgres };
        let data = cluster.data();
        cluster.run("initdb", &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        cluster.start();
        Some(cluster)
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts the server and waits until it accepts connections. Only TCP on loopback; the
    /// socket file goes into the cluster's own directory.
    pub fn start(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        let (data, log) = (self.data(), self.log());
        self.run("pg_ctl", &["start", "-w", "-t", "60", "-D", &data, "-l", &log, "-o", &options]);
    }

    /// A fast shutdown: open sessions are ended (`57P01 admin_shutdown`), then the server exits.
    pub fn stop(&self) {
        let data = self.data();
        self.run("pg_ctl", &["stop", "-w", "-t", "60", "-m", "fast", "-D", &data]);
    }

    /// `pg_ctl restart -m fast`: a fast shutdown, then a start with the same options.
    pub fn restart(&self) {
        let (data, log) = (self.data(), self.log());
        self.run("pg_ctl", &["restart", "-w", "-t", "60", "-m", "fast", "-D", &data, "-l", &log]);
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn log(&self) -> String {
        self.dir.path().join("server.log").display().to_string()
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        };
        // The cluster directory is the only place the server user can be sure to write to.
        cmd.current_dir(self.dir.path());
        cmd
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let out = self.command(program).args(args).output().unwrap_or_else(|e| panic!("run {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}\nserver log:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.log()).unwrap_or_default()
        );
        out
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.command("pg_ctl").args(["stop", "-w", "-m", "immediate", "-D", &data]).output();
    }
}

/// The newest `/usr/lib/postgresql/<major>/bin` (Debian, Ubuntu), else what `pg_config` names.
fn bin_dir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_server(&bin).then_some((major, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    let bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (out.status.success() && has_server(&bin)).then_some(bin)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A port nothing listens on right now (the small race with other processes is acceptable here).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
