//! Building and running the server: migrations, the bootstrap admin, middleware order.

use crate::auth::passwords;
use crate::config::Config;
use crate::error::AppError;
use crate::http::audit;
use crate::jobs::pool::WorkerPool;
use crate::jobs::Registry;
use crate::openapi;
use crate::platform::method_not_allowed::RouteTable;
use crate::platform::{rate_limit, request_context, security_headers, spa};
use crate::routes;
use crate::state::AppState;
use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{http, web, App, HttpRequest, HttpResponse, HttpServer, ResponseError};
use actix_web_prom::PrometheusMetricsBuilder;
use anyhow::Context;
use domain::{ErrorCode, Role};
use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub struct Application {
    pub server: Server,
    pub addr: SocketAddr,
    pub state: web::Data<AppState>,
    /// The job workers of this process (`JOB_WORKERS` > 0); they stop when this drops.
    pub jobs: Option<WorkerPool>,
}

/// How long running jobs may take to finish when the process stops; the rest are handed
/// back to the queue.
pub const JOB_SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

impl Application {
    /// Serves until the server stops (SIGTERM, SIGINT), then stops the job workers.
    pub async fn run(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(jobs) = self.jobs {
            jobs.stop(JOB_SHUTDOWN_GRACE).await;
        }
        served
    }
}

/// Migrates, bootstraps the first admin, and binds; `.server` must then be awaited.
pub async fn build(config: Config) -> anyhow::Result<Application> {
    let config = Arc::new(config);
    let applied = storage::migrations::run(config.database_url.expose()).await.context("running migrations")?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    let db = storage::connect(config.database_url.expose(), config.db_pool_size)?;
    let state = web::Data::new(AppState::new(config.clone(), db));
    bootstrap_admin(&state).await.context("creating the bootstrap admin")?;

    let listener = TcpListener::bind(config.bind_addr).with_context(|| format!("binding {}", config.bind_addr))?;
    let addr = listener.local_addr()?;
    let server = serve(state.clone(), listener)?;
    let jobs = (config.jobs.workers > 0)
        .then(|| WorkerPool::start(state.clone().into_inner(), Registry::standard(), config.jobs.workers));

    let limiters = state.rate_limiters.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limiters.retain_recent();
        }
    });
    Ok(Application { server, addr, state, jobs })
}

/// `marketingos worker`: runs job workers (at least one) and no HTTP server, until
/// SIGTERM or SIGINT; then lets running jobs finish for `JOB_SHUTDOWN_GRACE`.
pub async fn run_worker(config: Config, registry: Registry) -> anyhow::Result<()> {
    let config = Arc::new(config);
    storage::migrations::run(config.database_url.expose()).await.context("running migrations")?;
    let db = storage::connect(config.database_url.expose(), config.db_pool_size)?;
    let state = Arc::new(AppState::new(config.clone(), db));
    let pool = WorkerPool::start(state, registry, config.jobs.workers.max(1));
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).context("listening for SIGTERM")?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    tracing::info!("stopping the job workers");
    pool.stop(JOB_SHUTDOWN_GRACE).await;
    Ok(())
}

fn cors(config: &Config) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            http::header::CONTENT_TYPE,
            http::header::AUTHORIZATION,
            http::header::HeaderName::from_static("x-api-key"),
            http::header::HeaderName::from_static("x-csrf-token"),
            http::header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers(["X-Request-Id", "X-Total-Count", "Link", "Retry-After", "Location"])
        .supports_credentials()
        .max_age(3600);
    for origin in &config.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

