//! Campaigns. Guarded by `canManageCampaigns` (view-only scope: reads only), and
//! client-portal users may read their own client's campaigns. Records outside the
//! caller's scope answer 404.

use crate::auth::scope::{CampaignsRead, CampaignsWrite, Crm};
use crate::error::{AppError, AppResult};
use crate::http::audit::AuditContext;
use crate::http::constraints::{CAMPAIGNS, NO_SUCH_CLIENT};
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::PaginationOptions;
use crate::state::AppState;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use diesel_async::AsyncConnection;
use domain::crm::campaigns::{dates_in_order, Campaign, CampaignFilter, CreateCampaignRequest, UpdateCampaignRequest};
use domain::pagination::{CursorParams, PageParams};
use domain::visibility::Visibility;
use domain::Problem;
use storage::crm::campaigns::CampaignKey;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_campaigns)
        .service(create_campaign)
        .service(get_campaign)
        .service(update_campaign)
        .service(delete_campaign);
}

async fn visible_campaign(
    conn: &mut storage::AsyncPgConnection,
    visibility: &Visibility,
    id: Uuid,
) -> AppResult<Campaign> {
    storage::crm::campaigns::find(conn, visibility.rows, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Campaign {id}")))
}

/// Lists the campaigns the caller may see.
#[utoipa::path(
    tag = "campaigns",
    params(CampaignFilter, PageParams, CursorParams),
    responses(
        crate::http::responses::CursorListPage<Campaign>, crate::http::responses::CrmErrors<CampaignsRead>,
    )
)]
#[get("/campaigns")]
async fn list_campaigns(
    state: web::Data<AppState>,
    access: Crm<CampaignsRead>,
    req: HttpRequest,
    ValidQuery(filter): ValidQuery<CampaignFilter>,
    ValidQuery(page): ValidQuery<PageParams>,
    ValidQuery(cursor): ValidQuery<CursorParams>,
) -> AppResult<HttpResponse> {
    let mut list = PaginationOptions::<CampaignKey>::new(&req, &page, &cursor, filter.sort.unwrap_or_default())?;
    let mut conn = state.conn().await?;
    let (rows, total) =
        storage::crm::campaigns::list(&mut conn, access.scope.rows, &filter, list.page, list.take_after()).await?;
    Ok(list.paginated(rows, total).respond(&req))
}

/// Creates a campaign for a client (status `planning` unless given); `endDate` may not be
/// before `startDate` (400 on `endDate`).
#[utoipa::path(
    tag = "campaigns",
    request_body = CreateCampaignRequest,
    responses(
        (status = 201, description = "Created", body = Campaign, headers(("Location" = String, description = "The new campaign's URL"))),
        crate::http::responses::CrmErrors<CampaignsWrite>, crate::http::responses::JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns")]
async fn create_campaign(
    state: web::Data<AppState>,
    access: Crm<CampaignsWrite>,
    audit: AuditContext,
    ValidJson(body): ValidJson<CreateCampaignRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let actor = principal.id();
    let mut conn = state.conn().await?;
    let campaign = conn
        .transaction::<_, AppError, _>(async |conn| {
            // The client must exist within the caller's reach (campaign rows follow clients).
            if storage::crm::clients::find(conn, visibility.rows, body.client_id).await?.is_none() {
                return Err(NO_SUCH_CLIENT.problem());
            }
            let campaign = storage::crm::campaigns::insert(conn, &body).await.map_err(|e| CAMPAIGNS.problem(e))?;
            audit.by(actor).created(conn, &campaign).await?;
            Ok(campaign)
        })
        .await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/campaigns/{}", campaign.id))).json(campaign))
}

/// One campaign the caller may see.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign", body = Campaign),
        crate::http::responses::CrmErrors<CampaignsRead>, crate::http::responses::PathIdErrors,
    )
)]
#[get("/campaigns/{id}")]
async fn get_campaign(
    state: web::Data<AppState>,
    access: Crm<CampaignsRead>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let visibility = access.scope;
    let mut conn = state.conn().await?;
    let campaign = visible_campaign(&mut conn, &visibility, *id).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Updates a campaign; absent fields stay as they are, `null` clears optional ones. The
/// resulting `endDate` may not be before the resulting `startDate` (400 on `endDate`).
#[utoipa::path(
    tag = "campaigns",
    params(("id" = Uuid, Path, description = "Campaign id")),
    request_body = UpdateCampaignRequest,
    responses(
        (status = 200, description = "The updated campaign", body = Campaign),
        crate::http::responses::CrmErrors<CampaignsWrite>, crate::http::responses::PathIdErrors, crate::http::responses::JsonBodyErrors,
    )
)]
#[patch("/campaigns/{id}")]
async fn update_campaign(
    state: web::Data<AppState>,
    access: Crm<CampaignsWrite>,
    audit: AuditContext,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateCampaignRequest>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let id = *id;
    let actor = principal.id();
    let mut conn = state.conn().await?;
    let campaign = conn
        .transaction::<_, AppError, _>(async |conn| {
            let before = visible_campaign(conn, &visibility, id).await?;
            let start = body.start_date.unwrap_or(before.start_date);
            let end = body.end_date.unwrap_or(before.end_date);
            dates_in_order(start, end).map_err(|error| {
                let mut errors = validator::ValidationErrors::new();
                errors.add("end_date", error);
                AppError::from(errors)
            })?;
            let updated = storage::crm::campaigns::update(conn, id, &body).await?;
            audit.by(actor).updated(conn, &before, &updated).await?;
            Ok(updated)
        })
        .await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Deletes a campaign.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 204, description = "Deleted"),
        crate::http::responses::CrmErrors<CampaignsWrite>, crate::http::responses::PathIdErrors,
        (status = 409, description = "Other records still refer to the campaign", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/campaigns/{id}")]
async fn delete_campaign(
    state: web::Data<AppState>,
    access: Crm<CampaignsWrite>,
    audit: AuditContext,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let (principal, visibility) = (access.principal, access.scope);
    let id = *id;
    let actor = principal.id();
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let before = visible_campaign(conn, &visibility, id).await?;
        storage::crm::campaigns::delete(conn, id).await.map_err(|e| CAMPAIGNS.problem(e))?;
        audit.by(actor).deleted(conn, &before).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
