//! Create or edit a client.

use crate::api;
use crate::kit::format::{changed, non_empty};
use crate::kit::{Form, FormDialog, SelectField, TextField};
use crate::pages::crm::shared::{client_status_options, Contact, ContactFields, OwnerField};
use crate::pages::identity::people::Person;
use domain::crm::clients::{Client, ClientStatus, CreateClientRequest, UpdateClientRequest};
use domain::Problem;
use futures_util::future::Either;
use leptos::prelude::*;

/// Create (`client` = None) or edit a client; `on_close` receives the saved client.
#[component]
pub fn ClientDialog(
    client: Option<Client>,
    #[prop(into)] people: Signal<Vec<Person>>,
    on_close: Callback<Option<Client>>,
) -> impl IntoView {
    let editing = client.is_some();
    let contact = Contact::new(client.as_ref().map(|c| (c.name.as_str(), &c.company, &c.email, &c.phone)));
    let text = |f: fn(&Client) -> Option<String>| RwSignal::new(client.as_ref().and_then(f).unwrap_or_default());
    let website = text(|c| c.website.clone());
    let status = RwSignal::new(client.as_ref().map_or(ClientStatus::Active, |c| c.status).as_str().to_owned());
    let tags = text(|c| Some(c.service_tags.join(", ")));
    let notes = text(|c| c.notes.clone());
    let order = text(|c| Some(c.display_order.to_string()));
    let assignee = text(|c| c.assigned_to_id.map(|id| id.to_string()));
    let form = Form::new();

    let submit = move || {
        let value = |field: RwSignal<String>| non_empty(&field.get_untracked());
        let service_tags: Vec<String> = tags.get_untracked().split(',').filter_map(non_empty).collect();
        let display_order = value(order).and_then(|o| o.parse::<i32>().ok());
        let assigned = assignee.get_untracked().parse::<i32>().ok();
        let status = ClientStatus::parse(&status.get_untracked());
        Ok(match &client {
            None => Either::Left(api::crm::clients::create(&CreateClientRequest {
                name: contact.name.get_untracked().trim().to_owned(),
                email: value(contact.email),
                phone: value(contact.phone),
                company: value(contact.company),
                website: value(website),
                service_tags: Some(service_tags),
                status,
                assigned_to_id: assigned,
                notes: value(notes),
                display_order,
                ..Default::default()
            })),
            Some(current) => {
                let body = UpdateClientRequest {
                    name: Some(contact.name.get_untracked().trim().to_owned()).filter(|n| *n != current.name),
                    email: changed(value(contact.email), &current.email),
                    phone: changed(value(contact.phone), &current.phone),
                    company: changed(value(contact.company), &current.company),
                    website: changed(value(website), &current.website),
                    service_tags: Some(service_tags).filter(|t| *t != current.service_tags),
                    status: status.filter(|s| *s != current.status),
                    // The owner only when it could be picked.
                    assigned_to_id: (!people.get_untracked().is_empty())
                        .then(|| changed(assigned, &current.assigned_to_id))
                        .flatten(),
                    notes: changed(value(notes), &current.notes),
                    display_order: display_order.filter(|o| *o != current.display_order),
                    ..Default::default()
                };
                Either::Right(api::crm::clients::update(current.id, &body))
            }
        })
    };

    let title = if editing { "Edit client" } else { "New client" };
    let problem: Signal<Option<Problem>> = form.problem.into();
    view! {
        <FormDialog title testid="client-form" form submit name=|c: &Client| c.name.clone() editing on_close>
            <div class="form-grid">
                <ContactFields contact problem />
                <TextField label="Website" name="website" value=website problem input_type="url" hint="https://…" />
                <SelectField label="Status" name="status" value=status problem options=client_status_options() />
                <TextField label="Services" name="serviceTags" value=tags problem hint="Comma-separated, e.g. SEO, social" />
                <TextField label="Display order" name="displayOrder" value=order problem input_type="number" />
                <OwnerField value=assignee people problem />
                <TextField label="Notes" name="notes" value=notes problem rows=3 />
            </div>
        </FormDialog>
    }
}
