//! Configuration: read once from the environment, validated, then passed in. A bad value stops
//! the process with one line naming the variable.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// Every setting, typed. See the README's configuration table (and `.env.example`).
#[derive(Debug, Clone)]
pub struct Config {
    pub bind_addr: SocketAddr,
    pub database_url: DatabaseUrl,
    pub database_max_connections: u32,
    pub database_acquire_timeout: Duration,
    /// How long a municipality read is reused (`CACHE_TTL_SECS`; 0 turns the cache off): another
    /// instance's change to a municipality's settings shows within this time.
    pub cache_ttl: Duration,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub cors_allowed_origins: CorsOrigins,
    pub workers: usize,
    pub shutdown_timeout: Duration,
    pub max_body_bytes: usize,
    pub jwt: JwtConfig,
    /// Read the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Requests submitted without an account, per client address and hour.
    pub anonymous_intake_per_hour: u32,
    pub webhooks: WebhookConfig,
}

/// How webhooks are delivered.
#[derive(Debug, Clone, Copy)]
pub struct WebhookConfig {
    /// `WEBHOOKS_ALLOW_LOOPBACK`: subscriptions may name loopback addresses and plain `http`
    /// (local development and tests only; never in production).
    pub allow_loopback: bool,
    /// `WEBHOOKS_WORKER`: this process delivers (turn it off where `implication worker` runs
    /// apart, or on all but one instance on SQLite).
    pub worker: bool,
    /// `WEBHOOKS_TIMEOUT_SECS`: how long a receiver has to answer.
    pub timeout: Duration,
    /// `WEBHOOKS_POLL_MILLIS`: how often the worker looks for events and deliveries due.
    pub poll: Duration,
}

/// How access tokens are made and checked.
#[derive(Clone)]
pub struct JwtConfig {
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// The active signing key (PEM), from `JWT_SIGNING_KEY_FILE` or `JWT_SIGNING_KEY`; `None`: the
    /// embedded default (a key generated on first start and kept in the database).
    pub signing_key_pem: Option<String>,
    /// Earlier keys still accepted while their tokens live (`JWT_PREVIOUS_KEY_FILES`).
    pub previous_key_pems: Vec<String>,
}

/// Keys never print.
impl fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtConfig")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field("signing_key_configured", &self.signing_key_pem.is_some())
            .field("previous_keys", &self.previous_key_pems.len())
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No cross-origin calls (the default).
    None,
    /// Any origin (`*`): for an open-data deployment.
    Any,
    List(Vec<String>),
}

