//! The calendar: month and week views and the event dialog.

mod days;
mod dialog;
mod grid;

pub use grid::CalendarPage;
