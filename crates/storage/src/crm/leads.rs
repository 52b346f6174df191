//! Queries on `leads` and `lead_activities`, narrowed by the caller's `Rows`.

use crate::crud;
use crate::keyset::sort_keys;
use crate::schema::{lead_activities, leads};
use crate::sql::{lower_nullable, text_search, Narrow, CONTACT_SEARCH};
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::crm::leads::{
    CreateLeadRequest, Lead, LeadActivity, LeadActivityType, LeadFilter, LeadSort, LeadStage, UpdateLeadRequest,
};
use domain::json_column::Json;
use domain::pagination::day_range;
use domain::pagination::Page;
use domain::visibility::Rows;
use std::collections::BTreeMap;
use uuid::Uuid;

fn scoped(rows: Rows) -> leads::BoxedQuery<'static, Pg> {
    let query = leads::table.into_boxed();
    match rows {
        Rows::All => query,
        Rows::AssignedTo(user) => query.filter(leads::assigned_to_id.eq(user)),
        Rows::Client(id) => query.filter(leads::client_id.eq(id)),
    }
}

fn filtered(rows: Rows, filter: &LeadFilter) -> leads::BoxedQuery<'static, Pg> {
    let (from, to) = day_range(filter.created_from, filter.created_to);
    scoped(rows)
        .narrow(text_search(CONTACT_SEARCH, filter.q.as_deref()))
        .narrow(filter.stage.map(|stage| leads::stage.eq(stage)))
        .narrow(filter.score.map(|score| leads::score.eq(score)))
        .narrow(filter.source.map(|source| leads::source.eq(source)))
        .narrow(filter.status.clone().map(|status| leads::status.eq(status)))
        .narrow(filter.assigned_to_id.map(|user| leads::assigned_to_id.eq(user)))
        .narrow(filter.client_id.map(|client| leads::client_id.eq(client)))
        .narrow(from.map(|from| leads::created_at.ge(from)))
        .narrow(to.map(|to| leads::created_at.lt(to)))
}

sort_keys! {
    /// A lead's position in a list sort, as a cursor carries it.
    pub enum LeadKey for Lead, LeadSort in leads {
        CreatedAt(DateTime<Utc>) => [created_at asc],
        CreatedAtDesc(DateTime<Utc>) => [created_at desc],
        Name(String) => [name asc],
        NameDesc(String) => [name desc],
        Value(Option<i32>) => [value asc_nulls_last],
        ValueDesc(Option<i32>) => [value desc_nulls_first],
        NextFollowUpDate(Option<DateTime<Utc>>) => [next_follow_up_date asc_nulls_last],
        NextFollowUpDateDesc(Option<DateTime<Utc>>) => [next_follow_up_date desc_nulls_first],
    }
}

/// The matching leads in the requested order (ties broken by id, so pages are stable).
fn sorted(rows: Rows, filter: &LeadFilter) -> leads::BoxedQuery<'static, Pg> {
    LeadKey::order(filter.sort.unwrap_or_default(), filtered(rows, filter))
}

/// One page of the leads the caller may see, and the total matching the filter. The
/// page starts at `page.offset` or, with `after`, after that row (keyset paging); it
/// holds up to `page.limit + 1` rows, the extra one telling that a next page exists.
/// The total comes from an offset page when it is the last one, else `known_total` (a
/// cached count), else a count: the expensive part at scale (it visits every match).
pub async fn list(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    filter: &LeadFilter,
    page: Page,
    after: Option<(LeadKey, Uuid)>,
    known_total: Option<i64>,
) -> Result<(Vec<Lead>, i64), StorageError> {
    let keyset = after.is_some();
    let query = LeadKey::page(filter.sort.unwrap_or_default(), filtered(rows, filter), page, after);
    let found: Vec<Lead> = query.select(Lead::as_select()).load(conn).await?;
    let from_page = if keyset { None } else { page.total_if_last(found.len()) };
    let total = match from_page.or(known_total) {
        Some(total) => total,
        None => filtered(rows, filter).count().get_result(conn).await?,
    };
    Ok((found, total))
}

/// Every lead the caller may see that matches the filter, in list order (the export).
pub async fn list_all(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    filter: &LeadFilter,
) -> Result<Vec<Lead>, StorageError> {
    Ok(sorted(rows, filter).select(Lead::as_select()).load(conn).await?)
}

/// The lead when the caller may see it.
pub async fn find(conn: &mut AsyncPgConnection, rows: Rows, id: Uuid) -> Result<Option<Lead>, StorageError> {
    Ok(scoped(rows).filter(leads::id.eq(id)).select(Lead::as_select()).first(conn).await.optional()?)
}

/// As `find`, row-locked for an update in the same transaction.
pub async fn find_for_update(conn: &mut AsyncPgConnection, rows: Rows, id: Uuid) -> Result<Option<Lead>, StorageError> {
    // Boxed (scoped) queries cannot lock: check visibility, then lock the row by id.
    if find(conn, rows, id).await?.is_none() {
        return Ok(None);
    }
    Ok(leads::table.find(id).select(Lead::as_select()).for_update().first(conn).await.optional()?)
}

diesel::define_sql_function!(fn regexp_replace(x: Nullable<Text>, pattern: Text, replacement: Text, flags: Text) -> Nullable<Text>);

