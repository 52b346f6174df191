//! The demo data set as requests to send, a pure function of the seeding day.

use super::names::{
    CAMPAIGN_NAMES, CAMPAIGN_TYPES, CLIENT_COMPANIES, FIRST_NAMES, FUNNEL, INDUSTRIES, JOB_TITLES, LAST_NAMES,
    LEAD_COMPANIES, LEAD_TAGS, LOCATIONS, SERVICES, SERVICE_NAMES, TASK_TITLES,
};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use domain::crm::campaigns::{CampaignStatus, CreateCampaignRequest};
use domain::crm::clients::CreateClientRequest;
use domain::crm::leads::{
    CreateLeadActivityRequest, CreateLeadRequest, LeadScore, LeadSource, LeadStage, LoggedActivityType,
};
use domain::identity::permissions::Role;
use domain::identity::users::CreateUserRequest;
use domain::work::tasks::{ChecklistItem, CreateTaskRequest, CreateTaskSpaceRequest, TaskPriority, TaskStatus};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A user to create; `client` links a client-portal user to [`Plan::clients`]`[i]`.
#[derive(Debug, Clone)]
pub struct UserSpec {
    pub request: CreateUserRequest,
    pub client: Option<usize>,
}

/// A client, assigned to [`Plan::users`]`[staff]`.
#[derive(Debug, Clone)]
pub struct ClientSpec {
    pub request: CreateClientRequest,
    pub staff: usize,
}

/// A campaign of [`Plan::clients`]`[client]` (the request's `clientId` is filled in then).
#[derive(Debug, Clone)]
pub struct CampaignSpec {
    pub request: CreateCampaignRequest,
    pub client: usize,
}

/// A lead, assigned to [`Plan::users`]`[agent]`; its activities and a later stage change
/// are logged by that agent; `convert` turns it into a client.
#[derive(Debug, Clone)]
pub struct LeadSpec {
    pub request: CreateLeadRequest,
    pub agent: Option<usize>,
    pub activities: Vec<CreateLeadActivityRequest>,
    pub move_to: Option<LeadStage>,
    pub convert: bool,
}

impl LeadSpec {
    /// The stage the lead ends in.
    pub fn final_stage(&self) -> LeadStage {
        if self.convert {
            LeadStage::ClosedWon
        } else {
            self.move_to.or(self.request.stage).unwrap_or(LeadStage::Prospect)
        }
    }
}

/// A task space under [`Plan::spaces`]`[parent]` (created before it).
#[derive(Debug, Clone)]
pub struct SpaceSpec {
    pub request: CreateTaskSpaceRequest,
    pub parent: Option<usize>,
}

/// A task in [`Plan::spaces`]`[space]` for [`Plan::users`]`[assignee]`; `complete` marks
/// it completed after creation (for a recurring task: creates its next instance).
#[derive(Debug, Clone)]
pub struct TaskSpec {
    pub request: CreateTaskRequest,
    pub space: usize,
    pub assignee: usize,
    pub client: Option<usize>,
    pub complete: bool,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub users: Vec<UserSpec>,
    pub clients: Vec<ClientSpec>,
    pub campaigns: Vec<CampaignSpec>,
    pub leads: Vec<LeadSpec>,
    pub spaces: Vec<SpaceSpec>,
    pub tasks: Vec<TaskSpec>,
}

/// `Brightside Bakery` → `brightside-bakery`, `Elm & Oak` → `elm-oak`.
pub fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("-")
}

/// `days` after `today` at `hour`:00 UTC (negative `days` lie in the past).
pub(super) fn at(today: NaiveDate, days: i64, hour: u32) -> DateTime<Utc> {
    let date = if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    date.unwrap_or(today).and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc()
}

fn user(username: &str, first: &str, last: &str, email: &str, role: Role, password: &str) -> CreateUserRequest {
    CreateUserRequest {
        username: username.to_owned(),
        password: password.to_owned(),
        email: Some(email.to_owned()),
        first_name: Some(first.to_owned()),
        last_name: Some(last.to_owned()),
        role: Some(role),
        client_id: None,
        creator_id: None,
        custom_permissions: None,
    }
}

