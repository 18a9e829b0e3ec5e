//! The CWT claims of a DL1 token (SPEC §5.2) and the licence they carry, with ISO/IEC 18013-5
//! data element names.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cbor::{self, Value};
use crate::{LICENCE_CLAIM, MDL_NAMESPACE};

/// CBOR tag 1004: a full date as text `YYYY-MM-DD` (RFC 8943).
pub const TAG_FULL_DATE: u64 = 1004;

/// CWT claim keys (RFC 8392).
const CLAIM_ISS: i128 = 1;
const CLAIM_EXP: i128 = 4;
const CLAIM_IAT: i128 = 6;
const CLAIM_CTI: i128 = 7;
/// The confirmation claim (RFC 8747): the holder's device key.
const CLAIM_CNF: i128 = 8;
/// `cnf` member holding a key identifier (RFC 8747 §3.4).
const CNF_KID: i128 = 3;
/// COSE_Key labels and values (RFC 9052 §7, RFC 9053 §7.1.1) for the thumbprint: kty EC2,
/// crv P-256, x, y.
const KEY_KTY: i128 = 1;
const KTY_EC2: i128 = 2;
const KEY_CRV: i128 = -1;
const CRV_P256: i128 = 1;
const KEY_X: i128 = -2;
const KEY_Y: i128 = -3;

/// A calendar date written `YYYY-MM-DD`, checked to exist. ISO dates compare correctly as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IsoDate(String);

impl IsoDate {
    /// Reads `YYYY-MM-DD`; `None` for any other form or a date that does not exist.
    pub fn parse(text: &str) -> Option<IsoDate> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: core::ops::Range<usize>| -> Option<u32> {
            let part = text.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days).contains(&day)).then(|| IsoDate(text.to_string()))
    }

    /// The date as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IsoDate {
    type Error = String;
    fn try_from(text: String) -> Result<IsoDate, String> {
        IsoDate::parse(&text).ok_or_else(|| alloc::format!("{text:?} is not a YYYY-MM-DD date"))
    }
}

impl From<IsoDate> for String {
    fn from(date: IsoDate) -> String {
        date.0
    }
}

/// One vehicle category the licence covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrivingPrivilege {
    /// The category code, e.g. `B`, `C1`, `A`.
    pub vehicle_category_code: String,
    /// When the category was granted (the licence's issue date when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<IsoDate>,
    /// When the category expires (the licence's expiry date when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<IsoDate>,
}

/// The licence data carried in a DL1 token (no portrait: too large for a QR code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// Family name in Latin script.
    pub family_name: String,
    /// Given name in Latin script.
    pub given_name: String,
    /// Family name in the national script (Kurdish or Arabic).
    pub family_name_national_character: String,
    /// Given name in the national script.
    pub given_name_national_character: String,
    /// Date of birth.
    pub birth_date: IsoDate,
    /// Issue date of the licence.
    pub issue_date: IsoDate,
    /// Expiry date of the licence.
    pub expiry_date: IsoDate,
    /// `IQ`.
    pub issuing_country: String,
    /// The issuing authority, e.g. `KRG-GDT`.
    pub issuing_authority: String,
    /// The licence number.
    pub document_number: String,
    /// `IRQ`.
    pub un_distinguishing_sign: String,
    /// The vehicle categories.
    pub driving_privileges: Vec<DrivingPrivilege>,
}

/// The holder's device key as a bound credential names it: the first 16 bytes of its COSE Key
/// Thumbprint (RFC 9679, SHA-256), carried as the `kid` of the `cnf` claim (RFC 8747 §3.4).
/// The key itself is not in the QR code: a verifier recovers it from the device's signature
/// and checks it against this thumbprint, which saves the 33 bytes that would put the largest
/// licence over QR version 20 (docs/credential.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceBinding(pub [u8; 16]);

impl DeviceBinding {
    /// The binding of a P-256 public key.
    pub fn of_key(key: &p256::ecdsa::VerifyingKey) -> DeviceBinding {
        let point = key.to_encoded_point(false);
        let coordinate = |c: Option<&p256::FieldBytes>| c.map(|c| c.to_vec()).unwrap_or_default();
        // RFC 9679 §3: the required members of an EC2 key, deterministically encoded.
        let thumbprint_input = cbor::encode(&Value::Map(alloc::vec![
            (Value::Integer(KEY_KTY), Value::Integer(KTY_EC2)),
            (Value::Integer(KEY_CRV), Value::Integer(CRV_P256)),
            (Value::Integer(KEY_X), Value::Bytes(coordinate(point.x()))),
            (Value::Integer(KEY_Y), Value::Bytes(coordinate(point.y()))),
        ]));
        let digest = Sha256::digest(&thumbprint_input);
        let mut kid = [0u8; 16];
        kid.copy_from_slice(&digest[..16]);
        DeviceBinding(kid)
    }

