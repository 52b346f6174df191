//! Users admin: list, read, create, update, set role, deactivate. Requires
//! `canManageUsers`; nobody can grant permissions beyond their own, and the last active
//! admin can be neither demoted nor deactivated.

use crate::auth::{emails, passwords, perm, Authorized, Principal, StaffOnly};
use crate::error::OrNotFound;
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::constraints::USERS;
use crate::http::ctx::Ctx;
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::Paging;
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, Found, JsonBodyErrors, ListPage, PathIdErrors, PermissionErrors, QueryErrors, StaffErrors, Updated,
};
use crate::state::AppState;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use diesel_async::AsyncConnection;
use domain::identity::permissions::Access;
use domain::identity::users::{
    CreateUserRequest, DirectoryEntry, DirectoryFilter, SetRoleRequest, UpdateUserRequest, User, UserFilter,
};
use domain::pagination::PageParams;
use domain::{ErrorCode, Problem, Role};
use storage::identity::users::{NewUser, UserChanges};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    // Before `/users/{id}`, which would take `directory` for an id.
    cfg.service(directory)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(set_role)
        .service(deactivate_user);
}

fn ensure_can_grant(actor: &Principal, access: &Access) -> AppResult<()> {
    if actor.access.covers(access) {
        Ok(())
    } else {
        Err(AppError::forbidden("You cannot give a user permissions you do not hold yourself"))
    }
}

/// Lists users, newest first; `X-Total-Count` and `Link` headers describe the pages.
#[utoipa::path(
    tag = "users",
    params(UserFilter, PageParams),
    responses(ListPage<User>, PermissionErrors<perm::ManageUsers>, QueryErrors)
)]
#[get("/users")]
async fn list_users(
    ctx: Ctx,
    _auth: Authorized<perm::ManageUsers>,
    ValidQuery(filter): ValidQuery<UserFilter>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::identity::users::list(&mut conn, &filter, paging.page()).await?))
}

/// The people every staff-side user may see by name (owners, assignees, pickers), sorted by
/// name: id, username, names, role and picture, never e-mail or permissions.
/// Client-portal users are refused.
#[utoipa::path(
    tag = "users",
    params(DirectoryFilter, PageParams),
    responses(ListPage<DirectoryEntry>, StaffErrors, QueryErrors)
)]
#[get("/users/directory")]
async fn directory(
    ctx: Ctx,
    _staff: StaffOnly,
    ValidQuery(filter): ValidQuery<DirectoryFilter>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::identity::users::directory(&mut conn, &filter, paging.page()).await?))
}

/// Creates a user (default role `staff`).
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        Created<User>,
        PermissionErrors<perm::ManageUsers>, JsonBodyErrors,
        (status = 403, description = "Lacks canManageUsers, or grants more than the caller holds", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username or email taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create_user(
    ctx: Ctx,
    auth: Authorized<perm::ManageUsers>,
    ValidJson(body): ValidJson<CreateUserRequest>,
) -> AppResult<HttpResponse> {
    let role = body.role.unwrap_or(Role::Staff);
    let overrides = body.custom_permissions.unwrap_or_default();
    ensure_can_grant(&auth.principal, &Access::new(role, overrides))?;
    let new_user = NewUser {
        username: body.username,
        password: passwords::hash(&body.password).await?,
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
        role,
        client_id: body.client_id,
        creator_id: body.creator_id,
        custom_permissions: overrides,
    };
    let actor = auth.principal.id();
    let user = ctx
        .transaction(async |conn| {
            let user =
                storage::identity::users::insert(conn, &new_user).await.map_err(|e| USERS.problem(e))?.user.clone();
            ctx.audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "user.create",
                        Subject::bare("user", user.id),
                        format!("Created user {} ({})", user.username, user.role),
                    )
                    .after(&user),
                )
                .await?;
            if let Some(welcome) = emails::welcome(&ctx.config, &user, true)? {
                crate::mail::queue(conn, &welcome).await?;
            }
            Ok(user)
        })
        .await?;
    Ok(created(format!("/api/users/{}", user.id), &user))
}

/// One user.
#[utoipa::path(
    tag = "users",
    params(("id" = i32, Path, description = "User id")),
    responses(Found<User>, PermissionErrors<perm::ManageUsers>, PathIdErrors)
)]
#[get("/users/{id}")]
async fn get_user(ctx: Ctx, _auth: Authorized<perm::ManageUsers>, id: web::Path<i32>) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let user = storage::identity::users::find(&mut conn, *id).await?.found(format_args!("User {id}"))?;
    Ok(HttpResponse::Ok().json(user.user.clone()))
}