/// The database URL; it may hold a password, so it never prints whole.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Scheme and host only, for logs and the start-up banner.
    pub fn redacted(&self) -> String {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("", &self.0));
        let host_and_path = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        let without_query = host_and_path.split('?').next().unwrap_or_default();
        format!("{scheme}://{without_query}")
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A variable with a value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://implication.db";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(Self {
            bind_addr: parse_or(
                "BIND_ADDR",
                get("BIND_ADDR"),
                "127.0.0.1:8080".parse().ok(),
                "a socket address such as 127.0.0.1:8080",
            )?,
            database_url: database_url(get("DATABASE_URL"))?,
            database_max_connections: ranged("DATABASE_MAX_CONNECTIONS", get("DATABASE_MAX_CONNECTIONS"), 10, 1, 1000)?,
            database_acquire_timeout: Duration::from_secs(ranged(
                "DATABASE_ACQUIRE_TIMEOUT_SECS",
                get("DATABASE_ACQUIRE_TIMEOUT_SECS"),
                5,
                1,
                300,
            )?),
            cache_ttl: Duration::from_secs(ranged("CACHE_TTL_SECS", get("CACHE_TTL_SECS"), 5, 0, 3600)?),
            log_format: match get("LOG_FORMAT").as_deref() {
                None | Some("text") => LogFormat::Text,
                Some("json") => LogFormat::Json,
                Some(other) => {
                    return Err(invalid("LOG_FORMAT", format!("\"{other}\" is neither \"text\" nor \"json\"")));
                }
            },
            log_filter: get("RUST_LOG").unwrap_or_else(|| "info".to_owned()),
            cors_allowed_origins: cors_origins(get("CORS_ALLOWED_ORIGINS"))?,
            workers: ranged("WORKERS", get("WORKERS"), default_workers(), 1, 256)?,
            shutdown_timeout: Duration::from_secs(ranged(
                "SHUTDOWN_TIMEOUT_SECS",
                get("SHUTDOWN_TIMEOUT_SECS"),
                30,
                0,
                3600,
            )?),
            max_body_bytes: ranged("MAX_BODY_BYTES", get("MAX_BODY_BYTES"), 256 * 1024, 1024, 64 * 1024 * 1024)?,
            jwt: JwtConfig {
                issuer: get("JWT_ISSUER").unwrap_or_else(|| "implication".to_owned()),
                audience: get("JWT_AUDIENCE").unwrap_or_else(|| "implication-api".to_owned()),
                access_ttl: Duration::from_secs(ranged(
                    "ACCESS_TOKEN_TTL_SECS",
                    get("ACCESS_TOKEN_TTL_SECS"),
                    900,
                    60,
                    86_400,
                )?),
                refresh_ttl: Duration::from_secs(
                    86_400 * ranged("REFRESH_TOKEN_TTL_DAYS", get("REFRESH_TOKEN_TTL_DAYS"), 30_u64, 1, 365)?,
                ),
                signing_key_pem: signing_key(get("JWT_SIGNING_KEY_FILE"), get("JWT_SIGNING_KEY"))?,
                previous_key_pems: previous_keys(get("JWT_PREVIOUS_KEY_FILES"))?,
            },
            anonymous_intake_per_hour: ranged(
                "ANONYMOUS_INTAKE_PER_HOUR",
                get("ANONYMOUS_INTAKE_PER_HOUR"),
                30,
                1,
                1_000_000,
            )?,
            webhooks: WebhookConfig {
                allow_loopback: flag("WEBHOOKS_ALLOW_LOOPBACK", get("WEBHOOKS_ALLOW_LOOPBACK"), false)?,
                worker: flag("WEBHOOKS_WORKER", get("WEBHOOKS_WORKER"), true)?,
                timeout: Duration::from_secs(ranged("WEBHOOKS_TIMEOUT_SECS", get("WEBHOOKS_TIMEOUT_SECS"), 10, 1, 60)?),
                poll: Duration::from_millis(ranged(
                    "WEBHOOKS_POLL_MILLIS",
                    get("WEBHOOKS_POLL_MILLIS"),
                    1000,
                    50,
                    60_000,
                )?),
            },
            trust_forwarded_for: match get("TRUST_FORWARDED_FOR").as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => {
                    return Err(invalid("TRUST_FORWARDED_FOR", format!("\"{other}\" is neither true nor false")));
                }
            },
        })
    }
}

/// A `true` or `false` setting.
fn flag(variable: &'static str, value: Option<String>, default: bool) -> Result<bool, ConfigError> {
    match value.as_deref() {
        None => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(invalid(variable, format!("\"{other}\" is neither true nor false"))),
    }
}

fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn invalid(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { variable, message: message.into() }
}

fn parse_or<T: std::str::FromStr>(
    variable: &'static str,
    value: Option<String>,
    default: Option<T>,
    expected: &str,
) -> Result<T, ConfigError> {
    match value {
        Some(value) => value.parse().map_err(|_| invalid(variable, format!("\"{value}\" is not {expected}"))),
        None => default.ok_or_else(|| invalid(variable, "is required")),
    }
}

fn ranged<T>(variable: &'static str, value: Option<String>, default: T, min: T, max: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let expected = format!("a whole number from {min} to {max}");
    let parsed = parse_or(variable, value, Some(default), &expected)?;
    if parsed < min || parsed > max {
        return Err(invalid(variable, format!("{parsed} is not {expected}")));
    }
    Ok(parsed)
}

fn read_key_file(variable: &'static str, path: &str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| invalid(variable, format!("cannot read {path}: {e}")))
}

