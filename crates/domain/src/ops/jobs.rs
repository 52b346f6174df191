//! Background jobs: their states, the admin's view of them, and the retry schedule.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use validator::Validate;

crate::enums::stored_enum! {
    /// `queued` (waiting for `runAt`) → `running` (a worker holds its lease) →
    /// `succeeded`, or back to `queued` to retry, or `dead` once out of attempts;
    /// `cancelled` by an admin while queued.
    pub enum JobState: "snake_case" {
        Queued,
        Running,
        Succeeded,
        Dead,
        Cancelled,
    }
}

/// A job as admins see it. Payloads are not shown: some carry addresses or hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::jobs, check_for_backend(diesel::pg::Pg)))]
pub struct Job {
    pub id: i64,
    /// What the job does, e.g. `lead_import`, `email.send`, `cleanup`.
    pub kind: String,
    pub state: JobState,
    /// Set on jobs that must run once per key (e.g. a schedule's tick).
    pub unique_key: Option<String>,
    /// Runs started so far, the current one included.
    pub attempts: i32,
    pub max_attempts: i32,
    /// When it may run (next): set by the enqueuer, or by the retry schedule.
    pub run_at: DateTime<Utc>,
    /// The worker holding it while `running`.
    pub locked_by: Option<String>,
    /// The error of the last failed run.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Query of `GET /api/jobs`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct JobFilter {
    pub state: Option<JobState>,
    /// Exact kind, e.g. `email.send`.
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 64))]
    pub kind: Option<String>,
}

/// How many jobs are in each state, and the age of the oldest one waiting to run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QueueSummary {
    /// Due or scheduled, not yet running.
    pub queued: i64,
    pub running: i64,
    pub dead: i64,
    /// Seconds the oldest due queued job has waited past its `runAt` (0 when none waits).
    pub oldest_due_secs: f64,
}

/// The delay before retry `attempt` (1 = after the first failure): `base · 2^(attempt-1)`,
/// capped at `cap`, then scaled by `jitter` in [0.75, 1.25) so that jobs failing together
/// do not retry together.
pub fn retry_delay(attempt: i32, base: Duration, cap: Duration, jitter: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).clamp(0, 30) as u32;
    let delay = base.saturating_mul(1u32 << exponent).min(cap);
    delay.mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// What the next run of a failed job is: another try after the delay, or none.
pub fn after_failure(attempts: i32, max_attempts: i32) -> JobState {
    if attempts >= max_attempts {
        JobState::Dead
    } else {
        JobState::Queued
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let (base, cap) = (Duration::from_secs(10), Duration::from_secs(3600));
        let exact = |attempt| retry_delay(attempt, base, cap, 0.5);
        assert_eq!(exact(1), Duration::from_secs(10));
        assert_eq!(exact(2), Duration::from_secs(20));
        assert_eq!(exact(5), Duration::from_secs(160));
        assert_eq!(exact(12), cap, "capped");
        assert_eq!(exact(10_000), cap, "no overflow");
        assert_eq!(exact(0), Duration::from_secs(10), "a first failure waits the base");
    }

    #[test]
    fn jitter_spreads_retries_by_a_quarter_either_way() {
        let (base, cap) = (Duration::from_secs(100), Duration::from_secs(3600));
        assert_eq!(retry_delay(1, base, cap, 0.0), Duration::from_secs(75));
        assert!(retry_delay(1, base, cap, 0.999) < Duration::from_secs(125));
        assert_eq!(retry_delay(1, base, cap, 7.0), retry_delay(1, base, cap, 1.0), "clamped");
    }

    #[test]
    fn a_job_out_of_attempts_is_dead() {
        assert_eq!(after_failure(1, 3), JobState::Queued);
        assert_eq!(after_failure(3, 3), JobState::Dead);
        assert_eq!(after_failure(4, 3), JobState::Dead);
    }
}
