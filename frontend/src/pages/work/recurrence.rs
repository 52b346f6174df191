//! The recurrence editor of tasks and calendar events: presets that cover what people
//! usually mean (daily, weekdays, weekly on chosen days, monthly on day N) and a custom
//! RFC 5545 RRULE field for the rest. The rule string is what the API stores.

use crate::api;
use crate::kit::{field_error, ToggleChips};
use chrono::{DateTime, Utc};
use domain::work::tasks::RecurrencePreviewQuery;
use domain::Problem;
use leptos::prelude::*;

/// RFC 5545 weekday codes in calendar order, with their short labels.
pub const WEEKDAYS: [(&str, &str); 7] =
    [("MO", "Mon"), ("TU", "Tue"), ("WE", "Wed"), ("TH", "Thu"), ("FR", "Fri"), ("SA", "Sat"), ("SU", "Sun")];

const WORKDAYS: [&str; 5] = ["MO", "TU", "WE", "TH", "FR"];

/// What the editor shows for a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preset {
    None,
    Daily,
    Weekdays,
    /// Weekly on these days (codes in calendar order).
    Weekly(Vec<String>),
    /// Monthly on this day of the month (1–31, or -1 for the last day).
    Monthly(i32),
    Custom(String),
}

impl Preset {
    /// The `<select>` value of the preset.
    pub fn key(&self) -> &'static str {
        match self {
            Preset::None => "none",
            Preset::Daily => "daily",
            Preset::Weekdays => "weekdays",
            Preset::Weekly(_) => "weekly",
            Preset::Monthly(_) => "monthly",
            Preset::Custom(_) => "custom",
        }
    }

    /// The RRULE value, or `None` for a one-off.
    pub fn rule(&self) -> Option<String> {
        match self {
            Preset::None => None,
            Preset::Daily => Some("FREQ=DAILY".into()),
            Preset::Weekdays => Some(format!("FREQ=WEEKLY;BYDAY={}", WORKDAYS.join(","))),
            Preset::Weekly(days) if days.is_empty() => Some("FREQ=WEEKLY".into()),
            Preset::Weekly(days) => Some(format!("FREQ=WEEKLY;BYDAY={}", ordered(days).join(","))),
            Preset::Monthly(day) => Some(format!("FREQ=MONTHLY;BYMONTHDAY={day}")),
            Preset::Custom(rule) => {
                let rule = rule.trim().trim_start_matches("RRULE:").to_owned();
                (!rule.is_empty()).then_some(rule)
            }
        }
    }

    /// The preset a stored rule is shown as; anything the presets cannot say stays custom.
    pub fn from_rule(rule: Option<&str>) -> Preset {
        let Some(rule) = rule.map(str::trim).filter(|r| !r.is_empty()) else { return Preset::None };
        let parts: Vec<(String, String)> = rule
            .split(';')
            .filter_map(|p| {
                p.split_once('=').map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().to_ascii_uppercase()))
            })
            .collect();
        let get = |key: &str| parts.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let keys: Vec<&str> = parts.iter().map(|(k, _)| k.as_str()).collect();
        let custom = || Preset::Custom(rule.to_owned());
        match (get("FREQ"), keys.as_slice()) {
            (Some("DAILY"), ["FREQ"]) => Preset::Daily,
            (Some("WEEKLY"), ["FREQ", "BYDAY"]) => {
                let days: Vec<String> = get("BYDAY").unwrap_or_default().split(',').map(str::to_owned).collect();
                if days.iter().any(|d| !WEEKDAYS.iter().any(|(code, _)| code == d)) {
                    custom()
                } else if ordered(&days) == WORKDAYS {
                    Preset::Weekdays
                } else {
                    Preset::Weekly(ordered(&days))
                }
            }
            (Some("MONTHLY"), ["FREQ", "BYMONTHDAY"]) => match get("BYMONTHDAY").and_then(|d| d.parse::<i32>().ok()) {
                Some(day) if (1..=31).contains(&day) || day == -1 => Preset::Monthly(day),
                _ => custom(),
            },
            _ => custom(),
        }
    }
}

/// Weekday codes in calendar order, without duplicates.
fn ordered(days: &[String]) -> Vec<String> {
    WEEKDAYS.iter().filter(|(code, _)| days.iter().any(|d| d == code)).map(|(code, _)| (*code).to_owned()).collect()
}

/// The browser's IANA time zone (`Europe/Berlin`), or `UTC` when it cannot tell.
pub fn browser_timezone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .filter(|zone| !zone.is_empty())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// The editor's inputs; [`RecurrenceFields::rule`] is the RRULE they describe.
#[derive(Debug, Clone, Copy)]
pub struct RecurrenceFields {
    pub preset: RwSignal<String>,
    pub days: RwSignal<Vec<String>>,
    pub month_day: RwSignal<String>,
    pub custom: RwSignal<String>,
    pub timezone: RwSignal<String>,
}