fn signing_key(file: Option<String>, inline: Option<String>) -> Result<Option<String>, ConfigError> {
    match (file, inline) {
        (Some(_), Some(_)) => Err(invalid("JWT_SIGNING_KEY", "set JWT_SIGNING_KEY_FILE or JWT_SIGNING_KEY, not both")),
        (Some(path), None) => read_key_file("JWT_SIGNING_KEY_FILE", &path).map(Some),
        (None, inline) => Ok(inline.map(|pem| pem.replace("\\n", "\n"))),
    }
}

fn previous_keys(files: Option<String>) -> Result<Vec<String>, ConfigError> {
    files
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| read_key_file("JWT_PREVIOUS_KEY_FILES", p))
                .collect()
        })
        .unwrap_or_else(|| Ok(Vec::new()))
}

fn database_url(value: Option<String>) -> Result<DatabaseUrl, ConfigError> {
    let url = value.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let supported = ["sqlite:", "postgres://", "postgresql://"];
    if supported.iter().any(|prefix| url.starts_with(prefix)) {
        Ok(DatabaseUrl(url))
    } else {
        let shown = DatabaseUrl(url).redacted();
        Err(invalid("DATABASE_URL", format!("\"{shown}\" is neither a sqlite:// nor a postgres:// URL")))
    }
}

fn cors_origins(value: Option<String>) -> Result<CorsOrigins, ConfigError> {
    let Some(value) = value else { return Ok(CorsOrigins::None) };
    if value == "*" {
        return Ok(CorsOrigins::Any);
    }
    let origins: Vec<String> = value.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).collect();
    for origin in &origins {
        let (scheme, host) = origin.split_once("://").unwrap_or_default();
        let valid = matches!(scheme, "http" | "https") && !host.is_empty() && !host.contains(['/', ' ', '?', '#']);
        if !valid {
            return Err(invalid(
                "CORS_ALLOWED_ORIGINS",
                format!("\"{origin}\" is not an origin such as https://www.loos-en-gohelle.fr (or use *)"),
            ));
        }
    }
    Ok(CorsOrigins::List(origins))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_run_on_a_local_sqlite_file() {
        let config = config(&[]).ok();
        assert!(config.as_ref().is_some_and(|c| c.database_url.expose() == DEFAULT_DATABASE_URL));
        assert!(config.is_some_and(
            |c| c.bind_addr.to_string() == "127.0.0.1:8080" && c.cors_allowed_origins == CorsOrigins::None
        ));
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        for (variable, value) in [
            ("BIND_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("WORKERS", "0"),
            ("LOG_FORMAT", "xml"),
            ("CORS_ALLOWED_ORIGINS", "www.example.org"),
            ("MAX_BODY_BYTES", "lots"),
            ("ACCESS_TOKEN_TTL_SECS", "5"),
            ("JWT_SIGNING_KEY_FILE", "/no/such/key.pem"),
            ("TRUST_FORWARDED_FOR", "yes"),
        ] {
            let error = config(&[(variable, value)]).err();
            assert_eq!(error.map(|e| e.variable), Some(variable));
        }
    }

    #[test]
    fn cors_origins_are_a_star_or_a_list() {
        assert_eq!(
            config(&[("CORS_ALLOWED_ORIGINS", "*")]).ok().map(|c| c.cors_allowed_origins),
            Some(CorsOrigins::Any)
        );
        let list = config(&[("CORS_ALLOWED_ORIGINS", "https://a.fr, http://localhost:3000/")]).ok();
        assert_eq!(
            list.map(|c| c.cors_allowed_origins),
            Some(CorsOrigins::List(vec!["https://a.fr".into(), "http://localhost:3000".into()]))
        );
    }

    #[test]
    fn the_database_password_never_prints() {
        let url = DatabaseUrl::new("postgres://app:s3cret@db:5432/implication?sslmode=require");
        assert_eq!(url.redacted(), "postgres://db:5432/implication");
        assert!(!format!("{url:?}").contains("s3cret"));
    }
}
