//! `cargo xtask bench`: load-tests the release server with wrk on loopback.
//!
//! A fresh database is seeded with 10,000 users in one `generate_series` statement, all
//! sharing the argon2id hash of the bootstrap admin's password (created by the server at
//! start-up, so the hash is real), with 10,000 tasks and 1,000 clients the same way, and
//! with realistic leads (10,000, or `--leads N`) for the CRM search runs (see
//! [`lead_insert_sql`]). Each endpoint is then driven by
//! `wrk -t2 -c32 -d10s --latency`; requests/s, p50, p99 and errors are collected into a
//! Markdown table, printed and written to `target/bench/latest.md`, together with the
//! server's peak resident memory (VmHWM). Nothing is asserted: the numbers are a report.

use crate::fanout;
use crate::server::{self, Options, Server};
use crate::sys;
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

const SEED_USERS: u32 = 10_000;
const SEED_TASKS: u32 = 10_000;
const SEED_CLIENTS: u32 = 1_000;
const SEED_NOTIFICATIONS: u32 = 10_000;
/// Leads seeded unless `--leads` says otherwise.
pub const DEFAULT_LEADS: u32 = 10_000;
/// `--leads` above this would run out of the 7-digit phone numbers that keep leads unique.
pub const MAX_LEADS: u32 = 9_999_999;
/// A search term matching about 2% of the seeded leads (one of the 50 last names).
const COMMON_TERM: &str = "smith";
/// A search term matching one seeded lead in 9,973 (a last name used only that often).
const RARE_TERM: &str = "vanderwoude";
const THREADS: u32 = 2;
const CONNECTIONS: u32 = 32;
const DURATION_SECS: u32 = 10;

/// What wrk reported for one endpoint.
#[derive(Debug, Default, PartialEq)]
pub struct WrkResult {
    pub requests: u64,
    pub requests_per_sec: f64,
    pub p50: String,
    pub p99: String,
    pub non_2xx_3xx: u64,
    pub socket_errors: u64,
}

impl WrkResult {
    pub fn errors(&self) -> u64 {
        self.non_2xx_3xx + self.socket_errors
    }
}

/// A wrk latency (`759.00us`, `1.21ms`, `1.34s`, `1.02m`) in milliseconds.
pub fn latency_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let value: f64 = text[..split].parse().ok()?;
    let factor = match &text[split..] {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        _ => return None,
    };
    Some(value * factor)
}

/// Milliseconds with a precision that suits their size: `0.76 ms`, `36.8 ms`, `1340 ms`.
pub fn format_ms(text: &str) -> String {
    match latency_ms(text) {
        Some(ms) if ms < 10.0 => format!("{ms:.2} ms"),
        Some(ms) if ms < 100.0 => format!("{ms:.1} ms"),
        Some(ms) => format!("{ms:.0} ms"),
        None => text.to_owned(),
    }
}

/// Parses the output of `wrk --latency`.
pub fn parse_wrk(output: &str) -> Result<WrkResult> {
    let mut result = WrkResult::default();
    let mut in_distribution = false;
    for line in output.lines() {
        let line = line.trim();
        if line.starts_with("Latency Distribution") {
            in_distribution = true;
            continue;
        }
        if in_distribution {
            match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["50%", value] => result.p50 = (*value).to_owned(),
                ["99%", value] => result.p99 = (*value).to_owned(),
                [percent, _] if percent.ends_with('%') => {}
                _ => in_distribution = false,
            }
        }
        if let Some(value) = line.strip_prefix("Requests/sec:") {
            result.requests_per_sec = value.trim().parse().context("bad Requests/sec")?;
        } else if let Some(value) = line.strip_prefix("Non-2xx or 3xx responses:") {
            result.non_2xx_3xx = value.trim().parse().context("bad Non-2xx count")?;
        } else if let Some(value) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            result.socket_errors =
                value.split(',').filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok()).sum();
        } else if line.contains(" requests in ") {
            result.requests = line.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
        }
    }
    if result.p50.is_empty() || result.p99.is_empty() || result.requests == 0 {
        bail!("could not read requests, p50 and p99 from the wrk output");
    }
    Ok(result)
}

