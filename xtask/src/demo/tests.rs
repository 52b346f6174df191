//! The demo plan is valid, deterministic and covers every role, stage and source.

use super::plan::*;
use chrono::NaiveDate;
use domain::crm::campaigns::CampaignStatus;
use domain::crm::leads::{LeadSource, LeadStage};
use domain::identity::permissions::Role;
use domain::work::tasks::TaskStatus;
use std::collections::BTreeSet;
use validator::Validate;

fn sample() -> Plan {
    plan(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), "demo-password-1")
}

#[test]
fn every_request_passes_the_apis_validation() {
    let p = sample();
    for u in &p.users {
        u.request.validate().unwrap_or_else(|e| panic!("{}: {e}", u.request.username));
    }
    for c in &p.clients {
        c.request.validate().unwrap_or_else(|e| panic!("{}: {e}", c.request.name));
    }
    for c in &p.campaigns {
        c.request.validate().unwrap_or_else(|e| panic!("{}: {e}", c.request.name));
        assert!(c.request.start_date < c.request.end_date, "{}", c.request.name);
    }
    for l in &p.leads {
        l.request.validate().unwrap_or_else(|e| panic!("{}: {e}", l.request.name));
        for a in &l.activities {
            a.validate().unwrap();
        }
    }
    for s in &p.spaces {
        s.request.validate().unwrap_or_else(|e| panic!("{}: {e}", s.request.name));
    }
    for t in &p.tasks {
        t.request.validate().unwrap_or_else(|e| panic!("{}: {e}", t.request.title));
        assert!(!t.request.title.contains('{'), "{}", t.request.title);
    }
}

#[test]
fn lead_emails_and_phones_are_unique_as_duplicate_detection_requires() {
    let p = sample();
    assert_eq!(p.leads.len(), LEADS);
    let emails: BTreeSet<String> =
        p.leads.iter().filter_map(|l| l.request.email.as_deref()).map(domain::crm::leads::normalize_email).collect();
    assert_eq!(emails.len(), LEADS);
    let phones: Vec<String> = p
        .leads
        .iter()
        .filter_map(|l| l.request.phone.as_deref())
        .filter_map(domain::crm::leads::normalize_phone)
        .collect();
    assert!(phones.len() > LEADS * 3 / 4);
    assert_eq!(phones.iter().collect::<BTreeSet<_>>().len(), phones.len());
    let names: BTreeSet<&str> = p.leads.iter().map(|l| l.request.name.as_str()).collect();
    assert_eq!(names.len(), LEADS);
}

#[test]
fn the_pipeline_uses_every_stage_and_source() {
    let p = sample();
    for stage in LeadStage::ALL {
        assert!(p.leads.iter().any(|l| l.final_stage() == stage), "no lead ends in {stage:?}");
    }
    for source in LeadSource::ALL {
        assert!(p.leads.iter().any(|l| l.request.source == Some(source)), "no lead from {source:?}");
    }
    let converted = p.leads.iter().filter(|l| l.convert).count();
    assert!((3..=10).contains(&converted), "{converted} conversions");
    assert!(p.leads.iter().filter(|l| l.move_to.is_some()).count() >= 20, "too few stage changes");
    for l in p.leads.iter().filter(|l| l.move_to.is_some()) {
        assert_ne!(l.move_to, l.request.stage, "{} moves to the stage it has", l.request.name);
    }
    let activities: usize = p.leads.iter().map(|l| l.activities.len()).sum();
    assert!(activities >= 2 * LEADS, "{activities} activities");
}

#[test]
fn leads_go_to_the_sales_agents() {
    let p = sample();
    let agents = indices_of(&p.users, Role::SalesAgent);
    assert!(agents.len() >= 2);
    for agent in &agents {
        let own = p.leads.iter().filter(|l| l.agent == Some(*agent)).count();
        assert!(own >= LEADS / 3, "agent {agent} has {own} leads");
    }
    assert!(p.leads.iter().all(|l| l.agent.is_none_or(|a| agents.contains(&a))));
    assert!(p.leads.iter().any(|l| l.agent.is_none()), "no unassigned leads for the manager");
}

#[test]
fn users_cover_the_roles_with_unique_sign_ins() {
    let p = sample();
    let roles: BTreeSet<Role> = p.users.iter().filter_map(|u| u.request.role).collect();
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
        assert!(roles.contains(&role), "no {role:?} user");
    }
    let usernames: BTreeSet<&str> = p.users.iter().map(|u| u.request.username.as_str()).collect();
    let emails: BTreeSet<&str> = p.users.iter().filter_map(|u| u.request.email.as_deref()).collect();
    assert_eq!((usernames.len(), emails.len()), (p.users.len(), p.users.len()));
    for u in p.users.iter().filter(|u| u.request.role == Some(Role::Client)) {
        assert!(u.client.is_some_and(|c| c < p.clients.len()), "{} is not linked", u.request.username);
    }
    assert_eq!(sign_ins(&p).len(), p.users.len());
}

#[test]
fn clients_campaigns_spaces_and_tasks_are_complete() {
    let p = sample();
    assert_eq!(p.clients.len(), 25);
    let staff_side: BTreeSet<usize> =
        p.users.iter().enumerate().filter(|(_, u)| u.client.is_none()).map(|(i, _)| i).collect();
    assert!(p.clients.iter().all(|c| staff_side.contains(&c.staff)));
    for status in CampaignStatus::ALL {
        assert!(p.campaigns.iter().any(|c| c.request.status == Some(status)), "no {status:?} campaign");
    }
    assert!(p.campaigns.iter().all(|c| c.client < p.clients.len()));
    for (i, s) in p.spaces.iter().enumerate() {
        assert!(s.parent.is_none_or(|parent| parent < i), "space {i} comes before its parent");
    }
    let depth = |mut i: usize| {
        let mut d = 0;
        while let Some(parent) = p.spaces[i].parent {
            (i, d) = (parent, d + 1);
        }
        d
    };
    assert!((0..p.spaces.len()).any(|i| depth(i) >= 2), "spaces are not nested");
    for status in TaskStatus::ALL {
        assert!(p.tasks.iter().any(|t| t.request.status.unwrap_or_default() == status), "no {status:?} task");
    }
    assert!(p.tasks.iter().any(|t| t.request.is_recurring == Some(true) && t.request.recurrence_rule.is_some()));
    assert!(p.tasks.iter().all(|t| t.space < p.spaces.len() && staff_side.contains(&t.assignee)));
}

#[test]
fn the_plan_is_deterministic() {
    assert_eq!(format!("{:?}", sample()), format!("{:?}", sample()));
    assert_eq!(slug("Elm & Oak Furniture"), "elm-oak-furniture");
    assert_eq!(at(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), -1, 9).to_rfc3339(), "2026-02-28T09:00:00+00:00");
}
