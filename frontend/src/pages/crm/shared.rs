//! Pieces the CRM pages share: the pages of each part behind its permission, the badges and options
//! of stages and statuses, the leads' list/pipeline switch, the client picker's options,
//! and the contact and owner fields of the lead and client dialogs.

use crate::api;
use crate::kit::format::humanize;
use crate::kit::{by_id, choices, gated_page, Empty, Gate, SelectField, TextField};
use crate::pages::identity::people::{owner_options, Person};
use domain::crm::campaigns::CampaignStatus;
use domain::crm::clients::{ClientFilter, ClientSort, ClientStatus};
use domain::crm::leads::LeadStage;
use domain::identity::users::CurrentUser;
use domain::Problem;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// The parts of the CRM, each behind its own permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Leads,
    Clients,
    Campaigns,
}

impl Part {
    /// Who may see the part, and what the others read.
    fn permission(self) -> (fn(&CurrentUser) -> bool, Empty) {
        match self {
            Part::Leads => (
                |u| u.permissions.can_manage_leads,
                Empty {
                    title: "You cannot see leads",
                    message: "Leads are open to holders of the canManageLeads permission.",
                },
            ),
            Part::Clients => (
                |u| u.permissions.can_manage_clients,
                Empty {
                    title: "You cannot see clients",
                    message: "Clients are open to holders of the canManageClients permission.",
                },
            ),
            Part::Campaigns => (
                |u| u.permissions.can_manage_campaigns,
                Empty {
                    title: "You cannot see campaigns",
                    message: "Campaigns are open to holders of the canManageCampaigns permission.",
                },
            ),
        }
    }
}

/// A page of the part, titled `title`, for holders of its permission.
pub fn crm_page<V: IntoView + 'static>(
    part: Part,
    title: &'static str,
    page: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let (allowed, refused) = part.permission();
    gated_page(title, allowed, refused, page)
}

/// The page of one `what` of the part at `/…/:id`, for holders of its permission.
pub fn crm_record<V: IntoView + 'static>(
    part: Part,
    what: &'static str,
    page: impl Fn(Uuid) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let (allowed, refused) = part.permission();
    view! {
        <Gate allowed title=refused.title message=refused.message>
            {by_id(what, page.clone())}
        </Gate>
    }
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

/// A record's name, company, email and phone, as the fields show them.
pub type ContactOf<'a> = (&'a str, &'a Option<String>, &'a Option<String>, &'a Option<String>);

impl Contact {
    /// The fields of a record's contact (`None` for a new record: blank).
    pub fn new(of: Option<ContactOf>) -> Self {
        let (name, company, email, phone) = of.unwrap_or(("", &None, &None, &None));
        let text = |value: &Option<String>| RwSignal::new(value.clone().unwrap_or_default());
        Contact { name: RwSignal::new(name.to_owned()), company: text(company), email: text(email), phone: text(phone) }
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
