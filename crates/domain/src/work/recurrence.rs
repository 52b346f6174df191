//! Recurring tasks: RFC 5545 recurrence rules (the `rrule` crate) evaluated in the task's
//! IANA time zone (chrono-tz), so a weekly 09:00 Europe/Berlin task stays at 09:00 local
//! time across daylight-saving changes.
//!
//! A series is anchored at `dtstart`, the first instance's due date and time. The next
//! instance depends on `schedule_from`:
//! - `due_date`: the first occurrence of the rule (from `dtstart`) after the current
//!   instance's due date. `COUNT` and `UNTIL` end the series: after the last occurrence
//!   there is no next instance.
//! - `completion_date`: the rule is restarted on the local day of completion (at the due
//!   time of day) and its first occurrence after that day is taken, so `INTERVAL` counts
//!   from completion. `UNTIL` still ends the series; `COUNT` cannot be used (it would
//!   count from every restart) and is refused.
//!
//! Month ends follow RFC 5545: a monthly rule on the 31st (`BYMONTHDAY=31`, or a start on
//! the 31st) skips months without a 31st instead of clamping to the 30th/28th; use
//! `BYMONTHDAY=-1` for "the last day of every month".

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rrule::{Frequency, RRule, RRuleSet, Unvalidated};

/// How the next instance's date is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    DueDate,
    CompletionDate,
}

/// The longest RRULE accepted.
pub const MAX_RULE_LEN: usize = 500;

/// Parses and checks an `RRULE` value (without the `RRULE:` prefix or a `DTSTART`):
/// `FREQ` must be DAILY, WEEKLY, MONTHLY or YEARLY.
pub fn parse_rule(rule: &str) -> Result<RRule<Unvalidated>, String> {
    let rule = rule.trim();
    let rule = rule.strip_prefix("RRULE:").unwrap_or(rule);
    if rule.is_empty() || rule.len() > MAX_RULE_LEN {
        return Err(format!("must be an RRULE of 1 to {MAX_RULE_LEN} characters, e.g. FREQ=WEEKLY;BYDAY=MO"));
    }
    if rule.contains(['\n', '\r']) || rule.to_ascii_uppercase().contains("DTSTART") {
        return Err("must be a single RRULE value without DTSTART (the due date is the start)".to_owned());
    }
    let parsed: RRule<Unvalidated> = rule.parse().map_err(|e| format!("is not a valid RRULE: {e}"))?;
    match parsed.get_freq() {
        Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly => Ok(parsed),
        other => Err(format!("FREQ={other} is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY")),
    }
}

/// Parses an IANA time zone name such as `Europe/Berlin` or `UTC`.
pub fn parse_timezone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.parse::<chrono_tz::Tz>().map_err(|_| format!("`{name}` is not an IANA time zone such as Europe/Berlin"))
}

/// Checks a rule against its start and schedule: the whole definition must be usable, and
/// the rule must produce occurrences often enough for its `FREQ` (see [`check_density`]).
pub fn validate(rule: &str, timezone: &str, dtstart: DateTime<Utc>, schedule: Schedule) -> Result<(), String> {
    let parsed = parse_rule(rule)?;
    if schedule == Schedule::CompletionDate && parsed.get_count().is_some() {
        return Err("COUNT cannot be combined with scheduleFrom completion_date; use UNTIL".to_owned());
    }
    let tz = parse_timezone(timezone)?;
    let (freq, interval, ends) = (parsed.get_freq(), parsed.get_interval(), ends(&parsed));
    let set = build(parsed, tz, dtstart)?;
    check_density(&set, freq, interval, ends, dtstart)
}

/// rrule walks a rule one `FREQ` period at a time (day by day for `DAILY`), also through
/// periods that hold no occurrence, so a rule's cost is the periods walked, not the
/// occurrences found. Rules averaging more periods than this per occurrence are refused
/// when saved: `FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29` walks 1461 days per occurrence (write
/// it as `FREQ=YEARLY`), and one that never occurs (`BYMONTHDAY=30` in February) would
/// walk until rrule's own loop guard gives up.
const MAX_PERIODS_PER_OCCURRENCE: f64 = 1_000.0;

/// Occurrences looked at to judge a rule's density.
const DENSITY_SAMPLE: usize = 3;

