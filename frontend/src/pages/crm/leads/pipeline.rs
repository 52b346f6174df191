//! The lead pipeline: a column per stage. Cards move by HTML5 drag and drop or, from
//! the keyboard, with each card's "Move to" select. A move shows at once and is undone,
//! with a notification, when the API refuses it. The search and "Only my leads" live in
//! the URL, as the list's filters do. Answers may arrive after the board was left, so the
//! board is written with `try_` after them.

use crate::api::{self, Paged};
use crate::kit::format::{format_amount, humanize};
use crate::kit::{
    use_toasts, use_url_filter, Binding, ErrorState, FilterCheck, Loading, PageHeader, Reload, SearchBox,
};
use crate::pages::crm::shared::{crm_page, stage_class, LeadViews, Part};
use crate::session::use_session;
use domain::crm::leads::{Lead, LeadFilter, LeadSort, LeadStage, UpdateLeadRequest};
use domain::Problem;
use futures_util::future::join_all;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

/// Cards loaded per column; the column header still counts every lead in the stage.
const COLUMN_SIZE: i64 = 50;
const DRAG_TYPE: &str = "text/plain";

#[derive(Debug, Clone, PartialEq)]
struct Column {
    stage: LeadStage,
    leads: Vec<Lead>,
    total: i64,
}

/// Moves lead `id` to `stage` on the board: out of its column, to the top of the
/// target's, with both counts adjusted. Returns the stage it came from.
fn move_card(columns: &mut [Column], id: Uuid, stage: LeadStage) -> Option<LeadStage> {
    let from = columns.iter().position(|c| c.leads.iter().any(|l| l.id == id))?;
    let to = columns.iter().position(|c| c.stage == stage)?;
    if from == to {
        return None;
    }
    let index = columns[from].leads.iter().position(|l| l.id == id)?;
    let mut lead = columns[from].leads.remove(index);
    columns[from].total -= 1;
    let previous = lead.stage;
    lead.stage = stage;
    columns[to].leads.insert(0, lead);
    columns[to].total += 1;
    Some(previous)
}

#[component]
pub fn PipelinePage() -> impl IntoView {
    crm_page(Part::Leads, "Pipeline", || view! { <Board /> })
}

