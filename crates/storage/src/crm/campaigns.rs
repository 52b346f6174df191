//! Queries on `campaigns`, narrowed by the caller's `Rows`.

use crate::crud;
use crate::keyset::sort_keys;
use crate::schema::{campaigns, clients};
use crate::sql::Narrow;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::crm::campaigns::{Campaign, CampaignFilter, CampaignSort, CreateCampaignRequest, UpdateCampaignRequest};
use domain::pagination::day_range;
use domain::pagination::Page;
use domain::visibility::Rows;
use uuid::Uuid;

fn scoped(rows: Rows) -> campaigns::BoxedQuery<'static, Pg> {
    let query = campaigns::table.into_boxed();
    match rows {
        Rows::All => query,
        Rows::AssignedTo(user) => query.filter(
            campaigns::client_id.eq_any(clients::table.filter(clients::assigned_to_id.eq(user)).select(clients::id)),
        ),
        Rows::Client(id) => query.filter(campaigns::client_id.eq(id)),
    }
}

fn filtered(rows: Rows, filter: &CampaignFilter) -> campaigns::BoxedQuery<'static, Pg> {
    let (from, to) = day_range(filter.created_from, filter.created_to);
    scoped(rows)
        .narrow(filter.client_id.map(|client| campaigns::client_id.eq(client)))
        .narrow(filter.status.map(|status| campaigns::status.eq(status)))
        .narrow(from.map(|from| campaigns::created_at.ge(from)))
        .narrow(to.map(|to| campaigns::created_at.lt(to)))
}

sort_keys! {
    /// A campaign's position in a list sort, as a cursor carries it.
    pub enum CampaignKey for Campaign, CampaignSort in campaigns {
        CreatedAt(DateTime<Utc>) => [created_at asc],
        CreatedAtDesc(DateTime<Utc>) => [created_at desc],
        Name(String) => [name asc],
        NameDesc(String) => [name desc],
        StartDate(Option<DateTime<Utc>>) => [start_date asc_nulls_last],
        StartDateDesc(Option<DateTime<Utc>>) => [start_date desc_nulls_first],
    }
}

/// One page of the campaigns the caller may see, and the total matching the filter. The
/// page starts at `page.offset` or, with `after`, after that row (keyset paging); it
/// holds up to `page.limit + 1` rows, the extra one telling that a next page exists.
pub async fn list(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    filter: &CampaignFilter,
    page: Page,
    after: Option<(CampaignKey, Uuid)>,
) -> Result<(Vec<Campaign>, i64), StorageError> {
    let total: i64 = filtered(rows, filter).count().get_result(conn).await?;
    let query = CampaignKey::page(filter.sort.unwrap_or_default(), filtered(rows, filter), page, after);
    let found = query.select(Campaign::as_select()).load(conn).await?;
    Ok((found, total))
}

/// The campaign when the caller may see it.
pub async fn find(conn: &mut AsyncPgConnection, rows: Rows, id: Uuid) -> Result<Option<Campaign>, StorageError> {
    Ok(scoped(rows).filter(campaigns::id.eq(id)).select(Campaign::as_select()).first(conn).await.optional()?)
}

crud::insert!(campaigns -> Campaign, campaign: &CreateCampaignRequest);

crud::update_by_id!(campaigns -> Campaign, changes: &UpdateCampaignRequest);

crud::delete_by_id!(campaigns);
