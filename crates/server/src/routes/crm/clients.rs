//! Clients and their document metadata. Guarded by `canManageClients` narrowed by its
//! scope (sales agents: assigned clients; view-only roles: reads), and client-portal
//! users may read their own client. Records outside the caller's scope answer 404.
//! DELETE archives (status `archived` + `archivedAt`) and keeps the history.

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::{Paginated, PaginationOptions};
use crate::routes::crm::lead_imports::csv_download;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{delete, get, patch, post, web, FromRequest, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::crm::clients::{
    client_cells, client_header, Client, ClientDocument, ClientFilter, ClientStatus, CreateClientDocumentRequest,
    CreateClientRequest, UpdateClientRequest,
};
use domain::crm::lead_imports::social_platforms;
use domain::pagination::{CursorParams, PageParams};
use domain::visibility::{client_visibility, Caller, Rows, Visibility};
use domain::{Permission, Problem};
use futures_util::future::LocalBoxFuture;
use std::marker::PhantomData;
use storage::crm::clients::{ClientChanges, ClientKey, NewClient, NewDocument};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    // `/clients/export` before `/clients/{id}`, which would otherwise match it.
    cfg.service(list_clients)
        .service(export_clients)
        .service(create_client)
        .service(get_client)
        .service(update_client)
        .service(archive_client)
        .service(list_documents)
        .service(create_document)
        .service(delete_document);
}

pub(crate) fn caller(principal: &Principal) -> Caller<'_> {
    Caller { user_id: principal.id(), access: principal.access, client_id: principal.user.client_id.as_deref() }
}

fn lacks(permission: Permission) -> AppError {
    AppError::forbidden(format!("This action requires the {} permission", permission.as_str()))
}

/// The caller's visibility by `rule`, or 403 naming `permission`.
pub(crate) fn readable(
    principal: &Principal,
    rule: fn(&Caller<'_>) -> Option<Visibility>,
    permission: Permission,
) -> AppResult<Visibility> {
    rule(&caller(principal)).ok_or_else(|| lacks(permission))
}

/// As `readable`, and the caller may write (not view-only, not a portal user).
pub(crate) fn writable(
    principal: &Principal,
    rule: fn(&Caller<'_>) -> Option<Visibility>,
    permission: Permission,
) -> AppResult<Visibility> {
    let visibility = readable(principal, rule, permission)?;
    if visibility.writable {
        Ok(visibility)
    } else {
        Err(AppError::forbidden(format!(
            "This action requires the {} permission with write access",
            permission.as_str()
        )))
    }
}

/// A CRM guard: which scope rule, which permission it names, and whether it writes.
pub(crate) trait CrmRule {
    const PERMISSION: Permission;
    const WRITE: bool;
    fn rule(caller: &Caller<'_>) -> Option<Visibility>;
}

macro_rules! crm_rules {
    ($($name:ident => ($rule:path, $permission:ident, $write:expr)),* $(,)?) => {$(
        pub(crate) struct $name;
        impl CrmRule for $name {
            const PERMISSION: Permission = Permission::$permission;
            const WRITE: bool = $write;
            fn rule(caller: &Caller<'_>) -> Option<Visibility> {
                $rule(caller)
            }
        }
    )*};
}

crm_rules!(
    ClientsRead => (client_visibility, ManageClients, false),
    ClientsWrite => (client_visibility, ManageClients, true),
    CampaignsRead => (domain::visibility::campaign_visibility, ManageCampaigns, false),
    CampaignsWrite => (domain::visibility::campaign_visibility, ManageCampaigns, true),
    LeadsRead => (domain::visibility::lead_visibility, ManageLeads, false),
    LeadsWrite => (domain::visibility::lead_visibility, ManageLeads, true),
);

/// An authenticated caller and what rule `R` lets them see. As an extractor it runs
/// before the body is parsed, so refusals are 401/403 whatever the body.
pub(crate) struct Crm<R> {
    pub principal: Principal,
    pub visibility: Visibility,
    _rule: PhantomData<R>,
}

impl<R: CrmRule + 'static> FromRequest for Crm<R> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            let visibility = if R::WRITE {
                writable(&principal, R::rule, R::PERMISSION)?
            } else {
                readable(&principal, R::rule, R::PERMISSION)?
            };
            Ok(Crm { principal, visibility, _rule: PhantomData })
        })
    }
}

/// Callers scoped to their assignments may only assign records to themselves.
pub(crate) fn assignee(visibility: &Visibility, requested: Option<i32>) -> AppResult<Option<i32>> {
    match visibility.rows {
        Rows::AssignedTo(user) if requested.is_some_and(|id| id != user) => {
            Err(AppError::forbidden("You can only assign records to yourself"))
        }
        Rows::AssignedTo(user) => Ok(Some(user)),
        _ => Ok(requested),
    }
}

