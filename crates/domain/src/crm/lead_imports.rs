//! CSV import and export of leads: the import job as clients poll it, and the mapping
//! between CSV cells and the lead API's JSON fields. A row is read into a
//! `CreateLeadRequest` and validated exactly as `POST /api/leads` validates, so the two
//! ways in cannot drift apart.

use crate::crm::leads::{CreateLeadRequest, Lead};
use crate::validation::field_errors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use uuid::Uuid;
use validator::Validate;

/// The largest CSV body `POST /api/leads/import` accepts.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// How many row errors a job keeps; `errorCount` still counts all of them.
pub const MAX_REPORTED_ERRORS: usize = 500;

crate::enums::stored_enum! {
    /// What happens to the valid rows of a file that also has invalid ones.
    #[derive(Default)]
    pub enum ImportMode: "kebab-case" {
        /// Any invalid row imports nothing; the job fails listing the row errors.
        #[default]
        AllOrNothing,
        /// Valid rows are imported, invalid ones skipped and reported.
        SkipInvalid,
    }
}

crate::enums::stored_enum! {
    pub enum ImportStatus: "lowercase" {
        Queued,
        Running,
        Completed,
        Failed,
    }
}

impl ImportStatus {
    /// The job will not change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, ImportStatus::Completed | ImportStatus::Failed)
    }
}

/// One problem with one data row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportRowError {
    /// 1-based data row (the header row is not counted).
    pub row: i64,
    /// The column (the lead's JSON field name) when the error is about one.
    pub field: Option<String>,
    pub message: String,
}

/// A lead import job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::lead_imports, check_for_backend(diesel::pg::Pg)))]
pub struct LeadImport {
    pub id: Uuid,
    pub mode: ImportMode,
    pub status: ImportStatus,
    /// Data rows in the file.
    pub total_rows: i64,
    /// Rows checked so far; reaches `totalRows` when the job finishes.
    pub processed_rows: i64,
    pub imported_rows: i64,
    pub skipped_rows: i64,
    pub error_count: i64,
    /// The first 500 row errors, in row order.
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::json_column::Json<Vec<ImportRowError>>))]
    pub errors: Vec<ImportRowError>,
    /// The user who started the import.
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Query of `POST /api/leads/import`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ImportParams {
    /// `all-or-nothing` (default) or `skip-invalid`.
    pub mode: Option<ImportMode>,
}

impl ImportParams {
    pub fn mode(&self) -> ImportMode {
        self.mode.unwrap_or_default()
    }
}

/// The lead columns of an import file and of an export, in export order. Every name is
/// a field of `CreateLeadRequest`; `socialLinks.<platform>` columns come after them.
pub const LEAD_COLUMNS: [&str; 21] = [
    "name",
    "firstName",
    "lastName",
    "email",
    "phone",
    "company",
    "jobTitle",
    "website",
    "stage",
    "score",
    "aiScore",
    "status",
    "source",
    "value",
    "assignedToId",
    "clientId",
    "tags",
    "location",
    "industry",
    "nextFollowUpDate",
    "notes",
];

/// Columns a file must have.
pub const REQUIRED_LEAD_COLUMNS: [&str; 1] = ["name"];

/// Column prefix of a social profile link: `socialLinks.linkedin`.
pub const SOCIAL_PREFIX: &str = "socialLinks.";

/// Separator of the values in a `tags` cell.
pub const TAG_SEPARATOR: char = ';';

const INTEGER_COLUMNS: [&str; 3] = ["aiScore", "value", "assignedToId"];

/// Why a header row cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    Unknown(Vec<String>),
    Missing(Vec<String>),
    Repeated(Vec<String>),
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::Unknown(names) => write!(
                f,
                "Unknown column(s): {}. Columns are the lead's JSON field names ({}) and {SOCIAL_PREFIX}<platform>",
                names.join(", "),
                LEAD_COLUMNS.join(", ")
            ),
            HeaderError::Missing(names) => write!(f, "Missing required column(s): {}", names.join(", ")),
            HeaderError::Repeated(names) => write!(f, "Column(s) given more than once: {}", names.join(", ")),
        }
    }
}

fn known_column(name: &str) -> bool {
    LEAD_COLUMNS.contains(&name) || name.strip_prefix(SOCIAL_PREFIX).is_some_and(|platform| !platform.is_empty())
}

