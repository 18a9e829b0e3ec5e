//! The DL1 issuer of this server (`docs/credential.md`): its signing keys, the trust anchor it is
//! configured with, and the trust list published to it. The anchor's private key is never here:
//! the list is signed on the anchor's offline machine and published (a file in the keys
//! directory, or an administrator's upload); the server serves it verbatim, and signs licence
//! codes only with a key of its own that the list names active.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::{Context, bail};
use rega_credential::keys::VerifyingKey;
use rega_credential::sign::{Issuer, generate_key, read_public_key_pem, sign_trust_list};
use rega_credential::{KeyStatus, TrustList, TrustedKey};

use crate::auth::sessions::hex;
use crate::store::Store;
use crate::tools::keys::{DEFAULT_LIST_DAYS, signing_keys};
use crate::tools::{ANCHOR_KEY, ANCHOR_PUBLIC, DEFAULT_ISSUER, TRUST_LIST_FILE};

/// How long before a list expires the server warns (log, `/readyz`, metric).
pub const EXPIRY_WARNING_SECONDS: i64 = 7 * 86_400;

/// Where the verifier's pin comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// The operator's anchor public key (`--trust-anchor`): the real setup.
    Configured,
    /// Demo mode without `--trust-anchor`: an anchor made in memory at start, which signs the
    /// demo's list and is gone when the process ends; the verifier says so.
    Demo,
}

/// Why a list is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishError {
    /// Not a trust list signed by the configured anchor.
    NotSignedByAnchor,
    /// Already past its own expiry.
    Expired,
    /// A list signed at the same time or later is published already.
    Outdated,
}

/// The list in force on this instance, and the key it signs with under it.
struct Published {
    jws: String,
    list: TrustList,
    signer: Result<Arc<Issuer>, String>,
}

/// The signing side of DL1, when keys are configured.
pub struct Credentials {
    keys_dir: PathBuf,
    anchor: VerifyingKey,
    /// Where the verifier's pin comes from.
    pub pin: Pin,
    keys: RwLock<Vec<Issuer>>,
    published: RwLock<Option<Published>>,
}

/// What `/readyz` and the metrics say about the credentials.
#[derive(Debug, Clone)]
pub struct CredentialStatus {
    /// Licence codes can be signed.
    pub signing: bool,
    /// Why not, or the warning (the list expires soon), in the operator's words.
    pub detail: Option<String>,
    /// The kid (hex) signing now.
    pub kid: Option<String>,
    /// When the list in force expires.
    pub list_expires_at: Option<i64>,
}

fn lock_error<T>(_: T) -> anyhow::Error {
    anyhow::anyhow!("credentials lock poisoned")
}

