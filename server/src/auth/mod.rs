//! Who is asking, and may they: citizens sign in with a one-time code sent by SMS (`codes`),
//! staff with a password (`password`); both then hold a session (`sessions`) in a cookie
//! (`cookies`), which the extractors of `extract` check on every request.

pub mod codes;
pub mod cookies;
pub mod extract;
pub mod password;
pub mod sessions;

pub use codes::{id_key, masked};
pub use cookies::{SESSION_COOKIE, STAFF_COOKIE};
pub use extract::{Admin, AuditReader, Citizen, SignedInStaff, Staff, Supervisor, staff_actor};
pub use password::{add_staff, hash_password};
pub use sessions::{SessionTiming, SessionUse, start_session, token_hash};
