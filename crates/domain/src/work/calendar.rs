//! Calendar events as the API shows and accepts them: attendees, reminders and RFC 5545
//! recurrence (expanded per occurrence by the server with [`crate::work::recurrence`]), the
//! per-user ICS feed and the external calendar sync report.

use crate::identity::permissions::Role;
use crate::patch::double_option;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// Who may use the calendar: every staff-side role; client-portal roles may not.
pub fn may_use_calendar(role: Role) -> bool {
    !role.is_client_portal()
}

/// The widest window `GET /api/calendar/events` and `GET /api/calendar/tasks` expand.
pub const MAX_WINDOW_DAYS: i64 = 366;

/// The longest reminder lead time: four weeks, in minutes.
pub const MAX_REMINDER_MINUTES: i32 = 40_320;

crate::enums::stored_enum! {
    /// The original's event types.
    #[derive(Hash, Default)]
    pub enum EventType: "snake_case" {
        #[default]
        Event,
        Meeting,
        Call,
        Deadline,
        Reminder,
    }
}

/// An attendee's answer (the iCalendar PARTSTAT values Google and Microsoft also use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    #[default]
    NeedsAction,
    Accepted,
    Declined,
    Tentative,
}

/// A user of this system (`userId`), an outside address (`email`), or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attendee {
    #[serde(default)]
    pub user_id: Option<i32>,
    #[serde(default)]
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = "email", max_length = 254))]
    pub email: Option<String>,
    /// Defaults to `needs_action`.
    #[serde(default)]
    pub response_status: ResponseStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderMethod {
    #[default]
    Popup,
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reminder {
    /// 0 (at the start) to 40320 (four weeks).
    #[validate(range(min = 0, max = 40320))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 40320))]
    pub minutes_before: i32,
    /// Defaults to `popup`.
    #[serde(default)]
    pub method: ReminderMethod,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::calendar_events, check_for_backend(diesel::pg::Pg)))]
pub struct CalendarEvent {
    pub id: Uuid,
    pub title: String,
    pub description: Option<String>,
    /// The first occurrence's start.
    pub start: DateTime<Utc>,
    /// The first occurrence's end; every occurrence lasts `end - start`.
    #[cfg_attr(feature = "diesel", diesel(column_name = end_))]
    pub end: DateTime<Utc>,
    pub all_day: bool,
    pub location: Option<String>,
    #[serde(rename = "type")]
    pub event_type: EventType,
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::json_column::Json<Vec<Attendee>>))]
    pub attendees: Vec<Attendee>,
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::json_column::Json<Vec<Reminder>>))]
    pub reminders: Vec<Reminder>,
    pub meet_link: Option<String>,
    pub is_recurring: bool,
    /// RFC 5545 RRULE value, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    pub recurrence_rule: Option<String>,
    /// IANA time zone the rule is evaluated in.
    pub recurrence_timezone: String,
    /// The event's id at Google Calendar, when imported from or pushed there.
    pub google_event_id: Option<String>,
    /// The event's id at Microsoft Graph, when imported from or pushed there.
    pub microsoft_event_id: Option<String>,
    pub created_by: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CalendarEvent {
    /// Whether `user_id` is among the attendees.
    pub fn attended_by(&self, user_id: i32) -> bool {
        self.attendees.iter().any(|a| a.user_id == Some(user_id))
    }

    /// The occurrence starting at `start` (lasting as long as the first one).
    pub fn occurrence(&self, start: DateTime<Utc>) -> EventOccurrence {
        EventOccurrence {
            event_id: self.id,
            title: self.title.clone(),
            start,
            end: start + (self.end - self.start),
            all_day: self.all_day,
            location: self.location.clone(),
            event_type: self.event_type,
            is_recurring: self.is_recurring,
        }
    }
}

/// Every attendee names a user or an email address.
fn attendees_identified(attendees: &[Attendee]) -> Result<(), ValidationError> {
    match attendees.iter().position(|a| a.user_id.is_none() && a.email.as_deref().is_none_or(str::is_empty)) {
        None => Ok(()),
        Some(index) => Err(ValidationError::new("attendee")
            .with_message(format!("attendee {index} needs a userId or an email").into())),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCalendarEventRequest {
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub title: String,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: Option<String>,
    pub start: DateTime<Utc>,
    /// Not before `start`.
    pub end: DateTime<Utc>,
    pub all_day: Option<bool>,
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub location: Option<String>,
    /// Defaults to `event`.
    #[serde(rename = "type")]
    pub event_type: Option<EventType>,
    #[validate(length(max = 100), nested, custom(function = "attendees_identified"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub attendees: Option<Vec<Attendee>>,
    #[validate(length(max = 10), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub reminders: Option<Vec<Reminder>>,
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(feature = "openapi", schema(format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$"))]
    pub meet_link: Option<String>,
    /// Defaults to whether a `recurrenceRule` is given.
    pub is_recurring: Option<bool>,
    /// RFC 5545 RRULE value (FREQ DAILY, WEEKLY, MONTHLY or YEARLY), evaluated from `start`.
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub recurrence_rule: Option<String>,
    /// IANA time zone of the rule (default `UTC`).
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "Europe/Berlin"))]
    pub recurrence_timezone: Option<String>,
}

/// Partial update: absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateCalendarEventRequest {
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub title: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub description: Option<Option<String>>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub all_day: Option<bool>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub location: Option<Option<String>>,
    #[serde(rename = "type")]
    pub event_type: Option<EventType>,
    #[validate(length(max = 100), nested, custom(function = "attendees_identified"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub attendees: Option<Vec<Attendee>>,
    #[validate(length(max = 10), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub reminders: Option<Vec<Reminder>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$")
    )]
    pub meet_link: Option<Option<String>>,
    pub is_recurring: Option<bool>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub recurrence_rule: Option<Option<String>>,
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub recurrence_timezone: Option<String>,
}

