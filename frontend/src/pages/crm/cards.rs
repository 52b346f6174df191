//! The dashboard's CRM cards: the counts of active clients and running campaigns, and the
//! open leads with the count in each stage.

use super::shared::stage_class;
use crate::api;
use crate::kit::page::total;
use crate::kit::Loading;
use domain::crm::campaigns::{CampaignFilter, CampaignStatus};
use domain::crm::clients::{ClientFilter, ClientStatus};
use domain::crm::leads::{LeadFilter, LeadStage};
use domain::Problem;
use futures_util::future::{join_all, LocalBoxFuture};
use leptos::prelude::*;
use leptos_router::components::A;

/// The number of active clients, for the dashboard's card.
pub fn active_clients() -> LocalBoxFuture<'static, Option<i64>> {
    let filter = ClientFilter { status: Some(ClientStatus::Active), ..Default::default() };
    total(api::crm::clients::list(&filter, api::page(1, 0)))
}

/// The number of running campaigns, for the dashboard's card.
pub fn running_campaigns() -> LocalBoxFuture<'static, Option<i64>> {
    let filter = CampaignFilter { status: Some(CampaignStatus::Active), ..Default::default() };
    total(api::crm::campaigns::list(&filter, api::page(1, 0)))
}

/// How many leads are in each stage.
#[component]
pub fn LeadStagesCard() -> impl IntoView {
    let counts = LocalResource::new(|| {
        let requests = LeadStage::ALL.map(|stage| {
            let filter = LeadFilter { stage: Some(stage), ..Default::default() };
            let request = api::crm::leads::list(&filter, api::page(1, 0));
            async move { request.await.map(|page| (stage, page.total)) }
        });
        async move { join_all(requests).await.into_iter().collect::<Result<Vec<_>, Problem>>() }
    });
    view! {
        <article class="card" data-testid="leads-card">
            <h2>"Leads"</h2>
            {move || match counts.get() {
                None => view! { <Loading label="Counting…" /> }.into_any(),
                Some(Err(_)) => view! { <p class="metric">"—"</p> }.into_any(),
                Some(Ok(counts)) => {
                    let open: i64 = counts
                        .iter()
                        .filter(|(s, _)| !matches!(s, LeadStage::ClosedWon | LeadStage::ClosedLost))
                        .map(|(_, n)| n)
                        .sum();
                    view! {
                        <p class="metric">{open}</p>
                        <p class="muted">"open leads"</p>
                        <ul class="stage-counts">
                            {counts
                                .into_iter()
                                .map(|(stage, n)| {
                                    view! {
                                        <li>
                                            <span class=stage_class(stage)>{stage.label()}</span>
                                            <span>{n}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
            <A href="/leads/pipeline">"Open the pipeline"</A>
        </article>
    }
}
