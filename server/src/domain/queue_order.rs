//! The order in which a counter area's waiting tickets are called (issue 18 item 5).
//!
//! Tickets are called by the time their citizen arrived: when the ticket was issued at the kiosk
//! or the desk. A transfer to another area (the medical check's counter sends the citizen on to
//! the licence counter) keeps that time, so the citizen keeps their place in the new queue.
//!
//! A priority ticket (elderly, disabled, pregnant) counts as having arrived
//! [`PRIORITY_HEAD_START_SECONDS`] earlier than it did. So it goes ahead of every regular ticket
//! that arrived less than 30 minutes before it, and **never ahead of one that arrived earlier
//! than that: no regular citizen is starved.** Once 30 minutes have passed since a regular
//! citizen arrived, no ticket issued after that moment can go ahead of them, however many
//! priority citizens come; the set of tickets before them only shrinks. Among priority tickets,
//! and among regular ones, the order is the order of arrival. Ties (the same second) go by the
//! order of issue.

/// How much earlier than its issue a priority ticket counts as arriving: 30 minutes.
pub const PRIORITY_HEAD_START_SECONDS: i64 = 30 * 60;

/// A waiting ticket's place in its queue: the lower is called first. `issued_at` is Unix
/// seconds, `seq` the order of issue (the row id) that breaks ties.
pub fn place(issued_at: i64, priority: bool, seq: i64) -> (i64, i64) {
    let counted = if priority {
        issued_at - PRIORITY_HEAD_START_SECONDS
    } else {
        issued_at
    };
    (counted, seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, issued_at minutes past 9:00, priority) in the order they are called.
    fn called(tickets: &[(&'static str, i64, bool)]) -> Vec<&'static str> {
        let mut order: Vec<(usize, &(&str, i64, bool))> = tickets.iter().enumerate().collect();
        order.sort_by_key(|(seq, (_, minute, priority))| {
            place(minute * 60, *priority, i64::try_from(*seq).unwrap_or(0))
        });
        order.into_iter().map(|(_, (name, _, _))| *name).collect()
    }

    #[test]
    fn arrival_order_without_priority() {
        assert_eq!(
            called(&[("a", 0, false), ("b", 1, false), ("c", 1, false)]),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn a_priority_ticket_goes_ahead_of_those_who_came_less_than_half_an_hour_before() {
        assert_eq!(
            called(&[("a", 0, false), ("b", 5, false), ("p", 20, true)]),
            ["p", "a", "b"]
        );
        // Exactly 30 minutes: the order of issue decides, and the regular ticket was first.
        assert_eq!(called(&[("a", 0, false), ("p", 30, true)]), ["a", "p"]);
        assert_eq!(called(&[("a", 0, false), ("p", 31, true)]), ["a", "p"]);
    }

    #[test]
    fn priority_tickets_among_themselves_go_by_arrival() {
        assert_eq!(
            called(&[("r", 0, false), ("p1", 10, true), ("p2", 12, true)]),
            ["p1", "p2", "r"]
        );
    }

    #[test]
    fn a_stream_of_priority_tickets_never_starves_a_regular_one() {
        // A priority citizen every minute for two hours: the regular citizen who came at 9:00
        // is called after those who came before 9:30, and before all the others.
        let mut tickets = vec![("regular", 0, false)];
        let names: Vec<&'static str> = (1..=120)
            .map(|m| &*Box::leak(format!("p{m}").into_boxed_str()))
            .collect();
        for (minute, name) in (1..=120).zip(&names) {
            tickets.push((name, minute, true));
        }
        let order = called(&tickets);
        let at = order.iter().position(|n| *n == "regular");
        assert_eq!(at, Some(29), "after p1 … p29 only");
    }
}