fn users(password: &str) -> Vec<UserSpec> {
    let staff = |username: &str, first: &str, last: &str, role: Role| UserSpec {
        request: user(username, first, last, &format!("{username}@agency.example.com"), role, password),
        client: None,
    };
    let portal = |username: &str, first: &str, last: &str, role: Role, client: Option<usize>| {
        let domain = client.map_or_else(
            || "prospect.example.com".to_owned(),
            |c| format!("{}.example.com", slug(CLIENT_COMPANIES[c])),
        );
        let email = format!("{}@{domain}", first.to_ascii_lowercase());
        UserSpec { request: user(username, first, last, &email, role, password), client }
    };
    vec![
        staff("maya.chen", "Maya", "Chen", Role::Manager),
        staff("leo.martin", "Leo", "Martin", Role::SalesAgent),
        staff("ava.patel", "Ava", "Patel", Role::SalesAgent),
        staff("noah.kim", "Noah", "Kim", Role::Staff),
        staff("emma.garcia", "Emma", "Garcia", Role::Staff),
        staff("lucas.rossi", "Lucas", "Rossi", Role::CreatorManager),
        staff("mia.novak", "Mia", "Novak", Role::Creator),
        staff("ethan.brooks", "Ethan", "Brooks", Role::StaffContentCreator),
        portal("olivia.hart", "Olivia", "Hart", Role::Client, Some(0)),
        portal("james.wright", "James", "Wright", Role::Client, Some(1)),
        portal("sofia.reyes", "Sofia", "Reyes", Role::ProspectiveClient, None),
    ]
}

/// Indices into [`users`] by role.
pub(super) fn indices_of(users: &[UserSpec], role: Role) -> Vec<usize> {
    users.iter().enumerate().filter(|(_, u)| u.request.role == Some(role)).map(|(i, _)| i).collect()
}

fn clients(users: &[UserSpec]) -> Vec<ClientSpec> {
    let mut account_owners = indices_of(users, Role::Staff);
    account_owners.extend(indices_of(users, Role::Manager));
    CLIENT_COMPANIES
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let slug = slug(name);
            let services: Vec<String> =
                (0..1 + c % 3).map(|k| SERVICES[(c + 2 * k) % SERVICES.len()].to_owned()).collect();
            let status = if c % 9 == 8 {
                domain::crm::clients::ClientStatus::Inactive
            } else {
                domain::crm::clients::ClientStatus::Active
            };
            let social =
                BTreeMap::from([("instagram".to_owned(), format!("https://instagram.com/{}", slug.replace('-', "")))]);
            ClientSpec {
                request: CreateClientRequest {
                    name: (*name).to_owned(),
                    email: Some(format!("hello@{slug}.example.com")),
                    phone: Some(format!("+1 (555) 100-{:04}", 1000 + c * 17)),
                    company: Some((*name).to_owned()),
                    website: Some(format!("https://{slug}.example.com")),
                    logo_url: None,
                    service_tags: Some(services),
                    status: Some(status),
                    assigned_to_id: None,
                    notes: c.is_multiple_of(4).then(|| {
                        format!("Monthly retainer; prefers a call every other {}.", ["Monday", "Thursday"][c % 2])
                    }),
                    social_links: Some(social),
                    display_order: Some(i32::try_from(c).unwrap_or(0)),
                },
                staff: account_owners[c % account_owners.len()],
            }
        })
        .collect()
}

