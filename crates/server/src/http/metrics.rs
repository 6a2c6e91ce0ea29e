//! Prometheus metrics. The recorder is process-global, so it is installed once and shared by
//! every server in the process (tests start several).
//!
//! Per-request recording is on the hot path: handles are looked up once per (route, method,
//! status) and cached, and labels are bounded (route templates, known methods, status codes) so a
//! client cannot inflate the series count with made-up methods or paths.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

use axum::http::Method;
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".into()),
                    &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0],
                )
                .and_then(PrometheusBuilder::install_recorder)
                .map_err(|e| tracing::warn!(error = %e, "metrics recorder not installed"))
                .ok()
        })
        .as_ref()
}

type Series = HashMap<(&'static str, u16), (Counter, Histogram)>;

/// route template -> (method, status) -> handles.
fn cache() -> &'static RwLock<HashMap<String, Series>> {
    static CACHE: OnceLock<RwLock<HashMap<String, Series>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

pub fn record(method: &Method, route: &str, status: u16, latency: Duration) {
    let method = method_label(method);
    let seconds = latency.as_secs_f64();
    if let Ok(map) = cache().read()
        && let Some((counter, histogram)) = map.get(route).and_then(|s| s.get(&(method, status)))
    {
        counter.increment(1);
        histogram.record(seconds);
        return;
    }
    let labels = [("method", method.to_owned()), ("route", route.to_owned()), ("status", status.to_string())];
    let counter = metrics::counter!("http_requests_total", &labels);
    let histogram = metrics::histogram!("http_request_duration_seconds", &labels);
    counter.increment(1);
    histogram.record(seconds);
    if let Ok(mut map) = cache().write() {
        map.entry(route.to_owned()).or_default().insert((method, status), (counter, histogram));
    }
}
