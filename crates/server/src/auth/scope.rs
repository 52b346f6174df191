//! Row-scoped guards for the CRM: `Crm<R>` admits a caller by the scope rule of a
//! resource (`domain::visibility`) and hands the handler their `Visibility`, which every
//! storage query applies as `Rows`. A new scoped resource adds a line to `crm_rules!`.

use crate::auth::extract::Principal;
use crate::auth::guard::{lacks, Guard, Rule};
use crate::error::{AppError, AppResult};
use domain::identity::permissions::{Access, PermissionOverrides};
use domain::visibility::{Caller, Visibility};
use domain::{Permission, Role};
use std::marker::PhantomData;

/// A CRM guard: which scope rule, which permission it names, and whether it writes.
pub trait CrmRule: 'static {
    const PERMISSION: Permission;
    const WRITE: bool;
    fn rule(caller: &Caller<'_>) -> Option<Visibility>;
}

macro_rules! crm_rules {
    ($($name:ident => ($rule:path, $permission:ident, $write:expr)),* $(,)?) => {$(
        pub struct $name;
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
    ClientsRead => (domain::visibility::client_visibility, ManageClients, false),
    ClientsWrite => (domain::visibility::client_visibility, ManageClients, true),
    CampaignsRead => (domain::visibility::campaign_visibility, ManageCampaigns, false),
    CampaignsWrite => (domain::visibility::campaign_visibility, ManageCampaigns, true),
    LeadsRead => (domain::visibility::lead_visibility, ManageLeads, false),
    LeadsWrite => (domain::visibility::lead_visibility, ManageLeads, true),
);

/// The caller's visibility by `rule`, or 403 naming `permission`.
pub fn readable(
    principal: &Principal,
    rule: fn(&Caller<'_>) -> Option<Visibility>,
    permission: Permission,
) -> AppResult<Visibility> {
    rule(&principal.caller()).ok_or_else(|| lacks(permission))
}

/// As `readable`, and the caller may write (not view-only, not a portal user).
pub fn writable(
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

/// The guard rule of `Crm<R>`.
pub struct Scoped<R>(PhantomData<R>);

impl<R: CrmRule> Rule for Scoped<R> {
    type Scope = Visibility;

    fn admit(principal: &Principal) -> AppResult<Visibility> {
        if R::WRITE {
            writable(principal, R::rule, R::PERMISSION)
        } else {
            readable(principal, R::rule, R::PERMISSION)
        }
    }

    fn refusal() -> String {
        let permission = R::PERMISSION.as_str();
        if R::WRITE {
            format!("Lacks {permission} with write access")
        } else if portal_reads::<R>() {
            format!("Lacks {permission} and is not a client-portal user linked to a client")
        } else {
            format!("Lacks {permission}")
        }
    }
}

/// Whether rule `R` lets a client-portal user linked to a client read: asked of the rule
/// itself, so the description follows the rule.
fn portal_reads<R: CrmRule>() -> bool {
    let portal = Caller {
        user_id: 0,
        access: Access::new(Role::Client, PermissionOverrides::default()),
        client_id: Some("00000000-0000-0000-0000-000000000000"),
    };
    R::rule(&portal).is_some()
}

/// An authenticated caller and what rule `R` lets them see (`scope`).
pub type Crm<R> = Guard<Scoped<R>>;
