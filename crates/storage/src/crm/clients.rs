//! Queries on `clients` and `client_documents`, narrowed by the caller's `Rows`.

use crate::keyset::sort_keys;
use crate::schema::{client_documents, clients};
use crate::{like_contains, StorageError};
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::crm::clients::{Client, ClientDocument, ClientFilter, ClientSort, ClientStatus};
use domain::pagination::day_range;
use domain::pagination::Page;
use domain::visibility::Rows;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients, check_for_backend(Pg))]
pub struct ClientRow {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    pub service_tags: Vec<String>,
    pub status: ClientStatus,
    pub assigned_to_id: Option<i32>,
    pub notes: Option<String>,
    pub social_links: serde_json::Value,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub display_order: i32,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ClientRow> for Client {
    fn from(row: ClientRow) -> Self {
        Client {
            id: row.id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            company: row.company,
            website: row.website,
            logo_url: row.logo_url,
            service_tags: row.service_tags,
            status: row.status,
            assigned_to_id: row.assigned_to_id,
            notes: row.notes,
            social_links: serde_json::from_value(row.social_links).unwrap_or_default(),
            stripe_customer_id: row.stripe_customer_id,
            stripe_subscription_id: row.stripe_subscription_id,
            display_order: row.display_order,
            archived_at: row.archived_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = clients)]
pub struct NewClient {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    pub service_tags: Vec<String>,
    pub status: ClientStatus,
    pub assigned_to_id: Option<i32>,
    pub notes: Option<String>,
    pub social_links: serde_json::Value,
    pub display_order: i32,
    pub archived_at: Option<DateTime<Utc>>,
}

/// A partial update; `None` leaves a column unchanged, `Some(None)` sets it to NULL.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = clients)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub company: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub logo_url: Option<Option<String>>,
    pub service_tags: Option<Vec<String>>,
    pub status: Option<ClientStatus>,
    pub assigned_to_id: Option<Option<i32>>,
    pub notes: Option<Option<String>>,
    pub social_links: Option<serde_json::Value>,
    pub display_order: Option<i32>,
    pub archived_at: Option<Option<DateTime<Utc>>>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn scoped(rows: Rows) -> clients::BoxedQuery<'static, Pg> {
    let query = clients::table.into_boxed();
    match rows {
        Rows::All => query,
        Rows::AssignedTo(user) => query.filter(clients::assigned_to_id.eq(user)),
        Rows::Client(id) => query.filter(clients::id.eq(id)),
    }
}

fn filtered(rows: Rows, filter: &ClientFilter) -> clients::BoxedQuery<'static, Pg> {
    let mut query = scoped(rows);
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        // Same expression as the trigram index in the CRM migration.
        query = query.filter(
            sql::<Bool>(
                "(name || ' ' || coalesce(email, '') || ' ' || coalesce(company, '') || ' ' || coalesce(phone, '')) \
                 ILIKE ",
            )
            .bind::<Text, _>(like_contains(q)),
        );
    }
    match filter.status {
        Some(status) => query = query.filter(clients::status.eq(status)),
        None if filter.include_archived != Some(true) => {
            query = query.filter(clients::status.ne(ClientStatus::Archived))
        }
        None => {}
    }
    if let Some(user) = filter.assigned_to_id {
        query = query.filter(clients::assigned_to_id.eq(user));
    }
    let (from, to) = day_range(filter.created_from, filter.created_to);
    if let Some(from) = from {
        query = query.filter(clients::created_at.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(clients::created_at.lt(to));
    }
    query
}

sort_keys! {
    /// A client's position in a list sort, as a cursor carries it.
    pub enum ClientKey for ClientRow, ClientSort in clients {
        CreatedAt(DateTime<Utc>) => [created_at asc],
        CreatedAtDesc(DateTime<Utc>) => [created_at desc],
        Name(String) => [name asc],
        NameDesc(String) => [name desc],
        DisplayOrder(i32) => [display_order asc],
        DisplayOrderDesc(i32) => [display_order desc],
    }
}

/// The matching clients in the requested order (ties broken by id, so pages are stable).
fn sorted(rows: Rows, filter: &ClientFilter) -> clients::BoxedQuery<'static, Pg> {
    ClientKey::order(filter.sort.unwrap_or_default(), filtered(rows, filter))
}

