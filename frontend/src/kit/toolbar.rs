//! The controls above a list: a search box and filters bound to the URL's list state.

use super::list::{Binding, UrlFilter, UrlQuery};
use leptos::prelude::*;
use std::time::Duration;

/// How long typing pauses before a search box queries the API.
pub const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// The list's search (`q`). Typing searches after a pause and replaces the history entry;
/// Enter (or the button, for `button` boxes that do not search as you type) searches at once.
#[component]
pub fn SearchBox<F: UrlQuery>(
    url: UrlFilter<F>,
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    /// A Search button instead of searching while typing.
    #[prop(optional)]
    button: bool,
) -> impl IntoView {
    let typed = RwSignal::new(untrack(move || url.search_text()));
    // What this box last sent. Back/forward or "Clear filters" change the URL's text: show
    // it, unless it is this box's own (typing may have gone on since).
    let sent = StoredValue::new(typed.get_untracked());
    Effect::new(move |_| {
        let text = url.search_text();
        if text != sent.get_value() {
            sent.set_value(text.clone());
            typed.set(text);
        }
    });
    let search = move |text: String, typing: bool| {
        sent.set_value(text.trim().to_owned());
        url.search(&text, typing);
    };
    let later = StoredValue::new_local(debounce(SEARCH_DELAY, move |text: String| search(text, true)));
    view! {
        <form
            class="search"
            role="search"
            on:submit=move |ev| {
                ev.prevent_default();
                search(typed.get_untracked(), false);
            }
        >
            <label class="visually-hidden" for=id>
                {label}
            </label>
            <input
                id=id
                type="search"
                placeholder=placeholder
                prop:value=move || typed.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    typed.set(text.clone());
                    if !button {
                        later.update_value(|later| later(text));
                    }
                }
            />
            {button.then(|| view! { <button class="button" type="submit">"Search"</button> })}
        </form>
    }
}

/// A labelled `<select>` bound to one value; `any` is the option that clears it.
#[component]
pub fn FilterSelect(
    label: &'static str,
    bind: Binding,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional)] any: Option<&'static str>,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let option = move |value: String, text: String| {
        let current = value.clone();
        view! {
            <option value=value selected=move || bind.value.get() == current>
                {text}
            </option>
        }
    };
    view! {
        <label class="inline-field">
            <span>{label}</span>
            <select
                id=id
                data-testid=testid
                prop:value=move || bind.value.get()
                on:change=move |ev| bind.set.run(event_target_value(&ev))
            >
                {any.map(|any| option(String::new(), any.to_owned()))}
                {move || options.get().into_iter().map(|(value, text)| option(value, text)).collect_view()}
            </select>
        </label>
    }
}

/// A labelled input (text or date) bound to one value, applied when it changes.
#[component]
pub fn FilterInput(
    label: &'static str,
    bind: Binding,
    id: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="inline-field">
            <span>{label}</span>
            <input
                id=id
                type=input_type
                class:input-short=input_type == "text"
                placeholder=placeholder
                prop:value=move || bind.value.get()
                on:change=move |ev| bind.set.run(event_target_value(&ev))
            />
        </label>
    }
}

/// A labelled checkbox bound to a `true`-or-unset value.
#[component]
pub fn FilterCheck(
    label: &'static str,
    bind: Binding,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="inline-field checkbox-field check">
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || bind.value.get() == "true"
                on:change=move |ev| bind.set.run(if event_target_checked(&ev) { "true".into() } else { String::new() })
            />
            <span>{label}</span>
        </label>
    }
}
