//! Project commands: `cargo xtask run | test | quality | e2e | openapi | bench | db-start | db-stop`.

mod bench;
#[cfg(test)]
mod cycles;
mod demo;
mod e2e;
mod fanout;
mod http;
mod postgres;
mod quality;
mod server;
mod spa;
mod split;
mod sys;

use anyhow::{bail, Context, Result};
use postgres::Cluster;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
Usage: cargo xtask <command>

Commands:
  run [--release] [--demo]
                   Start the API server (cargo run -p server --bin marketingos) against
                   DATABASE_URL, or else a private PostgreSQL cluster on 127.0.0.1:54329;
                   --demo: when the database has no leads yet, seed demo data through the
                   API (users of every role, clients, campaigns, leads, tasks) and print
                   the demo sign-ins
  test             1 cargo fmt --check  2 cargo clippy -D warnings  3 PostgreSQL
                   (DATABASE_URL, 127.0.0.1:5432 or the private cluster)  4 cargo test
                   --workspace  5 spec conformance: schemathesis against the server
                   (quality/schemathesis.toml)  6 generated SDKs: Python and TypeScript
                   clients from openapi/openapi.json into sdk-out/, smoke-tested
                   7 web app: release wasm build, then the browser journeys (e2e)
  quality          Steps 3, 5 and 6 of `test` only (conformance and SDKs)
  e2e              Steps 3 and 7 of `test` only: build the web app (frontend/ into
                   frontend/dist) and run the browser journeys (e2e/) with Chromium
  build-spa        Build the web app into frontend/dist (release wasm + wasm-bindgen)
  openapi          Write the server's OpenAPI document to openapi/openapi.json
  bench [--leads N]
                   Load benchmark of the release server with wrk (10,000 seeded users,
                   tasks and leads, or N leads for the CRM search runs: 1000000 takes a
                   few minutes more); writes target/bench/latest.md
  db-start         Start the private PostgreSQL cluster and print its DATABASE_URL
  db-stop          Stop the private PostgreSQL cluster
  help             Show this text

Environment:
  DATABASE_URL          PostgreSQL to use instead of the private cluster (for test,
                        quality and bench: an admin URL; each run creates and drops
                        its own databases)
  JWT_SECRET            run: default generated once and kept in <data dir>/jwt-secret
  VAPID_PRIVATE_KEY     run: web push key, generated once and kept in <data dir>/vapid-private-key
  ADMIN_EMAIL           run: bootstrap admin, default admin@example.com
  ADMIN_PASSWORD        run: default generated once and kept in <data dir>/admin-password
  PYTHON                test, quality: the Python 3.11+ that creates .venv (default python3)
  MARKETINGOS_DATA_DIR  local state (cluster, secrets), default <repo>/.data;
                        relative paths are taken from the repository root
";

const DEFAULT_ADMIN_EMAIL: &str = "admin@example.com";
const APP_DATABASE: &str = "marketingos";

#[derive(Debug, PartialEq, Eq)]
enum Cmd {
    Run { release: bool, demo: bool },
    BuildSpa,
    Test,
    Quality,
    E2e,
    Openapi,
    Bench { leads: u32 },
    DbStart,
    DbStop,
    Help,
}

