//! Reading the audit trail: a supervisor reads their directorate's records (what its staff and
//! kiosks did, and what happened to its appointments), the administrator the whole network's;
//! by day, staff account, action and appointment reference; a page at a time, or the day as
//! CSV. Reading it is itself audited.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rega_api::ErrorCode;
use rega_api::audit::{AuditEntryView, AuditPage};
use rega_api::ids::Reference;
use rega_api::time::{Date, LocalDateTime};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{AuditReader, staff_actor};
use crate::http::audit::audit;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::problem::ApiError;
use crate::store::{AuditEntry, AuditQuery};

/// Records on a page.
const PAGE: u32 = 100;
/// The most records one CSV file holds.
const CSV_MAX: usize = 50_000;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct AuditParams {
    /// The day, `YYYY-MM-DD` in Erbil time (default: today).
    day: Option<String>,
    /// Only what this staff account did (its username).
    staff: Option<String>,
    /// Only this action, e.g. `booking.created`.
    action: Option<String>,
    /// Only what concerns this appointment (its reference).
    reference: Option<String>,
    /// The next page: records older than this cursor (`next` of the page before).
    before: Option<i64>,
    /// `csv`: the day's matching records as a CSV file.
    format: Option<String>,
}

fn view(entry: AuditEntry) -> AuditEntryView {
    AuditEntryView {
        seq: entry.seq,
        at: entry.record.at,
        actor: entry.record.actor,
        staff: entry.staff,
        action: entry.record.action,
        object: entry.record.object,
        result: entry.record.result,
    }
}

/// A CSV field: quoted when it must be, and never read as a formula by a spreadsheet.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("seq,time,actor,staff,action,object,result\r\n");
    for e in entries {
        let fields = [
            e.seq.map(|s| s.to_string()).unwrap_or_default(),
            LocalDateTime::from_unix(e.record.at).to_rfc3339(),
            e.record.actor.clone(),
            e.staff.clone().unwrap_or_default(),
            e.record.action.clone(),
            e.record.object.clone(),
            e.record.result.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The trail of a day, newest first, filtered; `format=csv` gives the day's matching records
/// as a file. A supervisor sees only their directorate's records.
#[utoipa::path(get, path = "/staff/audit", tag = "staff", params(AuditParams),
    responses((status = 200, description = "a page of records; with format=csv, the day's records as CSV",
            content((AuditPage = "application/json"), (String = "text/csv"))),
        (status = 401, description = "staff_unauthenticated", body = rega_api::Problem),
        (status = 403, description = "staff_forbidden (a desk), staff_password_change_required", body = rega_api::Problem),
        (status = 400, description = "bad_request: an unknown format, or an action or username over 64 characters", body = rega_api::Problem),
        (status = 422, description = "invalid_date, invalid_reference", body = rega_api::Problem)))]
pub(super) async fn audit_trail(
    State(state): State<AppState>,
    reader: AuditReader,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Response, ApiError> {
    let day = match &params.day {
        Some(text) => Date::parse(text).map_err(|_| ApiError::client(ErrorCode::InvalidDate))?,
        None => LocalDateTime::from_unix(state.clock.now()).date,
    };
    let from = LocalDateTime::midnight(day);
    let object = match params.reference.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(text) => {
            let reference = Reference::parse(text)
                .map_err(|_| ApiError::client(ErrorCode::InvalidReference))?;
            format!("appointment:{reference}")
        }
    };
    let action = params.action.unwrap_or_default().trim().to_owned();
    let csv_wanted = match params.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError::client(ErrorCode::BadRequest)),
    };
    if action.len() > 64 || params.staff.as_ref().is_some_and(|s| s.len() > 64) {
        return Err(ApiError::client(ErrorCode::BadRequest));
    }
    let actor = match params.staff.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(username) => match state.store.staff_by_username(username).await? {
            Some(account) => staff_actor(account.id),
            // No such account: nothing matches, rather than everything.
            None => "staff:none".to_owned(),
        },
    };
    let mut query = AuditQuery {
        from,
        to: from + 86_400,
        directorate: reader.directorate.clone().unwrap_or_default(),
        actor,
        action,
        object,
        before: params.before.unwrap_or(i64::MAX),
        limit: if csv_wanted { 1_000 } else { PAGE + 1 },
    };
    let scope = reader.directorate.as_deref().unwrap_or("network");
    audit(
        &state,
        &staff_actor(reader.account.id),
        "staff.audit_read",
        &format!("audit:{scope}:{day}"),
        if csv_wanted { "ok:csv" } else { "ok" },
    )
    .await;
    if csv_wanted {
        let mut entries = Vec::new();
        loop {
            let page = state.store.audit_search(&query).await?;
            let Some(last) = page.last() else { break };
            query.before = last.id;
            let full = page.len() == query.limit as usize;
            entries.extend(page);
            if !full || entries.len() >= CSV_MAX {
                break;
            }
        }
        entries.truncate(CSV_MAX);
        let mut response = csv(&entries).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(value) = HeaderValue::from_str(&format!(
            "attachment; filename=\"rega-audit-{scope}-{day}.csv\""
        )) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok(response);
    }
    let mut entries = state.store.audit_search(&query).await?;
    let next = (entries.len() > PAGE as usize).then(|| {
        entries.truncate(PAGE as usize);
        entries.last().map(|e| e.id)
    });
    let mut response = ApiJson(AuditPage {
        records: entries.into_iter().map(view).collect(),
        next: next.flatten(),
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("ok"), "ok");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }
}