#[component]
fn Board() -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let url = use_url_filter::<LeadFilter>(&[]);
    let reload = Reload::new();
    // A lead moved by someone else moves here too.
    crate::kit::live::refresh_on(&["lead"], move || reload.bump());
    let columns = RwSignal::new(None::<Result<Vec<Column>, Problem>>);
    let drop_target = RwSignal::new(None::<LeadStage>);
    let me = move || session.user.with(|u| u.as_ref().map(|u| u.user.id));
    let mine = Binding {
        value: Signal::derive(move || {
            if url.filter().assigned_to_id.is_some_and(|id| Some(id) == me()) {
                "true".into()
            } else {
                String::new()
            }
        }),
        set: Callback::new(move |on: String| url.update(|f| f.assigned_to_id = if on == "true" { me() } else { None })),
    };

    // Local moves, counted as they start and as they end: a load that began before one, or
    // while one was saved, answers with the board as it was and would undo it on screen, so
    // it is dropped and asked again. Of several loads in flight only the latest applies.
    let edits = StoredValue::new(0_u64);
    let loads = StoredValue::new(0_u64);

    // One request per stage, so each column's count comes from X-Total-Count.
    Effect::new(move |_| {
        reload.track();
        let load = loads.get_value() + 1;
        loads.set_value(load);
        let edits_at = edits.get_value();
        let base = LeadFilter { sort: Some(LeadSort::CreatedAtDesc), ..url.filter() };
        let requests = LeadStage::ALL.map(|stage| {
            let request =
                api::crm::leads::list(&LeadFilter { stage: Some(stage), ..base.clone() }, api::page(COLUMN_SIZE, 0));
            async move { request.await.map(|Paged { items, total }| Column { stage, leads: items, total }) }
        });
        spawn_local(async move {
            let loaded: Result<Vec<Column>, Problem> = join_all(requests).await.into_iter().collect();
            if loads.try_get_value() != Some(load) {
                return;
            }
            if edits.try_get_value() == Some(edits_at) {
                columns.try_set(Some(loaded));
            } else {
                // What it brought (another user's change) is loaded again, after the move.
                reload.bump();
            }
        });
    });

    let move_lead = move |id: Uuid, stage: LeadStage| {
        let mut previous = None;
        let mut name = String::new();
        columns.update(|board| {
            if let Some(Ok(board)) = board {
                name = board
                    .iter()
                    .flat_map(|c| &c.leads)
                    .find(|l| l.id == id)
                    .map(|l| l.name.clone())
                    .unwrap_or_default();
                previous = move_card(board, id, stage);
            }
        });
        let Some(previous) = previous else { return };
        edits.update_value(|n| *n += 1);
        spawn_local(async move {
            let body = UpdateLeadRequest { stage: Some(stage), ..Default::default() };
            let saved = api::crm::leads::update(id, &body).await;
            // The page may be gone by now; the toast below still tells how the move went.
            let _ = edits.try_update_value(|n| *n += 1);
            match saved {
                Ok(saved) => {
                    columns.try_update(|board| {
                        if let Some(Ok(board)) = board {
                            if let Some(card) = board.iter_mut().flat_map(|c| c.leads.iter_mut()).find(|l| l.id == id) {
                                *card = saved;
                            }
                        }
                    });
                    toasts.success(format!("{name} moved to {}", stage.label()));
                }
                Err(problem) => {
                    columns.try_update(|board| {
                        if let Some(Ok(board)) = board {
                            move_card(board, id, previous);
                        }
                    });
                    toasts.problem(&Problem {
                        detail: format!("{name} stays in {}: {}", previous.label(), problem.detail),
                        ..problem
                    });
                }
            }
        });
    };

    let board = move || {
        columns.get().map(|loaded| match loaded {
            Err(problem) => view! { <ErrorState problem retry=move |_| reload.bump() /> }.into_any(),
            Ok(board) => view! {
                <div class="pipeline-board" data-testid="pipeline">
                    {board
                        .into_iter()
                        .map(|column| {
                            let stage = column.stage;
                            view! {
                                <section
                                    class="board-column"
                                    class:drop-target=move || drop_target.get() == Some(stage)
                                    aria-label=stage.label()
                                    data-stage=stage.as_str()
                                    on:dragover=move |ev| {
                                        ev.prevent_default();
                                        drop_target.set(Some(stage));
                                    }
                                    on:dragleave=move |_| drop_target.set(None)
                                    on:drop=move |ev| {
                                        ev.prevent_default();
                                        drop_target.set(None);
                                        let id = ev
                                            .data_transfer()
                                            .and_then(|data| data.get_data(DRAG_TYPE).ok())
                                            .and_then(|id| Uuid::parse_str(&id).ok());
                                        if let Some(id) = id {
                                            move_lead(id, stage);
                                        }
                                    }
                                >
                                    <header class="board-column-header">
                                        <span class=stage_class(stage)>{stage.label()}</span>
                                        <span class="muted" data-testid="column-count">{column.total}</span>
                                    </header>
                                    <ul class="board-cards">
                                        {if column.leads.is_empty() {
                                            view! { <li class="board-empty muted">"No leads"</li> }.into_any()
                                        } else {
                                            column
                                                .leads
                                                .into_iter()
                                                .map(|lead| view! { <Card lead move_lead /> })
                                                .collect_view()
                                                .into_any()
                                        }}
                                    </ul>
                                    {(column.total > COLUMN_SIZE)
                                        .then(|| {
                                            view! {
                                                <p class="muted board-more">
                                                    {format!("{} more in the list", column.total - COLUMN_SIZE)}
                                                </p>
                                            }
                                        })}
                                </section>
                            }
                        })
                        .collect_view()}
                </div>
            }
            .into_any(),
        })
    };

    view! {
        <PageHeader title="Pipeline" note="Drag a card to another stage, or use its “Move to” menu.">
            <LeadViews />
        </PageHeader>
        <div class="toolbar">
            <SearchBox url id="pipeline-search" label="Search leads" placeholder="Search name, email, company or phone" />
            <FilterCheck label="Only my leads" bind=mine />
        </div>
        {move || board().unwrap_or_else(|| view! { <Loading label="Loading the pipeline…" /> }.into_any())}
    }
}

