//! Test support: each test gets the real server on a free loopback port, backed by its
//! own fresh PostgreSQL database (cloned from a migrated template, so it takes
//! milliseconds), and talks to it over real HTTP.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use storage::schema::activity_logs;
use tokio::sync::OnceCell;

pub mod smtp;
mod sse;
pub use sse::{EventStream, Frame};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// The password of the users tests create.
pub const PASSWORD: &str = "a-long-enough-password";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// The server to create test databases on: `DATABASE_URL`, else the local PostgreSQL.
pub fn admin_database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn database_url(name: &str) -> String {
    let mut url = url::Url::parse(&admin_database_url()).expect("DATABASE_URL must be a URL");
    url.set_path(name);
    url.to_string()
}

async fn admin_connection() -> AsyncPgConnection {
    AsyncPgConnection::establish(&admin_database_url())
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at DATABASE_URL or 127.0.0.1:5432: {e}"))
}

/// Runs one SQL statement the test needs (set-up, or a state no API call can make).
pub async fn execute(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql).execute(conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// A database with every migration applied, named after the migration versions so a
/// new migration gets a new template.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let versions = storage::migrations::embedded_versions().join("_");
            let name = format!("mos_test_tmpl_{:016x}", fxhash(&versions));
            let mut conn = admin_connection().await;
            // Serialises test processes that build the same template.
            diesel::sql_query("SELECT pg_advisory_lock(424242)").execute(&mut conn).await.expect("advisory lock");
            let exists: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
                "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
            ))
            .get_result(&mut conn)
            .await
            .expect("checking the template");
            if exists == 0 {
                let building = format!("{name}_building");
                execute(&mut conn, &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await;
                execute(&mut conn, &format!("CREATE DATABASE {building}")).await;
                storage::migrations::run(&database_url(&building)).await.expect("migrating the template");
                execute(&mut conn, &format!("ALTER DATABASE {building} RENAME TO {name}")).await;
            }
            diesel::sql_query("SELECT pg_advisory_unlock(424242)").execute(&mut conn).await.expect("unlock");
            name
        })
        .await
}

fn fxhash(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100000001b3))
}

/// The configuration tests run the server with, on `database_url`, plus `overrides`.
pub fn test_config(database_url: &str, overrides: &[(&str, &str)]) -> server::config::Config {
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("JWT_SECRET", JWT_SECRET),
        ("BIND_ADDR", "127.0.0.1:0"),
        ("WORKERS", "1"),
        ("DB_POOL_SIZE", "4"),
        ("ADMIN_EMAIL", ADMIN_EMAIL),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("RATE_LIMIT_API_REQUESTS", "1000000"),
        ("RATE_LIMIT_AUTH_REQUESTS", "1000000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (key, value) in overrides {
        vars.insert((*key).to_owned(), (*value).to_owned());
    }
    server::config::Config::from_vars(&vars).expect("test configuration")
}

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    /// The database this app drops when it goes; `None` for a second instance on another's.
    database: Option<String>,
    handle: actix_web::dev::ServerHandle,
    /// The server's job workers, which stop with the app.
    _jobs: Option<server::jobs::pool::WorkerPool>,
    /// A client with a cookie store, like a browser.
    pub browser: Client,
    /// A client without cookies, like an integrator.
    pub client: Client,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// The app and the bootstrap admin's bearer token: how most tests start.
    pub async fn with_admin() -> (TestApp, String) {
        let app = Self::spawn().await;
        let admin = app.admin_token().await;
        (app, admin)
    }

    /// Starts the app with extra environment (e.g. tight rate limits).
    pub async fn spawn_with(overrides: &[(&str, &str)]) -> TestApp {
        let template = template().await;
        let database = format!("mos_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin_connection().await;
        diesel::sql_query(format!("CREATE DATABASE {database} TEMPLATE {template}"))
            .execute(&mut conn)
            .await
            .expect("creating the test database");
        let database_url = database_url(&database);
        Self::start(database_url, Some(database), overrides).await
    }

    /// A second server on this app's database, as another node of the same deployment.
    pub async fn another_node(&self, overrides: &[(&str, &str)]) -> TestApp {
        Self::start(self.database_url.clone(), None, overrides).await
    }

    async fn start(database_url: String, database: Option<String>, overrides: &[(&str, &str)]) -> TestApp {
        let config = test_config(&database_url, overrides);
        let app = server::startup::build(config).await.expect("starting the server");
        let handle = app.server.handle();
        let jobs = app.jobs;
        tokio::spawn(app.server);
        TestApp {
            address: format!("http://{}", app.addr),
            database_url,
            database,
            handle,
            _jobs: jobs,
            browser: Client::builder().cookie_store(true).build().expect("client"),
            client: Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A request from the cookie-less client, with a bearer token when given.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token).send().await.expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token).json(body).send().await.expect("request")
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::PATCH, path, token).json(body).send().await.expect("request")
    }

    /// POSTs raw bytes with the given content type.
    pub async fn post_raw(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        let request = self.request(Method::POST, path, Some(token)).header("content-type", content_type);
        request.body(body).send().await.expect("request")
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token).send().await.expect("request")
    }

    /// Signs in and returns the session body (`accessToken`, `refreshToken`, `user`).
    pub async fn login(&self, username: &str, password: &str) -> Value {
        let response = self.post("/api/login", None, &json!({"username": username, "password": password})).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        response.json().await.expect("session body")
    }

    pub async fn admin_token(&self) -> String {
        token_of(&self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await)
    }

    /// Creates a user with `role` through the API and returns (id, bearer token).
    pub async fn user_with_role(&self, admin_token: &str, username: &str, role: &str) -> (i64, String) {
        let response = self
            .post(
                "/api/users",
                Some(admin_token),
                &json!({"username": username, "password": PASSWORD, "email": format!("{username}@example.com"), "role": role}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "creating {username}");
        let user: Value = response.json().await.expect("user body");
        let id = user["id"].as_i64().expect("id");
        (id, token_of(&self.login(username, PASSWORD).await))
    }

    /// A direct database connection, for checking what the API stored.
    pub async fn db(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.database_url).await.expect("test database connection")
    }
}

