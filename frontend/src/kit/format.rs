//! How values read on the page and how form inputs become request fields: dates in the
//! browser's time zone, amounts, labels, blank inputs, and the fields of a partial update.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The `<title>` of the document.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} · MarketingOS"));
    }
}

/// "2026-11-25 12:34" in the browser's time zone, or "—".
pub fn format_time(time: Option<DateTime<Utc>>) -> String {
    time.map(|t| t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "—".into())
}

/// "2026-11-25" in the browser's time zone, or "—".
pub fn format_day(time: Option<DateTime<Utc>>) -> String {
    time.map(|t| t.with_timezone(&Local).format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())
}

/// "Nov 25, 09:00" (this year) or "Nov 25 2027, 09:00", in the browser's time zone.
pub fn short_time(time: DateTime<Utc>) -> String {
    let local = time.with_timezone(&Local);
    if local.format("%Y").to_string() == Local::now().format("%Y").to_string() {
        local.format("%b %-d, %H:%M").to_string()
    } else {
        local.format("%b %-d %Y, %H:%M").to_string()
    }
}

/// "12,500"; money is stored in whole units of the agency's currency.
pub fn format_amount(value: Option<i32>) -> String {
    let Some(value) = value else { return "—".to_owned() };
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// "2026-11-25" (UTC), the value of a date input; empty when unset.
pub fn day_value(time: Option<DateTime<Utc>>) -> String {
    time.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// A date input's value as midnight UTC of that day.
pub fn day_start(value: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
}

/// A `datetime-local` input value in the browser's time zone.
pub fn to_input(time: Option<DateTime<Utc>>) -> String {
    time.map(|t| t.with_timezone(&Local).format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

/// Reads a `datetime-local` value (browser time zone); blank or unreadable is `None`.
pub fn from_input(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}

/// "closed_won" → "Closed won".
pub fn humanize(value: &str) -> String {
    let text = value.replace('_', " ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The trimmed text, or `None` when blank.
pub fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// `Some(new)` when a nullable field of a partial update changed (`Some(None)` clears it).
pub fn changed<T: PartialEq>(new: Option<T>, old: &Option<T>) -> Option<Option<T>> {
    (new != *old).then_some(new)
}

/// `Some(new)` when a field of a partial update changed.
pub fn differs<T: PartialEq>(new: T, old: &T) -> Option<T> {
    (new != *old).then_some(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_days_and_labels() {
        assert_eq!(format_amount(Some(1_234_567)), "1,234,567");
        assert_eq!(format_amount(Some(999)), "999");
        assert_eq!(format_amount(Some(-1000)), "-1,000");
        assert_eq!(format_amount(None), "—");
        let day = day_start("2026-03-01");
        assert_eq!(day_value(day), "2026-03-01");
        assert_eq!(day_start("01/03/2026"), None);
        assert_eq!(humanize("closed_won"), "Closed won");
        assert_eq!(non_empty("  "), None);
        assert_eq!(non_empty(" ada ").as_deref(), Some("ada"));
    }

    #[test]
    fn partial_updates_carry_only_changes() {
        assert_eq!(changed(Some(1), &Some(1)), None);
        assert_eq!(changed(None, &Some(1)), Some(None));
        assert_eq!(differs(2, &1), Some(2));
        assert_eq!(differs("a", &"a"), None);
    }

    #[test]
    fn datetime_inputs_round_trip() {
        assert_eq!(from_input(""), None);
        assert_eq!(from_input("tomorrow"), None);
        let time = from_input("2026-11-25T09:30").unwrap();
        assert_eq!(to_input(Some(time)), "2026-11-25T09:30");
        assert_eq!(to_input(None), "");
    }
}
