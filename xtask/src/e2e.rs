//! `cargo xtask e2e`: browser journeys (e2e/, node:test + playwright-core + Debian's
//! Chromium) against the real server on a free loopback port, with a fresh database that
//! is dropped afterwards and the web app from `frontend/dist`.

use crate::{postgres, spa, sys};
use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const ADMIN_EMAIL: &str = "admin@example.com";

fn e2e_dir() -> PathBuf {
    sys::repo_root().join("e2e")
}

/// Debian's Chromium: installed with apt-get when missing and running as root.
fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).is_file() {
        return Ok(());
    }
    if sys::is_root() && sys::on_path("apt-get") {
        println!("e2e: {CHROMIUM} is missing; installing Debian's chromium package");
        sys::run(Command::new("apt-get").arg("update"))?;
        sys::run(
            Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends", "chromium"])
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
        if Path::new(CHROMIUM).is_file() {
            return Ok(());
        }
    }
    bail!("the browser tests need Chromium at {CHROMIUM}: install it with `sudo apt-get install chromium` (Debian/Ubuntu)")
}

fn ensure_node() -> Result<()> {
    let version = sys::output(Command::new("node").arg("--version")).unwrap_or_default();
    let major: u32 = version.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < 20 || !sys::on_path("npm") {
        bail!("the browser tests need Node.js 20 or newer with npm: install them (e.g. `sudo apt-get install nodejs npm` or from nodejs.org)");
    }
    let dir = e2e_dir();
    if !dir.join("node_modules/playwright-core/package.json").is_file() {
        println!("e2e: installing the test dependencies (npm ci)");
        sys::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))?;
    }
    Ok(())
}

/// `postgres://…/postgres` → `postgres://…/<database>`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let prefix = match base.rsplit_once('/') {
        Some((prefix, _)) if prefix.contains("://") && prefix.len() > prefix.find("://").unwrap_or(0) + 3 => prefix,
        _ => base,
    };
    match query {
        Some(query) => format!("{prefix}/{database}?{query}"),
        None => format!("{prefix}/{database}"),
    }
}

fn psql(admin_url: &str, sql: &str) -> Result<()> {
    let program = postgres::find_bindir().map(|dir| dir.join("psql")).unwrap_or_else(|_| PathBuf::from("psql"));
    sys::run(Command::new(program).args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin_url, "-c", sql]))
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0").context("no free loopback port")?.local_addr()?.port())
}

fn live(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.ends_with(b"200")
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the journeys; `admin_url` is a PostgreSQL URL allowed to create databases.
/// Expects `frontend/dist` to be built (see [`spa::build_spa`]).
pub fn run(admin_url: &str) -> Result<()> {
    let started = Instant::now();
    ensure_chromium()?;
    ensure_node()?;
    let dist = spa::dist_dir();
    if !dist.join("index.html").is_file() {
        bail!("{} has no index.html; the web app must be built first", dist.display());
    }
    sys::run(sys::cargo().args(["build", "-q", "-p", "server", "--bin", "marketingos"]))
        .context("building the server")?;

    let database = format!("mos_e2e_{}", sys::random_hex(6)?);
    psql(admin_url, &format!("CREATE DATABASE {database}")).context("creating the e2e database")?;
    let result = journeys(admin_url, &database, &dist);
    if let Err(err) = psql(admin_url, &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")) {
        eprintln!("e2e: could not drop the database {database}: {err:#}");
    }
    result?;
    println!("e2e: browser journeys passed in {:.0?}", started.elapsed());
    Ok(())
}

fn journeys(admin_url: &str, database: &str, dist: &Path) -> Result<()> {
    let artifacts = e2e_dir().join("artifacts");
    std::fs::create_dir_all(&artifacts).context("could not create e2e/artifacts")?;
    let log_path = artifacts.join("server.log");
    let log = std::fs::File::create(&log_path).context("could not create e2e/artifacts/server.log")?;
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let admin_password = sys::random_hex(12)?;
    let binary = sys::repo_root().join("target/debug/marketingos");
    let mut server = Server(
        Command::new(&binary)
            .env("DATABASE_URL", with_database(admin_url, database))
            .env("JWT_SECRET", sys::random_hex(24)?)
            .env("BIND_ADDR", addr.to_string())
            .env("STATIC_DIR", dist)
            .env("ADMIN_EMAIL", ADMIN_EMAIL)
            .env("ADMIN_PASSWORD", &admin_password)
            .env("RATE_LIMIT_API_REQUESTS", "1000000")
            .env("RATE_LIMIT_AUTH_REQUESTS", "1000000")
            .env("RUST_LOG", "warn")
            .env_remove("SMTP_URL")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .current_dir(sys::repo_root())
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?,
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while !live(addr) {
        if let Ok(Some(status)) = server.0.try_wait() {
            bail!("the server exited ({}) before it was ready; see {}", sys::describe(status), log_path.display());
        }
        if Instant::now() > deadline {
            bail!("the server was not ready within 60 s; see {}", log_path.display());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("e2e: server on http://{addr} (database {database}, log {})", log_path.display());

    let mut node = Command::new("node");
    node.args(["--test", "--test-concurrency=1", "tests/journeys.test.mjs"])
        .current_dir(e2e_dir())
        .env("E2E_BASE_URL", format!("http://{addr}"))
        .env("E2E_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("E2E_ADMIN_PASSWORD", &admin_password)
        .env("E2E_DATABASE_URL", with_database(admin_url, database))
        .env("E2E_CHROMIUM", CHROMIUM);
    let status = sys::status(&mut node)?;
    drop(server);
    if !status.success() {
        bail!(
            "browser journeys failed ({}); screenshots and the server log are in {}",
            sys::describe(status),
            artifacts.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_the_database_in_a_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "e2e"),
            "postgres://postgres@127.0.0.1:5432/e2e"
        );
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "e2e"),
            "postgres://u@h/e2e?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h:5432", "e2e"), "postgres://u@h:5432/e2e");
    }
}
