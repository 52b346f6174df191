//! Leads (canManageLeads): the list with a debounced search, filters, sortable columns
//! (the order is remembered), pages, and the create/edit dialog that names the existing
//! lead when the API reports a duplicate.

use super::crm::{
    changed, day_start, day_value, duplicate_lead_id, format_amount, format_day, humanize, non_empty, parse_day,
    parse_sort, person_name, stored_sort, use_people, Gate, Person, SortHeader, SEARCH_DELAY,
};
use crate::api;
use crate::components::{
    use_toasts, EmptyState, ErrorState, Loading, Pagination, SelectField, TextAreaField, TextField,
};
use crate::session::use_session;
use domain::crm::leads::{
    CreateLeadRequest, Lead, LeadFilter, LeadScore, LeadSort, LeadSource, LeadStage, UpdateLeadRequest,
};
use domain::{ErrorCode, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

const PAGE_SIZE: i64 = 20;
const SORT_STORAGE: &str = "mos-leads-sort";

pub fn stage_options() -> Vec<(String, String)> {
    LeadStage::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect()
}

fn source_options() -> Vec<(String, String)> {
    LeadSource::ALL.iter().map(|s| (s.as_str().to_owned(), humanize(s.as_str()))).collect()
}

fn score_options() -> Vec<(String, String)> {
    [LeadScore::Hot, LeadScore::Warm, LeadScore::Cold]
        .iter()
        .map(|s| (s.as_str().to_owned(), humanize(s.as_str())))
        .collect()
}

/// The badge class of a stage, so the list and the board colour stages alike.
pub fn stage_class(stage: LeadStage) -> String {
    format!("badge stage-{}", stage.as_str())
}

/// List and pipeline views of the leads.
#[component]
pub fn LeadViews() -> impl IntoView {
    view! {
        <nav class="segmented" aria-label="Lead views">
            <A href="/leads" exact=true>
                "List"
            </A>
            <A href="/leads/pipeline" exact=true>
                "Pipeline"
            </A>
        </nav>
    }
}

#[component]
pub fn LeadsPage() -> impl IntoView {
    super::set_title("Leads");
    view! {
        <Gate
            allowed=|p| p.can_manage_leads
            title="You cannot see leads"
            message="Leads are open to holders of the canManageLeads permission."
        >
            <LeadsList />
        </Gate>
    }
}

#[component]
fn LeadsList() -> impl IntoView {
    let session = use_session();
    let people = use_people();
    let search_input = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let created_from = RwSignal::new(String::new());
    let created_to = RwSignal::new(String::new());
    let sort = RwSignal::new(stored_sort::<LeadSort>(SORT_STORAGE, "-createdAt"));
    let offset = RwSignal::new(0i64);
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Option<Lead>>);
    let importing = RwSignal::new(false);

    let me = move || session.user.with(|u| u.as_ref().map(|u| u.user.id));
    let filter = move || LeadFilter {
        q: non_empty(&q.get()),
        stage: LeadStage::parse(&stage.get()),
        status: non_empty(&status.get()),
        source: non_empty(&source.get()).map(|s| LeadSource::parse(&s).unwrap_or(LeadSource::Other)),
        assigned_to_id: match assignee.get().as_str() {
            "" => None,
            "me" => me(),
            id => id.parse().ok(),
        },
        created_from: parse_day(&created_from.get()),
        created_to: parse_day(&created_to.get()),
        sort: parse_sort(&sort.get()),
        ..Default::default()
    };
    let leads = LocalResource::new(move || {
        reload.track();
        api::crm::leads::list(&filter(), api::page(PAGE_SIZE, offset.get()))
    });
    let total = Signal::derive(move || leads.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0));
    // The export carries the list's filters and sort.
    let export_href = move || api::crm::leads::export_href(&filter());

    let apply_search = leptos::prelude::debounce(SEARCH_DELAY, move |value: String| {
        offset.set(0);
        q.set(value);
    });
    let apply_search = StoredValue::new_local(apply_search);
    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        search_input.set(value.clone());
        apply_search.update_value(|apply| apply(value));
    };
    let submit_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        offset.set(0);
        q.set(search_input.get_untracked());
    };
    // Every filter change starts again at the first page.
    let set = move |signal: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            offset.set(0);
            signal.set(event_target_value(&ev));
        }
    };
    let filtered = move || {
        !q.get().trim().is_empty()
            || [stage, status, source, assignee, created_from, created_to].iter().any(|s| !s.get().is_empty())
    };
    let clear = move |_| {
        for signal in [search_input, q, stage, status, source, assignee, created_from, created_to] {
            signal.set(String::new());
        }
        offset.set(0);
    };

    let rows = move || {
        leads.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(page) if page.items.is_empty() => {
                if filtered() {
                    view! {
                        <EmptyState title="No leads match" message="Change the search or the filters." />
                    }
                    .into_any()
                } else {
                    view! {
                        <EmptyState
                            title="No leads yet"
                            message="Create the first lead with “New lead”."
                        />
                    }
                    .into_any()
                }
            }
            Ok(page) => {
                let people = people.get().unwrap_or_default();
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <caption class="visually-hidden">"Leads"</caption>
                            <thead>
                                <tr>
                                    <SortHeader label="Name" key="name" sort storage_key=SORT_STORAGE offset />
                                    <th scope="col">"Company"</th>
                                    <th scope="col">"Stage"</th>
                                    <th scope="col">"Owner"</th>
                                    <SortHeader label="Value" key="value" sort storage_key=SORT_STORAGE offset />
                                    <SortHeader
                                        label="Follow-up"
                                        key="nextFollowUpDate"
                                        sort
                                        storage_key=SORT_STORAGE
                                        offset
                                    />
                                    <SortHeader label="Created" key="createdAt" sort storage_key=SORT_STORAGE offset />
                                    <th scope="col">
                                        <span class="visually-hidden">"Actions"</span>
                                    </th>
                                </tr>
                            </thead>
                            <tbody>
                                {page
                                    .items
                                    .into_iter()
                                    .map(|lead| lead_row(lead, &people, editing))
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        <header class="page-header">
            <div>
                <h1>"Leads"</h1>
                <p class="muted">"Prospects on their way to becoming clients."</p>
            </div>
            <div class="header-actions">
                <LeadViews />
                <a class="button" href=export_href download data-testid="export-leads">
                    "Export CSV"
                </a>
                <button class="button" data-testid="import-leads" on:click=move |_| importing.set(true)>
                    "Import CSV"
                </button>
                <button class="button button-primary" data-testid="new-lead" on:click=move |_| editing.set(Some(None))>
                    "New lead"
                </button>
            </div>
        </header>
        <div class="toolbar">
            <form class="search" role="search" on:submit=submit_search>
                <label class="visually-hidden" for="lead-search">
                    "Search leads"
                </label>
                <input
                    id="lead-search"
                    type="search"
                    placeholder="Search name, email, company or phone"
                    prop:value=move || search_input.get()
                    on:input=on_search
                />
            </form>
            <label class="inline-field">
                <span>"Stage"</span>
                <select id="lead-stage-filter" on:change=set(stage) prop:value=move || stage.get()>
                    <option value="">"Any stage"</option>
                    {stage_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
            <label class="inline-field">
                <span>"Source"</span>
                <select id="lead-source-filter" on:change=set(source) prop:value=move || source.get()>
                    <option value="">"Any source"</option>
                    {source_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
            <label class="inline-field">
                <span>"Owner"</span>
                <select id="lead-owner-filter" on:change=set(assignee) prop:value=move || assignee.get()>
                    <option value="">"Anyone"</option>
                    <option value="me">"Me"</option>
                    {move || {
                        let me = me();
                        people
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|p| Some(p.id) != me)
                            .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            <label class="inline-field">
                <span>"Status"</span>
                <input
                    id="lead-status-filter"
                    class="input-short"
                    placeholder="e.g. new"
                    prop:value=move || status.get()
                    on:change=set(status)
                />
            </label>
            <label class="inline-field">
                <span>"Created from"</span>
                <input type="date" id="lead-from-filter" prop:value=move || created_from.get() on:change=set(created_from) />
            </label>
            <label class="inline-field">
                <span>"to"</span>
                <input type="date" id="lead-to-filter" prop:value=move || created_to.get() on:change=set(created_to) />
            </label>
            <Show when=filtered>
                <button class="button button-ghost" type="button" on:click=clear>
                    "Clear filters"
                </button>
            </Show>
        </div>
        <section class="panel" aria-busy=move || leads.get().is_none().to_string()>
            {move || rows().unwrap_or_else(|| view! { <Loading label="Loading leads…" /> }.into_any())}
            <Pagination offset limit=PAGE_SIZE total />
        </section>
        {move || {
            importing
                .get()
                .then(|| {
                    view! {
                        <super::lead_import::ImportDialog on_close=Callback::new(move |imported: bool| {
                            importing.set(false);
                            if imported {
                                reload.update(|n| *n += 1);
                            }
                        }) />
                    }
                })
        }}
        {move || {
            editing
                .get()
                .map(|lead| {
                    view! {
                        <LeadDialog
                            lead
                            people=Signal::derive(move || people.get().unwrap_or_default())
                            on_close=Callback::new(move |saved: Option<Lead>| {
                                editing.set(None);
                                if saved.is_some() {
                                    reload.update(|n| *n += 1);
                                }
                            })
                        />
                    }
                })
        }}
    }
}

fn lead_row(lead: Lead, people: &[Person], editing: RwSignal<Option<Option<Lead>>>) -> impl IntoView {
    let href = format!("/leads/{}", lead.id);
    let contact = lead.email.clone().or_else(|| lead.phone.clone()).unwrap_or_default();
    let owner = person_name(people, lead.assigned_to_id);
    let for_edit = lead.clone();
    let edit_label = format!("Edit {}", lead.name);
    view! {
        <tr data-testid="lead-row">
            <td data-label="Name">
                <span class="cell-stack">
                    <A href=href>{lead.name.clone()}</A>
                    <small class="cell-note">{contact}</small>
                </span>
            </td>
            <td data-label="Company">{lead.company.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Stage">
                <span class=stage_class(lead.stage)>{lead.stage.label()}</span>
            </td>
            <td data-label="Owner">{owner}</td>
            <td data-label="Value" class="numeric">
                {format_amount(lead.value)}
            </td>
            <td data-label="Follow-up">{format_day(lead.next_follow_up_date)}</td>
            <td data-label="Created">{format_day(Some(lead.created_at))}</td>
            <td class="row-actions">
                <button
                    class="button button-small"
                    aria-label=edit_label
                    on:click=move |_| editing.set(Some(Some(for_edit.clone())))
                >
                    "Edit"
                </button>
            </td>
        </tr>
    }
}

/// Create (`lead` = None) or edit a lead. A 409 names the lead that already has the email
/// or phone, with a link to it. `on_close` receives the saved lead.
#[component]
pub fn LeadDialog(
    lead: Option<Lead>,
    #[prop(into)] people: Signal<Vec<Person>>,
    on_close: Callback<Option<Lead>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let existing = lead.clone();
    let editing = lead.is_some();
    let text = |f: fn(&Lead) -> Option<String>| RwSignal::new(lead.as_ref().and_then(f).unwrap_or_default());
    let name = text(|l| Some(l.name.clone()));
    let email = text(|l| l.email.clone());
    let phone = text(|l| l.phone.clone());
    let company = text(|l| l.company.clone());
    let job_title = text(|l| l.job_title.clone());
    let website = text(|l| l.website.clone());
    let stage = text(|l| Some(l.stage.as_str().to_owned()));
    let score = RwSignal::new(lead.as_ref().map_or(LeadScore::Warm, |l| l.score).as_str().to_owned());
    let source = RwSignal::new(lead.as_ref().map_or(LeadSource::Website, |l| l.source).as_str().to_owned());
    let status = text(|l| Some(l.status.clone()));
    let value = text(|l| l.value.map(|v| v.to_string()));
    let follow_up = text(|l| Some(day_value(l.next_follow_up_date)));
    let notes = text(|l| l.notes.clone());
    let assignee = text(|l| l.assigned_to_id.map(|id| id.to_string()));
    if lead.is_none() {
        stage.set(LeadStage::Prospect.as_str().to_owned());
        status.set("new".to_owned());
    }
    let problem = RwSignal::new(None::<Problem>);
    let duplicate = RwSignal::new(None::<(Uuid, String)>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        duplicate.set(None);
        let existing = existing.clone();
        spawn_local(async move {
            // A value the browser could not read as a number goes to the API as an invalid
            // one, so the answer names the field instead of the value being dropped.
            let value_text = value.get_untracked();
            let amount = non_empty(&value_text).map(|v| v.parse::<i32>().unwrap_or(-1));
            let assigned = assignee.get_untracked().parse::<i32>().ok();
            let result = match &existing {
                None => {
                    let body = CreateLeadRequest {
                        name: name.get_untracked().trim().to_owned(),
                        email: non_empty(&email.get_untracked()),
                        phone: non_empty(&phone.get_untracked()),
                        company: non_empty(&company.get_untracked()),
                        job_title: non_empty(&job_title.get_untracked()),
                        website: non_empty(&website.get_untracked()),
                        stage: LeadStage::parse(&stage.get_untracked()),
                        score: LeadScore::parse(&score.get_untracked()),
                        status: non_empty(&status.get_untracked()),
                        source: Some(LeadSource::parse(&source.get_untracked()).unwrap_or(LeadSource::Other)),
                        value: amount,
                        assigned_to_id: assigned,
                        next_follow_up_date: day_start(&follow_up.get_untracked()),
                        notes: non_empty(&notes.get_untracked()),
                        ..Default::default()
                    };
                    api::crm::leads::create(&body).await
                }
                Some(current) => {
                    let stage_value = LeadStage::parse(&stage.get_untracked());
                    let score_value = LeadScore::parse(&score.get_untracked());
                    let source_value = LeadSource::parse(&source.get_untracked()).unwrap_or(LeadSource::Other);
                    let body = UpdateLeadRequest {
                        name: Some(name.get_untracked().trim().to_owned()).filter(|n| *n != current.name),
                        email: changed(non_empty(&email.get_untracked()), &current.email),
                        phone: changed(non_empty(&phone.get_untracked()), &current.phone),
                        company: changed(non_empty(&company.get_untracked()), &current.company),
                        job_title: changed(non_empty(&job_title.get_untracked()), &current.job_title),
                        website: changed(non_empty(&website.get_untracked()), &current.website),
                        stage: stage_value.filter(|s| *s != current.stage),
                        score: score_value.filter(|s| *s != current.score),
                        status: non_empty(&status.get_untracked()).filter(|s| *s != current.status),
                        source: Some(source_value).filter(|s| *s != current.source),
                        value: changed(amount, &current.value),
                        assigned_to_id: if people.get_untracked().is_empty() {
                            None
                        } else {
                            changed(assigned, &current.assigned_to_id)
                        },
                        next_follow_up_date: changed(
                            day_start(&follow_up.get_untracked()),
                            &current.next_follow_up_date.and_then(|d| day_start(&day_value(Some(d)))),
                        ),
                        notes: changed(non_empty(&notes.get_untracked()), &current.notes),
                        ..Default::default()
                    };
                    api::crm::leads::update(current.id, &body).await
                }
            };
            busy.set(false);
            match result {
                Ok(saved) => {
                    toasts.success(if editing {
                        format!("{} has been updated", saved.name)
                    } else {
                        format!("{} has been created", saved.name)
                    });
                    on_close.run(Some(saved));
                }
                Err(p) => {
                    if p.code == ErrorCode::Conflict {
                        if let Some(id) = duplicate_lead_id(&p.detail) {
                            let other = api::crm::leads::get(id).await;
                            let other = other.map(|l| l.name).unwrap_or_else(|_| "another lead".into());
                            // The API names the lead by id; people know it by name.
                            let mut p = p;
                            for error in &mut p.errors {
                                error.message = format!("{other} already has this {}", error.field);
                            }
                            duplicate.set(Some((id, other)));
                            problem.set(Some(p));
                            return;
                        }
                    } else {
                        toasts.problem(&p);
                    }
                    problem.set(Some(p));
                }
            }
        });
    };

    let title = if editing { "Edit lead" } else { "New lead" };
    let conflict =
        move || problem.with(|p| p.as_ref().filter(|p| p.code == ErrorCode::Conflict).map(|p| p.detail.clone()));
    let form_ref = NodeRef::<leptos::html::Form>::new();
    super::crm::focus_first_field(form_ref);
    super::crm::close_on_escape(move || on_close.run(None));
    view! {
        <div class="overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-label=title>
                <form class="form" node_ref=form_ref on:submit=submit novalidate data-testid="lead-form">
                    <h2>{title}</h2>
                    <div class="form-grid">
                        <TextField label="Name" name="name" value=name problem required=true autocomplete="off" />
                        <TextField label="Company" name="company" value=company problem autocomplete="off" />
                        <TextField label="Email" name="email" value=email problem input_type="email" autocomplete="off" />
                        <TextField label="Phone" name="phone" value=phone problem input_type="tel" autocomplete="off" />
                        <TextField label="Job title" name="jobTitle" value=job_title problem autocomplete="off" />
                        <TextField label="Website" name="website" value=website problem input_type="url" hint="https://…" />
                        <SelectField label="Stage" name="stage" value=stage problem options=stage_options() />
                        <SelectField label="Score" name="score" value=score problem options=score_options() />
                        <SelectField label="Source" name="source" value=source problem options=source_options() />
                        <TextField label="Status" name="status" value=status problem autocomplete="off" />
                        <TextField label="Value" name="value" value=value problem input_type="number" />
                        <TextField label="Next follow-up" name="nextFollowUpDate" value=follow_up problem input_type="date" />
                        <Show when=move || !people.get().is_empty()>
                            <SelectField
                                label="Owner"
                                name="assignedToId"
                                value=assignee
                                problem
                                options=std::iter::once((String::new(), "Unassigned".to_owned()))
                                    .chain(people.get().into_iter().map(|p| (p.id.to_string(), p.name)))
                                    .collect()
                            />
                        </Show>
                        <TextAreaField label="Notes" name="notes" value=notes problem />
                    </div>
                    {move || {
                        conflict()
                            .map(|detail| {
                                view! {
                                    <div class="alert alert-error" role="alert" data-testid="duplicate-lead">
                                        {match duplicate.get() {
                                            Some((id, other)) => {
                                                view! {
                                                    <p>
                                                        "This lead already exists: "
                                                        <a href=format!("/leads/{id}")>{other}</a>
                                                        " has the same "
                                                        {problem
                                                            .with(|p| {
                                                                p.as_ref()
                                                                    .and_then(|p| p.errors.first())
                                                                    .map(|e| e.field.clone())
                                                                    .unwrap_or_else(|| "contact details".into())
                                                            })}
                                                        ". Open it instead, or change the contact details."
                                                    </p>
                                                }
                                                    .into_any()
                                            }
                                            None => view! { <p>{detail}</p> }.into_any(),
                                        }}
                                    </div>
                                }
                            })
                    }}
                    <div class="dialog-actions">
                        <button class="button" type="button" on:click=move |_| on_close.run(None)>
                            "Cancel"
                        </button>
                        <button class="button button-primary" type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Saving…" } else { "Save" }}
                        </button>
                    </div>
                </form>
            </div>
        </div>
    }
}
