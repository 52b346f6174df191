//! Forms and dialogs: [`Form`] sends a request and keeps its problem for the fields;
//! [`FormDialog`] adds the modal, the Save/Cancel row, the notification and closing;
//! [`Opener`] says which record a dialog is open for.
//!
//! An answer can arrive after its form is gone: Escape closed the dialog, or a refresh
//! rebuilt the view that held it. Writing a signal of a disposed form panics ("Tried to
//! access a reactive value that has already been disposed"), so the writes after the
//! await are done here, once, and only while the form exists; pages never write after one.

use super::toast::{use_toasts, Toasts};
use crate::api::ApiResult;
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use wasm_bindgen::JsCast;

/// What a form keeps between its requests: the API's last problem (its field errors show
/// under the fields) and whether a request is in flight.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    pub problem: RwSignal<Option<Problem>>,
    pub busy: RwSignal<bool>,
    /// Which problems also become a notification.
    notify: fn(&Problem) -> bool,
    toasts: Toasts,
}

impl Default for Form {
    fn default() -> Self {
        Self::new()
    }
}

impl Form {
    /// A form whose every problem is also a notification.
    pub fn new() -> Self {
        Self::notifying(|_| true)
    }

    /// A form that notifies only the problems `notify` picks (the others show in the form).
    pub fn notifying(notify: fn(&Problem) -> bool) -> Self {
        Form { problem: RwSignal::new(None), busy: RwSignal::new(false), notify, toasts: use_toasts() }
    }

    /// Shows a problem found before sending (a missing field), at its field, as the API's would be.
    pub fn refuse(self, problem: Problem) {
        self.problem.set(Some(problem));
    }

    /// Sends `request`: busy meanwhile, the previous problem cleared first. A refusal is kept
    /// for the fields (and notified); `saved` runs with the answer, but only while the form
    /// still exists.
    pub fn send<T: 'static>(
        self,
        request: impl Future<Output = ApiResult<T>> + 'static,
        saved: impl FnOnce(T) + 'static,
    ) {
        self.run(request, move |answer, alive| {
            if alive {
                saved(answer);
            }
        });
    }

    /// [`Form::send`], with `answered(value, whether the form still exists)` after a success.
    fn run<T: 'static>(
        self,
        request: impl Future<Output = ApiResult<T>> + 'static,
        answered: impl FnOnce(T, bool) + 'static,
    ) {
        let toasts = self.toasts;
        self.busy.set(true);
        self.problem.set(None);
        spawn_local(async move {
            let result = request.await;
            let alive = self.busy.try_set(false).is_none();
            match result {
                Ok(value) => answered(value, alive),
                Err(problem) => {
                    if (self.notify)(&problem) {
                        toasts.problem(&problem);
                    }
                    self.problem.try_set(Some(problem));
                }
            }
        });
    }
}

/// Escape closes the open dialog wherever the focus is (a Save button disabled while
/// saving drops it to the page, outside the dialog).
fn close_on_escape(close: Callback<()>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            close.run(());
        }
    });
    on_cleanup(move || handle.remove());
}

/// Moves the focus into a dialog when it opens, so keyboard users type into the dialog
/// rather than the page behind its overlay.
fn focus_first_field(dialog: NodeRef<leptos::html::Div>) {
    Effect::new(move |_| {
        let field = dialog.get().and_then(|d| d.query_selector("input, select, textarea, button").ok().flatten());
        if let Some(field) = field.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = field.focus();
        }
    });
}

/// A modal: the overlay, the labelled dialog box, the focus on its first field and Escape.
#[component]
pub fn Dialog(
    #[prop(into)] title: String,
    on_escape: Callback<()>,
    #[prop(optional)] small: bool,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    focus_first_field(dialog);
    close_on_escape(on_escape);
    view! {
        <div class="overlay">
            <div class="dialog" class:dialog-small=small role="dialog" aria-modal="true" aria-label=title node_ref=dialog>
                {children()}
            </div>
        </div>
    }
}

