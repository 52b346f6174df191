//! Clients and their document metadata. Guarded by `canManageClients` narrowed by its
//! scope (sales agents: assigned clients; view-only roles: reads), and client-portal
//! users may read their own client. Records outside the caller's scope answer 404.
//! DELETE archives (status `archived` + `archivedAt`) and keeps the history.

use crate::auth::scope::{ClientsRead, ClientsWrite, Crm};
use crate::auth::Principal;
use crate::error::OrNotFound;
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::constraints::CLIENTS;
use crate::http::csv::csv_download;
use crate::http::ctx::Ctx;
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::{CursorPaging, Paging};
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, CrmErrors, CursorListPage, Deleted, Found, JsonBodyErrors, ListPage, PathIdErrors, QueryErrors, Updated,
};
use crate::state::AppState;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::crm::clients::{
    client_cells, client_header, Client, ClientDocument, ClientFilter, ClientStatus, CreateClientDocumentRequest,
    CreateClientRequest, UpdateClientRequest,
};
use domain::crm::lead_imports::social_platforms;
use domain::pagination::{CursorParams, PageParams};
use domain::visibility::Visibility;
use domain::Problem;
use storage::crm::clients::ClientKey;
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

async fn visible_client(conn: &mut storage::AsyncPgConnection, visibility: &Visibility, id: Uuid) -> AppResult<Client> {
    storage::crm::clients::find(conn, visibility.rows, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Client {id}")))
}

/// Lists the clients the caller may see; archived ones only with `includeArchived=true`.
#[utoipa::path(
    tag = "clients",
    params(ClientFilter, PageParams, CursorParams),
    responses(CursorListPage<Client>, CrmErrors<ClientsRead>)
)]
#[get("/clients")]
async fn list_clients(
    ctx: Ctx,
    access: Crm<ClientsRead>,
    ValidQuery(filter): ValidQuery<ClientFilter>,
    paging: CursorPaging,
) -> AppResult<HttpResponse> {
    let list = paging.options::<ClientKey>(filter.sort.unwrap_or_default())?;
    let mut conn = ctx.conn().await?;
    let found = storage::crm::clients::list(&mut conn, access.scope.rows, &filter, list.page, list.after()).await?;
    Ok(list.respond(found))
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
        CrmErrors<ClientsRead>, QueryErrors,
    )
)]
#[get("/clients/export")]
async fn export_clients(
    ctx: Ctx,
    access: Crm<ClientsRead>,
    ValidQuery(filter): ValidQuery<ClientFilter>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let clients = storage::crm::clients::list_all(&mut conn, access.scope.rows, &filter).await?;
    let platforms = social_platforms(clients.iter().map(|client| &client.social_links));
    let rows = clients.iter().map(|client| client_cells(client, &platforms)).collect();
    csv_download("clients", client_header(&platforms), rows)
}

