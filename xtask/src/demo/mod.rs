//! `cargo xtask run --demo`: a realistic agency CRM, created through the running server's
//! HTTP API so that every record passes the API's validation and leaves its audit row.
//!
//! The data set is a pure function of the day it is seeded on ([`plan`]): fixed name
//! lists combined by index arithmetic, no randomness, so every database gets the same
//! people, companies and pipeline (dates are relative to the seeding day so that
//! follow-ups and due dates look current). Seeding only happens while the database holds
//! no leads; a second run says so and creates nothing.

mod names;
mod plan;
#[cfg(test)]
mod tests;

use crate::http;
use anyhow::{bail, Context, Result};
use domain::crm::campaigns::{Campaign, CreateCampaignRequest};
use domain::crm::clients::{Client, CreateClientRequest};
use domain::crm::leads::{CreateLeadRequest, Lead, LeadStage, UpdateLeadRequest};
use domain::identity::users::{CreateUserRequest, User};
use domain::work::tasks::{CreateTaskRequest, CreateTaskSpaceRequest, Task, TaskSpace, TaskStatus, UpdateTaskRequest};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub use plan::{plan, sign_ins, Plan};

/// The demo users' shared password, generated once, in the data dir.
pub const PASSWORD_FILE: &str = "demo-password";
const TIMEOUT: Duration = Duration::from_secs(30);

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
