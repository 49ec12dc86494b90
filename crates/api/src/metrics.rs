//! Prometheus metrics: request counts and latency histograms by method, route and status.

use actix_web::http::Method;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// One registry per application (not the global one), so tests can run many apps in a process.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    subscriptions: IntGaugeVec,
    backlog: IntGauge,
    pending: IntGauge,
}

/// What the webhooks' gauges show, read from the database at each scrape (the deployment's, not
/// this instance's: every instance shows the same).
#[derive(Debug, Clone, Copy)]
pub struct WebhookGauges {
    pub active: u64,
    pub disabled: u64,
    pub backlog: u64,
    pub pending: u64,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered, by method, route and status"),
            &["method", "route", "status"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request, by method, route and status",
            )
            .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route", "status"],
        )?;
        let subscriptions = IntGaugeVec::new(
            Opts::new("implication_webhook_subscriptions", "Webhook subscriptions, by state (active, disabled)"),
            &["state"],
        )?;
        let backlog = IntGauge::new("implication_outbox_backlog", "Events in the outbox not yet made into deliveries")?;
        let pending =
            IntGauge::new("implication_webhook_deliveries_pending", "Webhook deliveries waiting for an attempt")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(subscriptions.clone()))?;
        registry.register(Box::new(backlog.clone()))?;
        registry.register(Box::new(pending.clone()))?;
        Ok(Self { registry, requests, duration, subscriptions, backlog, pending })
    }

    /// Every label comes from a closed set, so that made-up methods or paths cannot grow the
    /// registry (and the memory) without bound: `method` is a standard method or `other`,
    /// `route` the matched pattern (the caller passes `unmatched` otherwise), `status` a number.
    pub fn observe(&self, method: &Method, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method_label(method), route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.duration.with_label_values(&labels).observe(seconds);
    }

    pub fn set_webhooks(&self, gauges: WebhookGauges) {
        let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        self.subscriptions.with_label_values(&["active"]).set(gauge(gauges.active));
        self.subscriptions.with_label_values(&["disabled"]).set(gauge(gauges.disabled));
        self.backlog.set(gauge(gauges.backlog));
        self.pending.set(gauge(gauges.pending));
    }

    /// The text exposition format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        String::from_utf8(buffer).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

/// The label of a method: one of RFC 9110's (and PATCH), else `other`.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::TRACE, "TRACE"),
        (Method::CONNECT, "CONNECT"),
    ];
    KNOWN.iter().find(|(known, _)| known == method).map_or("other", |(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_up_method_is_counted_as_other() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        assert_eq!(method_label(&Method::from_bytes(b"FOO").unwrap()), "other");
    }
}
