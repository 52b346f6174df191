//! The web-app kit: what every page is made of, so that a page is its fields, its columns
//! and its endpoint calls.
//!
//! - [`list`]: [`use_list`] (a paged list whose search, filters, sort and page live in
//!   the URL query), [`use_scoped_list`], [`use_url_filter`] (that state alone, for
//!   boards); [`resource_on`] and [`Reload`] for everything else fetched.
//! - [`table`]: [`ListView`], the panel with the loading, error, empty and table states
//!   and the pager; [`Column`]s sort through the URL.
//! - [`toolbar`]: [`SearchBox`], [`FilterSelect`], [`FilterInput`], [`FilterCheck`].
//! - [`form`]: [`Form`] (a request's busy state and problem, written only while the form
//!   exists), [`FormDialog`], [`Dialog`], [`Opener`] (which record a dialog is open for).
//! - [`fields`]: [`TextField`] (one line or several), [`SelectField`], [`ToggleChips`], with
//!   the API's field errors at each; [`refusal`] for what the browser refuses itself.
//! - [`confirm`]: [`ConfirmDialog`]; one-off actions go through [`Toasts::act`].
//! - [`states`]: [`Loading`], [`ErrorState`], [`EmptyState`], [`Gate`], [`loaded`], [`sub_list`].
//! - [`page`]: [`gated_page`], [`PageHeader`]; for one record's page [`by_id`],
//!   [`use_record`], [`RecordHeader`], [`fact`]; the dashboard's [`CountCard`].
//! - [`live`]: [`live::follow`] keeps one `EventSource` on `GET /api/events` open while
//!   signed in; [`live::refresh_on`] refetches a page's data when its entity types change.
//! - [`query`]: the pure URL query ↔ list state mapping behind [`list`].
//! - [`format`]: dates, amounts, labels and the fields of partial updates.

pub mod confirm;
pub mod fields;
pub mod form;
pub mod format;
pub mod list;
pub mod live;
pub mod page;
pub mod query;
pub mod states;
pub mod table;
pub mod toast;
pub mod toolbar;

pub use confirm::ConfirmDialog;
pub use fields::{choices, field_error, refusal, SelectField, TextField, ToggleChips};
pub use form::{Dialog, Form, FormDialog, Opener};
pub use list::{resource_on, use_list, use_scoped_list, use_url_filter, Binding, NoFilter, Reload, UrlFilter};
pub use page::{by_id, fact, gated_page, use_record, CountCard, PageHeader, RecordHeader};
pub use states::{loaded, sub_list, EmptyState, ErrorState, Gate, Loading};
pub use table::{Column, Empty, ListView};
pub use toast::{use_toasts, ToastHost, Toasts};
pub use toolbar::{FilterCheck, FilterInput, FilterSelect, SearchBox};
