//! External calendars behind one trait: list the events changed since a sync token, and
//! push a local event. Google Calendar API v3 and Microsoft Graph are implemented over
//! reqwest against configurable base URLs (tests point them at local fake servers).

use crate::config::CalendarApi;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

/// An event as a provider reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteEvent {
    pub external_id: String,
    /// Deleted at the provider: the local copy goes too.
    pub cancelled: bool,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub all_day: bool,
}

/// The events changed since the last sync, and the token to continue from next time.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    pub events: Vec<RemoteEvent>,
    pub next_sync_token: Option<String>,
}

/// A local event to create at the provider.
#[derive(Debug, Clone)]
pub struct OutgoingEvent {
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// RRULE value, sent as the provider's recurrence where it takes one.
    pub recurrence_rule: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the request failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the provider answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the provider's answer was not understood: {0}")]
    Payload(String),
}

/// An external calendar.
pub trait CalendarProvider {
    /// Events changed since `sync_token` (everything when `None`), across all pages.
    fn changes(&self, sync_token: Option<&str>) -> impl std::future::Future<Output = Result<Changes, ProviderError>>;
    /// Creates the event at the provider; returns the provider's id for it.
    fn push(&self, event: &OutgoingEvent) -> impl std::future::Future<Output = Result<String, ProviderError>>;
}

/// The most pages one sync follows, so a misbehaving provider cannot loop us forever.
const MAX_PAGES: usize = 100;

fn http_client() -> Result<reqwest::Client, ProviderError> {
    Ok(reqwest::Client::builder().timeout(Duration::from_secs(20)).build()?)
}

/// Sends a create request; the provider's id of the created event.
async fn created_id(request: reqwest::RequestBuilder) -> Result<String, ProviderError> {
    let created = json_body(request.send().await?).await?;
    created
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ProviderError::Payload("the created event has no id".to_owned()))
}

async fn json_body(response: reqwest::Response) -> Result<Value, ProviderError> {
    let status = response.status();
    if !status.is_success() {
        let body: String = response.text().await.unwrap_or_default().chars().take(300).collect();
        return Err(ProviderError::Status { status: status.as_u16(), body });
    }
    Ok(response.json().await?)
}

fn url(api: &CalendarApi, path: &str) -> String {
    format!("{}{path}", api.base_url.as_str().trim_end_matches('/'))
}

/// Google Calendar API v3 (`events.list` with `syncToken`, `events.insert`).
pub struct Google {
    api: CalendarApi,
    client: reqwest::Client,
}

impl Google {
    pub fn new(api: CalendarApi) -> Result<Self, ProviderError> {
        Ok(Self { api, client: http_client()? })
    }

    fn events_url(&self) -> String {
        let calendar: String = url::form_urlencoded::byte_serialize(self.api.calendar_id.as_bytes()).collect();
        url(&self.api, &format!("/calendars/{calendar}/events"))
    }
}

#[derive(Deserialize)]
struct GoogleTime {
    #[serde(rename = "dateTime")]
    date_time: Option<DateTime<Utc>>,
    date: Option<NaiveDate>,
}

