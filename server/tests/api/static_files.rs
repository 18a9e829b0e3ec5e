//! Serving the built app: precompressed variants, caching, app routes and API 404s.

use crate::helpers::{fake_dist, spawn_app};

#[tokio::test]
async fn an_app_route_gets_index_html_revalidated_on_every_use() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    for path in ["/book", "/book/time", "/appointments/RG-7K3M-Q9P2"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ASCII")
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(
            response.text().await.expect("text"),
            "<!doctype html><title>Rega</title>",
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_directorate_screens_the_kiosk_and_the_verifier_get_their_own_apps() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    for (path, page) in [
        ("/kiosk", "kiosk"),
        ("/desk/", "directorate"),
        ("/board", "directorate"),
        ("/admin", "directorate"),
        ("/verify", "verifier"),
        ("/verify/", "verifier"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(
            response.text().await.expect("text"),
            format!("<!doctype html><title>Rega {page}</title>"),
            "{path}"
        );
    }
    // Only those: a citizen page under a similar name stays with the citizen app.
    let response = app.get("/kiosks").await;
    assert_eq!(
        response.text().await.expect("text"),
        "<!doctype html><title>Rega</title>"
    );
}

#[tokio::test]
async fn a_main_page_comes_with_its_heading_in_the_html() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    for (path, body) in [
        (
            "/book/day",
            "<!doctype html><title>Rega</title><h1>Which day?</h1>",
        ),
        (
            "/book/day/",
            "<!doctype html><title>Rega</title><h1>Which day?</h1>",
        ),
        ("/", "<!doctype html><title>Rega</title><h1>Start</h1>"),
        // No prebuilt page: the plain shell.
        ("/book/time", "<!doctype html><title>Rega</title>"),
        ("/routes/book-day", "<!doctype html><title>Rega</title>"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(response.text().await.expect("text"), body, "{path}");
    }
}

#[tokio::test]
async fn brotli_and_gzip_variants_are_served_to_clients_that_accept_them() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    let cases = [
        ("br", Some("br"), "brotli-index"),
        ("gzip", Some("gzip"), "gzip-index"),
        ("identity", None, "<!doctype html><title>Rega</title>"),
    ];
    for (accept, encoding, body) in cases {
        let response = app
            .client
            .get(format!("{}/appointments", app.url))
            .header("accept-encoding", accept)
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().expect("ASCII")),
            encoding,
            "{accept}"
        );
        assert!(
            response.headers()["vary"]
                .to_str()
                .expect("ASCII")
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        assert_eq!(
            response.bytes().await.expect("body"),
            body.as_bytes(),
            "{accept}"
        );
    }
}

#[tokio::test]
async fn hashed_files_are_cached_for_a_year_and_others_revalidated() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    let hashed = app.get("/rega-app-0123456789abcdef.js").await;
    assert_eq!(hashed.status(), 200);
    assert_eq!(
        hashed.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        hashed.headers()["content-type"]
            .to_str()
            .expect("ASCII")
            .contains("javascript")
    );
    let boot = app.get("/boot.js").await;
    assert_eq!(boot.status(), 200);
    assert_eq!(boot.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn a_missing_file_is_a_plain_404_not_the_app_page() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    let response = app.get("/rega-app-ffffffffffffffff.js").await;
    assert_eq!(response.status(), 404);
    assert!(!response.text().await.expect("text").contains("<title>"));
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_problem_not_the_page() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    for path in [
        "/api/v1/nothing-here",
        "/api/v2/appointments",
        "/api",
        "/api/",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let problem: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(problem["code"], "not_found", "{path}");
        assert_eq!(problem["status"], 404, "{path}");
    }
}

#[tokio::test]
async fn without_a_built_app_pages_say_so_and_the_api_still_answers() {
    let app = spawn_app(None).await;
    let response = app.get("/book").await;
    assert_eq!(response.status(), 503);
    let problem: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(problem["code"], "app_not_built");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_wrong_method_on_an_api_path_is_a_problem_document() {
    let app = spawn_app(None).await;
    let response = app
        .client
        .delete(format!("{}/api/v1/directorates", app.url))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(problem["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_page_that_asks_the_api_first_has_the_browser_fetch_it_with_the_app() {
    let dist = fake_dist();
    let app = spawn_app(Some(dist.path().to_path_buf())).await;
    let link = |response: &reqwest::Response| {
        response
            .headers()
            .get_all("link")
            .iter()
            .map(|v| v.to_str().expect("ASCII").to_owned())
            .collect::<Vec<_>>()
    };
    // A citizen's own answers only with their session cookie (any value: the page is static).
    for (path, cookie, expected) in [
        ("/licence", true, Some("/api/v1/licence")),
        ("/appointments", true, Some("/api/v1/appointments")),
        ("/licence", false, None),
        ("/appointments", false, None),
    ] {
        let mut request = app.client.get(format!("{}{path}", app.url));
        if cookie {
            request = request.header("cookie", "lang=en; __Host-rega_session=abc");
        }
        let response = request.send().await.expect("answered");
        let expected: Vec<String> = expected
            .map(|url| format!("<{url}>; rel=preload; as=fetch; crossorigin=anonymous"))
            .into_iter()
            .collect();
        assert_eq!(link(&response), expected, "{path} {cookie}");
    }
    for (path, expected) in [
        (
            "/book/day?service=renewal&directorate=erbil",
            Some("/api/v1/availability/days?directorate=erbil&service=renewal&"),
        ),
        (
            "/book/day?directorate=erbil&service=renewal&x=1",
            Some("/api/v1/availability/days?directorate=erbil&service=renewal&"),
        ),
        // Answers that are not clean, or a page that asks nothing first: no preload.
        ("/book/day?service=renewal&directorate=%3Cx%3E", None),
        ("/book/day?service=renewal", None),
        ("/", None),
        ("/kiosk", None),
        ("/verify", None),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let expected: Vec<String> = expected
            .map(|url| format!("<{url}>; rel=preload; as=fetch; crossorigin=anonymous"))
            .into_iter()
            .collect();
        assert_eq!(link(&response), expected, "{path}");
    }
}
