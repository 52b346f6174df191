//! The periodic reminders (`jobs::schedule::standard`, every 15 minutes as the
//! original's): tasks due within a day or overdue, and meetings starting within the hour.
//! Each notice carries a key per task (or event) and state, so a reminder reaches its
//! user once however many ticks see it.

use crate::error::{AppError, AppResult};
use crate::jobs::{Job, JobError, JobRun};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use domain::notifications::rules;
use domain::work::recurrence;
use serde::{Deserialize, Serialize};
use storage::AsyncPgConnection;

/// Tasks overdue for longer than this are not reminded of (a first run on an old
/// database must not bury everyone in notices about last year's tasks).
const OVERDUE_LOOKBACK: chrono::Duration = chrono::Duration::days(7);
/// At most this many tasks per tick; the rest wait for the next tick.
const TASKS_PER_TICK: i64 = 2_000;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TaskReminders {}

impl Job for TaskReminders {
    const KIND: &'static str = "notify.task_reminders";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let sent = task_reminders(&run, Utc::now()).await?;
        tracing::info!(sent, "task reminders done");
        Ok(())
    }
}

async fn task_reminders(run: &JobRun, now: DateTime<Utc>) -> AppResult<usize> {
    let mut conn = run.state.conn().await?;
    remind_of_due_tasks(&mut conn, None, now).await
}

/// Reminds the assignees (all, or one) of tasks due before `now` + 24 h; returns the
/// notifications created.
pub async fn remind_of_due_tasks(
    conn: &mut AsyncPgConnection,
    assignee: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let (from, to) = (now - OVERDUE_LOOKBACK, now + chrono::Duration::hours(24));
    let tasks = storage::work::tasks::due_between(conn, assignee, from, to, TASKS_PER_TICK).await?;
    let notices: Vec<_> =
        tasks.iter().filter_map(|task| task.due_date.and_then(|due| rules::task_due(task, due, now))).collect();
    conn.transaction::<_, AppError, _>(async |conn| super::send(conn, None, notices).await).await
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct MeetingReminders {}

impl Job for MeetingReminders {
    const KIND: &'static str = "notify.meeting_reminders";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let sent = meeting_reminders(&run, Utc::now()).await?;
        tracing::info!(sent, "meeting reminders done");
        Ok(())
    }
}

/// Tells organisers and attendees of events (and occurrences) starting within the hour.
pub async fn meeting_reminders(run: &JobRun, now: DateTime<Utc>) -> Result<usize, JobError> {
    let to = now + chrono::Duration::hours(1);
    let (singles, series) = {
        let mut conn = run.state.conn().await?;
        let singles = storage::work::calendar::in_window(&mut conn, None, false, now, to).await?;
        let series = storage::work::calendar::in_window(&mut conn, None, true, now, to).await?;
        (singles, series)
    };
    let mut notices: Vec<_> = singles
        .iter()
        .filter(|event| event.start >= now)
        .map(|event| rules::meeting_soon(event, event.start))
        .collect();
    for event in &series {
        let Some(rule) = event.recurrence_rule.as_deref() else { continue };
        // A broken stored rule skips its event, not everyone's reminders.
        let starts = recurrence::occurrences_between(rule, &event.recurrence_timezone, event.start, now, to, 4)
            .unwrap_or_default();
        notices.extend(starts.into_iter().map(|start| rules::meeting_soon(event, start)));
    }
    Ok(run.state.transaction(async |conn| super::send(conn, None, notices).await).await?)
}
