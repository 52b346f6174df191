//! Leads, their activity timeline and conversion into clients. Guarded by
//! `canManageLeads` narrowed by its scope: sales agents see and create only leads
//! assigned to them. Records outside the caller's scope answer 404.

use crate::auth::scope::{writable, Crm, LeadsRead, LeadsWrite};
use crate::auth::Principal;
use crate::error::OrNotFound;
use crate::error::{AppError, AppResult};
use crate::http::audit::{Entry, Subject};
use crate::http::constraints::{LEADS, NO_SUCH_CLIENT};
use crate::http::ctx::Ctx;
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::{CachedTotal, CursorPaging, Paging};
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, CrmErrors, CursorListPage, Deleted, Found, JsonBodyErrors, ListPage, PathIdErrors, QueryErrors, Updated,
};
use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::crm::clients::{Client, ClientStatus, CreateClientRequest};
use domain::crm::leads::{
    duplicate_message, normalize_phone, stage_change_text, CreateLeadActivityRequest, CreateLeadRequest, Lead,
    LeadActivity, LeadActivityType, LeadFilter, LeadStage, UpdateLeadRequest,
};
use domain::notifications::rules;
use domain::pagination::{CursorParams, PageParams};
use domain::visibility::{client_visibility, Rows, Visibility};
use domain::{Permission, Problem};
use serde_json::json;
use storage::crm::leads::{LeadKey, NewLeadActivity};
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_leads)
        .service(create_lead)
        .service(get_lead)
        .service(update_lead)
        .service(delete_lead)
        .service(list_activities)
        .service(create_activity)
        .service(convert_lead);
}

async fn visible_lead(conn: &mut AsyncPgConnection, visibility: &Visibility, id: Uuid) -> AppResult<Lead> {
    storage::crm::leads::find(conn, visibility.rows, id).await?.ok_or_else(|| AppError::not_found(format!("Lead {id}")))
}

/// 409 when another lead has this email (any case) or phone number (same digits).
async fn ensure_unique(
    conn: &mut AsyncPgConnection,
    email: Option<&str>,
    phone: Option<&str>,
    except: Option<Uuid>,
) -> AppResult<()> {
    let digits = phone.and_then(normalize_phone);
    match storage::crm::leads::find_duplicate(conn, email, digits.as_deref(), except).await? {
        Some((existing, field)) => Err(duplicate(field, existing)),
        None => Ok(()),
    }
}

/// The clients the caller may see, by the rule `GET /api/clients/{id}` applies; `None`
/// when they may see none.
pub(crate) fn client_rows(principal: &Principal) -> Option<Rows> {
    client_visibility(&principal.caller()).map(|visibility| visibility.rows)
}

/// A referenced client outside the caller's scope is answered exactly as a client that
/// does not exist (400 on `clientId`), so the reference neither leaks nor links.
async fn ensure_visible_client(conn: &mut AsyncPgConnection, rows: Option<Rows>, id: Uuid) -> AppResult<()> {
    match rows {
        Some(rows) if storage::crm::clients::find(conn, rows, id).await?.is_some() => Ok(()),
        _ => Err(NO_SUCH_CLIENT.problem()),
    }
}

fn duplicate(field: &str, existing: Uuid) -> AppError {
    AppError::conflict(field, duplicate_message(field, existing))
}

/// Lists the leads the caller may see. Deep pages: follow `X-Next-Cursor` with `cursor`
/// instead of `offset`.
#[utoipa::path(
    tag = "leads",
    params(LeadFilter, PageParams, CursorParams),
    responses(CursorListPage<Lead>, CrmErrors<LeadsRead>)
)]
#[get("/leads")]
async fn list_leads(
    ctx: Ctx,
    access: Crm<LeadsRead>,
    ValidQuery(filter): ValidQuery<LeadFilter>,
    paging: CursorPaging,
) -> AppResult<HttpResponse> {
    let rows = access.scope.rows;
    let list = paging.options::<LeadKey>(filter.sort.unwrap_or_default())?;
    // Counting every match is what makes a list slow at a million leads (about 100 ms for
    // all of them, more for a common search term), while the page itself takes a few
    // milliseconds: totals are cached per scope and filter until the next lead write.
    let total = CachedTotal::lookup(&ctx.lead_totals, rows, &LeadFilter { sort: None, ..filter.clone() }).await?;
    let mut conn = ctx.conn().await?;
    let (found, counted) =
        storage::crm::leads::list(&mut conn, rows, &filter, list.page, list.after(), total.known).await?;
    let total = total.store(counted).await;
    Ok(list.respond((found, total)))
}

