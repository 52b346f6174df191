//! Tasks, task spaces and templates, recurrence, the calendar and its feed and sync.

pub(crate) mod calendar;
pub(crate) mod calendar_feed;
pub(crate) mod calendar_sync;
pub(crate) mod recurrence_limits;
pub(crate) mod task_spaces;
pub(crate) mod task_templates;
pub(crate) mod tasks;