fn parse_args<S: AsRef<str>>(args: &[S]) -> Result<Cmd, String> {
    let Some((first, rest)) = args.split_first() else {
        return Ok(Cmd::Help);
    };
    let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
    if rest.iter().any(|a| matches!(*a, "-h" | "--help")) {
        return Ok(Cmd::Help);
    }
    let no_args = |cmd: Cmd| match rest.first() {
        None => Ok(cmd),
        Some(extra) => Err(format!("unexpected argument `{extra}` for `{}`", first.as_ref())),
    };
    match first.as_ref() {
        "run" => {
            let (mut release, mut demo) = (false, false);
            for arg in rest {
                match arg {
                    "--release" if !release => release = true,
                    "--demo" if !demo => demo = true,
                    other => return Err(format!("unexpected argument `{other}` for `run`")),
                }
            }
            Ok(Cmd::Run { release, demo })
        }
        "test" => no_args(Cmd::Test),
        "quality" => no_args(Cmd::Quality),
        "e2e" => no_args(Cmd::E2e),
        "build-spa" => no_args(Cmd::BuildSpa),
        "openapi" => no_args(Cmd::Openapi),
        "bench" => match rest.as_slice() {
            [] => Ok(Cmd::Bench { leads: bench::DEFAULT_LEADS }),
            ["--leads", n] => match n.parse::<u32>() {
                Ok(leads) if (1..=bench::MAX_LEADS).contains(&leads) => Ok(Cmd::Bench { leads }),
                _ => Err(format!("`--leads` takes a number of leads from 1 to {}, not `{n}`", bench::MAX_LEADS)),
            },
            ["--leads"] => Err("`--leads` needs a number of leads".to_owned()),
            [other, ..] => Err(format!("unexpected argument `{other}` for `bench`")),
        },
        "db-start" => no_args(Cmd::DbStart),
        "db-stop" => no_args(Cmd::DbStop),
        "help" | "-h" | "--help" => Ok(Cmd::Help),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match parse_args(&args) {
        Ok(cmd) => cmd,
        Err(msg) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match cmd {
        Cmd::Run { release, demo } => run(release, demo),
        Cmd::Test => test(),
        Cmd::Quality => quality_only(),
        Cmd::E2e => e2e_only(),
        Cmd::BuildSpa => spa::build_spa().map(|dir| {
            println!("Web app built into {}", dir.display());
            ExitCode::SUCCESS
        }),
        Cmd::Openapi => openapi(),
        Cmd::Bench { leads } => run_bench(leads),
        Cmd::DbStart => db_start(),
        Cmd::DbStop => db_stop(),
        Cmd::Help => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|err| {
        eprintln!("error: {err:#}");
        ExitCode::FAILURE
    })
}

/// The private cluster for the configured data dir, created on demand.
fn private_cluster(create: bool) -> Result<Cluster> {
    Cluster::locate(postgres::find_bindir()?, &sys::data_dir(), create)
}

fn run(release: bool, demo: bool) -> Result<ExitCode> {
    let data = sys::data_dir();
    let jwt_env = sys::env_nonempty("JWT_SECRET");
    if jwt_env.as_ref().is_some_and(|s| s.chars().count() < 32) {
        bail!("JWT_SECRET is shorter than 32 characters: unset it to use a generated one, or set a longer one");
    }
    let password_env = sys::env_nonempty("ADMIN_PASSWORD");
    if password_env.as_ref().is_some_and(|s| s.chars().count() < 12) {
        bail!("ADMIN_PASSWORD is shorter than 12 characters: unset it to use a generated one, or set a longer one");
    }

    let mut private = None;
    let database_url = match sys::env_nonempty("DATABASE_URL") {
        Some(url) => {
            println!("Database: {} (DATABASE_URL)", sys::redact_url(&url));
            url
        }
        None => {
            let cluster = private_cluster(true)?;
            cluster.start()?;
            cluster.create_database(APP_DATABASE)?;
            let url = cluster.url(APP_DATABASE);
            println!("Database: {url} (private cluster)");
            private = Some(cluster);
            url
        }
    };

    let jwt_secret = match jwt_env {
        Some(secret) => secret,
        None => sys::persisted_secret(&data.join("jwt-secret"), 24)?.0,
    };
    // Web push is on by default, signed with a key kept beside the JWT secret.
    let vapid_key = match sys::env_nonempty("VAPID_PRIVATE_KEY") {
        Some(key) => key,
        None => sys::persisted_secret(&data.join("vapid-private-key"), 32)?.0,
    };
    let admin_email = sys::env_nonempty("ADMIN_EMAIL").unwrap_or_else(|| DEFAULT_ADMIN_EMAIL.to_owned());
    let admin_password = match password_env {
        Some(password) => {
            println!("Bootstrap admin: {admin_email} / (password from ADMIN_PASSWORD)");
            password
        }
        None => {
            let file = data.join("admin-password");
            let (password, _) = sys::persisted_secret(&file, 12)?;
            println!("Bootstrap admin: {admin_email} / {password}");
            println!("  (created at the first start only; the password is kept in {})", file.display());
            password
        }
    };

    let dist = spa::build_spa().context("building the web app")?;
    let mut cmd = sys::cargo();
    cmd.args(["run", "-p", "server", "--bin", "marketingos"]);
    if release {
        cmd.arg("--release");
    }
    cmd.env("DATABASE_URL", &database_url)
        .env("JWT_SECRET", &jwt_secret)
        .env("VAPID_PRIVATE_KEY", &vapid_key)
        .env("ADMIN_EMAIL", &admin_email)
        .env("ADMIN_PASSWORD", &admin_password)
        .env("STATIC_DIR", &dist);
    let bind = sys::env_nonempty("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    if demo && sys::env_nonempty("RATE_LIMIT_API_REQUESTS").is_none() {
        // Seeding sends several hundred requests as one user, and clicking through a demo
        // would soon exhaust the production default of 100 requests per 15 minutes.
        cmd.env("RATE_LIMIT_API_REQUESTS", DEMO_API_RATE_LIMIT.to_string());
        println!("Demo: RATE_LIMIT_API_REQUESTS={DEMO_API_RATE_LIMIT} (set it to override)");
    }
    println!("Starting the server on http://{bind} (Ctrl-C to stop)");
    sys::survive_ctrl_c();
    let status = if demo {
        let file = data.join(demo::PASSWORD_FILE);
        let password = sys::persisted_secret(&file, 8)?.0;
        run_with_demo(&mut cmd, &bind, &admin_email, &admin_password, (&password, &file))?
    } else {
        sys::status(&mut cmd)?
    };
    if private.is_some() {
        println!("The private PostgreSQL cluster is still running; stop it with `cargo xtask db-stop`.");
    }
    Ok(ExitCode::from(sys::exit_code(status)))
}

/// The API rate limit (requests per window) of `run --demo` unless RATE_LIMIT_API_REQUESTS is set.
const DEMO_API_RATE_LIMIT: u32 = 100_000;

/// The loopback address to reach a server listening on `bind` (`0.0.0.0:80` → `127.0.0.1:80`).
fn local_addr(bind: &str) -> Result<SocketAddr> {
    let mut addr: SocketAddr = bind.parse().with_context(|| format!("BIND_ADDR {bind:?} is not an ip:port address"))?;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() { Ipv4Addr::LOCALHOST.into() } else { Ipv6Addr::LOCALHOST.into() });
    }
    Ok(addr)
}

