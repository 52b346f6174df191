//! The nine roles of the original product, its role → permission matrix, and per-user
//! overrides. Unknown or unlisted roles get nothing (the original fell back to staff).

use serde::{Deserialize, Serialize};

crate::enums::stored_enum! {
    #[derive(Hash, PartialOrd, Ord)]
    pub enum Role: "snake_case" {
        Admin,
        Manager,
        Staff,
        SalesAgent,
        CreatorManager,
        Creator,
        StaffContentCreator,
        Client,
        ProspectiveClient,
    }
}

impl Role {
    /// Client-portal roles are tied to one client record and never see staff data.
    pub fn is_client_portal(self) -> bool {
        matches!(self, Role::Client | Role::ProspectiveClient)
    }

    /// The data scope this role has for a permission in the default matrix, or `None`
    /// when the role lacks it.
    pub fn default_scope(self, permission: Permission) -> Option<Scope> {
        use Permission as P;
        use Role as R;
        use Scope as S;
        let scope = match (self, permission) {
            (R::Admin, _) => S::All,
            (R::Manager, P::ManageUsers | P::ManageSettings) => return None,
            (R::Manager, _) => S::All,
            (
                R::Staff,
                P::ManageClients | P::ManageCampaigns | P::ManageLeads | P::ManageContent | P::ManageTickets,
            ) => S::All,
            (R::SalesAgent, P::ManageClients | P::ManageLeads) => S::Assigned,
            (R::SalesAgent, P::ManageCampaigns) => S::ViewOnly,
            (R::SalesAgent, P::ManageInvoices | P::ViewReports) => S::Own,
            (R::SalesAgent, P::ManageTickets) => S::All,
            (R::CreatorManager, P::ManageClients | P::ManageContent | P::ViewReports) => S::All,
            (R::Creator, P::ManageContent) => S::Own,
            (R::Creator, P::ManageTickets) => S::All,
            (R::StaffContentCreator, P::ManageClients) => S::ViewOnly,
            (R::StaffContentCreator, P::ManageContent) => S::All,
            (R::Client, P::ManageTickets) => S::Own,
            _ => return None,
        };
        Some(scope)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::enums::string_enum! {
    /// The permission flags of the original's matrix.
    #[derive(Hash, PartialOrd, Ord)]
    pub enum Permission {
        ManageUsers = "canManageUsers",
        ManageClients = "canManageClients",
        ManageCampaigns = "canManageCampaigns",
        ManageLeads = "canManageLeads",
        ManageContent = "canManageContent",
        ManageInvoices = "canManageInvoices",
        ManageTickets = "canManageTickets",
        ViewReports = "canViewReports",
        ManageSettings = "canManageSettings",
    }
}

/// How far a granted permission reaches. Domains that own records (clients, leads,
/// invoices, …) narrow their queries with it; a custom grant is always `All`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    All,
    /// Only records assigned to the user.
    Assigned,
    /// Only records the user created or owns.
    Own,
    /// Read access without writes.
    ViewOnly,
}

/// Per-user overrides of the role's flags: `true` grants (with `All` scope), `false`
/// revokes, absent keeps the role's default.
// Stored as the JSONB object it is in the API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Jsonb)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PermissionOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_users: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_clients: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_campaigns: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_leads: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_content: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_invoices: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_tickets: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_view_reports: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_manage_settings: Option<bool>,
}

#[cfg(feature = "diesel")]
crate::json_column::jsonb_column!(PermissionOverrides);

impl PermissionOverrides {
    pub fn get(&self, permission: Permission) -> Option<bool> {
        match permission {
            Permission::ManageUsers => self.can_manage_users,
            Permission::ManageClients => self.can_manage_clients,
            Permission::ManageCampaigns => self.can_manage_campaigns,
            Permission::ManageLeads => self.can_manage_leads,
            Permission::ManageContent => self.can_manage_content,
            Permission::ManageInvoices => self.can_manage_invoices,
            Permission::ManageTickets => self.can_manage_tickets,
            Permission::ViewReports => self.can_view_reports,
            Permission::ManageSettings => self.can_manage_settings,
        }
    }

    pub fn is_empty(&self) -> bool {
        Permission::ALL.iter().all(|p| self.get(*p).is_none())
    }
}

/// A user's effective permission flags, as `GET /api/user` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    pub can_manage_users: bool,
    pub can_manage_clients: bool,
    pub can_manage_campaigns: bool,
    pub can_manage_leads: bool,
    pub can_manage_content: bool,
    pub can_manage_invoices: bool,
    pub can_manage_tickets: bool,
    pub can_view_reports: bool,
    pub can_manage_settings: bool,
}

impl Permissions {
    pub fn has(&self, permission: Permission) -> bool {
        match permission {
            Permission::ManageUsers => self.can_manage_users,
            Permission::ManageClients => self.can_manage_clients,
            Permission::ManageCampaigns => self.can_manage_campaigns,
            Permission::ManageLeads => self.can_manage_leads,
            Permission::ManageContent => self.can_manage_content,
            Permission::ManageInvoices => self.can_manage_invoices,
            Permission::ManageTickets => self.can_manage_tickets,
            Permission::ViewReports => self.can_view_reports,
            Permission::ManageSettings => self.can_manage_settings,
        }
    }

