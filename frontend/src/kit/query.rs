//! The URL query of a list page and the list state it describes. The filter part is the
//! API's own query type serialised with its own names, so the page's address and the
//! request it sends read alike (`/leads?q=ada&stage=won&sort=-value&page=2` lists
//! `GET /api/leads?limit=20&offset=20&q=ada&stage=won&sort=-value`). The page number comes
//! after it (left out on the first page), then the keys that belong to something else on
//! the page, kept as they are (the task drawer's `task`).
//!
//! Everything here is a pure function of strings, so it is tested on the host.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Decoded `key=value` pairs, in order.
pub type Pairs = Vec<(String, String)>;

/// The key of the 1-based page number.
pub const PAGE: &str = "page";

fn from_pairs<F: DeserializeOwned>(pairs: &[(String, String)]) -> Option<F> {
    serde_urlencoded::from_str(&serde_urlencoded::to_string(pairs).ok()?).ok()
}

/// The filter `pairs` describe. A value the filter type refuses (an unknown stage in a
/// hand-edited link) is dropped on its own instead of taking the whole filter with it;
/// keys the filter does not know are ignored.
pub fn parse_filter<F: DeserializeOwned + Default>(pairs: &[(String, String)]) -> F {
    from_pairs(pairs).unwrap_or_else(|| {
        let readable: Pairs =
            pairs.iter().filter(|pair| from_pairs::<F>(std::slice::from_ref(*pair)).is_some()).cloned().collect();
        from_pairs(&readable).unwrap_or_default()
    })
}

/// The pairs of `filter` in the API's names and spellings, without empty values.
pub fn filter_pairs<F: Serialize>(filter: &F) -> Pairs {
    let query = serde_urlencoded::to_string(filter).unwrap_or_default();
    let pairs: Pairs = serde_urlencoded::from_str(&query).unwrap_or_default();
    pairs.into_iter().filter(|(_, value)| !value.trim().is_empty()).collect()
}

/// The filter part of `pairs`, normalised: what a filter of type `F` reads from it, written back.
pub fn canonical<F: Serialize + DeserializeOwned + Default>(pairs: &[(String, String)]) -> Pairs {
    filter_pairs(&parse_filter::<F>(pairs))
}

/// The 1-based page number; 1 when absent or unreadable.
pub fn parse_page(pairs: &[(String, String)]) -> u32 {
    value(pairs, PAGE).and_then(|page| page.parse().ok()).filter(|page| *page >= 1).unwrap_or(1)
}

/// The first value of `key`.
pub fn value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// `pairs` with `key` set to `value`, or without it for `None` or a blank value.
pub fn with_value(pairs: &[(String, String)], key: &str, value: Option<&str>) -> Pairs {
    let mut pairs: Pairs = pairs.iter().filter(|(k, _)| k != key).cloned().collect();
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        pairs.push((key.to_owned(), value.to_owned()));
    }
    pairs
}

/// `?…` for non-empty pairs, else nothing.
pub fn to_query(pairs: &[(String, String)]) -> String {
    match serde_urlencoded::to_string(pairs) {
        Ok(query) if !query.is_empty() => format!("?{query}"),
        _ => String::new(),
    }
}

/// The query of a list state: its filter pairs, the page (left out on the first), then the
/// pairs of `current` whose key is in `keep`.
pub fn list_query(filter: &[(String, String)], page: u32, current: &[(String, String)], keep: &[&str]) -> String {
    let mut pairs = filter.to_vec();
    if page > 1 {
        pairs.push((PAGE.to_owned(), page.to_string()));
    }
    pairs.extend(current.iter().filter(|(key, _)| keep.contains(&key.as_str())).cloned());
    to_query(&pairs)
}

/// How a form control shows one filter field ("" when unset): the field's own serde
/// spelling, so a `<select>`'s option values are the API's values.
pub fn value_text<V: Serialize>(value: &Option<V>) -> String {
    match value.as_ref().map(serde_json::to_value) {
        Some(Ok(serde_json::Value::String(text))) => text,
        Some(Ok(serde_json::Value::Null)) | None | Some(Err(_)) => String::new(),
        Some(Ok(other)) => other.to_string(),
    }
}

