//! The signed-in user's notifications, their switches and this browser's push subscription.

use crate::api::{delete, get, get_page, list_path, patch, post_empty, post_no_content, put, ApiResult, Paged};
use domain::notifications::{
    BrowserSubscription, MarkedRead, Notification, NotificationFilter, NotificationPreference, NotificationsCreated,
    PushSubscriptionRequest, PushUnsubscribeRequest, UnreadCount, UpdatePreferencesRequest, VapidPublicKey,
};
use domain::pagination::PageParams;
use std::future::Future;
use uuid::Uuid;

pub fn list(filter: &NotificationFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<Notification>>> {
    get_page(list_path("/api/notifications", filter, page))
}

pub fn unread_count() -> impl Future<Output = ApiResult<UnreadCount>> {
    get("/api/notifications/unread-count".into())
}

pub fn mark_read(id: Uuid) -> impl Future<Output = ApiResult<Notification>> {
    patch(format!("/api/notifications/{id}/read"), &serde_json::json!({}))
}

pub fn mark_all_read() -> impl Future<Output = ApiResult<MarkedRead>> {
    patch("/api/notifications/read-all".into(), &serde_json::json!({}))
}

pub fn remove(id: Uuid) -> impl Future<Output = ApiResult<()>> {
    delete(format!("/api/notifications/{id}"))
}

pub fn send_test() -> impl Future<Output = ApiResult<NotificationsCreated>> {
    post_empty("/api/notifications/test".into())
}

pub fn preferences() -> impl Future<Output = ApiResult<Vec<NotificationPreference>>> {
    get("/api/notifications/preferences".into())
}

pub fn save_preferences(
    body: &UpdatePreferencesRequest,
) -> impl Future<Output = ApiResult<Vec<NotificationPreference>>> {
    put("/api/notifications/preferences".into(), body)
}

pub fn vapid_key() -> impl Future<Output = ApiResult<VapidPublicKey>> {
    get("/api/push/vapid-public-key".into())
}

pub fn subscribe(subscription: BrowserSubscription) -> impl Future<Output = ApiResult<()>> {
    post_no_content("/api/push/subscribe".into(), &PushSubscriptionRequest { subscription })
}

pub fn unsubscribe(endpoint: String) -> impl Future<Output = ApiResult<()>> {
    post_no_content("/api/push/unsubscribe".into(), &PushUnsubscribeRequest { endpoint })
}
