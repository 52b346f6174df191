//! `cargo xtask run --demo`: a realistic agency CRM, created through the running server's
//! HTTP API so that every record passes the API's validation and leaves its audit row.
//!
//! The data set is a pure function of the day it is seeded on ([`plan`]): fixed name
//! lists combined by index arithmetic, no randomness, so every database gets the same
//! people, companies and pipeline (dates are relative to the seeding day so that
//! follow-ups and due dates look current). Seeding only happens while the database holds
//! no leads; a second run says so and creates nothing.

use crate::http;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use domain::crm::campaigns::{Campaign, CampaignStatus, CreateCampaignRequest};
use domain::crm::clients::{Client, CreateClientRequest};
use domain::crm::leads::{
    CreateLeadActivityRequest, CreateLeadRequest, Lead, LeadScore, LeadSource, LeadStage, LoggedActivityType,
    UpdateLeadRequest,
};
use domain::identity::permissions::Role;
use domain::identity::users::{CreateUserRequest, User};
use domain::work::tasks::{
    ChecklistItem, CreateTaskRequest, CreateTaskSpaceRequest, Task, TaskPriority, TaskSpace, TaskStatus,
    UpdateTaskRequest,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The demo users' shared password, generated once, in the data dir.
pub const PASSWORD_FILE: &str = "demo-password";
const TIMEOUT: Duration = Duration::from_secs(30);

const FIRST_NAMES: [&str; 30] = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Isabella",
    "Lucas",
    "Mia",
    "Mateo",
    "Amelia",
    "Ethan",
    "Harper",
    "Mason",
    "Evelyn",
    "Logan",
    "Abigail",
    "Aiden",
    "Emily",
    "Jackson",
    "Ella",
    "Sebastian",
    "Scarlett",
    "Diego",
    "Priya",
    "Kenji",
    "Fatima",
    "Tomasz",
];
const LAST_NAMES: [&str; 30] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Nakamura",
    "Kowalski",
];
/// Companies of the leads (several contacts per company, as in a real pipeline).
const LEAD_COMPANIES: [&str; 40] = [
    "Northwind Traders",
    "Bluebird Dental",
    "Summit Roofing",
    "Harbor Yoga Studio",
    "Pinecrest Realty",
    "Copperleaf Coffee",
    "Atlas Fitness",
    "Greenway Landscaping",
    "Riverside Auto Repair",
    "Maple Street Bakery",
    "Brightpath Tutoring",
    "Lumen Solar",
    "Oakridge Veterinary",
    "Cascade Plumbing",
    "Silverline Logistics",
    "Redwood Law Group",
    "Sunrise Senior Living",
    "Ironclad Security",
    "Velvet Petal Florist",
    "Crescent Moon Spa",
    "Golden Gate Catering",
    "Horizon Travel",
    "Keystone Accounting",
    "Lighthouse Marina",
    "Meadowbrook Farms",
    "Nimbus Software",
    "Orchard Pediatrics",
    "Peak Performance Physio",
    "Quarry Stone Works",
    "Rustic Table Bistro",
    "Starlight Events",
    "Tidewater Boats",
    "Urban Nest Interiors",
    "Vista Optometry",
    "Willow Creek Winery",
    "Cobalt Cycling",
    "Evergreen Insurance",
    "Fox & Hound Pub",
    "Granite Peak Outfitters",
    "Juniper Wellness",
];
/// The agency's clients.
const CLIENT_COMPANIES: [&str; 25] = [
    "Brightside Bakery",
    "Coastal Kitchens",
    "Driftwood Hotels",
    "Elm & Oak Furniture",
    "Fairway Golf Club",
    "Glasshouse Gallery",
    "Hilltop Dental Care",
    "Indigo Salon",
    "Jetstream Aviation",
    "Kindred Pet Clinic",
    "Lakeside Marina",
    "Mosaic Tile Co",
    "Nova Fitness",
    "Olive Branch Catering",
    "Parkside Pediatrics",
    "Quill & Ink Stationery",
    "Ridgeline Outdoor",
    "Saffron Kitchen",
    "Timberline Builders",
    "Uplift Yoga",
    "Verde Landscaping",
    "Wavecrest Surf School",
    "Yellowstone Realty",
    "Zenith Chiropractic",
    "Alder Creek Vineyards",
];
const INDUSTRIES: [&str; 10] = [
    "Hospitality",
    "Healthcare",
    "Retail",
    "Real estate",
    "Professional services",
    "Fitness",
    "Home services",
    "Technology",
    "Food & beverage",
    "Education",
];
const JOB_TITLES: [&str; 8] = [
    "Owner",
    "Marketing Manager",
    "Operations Director",
    "CEO",
    "Office Manager",
    "Head of Growth",
    "General Manager",
    "Founder",
];
const LOCATIONS: [&str; 10] = [
    "Austin, TX",
    "Denver, CO",
    "Portland, OR",
    "Miami, FL",
    "Chicago, IL",
    "Seattle, WA",
    "Boston, MA",
    "San Diego, CA",
    "Nashville, TN",
    "Phoenix, AZ",
];
const LEAD_TAGS: [&str; 8] =
    ["smb", "enterprise", "ecommerce", "local", "franchise", "newsletter", "referral-program", "multi-location"];
