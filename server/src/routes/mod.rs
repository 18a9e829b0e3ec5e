//! The HTTP routes: one module per API area, assembled here.

pub mod admin;
pub mod appointments;
pub mod auth;
pub mod availability;
pub mod devices;
pub mod health;
pub mod kiosk;
pub mod licence;
pub mod reference;
pub mod registry;
pub mod staff;
pub mod tickets;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::http::static_files::StaticFiles;

/// The largest request body any endpoint accepts.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// A known API path with a method it does not take.
async fn method_not_allowed() -> crate::http::problem::ApiError {
    crate::http::problem::ApiError::client(rega_api::ErrorCode::MethodNotAllowed)
}

/// The description's frame; the paths and schemas come from the handlers themselves.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Rega API",
        description = "Driving-licence appointments and the digital driving licence of the Kurdistan Region's traffic directorates. Errors are RFC 9457 problem documents with a stable `code`.",
        license(name = "EUPL-1.2")
    ),
    servers((url = "/api/v1")),
    components(schemas(rega_api::Problem, rega_api::ErrorCode)),
    modifiers(&DeviceCredentials)
)]
struct ApiDoc;

/// The credentials of machines: a kiosk's (`Authorization: Kiosk <credential>`, the `kiosk`
/// security scheme) and a registry client's (`Authorization: Registry <credential>`, `registry`).
struct DeviceCredentials;

impl utoipa::Modify for DeviceCredentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "kiosk",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Kiosk <credential>`: the credential the kiosk was enrolled with",
            ))),
        );
        components.add_security_scheme(
            "registry",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Registry <credential>`: the credential `rega registry-client add` printed",
            ))),
        );
    }
}

/// Every API route, each registered together with its OpenAPI description, so no route can
/// exist undocumented.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(reference::router())
        .merge(availability::router())
        .merge(auth::router())
        .merge(appointments::router())
        .merge(licence::router())
        .merge(devices::router())
        .merge(kiosk::router())
        .merge(tickets::router())
        .merge(staff::router())
        .merge(registry::router())
        .merge(admin::router())
}

/// The OpenAPI 3.1 description of the API, generated from the code.
pub fn openapi() -> utoipa::openapi::OpenApi {
    described(api()).1
}

/// The routes and their description, in which every error answer is said to be what the server
/// sends: `application/problem+json` (utoipa writes a body type as `application/json`).
fn described(api: OpenApiRouter<AppState>) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut description) = api.split_for_parts();
    for item in description.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, description) in answers_of_its_inputs(operation) {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem_response(description));
            }
            for (status, response) in &mut operation.responses.responses {
                let utoipa::openapi::RefOr::T(response) = response else {
                    continue;
                };
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                if let Some(content) = response.content.shift_remove("application/json") {
                    response
                        .content
                        .insert(rega_api::problem::PROBLEM_CONTENT_TYPE.to_owned(), content);
                }
            }
        }
    }
    (router, description)
}

/// The refusals every operation's inputs can draw, whatever its handler does: a query or path
/// parameter that does not parse (`ApiQuery`, `ApiPath`: 400), a body that is not JSON, too large
/// or of another type (`ApiJson`, `Keyed`: 400, 413, 415). Added where an operation does not say
/// them itself, so the description lists every status the server sends.
fn answers_of_its_inputs(
    operation: &utoipa::openapi::path::Operation,
) -> Vec<(&'static str, &'static str)> {
    use utoipa::openapi::path::ParameterIn;
    let mut answers = Vec::new();
    let takes = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p, utoipa::openapi::RefOr::T(p) if p.parameter_in == place))
    };
    if takes(ParameterIn::Query) || takes(ParameterIn::Path) {
        answers.push(("400", "bad_request: a parameter that does not parse"));
    }
    if operation.request_body.is_some() {
        answers.push((
            "400",
            "invalid_json, bad_request: a body that is not the JSON object described",
        ));
        answers.push(("413", "payload_too_large"));
        answers.push((
            "415",
            "unsupported_media_type: the body must be application/json",
        ));
    }
    answers
}

/// A problem answer (`application/problem+json`, the `Problem` schema).
fn problem_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    let content = utoipa::openapi::ContentBuilder::new()
        .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
        .build();
    utoipa::openapi::RefOr::T(
        utoipa::openapi::ResponseBuilder::new()
            .description(description)
            .content(rega_api::problem::PROBLEM_CONTENT_TYPE, content)
            .build(),
    )
}

/// Assembles the API, the operational endpoints and the static app.
pub fn router(state: AppState) -> Router {
    let (api, description) = described(api());
    let description: Arc<str> = description.to_json().unwrap_or_default().into();
    let api = api
        .route(
            "/openapi.json",
            get(move || {
                let body = description.clone();
                async move {
                    (
                        [(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static("application/json"),
                        )],
                        body.to_string(),
                    )
                        .into_response()
                }
            }),
        )
        .method_not_allowed_fallback(method_not_allowed);
    let anchor = state.credentials.as_ref().map(|c| {
        let jwk = c.anchor_jwk();
        let pin = match c.pin {
            crate::credentials::Pin::Configured => "configured",
            crate::credentials::Pin::Demo => "demo",
        };
        (format!("{} {} {}", jwk.kid, jwk.x, jwk.y), pin)
    });
    let static_files = StaticFiles::new(&state.dist_dir).with_trust_anchor(anchor);
    Router::new()
        .nest(rega_api::API_BASE, api)
        .merge(health::router())
        .fallback_service(tower::service_fn(move |request| {
            static_files.clone().serve(request)
        }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::edge::edge,
        ))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rega_api::endpoints::OPERATIONS;

    #[test]
    fn the_shared_endpoint_list_and_the_served_description_name_the_same_operations() {
        let description = super::openapi();
        let served: BTreeSet<(String, String)> = description
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter(|(_, offered)| *offered)
                .map(|(method, _)| (method.to_owned(), path.clone()))
            })
            .collect();
        let shared: BTreeSet<(String, String)> = OPERATIONS
            .iter()
            .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
            .collect();
        assert_eq!(
            served.difference(&shared).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "served but not in rega_api::endpoints"
        );
        assert_eq!(
            shared.difference(&served).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "in rega_api::endpoints but not served"
        );
    }
}
