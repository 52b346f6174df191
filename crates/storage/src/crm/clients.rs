//! Queries on `clients` and `client_documents`, narrowed by the caller's `Rows`.

use crate::crud;
use crate::keyset::sort_keys;
use crate::schema::{client_documents, clients};
use crate::sql::{text_search, Narrow, CONTACT_SEARCH};
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::crm::clients::{
    Client, ClientDocument, ClientFilter, ClientSort, ClientStatus, CreateClientDocumentRequest, CreateClientRequest,
    UpdateClientRequest,
};
use domain::json_column::Json;
use domain::pagination::day_range;
use domain::pagination::Page;
use domain::visibility::Rows;
use uuid::Uuid;

fn scoped(rows: Rows) -> clients::BoxedQuery<'static, Pg> {
    let query = clients::table.into_boxed();
    match rows {
        Rows::All => query,
        Rows::AssignedTo(user) => query.filter(clients::assigned_to_id.eq(user)),
        Rows::Client(id) => query.filter(clients::id.eq(id)),
    }
}

fn filtered(rows: Rows, filter: &ClientFilter) -> clients::BoxedQuery<'static, Pg> {
    let (from, to) = day_range(filter.created_from, filter.created_to);
    let query = scoped(rows)
        .narrow(text_search(CONTACT_SEARCH, filter.q.as_deref()))
        .narrow(filter.assigned_to_id.map(|user| clients::assigned_to_id.eq(user)))
        .narrow(from.map(|from| clients::created_at.ge(from)))
        .narrow(to.map(|to| clients::created_at.lt(to)));
    match filter.status {
        Some(status) => query.filter(clients::status.eq(status)),
        None if filter.include_archived != Some(true) => query.filter(clients::status.ne(ClientStatus::Archived)),
        None => query,
    }
}

sort_keys! {
    /// A client's position in a list sort, as a cursor carries it.
    pub enum ClientKey for Client, ClientSort in clients {
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
) -> Result<(Vec<Client>, i64), StorageError> {
    let total: i64 = filtered(rows, filter).count().get_result(conn).await?;
    let query = ClientKey::page(filter.sort.unwrap_or_default(), filtered(rows, filter), page, after);
    let found = query.select(Client::as_select()).load(conn).await?;
    Ok((found, total))
}

/// Every client the caller may see that matches the filter, in list order (the export).
pub async fn list_all(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    filter: &ClientFilter,
) -> Result<Vec<Client>, StorageError> {
    Ok(sorted(rows, filter).select(Client::as_select()).load(conn).await?)
}

/// Which of these client ids exist within `rows` (the caller's client scope).
pub async fn visible_ids(conn: &mut AsyncPgConnection, rows: Rows, ids: &[Uuid]) -> Result<Vec<Uuid>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(scoped(rows).filter(clients::id.eq_any(ids.to_vec())).select(clients::id).load(conn).await?)
}

/// The client when the caller may see it.
pub async fn find(conn: &mut AsyncPgConnection, rows: Rows, id: Uuid) -> Result<Option<Client>, StorageError> {
    Ok(scoped(rows).filter(clients::id.eq(id)).select(Client::as_select()).first(conn).await.optional()?)
}

/// As `find`, row-locked for an update in the same transaction.
pub async fn find_for_update(
    conn: &mut AsyncPgConnection,
    rows: Rows,
    id: Uuid,
) -> Result<Option<Client>, StorageError> {
    // Boxed (scoped) queries cannot lock: check visibility, then lock the row by id.
    if find(conn, rows, id).await?.is_none() {
        return Ok(None);
    }
    Ok(clients::table.find(id).select(Client::as_select()).for_update().first(conn).await.optional()?)
}

/// Inserts a client; `archived_at` is set when it is created archived.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    client: &CreateClientRequest,
    archived_at: Option<DateTime<Utc>>,
) -> Result<Client, StorageError> {
    let social_links = client.social_links.clone().map(|links| clients::social_links.eq(Json(links)));
    Ok(diesel::insert_into(clients::table)
        .values((client, social_links, clients::archived_at.eq(archived_at)))
        .returning(Client::as_returning())
        .get_result(conn)
        .await?)
}

/// Applies `changes`; `archived_at` (when given) stamps or clears the archive time.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &UpdateClientRequest,
    archived_at: Option<Option<DateTime<Utc>>>,
) -> Result<Client, StorageError> {
    let social_links = changes.social_links.clone().map(|links| clients::social_links.eq(Json(links)));
    let archived_at = archived_at.map(|at| clients::archived_at.eq(at));
    Ok(diesel::update(clients::table.find(id))
        .set((changes, social_links, archived_at, clients::updated_at.eq(Utc::now())))
        .returning(Client::as_returning())
        .get_result(conn)
        .await?)
}

/// One page of a client's documents, newest first, and their total.
pub async fn list_documents(
    conn: &mut AsyncPgConnection,
    client_id: Uuid,
    page: Page,
) -> Result<(Vec<ClientDocument>, i64), StorageError> {
    let documents = || client_documents::table.filter(client_documents::client_id.eq(client_id));
    crud::offset_page!(
        conn,
        page,
        documents(),
        ClientDocument,
        (client_documents::created_at.desc(), client_documents::id.desc())
    )
}

crud::insert!(
    fn insert_document,
    client_documents -> ClientDocument,
    (client_id: Uuid, uploaded_by: i32, document: &CreateClientDocumentRequest)
        => (document, client_documents::client_id.eq(client_id), client_documents::uploaded_by.eq(uploaded_by))
);

/// Deletes a client's document; `None` when the client has no such document.
pub async fn delete_document(
    conn: &mut AsyncPgConnection,
    client_id: Uuid,
    id: Uuid,
) -> Result<Option<ClientDocument>, StorageError> {
    Ok(diesel::delete(
        client_documents::table.filter(client_documents::id.eq(id)).filter(client_documents::client_id.eq(client_id)),
    )
    .returning(ClientDocument::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}
