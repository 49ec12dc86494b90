//! Sending one delivery: an HTTP POST that follows no redirect, goes through no proxy, and
//! connects only to addresses the policy allows — checked after resolution, by the client's own
//! resolver, so that the address checked is the address connected to.

use super::signing;
use implication_domain::webhooks::Secret;
use implication_domain::webhooks::target::{self, Policy, TargetUrl};
use implication_domain::{FieldError, Message};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How deliveries are sent.
#[derive(Debug, Clone, Copy)]
pub struct SenderSettings {
    pub policy: Policy,
    /// How long a receiver has to answer.
    pub timeout: Duration,
}

/// The HTTP client of deliveries (cheap to clone).
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    settings: SenderSettings,
}

/// What one POST gave.
#[derive(Debug, Clone)]
pub struct Sent {
    pub status_code: Option<i32>,
    pub latency_ms: i32,
    /// Why there is no status code, or what the receiver's refusal was.
    pub error: Option<String>,
}

/// Resolves with the system's resolver, keeping only allowed addresses: a name resolving to
/// none of them fails to connect.
struct Guarded(Policy);

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0;
        Box::pin(async move {
            let addrs = resolve(name.as_str(), policy)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.message.en().to_owned().into() })?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The allowed addresses `host` resolves to; an error names the forbidden address or the
/// failed resolution.
async fn resolve(host: &str, policy: Policy) -> Result<Vec<SocketAddr>, FieldError> {
    let lookup = tokio::time::timeout(std::time::Duration::from_secs(5), tokio::net::lookup_host((host, 0)));
    let found: Vec<SocketAddr> = match lookup.await {
        Ok(found) => found.map_err(|e| unresolvable(host, &e))?.collect(),
        Err(_) => return Err(unresolvable(host, &"no answer within 5 s")),
    };
    if found.is_empty() {
        return Err(unresolvable(host, &"no address"));
    }
    // Every address must be allowed: a name that resolves to a public and a private address
    // could be connected to either.
    if found.iter().any(|a| !target::allowed(a.ip(), policy)) {
        return Err(target::forbidden("url"));
    }
    Ok(found)
}

fn unresolvable(host: &str, e: &dyn std::fmt::Display) -> FieldError {
    FieldError::new(
        "url",
        implication_domain::webhooks::Code::UnresolvableHost,
        Message::new(format!("{host} does not resolve: {e}"), format!("{host} ne se résout pas : {e}")),
    )
}

impl Sender {
    pub fn new(settings: SenderSettings) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("Implication-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(Guarded(settings.policy)))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { client, settings })
    }

    pub fn policy(&self) -> Policy {
        self.settings.policy
    }

    pub fn timeout(&self) -> Duration {
        self.settings.timeout
    }

    /// Checks that `url` resolves to allowed addresses only (at subscription: a delivery checks
    /// again when it connects).
    pub async fn check(&self, url: &TargetUrl) -> Result<(), FieldError> {
        match (url.address(), url.host_name()) {
            (Some(ip), _) if !target::allowed(ip, self.settings.policy) => Err(target::forbidden("url")),
            (Some(_), _) | (None, None) => Ok(()),
            (None, Some(host)) => resolve(host, self.settings.policy).await.map(|_| ()),
        }
    }

    /// POSTs `body` to `url` as event `id`, signed with `secrets`.
    pub async fn send(&self, url: &str, id: &str, secrets: &[&Secret], body: String) -> Sent {
        let started = Instant::now();
        let elapsed = |started: Instant| i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        // A literal address never reaches the resolver: it is checked here.
        let parsed = match TargetUrl::parse("url", url, self.settings.policy) {
            Ok(parsed) => parsed,
            Err(e) => return Sent { status_code: None, latency_ms: 0, error: Some(e.message.en().to_owned()) },
        };
        let timestamp = chrono::Utc::now().timestamp();
        let answer = self
            .client
            .post(parsed.as_str())
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signing::signature(secrets, id, timestamp, &body))
            .body(body)
            .send()
            .await;
        match answer {
            Ok(response) => {
                let status = response.status();
                let latency_ms = elapsed(started);
                let error = (!status.is_success()).then(|| format!("the receiver answered {status}"));
                Sent { status_code: Some(i32::from(status.as_u16())), latency_ms, error }
            }
            Err(e) => {
                // The chain says why (a forbidden address, a refused connection, a timeout);
                // without the URL, whose path may carry the receiver's token.
                let e = e.without_url();
                let mut why = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(inner) = source {
                    why = format!("{why}: {inner}");
                    source = inner.source();
                }
                Sent { status_code: None, latency_ms: elapsed(started), error: Some(why) }
            }
        }
    }
}