/// Creates a lead. Another lead with the same email (any case) or phone number (same
/// digits) is a 409 naming the field and the existing lead's id.
#[utoipa::path(
    tag = "leads",
    request_body = CreateLeadRequest,
    responses(
        Created<Lead>,
        CrmErrors<LeadsWrite>, JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such assignee/client", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks canManageLeads, or assigns to someone else while limited to own assignments", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A lead with this email or phone number exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads")]
async fn create_lead(
    ctx: Ctx,
    access: Crm<LeadsWrite>,
    ValidJson(mut new_lead): ValidJson<CreateLeadRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let actor = principal.id();
    new_lead.assigned_to_id = visibility.assignee(new_lead.assigned_to_id)?;
    let clients = client_rows(&principal);
    let lead = ctx
        .transaction(async |conn| {
            if let Some(client) = new_lead.client_id {
                ensure_visible_client(conn, clients, client).await?;
            }
            ensure_unique(conn, new_lead.email.as_deref(), new_lead.phone.as_deref(), None).await?;
            let lead = storage::crm::leads::insert(conn, actor, &new_lead).await.map_err(|e| LEADS.problem(e))?;
            let lead = ctx.audit.by(actor).created(conn, lead).await?;
            ctx.audit.by(actor).notify(conn, rules::lead_written(None, &lead)).await?;
            Ok(lead)
        })
        .await?;
    Ok(created(format!("/api/leads/{}", lead.id), &lead))
}

/// One lead the caller may see.
#[utoipa::path(tag = "leads", responses(Found<Lead>, CrmErrors<LeadsRead>, PathIdErrors))]
#[get("/leads/{id}")]
async fn get_lead(ctx: Ctx, access: Crm<LeadsRead>, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let visibility = access.scope;
    let mut conn = ctx.conn().await?;
    let lead = visible_lead(&mut conn, &visibility, *id).await?;
    Ok(HttpResponse::Ok().json(lead))
}

fn stage_activity(lead_id: Uuid, actor: i32, from: LeadStage, to: LeadStage, subject: String) -> NewLeadActivity {
    NewLeadActivity {
        lead_id,
        user_id: Some(actor),
        activity_type: LeadActivityType::StageChange,
        subject: Some(subject),
        description: None,
        metadata: Some(json!({"from": from.as_str(), "to": to.as_str()})),
    }
}

/// Updates a lead; absent fields stay as they are, `null` clears optional ones. A new
/// `stage` records a `stage_change` activity in the same transaction.
#[utoipa::path(
    tag = "leads",
    request_body = UpdateLeadRequest,
    responses(
        Updated<Lead>,
        CrmErrors<LeadsWrite>, PathIdErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such assignee/client", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks canManageLeads, or reassigns while limited to own assignments", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another lead has this email or phone number", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/leads/{id}")]
async fn update_lead(
    ctx: Ctx,
    access: Crm<LeadsWrite>,
    id: web::Path<Uuid>,
    ValidJson(mut changes): ValidJson<UpdateLeadRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    changes.assigned_to_id = visibility.reassign(changes.assigned_to_id)?;
    let id = *id;
    let actor = principal.id();
    let clients = client_rows(&principal);
    let lead = ctx
        .transaction(async |conn| {
            let current = storage::crm::leads::find_for_update(conn, visibility.rows, id)
                .await?
                .found(format_args!("Lead {id}"))?;
            // Re-sending the lead's own client is no new reference.
            if let Some(Some(client)) = changes.client_id.filter(|client| *client != current.client_id) {
                ensure_visible_client(conn, clients, client).await?;
            }
            let email = changes.email.clone().flatten();
            let phone = changes.phone.clone().flatten();
            ensure_unique(conn, email.as_deref(), phone.as_deref(), Some(id)).await?;
            let from = current.stage;
            let before = current;
            let updated = storage::crm::leads::update(conn, id, &changes).await.map_err(|e| LEADS.problem(e))?;
            if updated.stage != from {
                let activity = stage_activity(id, actor, from, updated.stage, stage_change_text(from, updated.stage));
                storage::crm::leads::insert_activity(conn, &activity).await?;
            }
            let updated = ctx.audit.by(actor).updated(conn, &before, updated).await?;
            ctx.audit.by(actor).notify(conn, rules::lead_written(Some(&before), &updated)).await?;
            Ok(updated)
        })
        .await?;
    Ok(HttpResponse::Ok().json(lead))
}

/// Deletes a lead and its activities.
#[utoipa::path(
    tag = "leads",
    responses(
        Deleted,
        CrmErrors<LeadsWrite>, PathIdErrors,
        (status = 409, description = "Other records still refer to the lead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/leads/{id}")]
async fn delete_lead(ctx: Ctx, access: Crm<LeadsWrite>, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let id = *id;
    let actor = principal.id();
    ctx.transaction(async |conn| {
        let before = visible_lead(conn, &visibility, id).await?;
        storage::crm::leads::delete(conn, id).await.map_err(|e| LEADS.problem(e))?;
        ctx.audit.by(actor).deleted(conn, &before).await?;
        Ok(())
    })
    .await?;
    Ok(no_content())
}