    /// The binding of a key given as a SEC1 point (the browser exports 65 bytes, uncompressed);
    /// `None` if it is not a P-256 point.
    pub fn of_sec1(bytes: &[u8]) -> Option<DeviceBinding> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .ok()
            .map(|key| DeviceBinding::of_key(&key))
    }

    /// Whether `key` is the bound key.
    pub fn binds(&self, key: &p256::ecdsa::VerifyingKey) -> bool {
        DeviceBinding::of_key(key) == *self
    }

    fn to_cbor(self) -> Value {
        Value::Map(alloc::vec![(
            Value::Integer(CNF_KID),
            Value::Bytes(self.0.to_vec())
        )])
    }

    /// Reads a `cnf` value; `None` unless it is a 16-byte key id.
    fn from_cbor(cnf: &Value) -> Option<DeviceBinding> {
        let kid = cnf.map_get_int(CNF_KID)?.as_bytes()?;
        kid.try_into().ok().map(DeviceBinding)
    }
}

/// The claims of a DL1 token or a bound credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// Issuing authority code; must match the issuer of the signing key in the trust list.
    pub iss: String,
    /// Issue time, seconds since the Unix epoch.
    pub iat: i64,
    /// Expiry time, seconds since the Unix epoch.
    pub exp: i64,
    /// 8 random bytes identifying this token; empty in a bound credential, whose presentations
    /// are told apart by their device signatures.
    pub cti: Vec<u8>,
    /// The holder's device key: present in a bound credential only.
    pub cnf: Option<DeviceBinding>,
    /// The licence.
    pub licence: Licence,
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn date(d: &IsoDate) -> Value {
    Value::Tag(TAG_FULL_DATE, Box::new(text(d.as_str())))
}

impl Licence {
    fn to_cbor(&self) -> Value {
        let privileges = self
            .driving_privileges
            .iter()
            .map(|p| {
                let mut entries = alloc::vec![(
                    text("vehicle_category_code"),
                    text(&p.vehicle_category_code)
                )];
                // Dates equal to the licence's own are left out: the QR code is smaller.
                if let Some(d) = p.issue_date.as_ref().filter(|d| **d != self.issue_date) {
                    entries.push((text("issue_date"), date(d)));
                }
                if let Some(d) = p.expiry_date.as_ref().filter(|d| **d != self.expiry_date) {
                    entries.push((text("expiry_date"), date(d)));
                }
                Value::Map(entries)
            })
            .collect();
        Value::Map(alloc::vec![
            (text("family_name"), text(&self.family_name)),
            (text("given_name"), text(&self.given_name)),
            (
                text("family_name_national_character"),
                text(&self.family_name_national_character)
            ),
            (
                text("given_name_national_character"),
                text(&self.given_name_national_character)
            ),
            (text("birth_date"), date(&self.birth_date)),
            (text("issue_date"), date(&self.issue_date)),
            (text("expiry_date"), date(&self.expiry_date)),
            (text("issuing_country"), text(&self.issuing_country)),
            (text("issuing_authority"), text(&self.issuing_authority)),
            (text("document_number"), text(&self.document_number)),
            (
                text("un_distinguishing_sign"),
                text(&self.un_distinguishing_sign)
            ),
            (text("driving_privileges"), Value::Array(privileges)),
        ])
    }

