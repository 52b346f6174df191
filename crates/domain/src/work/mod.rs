//! Work management: tasks, their recurrence, and the calendar.

pub mod calendar;
#[cfg(feature = "recurrence")]
pub mod recurrence;
pub mod tasks;
