//! The staff dashboard, the client portal and the not-found page.

use super::crm::cards::{active_clients, running_campaigns, LeadStagesCard};
use crate::api;
use crate::kit::format::set_title;
use crate::kit::page::total;
use crate::kit::{CountCard, EmptyState};
use crate::session::use_session;
use domain::identity::users::UserFilter;
use domain::Permissions;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};

#[component]
fn Card(#[prop(into)] title: String, #[prop(into)] body: String) -> impl IntoView {
    view! {
        <article class="card">
            <h2>{title}</h2>
            <p class="muted">{body}</p>
            <span class="badge">"Coming soon"</span>
        </article>
    }
}

/// An area still to come: its title, what it will show, and who will see it.
type Coming = (&'static str, &'static str, fn(&Permissions) -> bool);

/// Areas still to come, each shown to those whose permissions will open it.
const COMING: [Coming; 4] = [
    ("Content", "Posts and assets awaiting review.", |p| p.can_manage_content),
    ("Invoices", "Open and overdue invoices.", |p| p.can_manage_invoices),
    ("Tickets", "Support requests that need an answer.", |p| p.can_manage_tickets),
    ("Reports", "Performance across clients and campaigns.", |p| p.can_view_reports),
];

/// `/`: staff see the dashboard; client-portal roles go to their portal.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let portal = move || session.user.with(|u| u.as_ref().is_some_and(|u| u.user.role.is_client_portal()));
    move || {
        if portal() {
            view! { <Redirect path="/portal" /> }.into_any()
        } else {
            view! { <DashboardPage /> }.into_any()
        }
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    set_title("Dashboard");
    let session = use_session();
    let flags = move || session.user.get().map(|u| u.permissions).unwrap_or_default();
    let name = move || {
        session.user.get().map(|u| u.user.first_name.clone().unwrap_or(u.user.username.clone())).unwrap_or_default()
    };
    view! {
        <header class="page-header">
            <div>
                <h1>"Dashboard"</h1>
                <p class="muted">{move || format!("Welcome back, {}.", name())}</p>
            </div>
        </header>
        <section class="cards" aria-label="Overview">
            <Show when=move || flags().can_manage_users>
                // Admins see how many accounts exist.
                <CountCard
                    title="Users"
                    count=|| total(api::identity::users::list(&UserFilter::default(), api::page(1, 0)))
                    href="/users"
                    link="Manage users"
                />
            </Show>
            <Show when=move || flags().can_manage_clients>
                <CountCard title="Clients" count=active_clients unit="active clients" href="/clients" link="Open clients" />
            </Show>
            <Show when=move || flags().can_manage_campaigns>
                <CountCard
                    title="Campaigns"
                    count=running_campaigns
                    unit="running campaigns"
                    href="/campaigns"
                    link="Open campaigns"
                />
            </Show>
            <Show when=move || flags().can_manage_leads>
                <LeadStagesCard />
            </Show>
            {move || {
                let flags = flags();
                COMING
                    .iter()
                    .filter(|(_, _, shown)| shown(&flags))
                    .map(|(title, body, _)| view! { <Card title=*title body=*body /> })
                    .collect_view()
            }}
        </section>
    }
}

#[component]
pub fn PortalPage() -> impl IntoView {
    set_title("Client portal");
    let session = use_session();
    let user = move || session.user.get();
    let prospective = move || user().is_some_and(|u| u.user.role == domain::Role::ProspectiveClient);
    view! {
        <header class="page-header">
            <div>
                <h1>"Client portal"</h1>
                <p class="muted">
                    {move || user().map(|u| format!("Signed in as {}", u.user.username)).unwrap_or_default()}
                </p>
            </div>
        </header>
        <Show
            when=prospective
            fallback=move || {
                view! {
                    <section class="cards" aria-label="Your account">
                        <article class="card">
                            <h2>"Your account"</h2>
                            <p class="muted">
                                {move || {
                                    user()
                                        .and_then(|u| u.user.client_id.clone())
                                        .map(|id| format!("Client record {id}"))
                                        .unwrap_or_else(|| "Not yet linked to a client record.".to_owned())
                                }}
                            </p>
                        </article>
                        <Card title="Support tickets" body="Ask our team for help and follow your requests." />
                        <Card title="Invoices" body="Your invoices and payment status." />
                        <Card title="Campaign reports" body="How your campaigns are performing." />
                    </section>
                }
            }
        >
            <EmptyState
                title="Your account is being reviewed"
                message="Our team will contact you shortly. Until then there is nothing to show here."
            />
        </Show>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Not found");
    view! {
        <main class="auth-page">
            <div class="auth-card">
                <h1>"Page not found"</h1>
                <p class="muted">"There is nothing at this address."</p>
                <A href="/">"Go to the start page"</A>
            </div>
        </main>
    }
}