/// A patch's `assignedToId` (absent, `null` or an id): callers scoped to their
/// assignments may neither unassign nor hand records to someone else.
pub(crate) fn reassign(visibility: &Visibility, requested: Option<Option<i32>>) -> AppResult<Option<Option<i32>>> {
    match (visibility.rows, requested) {
        (_, None) => Ok(None),
        (Rows::AssignedTo(user), Some(Some(id))) if id == user => Ok(Some(Some(user))),
        (Rows::AssignedTo(_), Some(_)) => Err(AppError::forbidden("You can only assign records to yourself")),
        (_, requested) => Ok(requested),
    }
}

/// Maps a foreign-key violation (an `assignedToId` or other reference that does not
/// exist) to a 400 naming the field.
pub(crate) fn reference_error(error: storage::StorageError) -> AppError {
    match error.foreign_key_violation() {
        Some(name) if name.contains("assigned_to_id") => AppError::field("assignedToId", "exists", "No such user"),
        Some(name) if name.contains("client_id") => no_such_client(),
        Some(_) => AppError::new(domain::ErrorCode::Conflict, "The record is still referenced by other records"),
        None => error.into(),
    }
}

pub(crate) fn no_such_client() -> AppError {
    AppError::field("clientId", "exists", "No such client")
}

/// Social profile links as stored (a JSON object of platform → URL).
pub(crate) fn social_json(
    links: Option<std::collections::BTreeMap<String, String>>,
) -> AppResult<Option<serde_json::Value>> {
    links.map(|links| serde_json::to_value(links).map_err(AppError::internal)).transpose()
}

async fn visible_client(
    conn: &mut storage::AsyncPgConnection,
    visibility: &Visibility,
    id: Uuid,
) -> AppResult<storage::crm::clients::ClientRow> {
    storage::crm::clients::find(conn, visibility.rows, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Client {id}")))
}

/// Lists the clients the caller may see; archived ones only with `includeArchived=true`.
#[utoipa::path(
    tag = "clients",
    params(ClientFilter, PageParams, CursorParams),
    responses(
        (status = 200, description = "One page of clients", body = Vec<Client>,
         headers(("X-Total-Count" = i64, description = "Clients matching the filter"), ("Link" = String, description = "RFC 8288 first/prev/next/last links (after a cursor: first and next)"),
                 ("X-Next-Cursor" = String, description = "When more rows follow: the `cursor` of the next page"))),
        crate::http::responses::CrmErrors<ClientsRead>, crate::http::responses::QueryErrors,
        (status = 400, description = "Invalid filter, `cursor` with `offset`, or a cursor not issued for this sort (INVALID_CURSOR)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/clients")]
async fn list_clients(
    state: web::Data<AppState>,
    access: Crm<ClientsRead>,
    req: HttpRequest,
    ValidQuery(filter): ValidQuery<ClientFilter>,
    ValidQuery(page): ValidQuery<PageParams>,
    ValidQuery(cursor): ValidQuery<CursorParams>,
) -> AppResult<HttpResponse> {
    let mut list = PaginationOptions::<ClientKey>::new(&req, &page, &cursor, filter.sort.unwrap_or_default())?;
    let mut conn = state.conn().await?;
    let (rows, total) =
        storage::crm::clients::list(&mut conn, access.visibility.rows, &filter, list.page, list.take_after()).await?;
    Ok(list.paginated(rows, total).map(Client::from).respond(&req))
}

/// Every client `GET /api/clients` would list with these filters and sort (no paging),
/// as CSV with the create request's columns. Cells a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading `'`.
#[utoipa::path(
    tag = "clients",
    params(ClientFilter),
    responses(
        (status = 200, description = "The matching clients as CSV", content_type = "text/csv", body = String,
         headers(("Content-Disposition" = String, description = "attachment; filename=\"clients-<date>.csv\""))),
        crate::http::responses::CrmErrors<ClientsRead>, crate::http::responses::QueryErrors,
    )
)]
#[get("/clients/export")]
async fn export_clients(
    state: web::Data<AppState>,
    access: Crm<ClientsRead>,
    ValidQuery(filter): ValidQuery<ClientFilter>,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let clients: Vec<Client> = storage::crm::clients::list_all(&mut conn, access.visibility.rows, &filter)
        .await?
        .into_iter()
        .map(Client::from)
        .collect();
    let platforms = social_platforms(clients.iter().map(|client| &client.social_links));
    let rows = clients.iter().map(|client| client_cells(client, &platforms)).collect();
    csv_download("clients", client_header(&platforms), rows)
}

