//! No request address may carry a NUL character (`%00`): no Rega path or query holds one, and
//! PostgreSQL cannot store or compare one, so it is refused with a problem before any handler.

use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;

use super::problem::ApiError;

/// The refusal of an address with `%00` in its path or query (`400 bad_request`); `None` for
/// any other.
pub fn refusal(uri: &Uri) -> Option<Response> {
    let holds_nul = |text: &str| {
        text.as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
    };
    (holds_nul(uri.path()) || uri.query().is_some_and(holds_nul)).then(|| {
        ApiError::Client {
            code: ErrorCode::BadRequest,
            detail: Some("the address holds a NUL character (%00)".to_owned()),
        }
        .into_response()
    })
}
