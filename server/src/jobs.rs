//! Background work: keeping a slot row for every bookable time of the booking window.

use rega_api::time::LocalDateTime;

use crate::AppState;
use crate::domain::calendar::{booking_window, closed_reason, slot_starts};
use crate::store::StoreError;

/// Creates the slots of the booking window that do not exist yet, for every directorate and
/// service it offers. Safe to run often and from several instances at once.
pub async fn ensure_window_slots(state: &AppState) -> Result<u64, StoreError> {
    let today = LocalDateTime::from_unix(state.clock.now()).date;
    let (first, last) = booking_window(&state.rules, &state.holidays, today);
    let mut created = 0;
    for (directorate, counters) in state.store.directorates().await? {
        for (service, count) in counters {
            if count == 0 {
                continue;
            }
            let mut starts = Vec::new();
            let mut day = first;
            while day <= last {
                if closed_reason(&state.rules, &state.holidays, day).is_none() {
                    starts.extend(
                        slot_starts(&state.rules, service, day)
                            .into_iter()
                            .map(LocalDateTime::to_unix),
                    );
                }
                day = day.add_days(1);
            }
            created += state
                .store
                .ensure_slots(&directorate.id, service, &starts)
                .await?;
        }
    }
    Ok(created)
}

/// Runs [`ensure_window_slots`] now and then every hour, so the window moves with the days.
pub fn spawn_slot_keeper(state: AppState) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match ensure_window_slots(&state).await {
                Ok(created) if created > 0 => {
                    tracing::info!(created, "slots of the booking window created")
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "cannot create the slots of the booking window")
                }
            }
        }
    });
}
