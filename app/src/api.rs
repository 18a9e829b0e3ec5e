//! The only place the app does HTTP: typed calls to the Rega API, each failure a typed error
//! that becomes a localized message (never swallowed, never a panic).

use rega_api::{API_BASE, ErrorCode, Problem};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::{Messages, error_message};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer: offline, or the server cannot be reached.
    Network,
    /// An answer with an error status, and its problem code when the body had one.
    Http {
        /// The HTTP status.
        status: u16,
        /// The problem document's code.
        code: Option<ErrorCode>,
    },
    /// An answer the app cannot read (a newer server, or a proxy's page).
    Decode,
}

impl ApiError {
    /// The message to show, in the interface language.
    pub fn message(&self, m: &'static Messages) -> &'static str {
        match self {
            ApiError::Network => m.common_network_error,
            ApiError::Http {
                code: Some(code), ..
            } => error_message(m, *code),
            ApiError::Http { status, code: None } if *status >= 500 => {
                error_message(m, ErrorCode::Internal)
            }
            ApiError::Http { .. } | ApiError::Decode => error_message(m, ErrorCode::BadRequest),
        }
    }

    /// The problem code, when the server gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Http { code, .. } => *code,
            _ => None,
        }
    }
}

fn url(path: &str) -> String {
    format!("{API_BASE}{path}")
}

async fn read<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, ApiError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json::<T>().await.map_err(|_| ApiError::Decode);
    }
    let code = response.json::<Problem>().await.ok().map(|p| p.code);
    Err(ApiError::Http { status, code })
}

/// `GET` a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = gloo_net::http::Request::get(&url(path))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    read(response).await
}

/// `POST` a JSON body and read a JSON answer.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let request = gloo_net::http::Request::post(&url(path))
        .json(body)
        .map_err(|_| ApiError::Decode)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    read(response).await
}
