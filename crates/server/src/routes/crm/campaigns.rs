//! Campaigns. Guarded by `canManageCampaigns` (view-only scope: reads only), and
//! client-portal users may read their own client's campaigns. Records outside the
//! caller's scope answer 404.

use crate::auth::scope::{CampaignsRead, CampaignsWrite, Crm};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::http::constraints::{CAMPAIGNS, NO_SUCH_CLIENT};
use crate::http::ctx::Ctx;
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::CursorPaging;
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, CrmErrors, CursorListPage, Deleted, Found, JsonBodyErrors, PathIdErrors, Updated,
};
use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::crm::campaigns::{dates_in_order, Campaign, CampaignFilter, CreateCampaignRequest, UpdateCampaignRequest};
use domain::pagination::{CursorParams, PageParams};
use domain::visibility::Visibility;
use domain::Problem;
use storage::crm::campaigns::CampaignKey;
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_campaigns)
        .service(create_campaign)
        .service(get_campaign)
        .service(update_campaign)
        .service(delete_campaign);
}

async fn visible_campaign(conn: &mut AsyncPgConnection, visibility: &Visibility, id: Uuid) -> AppResult<Campaign> {
    storage::crm::campaigns::find(conn, visibility.rows, id).await?.found(format_args!("Campaign {id}"))
}

/// Lists the campaigns the caller may see.
#[utoipa::path(
    tag = "campaigns",
    params(CampaignFilter, PageParams, CursorParams),
    responses(CursorListPage<Campaign>, CrmErrors<CampaignsRead>)
)]
#[get("/campaigns")]
async fn list_campaigns(
    ctx: Ctx,
    access: Crm<CampaignsRead>,
    ValidQuery(filter): ValidQuery<CampaignFilter>,
    paging: CursorPaging,
) -> AppResult<HttpResponse> {
    let list = paging.options::<CampaignKey>(filter.sort.unwrap_or_default())?;
    let mut conn = ctx.conn().await?;
    let found = storage::crm::campaigns::list(&mut conn, access.scope.rows, &filter, list.page, list.after()).await?;
    Ok(list.respond(found))
}

/// Creates a campaign for a client (status `planning` unless given); `endDate` may not be
/// before `startDate` (400 on `endDate`).
#[utoipa::path(
    tag = "campaigns",
    request_body = CreateCampaignRequest,
    responses(
        Created<Campaign>,
        CrmErrors<CampaignsWrite>, JsonBodyErrors,
        (status = 400, description = "Invalid input, or no such client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/campaigns")]
async fn create_campaign(
    ctx: Ctx,
    access: Crm<CampaignsWrite>,
    ValidJson(body): ValidJson<CreateCampaignRequest>,
) -> AppResult<HttpResponse> {
    let campaign = ctx
        .transaction(async |conn| {
            // The client must exist within the caller's reach (campaign rows follow clients).
            if storage::crm::clients::find(conn, access.scope.rows, body.client_id).await?.is_none() {
                return Err(NO_SUCH_CLIENT.problem());
            }
            let campaign = storage::crm::campaigns::insert(conn, &body).await.map_err(|e| CAMPAIGNS.problem(e))?;
            ctx.audit.by(access.actor()).created(conn, campaign).await
        })
        .await?;
    Ok(created(format!("/api/campaigns/{}", campaign.id), &campaign))
}

/// One campaign the caller may see.
#[utoipa::path(tag = "campaigns", responses(Found<Campaign>, CrmErrors<CampaignsRead>, PathIdErrors))]
#[get("/campaigns/{id}")]
async fn get_campaign(ctx: Ctx, access: Crm<CampaignsRead>, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let campaign = visible_campaign(&mut *ctx.conn().await?, &access.scope, *id).await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Updates a campaign; absent fields stay as they are, `null` clears optional ones. The
/// resulting `endDate` may not be before the resulting `startDate` (400 on `endDate`).
#[utoipa::path(
    tag = "campaigns",
    request_body = UpdateCampaignRequest,
    responses(Updated<Campaign>, CrmErrors<CampaignsWrite>, PathIdErrors, JsonBodyErrors)
)]
#[patch("/campaigns/{id}")]
async fn update_campaign(
    ctx: Ctx,
    access: Crm<CampaignsWrite>,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateCampaignRequest>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let campaign = ctx
        .transaction(async |conn| {
            let before = visible_campaign(conn, &access.scope, id).await?;
            let start = body.start_date.unwrap_or(before.start_date);
            let end = body.end_date.unwrap_or(before.end_date);
            dates_in_order(start, end).map_err(|error| {
                let mut errors = validator::ValidationErrors::new();
                errors.add("end_date", error);
                AppError::from(errors)
            })?;
            let updated = storage::crm::campaigns::update(conn, id, &body).await?;
            ctx.audit.by(access.actor()).updated(conn, &before, updated).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(campaign))
}

/// Deletes a campaign.
#[utoipa::path(
    tag = "campaigns",
    responses(
        Deleted,
        CrmErrors<CampaignsWrite>, PathIdErrors,
        (status = 409, description = "Other records still refer to the campaign", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/campaigns/{id}")]
async fn delete_campaign(ctx: Ctx, access: Crm<CampaignsWrite>, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    ctx.transaction(async |conn| {
        let before = visible_campaign(conn, &access.scope, id).await?;
        storage::crm::campaigns::delete(conn, id).await.map_err(|e| CAMPAIGNS.problem(e))?;
        ctx.audit.by(access.actor()).deleted(conn, &before).await
    })
    .await?;
    Ok(no_content())
}
