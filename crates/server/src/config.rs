//! Typed configuration from the environment (plus an optional `.env`), validated at
//! start-up with one message that names every missing or invalid variable.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// A value that must never reach a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// `requests` per `window`, keyed by user or IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

#[derive(Debug, Clone)]
pub struct AdminBootstrap {
    pub username: String,
    pub email: String,
    pub password: Secret,
}

/// An external calendar API: where it is and the OAuth access token to call it with.
#[derive(Debug, Clone)]
pub struct CalendarApi {
    pub base_url: url::Url,
    pub access_token: Secret,
    /// Google's calendar id (`primary` by default); unused by Microsoft Graph (`/me`).
    pub calendar_id: String,
}

/// Credentials of external services; each is optional and reported by `/health/ready`.
#[derive(Debug, Clone, Default)]
pub struct Integrations {
    /// Google Calendar API v3, for `POST /api/calendar/sync`.
    pub google_calendar: Option<CalendarApi>,
    /// Microsoft Graph calendar, for `POST /api/calendar/sync`.
    pub microsoft_calendar: Option<CalendarApi>,
    pub smtp_url: Option<Secret>,
    pub twilio: Option<(String, Secret)>,
    pub stripe_secret_key: Option<Secret>,
    pub openai_api_key: Option<Secret>,
    pub google_oauth: Option<(String, Secret)>,
    pub microsoft_oauth: Option<(String, Secret)>,
    /// Web Push (`crates/server/src/notify/push.rs`).
    pub web_push: Option<WebPushKey>,
}

/// The VAPID key pushes are signed with, and the contact push services may write to.
#[derive(Debug, Clone)]
pub struct WebPushKey {
    /// The 32-byte P-256 private scalar, base64url or hex (`notify::vapid_key`).
    pub private_key: Secret,
    /// `mailto:` or `https:` URL in each push's VAPID claims.
    pub subject: String,
}

impl Integrations {
    /// (name, configured) for every integration, in a stable order.
    pub fn status(&self) -> Vec<(&'static str, bool)> {
        vec![
            ("smtp", self.smtp_url.is_some()),
            ("twilio", self.twilio.is_some()),
            ("stripe", self.stripe_secret_key.is_some()),
            ("openai", self.openai_api_key.is_some()),
            ("google_calendar", self.google_calendar.is_some()),
            ("microsoft_calendar", self.microsoft_calendar.is_some()),
            ("web_push", self.web_push.is_some()),
        ]
    }
}

/// Who mails come from (`crates/server/src/mail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub from_email: String,
    pub from_name: String,
    /// Where replies go; the sender when unset.
    pub reply_to: Option<String>,
}

impl MailSettings {
    pub fn reply_to_address(&self) -> &str {
        self.reply_to.as_deref().unwrap_or(&self.from_email)
    }
}

/// The job queue's workers in this process (`crates/server/src/jobs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobsConfig {
    /// Jobs run at once; 0 runs none here (another process, `marketingos worker`, does).
    pub workers: usize,
    /// How long a claimed job stays reserved without its worker renewing it; a job whose
    /// worker died runs again after this.
    pub lease: Duration,
}

/// Outgoing webhooks (`crates/server/src/webhooks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Hosts and networks webhooks may reach although they are not public.
    pub allowed_hosts: domain::ops::webhook_targets::AllowList,
    /// How long a receiver has to answer one delivery.
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Secret,
    pub db_pool_size: usize,
    pub bind_addr: SocketAddr,
    pub public_url: url::Url,
    pub workers: Option<usize>,
    pub jwt_secret: Secret,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub password_reset_ttl: Duration,
    pub cookie_secure: bool,
    pub admin: Option<AdminBootstrap>,
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    pub api_rate_limit: RateLimit,
    pub auth_rate_limit: RateLimit,
    pub cache_ttl: Duration,
    pub circuit_failure_threshold: u32,
    pub circuit_reset_timeout: Duration,
    pub integrations: Integrations,
    pub jobs: JobsConfig,
    pub mail: MailSettings,
    pub webhooks: WebhookSettings,
    /// The built web app (`frontend/dist`), served with an SPA fallback when set.
    pub static_dir: Option<std::path::PathBuf>,
    /// How often `GET /api/events` sends a heartbeat comment.
    pub events_heartbeat: Duration,
}

/// Every problem found in the environment, reported together.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration ({} problem(s)):", self.0.len())?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        write!(f, "See the Configuration section of README.md.")
    }
}

