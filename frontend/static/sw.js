// The service worker of MarketingOS (served at /sw.js, copied by `cargo xtask build-spa`):
// shows each web push as a system notification and opens its page when it is clicked.
// The payload is the server's `domain::notifications::PushPayload`.
self.addEventListener("push", (event) => {
  const payload = event.data ? event.data.json() : { title: "MarketingOS", body: "", url: "/notifications" };
  event.waitUntil(
    self.registration.showNotification(payload.title, {
      body: payload.body,
      icon: payload.icon,
      badge: payload.badge,
      tag: payload.tag,
      timestamp: payload.timestamp,
      data: { url: payload.url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/notifications";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      return open ? open.focus().then((w) => w.navigate(url)) : self.clients.openWindow(url);
    }),
  );
});
