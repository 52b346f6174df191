//! The job queue under real worker processes: two processes share 1,000 jobs and run each
//! once; a worker killed with SIGKILL mid-job loses it to another, which completes it; a
//! job that always fails ends dead with its error; a lead import cut short by a crash
//! runs again to completion.
//!
//! A worker process is this test binary started again on [`worker_process`] (an ignored
//! test that runs `marketingos worker`'s code), so it runs the queue's real code with
//! test job kinds.

use api_tests::{execute, test_config, TestApp};
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use server::jobs::{Job, JobError, JobRun, Registry};
use std::process::{Child, Command};
use std::time::Duration;

/// Records each run in `test_job_runs` (n, pid of the process that ran it).
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    n: i32,
}

async fn record_run(run: &JobRun, n: i32) -> Result<(), JobError> {
    let mut conn = run.state.conn().await?;
    diesel::sql_query("INSERT INTO test_job_runs (n, pid) VALUES ($1, $2)")
        .bind::<Integer, _>(n)
        .bind::<Integer, _>(std::process::id() as i32)
        .execute(&mut conn)
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    Ok(())
}

impl Job for Record {
    const KIND: &'static str = "test.record";
    async fn run(self, run: JobRun) -> Result<(), JobError> {
        record_run(&run, self.n).await
    }
}

/// Hangs on its first run (the test kills that worker), records on later ones.
#[derive(Debug, Serialize, Deserialize)]
struct HangsFirst {}

