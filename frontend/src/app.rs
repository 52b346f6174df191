//! The router, the app shell (header + role-aware sidebar) and the theme toggle.

use crate::kit::{use_toasts, Loading, ToastHost, Toasts};
use crate::session::{use_session, Session};
use crate::{api, pages, routes};
use domain::Permissions;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::{path, Lazy};

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    crate::kit::live::follow(session);
    provide_context(Toasts::new());
    spawn_local(load_session(session));
    apply_theme(stored_theme());

    view! {
        <Router>
            <Routes fallback=|| view! { <pages::NotFound /> }>
                <Route path=path!("/login") view=pages::LoginPage />
                <Route path=path!("/forgot-password") view={Lazy::<routes::ForgotPassword>::new()} />
                <Route path=path!("/reset-password") view={Lazy::<routes::ResetPassword>::new()} />
                <Route path=path!("/confirm-signup") view={Lazy::<routes::ConfirmSignup>::new()} />
                <Route path=path!("/confirm-email") view={Lazy::<routes::ConfirmEmail>::new()} />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view={Lazy::<routes::Home>::new()} />
                    <Route path=path!("/users") view={Lazy::<routes::Users>::new()} />
                    <Route path=path!("/api-keys") view={Lazy::<routes::ApiKeys>::new()} />
                    <Route path=path!("/jobs") view={Lazy::<routes::Jobs>::new()} />
                    <Route path=path!("/outbox") view={Lazy::<routes::Outbox>::new()} />
                    <Route path=path!("/webhooks") view={Lazy::<routes::Webhooks>::new()} />
                    <Route path=path!("/profile") view={Lazy::<routes::Profile>::new()} />
                    <Route path=path!("/notifications") view={Lazy::<routes::Notifications>::new()} />
                    <Route
                        path=path!("/notifications/preferences")
                        view={Lazy::<routes::NotificationPreferences>::new()}
                    />
                    <Route path=path!("/portal") view={Lazy::<routes::Portal>::new()} />
                    <Route path=path!("/leads") view={Lazy::<routes::Leads>::new()} />
                    <Route path=path!("/leads/pipeline") view={Lazy::<routes::Pipeline>::new()} />
                    <Route path=path!("/leads/:id") view={Lazy::<routes::LeadDetail>::new()} />
                    <Route path=path!("/clients") view={Lazy::<routes::Clients>::new()} />
                    <Route path=path!("/clients/:id") view={Lazy::<routes::ClientDetail>::new()} />
                    <Route path=path!("/campaigns") view={Lazy::<routes::Campaigns>::new()} />
                    <Route path=path!("/campaigns/:id") view={Lazy::<routes::CampaignDetail>::new()} />
                    <Route path=path!("/tasks") view={Lazy::<routes::Tasks>::new()} />
                    <Route path=path!("/calendar") view={Lazy::<routes::Calendar>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastHost />
    }
}

/// Loads the current user, refreshing the session once when the access cookie is gone.
async fn load_session(session: Session) {
    let user = match api::identity::auth::current_user().await {
        Ok(Some(user)) => Some(user),
        _ if api::has_session_cookie() => api::refresh_session().await.map(|s| s.user),
        _ => None,
    };
    session.user.set(user);
    session.loaded.set(true);
}

/// Everything behind sign-in: waits for the session, else sends the visitor to /login.
#[component]
fn Shell() -> impl IntoView {
    let session = use_session();
    let signed_in = Memo::new(move |_| session.user.with(Option::is_some));
    move || {
        if !session.loaded.get() {
            view! {
                <div class="boot">
                    <Loading label="Starting MarketingOS…" />
                </div>
            }
            .into_any()
        } else if !signed_in.get() {
            view! { <Redirect path="/login" /> }.into_any()
        } else {
            view! { <Layout /> }.into_any()
        }
    }
}

/// A sidebar link: its address, its label, and whether the user's permissions open it.
type Section = (&'static str, &'static str, fn(&Permissions) -> bool);

