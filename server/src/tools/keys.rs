//! Keys on two kinds of machine (`docs/credential.md`): a server makes its signing keys and
//! exports their public parts; the trust anchor's offline machine makes the anchor and signs the
//! trust list from a document naming each signing key's public part and state.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use rega_credential::keys::VerifyingKey;
use rega_credential::sign::{
    Issuer, generate_key, private_key_pem, public_key_pem, read_private_key_pem,
    read_public_key_pem, sign_trust_list,
};
use rega_credential::{KeyStatus, TrustList, TrustedKey};
use serde::Deserialize;

use super::{DEFAULT_ISSUER, now, read, write_new};

/// The trust anchor's private key: made and kept on the anchor's offline machine, never on a server.
pub const ANCHOR_KEY: &str = "anchor-key.pem";
/// The trust anchor's public key: given to servers and verifiers as configuration.
pub const ANCHOR_PUBLIC: &str = "anchor-pub.pem";
/// The published trust list a server takes from its keys directory.
pub const TRUST_LIST_FILE: &str = "trust-list.jws";
/// The longest a trust list may be valid: revocation reaches a verifier that never refreshes
/// only when its list expires.
pub const MAX_LIST_DAYS: i64 = 90;
/// How long a list is valid unless the document says otherwise.
pub const DEFAULT_LIST_DAYS: i64 = 30;

/// `rega keys generate`.
#[derive(Debug, Args)]
pub struct KeysGenerate {
    /// The server's keys directory: writes signing-<kid>.pem (private, mode 600) and
    /// signing-<kid>.pub.pem (its public part, to take to the anchor's machine).
    #[arg(long)]
    pub out: PathBuf,
}

/// `rega keys export`.
#[derive(Debug, Args)]
pub struct KeysExport {
    /// The server's keys directory: writes the public part of each signing key that has none
    /// yet (signing-<kid>.pub.pem), e.g. of a `signing-key.pem` from an earlier version.
    #[arg(long)]
    pub keys: PathBuf,
}

/// `rega anchor generate`.
#[derive(Debug, Args)]
pub struct AnchorGenerate {
    /// A directory on the anchor's offline machine: writes anchor-key.pem (private) and
    /// anchor-pub.pem (to configure on servers and verifiers).
    #[arg(long)]
    pub out: PathBuf,
}

/// `rega trust-list sign`.
#[derive(Debug, Args)]
pub struct TrustListSign {
    /// The anchor's private key (anchor-key.pem), on the anchor's offline machine.
    #[arg(long)]
    pub anchor_key: PathBuf,
    /// The list document (TOML): each signing key's public part, issuer, state and dates.
    #[arg(long)]
    pub keys: PathBuf,
    /// Where to write the signed list (trust-list.jws); printed when not given.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The file names of a signing key with this kid: private and public.
pub fn signing_key_files(kid: &[u8; 8]) -> (String, String) {
    let hex = crate::auth::sessions::hex(kid);
    (
        format!("signing-{hex}.pem"),
        format!("signing-{hex}.pub.pem"),
    )
}

/// Whether a file in a keys directory is a signing key's private part.
pub fn is_private_signing_key(name: &str) -> bool {
    name.starts_with("signing-") && name.ends_with(".pem") && !name.ends_with(".pub.pem")
}

/// The signing keys' private parts in a directory, by file name.
pub fn signing_keys(dir: &Path, issuer: &str) -> anyhow::Result<Vec<Issuer>> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| is_private_signing_key(n))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    names.sort();
    names
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let key = read_private_key_pem(&read(&path)?)
                .with_context(|| format!("{} is not a P-256 private key", path.display()))?;
            Ok(Issuer::new(key, issuer))
        })
        .collect()
}

/// `rega keys generate --out DIR`: a new signing key, which signs nothing until a trust list
/// published to the server names it active. Its kid.
pub fn keys_generate(args: &KeysGenerate) -> anyhow::Result<[u8; 8]> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let key = generate_key()?;
    let issuer = Issuer::new(key.clone(), DEFAULT_ISSUER);
    let (private, public) = signing_key_files(&issuer.kid());
    write_new(&args.out.join(&private), &private_key_pem(&key)?, true)?;
    write_new(
        &args.out.join(&public),
        &public_key_pem(issuer.verifying_key())?,
        false,
    )?;
    println!(
        "wrote {private} and {public} to {}; take {public} to the trust anchor's machine, \
         sign it into the trust list (rega trust-list sign) and publish the list",
        args.out.display()
    );
    Ok(issuer.kid())
}

/// `rega keys export --keys DIR`: the public part of every signing key there, to take to the
/// anchor's machine.
pub fn keys_export(args: &KeysExport) -> anyhow::Result<()> {
    let keys = signing_keys(&args.keys, DEFAULT_ISSUER)?;
    if keys.is_empty() {
        bail!("{} holds no signing key", args.keys.display());
    }
    for issuer in keys {
        let (_, public) = signing_key_files(&issuer.kid());
        let path = args.keys.join(&public);
        if !path.exists() {
            write_new(&path, &public_key_pem(issuer.verifying_key())?, false)?;
        }
        println!("{}", path.display());
    }
    Ok(())
}

