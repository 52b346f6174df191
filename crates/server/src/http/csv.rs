//! CSV downloads (the list exports).

use crate::error::{AppError, AppResult};
use actix_web::http::header;
use actix_web::HttpResponse;
use chrono::Utc;

/// `text/csv` attachment named after the list and the day, e.g. `leads-2026-11-25.csv`:
/// the header row, then `rows`.
pub fn csv_download(name: &str, header: Vec<String>, rows: Vec<Vec<String>>) -> AppResult<HttpResponse> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).map_err(AppError::internal)?;
    for row in rows {
        writer.write_record(&row).map_err(AppError::internal)?;
    }
    let body = writer.into_inner().map_err(AppError::internal)?;
    let filename = format!("{name}-{}.csv", Utc::now().format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")))
        .body(body))
}
