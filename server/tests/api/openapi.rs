//! The OpenAPI description is true to the code: every API route is documented, and every
//! response the API really gives matches the schema documented for its status.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{Db, THURSDAY_9AM, spawn_demo};

const OPERATIONS: [(&str, &str); 79] = [
    ("GET", "/staff/audit"),
    ("GET", "/admin/configuration"),
    ("GET", "/admin/trust-list"),
    ("PUT", "/admin/trust-list"),
    ("POST", "/admin/configuration"),
    ("POST", "/admin/configuration/preview"),
    ("GET", "/admin/staff"),
    ("POST", "/admin/staff"),
    ("POST", "/admin/staff/{id}"),
    ("POST", "/admin/staff/{id}/reset-password"),
    ("POST", "/staff/password"),
    ("POST", "/staff/second-factor"),
    ("POST", "/staff/second-factor/confirm"),
    ("GET", "/appointments"),
    ("GET", "/appointments/{reference}"),
    ("GET", "/appointments/{reference}/calendar.ics"),
    ("GET", "/appointments/{reference}/ticket"),
    ("POST", "/appointments/{reference}/earlier"),
    ("GET", "/waitlist"),
    ("POST", "/waitlist"),
    ("POST", "/waitlist/{id}/leave"),
    ("POST", "/waitlist/{id}/decline"),
    ("POST", "/waitlist/{id}/accept"),
    ("GET", "/auth/session"),
    ("PUT", "/auth/locale"),
    ("GET", "/availability/days"),
    ("GET", "/availability/slots"),
    ("GET", "/board"),
    ("GET", "/closures"),
    ("GET", "/dev/outbox"),
    ("GET", "/directorates"),
    ("GET", "/eligibility"),
    ("GET", "/events"),
    ("GET", "/kiosk"),
    ("GET", "/licence"),
    ("GET", "/licence/token"),
    ("POST", "/licence/credential"),
    ("GET", "/licence/devices"),
    ("POST", "/licence/devices/{id}/withdraw"),
    ("POST", "/staff/licence-devices"),
    ("POST", "/staff/licence-devices/withdraw"),
    ("GET", "/services"),
    ("GET", "/tickets/{code}"),
    ("GET", "/staff/closures"),
    ("GET", "/staff/closures/preview"),
    ("GET", "/staff/day"),
    ("GET", "/staff/figures"),
    ("GET", "/staff/kiosks"),
    ("GET", "/staff/me"),
    ("GET", "/trust-anchor"),
    ("GET", "/trust-list"),
    ("POST", "/appointments"),
    ("POST", "/appointments/{reference}/cancel"),
    ("POST", "/appointments/{reference}/reschedule"),
    ("POST", "/auth/code"),
    ("POST", "/auth/sign-out"),
    ("POST", "/auth/verify"),
    ("POST", "/kiosk/check-in"),
    ("GET", "/registry/outcomes"),
    ("POST", "/registry/records"),
    ("POST", "/staff/appointments/{reference}/attended"),
    ("POST", "/staff/appointments/{reference}/no-show"),
    ("POST", "/staff/appointments/{reference}/recall"),
    ("POST", "/staff/walk-ins"),
    ("POST", "/staff/tickets/{ticket}/recall"),
    ("POST", "/staff/tickets/{ticket}/transfer"),
    ("POST", "/staff/tickets/{ticket}/priority"),
    ("POST", "/staff/tickets/{ticket}/served"),
    ("POST", "/staff/tickets/{ticket}/no-show"),
    ("POST", "/staff/appointments/{reference}/test-result"),
    ("POST", "/staff/call-next"),
    ("POST", "/staff/capacity"),
    ("POST", "/staff/closures"),
    ("POST", "/staff/closures/{id}/lift"),
    ("POST", "/staff/kiosks"),
    ("POST", "/staff/kiosks/{id}/revoke"),
    ("POST", "/staff/sign-in"),
    ("POST", "/staff/sign-out"),
    ("POST", "/staff/slots"),
];

#[test]
fn every_api_route_is_registered_with_its_description() {
    // Routes registered with plain `.route(…)` would be served but missing from the
    // description; only the operational endpoints and the description itself may do that.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut folders = vec![root.clone()];
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(&dir).expect("the routes") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let name = path
                .strip_prefix(&root)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("readable");
            let plain_routes = text.matches(".route(").count();
            let allowed = match name.as_str() {
                "health.rs" => 3,
                "mod.rs" => 1, // /openapi.json
                _ => 0,
            };
            assert_eq!(
                plain_routes, allowed,
                "{name}: register API routes with utoipa_axum::routes!"
            );
        }
    }
}

