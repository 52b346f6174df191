//! Work: tasks (spaces, board, list, drawer) and the calendar, which share the recurrence
//! editor.

mod access;
mod calendar;
mod recurrence;
mod rule_words;
mod tasks;

pub use calendar::CalendarPage;
pub use tasks::TasksPage;
