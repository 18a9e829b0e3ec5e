//! The DL1 issuer of this server: its signing key, and the trust list it serves.

use std::path::Path;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use rega_credential::sign::{Issuer, read_private_key_pem};

use crate::tools::{ANCHOR_KEY, DEFAULT_ISSUER, SIGNING_KEY, trust_list_jws};

/// The signing side of DL1, when keys are configured.
pub struct Credentials {
    /// Signs licence tokens.
    pub issuer: Issuer,
    /// The signed trust list, renewed daily (it is valid for 7 days).
    pub trust_list: RwLock<(i64, String)>,
    /// The trust anchor's public key, which verifiers pin.
    pub anchor: rega_credential::keys::VerifyingKey,
    keys_dir: std::path::PathBuf,
}

impl Credentials {
    /// Loads the keys from a directory; in demo mode creates them first if missing.
    pub fn load(dir: &Path, demo: bool, now: i64) -> anyhow::Result<Option<Arc<Credentials>>> {
        if !dir.join(SIGNING_KEY).exists() {
            if !demo {
                tracing::warn!(keys_dir = %dir.display(), "no DL1 signing key: licence QR codes are unavailable until keys are configured (rega keys generate)");
                return Ok(None);
            }
            crate::tools::keys_generate(&crate::tools::KeysGenerate {
                out: dir.to_path_buf(),
            })
            .context("cannot create the demo DL1 keys")?;
        }
        let pem = std::fs::read_to_string(dir.join(SIGNING_KEY))
            .with_context(|| format!("cannot read {}", dir.join(SIGNING_KEY).display()))?;
        let key = read_private_key_pem(&pem)
            .with_context(|| format!("{} is not a P-256 key", dir.join(SIGNING_KEY).display()))?;
        if !dir.join(ANCHOR_KEY).exists() {
            anyhow::bail!(
                "{} is missing; the trust list cannot be signed",
                dir.join(ANCHOR_KEY).display()
            );
        }
        let anchor = read_private_key_pem(&std::fs::read_to_string(dir.join(ANCHOR_KEY))?)
            .with_context(|| format!("{} is not a P-256 key", dir.join(ANCHOR_KEY).display()))?;
        let list = trust_list_jws(dir, DEFAULT_ISSUER, 365, now)?;
        Ok(Some(Arc::new(Credentials {
            issuer: Issuer::new(key, DEFAULT_ISSUER),
            trust_list: RwLock::new((now, list)),
            anchor: *anchor.verifying_key(),
            keys_dir: dir.to_path_buf(),
        })))
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

    /// The trust list, signed again when a day old.
    pub fn trust_list(&self, now: i64) -> anyhow::Result<String> {
        {
            let current = self
                .trust_list
                .read()
                .map_err(|_| anyhow::anyhow!("trust list lock poisoned"))?;
            if now - current.0 < 86_400 {
                return Ok(current.1.clone());
            }
        }
        let fresh = trust_list_jws(&self.keys_dir, DEFAULT_ISSUER, 365, now)?;
        let mut current = self
            .trust_list
            .write()
            .map_err(|_| anyhow::anyhow!("trust list lock poisoned"))?;
        *current = (now, fresh.clone());
        Ok(fresh)
    }
}