const SERVICES: [&str; 6] = ["seo", "social", "ppc", "email", "web-design", "content"];
const SERVICE_NAMES: [&str; 6] =
    ["SEO", "social media", "paid ads", "email marketing", "a website redesign", "content"];
/// A sales funnel: many prospects, fewer deals closing.
const FUNNEL: [LeadStage; 12] = [
    LeadStage::Prospect,
    LeadStage::Prospect,
    LeadStage::Prospect,
    LeadStage::Contacted,
    LeadStage::Contacted,
    LeadStage::Contacted,
    LeadStage::Qualified,
    LeadStage::Qualified,
    LeadStage::Proposal,
    LeadStage::Proposal,
    LeadStage::ClosedWon,
    LeadStage::ClosedLost,
];
const CAMPAIGN_TYPES: [(&str, &str); 5] = [
    ("social", "social push"),
    ("email", "newsletter"),
    ("ppc", "search ads"),
    ("seo", "SEO sprint"),
    ("content", "content series"),
];
const CAMPAIGN_NAMES: [&str; 8] = [
    "Spring launch",
    "Summer promo",
    "Back to school",
    "Holiday season",
    "New year kickoff",
    "Brand awareness",
    "Lead magnet",
    "Grand opening",
];
const TASK_TITLES: [&str; 30] = [
    "Kick-off call with {client}",
    "Collect brand assets from {client}",
    "Set up analytics for {client}",
    "Draft content calendar",
    "Write blog post: 5 local SEO tips",
    "Design Instagram carousel",
    "Review ad spend for {client}",
    "Prepare monthly report for {client}",
    "Update website copy for {client}",
    "Plan holiday newsletter",
    "Keyword research for {client}",
    "Fix broken links on {client} site",
    "Schedule social posts for next week",
    "Send proposal follow-ups",
    "Record testimonial video",
    "Audit Google Business profile for {client}",
    "Refresh landing page",
    "Onboard new client {client}",
    "Quarterly strategy review",
    "Update CRM pipeline notes",
    "Photograph new menu for {client}",
    "A/B test email subject lines",
    "Renew domain and hosting",
    "Prepare pitch deck",
    "Clean up shared drive",
    "Reply to reviews for {client}",
    "Set up retargeting pixel",
    "Write case study on {client}",
    "Team retrospective",
    "Archive finished campaign assets",
];

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
fn at(today: NaiveDate, days: i64, hour: u32) -> DateTime<Utc> {
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
fn indices_of(users: &[UserSpec], role: Role) -> Vec<usize> {
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

/// A signed-in API session.
struct Api {
    addr: SocketAddr,
    bearer: String,
}

impl Api {
    fn login(addr: SocketAddr, username: &str, password: &str) -> Result<Api> {
        let body = serde_json::json!({ "username": username, "password": password }).to_string();
        let response = http::request(addr, "POST", "/api/login", &[], Some(&body), TIMEOUT)?;
        if response.status != 200 {
            bail!("signing in as {username} answered {}: {}", response.status, response.body);
        }
        let token = http::json_string(&response.body, "accessToken").context("no accessToken in the sign-in answer")?;
        Ok(Api { addr, bearer: format!("Bearer {token}") })
    }

    fn call(&self, method: &str, path: &str, body: Option<&impl Serialize>) -> Result<http::Response> {
        let body = body.map(serde_json::to_string).transpose()?;
        http::request(self.addr, method, path, &[("Authorization", &self.bearer)], body.as_deref(), TIMEOUT)
    }

    /// `method path` with a JSON body, expecting `expected` and a JSON answer.
    fn send<T: DeserializeOwned>(&self, method: &str, path: &str, body: &impl Serialize, expected: u16) -> Result<T> {
        let response = self.call(method, path, Some(body))?;
        if response.status != expected {
            bail!("{method} {path} answered {} (expected {expected}): {}", response.status, response.body);
        }
        serde_json::from_str(&response.body).with_context(|| format!("unexpected answer to {method} {path}"))
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<(T, Option<u64>)> {
        let response = self.call("GET", path, None::<&()>)?;
        if response.status != 200 {
            bail!("GET {path} answered {}: {}", response.status, response.body);
        }
        let total = response.header("x-total-count").and_then(|n| n.parse().ok());
        let value = serde_json::from_str(&response.body).with_context(|| format!("unexpected answer to GET {path}"))?;
        Ok((value, total))
    }

    /// Creates the user, or finds the one an interrupted earlier seeding created.
    fn ensure_user(&self, request: &CreateUserRequest) -> Result<User> {
        let response = self.call("POST", "/api/users", Some(request))?;
        match response.status {
            201 | 200 => Ok(serde_json::from_str(&response.body).context("unexpected answer to POST /api/users")?),
            409 => {
                let (found, _): (Vec<User>, _) = self.get(&format!("/api/users?q={}", request.username))?;
                found
                    .into_iter()
                    .find(|u| u.username == request.username)
                    .with_context(|| format!("user {} exists but cannot be found", request.username))
            }
            status => bail!("POST /api/users answered {status}: {}", response.body),
        }
    }
}

/// What [`seed`] did.
pub enum Outcome {
    /// The database already had this many leads: nothing was created.
    AlreadyHasLeads(u64),
    Seeded(Summary),
}

pub struct Summary {
    pub seconds: f64,
    pub lines: Vec<String>,
}

/// Seeds `plan` through the server at `addr`, signed in as the bootstrap admin, unless
/// the database already holds leads.
pub fn seed(addr: SocketAddr, admin: &str, admin_password: &str, plan: &Plan) -> Result<Outcome> {
    let started = Instant::now();
    let api = Api::login(addr, admin, admin_password)?;
    let (_, existing): (Vec<Lead>, _) = api.get("/api/leads?limit=1")?;
    let existing = existing.context("GET /api/leads sent no X-Total-Count")?;
    if existing > 0 {
        return Ok(Outcome::AlreadyHasLeads(existing));
    }

    let mut user_ids: Vec<Option<i32>> = vec![None; plan.users.len()];
    for (i, spec) in plan.users.iter().enumerate().filter(|(_, u)| u.client.is_none()) {
        user_ids[i] = Some(api.ensure_user(&spec.request)?.id);
    }
    let id_of = |ids: &[Option<i32>], i: usize| ids[i].with_context(|| format!("user {i} was not created"));

    let mut client_ids = Vec::with_capacity(plan.clients.len());
    for spec in &plan.clients {
        let request =
            CreateClientRequest { assigned_to_id: Some(id_of(&user_ids, spec.staff)?), ..spec.request.clone() };
        let client: Client = api.send("POST", "/api/clients", &request, 201)?;
        client_ids.push(client.id);
    }
    for (i, spec) in plan.users.iter().enumerate() {
        if let Some(c) = spec.client {
            let request = CreateUserRequest { client_id: Some(client_ids[c].to_string()), ..spec.request.clone() };
            user_ids[i] = Some(api.ensure_user(&request)?.id);
        }
    }

    for spec in &plan.campaigns {
        let request = CreateCampaignRequest { client_id: client_ids[spec.client], ..spec.request.clone() };
        let _: Campaign = api.send("POST", "/api/campaigns", &request, 201)?;
    }

    // Agents log the activity on their own leads, as they would in the app.
    let mut agent_sessions = BTreeMap::new();
    for agent in plan.leads.iter().filter_map(|l| l.agent) {
        if let std::collections::btree_map::Entry::Vacant(slot) = agent_sessions.entry(agent) {
            let spec = &plan.users[agent];
            slot.insert(Api::login(addr, &spec.request.username, &spec.request.password)?);
        }
    }
    let (mut activities, mut converted) = (0, 0);
    for spec in &plan.leads {
        let assigned = spec.agent.map(|a| id_of(&user_ids, a)).transpose()?;
        let request = CreateLeadRequest { assigned_to_id: assigned, ..spec.request.clone() };
        let lead: Lead = api.send("POST", "/api/leads", &request, 201)?;
        let actor = spec.agent.and_then(|a| agent_sessions.get(&a)).unwrap_or(&api);
        for activity in &spec.activities {
            let _: serde_json::Value =
                actor.send("POST", &format!("/api/leads/{}/activities", lead.id), activity, 201)?;
            activities += 1;
        }
        if let Some(stage) = spec.move_to {
            let patch = UpdateLeadRequest { stage: Some(stage), ..UpdateLeadRequest::default() };
            let _: Lead = actor.send("PATCH", &format!("/api/leads/{}", lead.id), &patch, 200)?;
        }
        if spec.convert {
            let _: Client =
                api.send("POST", &format!("/api/leads/{}/convert", lead.id), &serde_json::json!({}), 201)?;
            converted += 1;
        }
    }

    let mut space_ids: Vec<Uuid> = Vec::with_capacity(plan.spaces.len());
    for spec in &plan.spaces {
        let parent =
            spec.parent.map(|p| space_ids.get(p).copied().context("a space's parent comes after it")).transpose()?;
        let request = CreateTaskSpaceRequest { parent_space_id: parent, ..spec.request.clone() };
        let space: TaskSpace = api.send("POST", "/api/task-spaces", &request, 201)?;
        space_ids.push(space.id);
    }
    for spec in &plan.tasks {
        let request = CreateTaskRequest {
            assigned_to_id: Some(id_of(&user_ids, spec.assignee)?),
            space_id: Some(space_ids[spec.space]),
            client_id: spec.client.map(|c| client_ids[c]),
            ..spec.request.clone()
        };
        let task: Task = api.send("POST", "/api/tasks", &request, 201)?;
        if spec.complete {
            let patch = UpdateTaskRequest { status: Some(TaskStatus::Completed), ..UpdateTaskRequest::default() };
            let _: Task = api.send("PATCH", &format!("/api/tasks/{}", task.id), &patch, 200)?;
        }
    }

    let mut lines = vec![format!(
        "{} users, {} clients (+{converted} converted from leads), {} campaigns, {} leads with {activities} activities, \
         {} task spaces, {} tasks (and the next instance of each completed recurring one)",
        plan.users.len(),
        plan.clients.len(),
        plan.campaigns.len(),
        plan.leads.len(),
        plan.spaces.len(),
        plan.tasks.len(),
    )];
    let stages: Vec<String> = LeadStage::ALL
        .into_iter()
        .map(|stage| format!("{} {}", plan.leads.iter().filter(|l| l.final_stage() == stage).count(), stage.as_str()))
        .collect();
    lines.push(format!("pipeline: {}", stages.join(", ")));
    for (agent, session) in &agent_sessions {
        let (_, total): (Vec<Lead>, _) = session.get("/api/leads?limit=1")?;
        lines.push(format!("{} sees {} leads (their own)", plan.users[*agent].request.username, total.unwrap_or(0)));
    }
    Ok(Outcome::Seeded(Summary { seconds: started.elapsed().as_secs_f64(), lines }))
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

#[cfg(test)]
mod tests {
    use super::*;
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
        let emails: BTreeSet<String> = p
            .leads
            .iter()
            .filter_map(|l| l.request.email.as_deref())
            .map(domain::crm::leads::normalize_email)
            .collect();
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
}