/// How far from a series' start any expansion looks (about 273 years). With the density
/// bound this caps the periods an expansion walks, whatever window is asked for.
const HORIZON_DAYS: i64 = 100_000;

fn ends(rule: &RRule<Unvalidated>) -> bool {
    rule.get_count().is_some() || rule.get_until().is_some()
}

fn period_days(freq: Frequency) -> f64 {
    match freq {
        Frequency::Yearly => 365.25,
        Frequency::Monthly => 30.44,
        Frequency::Weekly => 7.0,
        _ => 1.0,
    }
}

/// Refuses rules that never, or only rarely for their `FREQ`, produce an occurrence.
fn check_density(
    set: &RRuleSet,
    freq: Frequency,
    interval: u16,
    ends: bool,
    dtstart: DateTime<Utc>,
) -> Result<(), String> {
    let sample: Vec<DateTime<Utc>> = set.into_iter().take(DENSITY_SAMPLE).map(|d| d.with_timezone(&Utc)).collect();
    let Some(last) = sample.last() else {
        return Err(
            "never produces an occurrence from this start; check its BY… parts (e.g. BYMONTHDAY=30 with BYMONTH=2)"
                .to_owned(),
        );
    };
    let rare = format!(
        "occurs too rarely for FREQ={freq}: at most one occurrence per {MAX_PERIODS_PER_OCCURRENCE} periods on \
         average; use a coarser FREQ (e.g. FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29)"
    );
    // Fewer than the sample without COUNT or UNTIL: rrule's loop guard ended the walk.
    if sample.len() < DENSITY_SAMPLE && !ends {
        return Err(rare);
    }
    let periods = (*last - dtstart).num_days() as f64 / (period_days(freq) * f64::from(interval.max(1)));
    if periods > MAX_PERIODS_PER_OCCURRENCE * sample.len() as f64 {
        return Err(rare);
    }
    Ok(())
}

fn build(rule: RRule<Unvalidated>, tz: chrono_tz::Tz, dtstart: DateTime<Utc>) -> Result<RRuleSet, String> {
    let start = dtstart.with_timezone(&rrule::Tz::Tz(tz));
    // `limit` turns on rrule's loop guard: a walk gives up after 100,000 empty periods in a
    // row, so even a stored rule from before the density check cannot walk for ever.
    rule.build(start).map(RRuleSet::limit).map_err(|e| format!("is not a valid RRULE for this start: {e}"))
}

/// Upper bound on occurrences walked to find the next ones (a daily rule for 270 years).
const MAX_WALK: usize = 100_000;

