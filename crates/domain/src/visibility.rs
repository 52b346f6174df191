//! Who may see which CRM records: one small pure rule per resource, used by the guards
//! and applied by every storage query as `Rows`.

use crate::identity::permissions::{Access, Permission, Scope};
use uuid::Uuid;

/// Which rows of a CRM table a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    All,
    /// Records assigned to this user (for campaigns: campaigns of clients assigned to them).
    AssignedTo(i32),
    /// One client's records only (client-portal users).
    Client(Uuid),
}

/// What a caller may do with a CRM resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    pub rows: Rows,
    pub writable: bool,
}

/// A caller scoped to their own assignments named another assignee (or, in a patch,
/// none): they may only assign records to themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnlySelf;

impl std::fmt::Display for OnlySelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("You can only assign records to yourself")
    }
}

impl Visibility {
    /// The assignee of a new record: callers scoped to their assignments get it assigned
    /// to themselves, and may not name anyone else.
    pub fn assignee(&self, requested: Option<i32>) -> Result<Option<i32>, OnlySelf> {
        match self.rows {
            Rows::AssignedTo(user) if requested.is_some_and(|id| id != user) => Err(OnlySelf),
            Rows::AssignedTo(user) => Ok(Some(user)),
            _ => Ok(requested),
        }
    }

    /// A patch's `assignedToId` (absent, `null` or an id): callers scoped to their
    /// assignments may neither unassign nor hand records to someone else.
    pub fn reassign(&self, requested: Option<Option<i32>>) -> Result<Option<Option<i32>>, OnlySelf> {
        match (self.rows, requested) {
            (_, None) => Ok(None),
            (Rows::AssignedTo(user), Some(Some(id))) if id == user => Ok(Some(Some(user))),
            (Rows::AssignedTo(_), Some(_)) => Err(OnlySelf),
            (_, requested) => Ok(requested),
        }
    }
}

/// The parts of the signed-in user the CRM scope rules need.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub user_id: i32,
    pub access: Access,
    /// `users.client_id`: the client a portal user belongs to.
    pub client_id: Option<&'a str>,
}

fn granted(caller: &Caller<'_>, permission: Permission) -> Option<Visibility> {
    caller.access.scope(permission).map(|scope| match scope {
        Scope::All => Visibility { rows: Rows::All, writable: true },
        Scope::Assigned | Scope::Own => Visibility { rows: Rows::AssignedTo(caller.user_id), writable: true },
        Scope::ViewOnly => Visibility { rows: Rows::All, writable: false },
    })
}

/// Client-portal users linked to a client read that client's records, nothing else.
fn portal(caller: &Caller<'_>) -> Option<Visibility> {
    if !caller.access.role.is_client_portal() {
        return None;
    }
    let client = caller.client_id.and_then(|id| Uuid::parse_str(id).ok())?;
    Some(Visibility { rows: Rows::Client(client), writable: false })
}

/// Clients: `canManageClients` with its scope, else a portal user's own client (read-only).
pub fn client_visibility(caller: &Caller<'_>) -> Option<Visibility> {
    granted(caller, Permission::ManageClients).or_else(|| portal(caller))
}

/// Campaigns: `canManageCampaigns` with its scope (view-only reads all), else a portal
/// user's own client's campaigns (read-only).
pub fn campaign_visibility(caller: &Caller<'_>) -> Option<Visibility> {
    granted(caller, Permission::ManageCampaigns).or_else(|| portal(caller))
}

/// Leads: `canManageLeads` with its scope; portal users never see leads.
pub fn lead_visibility(caller: &Caller<'_>) -> Option<Visibility> {
    granted(caller, Permission::ManageLeads)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::permissions::PermissionOverrides;
    use crate::Role;

    fn caller(role: Role, client_id: Option<&str>) -> Caller<'_> {
        Caller { user_id: 7, access: Access::new(role, PermissionOverrides::default()), client_id }
    }

    #[test]
    fn staff_see_everything_and_sales_agents_their_assignments() {
        assert_eq!(client_visibility(&caller(Role::Staff, None)), Some(Visibility { rows: Rows::All, writable: true }));
        assert_eq!(
            client_visibility(&caller(Role::SalesAgent, None)),
            Some(Visibility { rows: Rows::AssignedTo(7), writable: true })
        );
        assert_eq!(
            lead_visibility(&caller(Role::SalesAgent, None)),
            Some(Visibility { rows: Rows::AssignedTo(7), writable: true })
        );
        assert_eq!(
            campaign_visibility(&caller(Role::SalesAgent, None)),
            Some(Visibility { rows: Rows::All, writable: false }),
            "campaigns are view-only for sales agents"
        );
        assert_eq!(
            client_visibility(&caller(Role::StaffContentCreator, None)),
            Some(Visibility { rows: Rows::All, writable: false })
        );
        assert_eq!(client_visibility(&caller(Role::Creator, None)), None);
    }

    #[test]
    fn assignment_scoped_callers_assign_only_to_themselves() {
        let own = Visibility { rows: Rows::AssignedTo(7), writable: true };
        assert_eq!(own.assignee(None), Ok(Some(7)), "a new record is theirs");
        assert_eq!(own.assignee(Some(7)), Ok(Some(7)));
        assert_eq!(own.assignee(Some(8)), Err(OnlySelf));
        let all = Visibility { rows: Rows::All, writable: true };
        assert_eq!(all.assignee(None), Ok(None));
        assert_eq!(all.assignee(Some(8)), Ok(Some(8)));
    }

    #[test]
    fn assignment_scoped_callers_neither_unassign_nor_hand_over() {
        let own = Visibility { rows: Rows::AssignedTo(7), writable: true };
        assert_eq!(own.reassign(None), Ok(None), "an absent field stays");
        assert_eq!(own.reassign(Some(Some(7))), Ok(Some(Some(7))));
        assert_eq!(own.reassign(Some(Some(8))), Err(OnlySelf));
        assert_eq!(own.reassign(Some(None)), Err(OnlySelf), "nor unassign");
        let all = Visibility { rows: Rows::All, writable: true };
        assert_eq!(all.reassign(Some(None)), Ok(Some(None)));
        assert_eq!(all.reassign(Some(Some(8))), Ok(Some(Some(8))));
        assert_eq!(OnlySelf.to_string(), "You can only assign records to yourself");
    }

    #[test]
    fn portal_users_read_only_their_own_client() {
        let id = Uuid::from_u128(0x6f1c6c1e_8f0e_4a43_9d7b_1d1f7f6e1a10);
        let text = id.to_string();
        let portal = caller(Role::Client, Some(&text));
        let own = Some(Visibility { rows: Rows::Client(id), writable: false });
        assert_eq!(client_visibility(&portal), own);
        assert_eq!(campaign_visibility(&portal), own);
        assert_eq!(lead_visibility(&portal), None, "portal users never see leads");
        assert_eq!(client_visibility(&caller(Role::ProspectiveClient, Some(&text))), own);
        assert_eq!(client_visibility(&caller(Role::Client, None)), None, "unlinked portal users see nothing");
        assert_eq!(client_visibility(&caller(Role::Client, Some("not-a-uuid"))), None);
        assert_eq!(client_visibility(&caller(Role::Creator, Some(&text))), None, "only portal roles use the link");
    }
}
