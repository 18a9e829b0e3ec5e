//! A directorate's day at a glance, per counter area: who waits now and for how long, how many
//! were served and missed, and how long serving takes. The supervisor's screen and the network's
//! Prometheus metrics compute them here, from the same rows.

use std::collections::BTreeMap;

use rega_api::service::ServiceKind;
use rega_api::staff::{AreaFigures, TicketStatus};

use super::appointment::AppointmentStatus;

/// The counter areas, in the order screens list them (`ServiceKind::area`).
pub const AREAS: [&str; 4] = ["A", "T", "P", "M"];

/// One appointment of the day with its ticket, if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// Its directorate.
    pub directorate_id: String,
    /// Its service (which names its area).
    pub service: ServiceKind,
    /// The appointment's status.
    pub status: AppointmentStatus,
    /// Its ticket's status, once checked in.
    pub ticket: Option<TicketStatus>,
    /// The area whose queue its ticket is in (its service's, unless transferred).
    pub queue_area: Option<String>,
    /// When the ticket was issued.
    pub issued_at: Option<i64>,
    /// When it was called to a counter.
    pub called_at: Option<i64>,
    /// When the counter recorded the citizen served.
    pub done_at: Option<i64>,
}

/// The figures of every area of every directorate in `entries` at `now`, by directorate and
/// area; each directorate present has its four areas, zero where nothing happened.
pub fn figures(entries: &[QueueEntry], now: i64) -> BTreeMap<String, Vec<AreaFigures>> {
    let mut by_directorate: BTreeMap<String, BTreeMap<&'static str, Tally>> = BTreeMap::new();
    for entry in entries {
        let areas = by_directorate
            .entry(entry.directorate_id.clone())
            .or_insert_with(|| AREAS.iter().map(|a| (*a, Tally::default())).collect());
        let area = entry
            .queue_area
            .as_deref()
            .and_then(|a| AREAS.iter().find(|known| **known == a).copied())
            .unwrap_or_else(|| entry.service.area());
        let tally = areas.entry(area).or_default();
        if entry.ticket == Some(TicketStatus::Waiting) {
            tally.waiting += 1;
            if let Some(issued) = entry.issued_at {
                tally.longest_wait = tally.longest_wait.max(now - issued);
            }
        }
        match entry.status {
            AppointmentStatus::Attended => {
                tally.served += 1;
                if let (Some(called), Some(done)) = (entry.called_at, entry.done_at) {
                    tally.service_seconds += (done - called).max(0);
                    tally.timed += 1;
                }
            }
            AppointmentStatus::NoShow => tally.no_shows += 1,
            _ => {}
        }
    }
    by_directorate
        .into_iter()
        .map(|(directorate, areas)| {
            let figures = AREAS
                .iter()
                .map(|area| areas.get(area).cloned().unwrap_or_default().figures(area))
                .collect();
            (directorate, figures)
        })
        .collect()
}

/// One directorate's four areas (zero where nothing happened).
pub fn figures_of(entries: &[QueueEntry], directorate: &str, now: i64) -> Vec<AreaFigures> {
    figures(entries, now)
        .remove(directorate)
        .unwrap_or_else(|| AREAS.iter().map(|a| Tally::default().figures(a)).collect())
}

#[derive(Debug, Clone, Default)]
struct Tally {
    waiting: u32,
    longest_wait: i64,
    served: u32,
    no_shows: u32,
    service_seconds: i64,
    timed: i64,
}

impl Tally {
    fn figures(self, area: &str) -> AreaFigures {
        AreaFigures {
            area: area.to_owned(),
            waiting: self.waiting,
            longest_wait_seconds: self.longest_wait,
            served: self.served,
            no_shows: self.no_shows,
            average_service_seconds: (self.timed > 0).then(|| self.service_seconds / self.timed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        service: ServiceKind,
        status: AppointmentStatus,
        ticket: Option<TicketStatus>,
        times: (Option<i64>, Option<i64>, Option<i64>),
    ) -> QueueEntry {
        QueueEntry {
            directorate_id: "erbil".into(),
            service,
            status,
            ticket,
            queue_area: None,
            issued_at: times.0,
            called_at: times.1,
            done_at: times.2,
        }
    }

    #[test]
    fn an_area_counts_its_waiting_its_served_and_its_missed() {
        use AppointmentStatus::*;
        let medical = ServiceKind::MedicalCheck;
        let entries = [
            entry(
                medical,
                CheckedIn,
                Some(TicketStatus::Waiting),
                (Some(1000), None, None),
            ),
            entry(
                medical,
                CheckedIn,
                Some(TicketStatus::Waiting),
                (Some(1300), None, None),
            ),
            entry(
                medical,
                CheckedIn,
                Some(TicketStatus::Called),
                (Some(900), Some(1100), None),
            ),
            entry(
                medical,
                Attended,
                Some(TicketStatus::Done),
                (Some(100), Some(200), Some(500)),
            ),
            entry(
                medical,
                Attended,
                Some(TicketStatus::Done),
                (Some(100), Some(600), Some(700)),
            ),
            entry(medical, Attended, None, (None, None, None)),
            entry(medical, NoShow, None, (None, None, None)),
            entry(ServiceKind::TheoryTest, Booked, None, (None, None, None)),
        ];
        let all = figures(&entries, 1600);
        let erbil = &all["erbil"];
        assert_eq!(
            erbil.iter().map(|f| f.area.as_str()).collect::<Vec<_>>(),
            AREAS
        );
        let m = erbil.iter().find(|f| f.area == "M").expect("M");
        assert_eq!(
            (m.waiting, m.longest_wait_seconds, m.served, m.no_shows),
            (2, 600, 3, 1)
        );
        assert_eq!(m.average_service_seconds, Some(200), "(300 + 100) / 2");
        assert_eq!(
            figures_of(&entries, "duhok", 1600).len(),
            4,
            "a quiet day has its areas"
        );
        let t = erbil.iter().find(|f| f.area == "T").expect("T");
        assert_eq!(
            (t.waiting, t.served, t.no_shows, t.average_service_seconds),
            (0, 0, 0, None)
        );
    }
}