impl RecurrenceFields {
    /// Opens a stored rule (or none) in its preset; the time zone defaults to the browser's.
    pub fn new(rule: Option<&str>, timezone: Option<&str>) -> Self {
        let preset = Preset::from_rule(rule);
        let (days, month_day, custom) = match &preset {
            Preset::Weekly(days) => (days.clone(), String::new(), String::new()),
            Preset::Monthly(day) => (Vec::new(), day.to_string(), String::new()),
            Preset::Custom(rule) => (Vec::new(), String::new(), rule.clone()),
            _ => (Vec::new(), String::new(), String::new()),
        };
        let timezone =
            timezone.filter(|t| !t.is_empty() && *t != "UTC").map(str::to_owned).unwrap_or_else(browser_timezone);
        RecurrenceFields {
            preset: RwSignal::new(preset.key().to_owned()),
            days: RwSignal::new(days),
            month_day: RwSignal::new(if month_day.is_empty() { "1".to_owned() } else { month_day }),
            custom: RwSignal::new(custom),
            timezone: RwSignal::new(timezone),
        }
    }

    pub fn preset(&self) -> Preset {
        match self.preset.get().as_str() {
            "daily" => Preset::Daily,
            "weekdays" => Preset::Weekdays,
            "weekly" => Preset::Weekly(self.days.get()),
            "monthly" => Preset::Monthly(self.month_day.get().trim().parse().unwrap_or(1)),
            "custom" => Preset::Custom(self.custom.get()),
            _ => Preset::None,
        }
    }

    pub fn rule(&self) -> Option<String> {
        self.preset().rule()
    }
}

/// Time zones offered in the picker besides the browser's own; any IANA name may be typed.
const COMMON_ZONES: [&str; 10] = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
];

