//! Create or edit a lead. A 409 names the lead that already has the email or phone, with a
//! link to it.

use crate::api;
use crate::kit::format::{changed, day_start, day_value, humanize, non_empty};
use crate::kit::{choices, Form, FormDialog, SelectField, TextField};
use crate::pages::crm::shared::{stage_options, Contact, ContactFields, OwnerField};
use crate::pages::identity::people::Person;
use domain::crm::leads::{CreateLeadRequest, Lead, LeadScore, LeadSource, LeadStage, UpdateLeadRequest};
use domain::{ErrorCode, Problem};
use futures_util::future::Either;
use leptos::prelude::*;
use uuid::Uuid;

pub fn source_options() -> Vec<(String, String)> {
    choices(&LeadSource::ALL, LeadSource::as_str, |s| humanize(s.as_str()))
}

fn score_options() -> Vec<(String, String)> {
    choices(&[LeadScore::Hot, LeadScore::Warm, LeadScore::Cold], LeadScore::as_str, |s| humanize(s.as_str()))
}

/// The id of the lead a duplicate (409) problem names: "… already exists (lead <uuid>)".
pub fn duplicate_lead_id(detail: &str) -> Option<Uuid> {
    let start = detail.find("(lead ")? + "(lead ".len();
    let rest = &detail[start..];
    Uuid::parse_str(rest.get(..36)?).ok()
}

/// The problem as the fields show it: the API names the existing lead by id, people know
/// it by name (`other`, once fetched).
fn naming_the_duplicate(mut problem: Problem, other: Option<&str>) -> Problem {
    for error in &mut problem.errors {
        error.message = format!("{} already has this {}", other.unwrap_or("another lead"), error.field);
    }
    problem
}

#[derive(Clone, Copy)]
struct Fields {
    contact: Contact,
    job_title: RwSignal<String>,
    website: RwSignal<String>,
    stage: RwSignal<String>,
    score: RwSignal<String>,
    source: RwSignal<String>,
    status: RwSignal<String>,
    value: RwSignal<String>,
    follow_up: RwSignal<String>,
    notes: RwSignal<String>,
    assignee: RwSignal<String>,
}

impl Fields {
    fn new(lead: Option<&Lead>) -> Self {
        let text = |f: fn(&Lead) -> Option<String>, default: &str| {
            RwSignal::new(lead.map_or(Some(default.to_owned()), f).unwrap_or_default())
        };
        Fields {
            contact: Contact::new(lead.map(|l| (l.name.as_str(), &l.company, &l.email, &l.phone))),
            job_title: text(|l| l.job_title.clone(), ""),
            website: text(|l| l.website.clone(), ""),
            stage: text(|l| Some(l.stage.as_str().to_owned()), LeadStage::Prospect.as_str()),
            score: text(|l| Some(l.score.as_str().to_owned()), LeadScore::Warm.as_str()),
            source: text(|l| Some(l.source.as_str().to_owned()), LeadSource::Website.as_str()),
            status: text(|l| Some(l.status.clone()), "new"),
            value: text(|l| l.value.map(|v| v.to_string()), ""),
            follow_up: text(|l| Some(day_value(l.next_follow_up_date)), ""),
            notes: text(|l| l.notes.clone(), ""),
            assignee: text(|l| l.assigned_to_id.map(|id| id.to_string()), ""),
        }
    }

    fn text(field: RwSignal<String>) -> Option<String> {
        non_empty(&field.get_untracked())
    }

    /// A value the browser could not read as a number goes to the API as an invalid one,
    /// so the answer names the field instead of the value being dropped.
    fn amount(self) -> Option<i32> {
        Self::text(self.value).map(|v| v.parse::<i32>().unwrap_or(-1))
    }

    fn source(self) -> LeadSource {
        LeadSource::parse(&self.source.get_untracked()).unwrap_or(LeadSource::Other)
    }

    fn create(self) -> CreateLeadRequest {
        CreateLeadRequest {
            name: self.contact.name.get_untracked().trim().to_owned(),
            email: Self::text(self.contact.email),
            phone: Self::text(self.contact.phone),
            company: Self::text(self.contact.company),
            job_title: Self::text(self.job_title),
            website: Self::text(self.website),
            stage: LeadStage::parse(&self.stage.get_untracked()),
            score: LeadScore::parse(&self.score.get_untracked()),
            status: Self::text(self.status),
            source: Some(self.source()),
            value: self.amount(),
            assigned_to_id: self.assignee.get_untracked().parse().ok(),
            next_follow_up_date: day_start(&self.follow_up.get_untracked()),
            notes: Self::text(self.notes),
            ..Default::default()
        }
    }

    /// The fields that differ from `current`; the owner only when it could be picked.
    fn update(self, current: &Lead, owner_picked: bool) -> UpdateLeadRequest {
        UpdateLeadRequest {
            name: Some(self.contact.name.get_untracked().trim().to_owned()).filter(|n| *n != current.name),
            email: changed(Self::text(self.contact.email), &current.email),
            phone: changed(Self::text(self.contact.phone), &current.phone),
            company: changed(Self::text(self.contact.company), &current.company),
            job_title: changed(Self::text(self.job_title), &current.job_title),
            website: changed(Self::text(self.website), &current.website),
            stage: LeadStage::parse(&self.stage.get_untracked()).filter(|s| *s != current.stage),
            score: LeadScore::parse(&self.score.get_untracked()).filter(|s| *s != current.score),
            status: Self::text(self.status).filter(|s| *s != current.status),
            source: Some(self.source()).filter(|s| *s != current.source),
            value: changed(self.amount(), &current.value),
            assigned_to_id: owner_picked
                .then(|| changed(self.assignee.get_untracked().parse().ok(), &current.assigned_to_id))
                .flatten(),
            next_follow_up_date: changed(
                day_start(&self.follow_up.get_untracked()),
                &current.next_follow_up_date.and_then(|d| day_start(&day_value(Some(d)))),
            ),
            notes: changed(Self::text(self.notes), &current.notes),
            ..Default::default()
        }
    }
}