    fn from_cbor(value: &Value) -> Option<Licence> {
        let field = |name: &str| {
            value
                .map_get_text(name)
                .and_then(Value::as_text)
                .map(String::from)
        };
        let date_field = |v: &Value, name: &str| -> Option<Option<IsoDate>> {
            match v.map_get_text(name) {
                None => Some(None),
                Some(Value::Tag(TAG_FULL_DATE, inner)) => {
                    inner.as_text().and_then(IsoDate::parse).map(Some)
                }
                Some(_) => None,
            }
        };
        let required_date = |name: &str| date_field(value, name).flatten();
        let issue_date = required_date("issue_date")?;
        let expiry_date = required_date("expiry_date")?;
        let Some(Value::Array(items)) = value.map_get_text("driving_privileges") else {
            return None;
        };
        let mut driving_privileges = Vec::with_capacity(items.len());
        for item in items {
            driving_privileges.push(DrivingPrivilege {
                vehicle_category_code: item
                    .map_get_text("vehicle_category_code")?
                    .as_text()?
                    .into(),
                issue_date: Some(
                    date_field(item, "issue_date")?.unwrap_or_else(|| issue_date.clone()),
                ),
                expiry_date: Some(
                    date_field(item, "expiry_date")?.unwrap_or_else(|| expiry_date.clone()),
                ),
            });
        }
        Some(Licence {
            family_name: field("family_name")?,
            given_name: field("given_name")?,
            family_name_national_character: field("family_name_national_character")?,
            given_name_national_character: field("given_name_national_character")?,
            birth_date: required_date("birth_date")?,
            issue_date,
            expiry_date,
            issuing_country: field("issuing_country")?,
            issuing_authority: field("issuing_authority")?,
            document_number: field("document_number")?,
            un_distinguishing_sign: field("un_distinguishing_sign")?,
            driving_privileges,
        })
    }
}

impl Claims {
    /// The CBOR payload of the token.
    pub fn to_cbor_bytes(&self) -> Vec<u8> {
        let mut entries = alloc::vec![
            (Value::Integer(CLAIM_ISS), text(&self.iss)),
            (
                Value::Integer(CLAIM_IAT),
                Value::Integer(i128::from(self.iat))
            ),
            (
                Value::Integer(CLAIM_EXP),
                Value::Integer(i128::from(self.exp))
            ),
        ];
        if !self.cti.is_empty() {
            entries.push((Value::Integer(CLAIM_CTI), Value::Bytes(self.cti.clone())));
        }
        if let Some(cnf) = self.cnf {
            entries.push((Value::Integer(CLAIM_CNF), cnf.to_cbor()));
        }
        entries.push((
            Value::Integer(LICENCE_CLAIM),
            Value::Map(alloc::vec![(text(MDL_NAMESPACE), self.licence.to_cbor())]),
        ));
        cbor::encode(&Value::Map(entries))
    }

    /// Reads the claims from a (signature-checked) payload; `None` when a claim is missing or
    /// of the wrong type. `cti` and `cnf` are optional here; each form requires its own. A
    /// `cnf` that is not a 16-byte key id reads as missing: the bound form reports it so.
    pub fn from_cbor_bytes(payload: &[u8]) -> Option<Claims> {
        let value = cbor::decode(payload).ok()?;
        let int = |key| {
            value
                .map_get_int(key)
                .and_then(Value::as_integer)
                .and_then(|i| i64::try_from(i).ok())
        };
        let cti = match value.map_get_int(CLAIM_CTI) {
            None => Vec::new(),
            Some(cti) => cti.as_bytes().filter(|c| c.len() == 8)?.to_vec(),
        };
        let cnf = value
            .map_get_int(CLAIM_CNF)
            .and_then(DeviceBinding::from_cbor);
        let licence = value
            .map_get_int(LICENCE_CLAIM)?
            .map_get_text(MDL_NAMESPACE)?;
        Some(Claims {
            iss: value.map_get_int(CLAIM_ISS)?.as_text()?.into(),
            iat: int(CLAIM_IAT)?,
            exp: int(CLAIM_EXP)?,
            cti,
            cnf,
            licence: Licence::from_cbor(licence)?,
        })
    }
}

/// The `iat` and `exp` claims of any CWT payload (the EU DCC's too), for time checks. RFC 8392
/// NumericDate may be an integer or a float; a float is truncated to whole seconds.
pub fn cwt_times(payload: &[u8]) -> Option<(i64, i64)> {
    let value = cbor::decode(payload).ok()?;
    let seconds = |key| match value.map_get_int(key)? {
        Value::Integer(i) => i64::try_from(*i).ok(),
        Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(*f as i64),
        _ => None,
    };
    Some((seconds(CLAIM_IAT)?, seconds(CLAIM_EXP)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_iso_dates_are_accepted() {
        assert!(IsoDate::parse("2024-02-29").is_some());
        assert!(IsoDate::parse("2025-02-29").is_none());
        assert!(IsoDate::parse("2025-1-01").is_none());
        assert!(IsoDate::parse("2025-13-01").is_none());
        assert!(IsoDate::parse("٢٠٢٥-01-01").is_none());
        assert!(IsoDate::parse("0000-01-01").is_none());
    }
}
