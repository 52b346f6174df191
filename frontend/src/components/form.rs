//! Labelled inputs that show the API's per-field validation messages.

use domain::Problem;
use leptos::prelude::*;

/// The messages the problem carries for one field, joined.
pub fn field_error(problem: &Option<Problem>, field: &str) -> Option<String> {
    let messages: Vec<&str> =
        problem.as_ref()?.errors.iter().filter(|e| e.field == field).map(|e| e.message.as_str()).collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

#[component]
pub fn TextField(
    #[prop(into)] label: String,
    /// The API's field name, matched against the problem's `errors[].field`.
    #[prop(into)]
    name: String,
    value: RwSignal<String>,
    problem: RwSignal<Option<Problem>>,
    #[prop(into, default = "text".to_owned())] input_type: String,
    #[prop(into, optional)] autocomplete: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] hint: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let field = name.clone();
    let error = Memo::new(move |_| field_error(&problem.get(), &field));
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            <input
                id=id.clone()
                name=name.clone()
                type=input_type
                autocomplete=autocomplete
                required=required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                bind:value=value
            />
            {hint.map(|h| view! { <small class="hint">{h}</small> })}
            <small class="field-error" id=error_id.clone() role="alert">
                {move || error.get().unwrap_or_default()}
            </small>
        </div>
    }
}

#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    problem: RwSignal<Option<Problem>>,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let field = name.clone();
    let error = Memo::new(move |_| field_error(&problem.get(), &field));
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=name.clone()
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
            <small class="field-error" role="alert">
                {move || error.get().unwrap_or_default()}
            </small>
        </div>
    }
}

/// A multi-line text field (notes, descriptions) with the API's message for it.
#[component]
pub fn TextAreaField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    value: RwSignal<String>,
    problem: RwSignal<Option<Problem>>,
    #[prop(default = 3)] rows: u32,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let field = name.clone();
    let error = Memo::new(move |_| field_error(&problem.get(), &field));
    view! {
        <div class="field field-wide" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id.clone()
                name=name.clone()
                rows=rows
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <small class="field-error" id=error_id.clone() role="alert">
                {move || error.get().unwrap_or_default()}
            </small>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{ErrorCode, FieldError};

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
}
