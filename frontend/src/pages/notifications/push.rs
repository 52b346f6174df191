//! This browser's push subscription: registers the service worker (`/sw.js`, which shows
//! pushed notifications and opens their page when clicked), subscribes with the server's
//! VAPID key and hands the subscription to the API.

use domain::notifications::BrowserSubscription;
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{PushManager, PushSubscription, PushSubscriptionOptionsInit, ServiceWorkerRegistration};

/// Why this browser cannot take pushes, or `None` when it can.
pub fn unsupported() -> Option<&'static str> {
    let window = web_sys::window()?;
    if !window.is_secure_context() {
        return Some("Push needs the app to be served over HTTPS (or from localhost).");
    }
    let has = |name: &str| js_sys::Reflect::has(&window, &JsValue::from_str(name)).unwrap_or(false);
    if !has("PushManager") || !has("Notification") {
        return Some("This browser does not support push notifications.");
    }
    None
}

fn error(value: JsValue) -> String {
    value.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{value:?}"))
}

async fn push_manager() -> Result<PushManager, String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let container = navigator.service_worker();
    let registration = JsFuture::from(container.register("/sw.js")).await.map_err(error)?;
    let registration: ServiceWorkerRegistration = registration.dyn_into().map_err(error)?;
    registration.push_manager().map_err(error)
}

fn decode_key(key: &str) -> Result<Vec<u8>, String> {
    // base64url without padding, as the API gives it; the browser wants the raw bytes.
    let mut standard: String = key
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    let binary = web_sys::window().ok_or("no window")?.atob(&standard).map_err(error)?;
    Ok(binary.chars().map(|c| c as u8).collect())
}

/// Asks for permission, subscribes this browser, and returns the subscription.
pub async fn subscribe(public_key: &str) -> Result<BrowserSubscription, String> {
    let permission =
        JsFuture::from(web_sys::Notification::request_permission().map_err(error)?).await.map_err(error)?;
    if permission.as_string().as_deref() != Some("granted") {
        return Err("Notifications are blocked for this site in the browser's settings.".to_owned());
    }
    let manager = push_manager().await?;
    let options = PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    let key = Uint8Array::from(decode_key(public_key)?.as_slice());
    options.set_application_server_key(&key);
    let subscription = JsFuture::from(manager.subscribe_with_options(&options).map_err(error)?).await.map_err(error)?;
    let subscription: PushSubscription = subscription.dyn_into().map_err(error)?;
    let json = js_sys::JSON::stringify(&subscription.to_json().map_err(error)?.into()).map_err(error)?;
    serde_json::from_str(&String::from(json)).map_err(|e| e.to_string())
}

/// This browser's current subscription's endpoint, if it has one.
pub async fn current_endpoint() -> Option<String> {
    let manager = push_manager().await.ok()?;
    let subscription = JsFuture::from(manager.get_subscription().ok()?).await.ok()?;
    subscription.dyn_into::<PushSubscription>().ok().map(|s| s.endpoint())
}

/// Ends this browser's subscription; returns its endpoint for the API to forget.
pub async fn unsubscribe() -> Result<Option<String>, String> {
    let manager = push_manager().await?;
    let subscription = JsFuture::from(manager.get_subscription().map_err(error)?).await.map_err(error)?;
    let Ok(subscription) = subscription.dyn_into::<PushSubscription>() else { return Ok(None) };
    let endpoint = subscription.endpoint();
    JsFuture::from(subscription.unsubscribe().map_err(error)?).await.map_err(error)?;
    Ok(Some(endpoint))
}