/// The sidebar's sections, each shown when the user's permissions open it (the pages check
/// the same flags, and the API enforces them regardless).
const STAFF: [Section; 11] = [
    ("/", "Dashboard", |_| true),
    ("/leads", "Leads", |p| p.can_manage_leads),
    ("/clients", "Clients", |p| p.can_manage_clients),
    ("/campaigns", "Campaigns", |p| p.can_manage_campaigns),
    ("/tasks", "Tasks", |_| true),
    ("/calendar", "Calendar", |_| true),
    ("/users", "Users", |p| p.can_manage_users),
    ("/api-keys", "API keys", |p| p.can_manage_settings),
    ("/jobs", "Background jobs", |p| p.can_manage_settings),
    ("/outbox", "Outbox", |p| p.can_manage_settings),
    ("/webhooks", "Webhooks", |p| p.can_manage_settings),
];

/// Client-portal accounts see only their portal (and their profile).
const PORTAL: [Section; 1] = [("/portal", "Client portal", |_| true)];

#[component]
fn Layout() -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let menu_open = RwSignal::new(false);
    let user = move || session.user.get();
    let flags = move || user().map(|u| u.permissions).unwrap_or_default();
    let portal = move || user().is_some_and(|u| u.user.role.is_client_portal());
    let name = move || user().map(|u| u.user.display_name()).unwrap_or_default();
    let role = move || user().map(|u| u.user.role.as_str().replace('_', " ")).unwrap_or_default();

    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            if let Err(problem) = api::identity::auth::logout().await {
                toasts.problem(&problem);
            }
            crate::session::set_user(None);
            navigate("/login", Default::default());
        });
    };

    view! {
        <div class="app" class:menu-open=move || menu_open.get()>
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <header class="topbar">
                <button
                    class="icon-button menu-button"
                    aria-label="Menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >
                    "☰"
                </button>
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"M"</span>
                    "MarketingOS"
                </a>
                <div class="topbar-end">
                    <crate::bell::NotificationBell />
                    <ThemeToggle />
                    <span class="user-chip" data-testid="user-chip">
                        <span>{name}</span>
                        <small>{role}</small>
                    </span>
                    <button class="button button-ghost" data-testid="logout" on:click=logout>
                        "Sign out"
                    </button>
                </div>
            </header>
            <nav class="sidebar" aria-label="Main" on:click=move |_| menu_open.set(false)>
                <ul>
                    {move || {
                        let flags = flags();
                        let sections: &[Section] = if portal() { &PORTAL } else { &STAFF };
                        sections
                            .iter()
                            .filter(|(_, _, shown)| shown(&flags))
                            .map(|(href, label, _)| view! { <li><A href=*href>{*label}</A></li> })
                            .collect_view()
                    }}
                    <li>
                        <A href="/profile">"My profile"</A>
                    </li>
                </ul>
            </nav>
            <main id="main" class="content" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_theme() -> Option<String> {
    storage()?.get_item("mos-theme").ok().flatten().filter(|t| t == "light" || t == "dark")
}

fn apply_theme(theme: Option<String>) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match theme {
        Some(theme) => root.set_attribute("data-theme", &theme),
        None => root.remove_attribute("data-theme"),
    };
}

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Switches between light and dark; the choice is remembered in localStorage.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(stored_theme().map(|t| t == "dark").unwrap_or_else(system_prefers_dark));
    let toggle = move |_| {
        let next = !dark.get_untracked();
        dark.set(next);
        let theme = if next { "dark" } else { "light" };
        if let Some(storage) = storage() {
            let _ = storage.set_item("mos-theme", theme);
        }
        apply_theme(Some(theme.to_owned()));
    };
    view! {
        <button
            class="icon-button"
            data-testid="theme-toggle"
            aria-label=move || if dark.get() { "Use light theme" } else { "Use dark theme" }
            title="Toggle theme"
            on:click=toggle
        >
            {move || if dark.get() { "☀" } else { "☾" }}
        </button>
    }
}
