//! The operators' credential tools: `rega keys generate`, `rega trust-list`, `rega token` and
//! `rega verify`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use rega_api::time::{LocalDateTime, parse_rfc3339};
use rega_credential::sign::{
    Issuer, generate_key, private_key_pem, public_key_pem, read_private_key_pem,
    read_public_key_pem, sign_trust_list,
};
use rega_credential::verify::ValidityOnDay;
use rega_credential::{
    IsoDate, KeyStatus, Licence, Policy, TrustList, TrustedKey, VerifiedLicence,
};
use serde_json::json;

/// File names in a keys directory.
pub const SIGNING_KEY: &str = "signing-key.pem";
/// The trust anchor's private key: keep it offline in production.
pub const ANCHOR_KEY: &str = "anchor-key.pem";
/// The trust anchor's public key, which verifiers pin.
pub const ANCHOR_PUBLIC: &str = "anchor-pub.pem";
/// The issuer code of the Kurdistan Region's General Directorate of Traffic.
pub const DEFAULT_ISSUER: &str = "KRG-GDT";
/// A trust list is valid for 7 days after signing (SPEC §5.3).
pub const TRUST_LIST_DAYS: i64 = 7;

/// `rega keys generate`.
#[derive(Debug, Args)]
pub struct KeysGenerate {
    /// Directory to write signing-key.pem, anchor-key.pem and anchor-pub.pem into.
    #[arg(long)]
    pub out: PathBuf,
}

/// `rega trust-list`.
#[derive(Debug, Args)]
pub struct TrustListArgs {
    /// Directory holding signing-key.pem (active), any signing-key-*.pem (retired) and anchor-key.pem.
    #[arg(long)]
    pub keys: PathBuf,
    /// Issuer code of the signing keys.
    #[arg(long, default_value = DEFAULT_ISSUER)]
    pub issuer: String,
    /// How long each signing key stays valid, in days from now.
    #[arg(long, default_value_t = 365)]
    pub key_valid_days: i64,
}

/// `rega token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Directory holding signing-key.pem.
    #[arg(long)]
    pub keys: PathBuf,
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
    /// The signed trust list (the JWS that `rega trust-list` prints).
    #[arg(long)]
    pub trust_list: PathBuf,
    /// The pinned trust-anchor public key (anchor-pub.pem).
    #[arg(long)]
    pub anchor: PathBuf,
    /// Verify as of this time (RFC 3339) instead of now.
    #[arg(long)]
    pub at: Option<String>,
    /// The QR text, `DL1:…`.
    pub text: String,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes a file that must not exist yet, readable only by its owner when `private`.
fn write_new(path: &Path, contents: &str, private: bool) -> anyhow::Result<()> {
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

/// `rega keys generate --out DIR`.
pub fn keys_generate(args: &KeysGenerate) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    for name in [SIGNING_KEY, ANCHOR_KEY, ANCHOR_PUBLIC] {
        if args.out.join(name).exists() {
            bail!(
                "{} already exists; refusing to overwrite a key",
                args.out.join(name).display()
            );
        }
    }
    let signing = generate_key()?;
    let anchor = generate_key()?;
    write_new(
        &args.out.join(SIGNING_KEY),
        &private_key_pem(&signing)?,
        true,
    )?;
    write_new(&args.out.join(ANCHOR_KEY), &private_key_pem(&anchor)?, true)?;
    write_new(
        &args.out.join(ANCHOR_PUBLIC),
        &public_key_pem(anchor.verifying_key())?,
        false,
    )?;
    println!(
        "wrote {SIGNING_KEY}, {ANCHOR_KEY} and {ANCHOR_PUBLIC} to {}",
        args.out.display()
    );
    Ok(())
}

/// The signed trust list for the keys in a directory, as of `now`.
pub fn trust_list_jws(
    keys: &Path,
    issuer: &str,
    key_valid_days: i64,
    now: i64,
) -> anyhow::Result<String> {
    let anchor = read_private_key_pem(&read(&keys.join(ANCHOR_KEY))?).with_context(|| {
        format!(
            "{} is not a P-256 private key",
            keys.join(ANCHOR_KEY).display()
        )
    })?;
    let mut trusted = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(keys)
        .with_context(|| format!("cannot read {}", keys.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n == SIGNING_KEY || (n.starts_with("signing-key-") && n.ends_with(".pem")))
        .collect();
    names.sort();
    if !names.iter().any(|n| n == SIGNING_KEY) {
        bail!(
            "{} has no {SIGNING_KEY}; run `rega keys generate --out {}`",
            keys.display(),
            keys.display()
        );
    }
    for name in names {
        let key = read_private_key_pem(&read(&keys.join(&name))?).with_context(|| {
            format!("{} is not a P-256 private key", keys.join(&name).display())
        })?;
        let issuer = Issuer::new(key, issuer);
        trusted.push(TrustedKey {
            kid: issuer.kid(),
            key: *issuer.verifying_key(),
            iss: issuer.iss().to_owned(),
            nbf: now - 86_400,
            exp: now + key_valid_days * 86_400,
            status: if name == SIGNING_KEY {
                KeyStatus::Active
            } else {
                KeyStatus::Retired
            },
        });
    }
    let list = TrustList::new(
        format!("{issuer}-TRUST"),
        now,
        now + TRUST_LIST_DAYS * 86_400,
        trusted,
    )
    .map_err(|e| anyhow::anyhow!("cannot build the trust list: {e:?}"))?;
    Ok(sign_trust_list(&list, &anchor))
}

/// `rega trust-list --keys DIR`.
pub fn trust_list(args: &TrustListArgs) -> anyhow::Result<()> {
    println!(
        "{}",
        trust_list_jws(&args.keys, &args.issuer, args.key_valid_days, now())?
    );
    Ok(())
}

/// `rega token --keys DIR --licence FILE.json`.
pub fn token(args: &TokenArgs) -> anyhow::Result<()> {
    let key = read_private_key_pem(&read(&args.keys.join(SIGNING_KEY))?).with_context(|| {
        format!(
            "{} is not a P-256 private key",
            args.keys.join(SIGNING_KEY).display()
        )
    })?;
    let licence: Licence = serde_json::from_str(&read(&args.licence)?).with_context(|| {
        format!(
            "{} is not a licence in the SPEC §5.2 element names",
            args.licence.display()
        )
    })?;
    println!(
        "{}",
        Issuer::new(key, args.issuer.clone()).issue(&licence, now())?
    );
    Ok(())
}

/// The outcome of `rega verify`, as its exit code: 0 valid, 1 invalid.
pub fn verify(args: &VerifyArgs) -> anyhow::Result<bool> {
    let anchor = read_public_key_pem(&read(&args.anchor)?)
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
        "kid": verified.kid.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "iss": verified.claims.iss,
        "iat": verified.claims.iat,
        "exp": verified.claims.exp,
        "licence_status": today.as_ref().map(|t| state(verified.status_on(t))),
        "categories": categories,
        "licence": verified.licence(),
    })
}
