//! Notifications: successes and API problems (the problem's detail and its field errors).

use crate::api::ApiResult;
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    id: u32,
    error: bool,
    text: String,
    details: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next: StoredValue<u32>,
}

impl Toasts {
    pub fn new() -> Self {
        Toasts { items: RwSignal::new(Vec::new()), next: StoredValue::new(1) }
    }

    fn push(self, error: bool, text: String, details: Vec<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|items| items.push(Toast { id, error, text, details }));
        set_timeout(move || self.dismiss(id), Duration::from_secs(if error { 8 } else { 4 }));
    }

    pub fn dismiss(self, id: u32) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }

    pub fn success(self, text: impl Into<String>) {
        self.push(false, text.into(), Vec::new());
    }

    /// Copies `text` (a secret shown once) to the clipboard and says so.
    pub fn copy(self, text: &str) {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(text);
            self.success("Copied to the clipboard");
        }
    }

    pub fn problem(self, problem: &Problem) {
        let details = problem.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        self.push(true, problem.detail.clone(), details);
    }

    /// Runs a one-off action (archive, revoke, delete): `done` names the success, a refusal
    /// is notified as it is, and `then` follows a success. The page may be gone by then, so
    /// `then` only reloads ([`super::list::Reload`], a list's `reload`), navigates or runs
    /// callbacks with `try_run`.
    pub fn act<T: 'static>(
        self,
        request: impl Future<Output = ApiResult<T>> + 'static,
        done: impl FnOnce(&T) -> String + 'static,
        then: impl FnOnce(T) + 'static,
    ) {
        spawn_local(async move {
            match request.await {
                Ok(value) => {
                    self.success(done(&value));
                    then(value);
                }
                Err(problem) => self.problem(&problem),
            }
        });
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|t| t.id let:toast>
                <div class="toast" class:toast-error=toast.error data-testid="toast">
                    <div class="toast-body">
                        <p>{toast.text.clone()}</p>
                        {(!toast.details.is_empty())
                            .then(|| {
                                view! {
                                    <ul>
                                        {toast.details.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}
                                    </ul>
                                }
                            })}
                    </div>
                    <button
                        class="icon-button"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