/// Creates a client (status `active` unless given). Sales agents' clients are assigned to them.
#[utoipa::path(
    tag = "clients",
    request_body = CreateClientRequest,
    responses(
        (status = 201, description = "Created", body = Client, headers(("Location" = String, description = "The new client's URL"))),
        crate::http::responses::CrmErrors<ClientsWrite>, crate::http::responses::JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such assignee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/clients")]
async fn create_client(
    state: web::Data<AppState>,
    access: Crm<ClientsWrite>,
    audit: AuditContext,
    ValidJson(body): ValidJson<CreateClientRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.visibility);
    let status = body.status.unwrap_or(ClientStatus::Active);
    let new_client = NewClient {
        name: body.name,
        email: body.email,
        phone: body.phone,
        company: body.company,
        website: body.website,
        logo_url: body.logo_url,
        service_tags: body.service_tags.unwrap_or_default(),
        status,
        assigned_to_id: assignee(&visibility, body.assigned_to_id)?,
        notes: body.notes,
        social_links: social_json(body.social_links)?.unwrap_or_else(|| serde_json::json!({})),
        display_order: body.display_order.unwrap_or(0),
        archived_at: (status == ClientStatus::Archived).then(Utc::now),
    };
    let actor = principal.id();
    let mut conn = state.conn().await?;
    let client = conn
        .transaction::<_, AppError, _>(async |conn| {
            let client = Client::from(storage::crm::clients::insert(conn, &new_client).await.map_err(reference_error)?);
            audit.by(actor).created(conn, &client).await?;
            Ok(client)
        })
        .await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/clients/{}", client.id))).json(client))
}

/// One client the caller may see.
#[utoipa::path(
    tag = "clients",
    params(("id" = Uuid, Path, description = "Client id")),
    responses(
        (status = 200, description = "The client", body = Client),
        crate::http::responses::CrmErrors<ClientsRead>, crate::http::responses::PathIdErrors,
    )
)]
#[get("/clients/{id}")]
async fn get_client(
    state: web::Data<AppState>,
    access: Crm<ClientsRead>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let visibility = access.visibility;
    let mut conn = state.conn().await?;
    let client = visible_client(&mut conn, &visibility, *id).await?;
    Ok(HttpResponse::Ok().json(Client::from(client)))
}

/// Applies `changes` to a visible client in one transaction with its audit row.
async fn change_client(
    state: &AppState,
    principal: &Principal,
    visibility: Visibility,
    audit: &AuditContext,
    id: Uuid,
    changes: ClientChanges,
    activity_type: &str,
) -> AppResult<Client> {
    let actor = principal.id();
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let current = storage::crm::clients::find_for_update(conn, visibility.rows, id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Client {id}")))?;
        let mut changes = changes;
        // Archiving stamps `archivedAt` once; any other status clears it.
        match changes.status {
            Some(ClientStatus::Archived) if current.archived_at.is_none() => {
                changes.archived_at = Some(Some(Utc::now()))
            }
            Some(ClientStatus::Archived) | None => {}
            Some(_) => changes.archived_at = Some(None),
        }
        let before = Client::from(current);
        let updated = Client::from(storage::crm::clients::update(conn, id, &changes).await.map_err(reference_error)?);
        audit
            .by(actor)
            .record(
                conn,
                Entry::new(activity_type, Subject::of(&updated), format!("Updated client {}", updated.name))
                    .before(&before)
                    .after(&updated),
            )
            .await?;
        Ok(updated)
    })
    .await
}

/// Updates a client; absent fields stay as they are, `null` clears optional ones.
#[utoipa::path(
    tag = "clients",
    params(("id" = Uuid, Path, description = "Client id")),
    request_body = UpdateClientRequest,
    responses(
        (status = 200, description = "The updated client", body = Client),
        crate::http::responses::CrmErrors<ClientsWrite>, crate::http::responses::PathIdErrors, crate::http::responses::JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such assignee", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks canManageClients with write access, or assigns to someone else while limited to own assignments", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/clients/{id}")]
async fn update_client(
    state: web::Data<AppState>,
    access: Crm<ClientsWrite>,
    audit: AuditContext,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateClientRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.visibility);
    let assigned_to_id = reassign(&visibility, body.assigned_to_id)?;
    let changes = ClientChanges {
        name: body.name,
        email: body.email,
        phone: body.phone,
        company: body.company,
        website: body.website,
        logo_url: body.logo_url,
        service_tags: body.service_tags,
        status: body.status,
        assigned_to_id,
        notes: body.notes,
        social_links: social_json(body.social_links)?,
        display_order: body.display_order,
        ..Default::default()
    };
    let client = change_client(&state, &principal, visibility, &audit, *id, changes, "client.update").await?;
    Ok(HttpResponse::Ok().json(client))
}