#[test]
fn the_description_lists_exactly_the_served_operations() {
    let description = serde_json::to_value(rega_server::routes::openapi()).expect("JSON");
    assert_eq!(description["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = description["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("an item")
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let expected: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(documented, expected);
}

/// Validates a response body against the schema documented for its operation and status.
fn check(
    description: &Value,
    method: &str,
    path: &str,
    status: u16,
    content_type: &str,
    body: &str,
) {
    let operation = &description["paths"][path][method.to_lowercase()];
    assert!(operation.is_object(), "{method} {path} is not documented");
    let response = &operation["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{method} {path}: status {status} is not documented"
    );
    let media = content_type.split(';').next().unwrap_or("").trim();
    let Some(content) = response["content"].as_object() else {
        assert!(
            body.is_empty(),
            "{method} {path} {status}: a body where none is documented"
        );
        return;
    };
    let documented = content.get(media);
    let documented =
        documented.unwrap_or_else(|| panic!("{method} {path} {status}: {media} is not documented"));
    let mut schema = documented["schema"].clone();
    if !media.ends_with("json") {
        return; // text bodies (iCalendar, JWS) are documented as strings
    }
    schema["components"] = description["components"].clone();
    let instance: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{method} {path}: not JSON: {e}"));
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{method} {path} {status} does not match its schema: {errors:?}\n{instance}"
    );
}

#[tokio::test]
async fn every_response_of_a_tour_of_the_api_matches_its_documented_schema() {
    let Some(demo) = spawn_demo(Db::Sqlite, THURSDAY_9AM).await else {
        return;
    };
    let description: Value = demo
        .app
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("the description");
    let mut seen = BTreeSet::new();
    let base = demo.app.url.clone();
    let client = demo.app.client.clone();
    let mut call = |method: &'static str,
                    template: &'static str,
                    url: String,
                    cookie: Option<String>,
                    body: Option<Value>| {
        let (client, base, description) = (client.clone(), base.clone(), description.clone());
        seen.insert((method, template));
        async move {
            let mut request = client.request(
                method.parse().expect("a method"),
                format!("{base}/api/v1{url}"),
            );
            if let Some(cookie) = cookie {
                // A kiosk's or the registry's credential rides in `cookie` too, as
                // "Kiosk <credential>" or "Registry <credential>".
                request = if cookie.starts_with("Kiosk ") || cookie.starts_with("Registry ") {
                    request.header("authorization", cookie)
                } else {
                    request.header("cookie", cookie)
                };
            }
            if let Some(Value::String(text)) = &body {
                // A text body (the trust list's JWS) goes as it is.
                request = request
                    .header("content-type", "text/plain")
                    .body(text.clone());
            } else if let Some(body) = body {
                request = request
                    .header(
                        "idempotency-key",
                        format!("tour-key-{:08}", url.len() * 1000 + body.to_string().len()),
                    )
                    .json(&body);
            }
            let response = request.send().await.expect("answered");
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let text = response.text().await.expect("a body");
            check(&description, method, template, status, &content_type, &text);
            (status, text)
        }
    };
    let _ = call("GET", "/services", "/services".into(), None, None).await;
    let _ = call("GET", "/directorates", "/directorates".into(), None, None).await;
    let _ = call(
        "GET",
        "/closures",
        "/closures?from=2027-01-01&to=2027-12-31".into(),
        None,
        None,
    )
    .await;
    let _ = call("GET", "/closures", "/closures?from=nope".into(), None, None).await;
    let _ = call(
        "GET",
        "/availability/days",
        "/availability/days?directorate=erbil&service=theory_test".into(),
        None,
        None,
    )
    .await;
    let _ = call(
        "GET",
        "/availability/days",
        "/availability/days?directorate=mosul&service=theory_test".into(),
        None,
        None,
    )
    .await;
    let (_, slots) = call(
        "GET",
        "/availability/slots",
        "/availability/slots?directorate=erbil&service=theory_test&date=2026-12-01".into(),
        None,
        None,
    )
    .await;
    let _ = call(
        "GET",
        "/availability/slots",
        "/availability/slots?directorate=erbil&service=theory_test&date=2026-12-05".into(),
        None,
        None,
    )
    .await;
    let _ = call("GET", "/trust-list", "/trust-list".into(), None, None).await;
    let _ = call("GET", "/trust-anchor", "/trust-anchor".into(), None, None).await;
    let _ = call(
        "POST",
        "/auth/code",
        "/auth/code".into(),
        None,
        Some(json!({ "national_id": "100000000001" })),
    )
    .await;
    let _ = call(
        "POST",
        "/auth/code",
        "/auth/code".into(),
        None,
        Some(json!({ "national_id": "1" })),
    )
    .await;
    let _ = call(
        "GET",
        "/dev/outbox",
        "/dev/outbox?national_id=100000000001".into(),
        None,
        None,
    )
    .await;
    let _ = call(
        "POST",
        "/auth/verify",
        "/auth/verify".into(),
        None,
        Some(json!({ "national_id": "100000000001", "code": "000000" })),
    )
    .await;
    let _ = call("GET", "/auth/session", "/auth/session".into(), None, None).await;
    demo.clock.advance(61);
    let cookie = demo.sign_in("100000000001").await;
    let c = || Some(cookie.clone());
    let _ = call("GET", "/auth/session", "/auth/session".into(), c(), None).await;
    for body in [json!({ "locale": "ar" }), json!({ "locale": "fr" })] {
        let _ = call(
            "PUT",
            "/auth/locale",
            "/auth/locale".into(),
            c(),
            Some(body),
        )
        .await;
    }
    let _ = call("GET", "/licence", "/licence".into(), c(), None).await;
    let _ = call("GET", "/licence/token", "/licence/token".into(), c(), None).await;
    let phone = rega_credential::sign::generate_key().expect("a key");
    let phone_key = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(phone.verifying_key().to_encoded_point(false).as_bytes())
    };
    for public_key in [phone_key.as_str(), "not a key"] {
        let _ = call(
            "POST",
            "/licence/credential",
            "/licence/credential".into(),
            c(),
            Some(json!({ "public_key": public_key, "label": "Chrome on Android" })),
        )
        .await;
    }
    let (_, devices) = call(
        "GET",
        "/licence/devices",
        "/licence/devices".into(),
        c(),
        None,
    )
    .await;
    let device = serde_json::from_str::<Value>(&devices).expect("JSON")[0]["id"]
        .as_i64()
        .expect("a phone");
    for id in [device, 999_999] {
        let _ = call(
            "POST",
            "/licence/devices/{id}/withdraw",
            format!("/licence/devices/{id}/withdraw"),
            c(),
            Some(json!({})),
        )
        .await;
    }
    let _ = call("GET", "/eligibility", "/eligibility".into(), c(), None).await;
    let _ = call("GET", "/eligibility", "/eligibility".into(), None, None).await;
    let slot = serde_json::from_str::<Value>(&slots).expect("JSON")["slots"][0]["slot_id"]
        .as_i64()
        .expect("a slot");
    let (status, booked) = call(
        "POST",
        "/appointments",
        "/appointments".into(),
        c(),
        Some(json!({ "slot_id": slot, "service": "theory_test" })),
    )
    .await;
    assert_eq!(status, 201);
    let _ = call(
        "POST",
        "/appointments",
        "/appointments".into(),
        c(),
        Some(json!({ "slot_id": slot, "service": "new_licence" })),
    )
    .await;
    let reference = serde_json::from_str::<Value>(&booked).expect("JSON")["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let _ = call("GET", "/appointments", "/appointments".into(), c(), None).await;
    let _ = call(
        "GET",
        "/appointments/{reference}",
        format!("/appointments/{reference}"),
        c(),
        None,
    )
    .await;
    let _ = call(
        "GET",
        "/appointments/{reference}",
        "/appointments/RG-0000".into(),
        c(),
        None,
    )
    .await;
    let _ = call(
        "GET",
        "/appointments/{reference}/calendar.ics",
        format!("/appointments/{reference}/calendar.ics"),
        c(),
        None,
    )
    .await;
    for path in [
        format!("/appointments/{reference}/ticket"),
        "/appointments/nope/ticket".to_owned(),
    ] {
        let _ = call("GET", "/appointments/{reference}/ticket", path, c(), None).await;
    }
    let _ = call(
        "POST",
        "/appointments/{reference}/reschedule",
        format!("/appointments/{reference}/reschedule"),
        c(),
        Some(json!({ "slot_id": slot + 1 })),
    )
    .await;
    // The waitlist: an earlier place of the booking (offered at once: places are free), and a
    // wait for another service, taken.
    let (_, earlier) = call(
        "POST",
        "/appointments/{reference}/earlier",
        format!("/appointments/{reference}/earlier"),
        c(),
        Some(json!({ "part": "any" })),
    )
    .await;
    let _ = call(
        "POST",
        "/appointments/{reference}/earlier",
        "/appointments/RG-0000/earlier".into(),
        c(),
        Some(json!({ "part": "night" })),
    )
    .await;
    let (status, waiting) = call(
        "POST",
        "/waitlist",
        "/waitlist".into(),
        c(),
        Some(
            json!({ "directorate": "erbil", "service": "medical_check", "from": "2026-12-01",
                     "to": "2026-12-01", "part": "morning" }),
        ),
    )
    .await;
    assert_eq!(status, 201, "{waiting}");
    let _ = call(
        "POST",
        "/waitlist",
        "/waitlist".into(),
        c(),
        Some(
            json!({ "directorate": "erbil", "service": "medical_check", "from": "2026-12-02",
                     "to": "2026-12-01", "part": "any" }),
        ),
    )
    .await;
    let _ = call("GET", "/waitlist", "/waitlist".into(), c(), None).await;
    let id_of = |text: &str| serde_json::from_str::<Value>(text).expect("JSON")["id"].as_i64();
    let waiting = id_of(&waiting).expect("an entry");
    let (status, _) = call(
        "POST",
        "/waitlist/{id}/accept",
        format!("/waitlist/{waiting}/accept"),
        c(),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 201);
    let _ = call(
        "POST",
        "/waitlist/{id}/accept",
        format!("/waitlist/{waiting}/accept?again"),
        c(),
        Some(json!({})),
    )
    .await;
    let earlier = id_of(&earlier).expect("an entry");
    let (status, _) = call(
        "POST",
        "/waitlist/{id}/decline",
        format!("/waitlist/{earlier}/decline"),
        c(),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let _ = call(
        "POST",
        "/waitlist/{id}/decline",
        format!("/waitlist/{earlier}/decline"),
        c(),
        None,
    )
    .await;
    let _ = call(
        "POST",
        "/waitlist/{id}/leave",
        format!("/waitlist/{earlier}/leave"),
        c(),
        None,
    )
    .await;
    let _ = call(
        "POST",
        "/appointments/{reference}/cancel",
        format!("/appointments/{reference}/cancel"),
        c(),
        Some(json!({})),
    )
    .await;
    let _ = call(
        "POST",
        "/auth/sign-out",
        "/auth/sign-out".into(),
        c(),
        Some(json!({})),
    )
    .await;
    let _ = call("GET", "/licence", "/licence".into(), c(), None).await;
    let (_, credential) =
        rega_server::routes::kiosk::enrol(demo.state.store.as_ref(), "erbil", "tour", THURSDAY_9AM)
            .await
            .expect("a kiosk");
    let kiosk = || Some(format!("Kiosk {credential}"));
    let soon = demo
        .state
        .store
        .citizen_by_national_id(&rega_api::ids::NationalId::parse("300000000001").expect("an ID"))
        .await
        .expect("store")
        .expect("a kiosk citizen");
    let reference = demo
        .state
        .store
        .appointments_of(soon.id)
        .await
        .expect("store")[0]
        .reference
        .to_string();
    let _ = call("GET", "/kiosk", "/kiosk".into(), kiosk(), None).await;
    let _ = call("GET", "/kiosk", "/kiosk".into(), None, None).await;
    let mut link = String::new();
    for body in [
        json!({ "reference": reference }),
        json!({ "reference": reference }),
        json!({ "reference": "RG-nope" }),
    ] {
        let (status, text) = call(
            "POST",
            "/kiosk/check-in",
            "/kiosk/check-in".into(),
            kiosk(),
            Some(body),
        )
        .await;
        if status == 200 {
            let ticket: Value = serde_json::from_str(&text).expect("JSON");
            link = ticket["link"].as_str().expect("a link").to_owned();
        }
    }
    for code in [link.as_str(), "2222-2222-2222-2222"] {
        let _ = call(
            "GET",
            "/tickets/{code}",
            format!("/tickets/{code}"),
            None,
            None,
        )
        .await;
    }
    let _ = call(
        "POST",
        "/kiosk/check-in",
        "/kiosk/check-in".into(),
        None,
        Some(json!({ "reference": reference })),
    )
    .await;
    let (_, registry) =
        rega_server::routes::registry::add_client(demo.state.store.as_ref(), "tour", THURSDAY_9AM)
            .await
            .expect("stored")
            .expect("a client");
    let registry = Some(format!("Registry {registry}"));
    let citizen = json!({
        "national_id": "180000000001", "version": 1, "name_latin": "Tour", "name_arabic": "تور",
        "birth_date": "1990-01-01", "phone": "+9647501112233", "status": "active"
    });
    for (who, body) in [
        (
            registry.clone(),
            json!({ "records": [citizen, { "national_id": "1" }] }),
        ),
        (registry.clone(), json!({ "records": [] })),
        (None, json!({ "records": [] })),
    ] {
        let _ = call(
            "POST",
            "/registry/records",
            "/registry/records".into(),
            who,
            Some(body),
        )
        .await;
    }
    for (who, query) in [
        (registry.clone(), "?after=0&limit=10"),
        (registry.clone(), "?limit=0"),
        (None, ""),
    ] {
        let _ = call(
            "GET",
            "/registry/outcomes",
            format!("/registry/outcomes{query}"),
            who,
            None,
        )
        .await;
    }
    let staff = demo.staff_cookie("erbil-desk").await;
    let desk = || Some(staff.clone());
    let _ = call(
        "POST",
        "/staff/sign-in",
        "/staff/sign-in".into(),
        None,
        Some(json!({ "username": "erbil-desk", "password": "wrong" })),
    )
    .await;
    let _ = call("GET", "/staff/me", "/staff/me".into(), desk(), None).await;
    for body in [
        json!({ "national_id": "100000000001" }),
        json!({ "national_id": "1" }),
    ] {
        let _ = call(
            "POST",
            "/staff/licence-devices",
            "/staff/licence-devices".into(),
            desk(),
            Some(body),
        )
        .await;
    }
    for body in [
        json!({ "national_id": "100000000001", "device": 999_999 }),
        json!({ "national_id": "1", "device": 1 }),
    ] {
        let _ = call(
            "POST",
            "/staff/licence-devices/withdraw",
            "/staff/licence-devices/withdraw".into(),
            desk(),
            Some(body),
        )
        .await;
    }
    let _ = call("GET", "/staff/me", "/staff/me".into(), None, None).await;
    let _ = call("GET", "/staff/day", "/staff/day".into(), desk(), None).await;
    let _ = call(
        "GET",
        "/staff/day",
        "/staff/day?date=2026-11-27".into(),
        desk(),
        None,
    )
    .await;
    let _ = call(
        "GET",
        "/staff/day",
        "/staff/day?date=nope".into(),
        desk(),
        None,
    )
    .await;
    for area in ["M", "M", "X"] {
        let _ = call(
            "POST",
            "/staff/call-next",
            "/staff/call-next".into(),
            desk(),
            Some(json!({ "area": area, "counter": "2" })),
        )
        .await;
    }
    let _ = call(
        "GET",
        "/board",
        "/board?directorate=erbil".into(),
        None,
        None,
    )
    .await;
    let _ = call(
        "GET",
        "/board",
        "/board?directorate=mosul".into(),
        None,
        None,
    )
    .await;
    // The stream itself never ends, so the tour asks for one that does not exist; the events
    // are read in staff/events.rs.
    let _ = call(
        "GET",
        "/events",
        "/events?directorate=nowhere".into(),
        None,
        None,
    )
    .await;
    for _ in 0..2 {
        let _ = call(
            "POST",
            "/staff/appointments/{reference}/recall",
            format!("/staff/appointments/{reference}/recall"),
            desk(),
            Some(json!({})),
        )
        .await;
    }
    // A walk-in's ticket, and what the desk does with it (bodies of different lengths: the
    // tour's key is made from the path's and the body's lengths).
    let (_, walk_in) = call(
        "POST",
        "/staff/walk-ins",
        "/staff/walk-ins".into(),
        desk(),
        Some(json!({ "service": "renewal", "priority": "elderly" })),
    )
    .await;
    let _ = call(
        "POST",
        "/staff/walk-ins",
        "/staff/walk-ins".into(),
        desk(),
        Some(json!({ "service": "renewal", "national_id": "12" })),
    )
    .await;
    let walk_in: Value = serde_json::from_str(&walk_in).expect("a walk-in's ticket");
    let label = walk_in["ticket"].as_str().expect("a label").to_owned();
    let on = |action: &str| format!("/staff/tickets/{label}/{action}");
    for (template, url, body) in [
        ("/staff/tickets/{ticket}/recall", on("recall"), json!({})),
        (
            "/staff/tickets/{ticket}/recall",
            "/staff/tickets/Z-1/recall".to_owned(),
            json!({ "a": 1 }),
        ),
        (
            "/staff/tickets/{ticket}/no-show",
            on("no-show"),
            json!({ "ab": 1 }),
        ),
        (
            "/staff/tickets/{ticket}/priority",
            on("priority"),
            json!({ "priority": null }),
        ),
        (
            "/staff/tickets/{ticket}/priority",
            on("priority"),
            json!({ "priority": "tired" }),
        ),
        (
            "/staff/tickets/{ticket}/transfer",
            on("transfer"),
            json!({ "area": "X" }),
        ),
        (
            "/staff/tickets/{ticket}/transfer",
            on("transfer"),
            json!({ "area": "M" }),
        ),
        (
            "/staff/tickets/{ticket}/served",
            "/staff/tickets/A-999/served".to_owned(),
            json!({ "abc": 1 }),
        ),
        (
            "/staff/tickets/{ticket}/served",
            on("served"),
            json!({ "abcd": 1 }),
        ),
        (
            "/staff/tickets/{ticket}/transfer",
            on("transfer"),
            json!({ "area": "T" }),
        ),
    ] {
        let _ = call("POST", template, url, desk(), Some(body)).await;
    }
    let attended = format!("/staff/appointments/{reference}/attended");
    let _ = call(
        "POST",
        "/staff/appointments/{reference}/attended",
        attended.clone(),
        desk(),
        Some(json!({})),
    )
    .await;
    let _ = call(
        "POST",
        "/staff/appointments/{reference}/attended",
        attended,
        desk(),
        Some(json!({})),
    )
    .await;
    let _ = call(
        "POST",
        "/staff/appointments/{reference}/no-show",
        "/staff/appointments/RG-2345-6789/no-show".into(),
        desk(),
        Some(json!({})),
    )
    .await;
    let theory = demo
        .state
        .store
        .citizen_by_national_id(&rega_api::ids::NationalId::parse("300000000005").expect("an ID"))
        .await
        .expect("store")
        .expect("a kiosk citizen");
    let theory = demo
        .state
        .store
        .appointments_of(theory.id)
        .await
        .expect("store")[0]
        .reference
        .to_string();
    for (at, body) in [
        (&theory, json!({ "result": "passed" })),
        (&theory, json!({ "result": "failed" })),
        (&reference, json!({ "result": "passed" })),
        (&theory, json!({ "result": 1 })),
    ] {
        let _ = call(
            "POST",
            "/staff/appointments/{reference}/test-result",
            format!("/staff/appointments/{at}/test-result"),
            desk(),
            Some(body),
        )
        .await;
    }
    let _ = call("GET", "/staff/kiosks", "/staff/kiosks".into(), desk(), None).await;
    let _ = call(
        "POST",
        "/staff/kiosks",
        "/staff/kiosks".into(),
        desk(),
        Some(json!({ "label": "Hall 1" })),
    )
    .await;
    let _ = call(
        "POST",
        "/staff/kiosks/{id}/revoke",
        "/staff/kiosks/1/revoke".into(),
        desk(),
        Some(json!({})),
    )
    .await;
    let boss = demo.staff_cookie("erbil-supervisor").await;
    let supervisor = || Some(boss.clone());
    let _ = call(
        "GET",
        "/staff/figures",
        "/staff/figures".into(),
        supervisor(),
        None,
    )
    .await;
    let _ = call(
        "GET",
        "/staff/figures",
        "/staff/figures".into(),
        desk(),
        None,
    )
    .await;
    let (_, enrolled) = call(
        "POST",
        "/staff/kiosks",
        "/staff/kiosks".into(),
        supervisor(),
        Some(json!({ "label": "Hall 1" })),
    )
    .await;
    let _ = call(
        "POST",
        "/staff/kiosks",
        "/staff/kiosks".into(),
        supervisor(),
        Some(json!({ "label": "" })),
    )
    .await;
    let _ = call(
        "GET",
        "/staff/kiosks",
        "/staff/kiosks".into(),
        supervisor(),
        None,
    )
    .await;
    for body in [
        json!({ "date": "2026-11-29", "service": "medical_check", "capacity": 3 }),
        json!({ "date": "2026-11-29", "service": "medical_check", "capacity": 99 }),
        json!({ "date": "nope", "service": "medical_check", "capacity": 3 }),
    ] {
        let _ = call(
            "POST",
            "/staff/capacity",
            "/staff/capacity".into(),
            supervisor(),
            Some(body),
        )
        .await;
    }
    let _ = call(
        "POST",
        "/staff/capacity",
        "/staff/capacity".into(),
        desk(),
        Some(json!({ "date": "2026-11-29", "service": "medical_check", "capacity": 3 })),
    )
    .await;
    for body in [
        json!({ "date": "2026-11-29", "time": "15:00", "service": "medical_check", "capacity": 2 }),
        json!({ "date": "2026-11-29", "time": "25:00", "service": "medical_check", "capacity": 2 }),
    ] {
        let _ = call(
            "POST",
            "/staff/slots",
            "/staff/slots".into(),
            supervisor(),
            Some(body),
        )
        .await;
    }
    for (who, body) in [
        (
            supervisor(),
            json!({ "date": "2026-11-30", "from": "10:00", "to": "12:00", "note": "burst pipe" }),
        ),
        (
            supervisor(),
            json!({ "date": "2026-11-30", "from": "12:00", "to": "10:00", "note": "backwards" }),
        ),
        (supervisor(), json!({ "date": "2026-11-30", "note": "" })),
        (
            desk(),
            json!({ "date": "2026-11-30", "note": "not a supervisor" }),
        ),
    ] {
        let _ = call(
            "POST",
            "/staff/closures",
            "/staff/closures".into(),
            who,
            Some(body),
        )
        .await;
    }
    for (who, query) in [
        (supervisor(), "date=2026-11-30&from=09:00&to=13:00"),
        (supervisor(), "date=2026-11-30&from=13:00"),
        (desk(), "date=2026-11-30"),
    ] {
        let _ = call(
            "GET",
            "/staff/closures/preview",
            format!("/staff/closures/preview?{query}"),
            who,
            None,
        )
        .await;
    }
    let (_, listed) = call(
        "GET",
        "/staff/closures",
        "/staff/closures".into(),
        desk(),
        None,
    )
    .await;
    let closure = serde_json::from_str::<Value>(&listed).expect("JSON")[0]["id"]
        .as_i64()
        .expect("a closure");
    for _ in 0..2 {
        let _ = call(
            "POST",
            "/staff/closures/{id}/lift",
            format!("/staff/closures/{closure}/lift"),
            supervisor(),
            Some(json!({})),
        )
        .await;
    }
    let id = serde_json::from_str::<Value>(&enrolled).expect("JSON")["id"]
        .as_i64()
        .expect("an id");
    let _ = call(
        "POST",
        "/staff/kiosks/{id}/revoke",
        format!("/staff/kiosks/{id}/revoke"),
        supervisor(),
        Some(json!({})),
    )
    .await;
    let _ = call(
        "POST",
        "/staff/kiosks/{id}/revoke",
        format!("/staff/kiosks/{id}/revoke"),
        supervisor(),
        Some(json!({})),
    )
    .await;
    // The administrator's area, and a password change.
    let admin_cookie = demo.staff_cookie("network-admin").await;
    let admin = || Some(admin_cookie.clone());
    let _ = call("GET", "/admin/staff", "/admin/staff".into(), admin(), None).await;
    let _ = call("GET", "/admin/staff", "/admin/staff".into(), desk(), None).await;
    let _ = call("GET", "/admin/staff", "/admin/staff".into(), None, None).await;
    let (_, created) = call(
        "POST",
        "/admin/staff",
        "/admin/staff".into(),
        admin(),
        Some(json!({ "username": "tour-desk", "role": "desk", "directorate": "erbil" })),
    )
    .await;
    for body in [
        json!({ "username": "Tour Desk", "role": "desk", "directorate": "erbil" }),
        json!({ "username": "tour-desk", "role": "desk", "directorate": "erbil" }),
        json!({ "username": "tour-admin", "role": "admin", "directorate": "erbil" }),
    ] {
        let _ = call(
            "POST",
            "/admin/staff",
            "/admin/staff".into(),
            admin(),
            Some(body),
        )
        .await;
    }
    let created: Value = serde_json::from_str(&created).expect("JSON");
    let id = created["account"]["id"].as_i64().expect("an id");
    for (id, body) in [
        (
            id,
            json!({ "role": "supervisor", "directorate": "erbil", "active": false }),
        ),
        (
            9999,
            json!({ "role": "desk", "directorate": "erbil", "active": true }),
        ),
        (id, json!({ "role": "desk", "active": true })),
    ] {
        let _ = call(
            "POST",
            "/admin/staff/{id}",
            format!("/admin/staff/{id}"),
            admin(),
            Some(body),
        )
        .await;
    }
    let _ = call(
        "POST",
        "/admin/staff/{id}",
        "/admin/staff/1".into(),
        admin(),
        Some(json!({ "role": "admin", "active": false, "more": 1 })),
    )
    .await;
    for id in [id, 9999] {
        let _ = call(
            "POST",
            "/admin/staff/{id}/reset-password",
            format!("/admin/staff/{id}/reset-password"),
            admin(),
            None,
        )
        .await;
    }
    let (_, in_force) = call(
        "GET",
        "/admin/configuration",
        "/admin/configuration".into(),
        admin(),
        None,
    )
    .await;
    let in_force: Value = serde_json::from_str(&in_force).expect("JSON");
    let document = in_force["document"]
        .as_str()
        .expect("a document")
        .to_owned();
    let version = in_force["version"].as_i64().expect("a version");
    for text in [document.clone(), "rules = 1".to_owned()] {
        let _ = call(
            "POST",
            "/admin/configuration/preview",
            "/admin/configuration/preview".into(),
            admin(),
            Some(json!({ "document": text })),
        )
        .await;
    }
    for body in [
        json!({ "document": document, "expected_version": version }),
        json!({ "document": "rules = 1", "expected_version": version }),
        json!({ "document": document.replacen("slot_minutes = 15", "slot_minutes = 20", 1), "expected_version": version - 1 }),
    ] {
        let _ = call(
            "POST",
            "/admin/configuration",
            "/admin/configuration".into(),
            admin(),
            Some(body),
        )
        .await;
    }
    let _ = call(
        "GET",
        "/admin/trust-list",
        "/admin/trust-list".into(),
        admin(),
        None,
    )
    .await;
    for query in [
        "?day=2026-11-26",
        "?day=2026-11-26&format=csv",
        "?day=nope",
        "?format=pdf",
    ] {
        let _ = call(
            "GET",
            "/staff/audit",
            format!("/staff/audit{query}"),
            admin(),
            None,
        )
        .await;
    }
    let (_, served) = call("GET", "/trust-list", "/trust-list".into(), None, None).await;
    for body in [served, "not.a.list".to_owned()] {
        let _ = call(
            "PUT",
            "/admin/trust-list",
            "/admin/trust-list".into(),
            admin(),
            Some(Value::String(body)),
        )
        .await;
    }
    for body in [
        json!({ "current_password": "not-the-password", "new_password": "a-long-new-password" }),
        json!({ "current_password": rega_server::demo::DEMO_STAFF_PASSWORD, "new_password": "short" }),
        json!({ "current_password": rega_server::demo::DEMO_STAFF_PASSWORD, "new_password": "a-long-new-password" }),
    ] {
        let _ = call(
            "POST",
            "/staff/password",
            "/staff/password".into(),
            desk(),
            Some(body),
        )
        .await;
    }
    let _ = call(
        "POST",
        "/staff/second-factor",
        "/staff/second-factor".into(),
        desk(),
        None,
    )
    .await;
    let _ = call(
        "POST",
        "/staff/second-factor/confirm",
        "/staff/second-factor/confirm".into(),
        desk(),
        Some(json!({ "code": "000000" })),
    )
    .await;
    let _ = call(
        "POST",
        "/staff/sign-out",
        "/staff/sign-out".into(),
        desk(),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        seen.len(),
        OPERATIONS.len(),
        "the tour covers every operation"
    );
}

#[test]
fn the_schema_check_rejects_bodies_that_do_not_match() {
    let description = serde_json::to_value(rega_server::routes::openapi()).expect("JSON");
    let good = r#"[{"service":"theory_test","slot_minutes":30}]"#;
    check(
        &description,
        "GET",
        "/services",
        200,
        "application/json",
        good,
    );
    for bad in [
        r#"[{"service":"driving_lesson","slot_minutes":30}]"#,
        r#"[{"service":"theory_test"}]"#,
        r#"{"service":"x"}"#,
    ] {
        let outcome = std::panic::catch_unwind(|| {
            check(
                &description,
                "GET",
                "/services",
                200,
                "application/json",
                bad,
            )
        });
        assert!(outcome.is_err(), "accepted: {bad}");
    }
    let undocumented_status = std::panic::catch_unwind(|| {
        check(
            &description,
            "GET",
            "/services",
            418,
            "application/json",
            good,
        )
    });
    assert!(undocumented_status.is_err());
}
