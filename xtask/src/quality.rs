//! The quality gates that `cargo xtask test` runs after the Rust tests:
//!
//! - spec conformance: schemathesis fuzzes every operation of the served OpenAPI document
//!   against the real server (debug build, fresh database) and fails on any 5xx, schema
//!   violation or undocumented status (configuration: `quality/schemathesis.toml`);
//! - generated SDKs: a Python client (openapi-python-client) and TypeScript types
//!   (openapi-typescript) are generated from `openapi/openapi.json` into `sdk-out/`, and
//!   a smoke test in each language signs in, creates and lists users and checks a typed
//!   409 problem against the running server.
//!
//! The Python tools live in the git-ignored `.venv` (pinned in `quality/requirements.txt`),
//! the Node tools in `quality/ts-smoke/node_modules` (pinned by its package-lock.json);
//! both are reinstalled only when their pins change.

use crate::postgres::stable_hash;
use crate::server::{self, Options, Server, ADMIN_USERNAME};
use crate::{http, sys};
use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const REQUIREMENTS: &str = "quality/requirements.txt";
const VENV: &str = ".venv";
const VENV_STAMP: &str = ".xtask-requirements";
const TS_SMOKE: &str = "quality/ts-smoke";
const NODE_STAMP: &str = ".xtask-lock";
/// The generated Python client uses `enum.StrEnum`.
const MIN_PYTHON: (u32, u32) = (3, 11);
const MIN_NODE: u32 = 18;
const VENV_HINT: &str = "on Debian and Ubuntu the venv module needs the `python3-venv` package \
     (run `apt-get install python3-venv` as root); or set PYTHON to a Python 3.11+ that can create \
     virtual environments";
const NODE_HINT: &str = "install Node.js 18 or newer with npm (Debian: `apt-get install nodejs npm` as root)";

/// The project's virtual environment with the pinned Python tools.
pub struct PythonEnv {
    dir: PathBuf,
}

impl PythonEnv {
    pub fn bin(&self, program: &str) -> PathBuf {
        self.dir.join("bin").join(program)
    }

    /// `PATH` with the environment's `bin` first (openapi-python-client runs `ruff`).
    fn path_var(&self) -> OsString {
        let mut dirs = vec![self.dir.join("bin")];
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        std::env::join_paths(dirs).unwrap_or_default()
    }
}

/// `major.minor` from `Python 3.11.7`.
pub fn parse_python_version(text: &str) -> Option<(u32, u32)> {
    let version = text.trim().strip_prefix("Python ")?;
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The major version from `v20.20.2`.
pub fn parse_node_major(text: &str) -> Option<u32> {
    text.trim().strip_prefix('v')?.split('.').next()?.parse().ok()
}

fn stamp_matches(path: &Path, expected: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|s| s.trim() == expected)
}

/// Creates or reuses `.venv` with the tools of `quality/requirements.txt`.
pub fn python_env() -> Result<PythonEnv> {
    let root = sys::repo_root();
    let requirements = root.join(REQUIREMENTS);
    let pins = fs::read(&requirements).with_context(|| format!("could not read {}", requirements.display()))?;
    let stamp_text = format!("{:016x}", stable_hash(&pins));
    let env = PythonEnv { dir: root.join(VENV) };
    let stamp = env.dir.join(VENV_STAMP);
    if stamp_matches(&stamp, &stamp_text) && sys::succeeds(Command::new(env.bin("python")).arg("--version")) {
        println!("Python tools: up to date ({VENV}, {REQUIREMENTS} unchanged)");
        return Ok(env);
    }

    let python = sys::env_nonempty("PYTHON").unwrap_or_else(|| "python3".to_owned());
    let version_text = Command::new(&python)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
        .with_context(|| {
            format!("`{python}` not found: install Python 3.11+ (Debian: `apt-get install python3 python3-venv`) or set PYTHON")
        })?;
    match parse_python_version(&version_text) {
        Some(version) if version >= MIN_PYTHON => {}
        _ => bail!(
            "`{python}` is {}, the quality gates need Python {}.{} or newer: install it or set PYTHON",
            version_text.trim(),
            MIN_PYTHON.0,
            MIN_PYTHON.1
        ),
    }

    println!("Python tools: creating {VENV} with {python} ({}) and installing {REQUIREMENTS}", version_text.trim());
    if env.dir.exists() {
        fs::remove_dir_all(&env.dir).with_context(|| format!("could not remove {}", env.dir.display()))?;
    }
    let mut install = if sys::succeeds(Command::new(&python).args(["-m", "venv"]).arg(&env.dir)) {
        let mut cmd = Command::new(env.bin("python"));
        cmd.args(["-m", "pip"]);
        cmd
    } else {
        // Debian without python3-venv: the venv module works without ensurepip, and a
        // system pip (python3-pip) can install into the environment with --python.
        let _ = fs::remove_dir_all(&env.dir);
        let bare = sys::succeeds(Command::new(&python).args(["-m", "venv", "--without-pip"]).arg(&env.dir));
        if !bare || !sys::succeeds(Command::new(&python).args(["-m", "pip", "--version"])) {
            let _ = fs::remove_dir_all(&env.dir);
            bail!("could not create the Python virtual environment {VENV} with `{python} -m venv`: {VENV_HINT}");
        }
        println!("Python tools: `{python} -m venv` lacks pip (ensurepip); installing with the system pip instead");
        let mut cmd = Command::new(&python);
        cmd.args(["-m", "pip", "--python"]).arg(env.bin("python"));
        cmd
    };
    install
        .args(["install", "--disable-pip-version-check", "--no-input", "--quiet", "-r"])
        .arg(&requirements)
        .current_dir(&root);
    sys::run(&mut install)
        .context("installing the Python tools failed: PyPI must be reachable (or a mirror set with PIP_INDEX_URL)")?;
    fs::write(&stamp, format!("{stamp_text}\n")).with_context(|| format!("could not write {}", stamp.display()))?;
    Ok(env)
}

