//! The days of the calendar's views, in the browser's time zone: which ones a month or a
//! week shows, the step between views, and which days an event covers.

use chrono::{DateTime, Datelike, Days, Local, Months, NaiveDate, NaiveTime, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Month,
    Week,
}

/// The first and last (inclusive) day the view shows: whole weeks from Monday, six of
/// them for a month so every month fits.
pub fn visible_days(mode: Mode, anchor: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = |d: NaiveDate| d - Days::new(u64::from(d.weekday().num_days_from_monday()));
    match mode {
        Mode::Month => {
            let first = monday(anchor.with_day(1).unwrap_or(anchor));
            (first, first + Days::new(41))
        }
        Mode::Week => {
            let first = monday(anchor);
            (first, first + Days::new(6))
        }
    }
}

/// One step back or forward.
pub fn step(mode: Mode, anchor: NaiveDate, forward: bool) -> NaiveDate {
    match (mode, forward) {
        (Mode::Month, true) => anchor.with_day(1).unwrap_or(anchor) + Months::new(1),
        (Mode::Month, false) => anchor.with_day(1).unwrap_or(anchor) - Months::new(1),
        (Mode::Week, true) => anchor + Days::new(7),
        (Mode::Week, false) => anchor - Days::new(7),
    }
}

/// Local midnight at the start of `day`, in UTC.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    Local
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
}

pub fn local_day(time: DateTime<Utc>) -> NaiveDate {
    time.with_timezone(&Local).date_naive()
}

/// The local days an occurrence covers; an end at midnight does not cover that day.
pub fn covers(start: DateTime<Utc>, end: DateTime<Utc>, day: NaiveDate) -> bool {
    let first = local_day(start);
    let last = if end > start { local_day(end - chrono::Duration::seconds(1)) } else { first };
    first <= day && day <= last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn views_cover_whole_weeks() {
        // November 2026 starts on a Sunday: the grid starts on Monday, October 26.
        assert_eq!(visible_days(Mode::Month, date("2026-11-25")), (date("2026-10-26"), date("2026-12-06")));
        assert_eq!(visible_days(Mode::Week, date("2026-11-25")), (date("2026-11-23"), date("2026-11-29")));
        assert_eq!(step(Mode::Month, date("2026-01-31"), true), date("2026-02-01"));
        assert_eq!(step(Mode::Month, date("2026-01-31"), false), date("2025-12-01"));
        assert_eq!(step(Mode::Week, date("2026-11-25"), true), date("2026-12-02"));
    }

    #[test]
    fn occurrences_cover_their_days() {
        let start = day_start(date("2026-11-25"));
        let end = day_start(date("2026-11-27"));
        assert!(covers(start, end, date("2026-11-25")));
        assert!(covers(start, end, date("2026-11-26")));
        // Ending at midnight does not spill into the next day.
        assert!(!covers(start, end, date("2026-11-27")));
        assert!(covers(start, start, date("2026-11-25")));
    }
}
