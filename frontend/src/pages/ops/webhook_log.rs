//! One webhook endpoint's delivery log: each delivery's event, status and attempts (the
//! receiver's answer, the error, how long it took), newest first, with redelivery of the
//! delivered and failed ones (the same event id, after the pending ones).

use crate::api;
use crate::kit::format::{format_time, humanize};
use crate::kit::{loaded, resource_on, use_toasts, Dialog, Reload};
use domain::ops::webhooks::{DeliveryAttempt, DeliveryLogEntry, DeliveryStatus, WebhookEndpoint};
use leptos::prelude::*;

/// The newest deliveries the log shows.
const SHOWN: i64 = 50;

fn status_badge(status: DeliveryStatus) -> impl IntoView {
    let class = match status {
        DeliveryStatus::Delivered => "status status-on",
        DeliveryStatus::Failed => "status status-danger",
        DeliveryStatus::Pending => "status status-info",
    };
    view! { <span class=class>{humanize(status.as_str())}</span> }
}

/// "Try 2: HTTP 500 in 35 ms", "Try 3: no answer within 10 s in 10002 ms".
fn attempt_line(attempt: &DeliveryAttempt) -> String {
    let answer = match (&attempt.error, attempt.status_code) {
        (Some(error), _) => error.clone(),
        (None, Some(code)) => format!("HTTP {code}"),
        (None, None) => "no answer".to_owned(),
    };
    format!(
        "Try {}: {answer} in {} ms, {}",
        attempt.attempt,
        attempt.duration_ms,
        format_time(Some(attempt.attempted_at))
    )
}

#[component]
pub fn DeliveryLog(endpoint: WebhookEndpoint, on_close: Callback<Option<()>>) -> impl IntoView {
    let toasts = use_toasts();
    let reload = Reload::new();
    let id = endpoint.id;
    let entries = resource_on(reload, move || id, |id| api::ops::webhooks::deliveries(id, api::page(SHOWN, 0)));
    let redeliver = move |delivery_id: i64| {
        toasts.act(
            api::ops::webhooks::redeliver(id, delivery_id),
            |delivery| format!("evt_{} is queued again", delivery.event_id),
            move |_| reload.bump(),
        )
    };
    let row = move |entry: DeliveryLogEntry| {
        let delivery = entry.delivery;
        let again = (delivery.status != DeliveryStatus::Pending).then(|| {
            let delivery_id = delivery.id;
            view! {
                <button class="button button-small" on:click=move |_| redeliver(delivery_id)>"Redeliver"</button>
            }
        });
        let next = (delivery.status == DeliveryStatus::Pending)
            .then(|| format!("Next try {}", format_time(Some(delivery.next_attempt_at))));
        view! {
            <tr data-testid="delivery-row">
                <td data-label="Event">
                    <div class="cell-stack">
                        <span>{delivery.event_type.clone()}</span>
                        <span class="cell-note mono">{format!("evt_{}", delivery.event_id)}</span>
                    </div>
                </td>
                <td data-label="Status">
                    <div class="cell-stack">
                        {status_badge(delivery.status)}
                        {next.map(|text| view! { <span class="cell-note">{text}</span> })}
                    </div>
                </td>
                <td data-label="Attempts" class="wrap">
                    <div class="cell-stack">
                        {entry.attempt_log.iter().map(|a| view! { <span class="cell-note">{attempt_line(a)}</span> }).collect_view()}
                        {delivery.last_error.clone().filter(|_| entry.attempt_log.is_empty()).map(|e| view! { <span class="cell-note">{e}</span> })}
                    </div>
                </td>
                <td data-label="Queued">{format_time(Some(delivery.created_at))}</td>
                <td class="row-actions">{again}</td>
            </tr>
        }
    };
    let close = Callback::new(move |_| on_close.run(None));
    view! {
        <Dialog title=format!("Deliveries to {}", endpoint.url) on_escape=close>
            <h2>"Deliveries"</h2>
            <p class="muted mono">{endpoint.url.clone()}</p>
            {loaded(entries, "Loading the deliveries…", Some(reload), move |page| {
                if page.items.is_empty() {
                    view! { <p class="muted">"Nothing has been sent to this endpoint yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table class="table">
                                <caption class="visually-hidden">"Deliveries, newest first"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Event"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Attempts"</th>
                                        <th scope="col">"Queued"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>{page.items.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }
            })}
            <div class="dialog-actions">
                <button class="button" on:click=move |_| reload.bump()>"Refresh"</button>
                <button class="button" on:click=move |_| on_close.run(None)>"Close"</button>
            </div>
        </Dialog>
    }
}
