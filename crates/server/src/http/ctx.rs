//! `Ctx`: what every handler works with, as one extractor.

use crate::error::AppError;
use crate::http::audit::AuditContext;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::{ready, Ready};
use std::ops::Deref;

/// The app (through `Deref`: `ctx.conn()`, `ctx.transaction(…)`, `ctx.cpu`) and the
/// request's audit context, through which every write is recorded (`ctx.audit.by(actor)`).
pub struct Ctx {
    pub state: web::Data<AppState>,
    pub audit: AuditContext,
}

impl Deref for Ctx {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.state
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")));
        ready(state.and_then(|state| {
            let audit = AuditContext::from_request(req, payload).into_inner()?;
            Ok(Ctx { state, audit })
        }))
    }
}