fn campaigns(today: NaiveDate) -> Vec<CampaignSpec> {
    let mut out = Vec::new();
    for c in 0..CLIENT_COMPANIES.len() {
        for k in 0..1 + c % 3 {
            let n = c * 3 + k;
            let (kind, label) = CAMPAIGN_TYPES[(c + k) % CAMPAIGN_TYPES.len()];
            let status = CampaignStatus::ALL[(c + 2 * k) % CampaignStatus::ALL.len()];
            let offset = i64::try_from(n % 20).unwrap_or(0);
            // Dates that agree with the status: planned ones start later, finished ones ended.
            let (start, end) = match status {
                CampaignStatus::Planning => (at(today, 7 + offset, 9), at(today, 60 + offset, 17)),
                CampaignStatus::Active | CampaignStatus::Paused => {
                    (at(today, -20 - offset, 9), at(today, 30 + offset, 17))
                }
                CampaignStatus::Completed | CampaignStatus::Cancelled => {
                    (at(today, -90 - offset, 9), at(today, -30 - offset, 17))
                }
            };
            out.push(CampaignSpec {
                request: CreateCampaignRequest {
                    client_id: Uuid::nil(),
                    name: format!("{} {label}", CAMPAIGN_NAMES[n % CAMPAIGN_NAMES.len()]),
                    campaign_type: kind.to_owned(),
                    status: Some(status),
                    start_date: Some(start),
                    end_date: Some(end),
                    budget: Some(i32::try_from(((n * 13) % 40 + 5) * 500).unwrap_or(0)),
                    description: Some(format!("{label} for {}", CLIENT_COMPANIES[c])),
                    goals: (k == 0).then(|| "Grow qualified leads by 20% over the campaign".to_owned()),
                },
                client: c,
            });
        }
    }
    out
}

fn activity(kind: LoggedActivityType, first: &str, service: &str, k: usize) -> CreateLeadActivityRequest {
    let (subject, description) = match kind {
        LoggedActivityType::Call => (
            ["Intro call", "Follow-up call"][k % 2].to_owned(),
            format!("Talked with {first} about {service}; they want numbers from last quarter first."),
        ),
        LoggedActivityType::Email => (
            ["Sent pricing overview", "Sent case studies"][k % 2].to_owned(),
            format!("Emailed {first} our {service} packages and two case studies."),
        ),
        LoggedActivityType::Meeting => (
            ["Discovery meeting", "Proposal walkthrough"][k % 2].to_owned(),
            format!("Met {first} and their team to scope {service}."),
        ),
        LoggedActivityType::Note => (
            ["Budget confirmed", "Decision maker identified"][k % 2].to_owned(),
            format!("{first} confirmed a monthly budget for {service}."),
        ),
        LoggedActivityType::Sms => ("Reminder".to_owned(), format!("Texted {first} a reminder about tomorrow's call.")),
    };
    CreateLeadActivityRequest { activity_type: kind, subject: Some(subject), description: Some(description) }
}

fn previous_stage(stage: LeadStage) -> LeadStage {
    match stage {
        LeadStage::Prospect | LeadStage::Contacted => LeadStage::Prospect,
        LeadStage::Qualified => LeadStage::Contacted,
        LeadStage::Proposal => LeadStage::Qualified,
        LeadStage::ClosedWon | LeadStage::ClosedLost => LeadStage::Proposal,
    }
}

pub const LEADS: usize = 150;

