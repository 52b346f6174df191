//! A recurrence rule (RFC 5545 RRULE, as the API stores it) in words, for people:
//! `FREQ=WEEKLY;BYDAY=MO,WE` reads "Weekly on Monday and Wednesday". What the words below
//! cannot say is shown as the rule itself, marked as custom.

const DAYS: [(&str, &str); 7] = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "Monday", "Monday and Friday", "Monday, Wednesday and Friday".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn ordinal(n: i32) -> String {
    match n {
        -1 => "last".to_owned(),
        -2 => "second to last".to_owned(),
        1 => "first".to_owned(),
        2 => "second".to_owned(),
        3 => "third".to_owned(),
        4 => "fourth".to_owned(),
        5 => "fifth".to_owned(),
        n => format!("{n}th"),
    }
}

/// One `BYDAY` entry: `MO` → "Monday", `1MO` → "the first Monday", `-1FR` → "the last Friday".
fn weekday(entry: &str) -> Option<String> {
    let split = entry.len().checked_sub(2)?;
    let (position, code) = entry.split_at(split);
    let name = DAYS.iter().find(|(c, _)| *c == code)?.1;
    if position.is_empty() {
        return Some(name.to_owned());
    }
    let n: i32 = position.trim_start_matches('+').parse().ok()?;
    Some(format!("the {} {name}", ordinal(n)))
}

fn month_day(day: i32) -> String {
    match day {
        -1 => "the last day".to_owned(),
        day => format!("day {day}"),
    }
}

/// The rule in words, or "Custom: <rule>" when it uses parts these words do not cover.
pub fn describe(rule: &str) -> String {
    let rule = rule.trim().trim_start_matches("RRULE:");
    let custom = || format!("Custom: {rule}");
    let mut parts = Vec::new();
    for part in rule.split(';').filter(|p| !p.trim().is_empty()) {
        let Some((key, value)) = part.split_once('=') else { return custom() };
        parts.push((key.trim().to_ascii_uppercase(), value.trim().to_ascii_uppercase()));
    }
    let get = |key: &str| parts.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    const KNOWN: [&str; 7] = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL"];
    if parts.iter().any(|(k, _)| !KNOWN.contains(&k.as_str())) {
        return custom();
    }
    let interval: u32 = match get("INTERVAL").map(str::parse) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => return custom(),
    };
    let (single, unit) = match get("FREQ") {
        Some("DAILY") => ("Daily", "days"),
        Some("WEEKLY") => ("Weekly", "weeks"),
        Some("MONTHLY") => ("Monthly", "months"),
        Some("YEARLY") => ("Yearly", "years"),
        _ => return custom(),
    };
    let mut words = if interval == 1 { single.to_owned() } else { format!("Every {interval} {unit}") };

    if let Some(months) = get("BYMONTH") {
        let names: Option<Vec<String>> = months
            .split(',')
            .map(|m| m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).map(|m| (*m).to_owned()))
            .collect();
        let Some(names) = names else { return custom() };
        words.push_str(&format!(" in {}", and_list(&names)));
    }
    if let Some(days) = get("BYDAY") {
        let codes: Vec<&str> = days.split(',').collect();
        if codes == ["MO", "TU", "WE", "TH", "FR"] {
            words.push_str(" on weekdays");
        } else {
            let names: Option<Vec<String>> = codes.iter().map(|c| weekday(c)).collect();
            let Some(names) = names else { return custom() };
            words.push_str(&format!(" on {}", and_list(&names)));
        }
    }
    if let Some(days) = get("BYMONTHDAY") {
        let names: Option<Vec<String>> = days.split(',').map(|d| d.parse::<i32>().ok().map(month_day)).collect();
        let Some(names) = names else { return custom() };
        words.push_str(&format!(" on {}", and_list(&names)));
    }
    match (get("COUNT"), get("UNTIL")) {
        (Some(count), None) => match count.parse::<u32>() {
            Ok(1) => words.push_str(", once"),
            Ok(n) => words.push_str(&format!(", {n} times")),
            Err(_) => return custom(),
        },
        (None, Some(until)) if until.len() >= 8 && until[..8].bytes().all(|b| b.is_ascii_digit()) => {
            words.push_str(&format!(", until {}-{}-{}", &until[..4], &until[4..6], &until[6..8]));
        }
        (None, None) => {}
        _ => return custom(),
    }
    words
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_rules_read_as_words() {
        assert_eq!(describe("FREQ=DAILY"), "Daily");
        assert_eq!(describe("FREQ=WEEKLY;BYDAY=MO,WE"), "Weekly on Monday and Wednesday");
        assert_eq!(describe("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), "Weekly on weekdays");
        assert_eq!(describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR"), "Every 2 weeks on Monday, Wednesday and Friday");
        assert_eq!(describe("FREQ=MONTHLY;BYMONTHDAY=-1"), "Monthly on the last day");
        assert_eq!(describe("FREQ=MONTHLY;BYDAY=1MO"), "Monthly on the first Monday");
        assert_eq!(describe("FREQ=MONTHLY;BYDAY=-1FR;COUNT=6"), "Monthly on the last Friday, 6 times");
        assert_eq!(describe("freq=yearly;bymonth=3;bymonthday=15"), "Yearly in March on day 15");
        assert_eq!(describe("RRULE:FREQ=DAILY;INTERVAL=3;UNTIL=20260131T235959Z"), "Every 3 days, until 2026-01-31");
    }

    #[test]
    fn what_the_words_cannot_say_stays_the_rule() {
        for rule in
            ["FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9", "FREQ=WEEKLY;BYDAY=XX", "FREQ=MONTHLY;BYMONTHDAY=x", "nonsense"]
        {
            assert_eq!(describe(rule), format!("Custom: {rule}"), "{rule}");
        }
    }
}
