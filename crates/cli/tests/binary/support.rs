use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_agent-team");
pub const STRONG_SECRET: &str = "a-production-grade-secret-with-more-than-32-bytes";

/// A command with a clean environment: only what the test names (and PATH) is set, and the
/// working directory is the test's own, so no stray `.env` or variable leaks in.
pub fn command(dir: &Path, vars: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", dir.join("data"))
        .env("RUST_LOG", "info")
        .current_dir(dir);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd
}

pub fn run(dir: &Path, vars: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = command(dir, vars);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("spawn agent-team");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().expect("wait")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A running `agent-team serve`.
pub struct Served {
    pub child: Child,
    pub base: String,
    pub addr: String,
    pub lines: Arc<Mutex<Vec<String>>>,
}

impl Served {
    pub fn start(dir: &Path, vars: &[(&str, &str)]) -> Self {
        let mut cmd = command(dir, vars);
        cmd.env("PORT", "0").arg("serve").stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::null());
        let mut child = cmd.spawn().expect("spawn serve");
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found = lines.lock().unwrap().iter().find_map(|l| {
                let at = l.find("listening on http://")?;
                let rest = &l[at + "listening on http://".len()..];
                Some(rest.split(|c: char| c.is_whitespace() || c == '"').next().unwrap().to_owned())
            });
            if let Some(addr) = found {
                return Self { child, base: format!("http://{addr}"), addr, lines };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("serve exited early with {status}: {:?}", lines.lock().unwrap());
            }
            assert!(Instant::now() < deadline, "serve did not start: {:?}", lines.lock().unwrap());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").args([&format!("-{name}"), &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit; returns whether it exited successfully.
    pub fn wait_exit(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(Instant::now() < deadline, "serve did not exit: {}", self.output());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(20)).build().unwrap()
}
