//! `cargo xtask e2e`: browser journeys (e2e/, node:test + playwright-core + Debian's
//! Chromium) against the real server on a free loopback port, with a fresh database that
//! is dropped afterwards and the web app from `frontend/dist`.

use crate::server::{self, Options, Server, ADMIN_EMAIL};
use crate::{spa, sys};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const CHROMIUM: &str = "/usr/bin/chromium";

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

/// Every `e2e/tests/*.test.mjs`, in name order (one file per area of the app; they share
/// one server, so each file creates its own users).
fn journey_files() -> Result<Vec<String>> {
    let mut files: Vec<String> = fs::read_dir(e2e_dir().join("tests"))
        .context("could not list e2e/tests")?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("tests/{name}"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("e2e/tests has no *.test.mjs journeys");
    }
    Ok(files)
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
    let artifacts = e2e_dir().join("artifacts");
    fs::create_dir_all(&artifacts).context("could not create e2e/artifacts")?;

    let binary = server::build(false)?;
    let env = vec![("STATIC_DIR", dist.display().to_string()), ("RUST_LOG", "warn".to_owned())];
    let server = Server::start(&binary, admin_url, Options { label: "e2e", env })?;
    let journeys = journey_files()?;
    let mut node = Command::new("node");
    node.args(["--test", "--test-concurrency=1"])
        .args(&journeys)
        .current_dir(e2e_dir())
        .env("E2E_BASE_URL", &server.base_url)
        .env("E2E_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("E2E_ADMIN_PASSWORD", &server.admin_password)
        .env("E2E_DATABASE_URL", &server.db.url)
        .env("E2E_CHROMIUM", CHROMIUM);
    let status = sys::status(&mut node);
    let log = server.log.clone();
    drop(server);
    // Beside the screenshots, where a failing journey is investigated.
    if let Err(err) = fs::copy(&log, artifacts.join("server.log")) {
        eprintln!("e2e: could not copy the server log {}: {err}", log.display());
    }
    let status = status?;
    if !status.success() {
        bail!(
            "browser journeys failed ({}); screenshots and the server log are in {}",
            sys::describe(status),
            artifacts.display()
        );
    }
    println!("e2e: browser journeys passed in {:.0?}", started.elapsed());
    Ok(())
}
