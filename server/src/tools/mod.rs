//! The operators' credential tools: `rega keys generate`, `rega anchor generate`,
//! `rega trust-list sign`, `rega token` and `rega verify`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use rega_api::time::{LocalDateTime, parse_rfc3339};
use rega_credential::sign::read_public_key_pem;
use rega_credential::verify::ValidityOnDay;
use rega_credential::{IsoDate, Licence, Policy, TrustList, VerifiedLicence};
use serde_json::json;

use crate::auth::sessions::hex;

pub mod keys;

pub use keys::{
    ANCHOR_KEY, ANCHOR_PUBLIC, AnchorGenerate, KeysExport, KeysGenerate, TRUST_LIST_FILE,
    TrustListSign, anchor_generate, keys_export, keys_generate, trust_list_sign,
};

/// The issuer code of the Kurdistan Region's General Directorate of Traffic.
pub const DEFAULT_ISSUER: &str = "KRG-GDT";

/// `rega token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Directory holding the signing key (its only signing-*.pem, or the one `--kid` names).
    #[arg(long)]
    pub keys: PathBuf,
    /// The signing key's kid (16 hex digits) when the directory holds several.
    #[arg(long)]
    pub kid: Option<String>,
    /// A licence as JSON with the ISO 18013-5 element names (SPEC §5.2), dates as "YYYY-MM-DD".
    #[arg(long)]
    pub licence: PathBuf,
    /// Issuer code written into the token.
    #[arg(long, default_value = DEFAULT_ISSUER)]
    pub issuer: String,
}

/// `rega verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed trust list (the JWS that `rega trust-list sign` writes).
    #[arg(long)]
    pub trust_list: PathBuf,
    /// The trust anchor's public key: anchor-pub.pem, or the JWK `/api/v1/trust-anchor` answers.
    #[arg(long)]
    pub anchor: PathBuf,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long)]
    pub at: Option<String>,
    /// The QR text, `DL1:…`.
    pub text: String,
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(crate) fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes a file that must not exist yet, readable only by its owner when `private`.
pub(crate) fn write_new(path: &Path, contents: &str, private: bool) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            anyhow::anyhow!(
                "{} already exists; refusing to overwrite a key",
                path.display()
            )
        }
        _ => anyhow::anyhow!("cannot create {}: {e}", path.display()),
    })?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `rega token --keys DIR --licence FILE.json`.
pub fn token(args: &TokenArgs) -> anyhow::Result<()> {
    let issuers = keys::signing_keys(&args.keys, &args.issuer)?;
    let issuer = match (&args.kid, issuers.as_slice()) {
        (None, [only]) => only,
        (None, []) => bail!("{} holds no signing key", args.keys.display()),
        (None, _) => bail!(
            "{} holds several signing keys; name one with --kid",
            args.keys.display()
        ),
        (Some(kid), all) => all
            .iter()
            .find(|i| hex(&i.kid()) == kid.to_ascii_lowercase())
            .with_context(|| format!("{} holds no signing key {kid}", args.keys.display()))?,
    };
    let licence: Licence = serde_json::from_str(&read(&args.licence)?).with_context(|| {
        format!(
            "{} is not a licence in the SPEC §5.2 element names",
            args.licence.display()
        )
    })?;
    println!("{}", issuer.issue(&licence, now())?);
    Ok(())
}

/// The outcome of `rega verify`, as its exit code: 0 valid, 1 invalid.
pub fn verify(args: &VerifyArgs) -> anyhow::Result<bool> {
    let text = read(&args.anchor)?;
    let anchor = match serde_json::from_str::<rega_api::licence::TrustAnchor>(&text) {
        Ok(jwk) => rega_credential::keys::from_jwk(&jwk.kid, &jwk.x, &jwk.y),
        Err(_) => read_public_key_pem(&text).ok(),
    }
    .with_context(|| format!("{} is not a P-256 public key", args.anchor.display()))?;
    let list = TrustList::from_jws(&read(&args.trust_list)?, &anchor)
        .map_err(|e| anyhow::anyhow!("the trust list is not valid for this anchor: {e:?}"))?;
    let at = match &args.at {
        Some(text) => {
            parse_rfc3339(text).with_context(|| format!("--at {text:?} is not an RFC 3339 time"))?
        }
        None => now(),
    };
    let result = rega_credential::verify(&args.text, &list, at, &Policy::default());
    let output = match &result {
        Ok(verified) => verified_json(verified, at),
        Err(error) => json!({ "valid": false, "error": error.name() }),
    };
    println!("{}", serde_json::to_string_pretty(&output)?);
    Ok(result.is_ok())
}

fn verified_json(verified: &VerifiedLicence, at: i64) -> serde_json::Value {
    let today = IsoDate::parse(&LocalDateTime::from_unix(at).date.to_string());
    let state = |s: ValidityOnDay| {
        if s == ValidityOnDay::Valid {
            "valid"
        } else {
            "expired"
        }
    };
    let categories: Vec<serde_json::Value> = match &today {
        Some(today) => verified
            .categories_on(today)
            .into_iter()
            .map(|(code, expiry, s)| json!({ "code": code, "expiry_date": expiry, "status": state(s) }))
            .collect(),
        None => Vec::new(),
    };
    json!({
        "valid": true,
        "kid": hex(&verified.kid),
        "iss": verified.claims.iss,
        "form": match verified.form {
            rega_credential::Form::Token => "token",
            rega_credential::Form::Bound => "bound",
        },
        "iat": verified.claims.iat,
        "exp": verified.claims.exp,
        "presented_at": verified.presentation.map(|p| p.at),
        "licence_status": today.as_ref().map(|t| state(verified.status_on(t))),
        "categories": categories,
        "licence": verified.licence(),
    })
}
