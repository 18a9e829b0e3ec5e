//! The trust anchor stays offline (issue 15): a server holds only its signing keys and the
//! anchor's public key; it serves the list the anchor's machine signed, verbatim, refuses any
//! other, signs licence codes only with a key the list names active, and says why not. Keys
//! rotate and are revoked through published lists, across two instances on PostgreSQL.

use std::path::{Path, PathBuf};

use rega_credential::sign::{SigningKey, generate_key, public_key_pem, sign_trust_list};
use rega_credential::{KeyStatus, Policy, TrustList, VerifyError, verify};
use rega_server::tools::keys::{ListDocument, list_from_document};
use serde_json::Value;

use crate::helpers::{
    Db, DemoApp, THURSDAY_9AM, expect_problem, fresh_postgres_database, postgres_store,
    postgres_url, spawn_instance, store,
};

const ADMIN: &str = "network-admin";

/// The anchor's offline machine: its key, and the signing keys' public parts it was given.
struct AnchorMachine {
    key: SigningKey,
    dir: tempfile::TempDir,
}

impl AnchorMachine {
    fn new() -> AnchorMachine {
        let key = generate_key().expect("a key");
        let dir = tempfile::tempdir().expect("a directory");
        std::fs::write(
            dir.path().join("anchor-pub.pem"),
            public_key_pem(key.verifying_key()).expect("PEM"),
        )
        .expect("written");
        AnchorMachine { key, dir }
    }

    /// The public part the operator configures on servers (`--trust-anchor`).
    fn public(&self) -> PathBuf {
        self.dir.path().join("anchor-pub.pem")
    }

    /// A list signed at `at` from the document's keys: `(public part file, status)`, each
    /// valid for a year around `at`, the list for `days`.
    fn sign(&self, keys: &[(&Path, &str)], at: i64, days: i64) -> String {
        let mut document = format!("valid_days = {days}\n");
        for (public, status) in keys {
            let file = public.file_name().expect("a name").to_string_lossy();
            std::fs::copy(public, self.dir.path().join(&*file)).expect("copied");
            document.push_str(&format!(
                "[[key]]\npublic_key = \"{file}\"\nstatus = \"{status}\"\n\
                 not_before = \"2026-01-01\"\nnot_after = \"2028-12-31\"\n"
            ));
        }
        let document: ListDocument = toml::from_str(&document).expect("a document");
        let list = list_from_document(&document, self.dir.path(), at).expect("a list");
        sign_trust_list(&list, &self.key)
    }
}

/// `rega keys generate` on a server: the public part's path.
fn server_key(keys: &Path) -> PathBuf {
    let kid = rega_server::tools::keys_generate(&rega_server::tools::KeysGenerate {
        out: keys.to_path_buf(),
    })
    .expect("a signing key");
    keys.join(rega_server::tools::keys::signing_key_files(&kid).1)
}

fn kid_hex(public: &Path) -> String {
    let name = public.file_name().expect("a name").to_string_lossy();
    name["signing-".len().."signing-".len() + 16].to_owned()
}

async fn publish(demo: &DemoApp, cookie: &str, jws: &str) -> reqwest::Response {
    demo.app
        .client
        .put(format!("{}/api/v1/admin/trust-list", demo.app.url))
        .header("cookie", cookie)
        .header("content-type", "text/plain")
        .body(jws.to_owned())
        .send()
        .await
        .expect("answered")
}

async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON")
}

/// A fresh licence code for the demo citizen, as `(status, token)`.
async fn token(demo: &DemoApp, citizen: &str) -> (u16, Option<String>) {
    let response = demo.get_with_cookie("/api/v1/licence/token", citizen).await;
    let status = response.status().as_u16();
    let body = json(response).await;
    (status, body["token"].as_str().map(str::to_owned))
}

