//! Liveness, readiness and metrics.

use crate::helpers::{Db, spawn_app, spawn_with_store, store};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app(None).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
}

async fn readyz_reports_the_database(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let app = spawn_with_store(store, None, data).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200, "{db:?}");
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn readyz_is_ready_when_sqlite_answers() {
    readyz_reports_the_database(Db::Sqlite).await;
}

#[tokio::test]
async fn readyz_is_ready_when_postgres_answers() {
    readyz_reports_the_database(Db::Postgres).await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status() {
    let app = spawn_app(None).await;
    for _ in 0..3 {
        app.get("/healthz").await;
    }
    app.get("/api/v1/no-such-thing/12345").await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ASCII")
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("text");
    assert!(
        text.contains(
            "rega_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 3"
        ),
        "{text}"
    );
    assert!(
        text.contains("route=\"api_unmatched\",status=\"404\""),
        "{text}"
    );
    // Raw paths never become labels (they could hold IDs or references).
    assert!(!text.contains("12345"), "{text}");
    assert!(text.contains("rega_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"+Inf\"} 3"));
}

#[tokio::test]
async fn made_up_methods_do_not_grow_the_metrics() {
    let app = spawn_app(None).await;
    let before = app.get("/metrics").await.text().await.expect("text").len();
    for n in 0..200 {
        let method = reqwest::Method::from_bytes(format!("M{n:04}{}", "X".repeat(2000)).as_bytes())
            .expect("a token");
        app.client
            .request(method, format!("{}/api/v1/services", app.url))
            .send()
            .await
            .expect("answered");
    }
    let text = app.get("/metrics").await.text().await.expect("text");
    assert!(
        !text.contains("XXXXXXXX"),
        "a made-up method became a label"
    );
    assert!(text.contains("method=\"other\""), "{text}");
    assert!(
        text.len() < before + 8_000,
        "200 made-up methods grew /metrics from {before} to {} bytes",
        text.len()
    );
}