fn leads(today: NaiveDate, users: &[UserSpec]) -> Vec<LeadSpec> {
    let agents = indices_of(users, Role::SalesAgent);
    let kinds = [
        LoggedActivityType::Call,
        LoggedActivityType::Email,
        LoggedActivityType::Meeting,
        LoggedActivityType::Note,
        LoggedActivityType::Sms,
    ];
    (0..LEADS)
        .map(|i| {
            let first = FIRST_NAMES[i % 30];
            // (i % 30, (i + i / 30) % 30) differ for every i below 900: unique people.
            let last = LAST_NAMES[(i + i / 30) % 30];
            let company_index = (i * 7) % LEAD_COMPANIES.len();
            let company = LEAD_COMPANIES[company_index];
            let domain = format!("{}.example.com", slug(company));
            let final_stage = FUNNEL[(i * 5) % FUNNEL.len()];
            // Every other won deal (by funnel round) has become a client already.
            let convert = final_stage == LeadStage::ClosedWon && (i / FUNNEL.len()).is_multiple_of(2);
            let moves = final_stage != LeadStage::Prospect && i.is_multiple_of(3) && !convert;
            let created_stage = if convert {
                LeadStage::Proposal
            } else if moves {
                previous_stage(final_stage)
            } else {
                final_stage
            };
            let open = !matches!(final_stage, LeadStage::ClosedWon | LeadStage::ClosedLost);
            let service = SERVICE_NAMES[i % SERVICE_NAMES.len()];
            let mut tags = vec![LEAD_TAGS[i % LEAD_TAGS.len()].to_owned()];
            if i.is_multiple_of(3) {
                tags.push(LEAD_TAGS[(i + 3) % LEAD_TAGS.len()].to_owned());
            }
            let request = CreateLeadRequest {
                name: format!("{first} {last}"),
                first_name: Some(first.to_owned()),
                last_name: Some(last.to_owned()),
                email: Some(format!("{}.{}@{domain}", first.to_ascii_lowercase(), last.to_ascii_lowercase())),
                // Every eighth lead came in without a phone number.
                phone: (i % 8 != 7).then(|| format!("+1 (555) {:03}-{:04}", 300 + i / 100, 1000 + (i % 100) * 37)),
                company: Some(company.to_owned()),
                job_title: Some(JOB_TITLES[(i * 3) % JOB_TITLES.len()].to_owned()),
                website: Some(format!("https://{domain}")),
                stage: Some(created_stage),
                score: Some([LeadScore::Hot, LeadScore::Warm, LeadScore::Warm, LeadScore::Cold][(i * 3) % 4]),
                ai_score: i.is_multiple_of(2).then(|| i32::try_from((i * 37) % 100).unwrap_or(50)),
                status: None,
                source: Some(LeadSource::ALL[(i * 4) % LeadSource::ALL.len()]),
                value: Some(i32::try_from(((i * 7919) % 97 + 3) * 250).unwrap_or(0)),
                assigned_to_id: None,
                client_id: None,
                tags: Some(tags),
                social_links: i.is_multiple_of(4).then(|| {
                    BTreeMap::from([(
                        "linkedin".to_owned(),
                        format!(
                            "https://www.linkedin.com/in/{}-{}",
                            first.to_ascii_lowercase(),
                            last.to_ascii_lowercase()
                        ),
                    )])
                }),
                location: Some(LOCATIONS[(i * 3 + i / 10) % LOCATIONS.len()].to_owned()),
                // One industry per company, so that its contacts agree.
                industry: Some(INDUSTRIES[company_index % INDUSTRIES.len()].to_owned()),
                // Open deals have a follow-up, a few of them overdue.
                next_follow_up_date: open.then(|| at(today, i64::try_from(i % 21).unwrap_or(0) - 5, 15)),
                notes: i
                    .is_multiple_of(5)
                    .then(|| format!("Interested in {service}; asked for a proposal before the end of the quarter.")),
            };
            let activities =
                (0..1 + i % 4).map(|k| activity(kinds[(i + k) % kinds.len()], first, service, k)).collect();
            LeadSpec {
                request,
                // Every tenth lead waits in the unassigned pool for a manager to hand out.
                agent: (i % 10 != 9).then(|| agents[i % agents.len()]),
                activities,
                move_to: moves.then_some(final_stage),
                convert,
            }
        })
        .collect()
}

fn spaces() -> Vec<SpaceSpec> {
    let space = |name: &str, icon: &str, color: &str, parent: Option<usize>, order: i32| SpaceSpec {
        request: CreateTaskSpaceRequest {
            name: name.to_owned(),
            icon: Some(icon.to_owned()),
            color: Some(color.to_owned()),
            parent_space_id: None,
            order: Some(order),
        },
        parent,
    };
    vec![
        space("Client delivery", "📦", "#3B82F6", None, 0),
        space("Onboarding", "🚀", "#6366F1", Some(0), 0),
        space("Monthly reporting", "📊", "#0EA5E9", Some(0), 1),
        space("Marketing", "📣", "#F59E0B", None, 1),
        space("Content calendar", "🗓️", "#F97316", Some(3), 0),
        space("Blog posts", "✍️", "#EF4444", Some(4), 0),
        space("Internal", "🏢", "#10B981", None, 2),
    ]
}

