//! Identity endpoints: signing in and out, the caller's profile, users and API keys.

pub mod auth {
    use crate::api::{get, patch, post, request, ApiResult};
    use domain::identity::auth::{
        AuthSession, ChangePasswordRequest, ConfirmTokenRequest, ForgotPasswordRequest, LoginRequest, MessageResponse,
        ResetPasswordRequest,
    };
    use domain::identity::users::{CurrentUser, UpdateProfileRequest};
    use gloo_net::http::Method;
    use std::future::Future;

    pub fn login(body: &LoginRequest) -> impl Future<Output = ApiResult<AuthSession>> {
        post("/api/login".into(), body)
    }

    pub async fn logout() -> ApiResult<()> {
        request(Method::POST, "/api/logout", None).await.map(|_| ())
    }

    /// The signed-in user, `None` without a session.
    pub fn current_user() -> impl Future<Output = ApiResult<Option<CurrentUser>>> {
        get("/api/user".into())
    }

    pub fn forgot_password(body: &ForgotPasswordRequest) -> impl Future<Output = ApiResult<MessageResponse>> {
        post("/api/auth/forgot-password".into(), body)
    }

    pub fn reset_password(body: &ResetPasswordRequest) -> impl Future<Output = ApiResult<MessageResponse>> {
        post("/api/auth/reset-password".into(), body)
    }

    /// Finishes a sign-up from its emailed link; the answer signs the new user in.
    pub fn confirm_signup(body: &ConfirmTokenRequest) -> impl Future<Output = ApiResult<AuthSession>> {
        post("/api/register/confirm".into(), body)
    }

    pub fn confirm_email(body: &ConfirmTokenRequest) -> impl Future<Output = ApiResult<MessageResponse>> {
        post("/api/user/email/confirm".into(), body)
    }

    pub fn update_profile(body: &UpdateProfileRequest) -> impl Future<Output = ApiResult<CurrentUser>> {
        patch("/api/user/profile".into(), body)
    }

    /// Signs the other sessions out; the answer is this session, renewed.
    pub fn change_password(body: &ChangePasswordRequest) -> impl Future<Output = ApiResult<AuthSession>> {
        post("/api/user/password".into(), body)
    }
}

pub mod users {
    use crate::api::{delete, get_page, list_path, patch, post, ApiResult, Paged};
    use domain::identity::users::{
        CreateUserRequest, DirectoryEntry, DirectoryFilter, UpdateUserRequest, User, UserFilter,
    };
    use domain::pagination::PageParams;
    use std::future::Future;

    pub fn list(filter: &UserFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<User>>> {
        get_page(list_path("/api/users", filter, page))
    }

    /// Names and roles of everyone, for every staff-side user (no addresses).
    pub fn directory(
        filter: &DirectoryFilter,
        page: PageParams,
    ) -> impl Future<Output = ApiResult<Paged<DirectoryEntry>>> {
        get_page(list_path("/api/users/directory", filter, page))
    }

    pub fn create(body: &CreateUserRequest) -> impl Future<Output = ApiResult<User>> {
        post("/api/users".into(), body)
    }

    pub fn update(id: i32, body: &UpdateUserRequest) -> impl Future<Output = ApiResult<User>> {
        patch(format!("/api/users/{id}"), body)
    }

    /// Signs the user out everywhere and keeps them from signing in; their history stays.
    pub fn deactivate(id: i32) -> impl Future<Output = ApiResult<()>> {
        delete(format!("/api/users/{id}"))
    }
}

pub mod api_keys {
    use crate::api::{delete, get_page, list_path, post, ApiResult, Paged};
    use domain::identity::api_keys::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
    use domain::pagination::PageParams;
    use std::future::Future;
    use uuid::Uuid;

    pub fn list(page: PageParams) -> impl Future<Output = ApiResult<Paged<ApiKey>>> {
        get_page(list_path("/api/api-keys", &(), page))
    }

    /// The answer carries the key itself, which is never shown again.
    pub fn create(body: &CreateApiKeyRequest) -> impl Future<Output = ApiResult<CreatedApiKey>> {
        post("/api/api-keys".into(), body)
    }

    pub fn revoke(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        delete(format!("/api/api-keys/{id}"))
    }
}
