//! Serving the built app from `dist/`: precompressed variants, long caching for hashed files,
//! `index.html` for app routes, and a JSON 404 for unknown API paths.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rega_api::{ErrorCode, Problem};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::problem::problem_response;

/// Cache policy for files whose names carry a content hash (Trunk's `name-<hex>.ext`).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else (index.html, the service worker, the manifest) is revalidated on each use.
const REVALIDATE: &str = "no-cache";

/// The static side of the server.
#[derive(Clone)]
pub struct StaticFiles {
    dir: PathBuf,
    files: ServeDir,
    index: ServeFile,
    /// The `<meta>` that gives the verifier its pinned trust anchor, written into the
    /// verifier's HTML (`docs/credential.md`).
    anchor_meta: Option<std::sync::Arc<str>>,
}

/// The HTML of the app that serves `path` (`rega_api::paths::app_html`), and whether it is one
/// of the citizen app's wings.
fn app_page(path: &str) -> (&'static str, bool) {
    let page = rega_api::paths::app_html(path);
    (page, rega_api::paths::CITIZEN_HTML.contains(&page))
}

/// The verifier's page, which carries the pinned anchor.
const VERIFIER_PAGE: &str = "verifier.html";

impl StaticFiles {
    /// Serves the app built into `dir`.
    pub fn new(dir: &Path) -> StaticFiles {
        StaticFiles {
            dir: dir.to_path_buf(),
            files: ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .append_index_html_on_directories(false),
            index: ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip(),
            anchor_meta: None,
        }
    }

    /// Gives the verifier the trust anchor this server is configured with (`key` is the JWK's
    /// `kid x y`; `pin` is `configured` or `demo`), as a `<meta>` in its HTML: the verifier pins
    /// what the operator configured, never what an API answer says.
    pub fn with_trust_anchor(mut self, anchor: Option<(String, &str)>) -> StaticFiles {
        self.anchor_meta = anchor.map(|(key, pin)| {
            let safe = |text: &str| {
                text.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
            };
            debug_assert!(safe(&key) && safe(pin));
            format!(r#"<meta name="rega-trust-anchor" content="{key}" data-pin="{pin}">"#).into()
        });
        self
    }

    /// The verifier's HTML with the anchor's `<meta>` in its head.
    async fn verifier_with_anchor(&self, meta: &str) -> Response {
        match tokio::fs::read_to_string(self.dir.join(VERIFIER_PAGE)).await {
            Ok(html) => {
                let html = match html.find("</head>") {
                    Some(at) => format!("{}{meta}{}", &html[..at], &html[at..]),
                    None => html,
                };
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
            }
            Err(_) => not_found_text(),
        }
    }

    /// Answers any request no API route matched.
    pub async fn serve(self, request: Request) -> Result<Response, Infallible> {
        let path = request.uri().path().to_owned();
        if path == "/api" || path.starts_with("/api/") {
            return Ok(problem_response(
                Problem::new(ErrorCode::NotFound)
                    .with_detail("There is no API endpoint at this path."),
            ));
        }
        if !self.dir.join("index.html").is_file() {
            return Ok(problem_response(
                Problem::new(ErrorCode::AppNotBuilt).with_detail(
                    "Build the app with `cargo xtask serve` (or `cargo xtask build`) and restart.",
                ),
            ));
        }
        let query = request.uri().query().unwrap_or("").to_owned();
        let signed_in = crate::auth::cookies::session_token(request.headers()).is_some();
        // The page's own app, if this build has it (a test's dist/ may have index.html alone).
        let (html, citizen) = app_page(&path);
        let page = Some(html).filter(|page| self.dir.join(page).is_file());
        let verifier_html = path == "/verifier.html" || page == Some(VERIFIER_PAGE);
        let response = if let (true, Some(meta)) = (verifier_html, self.anchor_meta.clone()) {
            self.verifier_with_anchor(&meta).await
        } else if is_asset_path(&path) {
            let response = self
                .files
                .oneshot(request)
                .await
                .unwrap_or_else(|e| match e {});
            if response.status() == StatusCode::NOT_FOUND {
                return Ok(not_found_text());
            }
            response.map(Body::new)
        } else if let Some(file) = citizen.then(|| self.route_page(&path)).flatten() {
            // A main citizen page: its wing's HTML with that page's heading already in the shell.
            ServeFile::new(file)
                .precompressed_br()
                .precompressed_gzip()
                .oneshot(request)
                .await
                .unwrap_or_else(|e| match e {})
                .map(Body::new)
        } else if let Some(page) = page {
            // Any other page of an app: that app's HTML; the client-side router picks the page.
            ServeFile::new(self.dir.join(page))
                .precompressed_br()
                .precompressed_gzip()
                .oneshot(request)
                .await
                .unwrap_or_else(|e| match e {})
                .map(Body::new)
        } else {
            let mut request = request;
            *request.uri_mut() = Uri::from_static("/index.html");
            self.index
                .oneshot(request)
                .await
                .unwrap_or_else(|e| match e {})
                .map(Body::new)
        };
        let mut response = response;
        if citizen && !is_asset_path(&path) && response.status().is_success() {
            add_first_answer(&mut response, &path, &query, signed_in);
        }
        Ok(with_cache_headers(&path, response))
    }
}

/// Has the browser fetch the API answer a citizen page asks for first while the app's wasm
/// downloads (issue 20): a `Link: rel=preload` header (no script, CSP-safe; the service worker and
/// shared caches never keep API answers, which are `no-store`). The app's own request for the
/// same address, same mode and credentials then takes the preloaded answer instead of a second
/// round trip after the wasm.
///
/// A citizen's own answer (their licence, their appointments) is preloaded only for a request
/// that carries their session cookie: preloaded for a signed-out page that then signs in, the
/// "sign in" answer would wait unused in the page's preload cache and be taken by the app's
/// first request after signing in.
fn add_first_answer(response: &mut Response, path: &str, query: &str, signed_in: bool) {
    let lookup = |name: &str| {
        query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    };
    let Some(answer) = rega_api::endpoints::first_answer(path, lookup) else {
        return;
    };
    let own = !answer.starts_with(rega_api::endpoints::AVAILABILITY_DAYS);
    if own && !signed_in {
        return;
    }
    // The address exactly as the app's request has it, or the browser fetches it twice: gloo-net
    // (0.6) adds `&` and its own query parameters, none here, to an address that has a query.
    // The browser test of the day page fails if that ever changes.
    let answer = if answer.contains('?') {
        format!("{answer}&")
    } else {
        answer
    };
    // `first_answer` admits only letters, digits, `-`, `_`, `/`, `?`, `=` and `&`.
    let link = format!("</api/v1{answer}>; rel=preload; as=fetch; crossorigin=anonymous");
    if let Ok(value) = HeaderValue::from_str(&link) {
        response.headers_mut().append(header::LINK, value);
    }
}

fn not_found_text() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, REVALIDATE)],
        "Not found\n",
    )
        .into_response()
}