/// Starts the server, seeds the demo data once it is ready, prints the sign-ins and
/// waits for the server to exit. A seeding failure is reported and the server keeps running.
fn run_with_demo(
    cmd: &mut std::process::Command,
    bind: &str,
    admin: &str,
    admin_password: &str,
    (password, password_file): (&str, &std::path::Path),
) -> Result<std::process::ExitStatus> {
    let addr = local_addr(bind)?;
    // Seeding whatever already answers there would fill someone else's database.
    if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
        bail!("{addr} is already in use: stop the program listening there or set BIND_ADDR to a free address");
    }
    let mut child = cmd.spawn().with_context(|| format!("could not start `{}`", sys::display(cmd)))?;
    // No time limit: `cargo run` may compile the server first.
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if http::get(addr, "/health/ready", &[]).is_ok_and(|r| r.status == 200) {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let plan = demo::plan(chrono::Utc::now().date_naive(), password);
    println!("Demo: seeding demo data through http://{addr}/api as {admin}");
    match demo::seed(addr, admin, admin_password, &plan) {
        Ok(demo::Outcome::AlreadyHasLeads(n)) => {
            println!("Demo: the database already holds {n} leads, so no demo data was seeded.");
            println!("Demo sign-ins, if `run --demo` seeded this database:");
            print_sign_ins(&plan, password, password_file);
        }
        Ok(demo::Outcome::Seeded(summary)) => {
            println!("Demo: seeded in {:.1} s: {}", summary.seconds, summary.lines.join("; "));
            println!("Demo sign-ins:");
            print_sign_ins(&plan, password, password_file);
        }
        Err(err) => eprintln!("error: seeding the demo data failed (the server keeps running): {err:#}"),
    }
    child.wait().context("waiting for the server")
}

fn print_sign_ins(plan: &demo::Plan, password: &str, file: &std::path::Path) {
    for (role, email) in demo::sign_ins(plan) {
        println!("  {role:<22} {email}");
    }
    println!("  password of all of them: {password} (kept in {})", file.display());
}

