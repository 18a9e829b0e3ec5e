//! The audit trail's writer (SPEC §6): one record per request that changes or reveals something;
//! never a code, a token or a cookie.

use crate::AppState;
use crate::store::AuditRecord;

/// Writes an audit record; a failure to audit is logged, never hidden.
pub async fn audit(state: &AppState, actor: &str, action: &str, object: &str, result: &str) {
    audit_store(
        state.store.as_ref(),
        state.clock.now(),
        actor,
        action,
        object,
        result,
    )
    .await;
}

/// [`audit`] for the operators' commands, which have a store but no server.
pub async fn audit_store(
    store: &dyn crate::store::Store,
    at: i64,
    actor: &str,
    action: &str,
    object: &str,
    result: &str,
) {
    let record = AuditRecord {
        at,
        actor: actor.into(),
        action: action.into(),
        object: object.into(),
        result: result.into(),
    };
    tracing::info!(target: "audit", actor, action, object, result, "audit");
    if let Err(error) = store.audit(&record).await {
        tracing::error!(%error, action, "cannot write an audit record");
    }
}
