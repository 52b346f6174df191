//! A modal confirmation for destructive actions.

use super::form::Opener;
use leptos::prelude::*;

/// Asks before acting on the record `target` holds; shown while it holds one, closed by
/// either button (or a click beside it). `on_confirm` gets the record.
#[component]
pub fn ConfirmDialog<T>(
    target: Opener<T>,
    title: &'static str,
    message: fn(&T) -> String,
    confirm_label: &'static str,
    on_confirm: Callback<T>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    move || {
        target.get().map(|record| {
            let text = message(&record);
            view! {
                <div class="overlay" on:click=move |_| target.close()>
                    <div
                        class="dialog dialog-small"
                        role="alertdialog"
                        aria-modal="true"
                        aria-label=title
                        on:click=|ev| ev.stop_propagation()
                    >
                        <h2>{title}</h2>
                        <p>{text}</p>
                        <div class="dialog-actions">
                            <button class="button" on:click=move |_| target.close()>
                                "Cancel"
                            </button>
                            <button
                                class="button button-danger"
                                data-testid="confirm"
                                on:click=move |_| {
                                    target.close();
                                    on_confirm.run(record.clone());
                                }
                            >
                                {confirm_label}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
