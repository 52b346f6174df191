//! The signed-in user's notifications and their switches per kind and channel.

mod list;
mod preferences;
mod push;

pub use list::NotificationsPage;
pub use preferences::NotificationPreferencesPage;