    fn set(&mut self, permission: Permission, value: bool) {
        let flag = match permission {
            Permission::ManageUsers => &mut self.can_manage_users,
            Permission::ManageClients => &mut self.can_manage_clients,
            Permission::ManageCampaigns => &mut self.can_manage_campaigns,
            Permission::ManageLeads => &mut self.can_manage_leads,
            Permission::ManageContent => &mut self.can_manage_content,
            Permission::ManageInvoices => &mut self.can_manage_invoices,
            Permission::ManageTickets => &mut self.can_manage_tickets,
            Permission::ViewReports => &mut self.can_view_reports,
            Permission::ManageSettings => &mut self.can_manage_settings,
        };
        *flag = value;
    }
}

/// What a user may do: the role's matrix with the user's overrides applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub role: Role,
    pub overrides: PermissionOverrides,
}

impl Access {
    pub fn new(role: Role, overrides: PermissionOverrides) -> Self {
        Self { role, overrides }
    }

    pub fn scope(&self, permission: Permission) -> Option<Scope> {
        match self.overrides.get(permission) {
            Some(true) => Some(Scope::All),
            Some(false) => None,
            None => self.role.default_scope(permission),
        }
    }

    pub fn has(&self, permission: Permission) -> bool {
        self.scope(permission).is_some()
    }

    /// Whether a holder of `self` may hand `other` to someone: no permission, and no
    /// wider scope, beyond its own.
    pub fn covers(&self, other: &Access) -> bool {
        Permission::ALL.into_iter().all(|permission| match (self.scope(permission), other.scope(permission)) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(Scope::All), Some(_)) => true,
            (Some(mine), Some(theirs)) => mine == theirs,
        })
    }

    pub fn flags(&self) -> Permissions {
        let mut flags = Permissions::default();
        for permission in Permission::ALL {
            flags.set(permission, self.has(permission));
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(role: Role) -> Vec<&'static str> {
        let access = Access::new(role, PermissionOverrides::default());
        Permission::ALL.into_iter().filter(|p| access.has(*p)).map(Permission::as_str).collect()
    }

    #[test]
    fn matrix_matches_the_original_role_table() {
        assert_eq!(granted(Role::Admin).len(), 9);
        assert_eq!(
            granted(Role::Manager),
            [
                "canManageClients",
                "canManageCampaigns",
                "canManageLeads",
                "canManageContent",
                "canManageInvoices",
                "canManageTickets",
                "canViewReports"
            ]
        );
        assert_eq!(
            granted(Role::Staff),
            ["canManageClients", "canManageCampaigns", "canManageLeads", "canManageContent", "canManageTickets"]
        );
        assert_eq!(
            granted(Role::SalesAgent),
            [
                "canManageClients",
                "canManageCampaigns",
                "canManageLeads",
                "canManageInvoices",
                "canManageTickets",
                "canViewReports"
            ]
        );
        assert_eq!(granted(Role::CreatorManager), ["canManageClients", "canManageContent", "canViewReports"]);
        assert_eq!(granted(Role::Creator), ["canManageContent", "canManageTickets"]);
        assert_eq!(granted(Role::StaffContentCreator), ["canManageClients", "canManageContent"]);
        assert_eq!(granted(Role::Client), ["canManageTickets"]);
    }

    #[test]
    fn prospective_client_is_denied_everything_by_default() {
        assert!(granted(Role::ProspectiveClient).is_empty());
    }

    #[test]
    fn qualified_grants_carry_their_scope() {
        assert_eq!(Role::SalesAgent.default_scope(Permission::ManageLeads), Some(Scope::Assigned));
        assert_eq!(Role::SalesAgent.default_scope(Permission::ManageCampaigns), Some(Scope::ViewOnly));
        assert_eq!(Role::Creator.default_scope(Permission::ManageContent), Some(Scope::Own));
        assert_eq!(Role::Client.default_scope(Permission::ManageTickets), Some(Scope::Own));
        assert_eq!(Role::Staff.default_scope(Permission::ManageUsers), None);
    }

    #[test]
    fn overrides_grant_and_revoke() {
        let overrides =
            PermissionOverrides { can_manage_users: Some(true), can_manage_leads: Some(false), ..Default::default() };
        let access = Access::new(Role::Staff, overrides);
        assert_eq!(access.scope(Permission::ManageUsers), Some(Scope::All));
        assert!(!access.has(Permission::ManageLeads));
        assert!(access.has(Permission::ManageClients));
        let flags = access.flags();
        assert!(flags.can_manage_users && !flags.can_manage_leads && flags.can_manage_clients);
    }

    #[test]
    fn nobody_can_grant_more_than_they_hold() {
        let admin = Access::new(Role::Admin, PermissionOverrides::default());
        let user_manager =
            Access::new(Role::Staff, PermissionOverrides { can_manage_users: Some(true), ..Default::default() });
        let plain = |role| Access::new(role, PermissionOverrides::default());
        assert!(admin.covers(&plain(Role::Manager)));
        assert!(user_manager.covers(&plain(Role::Staff)));
        assert!(user_manager.covers(&plain(Role::Client)), "canManageTickets scope All covers Own");
        assert!(!user_manager.covers(&plain(Role::Admin)));
        assert!(!user_manager.covers(&plain(Role::Manager)), "manager has invoices and reports");
        assert!(!plain(Role::SalesAgent).covers(&plain(Role::Staff)), "assigned-only leads do not cover all leads");
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn overrides_reject_unknown_flags() {
        let parsed: Result<PermissionOverrides, _> = serde_json::from_str(r#"{"canDoAnything":true}"#);
        assert!(parsed.is_err());
        let parsed: PermissionOverrides = serde_json::from_str(r#"{"canManageUsers":true}"#).unwrap();
        assert_eq!(parsed.get(Permission::ManageUsers), Some(true));
    }
}