async fn served_list(demo: &DemoApp, anchor: &AnchorMachine) -> TrustList {
    let jws = demo
        .app
        .get("/api/v1/trust-list")
        .await
        .text()
        .await
        .expect("text");
    TrustList::from_jws(&jws, anchor.key.verifying_key()).expect("signed by the anchor")
}

fn kid_of_token(token: &str, list: &TrustList, at: i64) -> String {
    let verified = verify(token, list, at, &Policy::default()).expect("valid");
    verified.kid.iter().map(|b| format!("{b:02x}")).collect()
}

async fn a_server_signs_only_under_a_list_its_anchor_signed(db: Db) {
    let data = tempfile::tempdir().expect("a directory");
    let Some(store) = store(db, data.path()).await else {
        return;
    };
    let anchor = AnchorMachine::new();
    let keys = data.path().join("keys");
    let first = server_key(&keys);
    let now = THURSDAY_9AM;
    let demo = spawn_instance(store, data, now, &keys, Some(&anchor.public())).await;
    assert!(!keys.join("anchor-key.pem").exists());
    let citizen = demo.sign_in("100000000001").await;
    let admin = demo.staff_cookie(ADMIN).await;

    // The verifier's pin comes with its page: the configured anchor, written into its HTML.
    let dist = demo.app._data.path().join("no-dist");
    std::fs::create_dir_all(&dist).expect("a dist");
    std::fs::write(
        dist.join("index.html"),
        "<html><head></head><body></body></html>",
    )
    .expect("written");
    std::fs::write(
        dist.join("verifier.html"),
        "<html><head><title>x</title></head><body></body></html>",
    )
    .expect("written");
    let (kid, x, y) = rega_credential::keys::to_jwk(anchor.key.verifying_key());
    let meta = format!(
        r#"<meta name="rega-trust-anchor" content="{kid} {x} {y}" data-pin="configured"></head>"#
    );
    for path in ["/verify", "/verifier.html"] {
        let page = demo.app.get(path).await;
        assert_eq!(page.headers()["cache-control"], "no-cache");
        assert!(page.text().await.expect("HTML").contains(&meta), "{path}");
    }

    // Nothing published yet: no list served, no code signed, and /readyz says why.
    expect_problem(demo.app.get("/api/v1/trust-list").await, 503, "not_ready").await;
    assert_eq!(token(&demo, &citizen).await.0, 503);
    let ready = json(demo.app.get("/readyz").await).await;
    assert_eq!(ready["status"], "ready", "bookings are still served");
    assert_eq!(ready["credentials"]["status"], "not_signing");
    assert!(
        ready["credentials"]["detail"]
            .as_str()
            .expect("why")
            .contains("no trust list"),
        "{ready}"
    );

    // A list signed by another anchor is refused and changes nothing.
    let other = AnchorMachine::new();
    let forged = other.sign(&[(&first, "active")], now, 30);
    expect_problem(
        publish(&demo, &admin, &forged).await,
        422,
        "staff_trust_list_refused",
    )
    .await;
    expect_problem(
        publish(&demo, &admin, "not a list").await,
        422,
        "staff_trust_list_refused",
    )
    .await;
    assert_eq!(token(&demo, &citizen).await.0, 503);

    // The key is named, but retired: still no code, and the reason names the key.
    let retired = anchor.sign(&[(&first, "retired")], now - 60, 30);
    let status = json(publish(&demo, &admin, &retired).await).await;
    assert_eq!(status["signing"], false);
    assert!(
        status["attention"]
            .as_str()
            .expect("why")
            .contains(&kid_hex(&first)),
        "{status}"
    );
    assert_eq!(status["keys"][0]["held_here"], true);

    // Active: codes are signed with it, the list is served verbatim as uploaded.
    let active = anchor.sign(&[(&first, "active")], now, 30);
    let status = json(publish(&demo, &admin, &active).await).await;
    assert_eq!(status["signing"], true, "{status}");
    assert_eq!(status["signing_kid"], kid_hex(&first));
    let served = demo
        .app
        .get("/api/v1/trust-list")
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(served, active);
    let (status_code, code) = token(&demo, &citizen).await;
    assert_eq!(status_code, 200);
    let list = served_list(&demo, &anchor).await;
    assert_eq!(
        kid_of_token(&code.expect("a code"), &list, now),
        kid_hex(&first)
    );
    let ready = json(demo.app.get("/readyz").await).await;
    assert_eq!(ready["credentials"]["status"], "ok", "{ready}");

    // An older list cannot be published over it (a revoked key cannot come back that way).
    expect_problem(
        publish(&demo, &admin, &retired).await,
        409,
        "staff_trust_list_outdated",
    )
    .await;
    // A desk or supervisor cannot publish at all.
    let supervisor = demo.staff_cookie("erbil-supervisor").await;
    expect_problem(
        publish(&demo, &supervisor, &active).await,
        403,
        "staff_forbidden",
    )
    .await;

    // A list expiring within a week: readyz, the metric and the status say so.
    let short = anchor.sign(&[(&first, "active")], now + 60, 5);
    let status = json(publish(&demo, &admin, &short).await).await;
    assert!(
        status["attention"]
            .as_str()
            .expect("a warning")
            .contains("expires"),
        "{status}"
    );
    let ready = json(demo.app.get("/readyz").await).await;
    assert_eq!(ready["credentials"]["status"], "attention", "{ready}");
    let metrics = demo.app.get("/metrics").await.text().await.expect("text");
    let left: i64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("rega_trust_list_expires_in_seconds "))
        .expect("the metric")
        .parse()
        .expect("a number");
    assert!(left < 7 * 86_400 && left > 4 * 86_400, "{left}");

    let trail = demo.state.store.audit_records(50).await.expect("the trail");
    let published: Vec<&str> = trail
        .iter()
        .filter(|r| r.action == "admin.trust_list_published")
        .map(|r| r.result.as_str())
        .collect();
    assert!(
        published.contains(&"not_signed_by_anchor") && published.contains(&"outdated"),
        "{published:?}"
    );
    assert_eq!(published.iter().filter(|r| **r == "ok").count(), 3);
}
both!(a_server_signs_only_under_a_list_its_anchor_signed);