/// The Lua script for `POST /api/users`: unique usernames per thread and request.
pub fn create_user_script(token: &str, run_id: &str) -> String {
    format!(
        r#"-- Written by `cargo xtask bench`: POST /api/users with unique usernames.
local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
end

local counter = 0
request = function()
  counter = counter + 1
  local name = string.format("wrk_{run_id}_%d_%d", thread_id, counter)
  local body = string.format('{{"username":"%s","password":"bench-password-1","email":"%s@example.com"}}', name, name)
  return wrk.format("POST", "/api/users", {{
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer {token}",
  }}, body)
end
"#
    )
}

const FIRST_NAMES: &str = "'James','Mary','Robert','Patricia','John','Jennifer','Michael','Linda','David',\
    'Elizabeth','William','Barbara','Richard','Susan','Joseph','Jessica','Thomas','Sarah','Charles','Karen','Daniel',\
    'Lisa','Matthew','Nancy','Anthony','Betty','Mark','Sandra','Donald','Ashley','Steven','Kimberly','Andrew','Emily',\
    'Paul','Donna','Joshua','Michelle','Kenneth','Carol','Kevin','Amanda','Brian','Melissa','George','Deborah',\
    'Timothy','Stephanie','Ronald','Rebecca'";
const LAST_NAMES: &str = "'Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez',\
    'Martinez','Hernandez','Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin','Lee',\
    'Perez','Thompson','White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson','Walker','Young','Allen','King',\
    'Wright','Scott','Torres','Nguyen','Hill','Flores','Green','Adams','Nelson','Baker','Hall','Rivera','Campbell',\
    'Mitchell','Carter','Roberts'";
const COMPANY_WORDS: &str = "'Acme','Blue Ridge','Summit','Pioneer','Evergreen','Golden','Silver','Northern',\
    'Coastal','Prairie','Metro','Harbor','Granite','Redwood','Sunrise','Maple','Cedar','Liberty','Keystone','Horizon',\
    'Pinnacle','Riverbend','Oakwood','Lakeside','Highland','Crescent','Beacon','Frontier','Heritage','Union'";
const COMPANY_KINDS: &str = "'Dental','Realty','Fitness','Bakery','Roofing','Plumbing','Logistics','Law Group',\
    'Insurance','Auto Repair','Landscaping','Veterinary','Consulting','Software','Catering','Outfitters','Pediatrics',\
    'Salon','Builders','Marketing'";

