//! The guard extractors: an authenticated caller that a [`Rule`] admits, with what the
//! rule granted. One extractor, [`Guard<R>`], serves every rule, so a guard is a rule
//! type and nothing else; a handler names it in its signature (`StaffOnly`,
//! `Authorized<perm::ManageUsers>`, `SignedIn`, `Crm<LeadsWrite>` from `auth::scope`)
//! and lists its problems in `#[utoipa::path]` as `http::responses::GuardErrors<R>` (or
//! the aliases there). As extractors, guards run before the body is parsed, so a refusal
//! is a 401/403 whatever the body.

use crate::auth::extract::{AuthMethod, Principal};
use crate::error::{AppError, AppResult};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use domain::{ErrorCode, Permission};
use futures_util::future::LocalBoxFuture;
use std::marker::PhantomData;

/// Who a guard lets through, and what it hands the handler besides the caller.
pub trait Rule: 'static {
    /// What the rule grants: the rows a CRM rule lets the caller see, else `()`.
    type Scope;
    /// The grant, or the refusal (a 403 problem).
    fn admit(principal: &Principal) -> AppResult<Self::Scope>;
    /// How the OpenAPI document describes the refusal (its 403 response).
    fn refusal() -> String;
}

/// An authenticated caller that rule `R` admits, and what it granted.
pub struct Guard<R: Rule> {
    pub principal: Principal,
    pub scope: R::Scope,
}

impl<R: Rule> Guard<R> {
    /// The caller's user id: who the audit rows of their writes name.
    pub fn actor(&self) -> i32 {
        self.principal.id()
    }
}

impl<R: Rule> FromRequest for Guard<R> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            let scope = R::admit(&principal)?;
            Ok(Guard { principal, scope })
        })
    }
}

/// A person signed in with their password (bearer token or session cookie): API keys
/// get 403 `API_KEY_NOT_ALLOWED`. Guards what must never be delegated to a key: the
/// owner's credentials and new keys (which would outlive the key's own revocation).
pub struct Session;

impl Rule for Session {
    type Scope = ();

    fn admit(principal: &Principal) -> AppResult<()> {
        match principal.method {
            AuthMethod::ApiKey { .. } => Err(AppError::new(
                ErrorCode::ApiKeyNotAllowed,
                "This action needs a signed-in user (bearer token or session); an API key cannot do it",
            )),
            AuthMethod::Bearer | AuthMethod::Cookie => Ok(()),
        }
    }

    fn refusal() -> String {
        "`API_KEY_NOT_ALLOWED`: called with an API key".to_owned()
    }
}

pub type SignedIn = Guard<Session>;

/// A staff-side caller: client-portal roles (`client`, `prospective_client`) get 403.
/// Guards the task and calendar routes (`domain::work::tasks::may_use_tasks`).
pub struct Staff;

impl Rule for Staff {
    type Scope = ();

    fn admit(principal: &Principal) -> AppResult<()> {
        if domain::work::tasks::may_use_tasks(principal.access.role) {
            Ok(())
        } else {
            Err(AppError::forbidden("This action is for staff accounts; client-portal accounts cannot use it"))
        }
    }

    fn refusal() -> String {
        "A client-portal account".to_owned()
    }
}

pub type StaffOnly = Guard<Staff>;

/// A permission a route requires, as a type so the guard sits in the handler signature.
pub trait RequiredPermission: 'static {
    const PERMISSION: Permission;
}

/// Marker types for `Authorized<P>`, one per permission flag.
pub mod perm {
    use crate::auth::guard::RequiredPermission;
    use domain::Permission;

    macro_rules! markers {
        ($($name:ident),* $(,)?) => {$(
            pub struct $name;
            impl RequiredPermission for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }

    markers!(
        ManageUsers,
        ManageClients,
        ManageCampaigns,
        ManageLeads,
        ManageContent,
        ManageInvoices,
        ManageTickets,
        ViewReports,
        ManageSettings
    );
}

/// The 403 of a caller lacking `permission`.
pub fn lacks(permission: Permission) -> AppError {
    AppError::forbidden(format!("This action requires the {} permission", permission.as_str()))
}

/// The caller must hold permission `P` (in any scope).
pub struct Holds<P>(PhantomData<P>);

impl<P: RequiredPermission> Rule for Holds<P> {
    type Scope = ();

    fn admit(principal: &Principal) -> AppResult<()> {
        if principal.access.has(P::PERMISSION) {
            Ok(())
        } else {
            Err(lacks(P::PERMISSION))
        }
    }

    fn refusal() -> String {
        format!("Lacks {}", P::PERMISSION.as_str())
    }
}

pub type Authorized<P> = Guard<Holds<P>>;