impl std::error::Error for ConfigError {}

struct Reader<'a> {
    vars: &'a HashMap<String, String>,
    problems: Vec<String>,
}

impl Reader<'_> {
    fn optional(&self, name: &str) -> Option<String> {
        self.vars.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    fn required(&mut self, name: &str, hint: &str) -> Option<String> {
        let value = self.optional(name);
        if value.is_none() {
            self.problems.push(format!("{name} is missing ({hint})"));
        }
        value
    }

    fn parsed<T: std::str::FromStr>(&mut self, name: &str, default: T, hint: &str) -> T {
        match self.optional(name) {
            None => default,
            Some(raw) => raw.parse().unwrap_or_else(|_| {
                self.problems.push(format!("{name}={raw:?} is invalid ({hint})"));
                default
            }),
        }
    }

    fn seconds(&mut self, name: &str, default: u64) -> Duration {
        let secs = self.parsed(name, default, "a whole number of seconds, at least 1");
        if secs == 0 {
            self.problems.push(format!("{name} must be at least 1 second"));
        }
        Duration::from_secs(secs.max(1))
    }

    fn rate_limit(&mut self, prefix: &str, requests: u32, window_secs: u64) -> RateLimit {
        let requests_var = format!("{prefix}_REQUESTS");
        let requests = self.parsed(&requests_var, requests, "a whole number of requests, at least 1");
        if requests == 0 {
            self.problems.push(format!("{requests_var} must be at least 1"));
        }
        RateLimit { requests: requests.max(1), window: self.seconds(&format!("{prefix}_WINDOW_SECS"), window_secs) }
    }

    /// A calendar API is configured by its access token; the URL defaults to the real host.
    fn calendar_api(
        &mut self,
        token_var: &str,
        url_var: &str,
        default_url: &str,
        calendar_id: String,
    ) -> Option<CalendarApi> {
        let access_token = self.optional(token_var).map(Secret::new)?;
        let raw = self.optional(url_var).unwrap_or_else(|| default_url.to_owned());
        match url::Url::parse(&raw) {
            Ok(base_url) if matches!(base_url.scheme(), "http" | "https") => {
                Some(CalendarApi { base_url, access_token, calendar_id })
            }
            _ => {
                self.problems.push(format!("{url_var}={raw:?} is invalid (an http(s) URL)"));
                None
            }
        }
    }

    fn pair(&mut self, id_var: &str, secret_var: &str) -> Option<(String, Secret)> {
        match (self.optional(id_var), self.optional(secret_var)) {
            (Some(id), Some(secret)) => Some((id, Secret::new(secret))),
            (None, None) => None,
            (Some(_), None) => {
                self.problems.push(format!("{secret_var} is missing (required when {id_var} is set)"));
                None
            }
            (None, Some(_)) => {
                self.problems.push(format!("{id_var} is missing (required when {secret_var} is set)"));
                None
            }
        }
    }
}

