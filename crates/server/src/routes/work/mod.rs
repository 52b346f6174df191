//! Work management: tasks, their recurrence, and the calendar.

pub mod calendar;
pub mod calendar_feed;
pub mod calendar_sync;
pub mod task_spaces;
pub mod task_templates;
pub mod tasks;