fn serve(state: web::Data<AppState>, listener: TcpListener) -> anyhow::Result<Server> {
    let document = openapi::document();
    let metrics = PrometheusMetricsBuilder::new("marketingos")
        .endpoint("/metrics")
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|e| anyhow::anyhow!("metrics: {e}"))?;
    let route_table = web::Data::new(RouteTable::from_openapi(&document));
    let workers = state.config.workers;
    let mut server = HttpServer::new(move || {
        // The docs go first: the `/api` scope would otherwise claim their paths.
        let docs = SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", document.clone());
        let (app, _) = App::new()
            .service(web::redirect("/api/docs", "/api/docs/"))
            .service(docs)
            .into_utoipa_app()
            .configure(routes::configure)
            .split_for_parts();
        app.app_data(state.clone())
            .app_data(route_table.clone())
            .app_data(web::PathConfig::default().error_handler(|error, req| {
                // `PATCH /api/leads/export` reaches `PATCH /api/leads/{leadId}`: the caller
                // named the export path, which has no PATCH, so that is a 405, not a bad id.
                let literal = req.app_data::<web::Data<RouteTable>>().and_then(|routes| {
                    routes
                        .literal_route_methods(req.path())
                        .filter(|allowed| !allowed.contains(req.method().as_str()))
                        .cloned()
                });
                match literal {
                    Some(allowed) => {
                        actix_web::error::InternalError::from_response(error, method_not_allowed(req, allowed)).into()
                    }
                    None => AppError::field("path", "type", format!("Invalid path parameter: {error}")).into(),
                }
            }))
            .default_service(web::to(fallback))
            .wrap(from_fn(audit::flush_stale))
            .wrap(from_fn(rate_limit::middleware::rate_limit))
            .wrap(cors(&state.config))
            .wrap(security_headers::security_headers())
            .wrap(metrics.clone())
            .wrap(from_fn(request_context::request_context))
            .wrap(Compress::default())
    })
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.shutdown_timeout(10).run())
}

/// No route matched: the web app's files (with STATIC_DIR), else 405 with `Allow` when the
/// path exists for other methods, else 404.
async fn fallback(req: HttpRequest, routes: web::Data<RouteTable>, state: web::Data<AppState>) -> HttpResponse {
    // With STATIC_DIR, GETs outside /api, /health and /metrics belong to the web app.
    if let Some(dir) = &state.config.static_dir {
        if let Some(response) = spa::serve(dir, &req).await {
            return response;
        }
    }
    let allowed = routes.allowed_methods(req.path());
    // A listed method reaching the fallback means the path only resembles a route (e.g. a
    // trailing slash): that is "not found", never "use the method you just used".
    if allowed.is_empty() || allowed.contains(req.method().as_str()) {
        return AppError::new(ErrorCode::NotFound, "No route matches this path").error_response();
    }
    method_not_allowed(&req, allowed)
}

/// 405 with `Allow` listing the methods the path does accept.
fn method_not_allowed(req: &HttpRequest, allowed: BTreeSet<String>) -> HttpResponse {
    let allow = allowed.into_iter().collect::<Vec<_>>().join(", ");
    let mut response = AppError::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not supported on this path; use {allow}", req.method()),
    )
    .error_response();
    if let Ok(value) = http::header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(http::header::ALLOW, value);
    }
    response
}

/// Creates the first admin from `ADMIN_EMAIL`/`ADMIN_PASSWORD` when no admin exists.
async fn bootstrap_admin(state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.conn().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if storage::identity::users::any_admin_exists(&mut conn).await? {
        return Ok(());
    }
    let Some(admin) = &state.config.admin else {
        tracing::warn!("no admin account exists; set ADMIN_EMAIL and ADMIN_PASSWORD to create one at start-up");
        return Ok(());
    };
    let password = passwords::hash(admin.password.expose()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let new_user = storage::identity::users::NewUser {
        username: admin.username.clone(),
        password,
        email: Some(admin.email.clone()),
        first_name: None,
        last_name: None,
        role: Role::Admin,
        client_id: None,
        creator_id: None,
        custom_permissions: Default::default(),
    };
    let user = storage::identity::users::insert(&mut conn, &new_user).await?;
    let entry = storage::activity::NewActivity {
        user_id: None,
        activity_type: "user.bootstrap_admin".to_owned(),
        description: format!("Bootstrap admin {} created from ADMIN_EMAIL", user.username),
        entity_type: Some("user".to_owned()),
        entity_id: Some(user.id.to_string()),
        after: serde_json::to_value(user.user.clone()).ok(),
        ..Default::default()
    };
    storage::activity::insert(&mut conn, &entry).await?;
    tracing::info!(username = %user.username, "bootstrap admin created");
    Ok(())
}