/// Create (`lead` = None) or edit a lead; `on_close` receives the saved lead.
#[component]
pub fn LeadDialog(
    lead: Option<Lead>,
    #[prop(into)] people: Signal<Vec<Person>>,
    on_close: Callback<Option<Lead>>,
) -> impl IntoView {
    let editing = lead.is_some();
    let fields = Fields::new(lead.as_ref());
    // A duplicate is said in the dialog, naming the lead, rather than as a notification.
    let form = Form::notifying(|p| p.code != ErrorCode::Conflict);
    let duplicate_id = Memo::new(move |_| {
        form.problem
            .with(|p| p.as_ref().filter(|p| p.code == ErrorCode::Conflict).and_then(|p| duplicate_lead_id(&p.detail)))
    });
    let other = LocalResource::new(move || {
        let id = duplicate_id.get();
        async move {
            let id = id?;
            let name = api::crm::leads::get(id).await.map(|l| l.name).unwrap_or_else(|_| "another lead".into());
            Some((id, name))
        }
    });
    // The existing lead once its name is known (for this problem, not an earlier one).
    let duplicate = move || other.get().flatten().filter(|(id, _)| Some(*id) == duplicate_id.get());
    let shown = Signal::derive(move || {
        let problem = form.problem.get()?;
        Some(match duplicate_id.get() {
            Some(_) => naming_the_duplicate(problem, duplicate().as_ref().map(|(_, name)| name.as_str())),
            None => problem,
        })
    });

    let submit = move || {
        Ok(match &lead {
            None => Either::Left(api::crm::leads::create(&fields.create())),
            Some(current) => {
                let body = fields.update(current, !people.get_untracked().is_empty());
                Either::Right(api::crm::leads::update(current.id, &body))
            }
        })
    };

    let conflict =
        move || form.problem.with(|p| p.as_ref().filter(|p| p.code == ErrorCode::Conflict).map(|p| p.detail.clone()));
    let duplicate_field = move || {
        form.problem
            .with(|p| p.as_ref().and_then(|p| p.errors.first()).map(|e| e.field.clone()))
            .unwrap_or_else(|| "contact details".into())
    };
    let title = if editing { "Edit lead" } else { "New lead" };
    view! {
        <FormDialog title testid="lead-form" form submit name=|l: &Lead| l.name.clone() editing on_close>
            <div class="form-grid">
                <ContactFields contact=fields.contact problem=shown />
                <TextField label="Job title" name="jobTitle" value=fields.job_title problem=shown autocomplete="off" />
                <TextField label="Website" name="website" value=fields.website problem=shown input_type="url" hint="https://…" />
                <SelectField label="Stage" name="stage" value=fields.stage problem=shown options=stage_options() />
                <SelectField label="Score" name="score" value=fields.score problem=shown options=score_options() />
                <SelectField label="Source" name="source" value=fields.source problem=shown options=source_options() />
                <TextField label="Status" name="status" value=fields.status problem=shown autocomplete="off" />
                <TextField label="Value" name="value" value=fields.value problem=shown input_type="number" />
                <TextField label="Next follow-up" name="nextFollowUpDate" value=fields.follow_up problem=shown input_type="date" />
                <OwnerField value=fields.assignee people problem=shown />
                <TextField label="Notes" name="notes" value=fields.notes problem=shown rows=3 />
            </div>
            // A duplicate waits for the existing lead's name; other conflicts say what the API said.
            {move || {
                let message = match (duplicate_id.get(), duplicate()) {
                    (Some(_), None) => return None,
                    (_, Some((id, other))) => view! {
                        <p>
                            "This lead already exists: " <a href=format!("/leads/{id}")>{other}</a> " has the same "
                            {duplicate_field()} ". Open it instead, or change the contact details."
                        </p>
                    }
                    .into_any(),
                    (None, None) => {
                        let detail = conflict()?;
                        view! { <p>{detail}</p> }.into_any()
                    }
                };
                Some(view! { <div class="alert alert-error" role="alert" data-testid="duplicate-lead">{message}</div> })
            }}
        </FormDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_problems_name_the_existing_lead() {
        let id = Uuid::from_u128(0x6f1c6c1e_8f0e_4a43_9d7b_1d1f7f6e1a10);
        let detail = format!("A lead with this email already exists (lead {id})");
        assert_eq!(duplicate_lead_id(&detail), Some(id));
        assert_eq!(duplicate_lead_id("A lead with this email already exists (lead with the same email)"), None);
        let problem = Problem::new(ErrorCode::Conflict, detail).with_errors(vec![domain::FieldError {
            field: "email".into(),
            code: "conflict".into(),
            message: "taken".into(),
        }]);
        assert_eq!(naming_the_duplicate(problem.clone(), Some("Ada")).errors[0].message, "Ada already has this email");
        assert_eq!(naming_the_duplicate(problem, None).errors[0].message, "another lead already has this email");
    }
}
