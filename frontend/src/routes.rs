//! The pages that are not needed to sign in, each behind a `#[lazy_route]`: `cargo xtask
//! build-spa` splits their code out of the main wasm into chunks that the browser fetches
//! the first time one of their routes matches. The shell and the sign-in page stay in the
//! main module, so the first download stays small however many pages the app grows.

use crate::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// `Name => Page` declares the route type `Name` whose view is the component `pages::Page`.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <pages::$page /> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    ForgotPassword => ForgotPasswordPage,
    ResetPassword => ResetPasswordPage,
    ConfirmSignup => ConfirmSignupPage,
    ConfirmEmail => ConfirmEmailPage,
    Home => HomePage,
    Users => UsersPage,
    ApiKeys => ApiKeysPage,
    Profile => ProfilePage,
    Portal => PortalPage,
    Leads => LeadsPage,
    Pipeline => PipelinePage,
    LeadDetail => LeadDetailPage,
    Clients => ClientsPage,
    ClientDetail => ClientDetailPage,
    Campaigns => CampaignsPage,
    CampaignDetail => CampaignDetailPage,
    Tasks => TasksPage,
    Calendar => CalendarPage,
}