/// One occurrence of an event in a window: a single event once, a recurring event once
/// per occurrence with that occurrence's own start and end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventOccurrence {
    pub event_id: Uuid,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub all_day: bool,
    pub location: Option<String>,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub is_recurring: bool,
}

/// The `from`/`to` window of the calendar views: `[from, to)`, at most 366 days.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct CalendarWindow {
    /// RFC 3339 start of the window (inclusive).
    pub from: DateTime<Utc>,
    /// RFC 3339 end of the window (exclusive); not before `from` (equal is an empty
    /// window), at most 366 days later.
    pub to: DateTime<Utc>,
}

impl CalendarWindow {
    /// `Err((field, message))` when the window is inverted or too wide.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.to < self.from {
            return Err(("to", "must not be before from".to_owned()));
        }
        if self.to - self.from > Duration::days(MAX_WINDOW_DAYS) {
            return Err(("to", format!("must be at most {MAX_WINDOW_DAYS} days after from")));
        }
        Ok(())
    }
}

/// An event's span: the end may not precede the start.
pub fn check_span(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(), String> {
    if end < start {
        Err("must not be before start".to_owned())
    } else {
        Ok(())
    }
}

/// The answer to creating or rotating the caller's ICS feed token; the URL is shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CalendarFeed {
    /// Subscribe to this URL in a calendar app; anyone holding it can read the feed.
    pub url: String,
    pub created_at: DateTime<Utc>,
}

crate::enums::stored_enum! {
    /// The external calendars `POST /api/calendar/sync` imports from.
    pub enum CalendarProviderName: "snake_case" {
        Google,
        Microsoft,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SyncOutcome {
    Synced,
    /// The provider is not configured.
    Skipped,
    /// The provider answered with an error or could not be reached.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderSyncResult {
    pub provider: CalendarProviderName,
    pub status: SyncOutcome,
    /// Events created here from the provider's.
    pub imported: i64,
    /// Events already imported and updated from the provider's.
    pub updated: i64,
    /// Events the provider reported cancelled, deleted here.
    pub deleted: i64,
    /// The caller's events created at the provider.
    pub pushed: i64,
    /// Why the provider was skipped or failed.
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CalendarSyncReport {
    pub providers: Vec<ProviderSyncResult>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::field_errors;

    fn create(json: &str) -> CreateCalendarEventRequest {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn attendees_need_a_user_or_a_valid_email() {
        let ok = create(
            r#"{"title":"Standup","start":"2026-12-01T09:00:00Z","end":"2026-12-01T09:15:00Z",
                "attendees":[{"userId":2},{"email":"guest@example.com","responseStatus":"accepted"}]}"#,
        );
        assert!(ok.validate().is_ok());
        let anonymous = create(
            r#"{"title":"Standup","start":"2026-12-01T09:00:00Z","end":"2026-12-01T09:15:00Z",
                "attendees":[{"userId":2},{"responseStatus":"accepted"}]}"#,
        );
        let errors = field_errors(&anonymous.validate().unwrap_err());
        assert_eq!(errors[0].field, "attendees");
        assert!(errors[0].message.contains("attendee 1"), "{errors:?}");
        let bad_email = create(
            r#"{"title":"Standup","start":"2026-12-01T09:00:00Z","end":"2026-12-01T09:15:00Z",
                "attendees":[{"email":"not-an-address"}]}"#,
        );
        assert_eq!(field_errors(&bad_email.validate().unwrap_err())[0].field, "attendees[0].email");
    }

    #[test]
    fn reminders_are_bounded_to_four_weeks() {
        let late = create(
            r#"{"title":"Launch","start":"2026-12-01T09:00:00Z","end":"2026-12-01T10:00:00Z",
                "reminders":[{"minutesBefore":40320,"method":"email"},{"minutesBefore":40321}]}"#,
        );
        let errors = field_errors(&late.validate().unwrap_err());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "reminders[1].minutesBefore");
        assert!(serde_json::from_str::<Reminder>(r#"{"minutesBefore":5,"method":"sms"}"#).is_err());
    }

    #[test]
    fn spans_and_windows_are_checked() {
        let start = "2026-12-01T09:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert!(check_span(start, start).is_ok(), "a zero-length event is allowed");
        assert!(check_span(start, start - Duration::minutes(1)).is_err());
        let window = |days| CalendarWindow { from: start, to: start + Duration::days(days) };
        assert!(window(366).check().is_ok());
        assert_eq!(window(367).check().unwrap_err().0, "to");
        assert!(window(0).check().is_ok(), "an empty window is valid and holds nothing");
        assert_eq!(window(-1).check().unwrap_err().0, "to");
    }

    #[test]
    fn wire_names_follow_the_original() {
        let event =
            create(r#"{"title":"Call","start":"2026-12-01T09:00:00Z","end":"2026-12-01T09:00:00Z","type":"call"}"#);
        assert_eq!(event.event_type, Some(EventType::Call));
        for t in EventType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        assert_eq!(serde_json::to_value(ResponseStatus::NeedsAction).unwrap(), "needs_action");
        let patch: UpdateCalendarEventRequest = serde_json::from_str(r#"{"location":null}"#).unwrap();
        assert_eq!(patch.location, Some(None));
        assert!(serde_json::from_str::<UpdateCalendarEventRequest>(r#"{"organizer":1}"#).is_err());
    }
}
