//! The original's six notification switches (`GET/PUT /api/user/notification-preferences`),
//! kept for its integrators as a view over the switches per kind and channel: each switch
//! stands for the in-app channel of a group of kinds, `emailNotifications` for the e-mail
//! channel of every kind.

use super::{NotificationKind as K, NotificationPreference};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// The six switches as the original answered them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LegacyPreferences {
    /// E-mail for every kind.
    pub email_notifications: bool,
    /// Task assignments and comments, in the app.
    pub task_updates: bool,
    /// No kind yet (client messaging does not exist): always `true`, a change is ignored.
    pub client_messages: bool,
    /// Due and overdue reminders, in the app.
    pub due_date_reminders: bool,
    /// Lead assignments, stage changes, conversions and meeting reminders, in the app.
    pub project_updates: bool,
    /// Sign-up, failed sign-in, account, webhook and test notices, in the app.
    pub system_alerts: bool,
}

/// Body of the original's `PUT`: the switches to change (absent ones stay).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyPreferencesChange {
    pub email_notifications: Option<bool>,
    pub task_updates: Option<bool>,
    pub client_messages: Option<bool>,
    pub due_date_reminders: Option<bool>,
    pub project_updates: Option<bool>,
    pub system_alerts: Option<bool>,
}

const TASKS: &[K] = &[K::TaskAssigned, K::TaskComment];
const DUE: &[K] = &[K::TaskDueSoon, K::TaskOverdue];
const PROJECTS: &[K] = &[K::LeadAssigned, K::LeadStageChanged, K::LeadConverted, K::MeetingSoon];
const SYSTEM: &[K] = &[K::UserRegistered, K::SignInFailed, K::AccountChanged, K::WebhookDisabled, K::Test];

fn all_in_app(all: &[NotificationPreference], group: &[K]) -> bool {
    all.iter().filter(|p| group.contains(&p.kind)).all(|p| p.in_app)
}

/// The six switches of a complete set of preferences (`super::complete_preferences`).
pub fn legacy_view(all: &[NotificationPreference]) -> LegacyPreferences {
    LegacyPreferences {
        email_notifications: all.iter().all(|p| p.email),
        task_updates: all_in_app(all, TASKS),
        client_messages: true,
        due_date_reminders: all_in_app(all, DUE),
        project_updates: all_in_app(all, PROJECTS),
        system_alerts: all_in_app(all, SYSTEM),
    }
}

/// The complete preferences after `change`.
pub fn apply_legacy(
    mut all: Vec<NotificationPreference>,
    change: &LegacyPreferencesChange,
) -> Vec<NotificationPreference> {
    for preference in &mut all {
        if let Some(email) = change.email_notifications {
            preference.email = email;
        }
        for (group, switch) in [
            (TASKS, change.task_updates),
            (DUE, change.due_date_reminders),
            (PROJECTS, change.project_updates),
            (SYSTEM, change.system_alerts),
        ] {
            if let Some(on) = switch.filter(|_| group.contains(&preference.kind)) {
                preference.in_app = on;
            }
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::complete_preferences;

    #[test]
    fn every_kind_belongs_to_one_group() {
        for kind in K::ALL {
            let groups = [TASKS, DUE, PROJECTS, SYSTEM].iter().filter(|g| g.contains(&kind)).count();
            assert_eq!(groups, 1, "{kind:?}");
        }
    }

    #[test]
    fn a_switch_turns_its_group_off_and_reads_back() {
        let all = complete_preferences(Vec::new());
        assert_eq!(
            legacy_view(&all),
            LegacyPreferences {
                email_notifications: true,
                task_updates: true,
                client_messages: true,
                due_date_reminders: true,
                project_updates: true,
                system_alerts: true,
            }
        );
        let change = LegacyPreferencesChange {
            due_date_reminders: Some(false),
            email_notifications: Some(false),
            ..Default::default()
        };
        let after = apply_legacy(all, &change);
        let view = legacy_view(&after);
        assert!(!view.due_date_reminders && !view.email_notifications && view.task_updates && view.project_updates);
        let overdue = after.iter().find(|p| p.kind == K::TaskOverdue).unwrap();
        assert!(!overdue.in_app && !overdue.email && overdue.push, "push is not one of the original's switches");
    }
}