/// A series' occurrences in UTC, bounded by [`MAX_WALK`] and [`HORIZON_DAYS`].
fn walk(set: &RRuleSet, dtstart: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> {
    let horizon = dtstart + chrono::Duration::days(HORIZON_DAYS);
    set.into_iter().take(MAX_WALK).map(|d| d.with_timezone(&Utc)).take_while(move |d| *d < horizon)
}

/// The first `n` occurrences strictly after `after`, of the series starting at `dtstart`.
pub fn occurrences_after(
    rule: &str,
    timezone: &str,
    dtstart: DateTime<Utc>,
    after: DateTime<Utc>,
    n: usize,
) -> Result<Vec<DateTime<Utc>>, String> {
    let set = build(parse_rule(rule)?, parse_timezone(timezone)?, dtstart)?;
    Ok(walk(&set, dtstart).skip_while(|d| *d <= after).take(n).collect())
}

/// The first `n` occurrences of the series starting at `dtstart` (its start included when
/// it matches the rule): the recurrence editor's preview.
pub fn first_occurrences(
    rule: &str,
    timezone: &str,
    dtstart: DateTime<Utc>,
    n: usize,
) -> Result<Vec<DateTime<Utc>>, String> {
    let set = build(parse_rule(rule)?, parse_timezone(timezone)?, dtstart)?;
    Ok(walk(&set, dtstart).take(n).collect())
}

/// Occurrence starts in `[from, to)`, at most `max` of them, of the series starting at
/// `dtstart`. Calendar windows pass `from` moved back by the event's duration, so an
/// occurrence that began before the window but is still running is included.
pub fn occurrences_between(
    rule: &str,
    timezone: &str,
    dtstart: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    max: usize,
) -> Result<Vec<DateTime<Utc>>, String> {
    let set = build(parse_rule(rule)?, parse_timezone(timezone)?, dtstart)?;
    Ok(walk(&set, dtstart).skip_while(|d| *d < from).take_while(|d| *d < to).take(max).collect())
}

/// The last occurrence's start when `COUNT` or `UNTIL` ends the series, `None` when it
/// never ends (or ends beyond the walk bound, which callers treat the same way).
pub fn last_occurrence(rule: &str, timezone: &str, dtstart: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let parsed = parse_rule(rule)?;
    if parsed.get_count().is_none() && parsed.get_until().is_none() {
        return Ok(None);
    }
    let set = build(parsed, parse_timezone(timezone)?, dtstart)?;
    let horizon = dtstart + chrono::Duration::days(HORIZON_DAYS);
    let mut last = None;
    for (walked, occurrence) in set.into_iter().map(|d| d.with_timezone(&Utc)).enumerate() {
        // A series longer than the walk's bounds is treated as endless.
        if walked == MAX_WALK || occurrence >= horizon {
            return Ok(None);
        }
        last = Some(occurrence);
    }
    Ok(last)
}

/// The next due date after the current instance (due at `current_due`, completed at
/// `completed_at`), per the module's rules; `None` when the series has ended.
pub fn next_occurrence(
    rule: &str,
    timezone: &str,
    dtstart: DateTime<Utc>,
    schedule: Schedule,
    current_due: DateTime<Utc>,
    completed_at: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, String> {
    let next = match schedule {
        Schedule::DueDate => occurrences_after(rule, timezone, dtstart, current_due, 1)?,
        Schedule::CompletionDate => {
            let tz = parse_timezone(timezone)?;
            let parsed = parse_rule(rule)?;
            if parsed.get_until().is_some_and(|until| until.with_timezone(&Utc) <= completed_at) {
                return Ok(None);
            }
            let due_local = current_due.with_timezone(&tz);
            let day = completed_at.with_timezone(&tz).date_naive();
            let restart = local_datetime(tz, day.and_time(due_local.time()))?;
            // The series never moves before its original start.
            let restart = restart.max(dtstart);
            let end_of_day = local_datetime(tz, day.and_hms_opt(23, 59, 59).unwrap_or(day.and_time(due_local.time())))?;
            occurrences_after(rule, timezone, restart, end_of_day.max(restart), 1)?
        }
    };
    Ok(next.into_iter().next())
}

/// A local wall-clock time as an instant; in a DST gap the later offset is used, in an
/// overlap the earlier one.
fn local_datetime(tz: chrono_tz::Tz, local: chrono::NaiveDateTime) -> Result<DateTime<Utc>, String> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(d) => Ok(d.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| "the local time does not exist in this time zone".to_owned()),
    }
}

/// The calendar date of an instant in a time zone: a series' instance key.
pub fn local_date(at: DateTime<Utc>, timezone: &str) -> Result<NaiveDate, String> {
    Ok(at.with_timezone(&parse_timezone(timezone)?).date_naive())
}

/// `due` windows of the task list, as UTC bounds `[from, to)` for `today` and `week`
/// (today and the next six days) in the caller's time zone.
pub fn day_window(now: DateTime<Utc>, timezone: &str, days: u32) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let tz = parse_timezone(timezone)?;
    let today = now.with_timezone(&tz).date_naive();
    let start = local_datetime(tz, today.and_hms_opt(0, 0, 0).unwrap_or_default())?;
    let end_day = today + chrono::Duration::days(i64::from(days));
    let end = local_datetime(tz, end_day.and_hms_opt(0, 0, 0).unwrap_or_default())?;
    Ok((start, end))
}

/// What is wrong with a recurrence as a request defines it: the field, the error code
/// and the message (a 400 naming the field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self { field, code, message: message.into() }
    }
}

/// A record's recurrence as it will be stored (a task's or an event's), checked as a
/// whole: the zone, the rule when there is one, and for a recurring record that it has
/// a rule and a first occurrence the rule is valid from.
#[derive(Debug, Clone)]
pub struct Definition<'a> {
    /// How messages name the record (`task`, `event`).
    pub noun: &'static str,
    pub is_recurring: bool,
    pub rule: Option<&'a str>,
    pub timezone: &'a str,
    pub schedule: Schedule,
    /// The first occurrence (a due date, a start), and the field that sets it.
    pub first: (Option<DateTime<Utc>>, &'static str),
}