impl Credentials {
    /// Loads this server's keys and its anchor, takes the published list (demo mode: makes the
    /// keys and signs its own list with an anchor that exists only in memory). `None` when no
    /// signing key or no anchor is configured (production start refuses then).
    pub async fn load(
        dir: &Path,
        anchor: Option<&Path>,
        demo: bool,
        store: &dyn Store,
        now: i64,
    ) -> anyhow::Result<Option<Arc<Credentials>>> {
        if dir.join(ANCHOR_KEY).exists() {
            if !demo {
                bail!(
                    "{} is the trust anchor's private key and must not be on a server: move it \
                     to the anchor's offline machine (docs/operations.md, keys)",
                    dir.join(ANCHOR_KEY).display()
                );
            }
            tracing::warn!(file = %dir.join(ANCHOR_KEY).display(), "demo: an earlier version's anchor key is ignored");
        }
        let mut keys = signing_keys(dir, DEFAULT_ISSUER)?;
        if keys.is_empty() {
            if !demo {
                tracing::warn!(keys_dir = %dir.display(), "no DL1 signing key: licence QR codes are unavailable until keys are configured (rega keys generate)");
                return Ok(None);
            }
            crate::tools::keys_generate(&crate::tools::KeysGenerate {
                out: dir.to_path_buf(),
            })
            .context("cannot create the demo's signing key")?;
            keys = signing_keys(dir, DEFAULT_ISSUER)?;
        }
        // Demo mode without an operator's anchor makes one that lives only in this process.
        let demo_anchor = (demo && anchor.is_none()).then(generate_key).transpose()?;
        let anchor_key = match (&demo_anchor, anchor) {
            (Some(key), _) => *key.verifying_key(),
            (None, configured) => {
                let path = configured
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.join(ANCHOR_PUBLIC));
                if !path.exists() {
                    tracing::warn!(file = %path.display(), "no trust anchor public key (--trust-anchor): licence QR codes are unavailable");
                    return Ok(None);
                }
                let pem = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                read_public_key_pem(&pem)
                    .with_context(|| format!("{} is not a P-256 public key", path.display()))?
            }
        };
        let credentials = Arc::new(Credentials {
            keys_dir: dir.to_path_buf(),
            anchor: anchor_key,
            pin: if demo_anchor.is_some() {
                Pin::Demo
            } else {
                Pin::Configured
            },
            keys: RwLock::new(keys),
            published: RwLock::new(None),
        });
        if let Some(demo_anchor) = demo_anchor {
            let list = credentials.demo_list(now)?;
            let jws = sign_trust_list(&list, &demo_anchor);
            // Another demo instance on the same database may have published its own: this one
            // serves the list its own anchor signed either way.
            let _ = store
                .publish_trust_list(list.iat, list.exp, &jws, now, "demo")
                .await;
            credentials.adopt(jws, list)?;
        }
        credentials.refresh(store, now).await?;
        Ok(Some(credentials))
    }

    /// The demo's list: every key of this server active for a year.
    fn demo_list(&self, now: i64) -> anyhow::Result<TrustList> {
        let keys = self.keys.read().map_err(lock_error)?;
        let trusted = keys
            .iter()
            .map(|issuer| TrustedKey {
                kid: issuer.kid(),
                key: *issuer.verifying_key(),
                iss: issuer.iss().to_owned(),
                nbf: now - 86_400,
                exp: now + 365 * 86_400,
                status: KeyStatus::Active,
            })
            .collect();
        TrustList::new(
            format!("{DEFAULT_ISSUER}-TRUST"),
            now,
            now + DEFAULT_LIST_DAYS * 86_400,
            trusted,
        )
        .map_err(|e| anyhow::anyhow!("cannot build the demo trust list: {e:?}"))
    }

    /// The trust anchor this server is configured with.
    pub fn anchor(&self) -> &VerifyingKey {
        &self.anchor
    }

    /// The kids of this server's signing keys.
    pub fn held_kids(&self) -> Vec<[u8; 8]> {
        self.keys
            .read()
            .map(|keys| keys.iter().map(Issuer::kid).collect())
            .unwrap_or_default()
    }

    /// The trust anchor's public key as a JWK.
    pub fn anchor_jwk(&self) -> rega_api::licence::TrustAnchor {
        let (kid, x, y) = rega_credential::keys::to_jwk(&self.anchor);
        rega_api::licence::TrustAnchor {
            kid,
            crv: "P-256".into(),
            x,
            y,
        }
    }

    /// The list in force, as read when it was taken (its signature checked then).
    pub fn list(&self) -> Option<TrustList> {
        let published = self.published.read().ok()?;
        published.as_ref().map(|p| p.list.clone())
    }

    /// The list in force, verbatim as the anchor's machine signed it.
    pub fn trust_list(&self) -> Option<String> {
        let published = self.published.read().ok()?;
        published.as_ref().map(|p| p.jws.clone())
    }

    /// The key to sign a licence code with at `now`, or why there is none.
    pub fn issuer(&self, now: i64) -> Result<Arc<Issuer>, String> {
        let published = self
            .published
            .read()
            .map_err(|_| "lock poisoned".to_owned())?;
        let Some(published) = published.as_ref() else {
            return Err("no trust list is published".to_owned());
        };
        let signer = published.signer.clone()?;
        match published.list.find(&signer.kid()) {
            Some(key) if key.nbf <= now && now <= key.exp => Ok(signer),
            _ => Err(format!(
                "signing key {} is outside its validity in the trust list",
                hex(&signer.kid())
            )),
        }
    }

    /// Verifies a list against the anchor and publishes it to every instance (the store), then
    /// puts it in force here.
    pub async fn publish(
        &self,
        store: &dyn Store,
        jws: &str,
        now: i64,
        by: &str,
    ) -> anyhow::Result<Result<TrustList, PublishError>> {
        let jws = jws.trim();
        let Ok(list) = TrustList::from_jws(jws, &self.anchor) else {
            return Ok(Err(PublishError::NotSignedByAnchor));
        };
        if list.is_expired(now) {
            return Ok(Err(PublishError::Expired));
        }
        if !store
            .publish_trust_list(list.iat, list.exp, jws, now, by)
            .await?
        {
            return Ok(Err(PublishError::Outdated));
        }
        tracing::info!(
            signed_at = list.iat,
            expires_at = list.exp,
            by,
            "a trust list was published"
        );
        self.adopt(jws.to_owned(), list.clone())?;
        Ok(Ok(list))
    }

    /// Takes what was published since the last look: a new signing key in the keys directory,
    /// a list file dropped there (published to every instance), the newest list in the store.
    /// A list that does not verify with the anchor is refused and logged, never served.
    pub async fn refresh(&self, store: &dyn Store, now: i64) -> anyhow::Result<()> {
        self.reload_keys()?;
        let file = self.keys_dir.join(TRUST_LIST_FILE);
        if let Ok(jws) = std::fs::read_to_string(&file) {
            let newer = TrustList::from_jws(&jws, &self.anchor)
                .map(|list| list.iat > self.signed_at())
                .unwrap_or(true);
            if newer {
                match self.publish(store, &jws, now, "file").await? {
                    Ok(_) | Err(PublishError::Outdated) => {}
                    Err(error) => {
                        tracing::error!(file = %file.display(), ?error, "the trust list file is refused")
                    }
                }
            }
        }
        if let Some(jws) = store.trust_list().await? {
            match TrustList::from_jws(&jws, &self.anchor) {
                Ok(list) if list.iat > self.signed_at() => self.adopt(jws, list)?,
                Ok(_) => self.adopt_keys()?,
                Err(error) if self.pin == Pin::Configured => {
                    tracing::error!(
                        ?error,
                        "the published trust list is not signed by the configured anchor: refused"
                    )
                }
                Err(_) => {}
            }
        }
        Ok(())
    }

    fn signed_at(&self) -> i64 {
        self.published
            .read()
            .ok()
            .and_then(|p| p.as_ref().map(|p| p.list.iat))
            .unwrap_or(i64::MIN)
    }

    /// Takes the signing keys in the keys directory now (a key made since the last look).
    fn reload_keys(&self) -> anyhow::Result<()> {
        let keys = signing_keys(&self.keys_dir, DEFAULT_ISSUER)?;
        let known = self.keys.read().map_err(lock_error)?.len();
        if keys.len() != known {
            *self.keys.write().map_err(lock_error)? = keys;
        }
        Ok(())
    }

    /// Puts a verified list in force with the key it lets this server sign with: the keys
    /// directory is read first, so a key made for this list signs as soon as it is in force.
    fn adopt(&self, jws: String, list: TrustList) -> anyhow::Result<()> {
        self.reload_keys()?;
        let signer = self.signer_under(&list)?;
        match &signer {
            Ok(issuer) => tracing::info!(
                kid = hex(&issuer.kid()),
                signed_at = list.iat,
                "the trust list in force names this server's signing key active"
            ),
            Err(why) => {
                tracing::error!(signed_at = list.iat, why, "licence QR codes are not signed")
            }
        }
        *self.published.write().map_err(lock_error)? = Some(Published { jws, list, signer });
        Ok(())
    }

    /// The list in force again, with the keys directory as it is now (a key added there).
    fn adopt_keys(&self) -> anyhow::Result<()> {
        let current = self
            .published
            .read()
            .map_err(lock_error)?
            .as_ref()
            .map(|p| (p.jws.clone(), p.list.clone(), p.signer.is_ok()));
        if let Some((jws, list, false)) = current {
            self.adopt(jws, list)?;
        }
        Ok(())
    }

    /// Of this server's keys, the one the list names active (the latest to begin, if several).
    fn signer_under(&self, list: &TrustList) -> anyhow::Result<Result<Arc<Issuer>, String>> {
        let keys = self.keys.read().map_err(lock_error)?;
        let best = keys
            .iter()
            .filter_map(|issuer| {
                let entry = list.find(&issuer.kid())?;
                (entry.status == KeyStatus::Active).then_some((issuer, entry))
            })
            .max_by_key(|(issuer, entry)| (entry.nbf, issuer.kid()));
        Ok(match best {
            Some((issuer, entry)) => Ok(Arc::new(Issuer::new(
                issuer.signing_key().clone(),
                entry.iss.clone(),
            ))),
            None => Err(format!(
                "none of this server's signing keys ({}) is active in the trust list",
                keys.iter()
                    .map(|i| hex(&i.kid()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })
    }

    /// What `/readyz`, the metrics and the log say.
    pub fn status(&self, now: i64) -> CredentialStatus {
        let signing = self.issuer(now);
        let expires = self
            .published
            .read()
            .ok()
            .and_then(|p| p.as_ref().map(|p| p.list.exp));
        let detail = match (&signing, expires) {
            (Err(why), _) => Some(why.clone()),
            (Ok(_), Some(exp)) if exp < now => Some(format!(
                "the trust list expired at {}: publish a new one",
                rega_api::time::LocalDateTime::from_unix(exp).to_rfc3339()
            )),
            (Ok(_), Some(exp)) if exp - now < EXPIRY_WARNING_SECONDS => Some(format!(
                "the trust list expires at {}: sign and publish the next one",
                rega_api::time::LocalDateTime::from_unix(exp).to_rfc3339()
            )),
            _ => None,
        };
        CredentialStatus {
            signing: signing.is_ok(),
            kid: signing.ok().map(|i| hex(&i.kid())),
            detail,
            list_expires_at: expires,
        }
    }
}
