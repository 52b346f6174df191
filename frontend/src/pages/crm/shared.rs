//! Pieces the CRM pages share: the permission gate of each part, the badges and options
//! of stages and statuses, the leads' list/pipeline switch, the client picker's options,
//! and the contact and owner fields of the lead and client dialogs.

use crate::api;
use crate::kit::format::humanize;
use crate::kit::{choices, Gate, SelectField, TextField};
use crate::pages::identity::people::{owner_options, Person};
use domain::crm::campaigns::CampaignStatus;
use domain::crm::clients::{ClientFilter, ClientSort, ClientStatus};
use domain::crm::leads::LeadStage;
use domain::Problem;
use leptos::prelude::*;
use leptos_router::components::A;

/// The parts of the CRM, each behind its own permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Leads,
    Clients,
    Campaigns,
}

/// Shows `children` to holders of the part's permission; the others read which one it is.
#[component]
pub fn CrmGate(part: Part, children: ChildrenFn) -> impl IntoView {
    let (allowed, title, message): (fn(&domain::identity::users::CurrentUser) -> bool, _, _) = match part {
        Part::Leads => (
            |u| u.permissions.can_manage_leads,
            "You cannot see leads",
            "Leads are open to holders of the canManageLeads permission.",
        ),
        Part::Clients => (
            |u| u.permissions.can_manage_clients,
            "You cannot see clients",
            "Clients are open to holders of the canManageClients permission.",
        ),
        Part::Campaigns => (
            |u| u.permissions.can_manage_campaigns,
            "You cannot see campaigns",
            "Campaigns are open to holders of the canManageCampaigns permission.",
        ),
    };
    view! { <Gate allowed title message>{children()}</Gate> }
}

pub fn stage_options() -> Vec<(String, String)> {
    choices(&LeadStage::ALL, LeadStage::as_str, |s| s.label().to_owned())
}

/// The badge class of a stage, so the list and the board colour stages alike.
pub fn stage_class(stage: LeadStage) -> String {
    format!("badge stage-{}", stage.as_str())
}

pub fn campaign_status_class(status: CampaignStatus) -> String {
    format!("badge campaign-{}", status.as_str())
}

/// A campaign's status as its coloured badge.
pub fn campaign_status_badge(status: CampaignStatus) -> impl IntoView {
    view! { <span class=campaign_status_class(status)>{humanize(status.as_str())}</span> }
}

pub const CLIENT_STATUSES: [ClientStatus; 3] = [ClientStatus::Active, ClientStatus::Inactive, ClientStatus::Archived];

pub fn client_status_options() -> Vec<(String, String)> {
    choices(&CLIENT_STATUSES, ClientStatus::as_str, |s| humanize(s.as_str()))
}

/// A client's status, green while active.
pub fn client_status_badge(status: ClientStatus) -> impl IntoView {
    view! {
        <span
            class=format!("status status-{}", status.as_str())
            class:status-on=status == ClientStatus::Active
            class:status-off=status != ClientStatus::Active
        >
            {humanize(status.as_str())}
        </span>
    }
}

/// List and pipeline views of the leads.
#[component]
pub fn LeadViews() -> impl IntoView {
    view! {
        <nav class="segmented" aria-label="Lead views">
            <A href="/leads" exact=true>
                "List"
            </A>
            <A href="/leads/pipeline" exact=true>
                "Pipeline"
            </A>
        </nav>
    }
}

/// The clients a campaign can belong to, by name (the picker's options).
pub fn use_client_options() -> LocalResource<Vec<(String, String)>> {
    LocalResource::new(|| {
        let filter = ClientFilter { sort: Some(ClientSort::Name), ..Default::default() };
        let request = api::crm::clients::list(&filter, api::page(200, 0));
        async move {
            request
                .await
                .map(|page| page.items.into_iter().map(|c| (c.id.to_string(), c.name)).collect())
                .unwrap_or_default()
        }
    })
}

/// The contact fields leads and clients share.
#[derive(Debug, Clone, Copy)]
pub struct Contact {
    pub name: RwSignal<String>,
    pub company: RwSignal<String>,
    pub email: RwSignal<String>,
    pub phone: RwSignal<String>,
}

impl Contact {
    pub fn new(name: Option<&str>, company: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Self {
        let text = |value: Option<&str>| RwSignal::new(value.unwrap_or_default().to_owned());
        Contact { name: text(name), company: text(company), email: text(email), phone: text(phone) }
    }
}

#[component]
pub fn ContactFields(contact: Contact, problem: Signal<Option<Problem>>) -> impl IntoView {
    view! {
        <TextField label="Name" name="name" value=contact.name problem required=true autocomplete="off" />
        <TextField label="Company" name="company" value=contact.company problem autocomplete="off" />
        <TextField label="Email" name="email" value=contact.email problem input_type="email" autocomplete="off" />
        <TextField label="Phone" name="phone" value=contact.phone problem input_type="tel" autocomplete="off" />
    }
}

/// The owner picker, for those who can see the people to pick from.
#[component]
pub fn OwnerField(
    value: RwSignal<String>,
    people: Signal<Vec<Person>>,
    problem: Signal<Option<Problem>>,
) -> impl IntoView {
    view! {
        <Show when=move || !people.get().is_empty()>
            <SelectField label="Owner" name="assignedToId" value problem options=owner_options(&people.get()) />
        </Show>
    }
}