/// Presets, weekday chips, day of month, a custom RRULE and the time zone. Field errors of
/// `recurrenceRule` and `recurrenceTimezone` from `problem` appear at their inputs.
#[component]
pub fn RecurrenceEditor(
    fields: RecurrenceFields,
    problem: RwSignal<Option<Problem>>,
    children: Children,
) -> impl IntoView {
    // A refused rule's message goes once the rule changes.
    let forget_rule_error = move || {
        problem.update(|p| {
            if let Some(p) = p {
                p.errors.retain(|e| e.field != "recurrenceRule");
            }
        })
    };
    let rule_error = move || field_error(&problem.get(), "recurrenceRule");
    let zone_error = move || field_error(&problem.get(), "recurrenceTimezone");
    let is = move |key: &'static str| move || fields.preset.get() == key;
    view! {
        <fieldset class="recurrence" data-testid="recurrence">
            <legend>"Repeat"</legend>
            <div class="form-grid">
                <div class="field">
                    <label for="field-repeat">"Repeats"</label>
                    <select
                        id="field-repeat"
                        prop:value=move || fields.preset.get()
                        on:change=move |ev| {
                            fields.preset.set(event_target_value(&ev));
                            forget_rule_error();
                        }
                    >
                        <option value="none">"Does not repeat"</option>
                        <option value="daily">"Every day"</option>
                        <option value="weekdays">"Every weekday (Mon–Fri)"</option>
                        <option value="weekly">"Weekly on…"</option>
                        <option value="monthly">"Monthly on day…"</option>
                        <option value="custom">"Custom rule (RRULE)"</option>
                    </select>
                </div>
                <Show when=move || fields.preset.get() != "none">
                    <div class="field" class:field-invalid=move || zone_error().is_some()>
                        <label for="field-recurrenceTimezone">"Time zone"</label>
                        <input
                            id="field-recurrenceTimezone"
                            list="recurrence-zones"
                            autocomplete="off"
                            aria-describedby="field-recurrenceTimezone-error"
                            bind:value=fields.timezone
                        />
                        <datalist id="recurrence-zones">
                            <option value=browser_timezone()></option>
                            {COMMON_ZONES.into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                        </datalist>
                        <small class="field-error" id="field-recurrenceTimezone-error" role="alert">
                            {move || zone_error().unwrap_or_default()}
                        </small>
                    </div>
                </Show>
            </div>
            <Show when=is("weekly")>
                <ToggleChips
                    choices=WEEKDAYS.iter().map(|(code, label)| ((*code).to_owned(), *label)).collect()
                    chosen=fields.days
                    label="Days of the week"
                />
            </Show>
            <Show when=is("monthly")>
                <div class="field">
                    <label for="field-monthDay">"Day of the month"</label>
                    <select
                        id="field-monthDay"
                        prop:value=move || fields.month_day.get()
                        on:change=move |ev| fields.month_day.set(event_target_value(&ev))
                    >
                        {(1..=31).map(|d| view! { <option value=d.to_string()>{d.to_string()}</option> }).collect_view()}
                        <option value="-1">"Last day"</option>
                    </select>
                    <small class="hint">"Months without that day are skipped (RFC 5545); choose Last day for month ends."</small>
                </div>
            </Show>
            <Show when=move || fields.preset.get() != "none">
            <div class="field" class:field-invalid=move || rule_error().is_some()>
                <label for="field-recurrenceRule">"Rule"</label>
                <input
                    id="field-recurrenceRule"
                    class="mono"
                    placeholder="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
                    aria-describedby="field-recurrenceRule-error"
                    prop:value=move || {
                        if fields.preset.get() == "custom" { fields.custom.get() } else { fields.rule().unwrap_or_default() }
                    }
                    on:change=move |ev| {
                        fields.custom.set(event_target_value(&ev));
                        fields.preset.set("custom".to_owned());
                        forget_rule_error();
                    }
                />
                <small class="field-error" id="field-recurrenceRule-error" role="alert">
                    {move || rule_error().unwrap_or_default()}
                </small>
                <small class="hint">"Edit the rule to make a custom one (RFC 5545, e.g. FREQ=DAILY;INTERVAL=3)."</small>
            </div>
            </Show>
            {children()}
        </fieldset>
    }
}

/// The next occurrences of the rule from `start`, from `GET /api/tasks/recurrence-preview`;
/// a rule or time zone the API refuses shows its message at the field instead.
#[component]
pub fn OccurrencePreview(fields: RecurrenceFields, start: Signal<Option<DateTime<Utc>>>) -> impl IntoView {
    let preview = LocalResource::new(move || {
        let rule = fields.rule();
        let timezone = fields.timezone.get();
        let start = start.get();
        async move {
            let (Some(rule), Some(start)) = (rule, start) else { return None };
            let query = RecurrencePreviewQuery {
                recurrence_rule: rule,
                start,
                recurrence_timezone: Some(timezone.trim().to_owned()),
                count: Some(5),
            };
            Some(api::work::tasks::recurrence_preview(&query).await)
        }
    });
    let format = |t: DateTime<Utc>| t.with_timezone(&chrono::Local).format("%a %b %-d %Y, %H:%M").to_string();
    view! {
        <Show when=move || fields.preset.get() != "none">
            <div class="preview" data-testid="recurrence-preview" aria-live="polite">
                <strong>"Next occurrences"</strong>
                {move || match preview.get().flatten() {
                    None if start.get().is_none() => view! { <p class="muted">"Set the date to see them."</p> }.into_any(),
                    None => view! { <p class="muted">"Checking the rule…"</p> }.into_any(),
                    Some(Err(problem)) => {
                        let message = field_error(&Some(problem.clone()), "recurrenceRule")
                            .or_else(|| field_error(&Some(problem.clone()), "recurrenceTimezone"))
                            .unwrap_or(problem.detail);
                        view! { <p class="field-error" role="alert" data-testid="preview-error">{message}</p> }.into_any()
                    }
                    Some(Ok(preview)) if preview.occurrences.is_empty() => {
                        view! { <p class="muted">"The rule has no occurrences after this date."</p> }.into_any()
                    }
                    Some(Ok(preview)) => view! {
                        <ol class="occurrences">
                            {preview.occurrences.into_iter().map(|t| view! { <li>{format(t)}</li> }).collect_view()}
                        </ol>
                    }
                    .into_any(),
                }}
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn presets_make_rules() {
        assert_eq!(Preset::None.rule(), None);
        assert_eq!(Preset::Daily.rule().as_deref(), Some("FREQ=DAILY"));
        assert_eq!(Preset::Weekdays.rule().as_deref(), Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"));
        // Days come out in calendar order whatever order they were ticked in.
        assert_eq!(Preset::Weekly(days(&["FR", "MO", "FR"])).rule().as_deref(), Some("FREQ=WEEKLY;BYDAY=MO,FR"));
        assert_eq!(Preset::Monthly(-1).rule().as_deref(), Some("FREQ=MONTHLY;BYMONTHDAY=-1"));
        assert_eq!(Preset::Custom(" RRULE:FREQ=YEARLY ".into()).rule().as_deref(), Some("FREQ=YEARLY"));
        assert_eq!(Preset::Custom("  ".into()).rule(), None);
    }

    #[test]
    fn stored_rules_open_as_their_preset() {
        assert_eq!(Preset::from_rule(None), Preset::None);
        assert_eq!(Preset::from_rule(Some("FREQ=DAILY")), Preset::Daily);
        assert_eq!(Preset::from_rule(Some("FREQ=WEEKLY;BYDAY=FR,TH,WE,TU,MO")), Preset::Weekdays);
        assert_eq!(Preset::from_rule(Some("freq=weekly;byday=tu,mo")), Preset::Weekly(days(&["MO", "TU"])));
        assert_eq!(Preset::from_rule(Some("FREQ=MONTHLY;BYMONTHDAY=15")), Preset::Monthly(15));
        // What the presets cannot express stays editable as text.
        for rule in ["FREQ=DAILY;INTERVAL=3", "FREQ=MONTHLY;BYMONTHDAY=40", "FREQ=WEEKLY;BYDAY=1MO", "FREQ=YEARLY"] {
            assert_eq!(Preset::from_rule(Some(rule)), Preset::Custom(rule.into()), "{rule}");
        }
        for preset in [Preset::Daily, Preset::Weekdays, Preset::Weekly(days(&["SA", "SU"])), Preset::Monthly(31)] {
            assert_eq!(Preset::from_rule(preset.rule().as_deref()), preset);
        }
    }
}