/// Applies a validated patch to user `id` in one transaction: permission and last-admin
/// checks, the update, session revocation when access shrinks, and the audit row.
async fn apply_update(
    state: &AppState,
    actor: &Principal,
    audit: &AuditContext,
    id: i32,
    patch: UpdateUserRequest,
    activity_type: &str,
) -> AppResult<User> {
    let password = match &patch.password {
        Some(password) => Some(passwords::hash(password).await?),
        None => None,
    };
    let mut conn = state.conn().await?;
    let user = conn
        .transaction::<_, AppError, _>(async |conn| {
            let current = storage::identity::users::find(conn, id)
                .await?
                .ok_or_else(|| AppError::not_found(format!("User {id}")))?;
            let new_role = patch.role.unwrap_or(current.role);
            let new_overrides = patch.custom_permissions.unwrap_or(current.custom_permissions);
            let new_active = patch.is_active.unwrap_or(current.is_active);
            ensure_can_grant(actor, &Access::new(current.role, current.custom_permissions))?;
            ensure_can_grant(actor, &Access::new(new_role, new_overrides))?;

            // Revoking a flag from a full admin counts as demotion too: on the last admin it
            // could never be undone, since nobody would hold that flag to grant it back.
            let full = Access::new(Role::Admin, Default::default());
            let narrowed = Access::new(current.role, current.custom_permissions).covers(&full)
                && !Access::new(new_role, new_overrides).covers(&full);
            let loses_admin = current.role == Role::Admin
                && current.is_active
                && (new_role != Role::Admin || !new_active || narrowed);
            if loses_admin && storage::identity::users::lock_active_admins(conn).await? == [id] {
                return Err(AppError::new(
                    ErrorCode::LastAdmin,
                    "This is the last active admin; make another user admin first",
                ));
            }

            let changes = UserChanges {
                username: patch.username,
                password,
                email: patch.email,
                first_name: patch.first_name,
                last_name: patch.last_name,
                role: patch.role,
                client_id: patch.client_id,
                creator_id: patch.creator_id,
                custom_permissions: patch.custom_permissions,
                is_active: patch.is_active,
                ..Default::default()
            };
            if changes == UserChanges::default() {
                return Ok(current.user.clone());
            }
            let updated = storage::identity::users::update(conn, id, &changes).await.map_err(|e| USERS.problem(e))?;
            let access_shrank =
                !Access::new(new_role, new_overrides).covers(&Access::new(current.role, current.custom_permissions));
            if !new_active || changes.password.is_some() || access_shrank {
                storage::identity::refresh_tokens::revoke_all_for_user(conn, id).await?;
            }
            audit
                .by(actor.id())
                .record(
                    conn,
                    Entry::new(
                        activity_type,
                        Subject::of(&updated.user.clone()),
                        format!("Updated user {}", updated.username),
                    )
                    .before(&current.user.clone())
                    .after(&updated.user.clone()),
                )
                .await?;
            Ok(updated.user.clone())
        })
        .await?;
    Ok(user)
}

/// Updates a user; absent fields stay as they are, `null` clears optional ones.
#[utoipa::path(
    tag = "users",
    params(("id" = i32, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        Updated<User>,
        PermissionErrors<perm::ManageUsers>, PathIdErrors, JsonBodyErrors,
        (status = 403, description = "Lacks canManageUsers, or grants more than the caller holds", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username/email taken, or the last admin would be lost", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
async fn update_user(
    ctx: Ctx,
    auth: Authorized<perm::ManageUsers>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateUserRequest>,
) -> AppResult<HttpResponse> {
    let user = apply_update(&ctx, &auth.principal, &ctx.audit, *id, body, "user.update").await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Sets a user's role.
#[utoipa::path(
    tag = "users",
    params(("id" = i32, Path, description = "User id")),
    request_body = SetRoleRequest,
    responses(
        Updated<User>,
        PermissionErrors<perm::ManageUsers>, PathIdErrors, JsonBodyErrors,
        (status = 403, description = "Lacks canManageUsers, or grants more than the caller holds", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin would be lost", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}/role")]
async fn set_role(
    ctx: Ctx,
    auth: Authorized<perm::ManageUsers>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<SetRoleRequest>,
) -> AppResult<HttpResponse> {
    let patch = UpdateUserRequest { role: Some(body.role), ..Default::default() };
    let user = apply_update(&ctx, &auth.principal, &ctx.audit, *id, patch, "user.role_change").await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Deactivates a user (history is kept) and signs out their sessions. Reactivate with
/// `PATCH /api/users/{id}` and `{"isActive": true}`.
#[utoipa::path(
    tag = "users",
    params(("id" = i32, Path, description = "User id")),
    responses(
        (status = 204, description = "Deactivated"),
        PermissionErrors<perm::ManageUsers>, PathIdErrors,
        (status = 403, description = "Lacks canManageUsers, or the user holds more than the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin would be lost", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/users/{id}")]
async fn deactivate_user(ctx: Ctx, auth: Authorized<perm::ManageUsers>, id: web::Path<i32>) -> AppResult<HttpResponse> {
    let patch = UpdateUserRequest { is_active: Some(false), ..Default::default() };
    apply_update(&ctx, &auth.principal, &ctx.audit, *id, patch, "user.deactivate").await?;
    Ok(no_content())
}
