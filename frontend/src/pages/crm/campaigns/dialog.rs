//! Create or edit a campaign, with a client picker (or for a given client).

use crate::api;
use crate::kit::format::{changed, day_start, day_value, humanize, non_empty};
use crate::kit::{choices, refusal, Form, FormDialog, SelectField, TextField};
use crate::pages::crm::shared::use_client_options;
use chrono::{DateTime, Utc};
use domain::crm::campaigns::{Campaign, CampaignStatus, CreateCampaignRequest, UpdateCampaignRequest};
use domain::Problem;
use futures_util::future::Either;
use leptos::prelude::*;
use uuid::Uuid;

pub fn status_options() -> Vec<(String, String)> {
    choices(&CampaignStatus::ALL, CampaignStatus::as_str, |s| humanize(s.as_str()))
}

/// The problem for a form the browser can already tell is incomplete, shown at the field
/// like the API's own answers.
fn missing_client() -> Problem {
    refusal("clientId", "required", "Choose the client this campaign is for.", "choose a client")
}

/// Create (`campaign` = None, optionally for `client`) or edit a campaign.
#[component]
pub fn CampaignDialog(
    campaign: Option<Campaign>,
    client: Option<Uuid>,
    on_close: Callback<Option<Campaign>>,
) -> impl IntoView {
    let clients = use_client_options();
    let editing = campaign.is_some();
    let text = |f: fn(&Campaign) -> Option<String>| RwSignal::new(campaign.as_ref().and_then(f).unwrap_or_default());
    let client_id =
        RwSignal::new(campaign.as_ref().map(|c| c.client_id).or(client).map(|id| id.to_string()).unwrap_or_default());
    let name = text(|c| Some(c.name.clone()));
    let kind = text(|c| Some(c.campaign_type.clone()));
    let status = RwSignal::new(campaign.as_ref().map_or(CampaignStatus::Planning, |c| c.status).as_str().to_owned());
    let budget = text(|c| c.budget.map(|b| b.to_string()));
    let start = text(|c| Some(day_value(c.start_date)));
    let end = text(|c| Some(day_value(c.end_date)));
    let description = text(|c| c.description.clone());
    let goals = text(|c| c.goals.clone());
    let form = Form::new();

    let submit = move || {
        // An unreadable number goes to the API as an invalid one, so its answer names the field.
        let amount = non_empty(&budget.get_untracked()).map(|v| v.parse::<i32>().unwrap_or(-1));
        let status = CampaignStatus::parse(&status.get_untracked());
        let start = day_start(&start.get_untracked());
        let end = day_start(&end.get_untracked());
        let value = |field: RwSignal<String>| non_empty(&field.get_untracked());
        Ok(match &campaign {
            None => {
                let client_id = Uuid::parse_str(&client_id.get_untracked()).map_err(|_| missing_client())?;
                Either::Left(api::crm::campaigns::create(&CreateCampaignRequest {
                    client_id,
                    name: name.get_untracked().trim().to_owned(),
                    campaign_type: kind.get_untracked().trim().to_owned(),
                    status,
                    start_date: start,
                    end_date: end,
                    budget: amount,
                    description: value(description),
                    goals: value(goals),
                }))
            }
            Some(current) => {
                let same_day = |d: Option<DateTime<Utc>>| d.and_then(|d| day_start(&day_value(Some(d))));
                let body = UpdateCampaignRequest {
                    name: Some(name.get_untracked().trim().to_owned()).filter(|n| *n != current.name),
                    campaign_type: Some(kind.get_untracked().trim().to_owned()).filter(|k| *k != current.campaign_type),
                    status: status.filter(|s| *s != current.status),
                    start_date: changed(start, &same_day(current.start_date)),
                    end_date: changed(end, &same_day(current.end_date)),
                    budget: changed(amount, &current.budget),
                    description: changed(value(description), &current.description),
                    goals: changed(value(goals), &current.goals),
                };
                Either::Right(api::crm::campaigns::update(current.id, &body))
            }
        })
    };

    let title = if editing { "Edit campaign" } else { "New campaign" };
    let problem: Signal<Option<Problem>> = form.problem.into();
    // A campaign stays with its client: editing shows the client, creating picks one.
    let client_field = move || {
        let options: Vec<(String, String)> = std::iter::once((String::new(), "Choose a client…".to_owned()))
            .chain(clients.get().unwrap_or_default())
            .collect();
        if editing {
            let chosen = client_id.get_untracked();
            let name = options.into_iter().find(|(v, _)| *v == chosen).map(|(_, l)| l).unwrap_or_default();
            view! {
                <div class="field">
                    <span class="field-label">"Client"</span>
                    <p>{name}</p>
                </div>
            }
            .into_any()
        } else {
            view! { <SelectField label="Client" name="clientId" value=client_id problem options /> }.into_any()
        }
    };
    view! {
        <FormDialog title testid="campaign-form" form submit name=|c: &Campaign| c.name.clone() editing on_close>
            <div class="form-grid">
                {client_field}
                <TextField label="Name" name="name" value=name problem required=true autocomplete="off" />
                <TextField label="Type" name="type" value=kind problem required=true hint="e.g. social, email, seo" />
                <SelectField label="Status" name="status" value=status problem options=status_options() />
                <TextField label="Budget" name="budget" value=budget problem input_type="number" />
                <TextField label="Starts" name="startDate" value=start problem input_type="date" />
                <TextField label="Ends" name="endDate" value=end problem input_type="date" />
                <TextField label="Description" name="description" value=description problem rows=3 />
                <TextField label="Goals" name="goals" value=goals problem rows=3 />
            </div>
        </FormDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::field_error;

    #[test]
    fn a_missing_client_is_shown_at_the_picker() {
        let problem = Some(missing_client());
        assert_eq!(field_error(&problem, "clientId").as_deref(), Some("choose a client"));
        assert_eq!(status_options().len(), CampaignStatus::ALL.len());
    }
}
