//! CSV import of leads: pick a file and a mode, the API starts a background job
//! (`POST /api/leads/import`, 202), and the dialog polls it (`GET /api/leads/imports/{id}`)
//! with a progress bar until it completes or fails, then lists the rows it refused. The
//! answers come after awaits, so each first checks that the dialog is still open.

use crate::api;
use crate::kit::{refusal, use_toasts, Dialog};
use domain::crm::lead_imports::{ImportMode, ImportParams, ImportStatus, LeadImport, LEAD_COLUMNS};
use domain::{ErrorCode, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

const POLL_EVERY: Duration = Duration::from_millis(500);

/// The file chosen in a file input. A `File` is a `Blob`, which is all the request needs;
/// reading it through JS properties keeps web-sys's File bindings out of the wasm.
fn chosen_file(ev: &leptos::ev::Event) -> Option<(web_sys::Blob, String)> {
    let input = ev.target()?;
    let files = js_sys::Reflect::get(&input, &JsValue::from_str("files")).ok()?;
    let file = js_sys::Reflect::get_u32(&files, 0).ok()?;
    let name = js_sys::Reflect::get(&file, &JsValue::from_str("name")).ok()?.as_string()?;
    Some((file.dyn_into::<web_sys::Blob>().ok()?, name))
}

fn no_file() -> Problem {
    refusal("file", "required", "Choose a CSV file to import.", "choose a CSV file")
}

/// "40 of 120 rows" and the bar's percentage.
fn progress(job: &LeadImport) -> (String, u32) {
    let percent =
        if job.total_rows == 0 { 100 } else { (job.processed_rows * 100 / job.total_rows).clamp(0, 100) as u32 };
    (format!("{} of {} rows", job.processed_rows, job.total_rows), percent)
}

fn summary(job: &LeadImport) -> String {
    match job.status {
        ImportStatus::Completed => {
            format!("Imported {} of {} rows; {} skipped.", job.imported_rows, job.total_rows, job.skipped_rows)
        }
        ImportStatus::Failed => format!(
            "Nothing was imported: {} {} found.",
            job.error_count,
            if job.error_count == 1 { "problem" } else { "problems" }
        ),
        ImportStatus::Queued | ImportStatus::Running => "Importing…".to_owned(),
    }
}

/// Polls the job until it finishes, then hands the outcome to `on_done` once.
fn poll(id: Uuid, job: RwSignal<Option<LeadImport>>, on_done: Callback<Result<LeadImport, Problem>>) {
    set_timeout(
        move || {
            // The dialog was closed: the job goes on on the server, nobody is watching.
            if job.is_disposed() {
                return;
            }
            spawn_local(async move {
                let answer = api::crm::leads::import_status(id).await;
                if job.is_disposed() {
                    return;
                }
                match answer {
                    Ok(current) if current.status.is_finished() => {
                        job.set(Some(current.clone()));
                        on_done.run(Ok(current));
                    }
                    Ok(current) => {
                        job.set(Some(current));
                        poll(id, job, on_done);
                    }
                    // A dropped connection does not stop the job on the server; keep asking.
                    Err(problem) if problem.code == ErrorCode::ServiceUnavailable => poll(id, job, on_done),
                    Err(problem) => on_done.run(Err(problem)),
                }
            });
        },
        POLL_EVERY,
    );
}

/// The import dialog; `on_close(Some(()))` when rows were imported, so the list reloads.
#[component]
pub fn ImportDialog(on_close: Callback<Option<()>>) -> impl IntoView {
    let toasts = use_toasts();
    let file = RwSignal::new_local(None::<(web_sys::Blob, String)>);
    let mode = RwSignal::new(ImportMode::AllOrNothing);
    let job = RwSignal::new(None::<LeadImport>);
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let imported = RwSignal::new(false);

    let on_done = Callback::new(move |outcome: Result<LeadImport, Problem>| {
        if busy.try_set(false).is_some() {
            return;
        }
        match outcome {
            Ok(done) if done.status == ImportStatus::Completed => {
                imported.set(done.imported_rows > 0);
                toasts.success(summary(&done));
            }
            Ok(done) => toasts.problem(&Problem::new(ErrorCode::ValidationError, summary(&done))),
            Err(p) => toasts.problem(&p),
        }
    });
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let Some((blob, _)) = file.get_untracked() else {
            problem.set(Some(no_file()));
            return;
        };
        busy.set(true);
        job.set(None);
        let request = api::crm::leads::import(&ImportParams { mode: Some(mode.get_untracked()) }, blob);
        spawn_local(async move {
            let answer = request.await;
            if job.is_disposed() {
                return;
            }
            match answer {
                Ok(started) => {
                    let id = started.id;
                    let finished = started.status.is_finished();
                    job.set(Some(started.clone()));
                    if finished {
                        on_done.run(Ok(started));
                    } else {
                        poll(id, job, on_done);
                    }
                }
                Err(p) => {
                    busy.set(false);
                    toasts.problem(&p);
                    problem.set(Some(p));
                }
            }
        });
    };
    let file_error = move || problem.with(|p| p.as_ref().map(|p| p.detail.clone()));
    let mode_option = move |value: ImportMode, label: &'static str, hint: &'static str| {
        view! {
            <label class="radio">
                <input
                    type="radio"
                    name="import-mode"
                    value=value.as_str()
                    prop:checked=move || mode.get() == value
                    on:change=move |_| mode.set(value)
                />
                <span>
                    <strong>{label}</strong>
                    <small class="hint">{hint}</small>
                </span>
            </label>
        }
    };

    let close = Callback::new(move |_| on_close.run(imported.get_untracked().then_some(())));
    view! {
        <Dialog title="Import leads" on_escape=close>
                <form class="form" on:submit=start novalidate data-testid="import-form">
                    <h2>"Import leads from CSV"</h2>
                    <p class="muted">
                        "The first row names the columns: " <code>"name"</code> " (required) and any of "
                        {LEAD_COLUMNS.iter().filter(|c| **c != "name").copied().collect::<Vec<_>>().join(", ")} "."
                    </p>
                    <div class="field" class:field-invalid=move || file_error().is_some()>
                        <label for="import-file">"CSV file"</label>
                        <input
                            id="import-file"
                            type="file"
                            accept=".csv,text/csv"
                            aria-describedby="import-file-error"
                            on:change=move |ev| {
                                problem.set(None);
                                file.set(chosen_file(&ev));
                            }
                        />
                        <small class="field-error" id="import-file-error" role="alert">
                            {move || file_error().unwrap_or_default()}
                        </small>
                    </div>
                    <fieldset class="field">
                        <legend>"If a row is invalid"</legend>
                        {mode_option(ImportMode::AllOrNothing, "Import nothing", "Any invalid row stops the whole import.")}
                        {mode_option(ImportMode::SkipInvalid, "Skip the invalid rows", "Import every valid row and list the others.")}
                    </fieldset>
                    {move || {
                        job.get()
                            .map(|job| {
                                let (label, percent) = progress(&job);
                                view! {
                                    <div class="import-progress" data-testid="import-progress" data-status=job.status.as_str()>
                                        <progress max="100" value=percent aria-label="Import progress"></progress>
                                        <p>
                                            <span>{label}</span>
                                            " · "
                                            <strong data-testid="import-summary">{summary(&job)}</strong>
                                        </p>
                                        {(!job.errors.is_empty())
                                            .then(|| {
                                                view! {
                                                    <div class="table-wrap import-errors">
                                                        <table class="table" data-testid="import-errors">
                                                            <caption>"Rows that were not imported"</caption>
                                                            <thead>
                                                                <tr>
                                                                    <th scope="col">"Row"</th>
                                                                    <th scope="col">"Column"</th>
                                                                    <th scope="col">"Problem"</th>
                                                                </tr>
                                                            </thead>
                                                            <tbody>
                                                                {job
                                                                    .errors
                                                                    .iter()
                                                                    .map(|e| {
                                                                        view! {
                                                                            <tr>
                                                                                <td data-label="Row">{e.row}</td>
                                                                                <td data-label="Column">{e.field.clone().unwrap_or_else(|| "—".into())}</td>
                                                                                <td data-label="Problem">{e.message.clone()}</td>
                                                                            </tr>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </tbody>
                                                        </table>
                                                    </div>
                                                }
                                            })}
                                    </div>
                                }
                            })
                    }}
                    <div class="dialog-actions">
                        <button class="button" type="button" on:click=move |_| close.run(())>
                            {move || if job.get().is_some_and(|j| j.status.is_finished()) { "Close" } else { "Cancel" }}
                        </button>
                        <button class="button button-primary" type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Importing…" } else { "Import" }}
                        </button>
                    </div>
                </form>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn job(status: ImportStatus, processed: i64, total: i64) -> LeadImport {
        LeadImport {
            id: Uuid::nil(),
            mode: ImportMode::SkipInvalid,
            status,
            total_rows: total,
            processed_rows: processed,
            imported_rows: processed - 1,
            skipped_rows: 1,
            error_count: 1,
            errors: Vec::new(),
            created_by: None,
            created_at: DateTime::UNIX_EPOCH,
            finished_at: None,
        }
    }

    #[test]
    fn progress_reads_as_rows_and_percent() {
        assert_eq!(progress(&job(ImportStatus::Running, 40, 120)), ("40 of 120 rows".to_owned(), 33));
        assert_eq!(progress(&job(ImportStatus::Completed, 0, 0)).1, 100);
        assert_eq!(summary(&job(ImportStatus::Completed, 3, 3)), "Imported 2 of 3 rows; 1 skipped.");
        assert_eq!(summary(&job(ImportStatus::Failed, 3, 3)), "Nothing was imported: 1 problem found.");
    }
}