impl GoogleTime {
    fn instant(&self) -> Option<(DateTime<Utc>, bool)> {
        match (self.date_time, self.date) {
            (Some(at), _) => Some((at, false)),
            (None, Some(day)) => Some((day.and_hms_opt(0, 0, 0)?.and_utc(), true)),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct GoogleEvent {
    id: String,
    status: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    location: Option<String>,
    start: Option<GoogleTime>,
    end: Option<GoogleTime>,
}

fn google_event(item: GoogleEvent) -> Result<RemoteEvent, ProviderError> {
    let cancelled = item.status.as_deref() == Some("cancelled");
    let start = item.start.as_ref().and_then(GoogleTime::instant);
    let end = item.end.as_ref().and_then(GoogleTime::instant);
    let ((start, all_day), end) = match (start, end) {
        (Some(start), Some((end, _))) => (start, end),
        // Cancelled instances may come without times; only their id matters.
        _ if cancelled => ((DateTime::<Utc>::UNIX_EPOCH, false), DateTime::<Utc>::UNIX_EPOCH),
        _ => return Err(ProviderError::Payload(format!("event {} has no start or end", item.id))),
    };
    Ok(RemoteEvent {
        external_id: item.id,
        cancelled,
        title: item.summary.unwrap_or_else(|| "(no title)".to_owned()),
        description: item.description,
        location: item.location,
        start,
        end: end.max(start),
        all_day,
    })
}

impl CalendarProvider for Google {
    async fn changes(&self, sync_token: Option<&str>) -> Result<Changes, ProviderError> {
        let mut events = Vec::new();
        let mut page_token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query: Vec<(&str, &str)> = vec![("singleEvents", "true"), ("showDeleted", "true")];
            if let Some(token) = sync_token {
                query.push(("syncToken", token));
            }
            if let Some(page) = page_token.as_deref() {
                query.push(("pageToken", page));
            }
            let request = self.client.get(self.events_url()).bearer_auth(self.api.access_token.expose()).query(&query);
            let body = json_body(request.send().await?).await?;
            let items: Vec<GoogleEvent> = serde_json::from_value(body.get("items").cloned().unwrap_or(json!([])))
                .map_err(|e| ProviderError::Payload(e.to_string()))?;
            for item in items {
                events.push(google_event(item)?);
            }
            match body.get("nextPageToken").and_then(Value::as_str) {
                Some(next) => page_token = Some(next.to_owned()),
                None => {
                    let next_sync_token = body.get("nextSyncToken").and_then(Value::as_str).map(str::to_owned);
                    return Ok(Changes { events, next_sync_token });
                }
            }
        }
        Err(ProviderError::Payload(format!("more than {MAX_PAGES} pages of changes")))
    }

    async fn push(&self, event: &OutgoingEvent) -> Result<String, ProviderError> {
        let mut body = json!({
            "summary": event.title,
            "description": event.description,
            "location": event.location,
            "start": {"dateTime": event.start.to_rfc3339()},
            "end": {"dateTime": event.end.to_rfc3339()},
        });
        if let Some(rule) = &event.recurrence_rule {
            body["recurrence"] = json!([format!("RRULE:{}", rule.trim().trim_start_matches("RRULE:"))]);
        }
        let request = self.client.post(self.events_url()).bearer_auth(self.api.access_token.expose()).json(&body);
        created_id(request).await
    }
}

/// Microsoft Graph (`/me/calendarView/delta`, whose delta link is the sync token, and
/// `POST /me/events`). Times are requested in UTC.
pub struct Microsoft {
    api: CalendarApi,
    client: reqwest::Client,
}

impl Microsoft {
    pub fn new(api: CalendarApi) -> Result<Self, ProviderError> {
        Ok(Self { api, client: http_client()? })
    }
}

#[derive(Deserialize)]
struct GraphTime {
    #[serde(rename = "dateTime")]
    date_time: String,
}

impl GraphTime {
    /// Graph sends `2026-03-16T09:00:00.0000000` in the requested zone (UTC).
    fn instant(&self) -> Result<DateTime<Utc>, ProviderError> {
        NaiveDateTime::parse_from_str(self.date_time.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S%.f")
            .map(|naive| naive.and_utc())
            .map_err(|e| ProviderError::Payload(format!("time {:?}: {e}", self.date_time)))
    }
}

#[derive(Deserialize)]
struct GraphText {
    content: Option<String>,
}

#[derive(Deserialize)]
struct GraphLocation {
    #[serde(rename = "displayName")]
    display_name: Option<String>,
}

#[derive(Deserialize)]
struct GraphEvent {
    id: String,
    #[serde(rename = "@removed")]
    removed: Option<Value>,
    subject: Option<String>,
    body: Option<GraphText>,
    location: Option<GraphLocation>,
    start: Option<GraphTime>,
    end: Option<GraphTime>,
    #[serde(rename = "isAllDay", default)]
    is_all_day: bool,
}

fn graph_event(item: GraphEvent) -> Result<RemoteEvent, ProviderError> {
    let cancelled = item.removed.is_some();
    let (start, end) = match (&item.start, &item.end) {
        (Some(start), Some(end)) => (start.instant()?, end.instant()?),
        _ if cancelled => (DateTime::<Utc>::UNIX_EPOCH, DateTime::<Utc>::UNIX_EPOCH),
        _ => return Err(ProviderError::Payload(format!("event {} has no start or end", item.id))),
    };
    Ok(RemoteEvent {
        external_id: item.id,
        cancelled,
        title: item.subject.unwrap_or_else(|| "(no title)".to_owned()),
        description: item.body.and_then(|b| b.content).filter(|c| !c.is_empty()),
        location: item.location.and_then(|l| l.display_name).filter(|l| !l.is_empty()),
        start,
        end: end.max(start),
        all_day: item.is_all_day,
    })
}

impl CalendarProvider for Microsoft {
    async fn changes(&self, sync_token: Option<&str>) -> Result<Changes, ProviderError> {
        // The first sync reads a year back and two ahead; later ones follow the delta link.
        let mut next = match sync_token {
            Some(link) if link.starts_with(self.api.base_url.as_str().trim_end_matches('/')) => link.to_owned(),
            Some(_) => return Err(ProviderError::Payload("the stored delta link is not on the Graph host".into())),
            None => {
                let now = Utc::now();
                let from = (now - chrono::Duration::days(365)).format("%Y-%m-%dT%H:%M:%SZ");
                let to = (now + chrono::Duration::days(730)).format("%Y-%m-%dT%H:%M:%SZ");
                url(&self.api, &format!("/me/calendarView/delta?startDateTime={from}&endDateTime={to}"))
            }
        };
        let mut events = Vec::new();
        for _ in 0..MAX_PAGES {
            let request = self
                .client
                .get(&next)
                .bearer_auth(self.api.access_token.expose())
                .header("Prefer", "outlook.timezone=\"UTC\"");
            let body = json_body(request.send().await?).await?;
            let items: Vec<GraphEvent> = serde_json::from_value(body.get("value").cloned().unwrap_or(json!([])))
                .map_err(|e| ProviderError::Payload(e.to_string()))?;
            for item in items {
                events.push(graph_event(item)?);
            }
            if let Some(link) = body.get("@odata.nextLink").and_then(Value::as_str) {
                next = link.to_owned();
                continue;
            }
            let next_sync_token = body.get("@odata.deltaLink").and_then(Value::as_str).map(str::to_owned);
            return Ok(Changes { events, next_sync_token });
        }
        Err(ProviderError::Payload(format!("more than {MAX_PAGES} pages of changes")))
    }

    async fn push(&self, event: &OutgoingEvent) -> Result<String, ProviderError> {
        let graph_time =
            |at: DateTime<Utc>| json!({"dateTime": at.format("%Y-%m-%dT%H:%M:%S").to_string(), "timeZone": "UTC"});
        let body = json!({
            "subject": event.title,
            "body": {"contentType": "text", "content": event.description.clone().unwrap_or_default()},
            "location": {"displayName": event.location.clone().unwrap_or_default()},
            "start": graph_time(event.start),
            "end": graph_time(event.end),
        });
        let request =
            self.client.post(url(&self.api, "/me/events")).bearer_auth(self.api.access_token.expose()).json(&body);
        created_id(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use wiremock::matchers::{header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn api(server: &MockServer) -> CalendarApi {
        CalendarApi {
            base_url: url::Url::parse(&server.uri()).unwrap(),
            access_token: Secret::new("test-token"),
            calendar_id: "team@example.com".to_owned(),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[tokio::test]
    async fn google_follows_pages_and_returns_the_next_sync_token() {
        let server = MockServer::start().await;
        let events_path = "/calendars/team%40example.com/events";
        Mock::given(method("GET"))
            .and(path(events_path))
            .and(header("authorization", "Bearer test-token"))
            .and(query_param("syncToken", "s1"))
            .and(query_param("pageToken", "p2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [{"id": "gone", "status": "cancelled"}],
                "nextSyncToken": "s2"
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(events_path))
            .and(query_param("syncToken", "s1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [
                    {"id": "a1", "status": "confirmed", "summary": "Launch", "location": "HQ",
                     "start": {"dateTime": "2026-05-04T09:00:00+02:00"}, "end": {"dateTime": "2026-05-04T10:00:00+02:00"}},
                    {"id": "a2", "summary": "Holiday", "start": {"date": "2026-05-01"}, "end": {"date": "2026-05-02"}}
                ],
                "nextPageToken": "p2"
            })))
            .mount(&server)
            .await;
        let changes = Google::new(api(&server)).unwrap().changes(Some("s1")).await.unwrap();
        assert_eq!(changes.next_sync_token.as_deref(), Some("s2"));
        assert_eq!(changes.events.len(), 3);
        assert_eq!(changes.events[0].start, at("2026-05-04T07:00:00Z"));
        assert_eq!(changes.events[0].location.as_deref(), Some("HQ"));
        assert!(changes.events[1].all_day);
        assert_eq!(changes.events[1].end, at("2026-05-02T00:00:00Z"));
        assert!(changes.events[2].cancelled);
    }

    #[tokio::test]
    async fn google_errors_and_pushes() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(410).set_body_string("sync token expired"))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/calendars/team%40example.com/events"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "new-id"})))
            .expect(1)
            .mount(&server)
            .await;
        let google = Google::new(api(&server)).unwrap();
        match google.changes(Some("old")).await {
            Err(ProviderError::Status { status: 410, body }) => assert!(body.contains("expired")),
            other => panic!("expected a 410, got {other:?}"),
        }
        let event = OutgoingEvent {
            title: "Standup".into(),
            description: None,
            location: None,
            start: at("2026-05-04T07:00:00Z"),
            end: at("2026-05-04T07:15:00Z"),
            recurrence_rule: Some("FREQ=DAILY".into()),
        };
        assert_eq!(google.push(&event).await.unwrap(), "new-id");
        let sent: Value = server.received_requests().await.unwrap().last().unwrap().body_json().unwrap();
        assert_eq!(sent["recurrence"], json!(["RRULE:FREQ=DAILY"]));
    }

    #[tokio::test]
    async fn microsoft_reads_delta_pages_in_utc_and_keeps_the_delta_link() {
        let server = MockServer::start().await;
        let delta_link = format!("{}/me/calendarView/delta?$deltatoken=d2", server.uri());
        Mock::given(method("GET"))
            .and(path("/me/calendarView/delta"))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "m2", "@removed": {"reason": "deleted"}}],
                "@odata.deltaLink": delta_link
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/me/calendarView/delta"))
            .and(header("prefer", "outlook.timezone=\"UTC\""))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "m1", "subject": "Board", "isAllDay": false, "body": {"content": "Agenda"},
                           "location": {"displayName": "Room 9"},
                           "start": {"dateTime": "2026-05-04T07:00:00.0000000", "timeZone": "UTC"},
                           "end": {"dateTime": "2026-05-04T08:30:00.0000000", "timeZone": "UTC"}}],
                "@odata.nextLink": format!("{}/me/calendarView/delta?page=2", server.uri())
            })))
            .mount(&server)
            .await;
        let changes = Microsoft::new(api(&server)).unwrap().changes(None).await.unwrap();
        assert_eq!(changes.next_sync_token.as_deref(), Some(delta_link.as_str()));
        assert_eq!(changes.events[0].title, "Board");
        assert_eq!(changes.events[0].end, at("2026-05-04T08:30:00Z"));
        assert_eq!(changes.events[0].description.as_deref(), Some("Agenda"));
        assert!(changes.events[1].cancelled);

        let foreign = Microsoft::new(api(&server)).unwrap().changes(Some("https://evil.example/delta")).await;
        assert!(matches!(foreign, Err(ProviderError::Payload(_))), "a delta link elsewhere is not followed");
    }
}
