//! Labelled inputs that show the API's per-field validation messages. A field's `name`
//! is the API's field name: it is matched against the problem's `errors[].field`, and the
//! control's id is `field-<name>` (its message's, `field-<name>-error`).

use domain::{ErrorCode, FieldError, Problem};
use leptos::prelude::*;

/// The messages the problem carries for one field, joined.
pub fn field_error(problem: &Option<Problem>, field: &str) -> Option<String> {
    let messages: Vec<&str> =
        problem.as_ref()?.errors.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

/// A form the browser can already tell is incomplete or inconsistent, refused before it is
/// sent: the problem names `field`, so the message shows there like the API's own.
pub fn refusal(field: &str, code: &str, detail: &str, message: &str) -> Problem {
    Problem::new(ErrorCode::ValidationError, detail).with_errors(vec![FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }])
}

/// `(value, label)` options of an enum: each variant's API value and its label.
pub fn choices<E: Copy>(all: &[E], value: fn(E) -> &'static str, label: impl Fn(E) -> String) -> Vec<(String, String)> {
    all.iter().map(|e| (value(*e).to_owned(), label(*e))).collect()
}

/// The label, the message under the control and the invalid state, around `control`,
/// which gets its id, its message's id and the message.
fn framed(
    label: String,
    name: &str,
    problem: Signal<Option<Problem>>,
    wide: bool,
    hint: Option<String>,
    control: impl FnOnce(String, String, Memo<Option<String>>) -> AnyView,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let field = name.to_owned();
    let error = Memo::new(move |_| problem.with(|p| field_error(p, &field)));
    view! {
        <div class="field" class:field-wide=wide class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {control(id, error_id.clone(), error)}
            {hint.map(|h| view! { <small class="hint">{h}</small> })}
            <small class="field-error" id=error_id role="alert">
                {move || error.get().unwrap_or_default()}
            </small>
        </div>
    }
}

/// A text input, or with `rows` a multi-line field (notes, descriptions) across the form.
#[component]
pub fn TextField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    #[prop(into)] problem: Signal<Option<Problem>>,
    #[prop(into, default = "text".to_owned())] input_type: String,
    #[prop(into, optional)] autocomplete: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] hint: Option<String>,
    /// Lines of a multi-line field.
    #[prop(optional)]
    rows: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let label = if required { format!("{label} *") } else { label };
    let control_name = name.clone();
    framed(label, &name, problem, rows.is_some(), hint, move |id, error_id, error| {
        let invalid = move || error.get().is_some().to_string();
        match rows {
            Some(rows) => view! {
                <textarea
                    id=id
                    name=control_name
                    rows=rows
                    maxlength=maxlength
                    required=required
                    aria-invalid=invalid
                    aria-describedby=error_id
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                ></textarea>
            }
            .into_any(),
            None => view! {
                <input
                    id=id
                    name=control_name
                    type=input_type
                    autocomplete=autocomplete
                    maxlength=maxlength
                    required=required
                    aria-invalid=invalid
                    aria-describedby=error_id
                    bind:value=value
                />
            }
            .into_any(),
        }
    })
}

#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    #[prop(into)] problem: Signal<Option<Problem>>,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
) -> impl IntoView {
    let select_name = name.clone();
    framed(label, &name, problem, false, None, move |id, error_id, _| {
        view! {
            <select
                id=id
                name=select_name
                aria-describedby=error_id
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = value.get_untracked() == v;
                        view! {
                            <option value=v selected=selected>
                                {l}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any()
    })
}

/// A row of toggle buttons choosing any number of values (weekdays, reminders).
#[component]
pub fn ToggleChips<T>(
    choices: Vec<(T, &'static str)>,
    chosen: RwSignal<Vec<T>>,
    /// The group's name, read out by screen readers.
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    view! {
        <div class="weekdays" role=label.map(|_| "group") aria-label=label>
            {choices
                .into_iter()
                .map(|(value, text)| {
                    let on = value.clone();
                    view! {
                        <button
                            type="button"
                            class="chip"
                            aria-pressed=move || chosen.with(|c| c.contains(&on)).to_string()
                            on:click=move |_| {
                                chosen.update(|c| match c.iter().position(|x| *x == value) {
                                    Some(i) => {
                                        c.remove(i);
                                    }
                                    None => c.push(value.clone()),
                                })
                            }
                        >
                            {text}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Role;

    #[test]
    fn picks_the_messages_of_one_field() {
        let error = |field: &str, message: &str| FieldError {
            field: field.into(),
            code: "length".into(),
            message: message.into(),
        };
        let problem = Problem::new(ErrorCode::ValidationError, "Invalid").with_errors(vec![
            error("password", "too short"),
            error("firstName", "too long"),
            error("password", "must not be blank"),
        ]);
        let problem = Some(problem);
        assert_eq!(field_error(&problem, "password").as_deref(), Some("too short; must not be blank"));
        assert_eq!(field_error(&problem, "firstName").as_deref(), Some("too long"));
        assert_eq!(field_error(&problem, "email"), None);
        assert_eq!(field_error(&None, "password"), None);
    }

    #[test]
    fn enum_choices_carry_the_api_values() {
        let options = choices(&Role::ALL, Role::as_str, |r| r.as_str().to_uppercase());
        assert_eq!(options.len(), Role::ALL.len());
        assert_eq!(options[0], (Role::ALL[0].as_str().to_owned(), Role::ALL[0].as_str().to_uppercase()));
    }
}
