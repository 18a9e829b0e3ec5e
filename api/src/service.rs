//! The services a citizen can book at a traffic directorate.

use serde::{Deserialize, Serialize};

/// A bookable service. The wire form (snake case) is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
        match self {
            ServiceKind::NewLicence => "new_licence",
            ServiceKind::Renewal => "renewal",
            ServiceKind::Replacement => "replacement",
            ServiceKind::TheoryTest => "theory_test",
            ServiceKind::PracticalTest => "practical_test",
            ServiceKind::MedicalCheck => "medical_check",
        }
    }

    /// Reads the wire form.
    pub fn from_code(code: &str) -> Option<ServiceKind> {
        ServiceKind::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
