//! Every string enum of the domain (`enums::string_enum!` / `stored_enum!`) round-trips
//! through its string, spells it as serde does, and refuses unknown strings (as a bad
//! stored value would be). An integration test, so it may name every domain module
//! without the enum module depending on them.

use domain::crm::campaigns::CampaignStatus;
use domain::crm::clients::ClientStatus;
use domain::crm::lead_imports::{ImportMode, ImportStatus};
use domain::crm::leads::{LeadActivityType, LeadScore, LeadSource, LeadStage};
use domain::identity::api_keys::ApiKeyScope;
use domain::work::calendar::{CalendarProviderName, EventType};
use domain::work::tasks::{ScheduleFrom, TaskPriority, TaskStatus};
use domain::{ErrorCode, Permission, Role};

macro_rules! check {
    ($($name:ident),+) => {$(
        for value in $name::ALL {
            assert_eq!($name::parse(value.as_str()), Some(value), "{value:?}");
            assert_eq!(serde_json::to_value(value).unwrap(), value.as_str(), "{value:?}");
        }
        let distinct: std::collections::BTreeSet<_> = $name::ALL.iter().map(|v| v.as_str()).collect();
        assert_eq!(distinct.len(), $name::ALL.len(), stringify!($name));
        assert_eq!($name::parse("no_such_value"), None, stringify!($name));
        assert_eq!($name::parse(""), None, stringify!($name));
    )+};
}

#[test]
fn every_enum_round_trips_and_refuses_unknown_values() {
    check!(
        Role,
        Permission,
        ErrorCode,
        ApiKeyScope,
        EventType,
        CalendarProviderName,
        CampaignStatus,
        ClientStatus,
        ImportMode,
        ImportStatus,
        LeadStage,
        LeadScore,
        LeadSource,
        LeadActivityType,
        TaskStatus,
        TaskPriority,
        ScheduleFrom
    );
}

#[test]
fn parsing_is_exact() {
    assert_eq!(LeadStage::parse("Prospect"), None);
    assert_eq!(LeadStage::parse(" prospect"), None);
    assert_eq!(LeadSource::parse("unknown"), None, "no longer read as `other`");
    assert_eq!(ScheduleFrom::parse("due"), None, "no longer read as `due_date`");
    assert_eq!(ImportMode::parse("all_or_nothing"), None);
    assert_eq!(ImportMode::parse("all-or-nothing"), Some(ImportMode::AllOrNothing));
    assert_eq!(ApiKeyScope::parse("api:read"), Some(ApiKeyScope::Read));
    assert_eq!(Permission::parse("canManageUsers"), Some(Permission::ManageUsers));
}