impl Job for HangsFirst {
    const KIND: &'static str = "test.hangs_first";
    async fn run(self, run: JobRun) -> Result<(), JobError> {
        if run.attempt == 1 {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        record_run(&run, 0).await
    }
}

/// Fails every run.
#[derive(Debug, Serialize, Deserialize)]
struct AlwaysFails {}

impl Job for AlwaysFails {
    const KIND: &'static str = "test.always_fails";
    const MAX_ATTEMPTS: i32 = 3;
    const RETRY_BASE: Duration = Duration::from_millis(20);
    async fn run(self, run: JobRun) -> Result<(), JobError> {
        Err(JobError::Retry(format!("the remote end refused (attempt {})", run.attempt)))
    }
}

fn test_registry() -> Registry {
    Registry::standard().with::<Record>().with::<HangsFirst>().with::<AlwaysFails>()
}

const CHILD_DATABASE: &str = "MOS_TEST_WORKER_DATABASE_URL";

/// The body of a worker process; runs only when a test starts it (see `WorkerProcess`).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by the worker tests in a child process"]
async fn worker_process() {
    let url = std::env::var(CHILD_DATABASE).expect("started by WorkerProcess");
    let config = test_config(&url, &[("JOB_WORKERS", "4"), ("DB_POOL_SIZE", "8"), ("JOB_LEASE_SECS", "2")]);
    server::startup::run_worker(config, test_registry()).await.expect("the worker runs");
}

/// A worker process on the app's database, killed when dropped.
struct WorkerProcess(Child);

impl WorkerProcess {
    fn start(app: &TestApp) -> Self {
        let child = Command::new(std::env::current_exe().expect("the test binary"))
            .args(["ops::workers::worker_process", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_DATABASE, &app.database_url)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("starting a worker process");
        WorkerProcess(child)
    }

    fn pid(&self) -> i32 {
        self.0.id() as i32
    }

    fn kill(&mut self) {
        let _ = self.0.kill(); // SIGKILL
        let _ = self.0.wait();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The count or number `sql` selects.
async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let expression = diesel::dsl::sql::<BigInt>(&format!("({sql})::int8"));
    diesel::select(expression).get_result(&mut app.db().await).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The text `sql` selects.
async fn text(app: &TestApp, sql: &str) -> String {
    let expression = diesel::dsl::sql::<Text>(&format!("({sql})::text"));
    diesel::select(expression).get_result(&mut app.db().await).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Polls `sql` (a count) until it returns `expected`, for up to `seconds`.
async fn wait_for(app: &TestApp, sql: &str, expected: i64, seconds: u64) {
    let mut last = -1;
    for _ in 0..seconds * 20 {
        last = scalar(app, sql).await;
        if last == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{sql} stayed {last}, expected {expected}");
}

async fn with_runs_table() -> TestApp {
    let app = TestApp::spawn().await;
    execute(&mut app.db().await, "CREATE TABLE test_job_runs (n INTEGER NOT NULL, pid INTEGER NOT NULL)").await;
    app
}

#[tokio::test(flavor = "multi_thread")]
async fn two_worker_processes_run_each_of_a_thousand_jobs_exactly_once() {
    let app = with_runs_table().await;
    let (first, second) = (WorkerProcess::start(&app), WorkerProcess::start(&app));
    // Both are listening before the jobs arrive, so both take part.
    wait_for(
        &app,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN jobs'",
        3,
        30,
    )
    .await;
    let mut conn = app.db().await;
    diesel_async::AsyncConnection::transaction::<_, server::error::AppError, _>(&mut conn, async |conn| {
        for n in 0..1000 {
            server::jobs::enqueue(conn, &Record { n }).await?;
        }
        Ok(())
    })
    .await
    .expect("enqueueing");

    wait_for(&app, "SELECT count(*) FROM jobs WHERE kind = 'test.record' AND state = 'succeeded'", 1000, 60).await;
    assert_eq!(scalar(&app, "SELECT count(*) FROM test_job_runs").await, 1000, "no job ran twice");
    assert_eq!(scalar(&app, "SELECT count(DISTINCT n) FROM test_job_runs").await, 1000);
    let by_process =
        format!("SELECT count(DISTINCT pid) FROM test_job_runs WHERE pid IN ({}, {})", first.pid(), second.pid());
    assert_eq!(scalar(&app, &by_process).await, 2, "both processes ran jobs");
    assert_eq!(scalar(&app, "SELECT count(*) FROM jobs WHERE attempts <> 1 AND kind = 'test.record'").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_whose_worker_is_killed_runs_again_elsewhere_and_completes() {
    let app = with_runs_table().await;
    let mut doomed = WorkerProcess::start(&app);
    server::jobs::enqueue(&mut app.db().await, &HangsFirst {}).await.expect("enqueueing");
    let held_by_doomed =
        format!("SELECT count(*) FROM jobs WHERE state = 'running' AND locked_by LIKE '%:{}:%'", doomed.pid());
    wait_for(&app, &held_by_doomed, 1, 30).await;
    doomed.kill();

    let rescuer = WorkerProcess::start(&app);
    // The 2-second lease runs out, the job is released and claimed again.
    wait_for(&app, "SELECT count(*) FROM jobs WHERE kind = 'test.hangs_first' AND state = 'succeeded'", 1, 30).await;
    assert_eq!(scalar(&app, "SELECT attempts FROM jobs WHERE kind = 'test.hangs_first'").await, 2);
    assert_eq!(
        text(&app, "SELECT last_error FROM jobs WHERE kind = 'test.hangs_first'").await,
        "The worker running it stopped before it finished (its lease expired)"
    );
    assert_eq!(scalar(&app, &format!("SELECT count(*) FROM test_job_runs WHERE pid = {}", rescuer.pid())).await, 1);
    assert_eq!(scalar(&app, "SELECT count(*) FROM test_job_runs").await, 1, "the killed run recorded nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_that_always_fails_ends_dead_with_its_last_error() {
    let app = with_runs_table().await;
    let _worker = WorkerProcess::start(&app);
    server::jobs::enqueue(&mut app.db().await, &AlwaysFails {}).await.expect("enqueueing");
    wait_for(&app, "SELECT count(*) FROM jobs WHERE kind = 'test.always_fails' AND state = 'dead'", 1, 30).await;
    assert_eq!(scalar(&app, "SELECT attempts FROM jobs WHERE kind = 'test.always_fails'").await, 3);
    assert_eq!(
        text(&app, "SELECT last_error FROM jobs WHERE kind = 'test.always_fails'").await,
        "the remote end refused (attempt 3)"
    );
    assert_eq!(
        scalar(&app, "SELECT count(*) FROM jobs WHERE kind = 'test.always_fails' AND finished_at IS NOT NULL").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lead_import_cut_short_by_a_crash_runs_again_to_completion() {
    // No workers in the server: the import waits until the test has "crashed" it.
    let app = TestApp::spawn_with(&[("JOB_WORKERS", "0")]).await;
    let admin = app.admin_token().await;
    let rows: String = (0..450).map(|n| format!("Lead {n},lead{n}@example.com\n")).collect();
    let location =
        crate::crm::lead_imports::started(&app, &admin, "?mode=skip-invalid", &format!("name,email\n{rows}")).await;
    // As a worker that died mid-run leaves it: running, its lease run out.
    let mut conn = app.db().await;
    execute(
        &mut conn,
        "UPDATE jobs SET state = 'running', attempts = 1, locked_by = 'gone:1:dead', locked_until = now() \
         WHERE kind = 'lead_import'",
    )
    .await;
    execute(&mut conn, "UPDATE lead_imports SET status = 'running'").await;

    let _worker = WorkerProcess::start(&app);
    let (import, _) = crate::crm::lead_imports::finished(&app, &admin, &location).await;
    assert_eq!(
        (import["status"].as_str(), import["importedRows"].as_i64()),
        (Some("completed"), Some(450)),
        "{import}"
    );
    assert_eq!(scalar(&app, "SELECT count(*) FROM leads").await, 450);
    assert_eq!(scalar(&app, "SELECT attempts FROM jobs WHERE kind = 'lead_import'").await, 2);
    assert_eq!(scalar(&app, "SELECT count(*) FROM lead_imports WHERE source IS NULL").await, 1, "file dropped");
}
