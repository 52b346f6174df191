//! A modal confirmation for destructive actions.

use leptos::prelude::*;

#[component]
pub fn ConfirmDialog(
    /// Shown while true; closed by either button.
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    #[prop(into)] message: Signal<String>,
    #[prop(into)] confirm_label: String,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let title_for_view = title.clone();
    view! {
        <Show when=move || open.get()>
            <div class="overlay" on:click=move |_| open.set(false)>
                <div
                    class="dialog dialog-small"
                    role="alertdialog"
                    aria-modal="true"
                    aria-label=title_for_view.clone()
                    on:click=|ev| ev.stop_propagation()
                >
                    <h2>{title_for_view.clone()}</h2>
                    <p>{move || message.get()}</p>
                    <div class="dialog-actions">
                        <button class="button" on:click=move |_| open.set(false)>
                            "Cancel"
                        </button>
                        <button
                            class="button button-danger"
                            data-testid="confirm"
                            on:click=move |_| {
                                open.set(false);
                                on_confirm.run(());
                            }
                        >
                            {confirm_label.clone()}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
