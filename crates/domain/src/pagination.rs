//! `limit` + `offset` paging, as the original API, with bounds.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct PageParams {
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[validate(range(min = 0, max = 10_000_000))]
    #[cfg_attr(feature = "openapi", param(minimum = 0, maximum = 10_000_000))]
    pub offset: Option<i64>,
}

/// Keyset paging, the alternative to `offset` for deep pages: each page answers with
/// `X-Next-Cursor`, an opaque token for the page after it in the same sort.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct CursorParams {
    /// The previous page's `X-Next-Cursor`: continue after its last row, with the same
    /// filters and sort. Not together with `offset`.
    #[validate(length(min = 1, max = 2048))]
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 2048))]
    pub cursor: Option<String>,
}

/// A validated page window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl PageParams {
    pub fn page(&self) -> Page {
        Page { limit: self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT), offset: self.offset.unwrap_or(0).max(0) }
    }
}

impl Page {
    /// Offsets of the neighbouring pages for `Link` headers: (prev, next, last).
    pub fn neighbours(&self, total: i64) -> (Option<i64>, Option<i64>, i64) {
        let prev = (self.offset > 0).then(|| (self.offset - self.limit).max(0));
        let next = (self.offset + self.limit < total).then_some(self.offset + self.limit);
        let last = if total == 0 { 0 } else { ((total - 1) / self.limit) * self.limit };
        (prev, next, last)
    }

    /// The total a page of `rows` rows proves by itself: a page that is not full is the
    /// last one (unless it is empty past the first page, which says nothing).
    pub fn total_if_last(&self, rows: usize) -> Option<i64> {
        let rows = i64::try_from(rows).ok()?;
        (rows < self.limit && (rows > 0 || self.offset == 0)).then_some(self.offset + rows)
    }
}

/// `[from, to]` days as a half-open UTC timestamp range; `None` bounds are open.
pub fn day_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let start = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    (from.and_then(start), to.and_then(|day| day.succ_opt()).and_then(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(PageParams::default().page(), Page { limit: 50, offset: 0 });
        let params = PageParams { limit: Some(500), offset: Some(-3) };
        assert!(params.validate().is_err());
        assert_eq!(params.page(), Page { limit: 200, offset: 0 });
    }

    #[test]
    fn neighbours_for_link_headers() {
        let page = Page { limit: 10, offset: 10 };
        assert_eq!(page.neighbours(35), (Some(0), Some(20), 30));
        assert_eq!(Page { limit: 10, offset: 0 }.neighbours(10), (None, None, 0));
        assert_eq!(Page { limit: 10, offset: 0 }.neighbours(0), (None, None, 0));
    }

    #[test]
    fn short_pages_prove_the_total() {
        assert_eq!(Page { limit: 10, offset: 0 }.total_if_last(3), Some(3));
        assert_eq!(Page { limit: 10, offset: 0 }.total_if_last(0), Some(0));
        assert_eq!(Page { limit: 10, offset: 20 }.total_if_last(4), Some(24));
        assert_eq!(Page { limit: 10, offset: 0 }.total_if_last(10), None, "a full page may have more after it");
        assert_eq!(Page { limit: 10, offset: 20 }.total_if_last(0), None, "past the end, the total is unknown");
    }

    #[test]
    fn day_ranges_include_the_last_day() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let (from, to) = day_range(Some(day), Some(day));
        assert_eq!(to.unwrap() - from.unwrap(), chrono::Duration::days(1));
        assert_eq!(day_range(None, Some(NaiveDate::MAX)), (None, None));
    }
}
