//! The pages that are not needed to sign in, loaded on demand one business area at a time:
//! each area's pages are one `#[lazy]` function, which `cargo xtask build-spa` splits out of
//! the main wasm into a module the browser fetches the first time one of its routes
//! matches. The shell and the sign-in page stay in the main module, so the first download
//! stays small however many pages the app grows; one module per area (rather than per
//! page, as `#[lazy_route]` makes) keeps the number of files a first visit fetches small.

use crate::pages;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// `area!(name, preload_name, Enum { Route => Page, … })` declares, for each `Route`, the
/// route type whose view is the component `pages::Page`, all of them in the split module
/// `name`. `preload_name` is the function `#[lazy]` generates to fetch that module ahead.
macro_rules! area {
    ($area:ident, $preload:ident, $pages:ident { $($route:ident => $page:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy)]
        pub enum $pages {
            $($route),*
        }

        #[leptos::lazy]
        fn $area(page: $pages) -> AnyView {
            match page {
                $($pages::$route => view! { <pages::$page /> }.into_any()),*
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> AnyView {
                    $area($pages::$route).await
                }

                async fn preload() {
                    // Only the wasm build is split.
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )*
    };
}

area!(shell_pages, __preload_shell_pages, ShellPages { Home => HomePage, Portal => PortalPage });

area!(identity_pages, __preload_identity_pages, IdentityPages {
    ForgotPassword => ForgotPasswordPage,
    ResetPassword => ResetPasswordPage,
    ConfirmSignup => ConfirmSignupPage,
    ConfirmEmail => ConfirmEmailPage,
    Users => UsersPage,
    ApiKeys => ApiKeysPage,
    Profile => ProfilePage,
});

area!(crm_pages, __preload_crm_pages, CrmPages {
    Leads => LeadsPage,
    Pipeline => PipelinePage,
    LeadDetail => LeadDetailPage,
    Clients => ClientsPage,
    ClientDetail => ClientDetailPage,
    Campaigns => CampaignsPage,
    CampaignDetail => CampaignDetailPage,
});

area!(work_pages, __preload_work_pages, WorkPages { Tasks => TasksPage, Calendar => CalendarPage });

area!(ops_pages, __preload_ops_pages, OpsPages { Jobs => JobsPage, Outbox => OutboxPage, Webhooks => WebhooksPage });

area!(notify_pages, __preload_notify_pages, NotifyPages {
    Notifications => NotificationsPage,
    NotificationPreferences => NotificationPreferencesPage,
});
