//! The services a citizen can book at a traffic directorate.

use serde::Serialize;

/// A bookable service. The wire form (snake case) is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// A first driving licence.
    NewLicence,
    /// Renewing a licence that expires within 180 days or has expired.
    Renewal,
    /// Replacing a lost or damaged licence.
    Replacement,
    /// The theory test.
    TheoryTest,
    /// The practical (driving) test; needs a passed theory test.
    PracticalTest,
    /// The medical check.
    MedicalCheck,
}

crate::wire_words!(ServiceKind, "a service", {
    NewLicence = "new_licence",
    Renewal = "renewal",
    Replacement = "replacement",
    TheoryTest = "theory_test",
    PracticalTest = "practical_test",
    MedicalCheck = "medical_check",
});

impl ServiceKind {
    /// The counter area that serves it, as the letter of its queue tickets: `A` the licence
    /// counters (new, renewal, replacement), `T` the theory test room, `P` the practical test,
    /// `M` the medical check.
    pub fn area(self) -> &'static str {
        match self {
            ServiceKind::NewLicence | ServiceKind::Renewal | ServiceKind::Replacement => "A",
            ServiceKind::TheoryTest => "T",
            ServiceKind::PracticalTest => "P",
            ServiceKind::MedicalCheck => "M",
        }
    }

    /// Every service, in the order the booking page lists them.
    pub const ALL: [ServiceKind; 6] = [
        ServiceKind::NewLicence,
        ServiceKind::Renewal,
        ServiceKind::Replacement,
        ServiceKind::TheoryTest,
        ServiceKind::PracticalTest,
        ServiceKind::MedicalCheck,
    ];

    /// The wire and storage form.
    pub fn code(self) -> &'static str {
        self.word()
    }

    /// Reads the wire form.
    pub fn from_code(code: &str) -> Option<ServiceKind> {
        ServiceKind::from_word(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_servicekind_reads_back_the_word_it_writes() {
        crate::wire::assert_round_trip(ServiceKind::ALL_WORDS);
    }

    #[test]
    fn every_service_round_trips_through_its_code() {
        for service in ServiceKind::ALL {
            assert_eq!(ServiceKind::from_code(service.code()), Some(service));
            let json = serde_json::to_string(&service).expect("serializes");
            assert_eq!(json, format!("\"{}\"", service.code()));
        }
        assert_eq!(ServiceKind::from_code("driving_lesson"), None);
    }
}