/// `response.expect_problem(404, "NOT_FOUND")`: checks the status and
/// the problem's `code`, and returns the problem body.
pub trait ProblemExt {
    fn expect_problem(self, status: u16, code: &str) -> impl std::future::Future<Output = Value>;
}

impl ProblemExt for Response {
    async fn expect_problem(self, status: u16, code: &str) -> Value {
        assert_eq!(self.status().as_u16(), status, "expected a {status} {code}");
        let body = problem(self).await;
        assert_eq!(body["code"], code, "{body}");
        body
    }
}

/// POSTs `body` and returns the created record, asserting 201.
pub async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = app.post(path, Some(token), &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "POST {path} {body}");
    response.json().await.unwrap()
}

pub fn id(record: &Value) -> String {
    record["id"].as_str().expect("id").to_owned()
}

/// A response header as text, empty when absent.
pub fn header(response: &Response, name: &str) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// GETs a list, asserting 200, and returns (names or other `field` values, X-Total-Count).
pub async fn listed(app: &TestApp, token: &str, path: &str, field: &str) -> (Vec<String>, String) {
    let response = app.get(path, Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let total = header(&response, "x-total-count");
    let items: Vec<Value> = response.json().await.unwrap();
    (items.iter().map(|item| item[field].as_str().unwrap_or_default().to_owned()).collect(), total)
}

/// Audit rows of `activity_type` about entity `entity_id`.
pub async fn audit_rows(app: &TestApp, activity_type: &str, entity_id: &str) -> i64 {
    let mut db = app.db().await;
    activity_logs::table
        .filter(activity_logs::activity_type.eq(activity_type))
        .filter(activity_logs::entity_id.eq(entity_id))
        .count()
        .get_result(&mut db)
        .await
        .unwrap()
}

/// A user with `role` linked to `client_id`, signed in: (user id, token).
pub async fn portal_user(app: &TestApp, admin: &str, username: &str, client_id: &str) -> (i64, String) {
    let user = created(
        app,
        admin,
        "/api/users",
        json!({"username": username, "password": PASSWORD, "role": "client", "clientId": client_id}),
    )
    .await;
    (user["id"].as_i64().unwrap(), token_of(&app.login(username, PASSWORD).await))
}

/// A 400 `VALIDATION_ERROR`'s first field error, as (field, code).
pub async fn field_error(response: Response) -> (String, String) {
    let body = response.expect_problem(400, "VALIDATION_ERROR").await;
    (body["errors"][0]["field"].as_str().unwrap().to_owned(), body["errors"][0]["code"].as_str().unwrap().to_owned())
}

pub fn token_of(session: &Value) -> String {
    session["accessToken"].as_str().expect("accessToken").to_owned()
}

/// Reads a problem+json body, checking the media type and the members every problem has.
pub async fn problem(response: Response) -> Value {
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert_eq!(content_type, "application/problem+json", "status {}", response.status());
    let request_id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body: Value = response.json().await.expect("problem body");
    for member in ["type", "title", "status", "detail", "code", "errors", "message"] {
        assert!(body.get(member).is_some(), "problem lacks {member}: {body}");
    }
    assert_eq!(body["requestId"].as_str(), request_id.as_deref(), "requestId matches X-Request-Id");
    body
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Ask the workers to stop now; the database goes with FORCE either way.
        drop(self.handle.stop(false));
        let Some(database) = self.database.clone() else { return };
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                if let Ok(mut conn) = AsyncPgConnection::establish(&admin_database_url()).await {
                    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}