/// Checks a header row (names trimmed by the caller): only known columns, each once,
/// and every required one.
pub fn check_header(header: &[&str]) -> Result<(), HeaderError> {
    let unknown: Vec<String> = header.iter().filter(|name| !known_column(name)).map(|n| (*n).to_owned()).collect();
    if !unknown.is_empty() {
        return Err(HeaderError::Unknown(unknown));
    }
    let mut repeated: Vec<String> = Vec::new();
    for (index, name) in header.iter().enumerate() {
        if header[..index].contains(name) && !repeated.iter().any(|r| r == name) {
            repeated.push((*name).to_owned());
        }
    }
    if !repeated.is_empty() {
        return Err(HeaderError::Repeated(repeated));
    }
    let missing: Vec<String> =
        REQUIRED_LEAD_COLUMNS.iter().filter(|name| !header.contains(name)).map(|n| (*n).to_owned()).collect();
    if !missing.is_empty() {
        return Err(HeaderError::Missing(missing));
    }
    Ok(())
}

/// Where a file breaks CSV quoting (RFC 4180), which the `csv` crate reads leniently: a
/// quoted field never closed (it would swallow the rest of the file as one cell) or text
/// after a closing quote (`"a"b`). Lines count from 1, the header included.
pub fn quoting_error(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let (mut line, mut opened_at) = (1usize, 0usize);
    let (mut field_start, mut quoted, mut closed) = (true, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        if byte == b'\n' {
            line += 1;
        }
        if quoted {
            if byte == b'"' {
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    (quoted, closed) = (false, true);
                }
            }
            continue;
        }
        match byte {
            b',' | b'\n' | b'\r' => (field_start, closed) = (true, false),
            _ if closed => return Some(format!("text follows a closing quote at line {line}")),
            b'"' if field_start => (quoted, opened_at, field_start) = (true, line, false),
            _ => field_start = false,
        }
    }
    quoted.then(|| format!("the quoted field opened at line {opened_at} is never closed"))
}

/// Reads an integer cell; `1913.0` is the integer 1913, as JSON Schema counts it.
fn integer_cell(text: &str) -> Option<i64> {
    if let Ok(number) = text.parse::<i64>() {
        return Some(number);
    }
    let number = text.parse::<f64>().ok()?;
    // Bounds keep the cast exact; anything outside is out of every column's range anyway.
    (number.is_finite() && number.fract() == 0.0 && number.abs() < 9.0e15).then_some(number as i64)
}

/// Undoes the export's formula guard: `'=1+1` reads back as `=1+1`.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_TRIGGERS) => rest,
        _ => cell,
    }
}

/// One data row as the request `POST /api/leads` would receive, validated as it would
/// be. Empty cells are absent fields. Errors carry the 1-based data `row`.
pub fn lead_from_row(row: i64, header: &[&str], cells: &[&str]) -> Result<CreateLeadRequest, Vec<ImportRowError>> {
    let error = |field: Option<&str>, message: String| ImportRowError { row, field: field.map(str::to_owned), message };
    let mut body = Map::new();
    let mut social = Map::new();
    let mut errors = Vec::new();
    for (name, cell) in header.iter().zip(cells) {
        let text = unguarded(cell.trim());
        if text.is_empty() {
            continue;
        }
        // PostgreSQL text cannot hold U+0000: refuse the row here, not the batch in the database.
        if text.contains('\0') {
            errors.push(error(Some(name), "must not contain the NUL character (\\u0000)".to_owned()));
            continue;
        }
        if let Some(platform) = name.strip_prefix(SOCIAL_PREFIX) {
            social.insert(platform.to_owned(), Value::from(text));
        } else if *name == "tags" {
            let tags: Vec<Value> =
                text.split(TAG_SEPARATOR).map(str::trim).filter(|tag| !tag.is_empty()).map(Value::from).collect();
            body.insert("tags".to_owned(), Value::Array(tags));
        } else if INTEGER_COLUMNS.contains(name) {
            match integer_cell(text) {
                Some(number) => {
                    body.insert((*name).to_owned(), Value::from(number));
                }
                None => errors.push(error(Some(name), format!("must be a whole number, not {text:?}"))),
            }
        } else {
            body.insert((*name).to_owned(), Value::from(text));
        }
    }
    if cells.len() != header.len() {
        errors.push(error(None, format!("has {} cells; the header has {} columns", cells.len(), header.len())));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if !social.is_empty() {
        body.insert("socialLinks".to_owned(), Value::Object(social));
    }
    let request: CreateLeadRequest = deserialize_row(Value::Object(body))
        .map_err(|(field, message)| vec![ImportRowError { row, field, message }])?;
    request.validate().map_err(|report| {
        field_errors(&report)
            .into_iter()
            .map(|e| ImportRowError { row, field: Some(e.field), message: e.message })
            .collect::<Vec<_>>()
    })?;
    Ok(request)
}

/// Deserialises a row object, naming the field serde complains about when it can.
fn deserialize_row(body: Value) -> Result<CreateLeadRequest, (Option<String>, String)> {
    let fields: Vec<(String, Value)> = match &body {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    };
    serde_json::from_value::<CreateLeadRequest>(body).map_err(|whole| {
        let message = whole.to_string();
        if let Some(field) = message.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
            return (Some(field.to_owned()), "is required".to_owned());
        }
        // serde_json's value errors carry no path; retry each field alone (with the
        // required name filled in) to find the one that is wrong.
        let culprit = fields.iter().find(|(name, value)| {
            let mut single = Map::new();
            single.insert("name".to_owned(), Value::from("x"));
            single.insert(name.clone(), value.clone());
            serde_json::from_value::<CreateLeadRequest>(Value::Object(single)).is_err()
        });
        match culprit {
            Some((name, value)) => (Some(name.clone()), format!("{value} is not a valid value")),
            None => (None, message),
        }
    })
}