fn tasks(today: NaiveDate, users: &[UserSpec], space_count: usize) -> Vec<TaskSpec> {
    let mut team = indices_of(users, Role::Manager);
    for role in [Role::Staff, Role::SalesAgent, Role::StaffContentCreator] {
        team.extend(indices_of(users, role));
    }
    let mut out: Vec<TaskSpec> = TASK_TITLES
        .iter()
        .enumerate()
        .map(|(t, title)| {
            let client = title.contains("{client}").then_some((t * 7) % CLIENT_COMPANIES.len());
            let title = client.map_or_else(|| (*title).to_owned(), |c| title.replace("{client}", CLIENT_COMPANIES[c]));
            let status = TaskStatus::ALL[t % TaskStatus::ALL.len()];
            let progress = match status {
                TaskStatus::Todo => 0,
                TaskStatus::InProgress => 40,
                TaskStatus::Review => 80,
                TaskStatus::Completed | TaskStatus::Archived => 100,
            };
            let checklist = t.is_multiple_of(4).then(|| {
                ["Draft", "Internal review", "Client sign-off"]
                    .iter()
                    .enumerate()
                    .map(|(k, text)| ChecklistItem { text: (*text).to_owned(), completed: k == 0 })
                    .collect()
            });
            TaskSpec {
                request: CreateTaskRequest {
                    title,
                    description: Some("Created by the demo data of `cargo xtask run --demo`.".to_owned()),
                    status: Some(status),
                    priority: Some(TaskPriority::ALL[(t * 3) % TaskPriority::ALL.len()]),
                    assigned_to_id: None,
                    space_id: None,
                    client_id: None,
                    campaign_id: None,
                    due_date: Some(at(today, i64::try_from(t % 15).unwrap_or(0) - 4, 17)),
                    start_date: None,
                    checklist,
                    tags: Some(vec![["client", "internal", "content"][t % 3].to_owned()]),
                    estimated_hours: Some(i32::try_from(1 + t % 8).unwrap_or(1)),
                    task_progress: Some(progress),
                    blocks_completion: None,
                    is_recurring: None,
                    recurrence_rule: None,
                    recurrence_timezone: None,
                    schedule_from: None,
                },
                space: t % space_count,
                assignee: team[t % team.len()],
                client,
                complete: false,
            }
        })
        .collect();
    let next_monday = {
        let ahead = 7 - i64::from(today.weekday().num_days_from_monday());
        at(today, ahead, 8)
    };
    let month_end = today
        .with_day(1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(today);
    let recurring =
        |title: &str, rule: &str, due: DateTime<Utc>, space: usize, assignee: usize, complete: bool| TaskSpec {
            request: CreateTaskRequest {
                title: title.to_owned(),
                description: Some("A recurring task: completing it schedules the next one.".to_owned()),
                status: None,
                priority: Some(TaskPriority::High),
                assigned_to_id: None,
                space_id: None,
                client_id: None,
                campaign_id: None,
                due_date: Some(due),
                start_date: None,
                checklist: None,
                tags: Some(vec!["recurring".to_owned()]),
                estimated_hours: Some(2),
                task_progress: None,
                blocks_completion: None,
                is_recurring: Some(true),
                recurrence_rule: Some(rule.to_owned()),
                recurrence_timezone: Some("Europe/Berlin".to_owned()),
                schedule_from: None,
            },
            space,
            assignee,
            client: None,
            complete,
        };
    // The weekly one is completed once, so its series already has a second instance.
    out.push(recurring("Weekly client report", "FREQ=WEEKLY;BYDAY=MO", next_monday, 2, team[0], true));
    out.push(recurring("Month-end invoice run", "FREQ=MONTHLY;BYMONTHDAY=-1", at(month_end, 0, 16), 6, team[0], false));
    out
}

/// The whole demo data set for a seeding on `today`, every user with `password`.
pub fn plan(today: NaiveDate, password: &str) -> Plan {
    let users = users(password);
    let spaces = spaces();
    Plan {
        clients: clients(&users),
        campaigns: campaigns(today),
        leads: leads(today, &users),
        tasks: tasks(today, &users, spaces.len()),
        spaces,
        users,
    }
}

/// The sign-ins to print: role and email of every demo user.
pub fn sign_ins(plan: &Plan) -> Vec<(String, String)> {
    plan.users
        .iter()
        .map(|u| {
            let role = u.request.role.map_or("staff", Role::as_str).to_owned();
            (role, u.request.email.clone().unwrap_or_else(|| u.request.username.clone()))
        })
        .collect()
}