/// Runs `npm ci` in `quality/ts-smoke` unless its node_modules match the lock file;
/// returns that folder.
pub fn node_tools() -> Result<PathBuf> {
    let dir = sys::repo_root().join(TS_SMOKE);
    let version = sys::output(Command::new("node").arg("--version"))
        .with_context(|| format!("Node.js is needed for the TypeScript SDK check: {NODE_HINT}"))?;
    match parse_node_major(&version) {
        Some(major) if major >= MIN_NODE => {}
        _ => bail!("Node.js {version} is too old for the TypeScript SDK check: {NODE_HINT}"),
    }
    if !sys::on_path("npm") {
        bail!("npm is needed for the TypeScript SDK check: {NODE_HINT}");
    }
    let mut pins = fs::read(dir.join("package.json")).context("could not read quality/ts-smoke/package.json")?;
    pins.extend(fs::read(dir.join("package-lock.json")).context("could not read quality/ts-smoke/package-lock.json")?);
    let stamp_text = format!("{:016x} node {version}", stable_hash(&pins));
    let modules = dir.join("node_modules");
    let stamp = modules.join(NODE_STAMP);
    let tools_present = ["tsc", "openapi-typescript"].iter().all(|t| modules.join(".bin").join(t).exists());
    if tools_present && stamp_matches(&stamp, &stamp_text) {
        println!("Node tools: up to date ({TS_SMOKE}/node_modules matches package-lock.json)");
        return Ok(dir);
    }
    let mut cmd = Command::new("npm");
    cmd.args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir);
    println!("Node tools: {} (in {TS_SMOKE})", sys::display(&cmd));
    sys::run(&mut cmd).context("npm ci failed: the npm registry must be reachable")?;
    fs::write(&stamp, format!("{stamp_text}\n")).with_context(|| format!("could not write {}", stamp.display()))?;
    Ok(dir)
}

/// Removes proxy settings, so that test traffic cannot leave the machine.
fn loopback_only(cmd: &mut Command) {
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(name);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost").env("no_proxy", "127.0.0.1,localhost");
}

/// Schemathesis against the debug server on a fresh database.
pub fn conformance(admin_url: &str) -> Result<()> {
    let root = sys::repo_root();
    let env = python_env()?;
    let binary = server::build(false)?;
    let server = Server::start(
        &binary,
        admin_url,
        Options { label: "conformance", env: vec![("ACCESS_TOKEN_TTL_SECS", "7200".to_owned())] },
    )?;
    let session = server.login()?;
    let out_dir = server::target_dir().join("quality").join("schemathesis");
    fs::create_dir_all(&out_dir).with_context(|| format!("could not create {}", out_dir.display()))?;

    let mut cmd = Command::new(env.bin("schemathesis"));
    cmd.arg("--config-file")
        .arg(root.join("quality/schemathesis.toml"))
        .arg("run")
        .arg(format!("{}/api/openapi.json", server.base_url))
        .arg("-H")
        .arg(format!("Authorization: Bearer {}", session.token))
        .args(["--report", "junit", "--report-dir"])
        .arg(&out_dir)
        .current_dir(&out_dir)
        .env("SCHEMATHESIS_HOOKS", root.join("quality/schemathesis_hooks.py"))
        .env("MARKETINGOS_PROTECTED_USER_ID", session.user_id.to_string());
    loopback_only(&mut cmd);
    println!("{}", sys::display(&cmd).replace(&session.token, "<admin access token>"));
    let status = sys::status(&mut cmd)?;
    if !status.success() {
        bail!(
            "schemathesis reported failures ({}); the server log is {}, the JUnit report is in {}",
            sys::describe(status),
            server.log.display(),
            out_dir.display()
        );
    }

    // The run must have kept its admin session, or it would have tested little.
    let bearer = format!("Bearer {}", session.token);
    let me = http::get(server.addr, "/api/user", &[("Authorization", &bearer)])?;
    if me.status != 200 || !me.body.contains(r#""role":"admin""#) || !me.body.contains(r#""isActive":true"#) {
        bail!(
            "after the schemathesis run the admin session no longer works (GET /api/user answered {}: {}); \
             check quality/schemathesis_hooks.py",
            me.status,
            me.body
        );
    }
    println!("Spec conformance: OK (no 5xx, every response matches the documented status, content type and schema)");
    Ok(())
}