#[component]
fn Card<F>(lead: Lead, move_lead: F) -> impl IntoView
where
    F: Fn(Uuid, LeadStage) + Copy + 'static,
{
    let id = lead.id;
    let select_id = format!("move-{id}");
    let current = lead.stage;
    let move_label = format!("Move {} to", lead.name);
    view! {
        <li
            class="board-card"
            draggable="true"
            data-testid="pipeline-card"
            data-lead=id.to_string()
            on:dragstart=move |ev| {
                if let Some(data) = ev.data_transfer() {
                    let _ = data.set_data(DRAG_TYPE, &id.to_string());
                    data.set_effect_allowed("move");
                }
            }
        >
            <A href=format!("/leads/{id}")>{lead.name.clone()}</A>
            <small class="muted">{lead.company.clone().unwrap_or_default()}</small>
            <div class="board-card-meta">
                <span class=format!("badge score-{}", lead.score.as_str())>{humanize(lead.score.as_str())}</span>
                <span class="numeric">{lead.value.map(|v| format_amount(Some(v))).unwrap_or_default()}</span>
            </div>
            <label class="visually-hidden" for=select_id.clone()>
                {move_label}
            </label>
            <select
                id=select_id
                class="board-move"
                on:change=move |ev| {
                    if let Some(stage) = LeadStage::parse(&event_target_value(&ev)) {
                        move_lead(id, stage);
                    }
                }
            >
                {LeadStage::ALL
                    .into_iter()
                    .map(|stage| {
                        view! {
                            <option value=stage.as_str() selected=stage == current>
                                {if stage == current { format!("In {}", stage.label()) } else { format!("Move to {}", stage.label()) }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use domain::crm::leads::{LeadScore, LeadSource};

    fn lead(n: u128, stage: LeadStage) -> Lead {
        Lead {
            id: Uuid::from_u128(n),
            client_id: None,
            assigned_to_id: None,
            created_by: None,
            name: format!("Lead {n}"),
            first_name: None,
            last_name: None,
            email: None,
            phone: None,
            company: None,
            job_title: None,
            website: None,
            stage,
            score: LeadScore::Warm,
            ai_score: None,
            status: "new".into(),
            source: LeadSource::Website,
            value: None,
            tags: Vec::new(),
            social_links: Default::default(),
            location: None,
            industry: None,
            next_follow_up_date: None,
            notes: None,
            converted_client_id: None,
            converted_at: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }

    fn board() -> Vec<Column> {
        vec![
            Column {
                stage: LeadStage::Prospect,
                leads: vec![lead(1, LeadStage::Prospect), lead(2, LeadStage::Prospect)],
                total: 2,
            },
            Column { stage: LeadStage::Contacted, leads: vec![lead(3, LeadStage::Contacted)], total: 1 },
        ]
    }

    #[test]
    fn a_move_and_its_undo_restore_the_board() {
        let mut columns = board();
        assert_eq!(move_card(&mut columns, Uuid::from_u128(2), LeadStage::Contacted), Some(LeadStage::Prospect));
        assert_eq!((columns[0].total, columns[1].total), (1, 2));
        assert_eq!(columns[1].leads[0].id, Uuid::from_u128(2), "the moved card goes to the top");
        assert_eq!(columns[1].leads[0].stage, LeadStage::Contacted);
        assert_eq!(move_card(&mut columns, Uuid::from_u128(2), LeadStage::Prospect), Some(LeadStage::Contacted));
        assert_eq!((columns[0].total, columns[1].total), (2, 1));
    }

    #[test]
    fn dropping_on_the_same_column_or_an_unknown_card_does_nothing() {
        let mut columns = board();
        assert_eq!(move_card(&mut columns, Uuid::from_u128(1), LeadStage::Prospect), None);
        assert_eq!(move_card(&mut columns, Uuid::from_u128(9), LeadStage::Contacted), None);
        assert_eq!(move_card(&mut columns, Uuid::from_u128(1), LeadStage::ClosedLost), None, "no such column");
        assert_eq!(columns, board());
    }
}
