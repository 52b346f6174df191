//! Building blocks shared by the pages.

pub mod confirm;
pub mod form;
pub mod recurrence;
pub mod states;
pub mod table;
pub mod toast;

pub use confirm::ConfirmDialog;
pub use form::{SelectField, TextAreaField, TextField};
pub use states::{EmptyState, ErrorState, Loading};
pub use table::{DataTable, Pagination};
pub use toast::{use_toasts, ToastHost, Toasts};