/// The number of steps of `cargo xtask test`.
const STEPS: u8 = 7;

fn test() -> Result<ExitCode> {
    sys::survive_ctrl_c();
    for (component, subcommand) in [("rustfmt", "fmt"), ("clippy", "clippy")] {
        if !sys::succeeds(sys::cargo().args([subcommand, "--version"])) {
            bail!("{component} is not installed: run `rustup component add {component}`");
        }
    }
    let mut timings = Vec::new();
    step(
        1,
        "formatting",
        sys::cargo().args(["fmt", "--all", "--", "--check"]),
        "run `cargo fmt --all` to fix it",
        &mut timings,
    )?;
    step(
        2,
        "clippy",
        sys::cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        "fix the warnings above",
        &mut timings,
    )?;

    println!("==> [3/{STEPS}] PostgreSQL");
    let (database_url, source, started) =
        test_database().with_context(|| format!("xtask test failed at step 3/{STEPS} (PostgreSQL)"))?;
    println!("Using {} ({source})", sys::redact_url(&database_url));

    let result = step(
        4,
        "tests",
        sys::cargo().args(["test", "--workspace"]).env("DATABASE_URL", &database_url),
        "see the failures above",
        &mut timings,
    )
    .and_then(|()| quality_steps(&database_url, &mut timings))
    .and_then(|()| web_step(&database_url, &mut timings));
    if let Some(cluster) = started {
        println!("PostgreSQL: stopping the private cluster started for the tests");
        cluster.stop()?;
    }
    result?;
    println!(
        "xtask test: OK: cargo fmt --check, cargo clippy -D warnings, cargo test --workspace, spec conformance, \
         generated SDKs, web app and browser journeys against {} ({source})",
        sys::redact_url(&database_url)
    );
    print_timings(&timings);
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask quality`: steps 3, 5 and 6 of `cargo xtask test`.
fn quality_only() -> Result<ExitCode> {
    with_test_database("quality", "spec conformance and generated SDKs", quality_steps)
}

/// Step 3 (PostgreSQL), then `steps` against it; the private cluster, if started, is
/// stopped again whatever the steps did.
fn with_test_database(command: &str, done: &str, steps: fn(&str, &mut Timings) -> Result<()>) -> Result<ExitCode> {
    sys::survive_ctrl_c();
    println!("==> [3/{STEPS}] PostgreSQL");
    let (database_url, source, started) =
        test_database().with_context(|| format!("xtask {command} failed at step 3/{STEPS} (PostgreSQL)"))?;
    println!("Using {} ({source})", sys::redact_url(&database_url));
    let mut timings = Vec::new();
    let result = steps(&database_url, &mut timings);
    if let Some(cluster) = started {
        println!("PostgreSQL: stopping the private cluster started for `xtask {command}`");
        cluster.stop()?;
    }
    result?;
    println!("xtask {command}: OK: {done}");
    print_timings(&timings);
    Ok(ExitCode::SUCCESS)
}

/// Steps 5 (schemathesis) and 6 (SDKs) against the PostgreSQL of `database_url`.
fn quality_steps(database_url: &str, timings: &mut Timings) -> Result<()> {
    type Check = fn(&str) -> Result<()>;
    let checks: [(u8, &str, Check); 2] = [
        (5, "spec conformance (schemathesis)", quality::conformance),
        (6, "generated SDKs (Python, TypeScript)", quality::sdks),
    ];
    for (n, name, check) in checks {
        println!("==> [{n}/{STEPS}] {name}");
        let started = Instant::now();
        let result = check(database_url);
        timings.push((name.to_owned(), started.elapsed()));
        result.with_context(|| format!("xtask test failed at step {n}/{STEPS} ({name})"))?;
        println!("--- [{n}/{STEPS}] {name}: OK in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Step 7: the web app (release wasm) and the browser journeys against it.
fn web_step(database_url: &str, timings: &mut Timings) -> Result<()> {
    let name = "web app and browser journeys";
    println!("==> [7/{STEPS}] {name}");
    let started = Instant::now();
    let result = spa::build_spa().and_then(|_| e2e::run(database_url));
    timings.push((name.to_owned(), started.elapsed()));
    result.with_context(|| format!("xtask test failed at step 7/{STEPS} ({name})"))?;
    println!("--- [7/{STEPS}] {name}: OK in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo xtask e2e`: steps 3 and 7 of `cargo xtask test`.
fn e2e_only() -> Result<ExitCode> {
    with_test_database("e2e", "web app built, browser journeys passed", web_step)
}

/// Each step's name and how long it took.
type Timings = Vec<(String, Duration)>;

fn print_timings(timings: &[(String, Duration)]) {
    let parts: Vec<String> = timings.iter().map(|(name, d)| format!("{name} {:.1} s", d.as_secs_f64())).collect();
    println!("Timings: {}", parts.join(", "));
}

/// Runs one numbered step of `cargo xtask test`, failing with a message naming it.
fn step(n: u8, name: &str, cmd: &mut std::process::Command, hint: &str, timings: &mut Timings) -> Result<()> {
    let shown = sys::display(cmd);
    println!("==> [{n}/{STEPS}] {shown}");
    let started = Instant::now();
    let status = sys::status(cmd)?;
    timings.push((name.to_owned(), started.elapsed()));
    if !status.success() {
        bail!("xtask test failed at step {n}/{STEPS} ({name}: `{shown}`, {}): {hint}", sys::describe(status));
    }
    Ok(())
}

fn run_bench(leads: u32) -> Result<ExitCode> {
    sys::survive_ctrl_c();
    let (database_url, source, started) = test_database().context("xtask bench: no PostgreSQL")?;
    println!("PostgreSQL: {} ({source})", sys::redact_url(&database_url));
    let result = bench::bench(&database_url, leads);
    if let Some(cluster) = started {
        println!("PostgreSQL: stopping the private cluster started for the benchmark");
        cluster.stop()?;
    }
    result
}

/// The admin DATABASE_URL for the tests, where it came from, and the private cluster
/// when this call started it (to be stopped afterwards).
fn test_database() -> Result<(String, &'static str, Option<Cluster>)> {
    if let Some(url) = sys::env_nonempty("DATABASE_URL") {
        return Ok((url, "DATABASE_URL", None));
    }
    let system: SocketAddr = ([127, 0, 0, 1], 5432).into();
    if TcpStream::connect_timeout(&system, Duration::from_secs(1)).is_ok() {
        let url = postgres::database_url("127.0.0.1", 5432, "postgres");
        return Ok((url, "PostgreSQL on 127.0.0.1:5432", None));
    }
    let cluster = private_cluster(true)?;
    let started = cluster.start()?;
    let url = cluster.url("postgres");
    Ok((url, "private cluster", started.then_some(cluster)))
}

fn openapi() -> Result<ExitCode> {
    let mut cmd = sys::cargo();
    cmd.args(["run", "-q", "-p", "server", "--bin", "marketingos", "--", "openapi"]);
    let json = sys::output(&mut cmd)?;
    if !json.starts_with('{') {
        bail!("`{}` did not print a JSON document", sys::display(&cmd));
    }
    let dir = sys::repo_root().join("openapi");
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    let path = dir.join("openapi.json");
    std::fs::write(&path, format!("{json}\n")).with_context(|| format!("could not write {}", path.display()))?;
    println!("Wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

fn db_start() -> Result<ExitCode> {
    let cluster = private_cluster(true)?;
    cluster.start()?;
    cluster.create_database(APP_DATABASE)?;
    println!("DATABASE_URL={}", cluster.url(APP_DATABASE));
    println!("Stop it with `cargo xtask db-stop`.");
    Ok(ExitCode::SUCCESS)
}

fn db_stop() -> Result<ExitCode> {
    let cluster = private_cluster(false)?;
    if !cluster.exists() {
        println!("PostgreSQL: no private cluster for {}", sys::data_dir().display());
    } else if cluster.stop()? {
        println!("PostgreSQL: stopped the private cluster ({})", cluster.pgdata().display());
    } else {
        println!("PostgreSQL: the private cluster is not running ({})", cluster.pgdata().display());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse_args::<&str>(&[]), Ok(Cmd::Help));
        assert_eq!(parse_args(&["run"]), Ok(Cmd::Run { release: false, demo: false }));
        assert_eq!(parse_args(&["run", "--release"]), Ok(Cmd::Run { release: true, demo: false }));
        assert_eq!(parse_args(&["run", "--demo"]), Ok(Cmd::Run { release: false, demo: true }));
        for args in [["run", "--release", "--demo"], ["run", "--demo", "--release"]] {
            assert_eq!(parse_args(&args), Ok(Cmd::Run { release: true, demo: true }));
        }
        assert_eq!(parse_args(&["test"]), Ok(Cmd::Test));
        assert_eq!(parse_args(&["quality"]), Ok(Cmd::Quality));
        assert_eq!(parse_args(&["e2e"]), Ok(Cmd::E2e));
        assert_eq!(parse_args(&["build-spa"]), Ok(Cmd::BuildSpa));
        assert_eq!(parse_args(&["openapi"]), Ok(Cmd::Openapi));
        assert_eq!(parse_args(&["bench"]), Ok(Cmd::Bench { leads: 10_000 }));
        assert_eq!(parse_args(&["bench", "--leads", "1000000"]), Ok(Cmd::Bench { leads: 1_000_000 }));
        assert_eq!(parse_args(&["db-start"]), Ok(Cmd::DbStart));
        assert_eq!(parse_args(&["db-stop"]), Ok(Cmd::DbStop));
        for help in ["help", "-h", "--help"] {
            assert_eq!(parse_args(&[help]), Ok(Cmd::Help));
        }
        assert_eq!(parse_args(&["test", "--help"]), Ok(Cmd::Help));
    }

    #[test]
    fn rejects_unknown_input() {
        assert!(parse_args(&["deploy"]).unwrap_err().contains("unknown command `deploy`"));
        assert!(parse_args(&["run", "--fast"]).unwrap_err().contains("`--fast`"));
        assert!(parse_args(&["run", "--release", "x"]).is_err());
        assert!(parse_args(&["run", "--demo", "--demo"]).unwrap_err().contains("`--demo`"));
        assert!(parse_args(&["test", "extra"]).unwrap_err().contains("`extra`"));
        assert!(parse_args(&["bench", "--fast"]).unwrap_err().contains("`--fast`"));
        for bad in ["0", "-5", "1e6", "10000000"] {
            assert!(parse_args(&["bench", "--leads", bad]).unwrap_err().contains(&format!("`{bad}`")), "{bad}");
        }
        assert!(parse_args(&["bench", "--leads"]).is_err());
        assert!(parse_args(&["bench", "--leads", "5", "x"]).is_err());
        assert!(parse_args(&["quality", "x"]).is_err());
        assert!(parse_args(&["--release"]).is_err());
    }

    #[test]
    fn usage_lists_every_command() {
        for cmd in ["run [--release]", "test", "quality", "e2e", "openapi", "bench", "db-start", "db-stop"] {
            assert!(USAGE.contains(&format!("  {cmd} ")), "{cmd} missing from usage");
        }
        assert!(USAGE.contains("  run [--release] [--demo]\n"));
        assert!(USAGE.contains("  bench [--leads N]\n"));
        assert!(USAGE.contains("MARKETINGOS_DATA_DIR"));
        assert!(USAGE.contains("PYTHON "));
    }

    #[test]
    fn demo_seeding_reaches_the_server_over_loopback() {
        assert_eq!(local_addr("127.0.0.1:8080").unwrap(), SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(local_addr("0.0.0.0:9000").unwrap(), SocketAddr::from(([127, 0, 0, 1], 9000)));
        assert_eq!(local_addr("[::]:9000").unwrap(), SocketAddr::from((Ipv6Addr::LOCALHOST, 9000)));
        assert!(local_addr("localhost:8080").unwrap_err().to_string().contains("BIND_ADDR"));
    }

    #[test]
    fn usage_describes_every_test_step() {
        let test = &USAGE[USAGE.find("  test ").unwrap()..USAGE.find("  quality ").unwrap()];
        for n in 1..=STEPS {
            assert!(test.contains(&format!("{n} ")), "step {n} missing from the usage of test");
        }
        for needle in ["schemathesis", "SDKs", "cargo test"] {
            assert!(test.contains(needle), "{needle} missing from the usage of test");
        }
    }
}
