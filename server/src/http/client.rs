//! The client's address, for rate limits and the audit trail.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The client's address: the connection's peer, or `unknown` when served without connection
/// info (a deployment behind a proxy runs it on the same host, so the peer is the client's
/// address only when the proxy passes it on; rate limits then also apply per national ID).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> Result<ClientAddress, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}
