//! Request counts and latencies by route and status, rendered as Prometheus text for `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use axum::extract::{MatchedPath, Request};

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// A series within its route: the method label and the status.
type SeriesKey = (&'static str, u16);

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Cumulative counts per bucket, as Prometheus wants them.
    buckets: [u64; BUCKETS.len()],
}

/// The request metrics of this server instance.
#[derive(Debug, Default)]
pub struct Metrics {
    /// By route template, then method and status: a request finds its series without
    /// allocating (a route's name is copied once, when it is first seen).
    series: Mutex<BTreeMap<String, BTreeMap<SeriesKey, Series>>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        let mut series = self
            .series
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !series.contains_key(route) {
            series.insert(route.to_owned(), BTreeMap::new());
        }
        let Some(of_route) = series.get_mut(route) else {
            return;
        };
        let entry = of_route.entry((method, status)).or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (bound, bucket) in BUCKETS.iter().zip(entry.buckets.iter_mut()) {
            if seconds <= *bound {
                *bucket += 1;
            }
        }
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let series = self
            .series
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .flat_map(|(route, of_route)| {
                of_route.iter().map(move |((method, status), value)| {
                    ((*method, route.clone(), *status), value.clone())
                })
            })
            .collect::<Vec<_>>();
        let mut out = String::new();
        out.push_str(
            "# HELP rega_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE rega_http_requests_total counter\n");
        for (key, value) in &series {
            let _ = writeln!(
                out,
                "rega_http_requests_total{{{}}} {}",
                labels(key),
                value.count
            );
        }
        out.push_str("# HELP rega_http_request_duration_seconds Time to answer HTTP requests, by route and status.\n");
        out.push_str("# TYPE rega_http_request_duration_seconds histogram\n");
        for (key, value) in &series {
            let labels = labels(key);
            for (bound, count) in BUCKETS.iter().zip(value.buckets.iter()) {
                let _ = writeln!(
                    out,
                    "rega_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "rega_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                value.count
            );
            let _ = writeln!(
                out,
                "rega_http_request_duration_seconds_sum{{{labels}}} {}",
                value.sum_seconds
            );
            let _ = writeln!(
                out,
                "rega_http_request_duration_seconds_count{{{labels}}} {}",
                value.count
            );
        }
        out
    }
}

fn labels((method, route, status): &(&'static str, String, u16)) -> String {
    format!(
        "method=\"{}\",route=\"{}\",status=\"{status}\"",
        escape(method),
        escape(route),
    )
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The route of a request as a label: the matched route template, never the raw path (IDs and
/// references never become labels); `api_unmatched` or `static` when no route matched.
#[derive(Debug, Clone)]
pub enum RouteLabel {
    /// A route's template.
    Matched(MatchedPath),
    /// No route matched.
    Fixed(&'static str),
}

impl RouteLabel {
    /// The label of `request`'s route.
    pub fn of(request: &Request) -> RouteLabel {
        match request.extensions().get::<MatchedPath>() {
            Some(path) => RouteLabel::Matched(path.clone()),
            None if request.uri().path().starts_with("/api/") => RouteLabel::Fixed("api_unmatched"),
            None => RouteLabel::Fixed("static"),
        }
    }

    /// As text.
    pub fn as_str(&self) -> &str {
        match self {
            RouteLabel::Matched(path) => path.as_str(),
            RouteLabel::Fixed(label) => label,
        }
    }
}

/// A request's method as a metrics label: one of the standard methods, else `other` — a label
/// taken from the request as sent would let anyone grow `/metrics` without bound.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_up_method_is_counted_as_other() {
        let made_up = axum::http::Method::from_bytes(&[b'X'; 8192]).expect("a token");
        assert_eq!(method_label(&made_up), "other");
        assert_eq!(method_label(&axum::http::Method::POST), "POST");
    }

    #[test]
    fn a_recorded_request_appears_in_its_route_series_and_buckets() {
        let metrics = Metrics::default();
        metrics.record("GET", "/healthz", 200, 0.003);
        metrics.record("GET", "/healthz", 200, 0.2);
        let text = metrics.render();
        assert!(text.contains(
            "rega_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains("route=\"/healthz\",status=\"200\",le=\"0.005\"} 1"));
        assert!(text.contains("route=\"/healthz\",status=\"200\",le=\"0.25\"} 2"));
        assert!(text.contains("rega_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"));
    }

    #[test]
    fn label_values_are_escaped() {
        let metrics = Metrics::default();
        metrics.record("GET", "a\"b", 404, 0.0);
        assert!(metrics.render().contains("route=\"a\\\"b\""));
    }
}
