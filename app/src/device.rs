//! The phone's side of the bound licence (docs/credential.md, "The bound form"): a P-256 key
//! made with WebCrypto as **non-extractable** and kept in IndexedDB, the credential the server
//! bound to it kept next to it, and presentations signed with it offline.
//!
//! Each step opens the database, does one thing and closes it again, so signing out can delete
//! the database at once (an open connection would hold the deletion back).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use js_sys::{Array, Promise, Reflect, Uint8Array};
use rega_api::licence::{BoundCredential, LicenceToken};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, IdbDatabase, IdbRequest, IdbTransactionMode};

/// The database and its one store.
const DATABASE: &str = "rega";
const STORE: &str = "licence";
/// The key pair's record, and the credential's.
const KEY_PAIR: &str = "key";
const CREDENTIAL: &str = "credential";
/// How long a presentation verifies (a DL1 token's lifetime).
const PRESENTATION_SECONDS: i64 = rega_credential::TOKEN_LIFETIME_SECONDS;

/// The phone's key: what signs, and its public point as the server takes it.
#[derive(Clone)]
pub struct DeviceKey {
    private: CryptoKey,
    /// The uncompressed point, base64url.
    pub public: String,
}

/// Waits for an IndexedDB request: its result, or `None` if it failed.
async fn done(request: &IdbRequest) -> Option<JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(resolve.unchecked_ref()));
        request.set_onerror(Some(reject.unchecked_ref()));
    });
    JsFuture::from(promise).await.ok()?;
    request.result().ok()
}

async fn open() -> Option<IdbDatabase> {
    let factory = web_sys::window()?.indexed_db().ok()??;
    let request = factory.open_with_u32(DATABASE, 1).ok()?;
    let upgrade = Closure::once_into_js({
        let request = request.clone();
        move || {
            if let Some(db) = request
                .result()
                .ok()
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    done(&request).await?.dyn_into().ok()
}

/// One read or write in the store, the database closed after it.
async fn with_store(
    mode: IdbTransactionMode,
    act: impl FnOnce(&web_sys::IdbObjectStore) -> Option<IdbRequest>,
) -> Option<JsValue> {
    let db = open().await?;
    let result = async {
        let store = db
            .transaction_with_str_and_mode(STORE, mode)
            .ok()?
            .object_store(STORE)
            .ok()?;
        done(&act(&store)?).await
    }
    .await;
    db.close();
    result
}

async fn read(name: &str) -> Option<JsValue> {
    with_store(IdbTransactionMode::Readonly, |s| s.get(&name.into()).ok())
        .await
        .filter(|v| !v.is_undefined())
}

async fn write(name: &str, value: &JsValue) -> Option<()> {
    with_store(IdbTransactionMode::Readwrite, |s| {
        s.put_with_key(value, &name.into()).ok()
    })
    .await
    .map(|_| ())
}

/// Deletes the database: the key and the credential (at sign-out, and for a withdrawn phone).
/// The browser carries the deletion out by itself, also if the page is left meanwhile; no
/// connection stays open to hold it back (each step closes its own).
pub fn forget() {
    if let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) {
        let _ = factory.delete_database(DATABASE);
    }
}

fn subtle() -> Option<web_sys::SubtleCrypto> {
    Some(web_sys::window()?.crypto().ok()?.subtle())
}

fn bytes(value: JsValue) -> Vec<u8> {
    Uint8Array::new(&value).to_vec()
}

fn field(object: &JsValue, name: &str) -> Option<CryptoKey> {
    Reflect::get(object, &name.into()).ok()?.dyn_into().ok()
}

async fn exported(subtle: &web_sys::SubtleCrypto, public: &CryptoKey) -> Option<String> {
    let raw = bytes(
        JsFuture::from(subtle.export_key("raw", public).ok()?)
            .await
            .ok()?,
    );
    Some(URL_SAFE_NO_PAD.encode(raw))
}

/// The phone's key: the kept one, or a new non-extractable one, kept. `None` where the browser
/// cannot make or keep one (the page then shows the DL1 code).
pub async fn key() -> Option<DeviceKey> {
    let subtle = subtle()?;
    let pair = match read(KEY_PAIR).await {
        Some(pair) => pair,
        None => {
            let usages = Array::of2(&"sign".into(), &"verify".into());
            let params = web_sys::EcKeyGenParams::new("ECDSA", "P-256");
            let pair = JsFuture::from(
                subtle
                    .generate_key_with_object(&params, false, &usages)
                    .ok()?,
            )
            .await
            .ok()?;
            write(KEY_PAIR, &pair).await?;
            // Read back: a browser that cannot keep a key in IndexedDB has none to sign with
            // after the next start.
            read(KEY_PAIR).await?
        }
    };
    let private = field(&pair, "privateKey")?;
    let public = exported(&subtle, &field(&pair, "publicKey")?).await?;
    Some(DeviceKey { private, public })
}

/// The credential kept on this phone, if any.
pub async fn credential() -> Option<BoundCredential> {
    crate::api::parse(&read(CREDENTIAL).await?.as_string()?)
}

/// Keeps a credential next to the key.
pub async fn keep(credential: &BoundCredential) {
    if let Ok(text) = crate::api::encode(credential) {
        let _ = write(CREDENTIAL, &text.into()).await;
    }
}

/// A presentation of `credential` signed by the phone's key at `now` (Unix seconds), as the QR
/// text with its validity, in the shape the page shows a DL1 token in.
pub async fn present(
    key: &DeviceKey,
    credential: &BoundCredential,
    now: i64,
) -> Option<LicenceToken> {
    let digest: [u8; 32] = URL_SAFE_NO_PAD
        .decode(&credential.digest)
        .ok()?
        .try_into()
        .ok()?;
    let packed = URL_SAFE_NO_PAD.decode(&credential.credential).ok()?;
    let at = u32::try_from(now).ok()?;
    let message = rega_credential::bound::presentation_message(&digest, at);
    let params = web_sys::EcdsaParams::new("ECDSA", &"SHA-256".into());
    let signature = bytes(
        JsFuture::from(
            subtle()?
                .sign_with_object_and_u8_array(&params, &key.private, &message)
                .ok()?,
        )
        .await
        .ok()?,
    );
    let signature: [u8; 64] = signature.try_into().ok()?;
    Some(LicenceToken {
        token: rega_credential::bound::presentation_text(&packed, at, &signature),
        issued_at: now,
        expires_at: now + PRESENTATION_SECONDS,
    })
}

/// What this phone calls itself in the citizen's list of phones: its browser and system, read
/// from the user agent ("Chrome · Android"), so that a citizen can tell their phones apart.
pub fn label() -> String {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    let first = |names: &[(&str, &'static str)]| {
        names
            .iter()
            .find(|(mark, _)| agent.contains(mark))
            .map(|(_, name)| *name)
    };
    let browser = first(&[
        ("SamsungBrowser", "Samsung Internet"),
        ("Edg", "Edge"),
        ("OPR", "Opera"),
        ("Firefox", "Firefox"),
        ("Chrome", "Chrome"),
        ("Safari", "Safari"),
    ]);
    let system = first(&[
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => "Browser".to_owned(),
    }
}