impl Definition<'_> {
    /// The rule and first occurrence of a valid recurring record; `None` for a single one.
    pub fn check(&self) -> Result<Option<(&str, DateTime<Utc>)>, Invalid> {
        parse_timezone(self.timezone).map_err(|m| Invalid::new("recurrenceTimezone", "timezone", m))?;
        if let Some(rule) = self.rule {
            parse_rule(rule).map_err(|m| Invalid::new("recurrenceRule", "rrule", m))?;
        }
        if !self.is_recurring {
            return Ok(None);
        }
        let needs = |what: &str| format!("a recurring {} needs a {what}", self.noun);
        let rule = self.rule.ok_or_else(|| Invalid::new("recurrenceRule", "required", needs("recurrenceRule")))?;
        let (first, field) = self.first;
        let first = first.ok_or_else(|| Invalid::new(field, "required", needs(field)))?;
        validate(rule, self.timezone, first, self.schedule).map_err(|m| Invalid::new("recurrenceRule", "rrule", m))?;
        Ok(Some((rule, first)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    fn definition(is_recurring: bool, rule: Option<&str>, first: Option<DateTime<Utc>>) -> Definition<'_> {
        Definition {
            noun: "task",
            is_recurring,
            rule,
            timezone: "Europe/Berlin",
            schedule: Schedule::DueDate,
            first: (first, "dueDate"),
        }
    }

    #[test]
    fn definitions_name_the_field_at_fault() {
        let monday = berlin(2026, 3, 2, 9);
        let due = Some(monday);
        assert_eq!(definition(true, Some("FREQ=WEEKLY"), due).check(), Ok(Some(("FREQ=WEEKLY", monday))));
        assert_eq!(definition(false, Some("FREQ=WEEKLY"), None).check(), Ok(None), "a single task needs no due date");
        let field = |d: Definition<'_>| d.check().map_err(|e| (e.field, e.code)).unwrap_err();
        assert_eq!(field(definition(true, None, due)), ("recurrenceRule", "required"));
        assert_eq!(field(definition(true, Some("FREQ=WEEKLY"), None)), ("dueDate", "required"));
        assert_eq!(field(definition(false, Some("FREQ=SECONDLY"), None)), ("recurrenceRule", "rrule"));
        let elsewhere = Definition { timezone: "Mars/Olympus", ..definition(false, None, None) };
        assert_eq!(field(elsewhere), ("recurrenceTimezone", "timezone"));
        let message = definition(true, None, due).check().unwrap_err().message;
        assert_eq!(message, "a recurring task needs a recurrenceRule");
    }

    fn berlin(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Berlin.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn local_hours(dates: &[DateTime<Utc>]) -> Vec<u32> {
        dates.iter().map(|d| d.with_timezone(&chrono_tz::Europe::Berlin).hour()).collect()
    }

    #[test]
    fn weekly_09_00_berlin_stays_09_00_across_both_dst_switches() {
        // 2026: summer time starts 29 March, ends 25 October.
        let start = berlin(2026, 3, 16, 9);
        let next = occurrences_after("FREQ=WEEKLY", "Europe/Berlin", start, start, 3).unwrap();
        assert_eq!(next, [berlin(2026, 3, 23, 9), berlin(2026, 3, 30, 9), berlin(2026, 4, 6, 9)]);
        assert_eq!(next[0].hour(), 8, "09:00 CET is 08:00 UTC");
        assert_eq!(next[1].hour(), 7, "09:00 CEST is 07:00 UTC");

        let autumn = berlin(2026, 10, 19, 9);
        let after =
            next_occurrence("FREQ=WEEKLY", "Europe/Berlin", start, Schedule::DueDate, autumn, autumn).unwrap().unwrap();
        assert_eq!(after, berlin(2026, 10, 26, 9));
        assert_eq!(local_hours(&[autumn, after]), [9, 9]);
        assert_eq!((autumn.hour(), after.hour()), (7, 8));
    }

    #[test]
    fn monthly_on_the_31st_skips_short_months() {
        let start = Utc.with_ymd_and_hms(2026, 1, 31, 10, 0, 0).unwrap();
        let next = occurrences_after("FREQ=MONTHLY", "UTC", start, start, 3).unwrap();
        let days: Vec<String> = next.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect();
        assert_eq!(days, ["2026-03-31", "2026-05-31", "2026-07-31"]);
        let last_day = occurrences_after("FREQ=MONTHLY;BYMONTHDAY=-1", "UTC", start, start, 2).unwrap();
        let days: Vec<String> = last_day.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect();
        assert_eq!(days, ["2026-02-28", "2026-03-31"]);
    }

    #[test]
    fn count_and_until_end_the_series() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let third = Utc.with_ymd_and_hms(2026, 1, 3, 9, 0, 0).unwrap();
        let next = |rule: &str, current| next_occurrence(rule, "UTC", start, Schedule::DueDate, current, current);
        assert_eq!(
            next("FREQ=DAILY;COUNT=3", start).unwrap(),
            Some(Utc.with_ymd_and_hms(2026, 1, 2, 9, 0, 0).unwrap())
        );
        assert_eq!(next("FREQ=DAILY;COUNT=3", third).unwrap(), None, "the third of three is the last");
        assert_eq!(next("FREQ=DAILY;UNTIL=20260103T090000Z", third).unwrap(), None);
        assert!(next("FREQ=DAILY;UNTIL=20260104T090000Z", third).unwrap().is_some(), "UNTIL is inclusive");
    }

    #[test]
    fn completion_mode_counts_the_interval_from_completion() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let late = Utc.with_ymd_and_hms(2026, 1, 10, 17, 0, 0).unwrap();
        let next = next_occurrence("FREQ=DAILY;INTERVAL=3", "UTC", start, Schedule::CompletionDate, start, late);
        assert_eq!(next.unwrap(), Some(Utc.with_ymd_and_hms(2026, 1, 13, 9, 0, 0).unwrap()));
        let by_due = next_occurrence("FREQ=DAILY;INTERVAL=3", "UTC", start, Schedule::DueDate, start, late);
        assert_eq!(by_due.unwrap(), Some(Utc.with_ymd_and_hms(2026, 1, 4, 9, 0, 0).unwrap()));
        assert!(validate("FREQ=DAILY;COUNT=2", "UTC", start, Schedule::CompletionDate).is_err());
    }

    #[test]
    fn bad_rules_and_zones_are_refused() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        assert!(validate("FREQ=WEEKLY;BYDAY=MO", "Europe/Berlin", start, Schedule::DueDate).is_ok());
        assert!(validate("RRULE:FREQ=DAILY", "UTC", start, Schedule::DueDate).is_ok());
        for bad in ["", "FREQ=FORTNIGHTLY", "FREQ=HOURLY", "nonsense", "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY"] {
            assert!(validate(bad, "UTC", start, Schedule::DueDate).is_err(), "{bad:?}");
        }
        assert!(validate("FREQ=DAILY", "Mars/Olympus", start, Schedule::DueDate).is_err());
        assert!(validate("FREQ=DAILY;UNTIL=20250101T000000Z", "UTC", start, Schedule::DueDate).is_err());
    }

    #[test]
    fn rules_that_never_or_rarely_occur_are_refused() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let check = |rule| validate(rule, "UTC", start, Schedule::DueDate);
        let never = check("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30").unwrap_err();
        assert!(never.contains("never produces"), "{never}");
        assert!(check("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31").unwrap_err().contains("never produces"));
        let rare = check("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29").unwrap_err();
        assert!(rare.contains("too rarely for FREQ=DAILY"), "{rare}");
        for dense in [
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
            "FREQ=MONTHLY;BYMONTHDAY=31",
            "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
            "FREQ=DAILY;BYMONTH=1;BYMONTHDAY=1",
            "FREQ=WEEKLY;INTERVAL=52;BYDAY=TH",
            "FREQ=YEARLY;COUNT=1",
            "FREQ=DAILY;UNTIL=20260102T090000Z",
        ] {
            assert_eq!(check(dense), Ok(()), "{dense}");
        }
        let ended_early = check("FREQ=YEARLY;BYMONTH=3;UNTIL=20260201T000000Z").unwrap_err();
        assert!(ended_early.contains("never produces"), "{ended_early}");
    }

    #[test]
    fn expansions_stop_at_the_horizon_and_skip_rules_saved_before_the_density_check() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let far = Utc.with_ymd_and_hms(2400, 1, 1, 0, 0, 0).unwrap();
        let beyond = occurrences_between("FREQ=DAILY", "UTC", start, far, far + chrono::Duration::days(30), 100);
        assert!(beyond.unwrap().is_empty(), "nothing is expanded 374 years after the start");
        let near = Utc.with_ymd_and_hms(2290, 1, 1, 0, 0, 0).unwrap();
        let within = occurrences_between("FREQ=DAILY", "UTC", start, near, near + chrono::Duration::days(3), 100);
        assert_eq!(within.unwrap().len(), 3);
        let never = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30";
        assert!(occurrences_between(never, "UTC", start, start, far, 100).unwrap().is_empty());
        assert!(first_occurrences(never, "UTC", start, 5).unwrap().is_empty());
        assert_eq!(last_occurrence("FREQ=DAILY;COUNT=200000", "UTC", start).unwrap(), None, "beyond the walk");
    }

    #[test]
    fn window_expansion_keeps_local_time_across_a_dst_change_inside_the_window() {
        // Daily 09:00 Berlin from 1 March; the window spans the 29 March switch.
        let start = berlin(2026, 3, 1, 9);
        let from = berlin(2026, 3, 27, 0);
        let to = berlin(2026, 3, 31, 0);
        let got = occurrences_between("FREQ=DAILY", "Europe/Berlin", start, from, to, 100).unwrap();
        assert_eq!(
            got,
            [berlin(2026, 3, 27, 9), berlin(2026, 3, 28, 9), berlin(2026, 3, 29, 9), berlin(2026, 3, 30, 9)]
        );
        assert_eq!(local_hours(&got), [9, 9, 9, 9]);
        assert_eq!(got.iter().map(|d| d.hour()).collect::<Vec<_>>(), [8, 8, 7, 7], "the UTC hour moves");
        let capped = occurrences_between("FREQ=DAILY", "Europe/Berlin", start, from, to, 2).unwrap();
        assert_eq!(capped.len(), 2);
    }

    #[test]
    fn window_expansion_stops_at_count_and_until() {
        let start = Utc.with_ymd_and_hms(2026, 1, 5, 10, 0, 0).unwrap();
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let count = occurrences_between("FREQ=WEEKLY;COUNT=3", "UTC", start, from, to, 100).unwrap();
        assert_eq!(count.len(), 3);
        assert_eq!(last_occurrence("FREQ=WEEKLY;COUNT=3", "UTC", start).unwrap(), Some(count[2]));
        let until = occurrences_between("FREQ=WEEKLY;UNTIL=20260126T100000Z", "UTC", start, from, to, 100).unwrap();
        assert_eq!(until.last(), Some(&Utc.with_ymd_and_hms(2026, 1, 26, 10, 0, 0).unwrap()), "UNTIL is inclusive");
        assert_eq!(until.len(), 4);
        assert_eq!(last_occurrence("FREQ=WEEKLY", "UTC", start).unwrap(), None, "an endless series has no last");
        let later = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        assert!(occurrences_between("FREQ=WEEKLY;COUNT=3", "UTC", start, later, to, 100).unwrap().is_empty());
    }

    #[test]
    fn the_preview_starts_at_the_series_start() {
        let start = berlin(2026, 3, 23, 9);
        let got = first_occurrences("FREQ=WEEKLY", "Europe/Berlin", start, 3).unwrap();
        assert_eq!(got, [berlin(2026, 3, 23, 9), berlin(2026, 3, 30, 9), berlin(2026, 4, 6, 9)]);
        assert_eq!(first_occurrences("FREQ=DAILY;COUNT=2", "UTC", start, 5).unwrap().len(), 2);
    }

    #[test]
    fn instance_dates_and_due_windows_are_local() {
        let late_evening = Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap();
        assert_eq!(local_date(late_evening, "Europe/Berlin").unwrap(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        let (from, to) = day_window(late_evening, "Europe/Berlin", 1).unwrap();
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).unwrap());
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 7, 1, 22, 0, 0).unwrap());
    }
}
