//! The audit trail: handlers append one `activity_logs` row per write, in the same
//! transaction as the write, tagged with the request id and client IP.

use crate::error::AppError;
use crate::platform::request_context::RequestId;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use serde::Serialize;
use storage::activity::NewActivity;
use storage::AsyncPgConnection;

/// Where a write came from.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

impl FromRequest for AuditContext {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(AuditContext {
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
            ip: req.peer_addr().map(|addr| addr.ip().to_string()),
        }))
    }
}

/// What changed, for the audit row.
pub struct Change<'a> {
    pub actor: Option<i32>,
    pub activity_type: &'a str,
    pub description: String,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

impl AuditContext {
    pub async fn record(&self, conn: &mut AsyncPgConnection, change: Change<'_>) -> Result<(), AppError> {
        let entry = NewActivity {
            user_id: change.actor,
            activity_type: change.activity_type.to_owned(),
            description: change.description,
            entity_type: Some(change.entity_type.to_owned()),
            entity_id: Some(change.entity_id),
            before: change.before,
            after: change.after,
            metadata: None,
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
        };
        storage::activity::insert(conn, &entry).await?;
        Ok(())
    }
}
