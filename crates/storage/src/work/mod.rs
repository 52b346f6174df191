//! Work management: tasks, their recurrence, and the calendar.

pub mod calendar;
pub mod task_comments;
pub mod task_spaces;
pub mod task_templates;
pub mod tasks;
