//! The booking journey's answers (SPEC §3.2), kept in the page address: the service, the
//! directorate, the day and the slot chosen so far, and the appointment being moved. The
//! question pages (`pages::citizen::book`) read and write them; My appointments builds its
//! "book again" and "move" links from them.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rega_api::endpoints;
use rega_api::paths;
use rega_api::service::ServiceKind;
use rega_api::time::Date;

/// The answers given so far, read from and written to the page address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// The service (step 1).
    pub service: Option<ServiceKind>,
    /// The directorate's id (step 2).
    pub directorate: Option<String>,
    /// The day (step 3).
    pub date: Option<Date>,
    /// The slot (step 4).
    pub slot: Option<i64>,
    /// When moving an existing appointment: its reference. The service is then fixed.
    pub reschedule: Option<String>,
}

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Which service.
    Service,
    /// Which directorate.
    Directorate,
    /// Which day.
    Day,
    /// Which time.
    Time,
    /// Check your answers.
    Check,
}

impl Step {
    fn path(self) -> &'static str {
        match self {
            Step::Service => paths::BOOK,
            Step::Directorate => paths::BOOK_DIRECTORATE,
            Step::Day => paths::BOOK_DAY,
            Step::Time => paths::BOOK_TIME,
            Step::Check => paths::BOOK_CHECK,
        }
    }
}

/// Characters a directorate id or reference may hold in an address; anything else is dropped.
fn clean(value: &str) -> Option<String> {
    let value: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    (!value.is_empty()).then_some(value)
}

impl Answers {
    /// Reads the answers from query parameters (`get` looks one up by name). Anything
    /// malformed counts as not answered, so the page asks again rather than failing.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Answers {
        Answers {
            service: get("service").and_then(|s| ServiceKind::from_code(&s)),
            directorate: get("directorate").and_then(|d| clean(&d)),
            date: get("date").and_then(|d| Date::parse(&d).ok()),
            slot: get("slot").and_then(|s| s.parse().ok()).filter(|s| *s > 0),
            reschedule: get("reschedule").and_then(|r| clean(&r)),
        }
    }

    /// The answers needed before `step`, as a query string (with its `?`), in a fixed order.
    fn query_before(&self, step: Step) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(r) = &self.reschedule {
            parts.push(format!("reschedule={r}"));
        }
        if step != Step::Service
            && let Some(s) = self.service
        {
            parts.push(format!("service={}", s.code()));
        }
        if matches!(step, Step::Day | Step::Time | Step::Check)
            && let Some(d) = &self.directorate
        {
            parts.push(format!("directorate={d}"));
        }
        if matches!(step, Step::Time | Step::Check)
            && let Some(d) = self.date
        {
            parts.push(format!("date={d}"));
        }
        if step == Step::Check
            && let Some(s) = self.slot
        {
            parts.push(format!("slot={s}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The address of `step` carrying the answers it builds on.
    pub fn href(&self, step: Step) -> String {
        format!("{}{}", step.path(), self.query_before(step))
    }

    /// The first step whose answer is missing, if `step` cannot be shown without it.
    pub fn missing_before(&self, step: Step) -> Option<Step> {
        let needed = [
            (Step::Directorate, self.service.is_some(), Step::Service),
            (Step::Day, self.directorate.is_some(), Step::Directorate),
            (Step::Time, self.date.is_some(), Step::Day),
            (Step::Check, self.slot.is_some(), Step::Time),
        ];
        let order = |s: Step| s as u8;
        needed
            .into_iter()
            .filter(|(after, _, _)| order(*after) <= order(step))
            .find(|(_, given, _)| !given)
            .map(|(_, _, ask)| ask)
    }

    /// The same answers with `change` applied.
    pub fn with(&self, change: impl FnOnce(&mut Answers)) -> Answers {
        let mut next = self.clone();
        change(&mut next);
        next
    }
}

/// The answers in the current address (tracked).
pub fn use_answers() -> Memo<Answers> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.get();
        Answers::from_query(|name| q.get(name))
    })
}

/// The slots of the chosen day (for the time and check pages).
pub fn use_slots(
    answers: Memo<Answers>,
) -> Signal<Option<Result<rega_api::availability::SlotsResponse, crate::api::ApiError>>> {
    crate::api::use_get(move || {
        let a = answers.get();
        Some(format!(
            "{}?directorate={}&service={}&date={}",
            endpoints::AVAILABILITY_SLOTS,
            a.directorate?,
            a.service?.code(),
            a.date?
        ))
    })
}

/// A question page that lacks an earlier answer sends the citizen to that question.
pub fn ask_missing_first(step: Step) {
    let answers = use_answers();
    let navigate = crate::navigation::use_go();
    Effect::new(move |_| {
        let a = answers.get();
        if let Some(ask) = a.missing_before(step) {
            navigate(
                &a.href(ask),
                leptos_router::NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Answers {
        Answers::from_query(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn each_step_carries_the_answers_it_builds_on_and_no_later_ones() {
        let a = query(&[
            ("service", "renewal"),
            ("directorate", "erbil"),
            ("date", "2026-12-01"),
            ("slot", "42"),
        ]);
        assert_eq!(a.href(Step::Service), "/book");
        assert_eq!(
            a.href(Step::Directorate),
            "/book/directorate?service=renewal"
        );
        assert_eq!(
            a.href(Step::Day),
            "/book/day?service=renewal&directorate=erbil"
        );
        assert_eq!(
            a.href(Step::Check),
            "/book/check?service=renewal&directorate=erbil&date=2026-12-01&slot=42"
        );
    }

    #[test]
    fn malformed_answers_count_as_not_given() {
        let a = query(&[
            ("service", "flying"),
            ("directorate", "<script>"),
            ("date", "2026-13-40"),
            ("slot", "-3"),
        ]);
        assert_eq!(a.service, None);
        assert_eq!(a.directorate.as_deref(), Some("script"));
        assert_eq!(a.date, None);
        assert_eq!(a.slot, None);
    }

    #[test]
    fn a_step_without_an_earlier_answer_asks_for_that_answer_first() {
        let a = query(&[("service", "renewal")]);
        assert_eq!(a.missing_before(Step::Directorate), None);
        assert_eq!(a.missing_before(Step::Time), Some(Step::Directorate));
        assert_eq!(query(&[]).missing_before(Step::Check), Some(Step::Service));
        assert_eq!(query(&[]).missing_before(Step::Service), None);
    }

    #[test]
    fn rescheduling_keeps_the_reference_through_every_step() {
        let a = query(&[
            ("reschedule", "RG-7K3M-Q9P2"),
            ("service", "theory_test"),
            ("directorate", "duhok"),
        ]);
        assert_eq!(
            a.href(Step::Day),
            "/book/day?reschedule=RG-7K3M-Q9P2&service=theory_test&directorate=duhok"
        );
    }
}