/// Archives a client: status `archived` and `archivedAt` set; the record and its
/// history stay (list with `includeArchived=true`; un-archive with PATCH `status`).
#[utoipa::path(
    tag = "clients",
    params(("id" = Uuid, Path, description = "Client id")),
    responses(
        (status = 204, description = "Archived"),
        crate::http::responses::CrmErrors<ClientsWrite>, crate::http::responses::PathIdErrors,
    )
)]
#[delete("/clients/{id}")]
async fn archive_client(
    state: web::Data<AppState>,
    access: Crm<ClientsWrite>,
    audit: AuditContext,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let changes = ClientChanges { status: Some(ClientStatus::Archived), ..Default::default() };
    change_client(&state, &access.principal, access.visibility, &audit, *id, changes, "client.archive").await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A client's documents, newest first.
#[utoipa::path(
    tag = "clients",
    params(("clientId" = Uuid, Path, description = "Client id"), PageParams),
    responses(
        (status = 200, description = "One page of documents", body = Vec<ClientDocument>,
         headers(("X-Total-Count" = i64, description = "The client's documents"), ("Link" = String, description = "RFC 8288 first/prev/next/last links"))),
        crate::http::responses::CrmErrors<ClientsRead>, crate::http::responses::PathIdErrors, crate::http::responses::QueryErrors,
    )
)]
#[get("/clients/{clientId}/documents")]
async fn list_documents(
    state: web::Data<AppState>,
    access: Crm<ClientsRead>,
    req: HttpRequest,
    client_id: web::Path<Uuid>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let visibility = access.visibility;
    let page = page.page();
    let mut conn = state.conn().await?;
    visible_client(&mut conn, &visibility, *client_id).await?;
    let (rows, total) = storage::crm::clients::list_documents(&mut conn, *client_id, page).await?;
    let documents: Vec<ClientDocument> = rows.into_iter().map(ClientDocument::from).collect();
    Ok(Paginated::offset(documents, page, total).respond(&req))
}

/// Records a document's metadata for a client (the file itself is stored elsewhere).
#[utoipa::path(
    tag = "clients",
    params(("clientId" = Uuid, Path, description = "Client id")),
    request_body = CreateClientDocumentRequest,
    responses(
        (status = 201, description = "Created", body = ClientDocument),
        crate::http::responses::CrmErrors<ClientsWrite>, crate::http::responses::PathIdErrors, crate::http::responses::JsonBodyErrors,
    )
)]
#[post("/clients/{clientId}/documents")]
async fn create_document(
    state: web::Data<AppState>,
    access: Crm<ClientsWrite>,
    audit: AuditContext,
    client_id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateClientDocumentRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.visibility);
    let client_id = *client_id;
    let actor = principal.id();
    let mut conn = state.conn().await?;
    let document = conn
        .transaction::<_, AppError, _>(async |conn| {
            let client = visible_client(conn, &visibility, client_id).await?;
            let new_document = NewDocument {
                client_id,
                name: body.name,
                description: body.description,
                object_path: body.object_path,
                file_type: body.file_type,
                file_size: body.file_size,
                uploaded_by: Some(actor),
            };
            let document = ClientDocument::from(storage::crm::clients::insert_document(conn, &new_document).await?);
            audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "client.document.create",
                        Subject::of(&document),
                        format!("Added document {} to client {}", document.name, client.name),
                    )
                    .after(&document),
                )
                .await?;
            Ok(document)
        })
        .await?;
    Ok(HttpResponse::Created().json(document))
}

/// Removes a document's metadata from a client.
#[utoipa::path(
    tag = "clients",
    params(("clientId" = Uuid, Path, description = "Client id"), ("documentId" = Uuid, Path, description = "Document id")),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::CrmErrors<ClientsWrite>, crate::http::responses::PathIdErrors,
    )
)]
#[delete("/clients/{clientId}/documents/{documentId}")]
async fn delete_document(
    state: web::Data<AppState>,
    access: Crm<ClientsWrite>,
    audit: AuditContext,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.visibility);
    let (client_id, document_id) = path.into_inner();
    let actor = principal.id();
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        visible_client(conn, &visibility, client_id).await?;
        let document = storage::crm::clients::delete_document(conn, client_id, document_id)
            .await?
            .map(ClientDocument::from)
            .ok_or_else(|| AppError::not_found(format!("Document {document_id}")))?;
        audit
            .by(actor)
            .record(
                conn,
                Entry::new(
                    "client.document.delete",
                    Subject::of(&document),
                    format!("Removed document {}", document.name),
                )
                .before(&document),
            )
            .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