/// Cells a spreadsheet would run as a formula start with one of these.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Neutralises spreadsheet formula injection: a cell starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading `'` (import strips it again).
pub fn guard_cell(cell: String) -> String {
    if cell.starts_with(FORMULA_TRIGGERS) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The social platforms present in these leads, sorted: the export's extra columns.
pub fn social_platforms<'a>(social: impl IntoIterator<Item = &'a BTreeMap<String, String>>) -> Vec<String> {
    let mut platforms: Vec<String> = social.into_iter().flat_map(|links| links.keys().cloned()).collect();
    platforms.sort();
    platforms.dedup();
    platforms
}

/// The export header: the lead columns then one column per social platform.
pub fn lead_header(platforms: &[String]) -> Vec<String> {
    LEAD_COLUMNS
        .iter()
        .map(|c| (*c).to_owned())
        .chain(platforms.iter().map(|p| format!("{SOCIAL_PREFIX}{p}")))
        .collect()
}

/// One export row in `lead_header` order, formula cells guarded.
pub fn lead_cells(lead: &Lead, platforms: &[String]) -> Vec<String> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let number = |value: Option<i32>| value.map(|v| v.to_string()).unwrap_or_default();
    let fixed = [
        lead.name.clone(),
        text(&lead.first_name),
        text(&lead.last_name),
        text(&lead.email),
        text(&lead.phone),
        text(&lead.company),
        text(&lead.job_title),
        text(&lead.website),
        lead.stage.as_str().to_owned(),
        lead.score.as_str().to_owned(),
        number(lead.ai_score),
        lead.status.clone(),
        lead.source.as_str().to_owned(),
        number(lead.value),
        number(lead.assigned_to_id),
        lead.client_id.map(|id| id.to_string()).unwrap_or_default(),
        lead.tags.join(&TAG_SEPARATOR.to_string()),
        text(&lead.location),
        text(&lead.industry),
        lead.next_follow_up_date.map(|d| d.to_rfc3339()).unwrap_or_default(),
        text(&lead.notes),
    ];
    let social = platforms.iter().map(|p| lead.social_links.get(p).cloned().unwrap_or_default());
    fixed.into_iter().chain(social).map(guard_cell).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::leads::{LeadScore, LeadSource, LeadStage};

    #[test]
    fn modes_and_statuses_use_their_wire_names() {
        assert_eq!(serde_json::to_string(&ImportMode::SkipInvalid).unwrap(), "\"skip-invalid\"");
        assert_eq!(serde_json::to_string(&ImportMode::AllOrNothing).unwrap(), "\"all-or-nothing\"");
        assert_eq!(serde_json::to_string(&ImportStatus::Completed).unwrap(), "\"completed\"");
        assert_eq!(ImportMode::parse("skip-invalid"), Some(ImportMode::SkipInvalid));
        assert_eq!(ImportStatus::parse("running"), Some(ImportStatus::Running));
        assert_eq!(ImportParams::default().mode(), ImportMode::AllOrNothing);
    }

    #[test]
    fn headers_name_what_is_wrong() {
        assert_eq!(check_header(&["name", "email", "socialLinks.linkedin"]), Ok(()));
        assert_eq!(
            check_header(&["name", "fax", "socialLinks."]),
            Err(HeaderError::Unknown(vec!["fax".into(), "socialLinks.".into()]))
        );
        assert_eq!(check_header(&["email"]), Err(HeaderError::Missing(vec!["name".into()])));
        assert_eq!(check_header(&["name", "name"]), Err(HeaderError::Repeated(vec!["name".into()])));
        assert!(HeaderError::Unknown(vec!["fax".into()]).to_string().contains("fax"));
    }

    #[test]
    fn quoting_must_be_closed_and_clean() {
        assert_eq!(quoting_error("name,notes\nAda,\"a, \"\"b\"\"\nc\"\r\nGrace,x\"y\n"), None);
        assert_eq!(quoting_error("name\n\"\"\n"), None);
        assert_eq!(
            quoting_error("name,notes\nAda,ok\nGrace,\"open\nHopper,x\n").as_deref(),
            Some("the quoted field opened at line 3 is never closed")
        );
        assert_eq!(quoting_error("name\n\"Ada\"x\n").as_deref(), Some("text follows a closing quote at line 2"));
    }

    #[test]
    fn rows_become_create_requests() {
        let header = ["name", "email", "tags", "value", "stage", "socialLinks.linkedin", "notes"];
        let lead = lead_from_row(
            1,
            &header,
            &["Ada", "ada@example.com", "vip; b2b;", "1913.0", "qualified", "https://l.in/ada", ""],
        )
        .unwrap();
        assert_eq!(lead.name, "Ada");
        assert_eq!(lead.tags, Some(vec!["vip".to_owned(), "b2b".to_owned()]));
        assert_eq!(lead.value, Some(1913));
        assert_eq!(lead.stage, Some(LeadStage::Qualified));
        assert_eq!(lead.social_links.unwrap()["linkedin"], "https://l.in/ada");
        assert_eq!(lead.notes, None);
    }

    #[test]
    fn row_errors_name_row_and_field() {
        let header = ["name", "email", "value", "stage"];
        let errors = lead_from_row(3, &header, &["Ada", "nope", "12.5", "won"]).unwrap_err();
        assert_eq!(
            errors,
            [ImportRowError { row: 3, field: Some("value".into()), message: errors[0].message.clone() }]
        );
        let errors = lead_from_row(4, &header, &["Ada", "nope", "", "won"]).unwrap_err();
        assert_eq!(errors[0].field.as_deref(), Some("stage"));
        let errors = lead_from_row(5, &header, &["Ada", "nope", "-1", ""]).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_deref().unwrap_or("")).collect();
        assert_eq!(fields, ["email", "value"]);
        assert!(errors.iter().all(|e| e.row == 5));
        let blank = lead_from_row(7, &header, &[" ", "", "", ""]).unwrap_err();
        assert_eq!(blank, [ImportRowError { row: 7, field: Some("name".into()), message: "is required".into() }]);
        let short = lead_from_row(6, &header, &["Ada"]).unwrap_err();
        assert_eq!(short[0].field, None);
        let nul = lead_from_row(8, &header, &["Ada\0", "", "", ""]).unwrap_err();
        assert_eq!(nul[0].field.as_deref(), Some("name"));
        assert!(nul[0].message.contains("NUL"), "{}", nul[0].message);
    }

    #[test]
    fn exports_guard_formulas_and_read_back() {
        assert_eq!(guard_cell("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(guard_cell("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(guard_cell("Ada".into()), "Ada");
        let lead = Lead {
            id: Uuid::nil(),
            client_id: None,
            assigned_to_id: Some(7),
            created_by: None,
            name: "=cmd|' /C calc'!A0".into(),
            first_name: None,
            last_name: None,
            email: Some("ada@example.com".into()),
            phone: Some("+1 555 0100".into()),
            company: None,
            job_title: None,
            website: None,
            stage: LeadStage::Proposal,
            score: LeadScore::Hot,
            ai_score: None,
            status: "new".into(),
            source: LeadSource::Referral,
            value: Some(500),
            tags: vec!["a".into(), "b".into()],
            social_links: BTreeMap::from([("x".to_owned(), "https://x.com/ada".to_owned())]),
            location: None,
            industry: None,
            next_follow_up_date: None,
            notes: None,
            converted_client_id: None,
            converted_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let platforms = social_platforms([&lead.social_links]);
        let header = lead_header(&platforms);
        let cells = lead_cells(&lead, &platforms);
        assert_eq!(header.len(), cells.len());
        assert_eq!(cells[0], "'=cmd|' /C calc'!A0");
        assert_eq!(cells[4], "'+1 555 0100");
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        assert_eq!(check_header(&header), Ok(()));
        let back = lead_from_row(1, &header, &cells).unwrap();
        assert_eq!(back.name, lead.name);
        assert_eq!(back.phone, lead.phone);
        assert_eq!(back.tags, Some(lead.tags.clone()));
        assert_eq!(back.social_links, Some(lead.social_links.clone()));
        assert_eq!((back.stage, back.score, back.source), (Some(lead.stage), Some(lead.score), Some(lead.source)));
    }
}