impl Config {
    /// Reads the process environment, after loading `.env` when present.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_vars(&std::env::vars().collect())
    }

    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut r = Reader { vars, problems: Vec::new() };

        let database_url = r.required("DATABASE_URL", "e.g. postgres://postgres@127.0.0.1:5432/marketingos");
        if let Some(url) = &database_url {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                r.problems.push("DATABASE_URL must start with postgres:// or postgresql://".to_owned());
            }
        }
        let jwt_secret = r.required("JWT_SECRET", "a random string of at least 32 characters");
        if jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            r.problems.push("JWT_SECRET must be at least 32 characters".to_owned());
        }
        let bind_addr = r.parsed("BIND_ADDR", SocketAddr::from(([127, 0, 0, 1], 8080)), "host:port, e.g. 0.0.0.0:8080");
        let public_url = match r.optional("PUBLIC_URL") {
            None => url::Url::parse(&format!("http://{bind_addr}")).ok(),
            Some(raw) => match url::Url::parse(&raw) {
                Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
                _ => {
                    r.problems
                        .push(format!("PUBLIC_URL={raw:?} is invalid (an http(s) URL, e.g. https://crm.example.com)"));
                    None
                }
            },
        };
        let cookie_secure_default = public_url.as_ref().is_some_and(|u| u.scheme() == "https");
        let cookie_secure = r.parsed("COOKIE_SECURE", cookie_secure_default, "true or false");
        let db_pool_size = r.parsed("DB_POOL_SIZE", 10usize, "a whole number of connections, at least 1").max(1);
        let workers =
            r.optional("WORKERS").map(|_| r.parsed("WORKERS", 1usize, "a whole number of worker threads").max(1));

        let job_workers = r.parsed("JOB_WORKERS", 2usize, "a whole number of jobs run at once, 0 for none");
        if job_workers >= db_pool_size {
            // Each running job may hold a connection; requests need the rest.
            r.problems.push(format!("JOB_WORKERS ({job_workers}) must be smaller than DB_POOL_SIZE ({db_pool_size})"));
        }
        let jobs = JobsConfig { workers: job_workers, lease: r.seconds("JOB_LEASE_SECS", 30) };

        let admin = match (r.optional("ADMIN_EMAIL"), r.optional("ADMIN_PASSWORD")) {
            (None, None) => None,
            (Some(email), Some(password)) => {
                if !email.contains('@') {
                    r.problems.push(format!("ADMIN_EMAIL={email:?} is not an email address"));
                }
                if password.chars().count() < 12 {
                    r.problems.push("ADMIN_PASSWORD must be at least 12 characters".to_owned());
                }
                let username = r.optional("ADMIN_USERNAME").unwrap_or_else(|| "admin".to_owned());
                Some(AdminBootstrap { username, email, password: Secret::new(password) })
            }
            (Some(_), None) => {
                r.problems.push("ADMIN_PASSWORD is missing (required when ADMIN_EMAIL is set)".to_owned());
                None
            }
            (None, Some(_)) => {
                r.problems.push("ADMIN_EMAIL is missing (required when ADMIN_PASSWORD is set)".to_owned());
                None
            }
        };

        let log_format = match r.optional("LOG_FORMAT").as_deref() {
            None | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                r.problems.push(format!("LOG_FORMAT={other:?} is invalid (json or pretty)"));
                LogFormat::Pretty
            }
        };
        let cors_origins = r
            .optional("CORS_ORIGINS")
            .map(|raw| {
                raw.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect()
            })
            .unwrap_or_default();

        let mail = MailSettings {
            from_email: r.optional("SMTP_FROM_EMAIL").unwrap_or_else(|| "marketingos@localhost".to_owned()),
            from_name: r.optional("SMTP_FROM_NAME").unwrap_or_else(|| "Marketing Team".to_owned()),
            reply_to: r.optional("SMTP_REPLY_TO"),
        };
        if let Err(problem) = mail.mailboxes() {
            r.problems.push(problem);
        }
        let web_push = r.optional("VAPID_PRIVATE_KEY").and_then(|key| {
            if crate::notify::vapid_key::signing_key(&key).is_none() {
                r.problems.push(
                    "VAPID_PRIVATE_KEY is invalid (a 32-byte P-256 private key, base64url or 64 hex digits)".to_owned(),
                );
                return None;
            }
            let subject = r.optional("VAPID_SUBJECT").unwrap_or_else(|| format!("mailto:{}", mail.from_email));
            Some(WebPushKey { private_key: Secret::new(key), subject })
        });

        let google_calendar_id = r.optional("GOOGLE_CALENDAR_ID").unwrap_or_else(|| "primary".to_owned());
        let integrations = Integrations {
            google_calendar: r.calendar_api(
                "GOOGLE_CALENDAR_ACCESS_TOKEN",
                "GOOGLE_CALENDAR_API_URL",
                "https://www.googleapis.com/calendar/v3",
                google_calendar_id,
            ),
            microsoft_calendar: r.calendar_api(
                "MS_GRAPH_ACCESS_TOKEN",
                "MS_GRAPH_API_URL",
                "https://graph.microsoft.com/v1.0",
                String::new(),
            ),
            smtp_url: r.optional("SMTP_URL").map(Secret::new),
            twilio: r.pair("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
            stripe_secret_key: r.optional("STRIPE_SECRET_KEY").map(Secret::new),
            openai_api_key: r.optional("OPENAI_API_KEY").map(Secret::new),
            google_oauth: r.pair("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"),
            microsoft_oauth: r.pair("MICROSOFT_CLIENT_ID", "MICROSOFT_CLIENT_SECRET"),
            web_push,
        };

        if let Some(url) = &integrations.smtp_url {
            use lettre::{AsyncSmtpTransport, Tokio1Executor};
            if let Err(error) = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose()) {
                // The URL may hold a password: name the problem, not the value.
                r.problems.push(format!(
                    "SMTP_URL is invalid ({error}; e.g. smtp://user:password@mail.example.com:587?tls=required or smtps://…:465)"
                ));
            }
        }

        let allowed_hosts =
            domain::ops::webhook_targets::AllowList::parse(&r.optional("WEBHOOK_ALLOWED_HOSTS").unwrap_or_default())
                .unwrap_or_else(|entry| {
                    r.problems.push(format!(
                "WEBHOOK_ALLOWED_HOSTS has {entry:?}, which is not a host name, an IP address or a CIDR network"
            ));
                    Default::default()
                });
        let webhooks = WebhookSettings { allowed_hosts, timeout: r.seconds("WEBHOOK_TIMEOUT_SECS", 10) };

        let static_dir = r.optional("STATIC_DIR").map(std::path::PathBuf::from);
        if let Some(dir) = &static_dir {
            if !dir.join("index.html").is_file() {
                r.problems.push(format!(
                    "STATIC_DIR={:?} has no index.html (build the web app with `cargo xtask run`, or unset it)",
                    dir.display().to_string()
                ));
            }
        }

        let config = Config {
            static_dir,
            db_pool_size,
            bind_addr,
            workers,
            access_token_ttl: r.seconds("ACCESS_TOKEN_TTL_SECS", 15 * 60),
            refresh_token_ttl: r.seconds("REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600),
            password_reset_ttl: r.seconds("PASSWORD_RESET_TTL_SECS", 3600),
            cookie_secure,
            admin,
            cors_origins,
            log_format,
            api_rate_limit: r.rate_limit("RATE_LIMIT_API", 100, 15 * 60),
            auth_rate_limit: r.rate_limit("RATE_LIMIT_AUTH", 10, 5 * 60),
            cache_ttl: r.seconds("CACHE_TTL_SECS", 300),
            circuit_failure_threshold: r.parsed("CIRCUIT_FAILURE_THRESHOLD", 5u32, "a whole number, at least 1").max(1),
            circuit_reset_timeout: r.seconds("CIRCUIT_RESET_TIMEOUT_SECS", 30),
            integrations,
            jobs,
            mail,
            webhooks,
            events_heartbeat: r.seconds("EVENTS_HEARTBEAT_SECS", 15),
            database_url: Secret::new(database_url.unwrap_or_default()),
            jwt_secret: Secret::new(jwt_secret.unwrap_or_default()),
            public_url: public_url.unwrap_or_else(|| url::Url::parse("http://127.0.0.1:8080").expect("literal URL")),
        };
        if r.problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(r.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const MINIMAL: [(&str, &str); 2] =
        [("DATABASE_URL", "postgres://postgres@127.0.0.1/mos"), ("JWT_SECRET", "0123456789abcdef0123456789abcdef")];

    #[test]
    fn minimal_environment_gets_the_seed_defaults() {
        let config = Config::from_vars(&vars(&MINIMAL)).unwrap();
        assert_eq!(config.bind_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.api_rate_limit, RateLimit { requests: 100, window: Duration::from_secs(900) });
        assert_eq!(config.auth_rate_limit, RateLimit { requests: 10, window: Duration::from_secs(300) });
        assert_eq!(config.cache_ttl, Duration::from_secs(300));
        assert_eq!(config.circuit_failure_threshold, 5);
        assert_eq!(config.circuit_reset_timeout, Duration::from_secs(30));
        assert!(!config.cookie_secure, "plain-http local URL keeps cookies usable");
        assert!(config.admin.is_none());
        assert!(config.integrations.status().iter().all(|(_, configured)| !configured));
        assert_eq!(config.jobs, JobsConfig { workers: 2, lease: Duration::from_secs(30) });
    }

    #[test]
    fn mail_settings_are_checked_without_showing_the_smtp_password() {
        let mut env = vars(&MINIMAL);
        let config = Config::from_vars(&env).unwrap();
        assert_eq!(
            (config.mail.from_name.as_str(), config.mail.reply_to_address()),
            ("Marketing Team", "marketingos@localhost")
        );
        env.insert("SMTP_URL".into(), "ftp://user:hunter2@mail.example".into());
        env.insert("SMTP_REPLY_TO".into(), "not an address".into());
        let err = Config::from_vars(&env).unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
        assert!(err.0[0].starts_with("SMTP_REPLY_TO=") && err.0[1].starts_with("SMTP_URL is invalid"), "{err}");
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn job_workers_leave_connections_for_requests() {
        let mut env = vars(&MINIMAL);
        env.insert("DB_POOL_SIZE".into(), "2".into());
        let err = Config::from_vars(&env).unwrap_err();
        assert_eq!(err.0, ["JOB_WORKERS (2) must be smaller than DB_POOL_SIZE (2)"]);
        env.insert("JOB_WORKERS".into(), "0".into());
        assert_eq!(Config::from_vars(&env).unwrap().jobs.workers, 0);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let err = Config::from_vars(&vars(&[
            ("JWT_SECRET", "short"),
            ("BIND_ADDR", "nowhere"),
            ("ADMIN_EMAIL", "admin@example.com"),
            ("LOG_FORMAT", "xml"),
            ("TWILIO_ACCOUNT_SID", "AC123"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        for needle in [
            "DATABASE_URL is missing",
            "JWT_SECRET must be at least 32",
            "BIND_ADDR=\"nowhere\"",
            "ADMIN_PASSWORD is missing",
            "LOG_FORMAT=\"xml\"",
            "TWILIO_AUTH_TOKEN is missing",
        ] {
            assert!(text.contains(needle), "{needle} not in {text}");
        }
        assert_eq!(err.0.len(), 6);
    }

    #[test]
    fn https_public_url_turns_on_secure_cookies() {
        let mut env = vars(&MINIMAL);
        env.insert("PUBLIC_URL".into(), "https://crm.example.com".into());
        assert!(Config::from_vars(&env).unwrap().cookie_secure);
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let mut env = vars(&MINIMAL);
        env.insert("STRIPE_SECRET_KEY".into(), "sk_live_supersecret".into());
        let debug = format!("{:?}", Config::from_vars(&env).unwrap());
        assert!(!debug.contains("supersecret") && !debug.contains("0123456789abcdef"));
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn configured_integrations_are_reported() {
        let mut env = vars(&MINIMAL);
        env.insert("SMTP_URL".into(), "smtp://127.0.0.1:2525".into());
        let status = Config::from_vars(&env).unwrap().integrations.status();
        assert!(status.contains(&("smtp", true)));
        assert!(status.contains(&("stripe", false)));
    }

    #[test]
    fn calendar_apis_are_configured_by_their_access_tokens() {
        let mut env = vars(&MINIMAL);
        env.insert("GOOGLE_CALENDAR_ACCESS_TOKEN".into(), "ya29.token".into());
        let config = Config::from_vars(&env).unwrap();
        let google = config.integrations.google_calendar.as_ref().unwrap();
        assert_eq!(google.base_url.as_str(), "https://www.googleapis.com/calendar/v3");
        assert_eq!(google.calendar_id, "primary");
        assert!(config.integrations.status().contains(&("google_calendar", true)));
        assert!(config.integrations.status().contains(&("microsoft_calendar", false)));
        env.insert("MS_GRAPH_ACCESS_TOKEN".into(), "eyJ0".into());
        env.insert("MS_GRAPH_API_URL".into(), "ftp://graph".into());
        assert!(Config::from_vars(&env).unwrap_err().0[0].starts_with("MS_GRAPH_API_URL="));
    }

    #[test]
    fn webhooks_reach_only_public_addresses_unless_allowed() {
        let mut env = vars(&MINIMAL);
        let settings = Config::from_vars(&env).unwrap().webhooks;
        assert_eq!(settings.allowed_hosts, Default::default());
        assert_eq!(settings.timeout, Duration::from_secs(10));
        env.insert("WEBHOOK_ALLOWED_HOSTS".into(), "127.0.0.1, hooks.internal".into());
        let allowed = Config::from_vars(&env).unwrap().webhooks.allowed_hosts;
        assert!(allowed.allows_host("hooks.internal") && allowed.allows_ip([127, 0, 0, 1].into()));
        env.insert("WEBHOOK_ALLOWED_HOSTS".into(), "10.0.0.0/40".into());
        assert!(Config::from_vars(&env).unwrap_err().0[0].contains("\"10.0.0.0/40\""));
    }

    #[test]
    fn static_dir_must_hold_an_index() {
        let mut env = vars(&MINIMAL);
        assert_eq!(Config::from_vars(&env).unwrap().static_dir, None);
        env.insert("STATIC_DIR".into(), "/nonexistent/marketingos-dist".into());
        let err = Config::from_vars(&env).unwrap_err();
        assert!(err.0[0].starts_with("STATIC_DIR="), "{err}");
    }
}
