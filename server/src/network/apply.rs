//! Applying a configuration file: read and checked (every refusal with its line), compared with
//! what is in force and with the slots and appointments already there, previewed (what it would
//! strand), then applied in one transaction (`Configurations::apply_configuration`) and the new
//! slots of the booking window created. `rega config apply`, the demo and (later) the
//! administrator's screens all go this one way.

use std::collections::{BTreeMap, BTreeSet};

use rega_api::service::ServiceKind;
use rega_api::time::LocalDateTime;

use crate::domain::calendar::{closed_reason, slot_starts};
use crate::domain::configuration::{Configuration, check};
use crate::network::file::{FileError, line_of, parse, render};
use crate::store::{
    ConfigurationChange, ConfigurationRefused, Directorate, FutureAppointment, Store, StoreError,
};

/// What applying a file would do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The configuration it sets.
    pub config: Configuration,
    /// The file as stored and exported (its canonical form).
    pub document: String,
    /// The version in force it was compared with (0: none).
    pub expected_version: i64,
    /// The file is the configuration in force: applying it changes nothing.
    pub unchanged: bool,
    /// The appointments it would cancel (their time no longer fits).
    pub stranded: Vec<FutureAppointment>,
    /// Slots that would take no more bookings.
    pub closing_slots: Vec<i64>,
    /// Those of them whose appointments no longer fit.
    pub stranding_slots: Vec<i64>,
    /// Slots that stay, with their new places.
    pub places: Vec<(i64, u32)>,
    /// Staying slots with more places booked than their new counters (they keep them).
    pub over_counters: usize,
}

/// Reads and checks a file: its configuration and canonical text, or the first refusal with
/// its line.
pub fn read_file(text: &str) -> Result<(Configuration, String), FileError> {
    let file = parse(text)?;
    let config = check(&file).map_err(|e| FileError {
        line: line_of(text, &e.field),
        field: e.field,
        message: e.message,
    })?;
    Ok((config, render(&file)))
}

/// What applying `text` at `now` would do, or the file's first refusal.
pub async fn plan(
    store: &dyn Store,
    text: &str,
    now: i64,
) -> Result<Result<Plan, FileError>, StoreError> {
    let (config, document) = match read_file(text) {
        Ok(read) => read,
        Err(refused) => return Ok(Err(refused)),
    };
    let stored = store.configuration().await?;
    let expected_version = stored.as_ref().map_or(0, |s| s.version);
    let before = match &stored {
        Some(s) => Some(crate::network::live::read(&s.document)?),
        None => None,
    };
    // A directorate is never removed (its appointments, staff and history refer to it).
    for (existing, _) in store.directorates().await? {
        if config.directorate(&existing.id).is_none() {
            return Ok(Err(FileError {
                line: line_of(text, "directorates"),
                field: "directorates".into(),
                message: format!(
                    "`{}` is missing: a directorate is never removed; give it with active = false",
                    existing.id
                ),
            }));
        }
    }
    let unchanged = stored.as_ref().is_some_and(|s| s.document == document);
    let mut closing_slots = Vec::new();
    let mut stranding_slots = Vec::new();
    let mut places = Vec::new();
    let mut over_counters = 0;
    // The grid of each directorate, service and day, computed once.
    let mut grids: BTreeMap<(String, ServiceKind, rega_api::time::Date), BTreeSet<i64>> =
        BTreeMap::new();
    for slot in store.future_slots(now).await? {
        let date = LocalDateTime::from_unix(slot.starts_at).date;
        let Some(d) = config.directorate(&slot.directorate_id) else {
            closing_slots.push(slot.id);
            stranding_slots.push(slot.id);
            continue;
        };
        let grid = grids
            .entry((slot.directorate_id.clone(), slot.service, date))
            .or_insert_with(|| {
                if closed_reason(&config, d, date).is_some() {
                    return BTreeSet::new();
                }
                slot_starts(&config, d, slot.service, date)
                    .into_iter()
                    .map(LocalDateTime::to_unix)
                    .collect()
            });
        let new_places = config.places(d, slot.service);
        if new_places == 0 || !grid.contains(&slot.starts_at) {
            closing_slots.push(slot.id);
            if !config.keeps(&slot.directorate_id, slot.service, slot.starts_at) {
                stranding_slots.push(slot.id);
            }
            continue;
        }
        let old_places = before.as_ref().and_then(|b| {
            b.directorate(&slot.directorate_id)
                .map(|od| b.places(od, slot.service))
        });
        if old_places != Some(new_places) {
            places.push((slot.id, new_places));
            if slot.booked > i64::from(new_places) {
                over_counters += 1;
            }
        }
    }
    let stranding: BTreeSet<i64> = stranding_slots.iter().copied().collect();
    let stranded = store
        .future_appointments(now)
        .await?
        .into_iter()
        .filter(|a| stranding.contains(&a.slot_id))
        .collect();
    Ok(Ok(Plan {
        config,
        document,
        expected_version,
        unchanged,
        stranded,
        closing_slots,
        stranding_slots,
        places,
        over_counters,
    }))
}

/// Applies a plan as `actor`: the new version, or why it was refused (another version applied,
/// or an appointment that it would strand booked since the preview: preview again). Then the
/// booking window's slots of the new configuration are created.
pub async fn apply(
    store: &dyn Store,
    plan: &Plan,
    actor: &str,
    now: i64,
) -> Result<Result<i64, ConfigurationRefused>, StoreError> {
    if plan.unchanged {
        return Ok(Ok(plan.expected_version));
    }
    let directorates: Vec<(Directorate, Vec<(ServiceKind, u32)>)> = plan
        .config
        .directorates
        .iter()
        .map(|d| {
            let places = ServiceKind::ALL
                .iter()
                .map(|&s| (s, plan.config.places(d, s)))
                .collect();
            (d.directorate.clone(), places)
        })
        .collect();
    let change = ConfigurationChange {
        expected_version: plan.expected_version,
        document: &plan.document,
        directorates,
        closing_slots: plan.closing_slots.clone(),
        stranding_slots: plan.stranding_slots.clone(),
        stranded: plan.stranded.iter().map(|a| a.reference.clone()).collect(),
        places: plan.places.clone(),
        now,
        actor,
    };
    let applied = store.apply_configuration(&change).await?;
    if applied.is_ok() {
        crate::jobs::create_window_slots(store, &plan.config, now).await?;
    }
    Ok(applied)
}
