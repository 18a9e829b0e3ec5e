//! Citizens' sign-in codes and sessions, and the SMS outbox.

/// Whose session this is: a citizen's, or a staff account's (each kind in its own table, with
/// its own cookie).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOwner {
    /// A citizen signed in with a code.
    Citizen(i64),
    /// A citizen signed in with a code on a shared phone ("this is a shared phone"): the app
    /// keeps nothing on the device, and no licence credential is issued to it.
    SharedPhone(i64),
    /// A staff member signed in with a password.
    Staff(i64),
}

impl SessionOwner {
    /// The kind of session.
    pub fn kind(self) -> SessionKind {
        match self {
            SessionOwner::Citizen(_) | SessionOwner::SharedPhone(_) => SessionKind::Citizen,
            SessionOwner::Staff(_) => SessionKind::Staff,
        }
    }

    /// The owner's id.
    pub fn id(self) -> i64 {
        match self {
            SessionOwner::Citizen(id) | SessionOwner::SharedPhone(id) | SessionOwner::Staff(id) => {
                id
            }
        }
    }
}

/// A kind of session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Citizens' sessions.
    Citizen,
    /// Staff sessions.
    Staff,
}

impl SessionKind {
    /// The table that keeps them.
    pub fn table(self) -> &'static str {
        match self {
            SessionKind::Citizen => "session",
            SessionKind::Staff => "staff_session",
        }
    }

    /// Its owner column.
    pub fn column(self) -> &'static str {
        match self {
            SessionKind::Citizen => "citizen_id",
            SessionKind::Staff => "staff_id",
        }
    }
}

/// A one-time code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpRecord {
    /// Row id.
    pub id: i64,
    /// HMAC of the code.
    pub code_hmac: String,
    /// When it stops being valid.
    pub expires_at: i64,
    /// Wrong tries so far.
    pub failed_attempts: u32,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Whose session.
    pub citizen_id: i64,
    /// Signed in at.
    pub created_at: i64,
    /// Last request at.
    pub last_seen_at: i64,
    /// Signed out at, if so.
    pub revoked_at: Option<i64>,
    /// Signed in on a shared phone.
    pub shared_device: bool,
}

/// An SMS in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRecord {
    /// To.
    pub phone: String,
    /// Text.
    pub body: String,
    /// Stored at.
    pub created_at: i64,
}