/// Generates the Python and TypeScript SDKs and runs their smoke tests.
pub fn sdks(admin_url: &str) -> Result<()> {
    let root = sys::repo_root();
    let env = python_env()?;
    let ts_dir = node_tools()?;
    let out = root.join("sdk-out");
    let node_bin = ts_dir.join("node_modules").join(".bin");

    let mut python_sdk = Command::new(env.bin("openapi-python-client"));
    python_sdk
        .args(["generate", "--path", "openapi/openapi.json", "--output-path", "sdk-out/python", "--overwrite"])
        .args(["--config", "quality/openapi-python-client.yaml"])
        .current_dir(&root)
        .env("PATH", env.path_var());
    println!("{}", sys::display(&python_sdk));
    sys::run(&mut python_sdk).context("generating the Python SDK failed")?;

    fs::create_dir_all(out.join("ts")).context("could not create sdk-out/ts")?;
    let mut ts_types = Command::new(node_bin.join("openapi-typescript"));
    ts_types.args(["openapi/openapi.json", "-o", "sdk-out/ts/schema.d.ts"]).current_dir(&root);
    println!("{}", sys::display(&ts_types));
    sys::run(&mut ts_types).context("generating the TypeScript types failed")?;

    let dist = ts_dir.join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("could not remove {}", dist.display()))?;
    }
    let mut tsc = Command::new(node_bin.join("tsc"));
    tsc.args(["-p", "quality/ts-smoke/tsconfig.json"]).current_dir(&root);
    println!("{}", sys::display(&tsc));
    sys::run(&mut tsc).context(
        "quality/ts-smoke/smoke.ts does not type-check against the generated types: the OpenAPI document changed \
         in a way that breaks TypeScript clients, or the smoke test needs updating",
    )?;

    let binary = server::build(false)?;
    let server = Server::start(&binary, admin_url, Options { label: "sdk", env: Vec::new() })?;
    let configure = |cmd: &mut Command| {
        cmd.current_dir(&root)
            .env("MARKETINGOS_BASE_URL", &server.base_url)
            .env("MARKETINGOS_ADMIN_USERNAME", ADMIN_USERNAME)
            .env("MARKETINGOS_ADMIN_PASSWORD", &server.admin_password);
        loopback_only(cmd);
    };
    let mut failed = Vec::new();

    let mut python = Command::new(env.bin("python"));
    python.arg("quality/python_smoke.py").env("PYTHONPATH", out.join("python"));
    configure(&mut python);
    println!("{}", sys::display(&python));
    if !sys::status(&mut python)?.success() {
        failed.push("Python (quality/python_smoke.py)");
    }

    let mut node = Command::new("node");
    node.arg("quality/ts-smoke/dist/smoke.js");
    configure(&mut node);
    println!("{}", sys::display(&node));
    if !sys::status(&mut node)?.success() {
        failed.push("TypeScript (quality/ts-smoke/smoke.ts)");
    }

    if !failed.is_empty() {
        bail!("SDK smoke test failed: {} (server log: {})", failed.join(", "), server.log.display());
    }
    println!("Generated SDKs: OK (sdk-out/python, sdk-out/ts)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tool_versions() {
        assert_eq!(parse_python_version("Python 3.11.7\n"), Some((3, 11)));
        assert_eq!(parse_python_version("Python 3.9.2"), Some((3, 9)));
        assert!(parse_python_version("Python 3.9.2").unwrap() < MIN_PYTHON);
        assert_eq!(parse_python_version("pypy"), None);
        assert_eq!(parse_node_major("v20.20.2\n"), Some(20));
        assert_eq!(parse_node_major("18.0.0"), None);
    }

    #[test]
    fn pinned_tools_are_the_agreed_versions() {
        let root = sys::repo_root();
        let requirements = fs::read_to_string(root.join(REQUIREMENTS)).unwrap();
        for pin in ["schemathesis==4.32.5", "openapi-python-client==0.29.1"] {
            assert!(requirements.lines().any(|l| l.trim() == pin), "{pin} missing from {REQUIREMENTS}");
        }
        let package = fs::read_to_string(root.join(TS_SMOKE).join("package.json")).unwrap();
        for tool in ["\"openapi-typescript\"", "\"openapi-fetch\"", "\"typescript\""] {
            assert!(package.contains(tool), "{tool} missing from {TS_SMOKE}/package.json");
        }
        assert!(root.join(TS_SMOKE).join("package-lock.json").is_file());
    }

    #[test]
    fn stamps_compare_trimmed() {
        let dir = std::env::temp_dir().join(format!("xtask-stamp-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stamp");
        assert!(!stamp_matches(&path, "abc"));
        fs::write(&path, "abc\n").unwrap();
        assert!(stamp_matches(&path, "abc"));
        assert!(!stamp_matches(&path, "abd"));
        fs::remove_dir_all(dir).unwrap();
    }
}