/// `rega anchor generate --out DIR`, on the anchor's offline machine.
pub fn anchor_generate(args: &AnchorGenerate) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let anchor = generate_key()?;
    write_new(&args.out.join(ANCHOR_KEY), &private_key_pem(&anchor)?, true)?;
    write_new(
        &args.out.join(ANCHOR_PUBLIC),
        &public_key_pem(anchor.verifying_key())?,
        false,
    )?;
    println!(
        "wrote {ANCHOR_KEY} and {ANCHOR_PUBLIC} to {}; {ANCHOR_KEY} never leaves this machine",
        args.out.display()
    );
    Ok(())
}

/// The trust list document kept on the anchor's machine (`docs/credential.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListDocument {
    /// Who publishes the list (default `KRG-GDT-TRUST`).
    #[serde(default = "default_publisher")]
    pub publisher: String,
    /// Days the list is valid from signing (default 30, at most 90).
    #[serde(default = "default_days")]
    pub valid_days: i64,
    /// The signing keys.
    #[serde(rename = "key", default)]
    pub keys: Vec<ListKey>,
}

/// One signing key in the document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListKey {
    /// Its public part (signing-<kid>.pub.pem), relative to the document.
    pub public_key: PathBuf,
    /// The issuer whose tokens it signs (default `KRG-GDT`).
    #[serde(default = "default_issuer")]
    pub issuer: String,
    /// `active`, `retired` or `revoked`.
    pub status: KeyStatus,
    /// First day it is valid (`YYYY-MM-DD`, UTC).
    pub not_before: String,
    /// Last day it is valid (`YYYY-MM-DD`, UTC, through the end of that day).
    pub not_after: String,
}

fn default_publisher() -> String {
    format!("{DEFAULT_ISSUER}-TRUST")
}

fn default_days() -> i64 {
    DEFAULT_LIST_DAYS
}

fn default_issuer() -> String {
    DEFAULT_ISSUER.to_owned()
}

fn day_start(text: &str, field: &str) -> anyhow::Result<i64> {
    let day = rega_api::time::Date::parse(text)
        .map_err(|_| anyhow::anyhow!("{field} {text:?} is not a day (YYYY-MM-DD)"))?;
    Ok(day.days_since_epoch() * 86_400)
}

/// The list a document describes, signed at `now`.
pub fn list_from_document(
    document: &ListDocument,
    base: &Path,
    now: i64,
) -> anyhow::Result<TrustList> {
    if !(1..=MAX_LIST_DAYS).contains(&document.valid_days) {
        bail!("valid_days must be 1 to {MAX_LIST_DAYS}");
    }
    if document.keys.is_empty() {
        bail!("the document names no signing key ([[key]])");
    }
    let mut keys = Vec::new();
    for (i, entry) in document.keys.iter().enumerate() {
        let path = base.join(&entry.public_key);
        let key: VerifyingKey = read_public_key_pem(&read(&path)?)
            .with_context(|| format!("{} is not a P-256 public key", path.display()))?;
        let nbf = day_start(&entry.not_before, "not_before")?;
        let exp = day_start(&entry.not_after, "not_after")? + 86_399;
        if exp <= nbf {
            bail!("key {} ends before it begins", i + 1);
        }
        keys.push(TrustedKey {
            kid: rega_credential::keys::kid_of(&key),
            key,
            iss: entry.issuer.clone(),
            nbf,
            exp,
            status: entry.status,
        });
    }
    TrustList::new(
        document.publisher.clone(),
        now,
        now + document.valid_days * 86_400,
        keys,
    )
    .map_err(|_| anyhow::anyhow!("the same signing key is named twice"))
}

/// `rega trust-list sign`: the list signed by the anchor, written or printed.
pub fn trust_list_sign(args: &TrustListSign) -> anyhow::Result<()> {
    let anchor = read_private_key_pem(&read(&args.anchor_key)?)
        .with_context(|| format!("{} is not a P-256 private key", args.anchor_key.display()))?;
    let document: ListDocument = toml::from_str(&read(&args.keys)?)
        .with_context(|| format!("{} is not a trust list document", args.keys.display()))?;
    let base = args.keys.parent().unwrap_or(Path::new("."));
    let list = list_from_document(&document, base, now())?;
    if !list.keys.iter().any(|k| k.status == KeyStatus::Active) {
        eprintln!("warning: no key is active: no server can sign licence codes with this list");
    }
    let jws = sign_trust_list(&list, &anchor);
    match &args.out {
        Some(out) => {
            std::fs::write(out, format!("{jws}\n"))
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "signed a list of {} key(s), valid until {}; publish {} to the servers",
                list.keys.len(),
                rega_api::time::LocalDateTime::from_unix(list.exp).to_rfc3339(),
                out.display()
            );
        }
        None => println!("{jws}"),
    }
    Ok(())
}
