//! The e-mail outbox (canManageSettings): every mail with its delivery state, searchable
//! by recipient and filtered by status (in the URL), and each mail's text and HTML — where
//! mail is read when no SMTP server is configured.

use crate::api;
use crate::kit::format::{format_time, humanize};
use crate::kit::{
    choices, gated_page, use_list, Column, Dialog, Empty, ErrorState, FilterSelect, ListView, Loading, Opener,
    PageHeader, SearchBox,
};
use domain::ops::outbox::{EmailStatus, OutboxEmail};
use leptos::prelude::*;
use leptos::task::spawn_local;

const PAGE_SIZE: i64 = 25;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let refused = Empty {
        title: "You cannot read the outbox",
        message: "The outbox is for holders of the canManageSettings permission.",
    };
    gated_page("Outbox", |u| u.permissions.can_manage_settings, refused, || view! { <OutboxAdmin /> })
}

fn status_badge(status: EmailStatus) -> impl IntoView {
    let class = match status {
        EmailStatus::Sent => "status status-on",
        EmailStatus::Failed => "status status-danger",
        EmailStatus::Pending => "status status-info",
        EmailStatus::Skipped => "status status-off",
    };
    let label = match status {
        EmailStatus::Skipped => "Kept (no SMTP)".to_owned(),
        other => humanize(other.as_str()),
    };
    view! { <span class=class>{label}</span> }
}

#[component]
fn OutboxAdmin() -> impl IntoView {
    let list = use_list(PAGE_SIZE, api::ops::outbox::list);
    let url = list.url;
    let reading = Opener::<OutboxEmail>::new();
    let row = move |email: OutboxEmail| {
        let label = format!("Read the mail to {}", email.to_address);
        let target = email.clone();
        view! {
            <tr data-testid="outbox-row">
                <td data-label="To">{email.to_address.clone()}</td>
                <td data-label="Subject">{email.subject.clone()}</td>
                <td data-label="Mail">{humanize(&email.template)}</td>
                <td data-label="Status">{status_badge(email.status)}</td>
                <td data-label="Tries" class="numeric">{email.attempts}</td>
                <td data-label="Queued">{format_time(Some(email.created_at))}</td>
                <td data-label="Sent">{format_time(email.sent_at)}</td>
                <td data-label="Last error" class="wrap">{email.last_error.clone().unwrap_or_default()}</td>
                <td class="row-actions">
                    <button class="button button-small" aria-label=label on:click=move |_| reading.open(target.clone())>
                        "Read"
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        <PageHeader title="Outbox" note="Every mail the product sends. Without SMTP_URL, mail is kept here instead." />
        <div class="toolbar">
            <SearchBox url id="outbox-search" label="Recipient" placeholder="Search by address" />
            <FilterSelect
                label="Status"
                id="outbox-status-filter"
                bind=url.field(|f| &mut f.status)
                options=choices(&EmailStatus::ALL, EmailStatus::as_str, |s| humanize(s.as_str()))
                any="Any status"
            />
        </div>
        <ListView
            list
            caption="Mails"
            columns=vec![
                Column::Text("To"),
                Column::Text("Subject"),
                Column::Text("Mail"),
                Column::Text("Status"),
                Column::Text("Tries"),
                Column::Text("Queued"),
                Column::Text("Sent"),
                Column::Text("Last error"),
                Column::Actions,
            ]
            row
            empty=Empty { title: "No mail found", message: "Change the search or the filters." }
            loading="Loading the outbox…"
        />
        {reading.view(|_: ()| {}, |email, on_close| view! { <MailReader email on_close /> })}
    }
}

/// One mail's text and HTML; the HTML in a sandboxed frame (no scripts, no same origin).
#[component]
fn MailReader(email: OutboxEmail, on_close: Callback<Option<()>>) -> impl IntoView {
    let detail = RwSignal::new(None);
    let id = email.id;
    spawn_local(async move {
        let _ = detail.try_set(Some(api::ops::outbox::get(id).await));
    });
    let close = Callback::new(move |_| on_close.run(None));
    view! {
        <Dialog title=email.subject.clone() on_escape=close>
            <h2>{email.subject.clone()}</h2>
            <p class="muted">{format!("To {} · {}", email.to_address, email.message_id.clone().unwrap_or_default())}</p>
            {move || match detail.get() {
                None => view! { <Loading label="Loading the mail…" /> }.into_any(),
                Some(Err(problem)) => view! { <ErrorState problem /> }.into_any(),
                Some(Ok(mail)) => {
                    view! {
                        <h3>"Text"</h3>
                        <pre class="mail-text" data-testid="mail-text">{mail.body_text.clone()}</pre>
                        {mail.body_html.clone().map(|html| view! {
                            <h3>"HTML"</h3>
                            <iframe class="mail-html" title="The HTML part" sandbox="" srcdoc=html></iframe>
                        })}
                    }
                        .into_any()
                }
            }}
            <div class="dialog-actions">
                <button class="button" on:click=move |_| on_close.run(None)>"Close"</button>
            </div>
        </Dialog>
    }
}