/// One `INSERT … SELECT … FROM generate_series(1, n)` of leads that look like a real
/// pipeline to trigram search: 50 first × 50 last names (plus [`RARE_TERM`]), 600
/// companies, emails at the company's domain, unique emails and phone numbers, every
/// stage, score and source, and `created_at` one minute apart (oldest first, as rows
/// arrive in production) ending now.
pub fn lead_insert_sql(n: u32) -> String {
    format!(
        "WITH rows AS (INSERT INTO leads (name, first_name, last_name, email, phone, company, stage, score, source, \
         value, tags, created_at, updated_at) \
         SELECT p.first || ' ' || p.last, p.first, p.last, \
         lower(p.first || '.' || p.last) || i || '@' || lower(replace(p.company, ' ', '')) || '.example.com', \
         '+1 555 ' || lpad(i::text, 7, '0'), p.company, \
         (ARRAY['prospect','contacted','qualified','proposal','closed_won','closed_lost'])[1 + i % 6], \
         (ARRAY['hot','warm','cold'])[1 + i % 3], \
         (ARRAY['website','referral','social','manual','import','email','event','advertising','other'])[1 + i % 9], \
         (i % 100) * 100, ARRAY[(ARRAY['smb','enterprise','ecommerce','local'])[1 + i % 4]], \
         now() - ({n} - i) * interval '1 minute', now() - ({n} - i) * interval '1 minute' \
         FROM generate_series(1, {n}) AS i CROSS JOIN LATERAL (SELECT \
         (ARRAY[{FIRST_NAMES}])[1 + i % 50] AS first, \
         CASE WHEN i % 9973 = 0 THEN '{rare}' ELSE (ARRAY[{LAST_NAMES}])[1 + (i / 7) % 50] END AS last, \
         (ARRAY[{COMPANY_WORDS}])[1 + (i / 3) % 30] || ' ' || (ARRAY[{COMPANY_KINDS}])[1 + (i / 11) % 20] AS company\
         ) AS p RETURNING 1) SELECT count(*) FROM rows",
        rare = capitalised(RARE_TERM),
    )
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Seeds `n` leads. The secondary indexes are dropped first and rebuilt afterwards from
/// their own definitions (as PostgreSQL reports them, so they stay the migrations'):
/// building a trigram index once is several times faster than updating it row by row.
/// VACUUM sets the visibility map that autovacuum would, so counts can use index-only scans.
fn seed_leads(db: &server::Database, n: u32) -> Result<String> {
    let definitions = db.sql(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'leads' \
         AND indexname <> 'leads_pkey' ORDER BY indexname",
    )?;
    let names = db.sql(
        "SELECT string_agg(indexname, ', ') FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'leads' \
         AND indexname <> 'leads_pkey'",
    )?;
    if !names.is_empty() {
        db.sql(&format!("DROP INDEX {names}"))?;
    }
    let inserted = db.sql(&lead_insert_sql(n))?;
    let started = Instant::now();
    let mut rebuild = String::from("SET maintenance_work_mem = '256MB';");
    for definition in definitions.lines().filter(|l| !l.trim().is_empty()) {
        rebuild.push_str(definition);
        rebuild.push(';');
    }
    db.sql(&rebuild)?;
    println!("Rebuilt the leads indexes in {:.1} s", started.elapsed().as_secs_f64());
    db.sql("VACUUM ANALYZE leads")?;
    Ok(inserted)
}

/// The peak resident set size (VmHWM) of a process, in KiB.
pub fn peak_rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// wrk on PATH; as root with apt-get, installs the Debian package when missing.
fn ensure_wrk() -> Result<()> {
    if sys::on_path("wrk") {
        return Ok(());
    }
    if sys::is_root() && sys::on_path("apt-get") {
        println!("wrk is not installed; installing the Debian package wrk with apt-get");
        let install =
            || sys::succeeds(Command::new("apt-get").args(["install", "-y", "--no-install-recommends", "wrk"]));
        if !install() {
            sys::run(Command::new("apt-get").arg("update"))?;
            if !install() {
                bail!("`apt-get install wrk` failed");
            }
        }
        if sys::on_path("wrk") {
            return Ok(());
        }
    }
    bail!(
        "wrk is not installed: install it with `apt-get install wrk` (Debian/Ubuntu, as root), \
         `brew install wrk` (macOS) or from https://github.com/wg/wrk"
    )
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn run_wrk(url: &str, headers: &[String], script: Option<&Path>) -> Result<WrkResult> {
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{THREADS}")).arg(format!("-c{CONNECTIONS}")).arg(format!("-d{DURATION_SECS}s")).args([
        "--latency",
        "--timeout",
        "10s",
    ]);
    for header in headers {
        cmd.arg("-H").arg(header);
    }
    if let Some(script) = script {
        cmd.arg("-s").arg(script);
    }
    cmd.arg(url);
    let output = sys::output(&mut cmd).context("wrk failed")?;
    println!("{output}");
    parse_wrk(&output)
}

/// No-op jobs the queue row runs.
const QUEUE_JOBS: u32 = 20_000;