/// The anchor's private key in a server's keys directory stops a production start.
#[tokio::test]
async fn a_production_server_refuses_to_start_with_the_anchors_private_key() {
    let data = tempfile::tempdir().expect("a directory");
    let store = crate::helpers::sqlite_store(data.path()).await;
    let anchor = AnchorMachine::new();
    let keys = data.path().join("keys");
    server_key(&keys);
    std::fs::copy(
        anchor.dir.path().join("anchor-pub.pem"),
        keys.join("anchor-pub.pem"),
    )
    .expect("copied");
    std::fs::write(keys.join("anchor-key.pem"), "the anchor's private key").expect("written");
    let refused = rega_server::credentials::Credentials::load(
        &keys,
        None,
        false,
        store.as_ref(),
        THURSDAY_9AM,
    )
    .await;
    let error = refused.err().expect("refused").to_string();
    assert!(error.contains("must not be on a server"), "{error}");
    std::fs::remove_file(keys.join("anchor-key.pem")).expect("removed");
    let loaded = rega_server::credentials::Credentials::load(
        &keys,
        None,
        false,
        store.as_ref(),
        THURSDAY_9AM,
    )
    .await
    .expect("starts")
    .expect("configured");
    assert!(
        loaded.issuer(THURSDAY_9AM).is_err(),
        "no list published yet"
    );
}

