//! RFC 9457 problem documents with a stable machine `code` the app maps to a localized message.

use serde::{Deserialize, Serialize};

/// The media type of every error response.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Stable error codes. The wire form (snake case) never changes once published:
/// the app keys its localized messages on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No such endpoint or object (also what another citizen's object looks like).
    NotFound,
    /// The method is not allowed on this endpoint.
    MethodNotAllowed,
    /// The request body or parameters are malformed.
    BadRequest,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// The database cannot be reached.
    NotReady,
    /// The app build is missing on the server.
    AppNotBuilt,
    /// Something failed on the server; the detail is in the server log.
    Internal,
}

impl ErrorCode {
    /// Every code, so tests can prove each one has a message in every locale.
    pub const ALL: [ErrorCode; 7] = [
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::BadRequest,
        ErrorCode::PayloadTooLarge,
        ErrorCode::NotReady,
        ErrorCode::AppNotBuilt,
        ErrorCode::Internal,
    ];

    /// The wire form of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::NotReady => "not_ready",
            ErrorCode::AppNotBuilt => "app_not_built",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::BadRequest => 400,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::NotReady | ErrorCode::AppNotBuilt => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// A short English title for the problem document; clients show their own localized text.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::BadRequest => "Bad request",
            ErrorCode::PayloadTooLarge => "Request body too large",
            ErrorCode::NotReady => "Service not ready",
            ErrorCode::AppNotBuilt => "The app is not built on this server",
            ErrorCode::Internal => "Internal error",
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` style is avoided so the code is explicit.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, human-readable summary.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// The stable machine code.
    pub code: ErrorCode,
    /// A human-readable explanation of this occurrence, when there is one worth giving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Problem {
    /// The problem document for a code, with its standard title and status.
    pub fn new(code: ErrorCode) -> Problem {
        Problem {
            kind: format!("urn:rega:problem:{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            code,
            detail: None,
        }
    }

    /// Adds an explanation of this occurrence.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_document_carries_its_code_in_snake_case() {
        let json = serde_json::to_value(Problem::new(ErrorCode::NotFound)).expect("serializes");
        assert_eq!(json["code"], "not_found");
        assert_eq!(json["status"], 404);
        assert_eq!(json["type"], "urn:rega:problem:not_found");
        assert!(json.get("detail").is_none());
    }

    #[test]
    fn every_code_reads_back_from_its_wire_form() {
        for code in ErrorCode::ALL {
            let wire = format!("\"{}\"", code.as_str());
            let back: ErrorCode = serde_json::from_str(&wire).expect("parses");
            assert_eq!(back, code);
        }
    }
}
