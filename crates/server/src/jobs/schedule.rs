//! Periodic jobs (cron syntax with seconds, in UTC): every node's scheduler enqueues each
//! schedule's latest due tick with that tick as its unique key, so a tick runs once
//! however many nodes run, and ticks missed while every node was down collapse into one
//! run (for ticks of the last 25 hours).

use super::{Enqueue, Job};
use crate::error::AppResult;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use storage::AsyncPgConnection;
use tokio::sync::watch;

/// How far back a missed tick is still run.
const LOOKBACK: chrono::Duration = chrono::Duration::hours(25);
/// How often the schedules are checked.
const CHECK_EVERY: Duration = Duration::from_secs(20);

type EnqueueFn =
    for<'c> fn(&'c mut AsyncPgConnection, Enqueue) -> futures_util::future::BoxFuture<'c, AppResult<Option<i64>>>;

/// One periodic job.
pub struct Periodic {
    pub name: &'static str,
    pub cron: cron::Schedule,
    enqueue: EnqueueFn,
}

impl Periodic {
    /// `J::default()` on every tick of `cron` (`sec min hour day-of-month month day-of-week`).
    pub fn new<J: Job + Default>(name: &'static str, cron: &str) -> Self {
        Periodic {
            name,
            cron: cron::Schedule::from_str(cron).unwrap_or_else(|error| panic!("schedule {name}: {cron}: {error}")),
            enqueue: |conn, options| {
                use futures_util::FutureExt;
                async move { super::enqueue_with(conn, &J::default(), options).await }.boxed()
            },
        }
    }

    /// The latest tick at or before `now` within the look-back window.
    pub fn due_tick(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.after(&(now - LOOKBACK)).take_while(|tick| *tick <= now).last()
    }
}

/// The product's periodic jobs.
pub fn standard() -> Vec<Periodic> {
    use crate::notify::reminders::{MeetingReminders, TaskReminders};
    vec![
        Periodic::new::<super::cleanup::Cleanup>("cleanup", "0 17 * * * *"),
        Periodic::new::<TaskReminders>("task reminders", "0 */15 * * * *"),
        Periodic::new::<MeetingReminders>("meeting reminders", "30 */15 * * * *"),
    ]
}

/// Enqueues the due tick of each schedule (a no-op when another node did).
pub async fn enqueue_due(state: &AppState, schedules: &[Periodic], now: DateTime<Utc>) -> AppResult<usize> {
    let mut conn = state.conn().await?;
    let mut queued = 0;
    for schedule in schedules {
        let Some(tick) = schedule.due_tick(now) else { continue };
        let options =
            Enqueue { unique_key: Some(format!("{}@{}", schedule.name, tick.to_rfc3339())), run_at: Some(tick) };
        if (schedule.enqueue)(&mut conn, options).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Checks the schedules until `stopped` changes.
pub async fn run(state: Arc<AppState>, schedules: Vec<Periodic>, mut stopped: watch::Receiver<Option<Duration>>) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => return,
        }
        if let Err(error) = enqueue_due(&state, &schedules, Utc::now()).await {
            tracing::warn!(%error, "could not enqueue periodic jobs");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};

    #[test]
    fn the_due_tick_is_the_latest_past_one() {
        let hourly = Periodic::new::<crate::jobs::cleanup::Cleanup>("cleanup", "0 17 * * * *");
        let at = |h, m| Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0).unwrap();
        assert_eq!(hourly.due_tick(at(10, 20)), Some(at(10, 17)));
        assert_eq!(hourly.due_tick(at(10, 17)), Some(at(10, 17)), "a tick is due at its own time");
        assert_eq!(hourly.due_tick(at(10, 16)), Some(at(9, 17)));
    }

    #[test]
    fn ticks_older_than_the_look_back_are_not_run() {
        let yearly = Periodic::new::<crate::jobs::cleanup::Cleanup>("cleanup", "0 0 0 1 1 *");
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).unwrap();
        assert_eq!(yearly.due_tick(now), None);
        assert_eq!(yearly.due_tick(Utc.with_ymd_and_hms(2027, 1, 1, 12, 0, 0).unwrap()).map(|t| t.hour()), Some(0));
    }
}