/// Creates a client (status `active` unless given). Sales agents' clients are assigned to them.
#[utoipa::path(
    tag = "clients",
    request_body = CreateClientRequest,
    responses(
        Created<Client>,
        CrmErrors<ClientsWrite>, JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such assignee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/clients")]
async fn create_client(
    ctx: Ctx,
    access: Crm<ClientsWrite>,
    ValidJson(mut body): ValidJson<CreateClientRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    body.assigned_to_id = visibility.assignee(body.assigned_to_id)?;
    let archived_at = (body.status == Some(ClientStatus::Archived)).then(Utc::now);
    let actor = principal.id();
    let client = ctx
        .transaction(async |conn| {
            let client =
                storage::crm::clients::insert(conn, &body, archived_at).await.map_err(|e| CLIENTS.problem(e))?;
            ctx.audit.by(actor).created(conn, client).await
        })
        .await?;
    Ok(created(format!("/api/clients/{}", client.id), &client))
}

/// One client the caller may see.
#[utoipa::path(tag = "clients", responses(Found<Client>, CrmErrors<ClientsRead>, PathIdErrors))]
#[get("/clients/{id}")]
async fn get_client(ctx: Ctx, access: Crm<ClientsRead>, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let visibility = access.scope;
    let mut conn = ctx.conn().await?;
    let client = visible_client(&mut conn, &visibility, *id).await?;
    Ok(HttpResponse::Ok().json(client))
}

/// Applies `changes` to a visible client in one transaction with its audit row.
async fn change_client(
    state: &AppState,
    principal: &Principal,
    visibility: Visibility,
    audit: &AuditContext,
    id: Uuid,
    changes: UpdateClientRequest,
    activity_type: &str,
) -> AppResult<Client> {
    let actor = principal.id();
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let current = storage::crm::clients::find_for_update(conn, visibility.rows, id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Client {id}")))?;
        // Archiving stamps `archivedAt` once; any other status clears it.
        let archived_at = match changes.status {
            Some(ClientStatus::Archived) if current.archived_at.is_none() => Some(Some(Utc::now())),
            Some(ClientStatus::Archived) | None => None,
            Some(_) => Some(None),
        };
        let updated =
            storage::crm::clients::update(conn, id, &changes, archived_at).await.map_err(|e| CLIENTS.problem(e))?;
        let before = current;
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
    request_body = UpdateClientRequest,
    responses(
        Updated<Client>,
        CrmErrors<ClientsWrite>, PathIdErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such assignee", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks canManageClients with write access, or assigns to someone else while limited to own assignments", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/clients/{id}")]
async fn update_client(
    ctx: Ctx,
    access: Crm<ClientsWrite>,
    id: web::Path<Uuid>,
    ValidJson(mut body): ValidJson<UpdateClientRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    body.assigned_to_id = visibility.reassign(body.assigned_to_id)?;
    let client = change_client(&ctx, &principal, visibility, &ctx.audit, *id, body, "client.update").await?;
    Ok(HttpResponse::Ok().json(client))
}

/// Archives a client: status `archived` and `archivedAt` set; the record and its
/// history stay (list with `includeArchived=true`; un-archive with PATCH `status`).
#[utoipa::path(
    tag = "clients",
    responses((status = 204, description = "Archived"), CrmErrors<ClientsWrite>, PathIdErrors)
)]
#[delete("/clients/{id}")]
async fn archive_client(ctx: Ctx, access: Crm<ClientsWrite>, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let changes = UpdateClientRequest { status: Some(ClientStatus::Archived), ..Default::default() };
    change_client(&ctx, &access.principal, access.scope, &ctx.audit, *id, changes, "client.archive").await?;
    Ok(no_content())
}

/// A client's documents, newest first.
#[utoipa::path(
    tag = "clients",
    params(("clientId" = Uuid, Path, description = "Client id"), PageParams),
    responses(ListPage<ClientDocument>, CrmErrors<ClientsRead>, PathIdErrors, QueryErrors)
)]
#[get("/clients/{clientId}/documents")]
async fn list_documents(
    ctx: Ctx,
    access: Crm<ClientsRead>,
    client_id: web::Path<Uuid>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let visibility = access.scope;
    let mut conn = ctx.conn().await?;
    visible_client(&mut conn, &visibility, *client_id).await?;
    Ok(paging.respond(storage::crm::clients::list_documents(&mut conn, *client_id, paging.page()).await?))
}

/// Records a document's metadata for a client (the file itself is stored elsewhere).
#[utoipa::path(
    tag = "clients",
    params(("clientId" = Uuid, Path, description = "Client id")),
    request_body = CreateClientDocumentRequest,
    responses(
        (status = 201, description = "Created", body = ClientDocument),
        CrmErrors<ClientsWrite>, PathIdErrors, JsonBodyErrors,
    )
)]
#[post("/clients/{clientId}/documents")]
async fn create_document(
    ctx: Ctx,
    access: Crm<ClientsWrite>,
    client_id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateClientDocumentRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let client_id = *client_id;
    let actor = principal.id();
    let document = ctx
        .transaction(async |conn| {
            let client = visible_client(conn, &visibility, client_id).await?;
            let document = storage::crm::clients::insert_document(conn, client_id, actor, &body).await?;
            ctx.audit
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
    responses(Deleted, CrmErrors<ClientsWrite>, PathIdErrors)
)]
#[delete("/clients/{clientId}/documents/{documentId}")]
async fn delete_document(
    ctx: Ctx,
    access: Crm<ClientsWrite>,
    path: web::Path<(Uuid, Uuid)>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let (client_id, document_id) = path.into_inner();
    let actor = principal.id();
    ctx.transaction(async |conn| {
        visible_client(conn, &visibility, client_id).await?;
        let document = storage::crm::clients::delete_document(conn, client_id, document_id)
            .await?
            .found(format_args!("Document {document_id}"))?;
        ctx.audit
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
    Ok(no_content())
}