impl StaticFiles {
    /// The prebuilt page of a main citizen route (`cargo xtask build` writes
    /// `routes/book-day.html` for `/book/day`, `routes/home.html` for `/`), if there is one.
    fn route_page(&self, path: &str) -> Option<PathBuf> {
        let name = match path.trim_matches('/') {
            "" => "home".to_owned(),
            rest => rest.replace('/', "-"),
        };
        // Only names the build can write: no dots, no other characters.
        if !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return None;
        }
        let file = self.dir.join("routes").join(format!("{name}.html"));
        file.is_file().then_some(file)
    }
}

/// A path whose last segment has an extension names a file; anything else is an app route.
fn is_asset_path(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'))
}

/// Whether a file name carries Trunk's content hash, e.g. `rega-app-0123456789abcdef_bg.wasm`.
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit('-')
        .next()
        // Trunk writes the 64-bit hash in hex without leading zeros: up to 16 digits.
        .is_some_and(|hash| {
            (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
        && stem.contains('-')
}

fn with_cache_headers(path: &str, mut response: Response) -> Response {
    if !response.status().is_success() && response.status() != StatusCode::NOT_MODIFIED {
        return response;
    }
    let policy = if is_asset_path(path) && is_hashed_name(path) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    // Caches must keep the brotli, gzip and plain variants apart.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_name("/rega-app-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_name("/rega-app-0123456789abcdef.js"));
        assert!(is_hashed_name("/style-fedcba9876543210.css"));
        assert!(!is_hashed_name("/index.html"));
        assert!(is_hashed_name("/rega-app-d3deb8785a9053e.js"));
        assert!(is_hashed_name("/rega-app-d3deb8785a9053e_bg.wasm"));
        assert!(!is_hashed_name("/sw.js"));
        assert!(!is_hashed_name("/0123456789abcdef.js"));
        assert!(!is_hashed_name("/app-0123456789abcdeg.js"));
    }

    #[test]
    fn only_paths_with_an_extension_are_files() {
        assert!(is_asset_path("/fonts/vazirmatn.woff2"));
        assert!(!is_asset_path("/book/day"));
        assert!(!is_asset_path("/"));
    }
}
