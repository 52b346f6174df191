//! Work management: the task spaces tree, a kanban board and a filtered list of tasks, the
//! task drawer (`/tasks?task=<id>`) and the create/edit dialog with the recurrence editor.

mod board;
mod detail;
mod dialog;
mod list;
mod page;
mod shared;
mod spaces;

pub use page::TasksPage;