/// A form control's text as one filter field: `None` when blank or not a value of `V`.
pub fn parse_value<V: DeserializeOwned>(text: &str) -> Option<V> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok().or_else(|| serde_json::from_str(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use domain::crm::clients::ClientFilter;
    use domain::crm::leads::{LeadFilter, LeadSort, LeadStage};
    use domain::work::tasks::{DueFilter, TaskFilter};

    fn pairs(query: &str) -> Pairs {
        serde_urlencoded::from_str(query).unwrap()
    }

    #[test]
    fn a_link_reads_as_the_api_filter_and_page() {
        let query = pairs("q=ada+%26+co&stage=closed_won&createdFrom=2026-11-01&sort=-value&page=3&task=x");
        let filter: LeadFilter = parse_filter(&query);
        assert_eq!(filter.q.as_deref(), Some("ada & co"));
        assert_eq!(filter.stage, Some(LeadStage::ClosedWon));
        assert_eq!(filter.created_from, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(filter.sort, Some(LeadSort::ValueDesc));
        assert_eq!(parse_page(&query), 3);
        assert_eq!(
            canonical::<LeadFilter>(&query),
            pairs("q=ada+%26+co&stage=closed_won&createdFrom=2026-11-01&sort=-value")
        );
    }

    #[test]
    fn unreadable_values_are_dropped_one_by_one() {
        let query = pairs("stage=sold&q=ada&assignedToId=me&sort=password&page=0");
        let filter: LeadFilter = parse_filter(&query);
        assert_eq!(
            (filter.stage, filter.q.as_deref(), filter.assigned_to_id, filter.sort),
            (None, Some("ada"), None, None)
        );
        assert_eq!(parse_page(&query), 1);
        assert_eq!(parse_page(&pairs("page=two")), 1);
        assert_eq!(canonical::<LeadFilter>(&pairs("q=+&stage=")), Pairs::new());
    }

    #[test]
    fn list_state_writes_back_to_the_same_query() {
        let filter = TaskFilter { mine: Some(true), due: Some(DueFilter::Week), ..Default::default() };
        let current = pairs("due=today&task=1f0e&page=4");
        assert_eq!(list_query(&filter_pairs(&filter), 1, &current, &["task"]), "?mine=true&due=week&task=1f0e");
        assert_eq!(list_query(&filter_pairs(&filter), 2, &current, &[]), "?mine=true&due=week&page=2");
        assert_eq!(list_query(&[], 1, &current, &[]), "");
        let round_trip: TaskFilter = parse_filter(&filter_pairs(&filter));
        assert_eq!(filter_pairs(&round_trip), filter_pairs(&filter));
    }

    #[test]
    fn single_values_set_and_clear() {
        let current = pairs("q=ada&sort=name");
        assert_eq!(with_value(&current, "sort", Some("-name")), pairs("q=ada&sort=-name"));
        assert_eq!(with_value(&current, "q", Some("  ")), pairs("sort=name"));
        assert_eq!(with_value(&current, "q", None), pairs("sort=name"));
        assert_eq!(value(&current, "q"), Some("ada"));
        assert_eq!(to_query(&pairs("q=a b")), "?q=a+b");
    }

    #[test]
    fn form_controls_show_and_set_fields_in_the_api_spelling() {
        assert_eq!(value_text(&Some(LeadStage::ClosedWon)), "closed_won");
        assert_eq!(value_text(&Some(42_i32)), "42");
        assert_eq!(value_text(&Some(true)), "true");
        assert_eq!(value_text(&None::<LeadStage>), "");
        assert_eq!(parse_value::<LeadStage>("closed_won"), Some(LeadStage::ClosedWon));
        assert_eq!(parse_value::<i32>("42"), Some(42));
        assert_eq!(parse_value::<bool>("true"), Some(true));
        assert_eq!(parse_value::<String>(" new "), Some("new".to_owned()));
        assert_eq!(parse_value::<String>("12"), Some("12".to_owned()));
        assert_eq!(parse_value::<LeadStage>("sold"), None);
        assert_eq!(parse_value::<NaiveDate>(""), None);
        let archived: ClientFilter = parse_filter(&pairs("includeArchived=true"));
        assert_eq!(archived.include_archived, Some(true));
    }
}
