//! Runs the real `marketingos` binary for the quality gates and the benchmark: a fresh
//! database on the test PostgreSQL, the server on a free loopback port with a bootstrap
//! admin, readiness polling, and a guaranteed clean-up (server stopped, database
//! dropped) when the [`Server`] is dropped, on success and on failure alike.

use crate::{http, postgres, sys};
use anyhow::{bail, Context, Result};
use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_EMAIL: &str = "admin@example.com";
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const LOG_TAIL_LINES: usize = 40;

/// `cargo build -p server --bin marketingos [--release]`, returning the binary's path.
pub fn build(release: bool) -> Result<PathBuf> {
    let mut cmd = sys::cargo();
    cmd.args(["build", "-p", "server", "--bin", "marketingos"]);
    if release {
        cmd.arg("--release");
    }
    println!("{}", sys::display(&cmd));
    sys::run(&mut cmd).context("building the server failed")?;
    let binary = target_dir().join(if release { "release" } else { "debug" }).join("marketingos");
    if !binary.is_file() {
        bail!("the server binary is not at {} after the build", binary.display());
    }
    Ok(binary)
}

/// `$CARGO_TARGET_DIR`, else `<repo>/target`.
pub fn target_dir() -> PathBuf {
    match sys::env_nonempty("CARGO_TARGET_DIR") {
        Some(dir) => sys::repo_root().join(dir),
        None => sys::repo_root().join("target"),
    }
}

/// `url` with its database (path) replaced by `database`; query parameters are kept.
pub fn with_database(url: &str, database: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let after_authority = &rest[authority_end..];
    let query = after_authority.find('?').map_or("", |i| &after_authority[i..]);
    format!("{}{}/{database}{query}", &url[..scheme_end], &rest[..authority_end])
}

/// `psql`, from PATH or else next to the PostgreSQL server binaries.
fn psql() -> Result<PathBuf> {
    if sys::on_path("psql") {
        return Ok(PathBuf::from("psql"));
    }
    let bindir = postgres::find_bindir()
        .context("psql not found: install the Debian package postgresql-client-15 (or postgresql-15)")?;
    Ok(bindir.join("psql"))
}

/// Runs one SQL statement (`psql -tA`) on `url` and returns its trimmed output.
pub fn psql_on(url: &str, sql: &str) -> Result<String> {
    let mut cmd = Command::new(psql()?);
    cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-d", url, "-c", sql]).env("PGCONNECT_TIMEOUT", "10");
    sys::output(&mut cmd).with_context(|| format!("SQL failed on {}", sys::redact_url(url)))
}

/// A database created for one run, dropped (`WITH (FORCE)`) when this is dropped.
pub struct Database {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl Database {
    /// Creates `mos_<label>_<pid>_<random>` on the server of `admin_url`.
    pub fn create(admin_url: &str, label: &str) -> Result<Database> {
        let name = format!("mos_{label}_{}_{}", std::process::id(), sys::random_hex(3)?);
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            bail!("invalid database name {name:?}");
        }
        psql_on(admin_url, &format!("CREATE DATABASE {name}"))
            .with_context(|| format!("could not create the database {name}"))?;
        let url = with_database(admin_url, &name);
        Ok(Database { admin_url: admin_url.to_owned(), name, url })
    }

    /// Drops the databases that earlier runs of `label` left behind when they were killed
    /// before they could clean up (their process no longer exists).
    pub fn drop_stale(admin_url: &str, label: &str) -> Result<()> {
        let prefix = format!("mos_{label}_");
        let names = psql_on(
            admin_url,
            &format!("SELECT datname FROM pg_database WHERE datname ~ '^{prefix}[0-9]+_[0-9a-f]+$'"),
        )?;
        for name in names.lines().map(str::trim).filter(|n| !n.is_empty()) {
            let pid = name[prefix.len()..].split('_').next().and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|pid| !sys::process_exists(pid)) {
                println!("Dropping database {name}, left behind by an interrupted run");
                psql_on(admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
            }
        }
        Ok(())
    }

    /// Runs SQL on this database.
    pub fn sql(&self, sql: &str) -> Result<String> {
        psql_on(&self.url, sql)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        match psql_on(&self.admin_url, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)) {
            Ok(_) => println!("Dropped database {}", self.name),
            Err(err) => eprintln!("warning: could not drop database {}: {err:#}", self.name),
        }
    }
}