/// Seconds the server's workers take to run `QUEUE_JOBS` no-op jobs, queued at once
/// (without a NOTIFY: the first is claimed at the workers' next one-second look).
fn job_throughput(db: &server::Database) -> Result<f64> {
    println!("==> job queue: {QUEUE_JOBS} no-op jobs");
    let started = Instant::now();
    db.sql(&format!("INSERT INTO jobs (kind, max_attempts) SELECT 'noop', 1 FROM generate_series(1, {QUEUE_JOBS})"))?;
    loop {
        let done: u32 = db.sql("SELECT count(*) FROM jobs WHERE kind = 'noop' AND state = 'succeeded'")?.parse()?;
        if done == QUEUE_JOBS {
            return Ok(started.elapsed().as_secs_f64());
        }
        if started.elapsed() > std::time::Duration::from_secs(600) {
            bail!("the workers ran {done} of {QUEUE_JOBS} no-op jobs in 10 minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

pub fn bench(admin_url: &str, leads: u32) -> Result<ExitCode> {
    ensure_wrk()?;
    let binary = server::build(true)?;
    let server = Server::start(
        &binary,
        admin_url,
        Options {
            label: "bench",
            env: vec![
                ("RATE_LIMIT_API_REQUESTS", "1000000000".to_owned()),
                ("RATE_LIMIT_AUTH_REQUESTS", "1000000000".to_owned()),
                ("ACCESS_TOKEN_TTL_SECS", "7200".to_owned()),
            ],
        },
    )?;
    let pid = server.pid().context("the server is not running")?;

    let seeding = Instant::now();
    let hash = server.db.sql("SELECT password FROM users WHERE username = 'admin'")?;
    if !hash.starts_with("$argon2id$") {
        bail!("the bootstrap admin's password column is not an argon2id hash");
    }
    let inserted = server.db.sql(&format!(
        "WITH rows AS (INSERT INTO users (username, password, email, first_name, last_name, role) \
         SELECT 'bench_user_' || i, '{hash}', 'bench_user_' || i || '@example.com', 'Bench', 'User ' || i, \
         (ARRAY['staff','sales_agent','client','creator'])[1 + i % 4] \
         FROM generate_series(1, {SEED_USERS}) AS i RETURNING 1) SELECT count(*) FROM rows"
    ))?;
    server.db.sql("ANALYZE users")?;
    let seed_secs = seeding.elapsed().as_secs_f64();
    println!("Seeded {inserted} users (one INSERT … generate_series, shared argon2id hash) in {seed_secs:.2} s");
    let user_id = server.db.sql("SELECT id FROM users WHERE username = 'bench_user_5000'")?;
    let tasks_inserted = server.db.sql(&format!(
        "WITH rows AS (INSERT INTO tasks (title, description, status, priority, due_date, assigned_to_id, created_by) \
         SELECT 'Bench task ' || i, 'Seeded by cargo xtask bench', \
         (ARRAY['todo','in_progress','review','completed'])[1 + i % 4], (ARRAY['low','normal','high','urgent'])[1 + i % 4], \
         now() + (i % 60 - 30) * interval '1 day', a.id, a.id \
         FROM generate_series(1, {SEED_TASKS}) AS i, (SELECT id FROM users WHERE username = 'admin') AS a RETURNING 1) \
         SELECT count(*) FROM rows"
    ))?;
    server.db.sql("ANALYZE tasks")?;
    println!("Seeded {tasks_inserted} tasks");
    let task_id = server.db.sql("SELECT id FROM tasks WHERE title = 'Bench task 5000'")?;
    let lead_seeding = Instant::now();
    let leads_inserted = seed_leads(&server.db, leads)?;
    let lead_seed_secs = lead_seeding.elapsed().as_secs_f64();
    println!("Seeded {leads_inserted} leads (indexes rebuilt, VACUUM ANALYZE) in {lead_seed_secs:.1} s");
    let lead_id = server
        .db
        .sql(&format!("SELECT id FROM leads ORDER BY created_at DESC, id DESC OFFSET {} LIMIT 1", leads / 3))?;
    let clients_inserted = server.db.sql(&format!(
        "WITH rows AS (INSERT INTO clients (name, email, company, service_tags, display_order) \
         SELECT 'Bench client ' || i, 'client' || i || '@bench.test', 'Company ' || i, ARRAY['seo','social'], i \
         FROM generate_series(1, {SEED_CLIENTS}) AS i RETURNING 1) SELECT count(*) FROM rows"
    ))?;
    server.db.sql("ANALYZE clients")?;
    println!("Seeded {clients_inserted} clients");

    // The bell asks for its count on every page and live event: the admin has a busy inbox.
    let notifications = server.db.sql(&format!(
        "WITH rows AS (INSERT INTO notifications (user_id, kind, title, message, in_app, by_email, by_push, read_at, created_at) \
         SELECT a.id, 'lead_assigned', 'Lead assigned to you', 'Bench lead ' || i, true, false, false, \
         CASE WHEN i % 2 = 0 THEN now() END, now() - i * interval '1 minute' \
         FROM generate_series(1, {SEED_NOTIFICATIONS}) AS i, (SELECT id FROM users WHERE username = 'admin') AS a RETURNING 1) \
         SELECT count(*) FROM rows"
    ))?;
    server.db.sql("ANALYZE notifications")?;
    println!("Seeded {notifications} notifications for the admin");

    let session = server.login()?;
    let bearer = vec![format!("Authorization: Bearer {}", session.token)];
    let out_dir = server::target_dir().join("bench");
    fs::create_dir_all(&out_dir).with_context(|| format!("could not create {}", out_dir.display()))?;
    let script = out_dir.join("create-user.lua");
    fs::write(&script, create_user_script(&session.token, &sys::random_hex(3)?))
        .with_context(|| format!("could not write {}", script.display()))?;

    let runs: Vec<(String, Vec<String>, Option<&Path>)> = vec![
        ("GET /health/live".to_owned(), Vec::new(), None),
        ("GET /api/user".to_owned(), bearer.clone(), None),
        ("GET /api/users?limit=50".to_owned(), bearer.clone(), None),
        (format!("GET /api/users/{user_id}"), bearer.clone(), None),
        ("GET /api/tasks?limit=50".to_owned(), bearer.clone(), None),
        ("GET /api/tasks?limit=50&sort=dueDate&due=week".to_owned(), bearer.clone(), None),
        (format!("GET /api/tasks/{task_id}"), bearer.clone(), None),
        ("GET /api/clients?limit=50".to_owned(), bearer.clone(), None),
        ("GET /api/leads?limit=50".to_owned(), bearer.clone(), None),
        (format!("GET /api/leads?limit=50&q={COMMON_TERM}"), bearer.clone(), None),
        (format!("GET /api/leads?limit=50&q={RARE_TERM}"), bearer.clone(), None),
        ("GET /api/leads?limit=50&stage=qualified&sort=createdAt".to_owned(), bearer.clone(), None),
        ("GET /api/leads?limit=50&stage=qualified&sort=-value".to_owned(), bearer.clone(), None),
        (format!("GET /api/leads?limit=50&offset={}", leads / 2), bearer.clone(), None),
        (format!("GET /api/leads/{lead_id}"), bearer.clone(), None),
        ("GET /api/notifications/unread-count".to_owned(), bearer.clone(), None),
        ("GET /api/notifications?limit=8".to_owned(), bearer.clone(), None),
        ("POST /api/users (argon2id hashing)".to_owned(), Vec::new(), Some(script.as_path())),
    ];
    let peak_rss = || -> Result<u64> {
        let status =
            fs::read_to_string(format!("/proc/{pid}/status")).context("could not read the server's /proc status")?;
        peak_rss_kib(&status).context("no VmHWM in /proc/<pid>/status")
    };
    let start_kib = peak_rss()?;
    let mut rows = Vec::new();
    for (name, headers, script) in &runs {
        let path = name.split_whitespace().nth(1).unwrap_or("/");
        println!("==> wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION_SECS}s --latency: {name}");
        let result = run_wrk(&format!("{}{path}", server.base_url), headers, *script)?;
        rows.push((name.clone(), result, peak_rss()?));
    }
    let queue = job_throughput(&server.db)?;
    println!("==> SSE fan-out: {} clients of GET /api/events, {} lead updates", fanout::CLIENTS, fanout::UPDATES);
    let fan = fanout::run(server.addr, &session.token)?;
    let peak_kib = peak_rss()?;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let created = server.db.sql("SELECT count(*) FROM users WHERE username LIKE 'wrk\\_%'")?;

    let mut report = String::new();
    let date = sys::output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])).unwrap_or_default();
    let wrk_version = Command::new("wrk")
        .arg("-v")
        .output()
        .map(|o| {
            let text = String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or_default().to_owned();
            text.split(" Copyright").next().unwrap_or_default().trim().to_owned()
        })
        .unwrap_or_default();
    writeln!(
        report,
        "Benchmark of {date} on {} core(s) ({}), wrk and the server on the same machine.",
        cores(),
        cpu_model()
    )?;
    writeln!(
        report,
        "Release build, default WORKERS (one per core) and DB_POOL_SIZE, JSON request logs at info, PostgreSQL on \
         loopback; {SEED_USERS} seeded users, {leads} leads, {SEED_CLIENTS} clients, {SEED_NOTIFICATIONS} notifications of the admin (half unread); `wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION_SECS}s --latency` \
         ({wrk_version})."
    )?;
    writeln!(report)?;
    writeln!(report, "| endpoint | requests/s | p50 | p99 | errors | server peak RSS after |")?;
    writeln!(report, "|---|---:|---:|---:|---:|---:|")?;
    for (name, r, kib) in &rows {
        writeln!(
            report,
            "| `{name}` | {:.0} | {} | {} | {} | {:.0} MiB |",
            r.requests_per_sec,
            format_ms(&r.p50),
            format_ms(&r.p99),
            r.errors(),
            mib(*kib)
        )?;
    }
    writeln!(report)?;
    writeln!(report, "| SSE fan-out | events delivered | events/s | p50 lag | p99 lag |")?;
    writeln!(report, "|---|---:|---:|---:|---:|")?;
    writeln!(
        report,
        "| {} clients × {} lead updates | {} of {} | {:.0} | {:.1} ms | {:.1} ms |",
        fanout::CLIENTS,
        fanout::UPDATES,
        fan.delivered,
        fanout::CLIENTS * fanout::UPDATES,
        fan.events_per_sec,
        fan.p50_ms,
        fan.p99_ms
    )?;
    writeln!(report)?;
    writeln!(
        report,
        "Server peak RSS (VmHWM from /proc/<pid>/status): {:.1} MiB ({:.1} MiB before the first run). Seeding \
         {SEED_USERS} users took {seed_secs:.2} s and {leads} leads {lead_seed_secs:.1} s; the POST run created \
         {created} users. Errors are non-2xx/3xx responses plus socket errors.",
        mib(peak_kib),
        mib(start_kib)
    )?;
    writeln!(report)?;
    writeln!(report, "| job queue | jobs | seconds | jobs/s |")?;
    writeln!(report, "|---|---:|---:|---:|")?;
    writeln!(
        report,
        "| no-op jobs, the server's 2 workers (`JOB_WORKERS` default) | {QUEUE_JOBS} | {queue:.2} | {:.0} |",
        f64::from(QUEUE_JOBS) / queue
    )?;
    let latest = out_dir.join("latest.md");
    fs::write(&latest, &report).with_context(|| format!("could not write {}", latest.display()))?;
    println!("\n{report}");
    println!("Written to {}", latest.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Running 10s test @ http://127.0.0.1:4000/api/user
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.56ms    1.02ms  20.01ms   85.12%
    Req/Sec    10.61k     1.03k   13.11k    71.00%
  Latency Distribution
     50%    1.31ms
     75%    1.86ms
     90%    2.61ms
     99%    5.46ms
  211250 requests in 10.00s, 150.06MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  21117.21
Transfer/sec:     15.00MB
";

    #[test]
    fn parses_wrk_latency_output() {
        let r = parse_wrk(SAMPLE).unwrap();
        assert_eq!(r.requests, 211_250);
        assert!((r.requests_per_sec - 21117.21).abs() < 0.001);
        assert_eq!((r.p50.as_str(), r.p99.as_str()), ("1.31ms", "5.46ms"));
        assert_eq!((r.non_2xx_3xx, r.socket_errors, r.errors()), (7, 5, 12));
    }

    #[test]
    fn clean_runs_have_no_errors() {
        let clean: String = SAMPLE
            .lines()
            .filter(|l| !l.contains("errors") && !l.contains("Non-2xx"))
            .map(|l| format!("{l}\n"))
            .collect();
        let r = parse_wrk(&clean).unwrap();
        assert_eq!(r.errors(), 0);
        assert!(parse_wrk("wrk: connection refused").is_err());
    }

    #[test]
    fn normalises_latencies_to_milliseconds() {
        assert_eq!(latency_ms("759.00us"), Some(0.759));
        assert_eq!(latency_ms("1.21ms"), Some(1.21));
        assert_eq!(latency_ms("1.34s"), Some(1340.0));
        assert_eq!(latency_ms("2.00m"), Some(120_000.0));
        assert_eq!(latency_ms("fast"), None);
        assert_eq!(format_ms("759.00us"), "0.76 ms");
        assert_eq!(format_ms("36.75ms"), "36.8 ms");
        assert_eq!(format_ms("1.34s"), "1340 ms");
        assert_eq!(format_ms("?"), "?");
    }

    #[test]
    fn reads_peak_rss() {
        assert_eq!(
            peak_rss_kib("Name:\tmarketingos\nVmPeak:\t  900 kB\nVmHWM:\t   45678 kB\nVmRSS:\t 40000 kB\n"),
            Some(45678)
        );
        assert_eq!(peak_rss_kib("Name:\tx\n"), None);
    }

    #[test]
    fn lead_seed_makes_the_search_terms_common_and_rare() {
        let sql = lead_insert_sql(1_000_000);
        assert!(sql.contains("generate_series(1, 1000000)"));
        assert!(sql.contains("now() - (1000000 - i) * interval '1 minute'"));
        assert!(sql.contains("THEN 'Vanderwoude'"));
        assert_eq!(capitalised(RARE_TERM), "Vanderwoude");
        // The common term is one of the 50 last names, the rare one none of them.
        assert!(LAST_NAMES.contains(&format!("'{}'", capitalised(COMMON_TERM))));
        assert!(!LAST_NAMES.to_lowercase().contains(RARE_TERM) && !FIRST_NAMES.to_lowercase().contains(RARE_TERM));
        for list in [FIRST_NAMES, LAST_NAMES, COMPANY_WORDS, COMPANY_KINDS] {
            assert!(!list.contains("\\"), "a line continuation leaked into the SQL");
        }
        assert_eq!(FIRST_NAMES.matches(',').count() + 1, 50);
        assert_eq!(LAST_NAMES.matches(',').count() + 1, 50);
        assert_eq!(COMPANY_WORDS.matches(',').count() + 1, 30);
        assert_eq!(COMPANY_KINDS.matches(',').count() + 1, 20);
    }

    #[test]
    fn lua_script_embeds_the_token_and_run() {
        let script = create_user_script("tok.en.x", "ab12");
        assert!(script.contains("\"Bearer tok.en.x\""));
        assert!(script.contains("wrk_ab12_%d_%d"));
        assert!(script.contains(r#"'{"username":"%s","password":"bench-password-1","email":"%s@example.com"}'"#));
    }
}
