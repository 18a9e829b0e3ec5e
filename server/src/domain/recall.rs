//! Calling a ticket again, and when a desk may record that a citizen did not come.
//!
//! A citizen who checked in is in the building: the desk records them as not having come (a
//! no-show, which counts towards the block on online booking) only after their ticket was called
//! and then called again at least [`RECALLS_BEFORE_NO_SHOW`] time(s), so nobody is marked absent
//! for not hearing a single call. A citizen who never checked in has no ticket and may be
//! recorded as not having come at any time, as before.

/// Calls again a called ticket needs before its citizen may be recorded as not having come.
pub const RECALLS_BEFORE_NO_SHOW: i64 = 1;

/// Where an appointment's ticket is, for the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStage {
    /// Never checked in: no ticket.
    None,
    /// Waiting to be called.
    Waiting,
    /// Called, and called again this many times.
    Called {
        /// Calls again.
        recalls: i64,
    },
    /// Done (served, missed or cancelled).
    Done,
}

/// Why a no-show is refused now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoShowRefusal {
    /// The ticket has not been called yet.
    NotCalled,
    /// Called, but not called again yet.
    RecallFirst,
}

/// Whether a no-show may be recorded for an appointment whose ticket is at `stage`.
pub fn no_show(stage: TicketStage) -> Result<(), NoShowRefusal> {
    match stage {
        TicketStage::None | TicketStage::Done => Ok(()),
        TicketStage::Waiting => Err(NoShowRefusal::NotCalled),
        TicketStage::Called { recalls } if recalls < RECALLS_BEFORE_NO_SHOW => {
            Err(NoShowRefusal::RecallFirst)
        }
        TicketStage::Called { .. } => Ok(()),
    }
}

/// Whether a ticket at `stage` can be called again: only one that was called and is not done.
pub fn can_recall(stage: TicketStage) -> bool {
    matches!(stage, TicketStage::Called { .. })
}

/// The stage of a ticket stored with `status` (`waiting`, `called`, `done`) and `recalls`.
pub fn stage(status: Option<&str>, recalls: i64) -> TicketStage {
    match status {
        None => TicketStage::None,
        Some("waiting") => TicketStage::Waiting,
        Some("called") => TicketStage::Called { recalls },
        Some(_) => TicketStage::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_citizen_in_the_building_is_absent_only_after_a_call_and_a_call_again() {
        assert_eq!(no_show(stage(None, 0)), Ok(()), "never checked in");
        assert_eq!(
            no_show(stage(Some("waiting"), 0)),
            Err(NoShowRefusal::NotCalled)
        );
        assert_eq!(
            no_show(stage(Some("called"), 0)),
            Err(NoShowRefusal::RecallFirst)
        );
        assert_eq!(no_show(stage(Some("called"), 1)), Ok(()));
        assert_eq!(no_show(stage(Some("called"), 3)), Ok(()));
    }

    #[test]
    fn only_a_called_ticket_is_called_again() {
        assert!(!can_recall(stage(None, 0)));
        assert!(!can_recall(stage(Some("waiting"), 0)));
        assert!(can_recall(stage(Some("called"), 0)));
        assert!(can_recall(stage(Some("called"), 2)));
        assert!(!can_recall(stage(Some("done"), 1)));
    }
}
