//! The licence registry's copy: directorates, citizens, licences, test results, notices.

use rega_api::ids::NationalId;

/// Text in the three interface languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    /// English.
    pub en: String,
    /// Sorani.
    pub ckb: String,
    /// Arabic.
    pub ar: String,
}

impl Localized {
    /// The text in `locale`.
    pub fn get(&self, locale: rega_api::Locale) -> &str {
        match locale {
            rega_api::Locale::Ckb => &self.ckb,
            rega_api::Locale::Ar => &self.ar,
            rega_api::Locale::En => &self.en,
        }
    }
}

/// A traffic directorate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directorate {
    /// Stable identifier, e.g. `erbil`.
    pub id: String,
    /// Its name.
    pub name: Localized,
    /// Its street address.
    pub address: Localized,
    /// Its public phone number (E.164).
    pub phone: String,
}

/// A citizen as the registry knows them.
#[derive(Debug, Clone)]
pub struct NewCitizen {
    /// National card number.
    pub national_id: NationalId,
    /// The phone registered for sign-in codes (E.164).
    pub phone: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// The latest result of each test taken.
    pub tests: Vec<TestResult>,
    /// The driving licence, if any.
    pub licence: Option<NewLicence>,
}

/// A licence in the registry.
#[derive(Debug, Clone)]
pub struct NewLicence {
    /// The licence number.
    pub document_number: String,
    /// Expiry date, `YYYY-MM-DD`.
    pub expiry_date: String,
    /// Suspended, and why (shown to the citizen).
    pub suspension: Option<String>,
    /// The ISO 18013-5 elements (the DL1 licence JSON).
    pub elements: serde_json::Value,
}

/// A citizen's registry record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenRecord {
    /// Row id.
    pub id: i64,
    /// National card number.
    pub national_id: NationalId,
    /// The phone for sign-in codes.
    pub phone: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// Whether the registry holds the citizen active (an inactive one cannot sign in).
    pub active: bool,
}

/// A licence in the registry, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenceRecord {
    /// The licence number.
    pub document_number: String,
    /// Expiry date, `YYYY-MM-DD`.
    pub expiry_date: String,
    /// Why it is suspended, when it is.
    pub suspension: Option<String>,
    /// The ISO 18013-5 elements.
    pub elements: serde_json::Value,
}

/// A test a citizen takes at a directorate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    /// The theory test.
    Theory,
    /// The practical (driving) test.
    Practical,
}

impl TestKind {
    /// The stored form.
    pub fn code(self) -> &'static str {
        match self {
            TestKind::Theory => "theory",
            TestKind::Practical => "practical",
        }
    }

    /// From the stored form.
    pub fn from_code(code: &str) -> Option<TestKind> {
        [TestKind::Theory, TestKind::Practical]
            .into_iter()
            .find(|t| t.code() == code)
    }
}

/// The latest result of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// Which test.
    pub test: TestKind,
    /// Passed?
    pub passed: bool,
    /// When, `YYYY-MM-DD`.
    pub taken_on: String,
    /// Until when a pass counts, `YYYY-MM-DD`; `None`: for good.
    pub valid_until: Option<String>,
}

/// A citizen's record from the licence registry, checked (`domain::registry::check`).
#[derive(Debug, Clone)]
pub struct RegistryCitizen {
    /// National card number.
    pub national_id: NationalId,
    /// The registry's version of the record.
    pub version: i64,
    /// Name, Latin letters.
    pub name_latin: String,
    /// Name, Arabic script.
    pub name_arabic: String,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: String,
    /// The phone for sign-in codes (E.164).
    pub phone: String,
    /// Active (may sign in and book) or not.
    pub active: bool,
    /// The licence, if any.
    pub licence: Option<NewLicence>,
    /// The latest result of each test.
    pub tests: Vec<TestResult>,
}

/// What applying one registry record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryOutcome {
    /// A new citizen.
    Created,
    /// The citizen's record replaced by a newer version: whether the phone changed (the old
    /// number is told, the sessions revoked) and how many future appointments a withdrawal
    /// cancelled.
    Updated {
        /// The phone changed.
        phone_changed: bool,
        /// Made inactive now.
        deactivated: bool,
        /// Future appointments cancelled because of it.
        cancelled: u64,
    },
    /// Rega holds this version or a newer one: nothing changed.
    Unchanged,
    /// The licence number belongs to another citizen: nothing of the record was applied.
    LicenceTaken,
}