pub struct Options {
    /// Names the database and the log file.
    pub label: &'static str,
    /// Extra or overriding environment for the server.
    pub env: Vec<(&'static str, String)>,
}

/// A running server; stopping it and dropping its database happen on drop.
pub struct Server {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub base_url: String,
    pub admin_password: String,
    pub log: PathBuf,
    // Dropped after the server process has been stopped (fields drop after `Drop::drop`).
    pub db: Database,
}

/// A signed-in admin session.
pub struct Session {
    pub token: String,
    pub user_id: i64,
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("could not bind a loopback port")?;
    Ok(listener.local_addr()?.port())
}

impl Server {
    /// Creates a fresh database on `admin_url`'s server, starts `binary` on a free
    /// loopback port with a generated admin password, and waits for `/health/ready`.
    pub fn start(binary: &std::path::Path, admin_url: &str, options: Options) -> Result<Server> {
        Database::drop_stale(admin_url, options.label)?;
        let db = Database::create(admin_url, options.label)?;
        let port = free_port()?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let admin_password = format!("xtask-{}", sys::random_hex(12)?);
        let log_dir = target_dir().join("quality");
        fs::create_dir_all(&log_dir).with_context(|| format!("could not create {}", log_dir.display()))?;
        let log = log_dir.join(format!("{}-server.log", options.label));
        let log_file = fs::File::create(&log).with_context(|| format!("could not create {}", log.display()))?;

        let mut cmd = Command::new(binary);
        cmd.current_dir(sys::repo_root())
            .env("DATABASE_URL", &db.url)
            .env("JWT_SECRET", sys::random_hex(24)?)
            .env("BIND_ADDR", addr.to_string())
            .env("ADMIN_USERNAME", ADMIN_USERNAME)
            .env("ADMIN_EMAIL", ADMIN_EMAIL)
            .env("ADMIN_PASSWORD", &admin_password)
            .env("RATE_LIMIT_API_REQUESTS", "1000000")
            .env("RATE_LIMIT_AUTH_REQUESTS", "1000000")
            .env("LOG_FORMAT", "json")
            .env("NO_COLOR", "1");
        // A developer's .env or shell must not change what is tested.
        for name in ["PUBLIC_URL", "COOKIE_SECURE", "CORS_ORIGINS", "WORKERS", "DB_POOL_SIZE", "RUST_LOG", "SMTP_URL"] {
            cmd.env_remove(name);
        }
        for (name, value) in &options.env {
            cmd.env(name, value);
        }
        cmd.stdin(Stdio::null()).stdout(log_file.try_clone()?).stderr(log_file);
        println!("Starting {} on http://{addr} (database {}, log {})", binary.display(), db.name, log.display());
        let child = cmd.spawn().with_context(|| format!("could not start {}", binary.display()))?;
        let mut server =
            Server { child: Some(child), addr, base_url: format!("http://{addr}"), admin_password, log, db };
        server.wait_ready()?;
        Ok(server)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                self.print_log_tail();
                bail!("the server exited during start-up ({})", sys::describe(status));
            }
            if let Ok(response) = http::get(self.addr, "/health/ready", &[]) {
                if response.status == 200 {
                    println!("Server ready in {:.1} s", started.elapsed().as_secs_f64());
                    return Ok(());
                }
            }
            if started.elapsed() > READY_TIMEOUT {
                self.print_log_tail();
                bail!("the server was not ready within {} s (GET /health/ready)", READY_TIMEOUT.as_secs());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The last lines of the server log, on stderr.
    pub fn print_log_tail(&self) {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        eprintln!("--- last lines of {} ---", self.log.display());
        for line in &lines[lines.len().saturating_sub(LOG_TAIL_LINES)..] {
            eprintln!("  {line}");
        }
        eprintln!("---");
    }

    /// Signs in as the bootstrap admin.
    pub fn login(&self) -> Result<Session> {
        let body = format!(r#"{{"username":"{ADMIN_USERNAME}","password":"{}"}}"#, self.admin_password);
        let response = http::request(self.addr, "POST", "/api/login", &[], Some(&body), Duration::from_secs(30))?;
        if response.status != 200 {
            bail!("signing in as {ADMIN_USERNAME} answered {}: {}", response.status, response.body);
        }
        let token = http::json_string(&response.body, "accessToken").context("no accessToken in the sign-in answer")?;
        let user_id = http::json_integer(&response.body, "id").context("no user id in the sign-in answer")?;
        Ok(Session { token, user_id })
    }

    /// Stops the server: SIGTERM, then SIGKILL after 10 s.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        sys::terminate(child.id());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("warning: the server did not stop within 10 s of SIGTERM; killing it");
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "mos_x"),
            "postgres://postgres@127.0.0.1:5432/mos_x"
        );
        assert_eq!(
            with_database("postgresql://u:p@db:5432/app?sslmode=disable", "mos_x"),
            "postgresql://u:p@db:5432/mos_x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "d"), "postgres://h:1/d");
        assert_eq!(with_database("postgres://h:1?x=1", "d"), "postgres://h:1/d?x=1");
    }

    #[test]
    fn free_ports_are_loopback_ports() {
        let port = free_port().unwrap();
        assert!(port > 0);
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).unwrap();
    }
}