/// A dialog with a form that creates or edits a record. `submit` builds the request from
/// the fields (an endpoint call such as `api::crm::leads::create(&body)`), or refuses with
/// the problem to show at a field. A save notifies "<name> has been created" (or updated)
/// and closes with the saved record; Cancel and Escape close with `None`.
#[component]
pub fn FormDialog<T, S, Fut>(
    #[prop(into)] title: String,
    testid: &'static str,
    form: Form,
    submit: S,
    /// The saved record's name, for the notification.
    name: fn(&T) -> String,
    #[prop(optional)] editing: bool,
    on_close: Callback<Option<T>>,
    #[prop(optional)] small: bool,
    #[prop(default = "Save")] save_label: &'static str,
    #[prop(default = "Saving…")] busy_label: &'static str,
    /// More buttons at the start of the actions row (an event's Delete).
    #[prop(optional_no_strip)]
    actions: Option<ViewFn>,
    children: Children,
) -> impl IntoView
where
    T: 'static,
    S: Fn() -> Result<Fut, Problem> + Send + 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    let toasts = form.toasts;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match submit() {
            Err(problem) => form.refuse(problem),
            // The record is saved even when the dialog was closed meanwhile: notify, and
            // let the opener (which outlives the dialog) close it and reload.
            Ok(request) => form.run(request, move |saved, _| {
                let verb = if editing { "updated" } else { "created" };
                toasts.success(format!("{} has been {verb}", name(&saved)));
                on_close.try_run(Some(saved));
            }),
        }
    };
    view! {
        <Dialog title=title.clone() on_escape=Callback::new(move |_| on_close.run(None)) small>
            <form class="form" on:submit=on_submit novalidate data-testid=testid>
                <h2>{title}</h2>
                {children()}
                <div class="dialog-actions">
                    {actions.map(|actions| actions.run())}
                    <button class="button" type="button" on:click=move |_| on_close.run(None)>
                        "Cancel"
                    </button>
                    <button class="button button-primary" type="submit" disabled=move || form.busy.get()>
                        {move || if form.busy.get() { busy_label } else { save_label }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}

/// Which record a dialog is open for (`Opener<Option<Lead>>`: `Some(None)` creates,
/// `Some(Some(lead))` edits); closed while empty.
#[derive(Debug)]
pub struct Opener<T: 'static>(RwSignal<Option<T>>);

impl<T> Clone for Opener<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Opener<T> {}

impl<T: Clone + Send + Sync + 'static> Opener<T> {
    pub fn new() -> Self {
        Opener(RwSignal::new(None))
    }

    pub fn open(self, target: T) {
        self.0.set(Some(target));
    }

    pub fn close(self) {
        self.0.try_set(None);
    }

    /// The open target (tracked).
    pub fn get(self) -> Option<T> {
        self.0.get()
    }

    /// The open target, without subscribing.
    pub fn get_untracked(self) -> Option<T> {
        self.0.get_untracked()
    }

    /// `dialog(target, on_close)` while open. `on_close` closes the opener and, when the
    /// dialog saved something, runs `saved` with it. It is made here, with the page rather
    /// than inside the dialog's view, so a save answered after Escape still reaches `saved`.
    pub fn view<S, V>(
        self,
        saved: impl Fn(S) + Send + Sync + 'static,
        dialog: impl Fn(T, Callback<Option<S>>) -> V + Send + Sync + 'static,
    ) -> impl IntoView
    where
        S: 'static,
        V: IntoView + 'static,
    {
        let on_close = Callback::new(move |outcome: Option<S>| {
            self.close();
            if let Some(outcome) = outcome {
                saved(outcome);
            }
        });
        move || self.get().map(|target| dialog(target, on_close))
    }
}

impl<T: Clone + Send + Sync + 'static> Default for Opener<T> {
    fn default() -> Self {
        Self::new()
    }
}