/// One page of the clients the caller may see, and the total matching the filter. The
/// page starts at `page.offset` or, with `after`, after that row (keyset paging); it
/// holds up to `page.limit + 1` rows, the extra one telling that a next page exists.
pub async fn list(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    filter: &ClientFilter,
    page: Page,
    after: Option<(ClientKey, Uuid)>,
) -> Result<(Vec<ClientRow>, i64), StorageError> {
    let total: i64 = filtered(rows, filter).count().get_result(conn).await?;
    let query = ClientKey::page(filter.sort.unwrap_or_default(), filtered(rows, filter), page, after);
    let found = query.select(ClientRow::as_select()).load(conn).await?;
    Ok((found, total))
}

/// Every client the caller may see that matches the filter, in list order (the export).
pub async fn list_all(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    filter: &ClientFilter,
) -> Result<Vec<ClientRow>, StorageError> {
    Ok(sorted(rows, filter).select(ClientRow::as_select()).load(conn).await?)
}

/// Which of these client ids exist within `rows` (the caller's client scope).
pub async fn visible_ids(conn: &mut AsyncPgConnection, rows: Rows, ids: &[Uuid]) -> Result<Vec<Uuid>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scoped(rows).filter(clients::id.eq_any(ids.to_vec())).select(clients::id).load(conn).await?)
}

/// The client when the caller may see it.
pub async fn find(conn: &mut AsyncPgConnection, rows: Rows, id: Uuid) -> Result<Option<ClientRow>, StorageError> {
    Ok(scoped(rows).filter(clients::id.eq(id)).select(ClientRow::as_select()).first(conn).await.optional()?)
}

/// As `find`, row-locked for an update in the same transaction.
pub async fn find_for_update(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    id: Uuid,
) -> Result<Option<ClientRow>, StorageError> {
    // Boxed (scoped) queries cannot lock: check visibility, then lock the row by id.
    if find(conn, rows, id).await?.is_none() {
        return Ok(None);
    }
    Ok(clients::table.find(id).select(ClientRow::as_select()).for_update().first(conn).await.optional()?)
}

pub async fn insert(conn: &mut AsyncPgConnection, client: &NewClient) -> Result<ClientRow, StorageError> {
    Ok(diesel::insert_into(clients::table).values(client).returning(ClientRow::as_returning()).get_result(conn).await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &ClientChanges,
) -> Result<ClientRow, StorageError> {
    let mut changes = changes.clone();
    changes.updated_at = Some(Utc::now());
    Ok(diesel::update(clients::table.find(id))
        .set(&changes)
        .returning(ClientRow::as_returning())
        .get_result(conn)
        .await?)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = client_documents, check_for_backend(Pg))]
pub struct DocumentRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub object_path: String,
    pub file_type: Option<String>,
    pub file_size: Option<i32>,
    pub uploaded_by: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<DocumentRow> for ClientDocument {
    fn from(row: DocumentRow) -> Self {
        ClientDocument {
            id: row.id,
            client_id: row.client_id,
            name: row.name,
            description: row.description,
            object_path: row.object_path,
            file_type: row.file_type,
            file_size: row.file_size,
            uploaded_by: row.uploaded_by,
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = client_documents)]
pub struct NewDocument {
    pub client_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub object_path: String,
    pub file_type: Option<String>,
    pub file_size: Option<i32>,
    pub uploaded_by: Option<i32>,
}

/// One page of a client's documents, newest first, and their total.
pub async fn list_documents(
    conn: &mut AsyncPgConnection,
    client_id: Uuid,
    page: Page,
) -> Result<(Vec<DocumentRow>, i64), StorageError> {
    let total: i64 =
        client_documents::table.filter(client_documents::client_id.eq(client_id)).count().get_result(conn).await?;
    let found = client_documents::table
        .filter(client_documents::client_id.eq(client_id))
        .select(DocumentRow::as_select())
        .order((client_documents::created_at.desc(), client_documents::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)
        .await?;
    Ok((found, total))
}

pub async fn insert_document(
    conn: &mut AsyncPgConnection,
    document: &NewDocument,
) -> Result<DocumentRow, StorageError> {
    Ok(diesel::insert_into(client_documents::table)
        .values(document)
        .returning(DocumentRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes a client's document; `None` when the client has no such document.
pub async fn delete_document(
    conn: &mut AsyncPgConnection,
    client_id: Uuid,
    id: Uuid,
) -> Result<Option<DocumentRow>, StorageError> {
    Ok(diesel::delete(
        client_documents::table.filter(client_documents::id.eq(id)).filter(client_documents::client_id.eq(client_id)),
    )
    .returning(DocumentRow::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}
