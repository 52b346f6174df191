//! Clients: the list, the create/edit dialog and a client's page with its campaigns,
//! documents, leads and history.

mod detail;
mod dialog;
mod list;
mod panels;

pub use detail::ClientDetailPage;
pub use list::ClientsPage;
