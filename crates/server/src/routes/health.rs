//! Liveness and readiness for orchestrators and operators. Readiness reports the
//! database, migrations, the job queue, circuit breakers and which integrations are
//! configured.

use crate::platform::circuit_breaker::CircuitState;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use diesel_async::RunQueryDsl;
use domain::ops::jobs::QueueSummary;
use serde::Serialize;
use std::time::{Duration, Instant};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(live).service(ready).service(health);
}

#[derive(Serialize, ToSchema)]
pub struct Liveness {
    /// Always `ok` while the process serves requests.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseCheck {
    pub reachable: bool,
    pub latency_ms: Option<f64>,
    pub error: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MigrationsCheck {
    pub up_to_date: bool,
    /// Embedded migration versions the database has not applied.
    pub pending: Vec<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueCheck {
    /// Job workers in this process (`JOB_WORKERS`; 0 when a separate `marketingos worker` runs them).
    pub workers_here: usize,
    #[serde(flatten)]
    pub summary: QueueSummary,
}

#[derive(Serialize, ToSchema)]
pub struct CircuitReport {
    pub name: String,
    pub state: CircuitState,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationStatus {
    Configured,
    /// Not configured: work that needs it is recorded as skipped.
    Skipped,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrationReport {
    pub name: String,
    pub status: IntegrationStatus,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `unavailable`.
    pub status: String,
    pub version: String,
    pub database: DatabaseCheck,
    pub migrations: MigrationsCheck,
    /// The job queue; absent when the database cannot be read.
    pub queue: Option<QueueCheck>,
    pub circuits: Vec<CircuitReport>,
    pub integrations: Vec<IntegrationReport>,
}

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Liveness)), security())]
#[get("/health/live")]
async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Liveness { status: "ok".to_owned() })
}

async fn readiness(state: &AppState) -> Readiness {
    let started = Instant::now();
    let probe = tokio::time::timeout(Duration::from_secs(2), async {
        let mut conn = state.conn().await.map_err(|e| e.detail)?;
        diesel::sql_query("SELECT 1").execute(&mut conn).await.map_err(|e| e.to_string())?;
        let pending = storage::migrations::missing(&mut conn).await.map_err(|e| e.to_string())?;
        // Before the jobs migration ran there is no queue to report.
        let queue = storage::ops::jobs::summary(&mut conn).await.ok();
        Ok((pending, queue))
    })
    .await
    .unwrap_or_else(|_| Err("timed out after 2 s".to_owned()));
    let (database, migrations, queue) = match probe {
        Ok((pending, queue)) => (
            DatabaseCheck { reachable: true, latency_ms: Some(started.elapsed().as_secs_f64() * 1000.0), error: None },
            MigrationsCheck { up_to_date: pending.is_empty(), pending },
            queue.map(|summary| QueueCheck { workers_here: state.config.jobs.workers, summary }),
        ),
        Err(error) => (
            DatabaseCheck { reachable: false, latency_ms: None, error: Some(error) },
            MigrationsCheck { up_to_date: false, pending: Vec::new() },
            None,
        ),
    };
    let ok = database.reachable && migrations.up_to_date;
    Readiness {
        status: if ok { "ready" } else { "unavailable" }.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database,
        migrations,
        queue,
        circuits: state.circuits.states().into_iter().map(|(name, state)| CircuitReport { name, state }).collect(),
        integrations: state
            .config
            .integrations
            .status()
            .into_iter()
            .map(|(name, configured)| IntegrationReport {
                name: name.to_owned(),
                status: if configured { IntegrationStatus::Configured } else { IntegrationStatus::Skipped },
            })
            .collect(),
    }
}

fn readiness_response(report: Readiness) -> HttpResponse {
    if report.status == "ready" {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::ServiceUnavailable().json(report)
    }
}

/// `$name` answers the readiness report at `$path`.
macro_rules! readiness_route {
    ($(#[doc = $doc:literal])* $name:ident, $path:literal) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = "health",
            responses(
                (status = 200, description = "Ready", body = Readiness),
                (status = 503, description = "Not ready; the body says why", body = Readiness),
            ),
            security()
        )]
        #[get($path)]
        async fn $name(state: web::Data<AppState>) -> HttpResponse {
            readiness_response(readiness(&state).await)
        }
    };
}

readiness_route!(
    /// Ready to serve: database reachable and migrated. Also reports the job queue (counts,
    /// the oldest due job's wait), circuit breaker states and which integrations are
    /// configured (the rest are skipped).
    ready,
    "/health/ready"
);

readiness_route!(
    /// The same report as `/health/ready`.
    health,
    "/health"
);
