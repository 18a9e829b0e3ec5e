//! One tracing span per request, named by its method and the route it matched (`static` for the
//! app's files), so that every log line a request writes — a failed store operation's included —
//! says which route it served.

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::Request;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, TraceLayer};

/// The request span's maker.
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteSpan;

impl MakeSpan<Body> for RouteSpan {
    fn make_span(&mut self, request: &Request<Body>) -> tracing::Span {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("static", MatchedPath::as_str);
        tracing::info_span!("request", method = %request.method(), route)
    }
}

/// The layer: a span per request. A 5xx logs its cause (`http::problem`, naming the store
/// operation that failed) and the layer's own failure event, both inside the span.
pub fn layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RouteSpan> {
    TraceLayer::new_for_http().make_span_with(RouteSpan)
}