/// A lead's activity timeline, newest first.
#[utoipa::path(
    tag = "leads",
    params(("leadId" = Uuid, Path, description = "Lead id"), PageParams),
    responses(ListPage<LeadActivity>, CrmErrors<LeadsRead>, PathIdErrors, QueryErrors)
)]
#[get("/leads/{leadId}/activities")]
async fn list_activities(
    ctx: Ctx,
    access: Crm<LeadsRead>,
    lead_id: web::Path<Uuid>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let visibility = access.scope;
    let mut conn = ctx.conn().await?;
    visible_lead(&mut conn, &visibility, *lead_id).await?;
    Ok(paging.respond(storage::crm::leads::list_activities(&mut conn, *lead_id, paging.page()).await?))
}

/// Logs a call, email, SMS, meeting or note on a lead.
#[utoipa::path(
    tag = "leads",
    params(("leadId" = Uuid, Path, description = "Lead id")),
    request_body = CreateLeadActivityRequest,
    responses(
        (status = 201, description = "Logged", body = LeadActivity),
        CrmErrors<LeadsWrite>, PathIdErrors, JsonBodyErrors,
    )
)]
#[post("/leads/{leadId}/activities")]
async fn create_activity(
    ctx: Ctx,
    access: Crm<LeadsWrite>,
    lead_id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateLeadActivityRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let lead_id = *lead_id;
    let actor = principal.id();
    let activity = ctx
        .transaction(async |conn| {
            let lead = visible_lead(conn, &visibility, lead_id).await?;
            let kind = LeadActivityType::from(body.activity_type);
            let new_activity = NewLeadActivity {
                lead_id,
                user_id: Some(actor),
                activity_type: kind,
                subject: body.subject,
                description: body.description,
                metadata: None,
            };
            let activity = storage::crm::leads::insert_activity(conn, &new_activity).await?;
            ctx.audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "lead.activity.create",
                        Subject::bare("lead", lead_id),
                        format!("Logged a {} on lead {}", kind.as_str(), lead.name),
                    )
                    .after(&activity),
                )
                .await?;
            Ok(activity)
        })
        .await?;
    Ok(HttpResponse::Created().json(activity))
}

/// Converts a lead into a client in one transaction: creates the client from the
/// lead's contact details, links it (`convertedClientId`, stage `closed_won`) and logs
/// the change on the lead's timeline. Idempotent: converting again returns the same
/// client with 200.
#[utoipa::path(
    tag = "leads",
    responses(
        (status = 201, description = "Converted; the new client", body = Client, headers(("Location" = String, description = "The client's URL"))),
        (status = 200, description = "Already converted; the client it became", body = Client),
        CrmErrors<LeadsWrite>, PathIdErrors,
        (status = 403, description = "Lacks canManageLeads or canManageClients with write access", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads/{id}/convert")]
async fn convert_lead(ctx: Ctx, access: Crm<LeadsWrite>, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    writable(&principal, client_visibility, Permission::ManageClients)?;
    let id = *id;
    let actor = principal.id();
    let (client, is_new) = ctx
        .transaction(async |conn| {
            let lead = storage::crm::leads::find_for_update(conn, visibility.rows, id)
                .await?
                .found(format_args!("Lead {id}"))?;
            if let Some(existing) = lead.converted_client_id {
                if let Some(client) = storage::crm::clients::find(conn, Rows::All, existing).await? {
                    return Ok((client, false));
                }
            }
            let new_client = CreateClientRequest {
                name: lead.company.clone().filter(|c| !c.trim().is_empty()).unwrap_or_else(|| lead.name.clone()),
                email: lead.email.clone(),
                phone: lead.phone.clone(),
                company: lead.company.clone(),
                website: lead.website.clone(),
                logo_url: None,
                service_tags: Some(lead.tags.clone()),
                status: Some(ClientStatus::Active),
                assigned_to_id: lead.assigned_to_id,
                notes: lead.notes.clone(),
                social_links: Some(lead.social_links.clone()),
                display_order: Some(0),
            };
            let client = storage::crm::clients::insert(conn, &new_client, None).await?;
            let from = lead.stage;
            let updated = storage::crm::leads::convert(conn, id, client.id, lead.client_id.is_none()).await?;
            let before = lead;
            let mut activity =
                stage_activity(id, actor, from, LeadStage::ClosedWon, format!("Converted to client {}", client.name));
            activity.metadata =
                Some(json!({"from": from.as_str(), "to": LeadStage::ClosedWon.as_str(), "clientId": client.id}));
            storage::crm::leads::insert_activity(conn, &activity).await?;
            ctx.audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "client.create",
                        Subject::of(&client),
                        format!("Created client {} from lead {}", client.name, updated.name),
                    )
                    .after(&client),
                )
                .await?;
            ctx.audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "lead.convert",
                        Subject::of(&updated),
                        format!("Converted lead {} to client {}", updated.name, client.name),
                    )
                    .before(&before)
                    .after(&updated),
                )
                .await?;
            ctx.audit.by(actor).notify(conn, [rules::lead_converted(&updated, &client)]).await?;
            Ok((client, true))
        })
        .await?;
    if is_new {
        Ok(created(format!("/api/clients/{}", client.id), &client))
    } else {
        Ok(HttpResponse::Ok().json(client))
    }
}