/// Another lead with this email (any case), as (id, field).
pub async fn find_duplicate(
    conn: &mut AsyncPgConnection,
    email: Option<&str>,
    phone_digits: Option<&str>,
    except: Option<Uuid>,
) -> Result<Option<(Uuid, &'static str)>, StorageError> {
    let other = |query: leads::BoxedQuery<'static, Pg>| match except {
        Some(id) => query.filter(leads::id.ne(id)),
        None => query,
    };
    if let Some(email) = email {
        let found: Option<Uuid> = other(leads::table.into_boxed())
            .filter(lower_nullable(leads::email).eq(domain::crm::leads::normalize_email(email)))
            .select(leads::id)
            .first(conn)
            .await
            .optional()?;
        if let Some(id) = found {
            return Ok(Some((id, "email")));
        }
    }
    if let Some(digits) = phone_digits {
        let found: Option<Uuid> = other(leads::table.into_boxed())
            .filter(regexp_replace(leads::phone, "[^0-9]", "", "g").eq(digits.to_owned()))
            .select(leads::id)
            .first(conn)
            .await
            .optional()?;
        if let Some(id) = found {
            return Ok(Some((id, "phone")));
        }
    }
    Ok(None)
}

/// Existing leads holding any of these emails (compared lower-cased) as (email key, id).
pub async fn ids_by_email(
    conn: &mut AsyncPgConnection,
    emails: &[String],
) -> Result<Vec<(String, Uuid)>, StorageError> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(Option<String>, Uuid)> = leads::table
        .filter(lower_nullable(leads::email).eq_any(emails))
        .select((lower_nullable(leads::email), leads::id))
        .load(conn)
        .await?;
    Ok(found.into_iter().filter_map(|(email, id)| Some((email?, id))).collect())
}

/// Existing leads holding any of these phone numbers (compared by digits) as (digits, id).
pub async fn ids_by_phone(
    conn: &mut AsyncPgConnection,
    digits: &[String],
) -> Result<Vec<(String, Uuid)>, StorageError> {
    if digits.is_empty() {
        return Ok(Vec::new());
    }
    let key = regexp_replace(leads::phone, "[^0-9]", "", "g");
    let found: Vec<(Option<String>, Uuid)> =
        leads::table.filter(key.eq_any(digits)).select((key, leads::id)).load(conn).await?;
    Ok(found.into_iter().filter_map(|(phone, id)| Some((phone?, id))).collect())
}

/// Inserts many leads in one statement; returns their ids in insertion order.
pub async fn insert_many(
    conn: &mut AsyncPgConnection,
    created_by: i32,
    new_leads: &[CreateLeadRequest],
) -> Result<Vec<Uuid>, StorageError> {
    if new_leads.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<_> =
        new_leads.iter().map(|lead| (lead, leads::created_by.eq(created_by), social_links(lead))).collect();
    Ok(diesel::insert_into(leads::table).values(rows).returning(leads::id).get_results(conn).await?)
}

// A create request is the row: the table's defaults fill what it leaves out (stage
// `prospect`, score `warm`, status `new`, source `website`, no tags or social links).
crud::insert!(
    leads -> Lead,
    (created_by: i32, lead: &CreateLeadRequest) => (lead, leads::created_by.eq(created_by), social_links(lead))
);

/// A request's social links, as JSON (absent: the column's default, none).
fn social_links(
    lead: &CreateLeadRequest,
) -> Option<diesel::dsl::Eq<leads::social_links, Json<BTreeMap<String, String>>>> {
    lead.social_links.clone().map(|links| leads::social_links.eq(Json(links)))
}

pub async fn update(conn: &mut AsyncPgConnection, id: Uuid, changes: &UpdateLeadRequest) -> Result<Lead, StorageError> {
    let social_links = changes.social_links.clone().map(|links| leads::social_links.eq(Json(links)));
    Ok(diesel::update(leads::table.find(id))
        .set((changes, social_links, leads::updated_at.eq(Utc::now())))
        .returning(Lead::as_returning())
        .get_result(conn)
        .await?)
}

/// Marks a lead converted into `client` (stage `closed_won`); `link_client` also makes
/// the client the lead's own.
pub async fn convert(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    client: Uuid,
    link_client: bool,
) -> Result<Lead, StorageError> {
    let now = Utc::now();
    Ok(diesel::update(leads::table.find(id))
        .set((
            leads::converted_client_id.eq(client),
            leads::converted_at.eq(now),
            link_client.then(|| leads::client_id.eq(client)),
            leads::stage.eq(LeadStage::ClosedWon),
            leads::updated_at.eq(now),
        ))
        .returning(Lead::as_returning())
        .get_result(conn)
        .await?)
}

crud::delete_by_id!(leads);

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lead_activities)]
pub struct NewLeadActivity {
    pub lead_id: Uuid,
    pub user_id: Option<i32>,
    pub activity_type: LeadActivityType,
    pub subject: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<serde_json::Value>,
}

crud::insert!(fn insert_activity, lead_activities -> LeadActivity, activity: &NewLeadActivity);

/// One page of a lead's activities, newest first, and their total.
pub async fn list_activities(
    conn: &mut AsyncPgConnection,
    lead_id: Uuid,
    page: Page,
) -> Result<(Vec<LeadActivity>, i64), StorageError> {
    let activities = || lead_activities::table.filter(lead_activities::lead_id.eq(lead_id));
    crud::offset_page!(
        conn,
        page,
        activities(),
        LeadActivity,
        (lead_activities::created_at.desc(), lead_activities::id.desc())
    )
}