/// Rotation then revocation on two instances sharing PostgreSQL and a keys directory: a new key
/// made on the server signs nothing until a list names it active; tokens signed by the old key
/// keep verifying while it is retired, and none does once it is revoked.
#[tokio::test]
async fn keys_rotate_and_are_revoked_across_two_instances() {
    let Some(server) = postgres_url() else { return };
    let url = fresh_postgres_database(&server).await;
    let shared = tempfile::tempdir().expect("the keys directory both instances mount");
    let keys = shared.path().join("keys");
    let anchor = AnchorMachine::new();
    let old = server_key(&keys);
    let now = THURSDAY_9AM;
    std::fs::write(
        keys.join("trust-list.jws"),
        anchor.sign(&[(&old, "active")], now, 30),
    )
    .expect("the first list, dropped as a file");
    let a = spawn_instance(
        postgres_store(&url).await,
        tempfile::tempdir().expect("dir"),
        now,
        &keys,
        Some(&anchor.public()),
    )
    .await;
    let b = spawn_instance(
        postgres_store(&url).await,
        tempfile::tempdir().expect("dir"),
        now,
        &keys,
        Some(&anchor.public()),
    )
    .await;
    let admin = a.staff_cookie(ADMIN).await;
    let citizen_a = a.sign_in("100000000001").await;
    let citizen_b = b.sign_in("100000000003").await;
    let refresh = |demo: &DemoApp, at: i64| {
        let state = demo.state.clone();
        async move {
            state
                .credentials
                .as_ref()
                .expect("credentials")
                .refresh(state.store.as_ref(), at)
                .await
                .expect("refreshed")
        }
    };

    let in_flight = token(&b, &citizen_b)
        .await
        .1
        .expect("a code from the first key");
    assert_eq!(
        kid_of_token(&in_flight, &served_list(&b, &anchor).await, now),
        kid_hex(&old)
    );

    // A new key made on the server: not used until the list names it.
    let new = server_key(&keys);
    refresh(&b, now + 10).await;
    let code = token(&b, &citizen_b).await.1.expect("a code");
    assert_eq!(
        kid_of_token(&code, &served_list(&b, &anchor).await, now + 10),
        kid_hex(&old)
    );

    // Rotation, uploaded through instance A before it looked at its keys directory again: it
    // signs with the new key at once; B follows at its next refresh.
    let rotated = anchor.sign(&[(&old, "retired"), (&new, "active")], now + 60, 30);
    assert_eq!(publish(&a, &admin, &rotated).await.status(), 200);
    let at_once = token(&a, &citizen_a).await.1.expect("a code at once");
    assert_eq!(
        kid_of_token(&at_once, &served_list(&a, &anchor).await, now + 60),
        kid_hex(&new)
    );
    refresh(&b, now + 70).await;
    let list = served_list(&b, &anchor).await;
    assert_eq!(list.iat, now + 60, "B serves the list published through A");
    let fresh = token(&b, &citizen_b)
        .await
        .1
        .expect("a code from the new key");
    assert_eq!(kid_of_token(&fresh, &list, now + 70), kid_hex(&new));
    assert_eq!(
        kid_of_token(&in_flight, &list, now + 70),
        kid_hex(&old),
        "a code in flight keeps verifying across the rotation"
    );

    // Revocation, dropped as a file on the keys directory: published by the first instance to
    // refresh, served by both.
    let revoked = anchor.sign(&[(&old, "revoked"), (&new, "active")], now + 120, 30);
    std::fs::write(keys.join("trust-list.jws"), &revoked).expect("written");
    refresh(&b, now + 130).await;
    refresh(&a, now + 130).await;
    for instance in [&a, &b] {
        let list = served_list(instance, &anchor).await;
        assert_eq!(
            list.find(&list.keys[0].kid).map(|k| k.status),
            Some(KeyStatus::Revoked)
        );
        assert_eq!(
            verify(&in_flight, &list, now + 130, &Policy::default()).err(),
            Some(VerifyError::KeyRevoked)
        );
        let code = token(
            instance,
            if std::ptr::eq(instance, &a) {
                &citizen_a
            } else {
                &citizen_b
            },
        )
        .await
        .1
        .expect("still signing with the new key");
        assert_eq!(kid_of_token(&code, &list, now + 130), kid_hex(&new));
    }
}
