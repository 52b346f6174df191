//! A reader of `GET /api/events`: opens the stream as a bearer, and yields its frames.

use crate::TestApp;
use reqwest::{Response, StatusCode};
use serde_json::Value;
use std::time::Duration;

/// One Server-Sent Events frame: an event (`id`, `event`, `data`) or a comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    pub id: Option<i64>,
    pub event: Option<String>,
    pub data: Option<Value>,
    pub comment: Option<String>,
}

pub struct EventStream {
    response: Response,
    buffer: String,
}

impl EventStream {
    /// Opens the stream as `token`, resuming after `last_event_id` when given; asserts 200.
    pub async fn open(app: &TestApp, token: &str, last_event_id: Option<i64>) -> EventStream {
        let mut request = app.request(reqwest::Method::GET, "/api/events", Some(token));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("opening the event stream");
        assert_eq!(response.status(), StatusCode::OK, "GET /api/events");
        let content_type = crate::header(&response, "content-type");
        assert_eq!(content_type, "text/event-stream", "the stream's media type");
        let mut stream = EventStream { response, buffer: String::new() };
        // The first frame says how long to wait before reconnecting.
        let first = stream.frame(Duration::from_secs(5)).await.expect("the opening frame");
        assert_eq!(first.comment.as_deref(), Some("connected"), "{first:?}");
        stream
    }

    /// The next frame, `None` when none comes within `within` or the stream ended.
    pub async fn frame(&mut self, within: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let text: String = self.buffer.drain(..end + 2).collect();
                return Some(parse(&text));
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8 frames"));
        }
    }

    /// The next event (heartbeats skipped), `None` when none comes within `within`.
    pub async fn event(&mut self, within: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let frame = self.frame(left).await?;
            if frame.event.is_some() {
                return Some(frame);
            }
        }
    }

    /// The next event about `entity_id` within five seconds, skipping others; panics when none comes.
    pub async fn event_about(&mut self, entity_id: &str) -> Frame {
        loop {
            let frame =
                self.event(Duration::from_secs(5)).await.unwrap_or_else(|| panic!("no event about {entity_id}"));
            if frame.data.as_ref().is_some_and(|data| data["entityId"] == entity_id) {
                return frame;
            }
        }
    }

    /// The next `event_type` event about anything, within five seconds, skipping others.
    pub async fn next_of_type(&mut self, event_type: &str) -> Frame {
        loop {
            let frame = self.event(Duration::from_secs(5)).await.unwrap_or_else(|| panic!("no {event_type} event"));
            if frame.event.as_deref() == Some(event_type) {
                return frame;
            }
        }
    }

    /// The next `event_type` event about `entity_id`, skipping others (such as the
    /// record's creation, which the hub may still be fanning out when a stream opens).
    pub async fn event_of(&mut self, event_type: &str, entity_id: &str) -> Frame {
        loop {
            let frame = self.event_about(entity_id).await;
            if frame.event.as_deref() == Some(event_type) {
                return frame;
            }
        }
    }

    /// Events until the one about `entity_id` (included), within five seconds.
    pub async fn events_until(&mut self, entity_id: &str) -> Vec<Frame> {
        let mut seen = Vec::new();
        loop {
            let frame =
                self.event(Duration::from_secs(5)).await.unwrap_or_else(|| panic!("no event about {entity_id}"));
            let last = frame.data.as_ref().is_some_and(|data| data["entityId"] == entity_id);
            seen.push(frame);
            if last {
                return seen;
            }
        }
    }
}

fn parse(text: &str) -> Frame {
    let mut frame = Frame::default();
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix(':') {
            frame.comment = Some(comment.trim().to_owned());
        } else if let Some((field, value)) = line.split_once(": ") {
            match field {
                "id" => frame.id = value.parse().ok(),
                "event" => frame.event = Some(value.to_owned()),
                "data" => frame.data = serde_json::from_str(value).ok(),
                _ => {}
            }
        }
    }
    frame
}
