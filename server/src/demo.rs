//! Demo data (`rega serve --demo`): the SPEC's directorates, and citizens covering every licence
//! state, so a newcomer can sign in at once. Never used outside demo mode. It comes in as in
//! production: a configuration file through `rega config apply`'s path, and a registry file
//! through `rega registry import`'s.

use rega_api::ids::NationalId;
use rega_api::service::ServiceKind;
use rega_api::time::{Date, LocalDateTime};
use serde_json::json;

use crate::AppState;
use crate::domain::limits::ChangeLimit;
use crate::registry::wire;
use crate::store::{BookRequest, StoreError};

/// The demo network (directorates, services, hours, holidays, rules), applied by
/// `rega config apply`'s own path: `rega config export` prints it back.
pub const DEMO_CONFIGURATION: &str = include_str!("../data/demo-configuration.toml");

/// A configuration file with the demo's rules, services and holidays and the given
/// directorates, each with Erbil's names, hours and phone and only the given counters: the
/// small networks of the benchmarks and tests, applied as an operator would apply a file.
pub fn network_file(directorates: &[(&str, &[(ServiceKind, u32)])]) -> String {
    use crate::network::file::{DirectorateFile, parse, render};
    let Ok(mut file) = parse(DEMO_CONFIGURATION) else {
        return String::new();
    };
    let template = file.directorates[0].clone();
    file.directorates = directorates
        .iter()
        .map(|(id, counters)| DirectorateFile {
            id: (*id).into(),
            counters: counters
                .iter()
                .map(|(s, n)| (s.code().to_owned(), i64::from(*n)))
                .collect(),
            ..template.clone()
        })
        .collect();
    render(&file)
}

/// Applies [`network_file`] at `now` through `rega config apply`'s path.
pub async fn apply_network(
    store: &dyn crate::store::Store,
    directorates: &[(&str, &[(ServiceKind, u32)])],
    now: i64,
) -> Result<(), StoreError> {
    let text = network_file(directorates);
    let plan = crate::network::apply::plan(store, &text, now)
        .await?
        .map_err(|e| StoreError::Corrupt(format!("network: {e}")))?;
    crate::network::apply::apply(store, &plan, "test", now)
        .await?
        .map_err(|e| StoreError::Corrupt(format!("network: {e:?}")))?;
    Ok(())
}

/// One demo citizen: national ID, phone, what they show, birth date, theory test passed, and
/// the licence's names, categories, expiry (days from today) and suspension.
struct DemoCitizen {
    national_id: &'static str,
    shows: &'static str,
    birth_date: &'static str,
    theory_test_passed: bool,
    licence: Option<DemoLicence>,
}

struct DemoLicence {
    names: [&'static str; 4],
    number: &'static str,
    categories: &'static [&'static str],
    expires_in_days: i64,
    suspension: Option<&'static str>,
}

const CITIZENS: &[DemoCitizen] = &[
    DemoCitizen {
        national_id: "100000000001",
        shows: "valid licence (B)",
        birth_date: "1990-04-12",
        theory_test_passed: true,
        licence: Some(DemoLicence {
            names: ["Ahmed", "Karwan", "ئەحمەد", "کاروان"],
            number: "KR-ERB-0012345",
            categories: &["B"],
            expires_in_days: 1900,
            suspension: None,
        }),
    },
    DemoCitizen {
        national_id: "100000000002",
        shows: "licence expiring in 60 days (B, A): renewal open",
        birth_date: "1985-11-30",
        theory_test_passed: true,
        licence: Some(DemoLicence {
            names: ["Rashid", "Shilan", "ڕەشید", "شیلان"],
            number: "KR-SUL-0098765",
            categories: &["B", "A"],
            expires_in_days: 60,
            suspension: None,
        }),
    },
    DemoCitizen {
        national_id: "100000000003",
        shows: "expired licence (B, C1)",
        birth_date: "1972-07-03",
        theory_test_passed: true,
        licence: Some(DemoLicence {
            names: ["Mustafa", "Dilshad", "مستەفا", "دڵشاد"],
            number: "KR-DUH-0045678",
            categories: &["B", "C1"],
            expires_in_days: -200,
            suspension: None,
        }),
    },
    DemoCitizen {
        national_id: "100000000004",
        shows: "suspended licence: medical check only",
        birth_date: "1995-01-22",
        theory_test_passed: true,
        licence: Some(DemoLicence {
            names: ["Hassan", "Rebwar", "حەسەن", "ڕێبوار"],
            number: "KR-HAL-0033221",
            categories: &["B"],
            expires_in_days: 1300,
            suspension: Some("Suspended by the Erbil traffic court until the fine is paid."),
        }),
    },
    DemoCitizen {
        national_id: "100000000005",
        shows: "no licence, theory test passed: practical test open",
        birth_date: "2001-06-15",
        theory_test_passed: true,
        licence: None,
    },
    DemoCitizen {
        national_id: "100000000006",
        shows: "no licence, no tests yet: new licence and theory test open",
        birth_date: "2006-09-01",
        theory_test_passed: false,
        licence: None,
    },
    DemoCitizen {
        national_id: "100000000007",
        shows: "17 years old: only the medical check",
        birth_date: "2009-08-20",
        theory_test_passed: false,
        licence: None,
    },
];

/// A citizen as the registry sends them (`registry::wire::CitizenRecord`), at version 1: a theory
/// pass a month before `today` when `theory_passed`.
fn registry_record(
    national_id: &str,
    phone: &str,
    birth_date: &str,
    (name_latin, name_arabic): (&str, &str),
    (theory_passed, today): (bool, Date),
    licence: Option<wire::LicenceRecord>,
) -> wire::CitizenRecord {
    let theory = wire::TestRecord {
        test: "theory".into(),
        result: "passed".into(),
        date: today.add_days(-30).to_string(),
        valid_until: None,
    };
    wire::CitizenRecord {
        national_id: national_id.into(),
        version: 1,
        name_latin: name_latin.into(),
        name_arabic: name_arabic.into(),
        birth_date: birth_date.into(),
        phone: phone.into(),
        status: "active".into(),
        licence,
        tests: if theory_passed {
            vec![theory]
        } else {
            Vec::new()
        },
    }
}

fn licence_elements(
    l: &DemoLicence,
    birth_date: &str,
    issue: Date,
    expiry: Date,
) -> serde_json::Value {
    json!({
        "family_name": l.names[0],
        "given_name": l.names[1],
        "family_name_national_character": l.names[2],
        "given_name_national_character": l.names[3],
        "birth_date": birth_date,
        "issue_date": issue.to_string(),
        "expiry_date": expiry.to_string(),
        "issuing_country": "IQ",
        "issuing_authority": "KRG-GDT",
        "document_number": l.number,
        "un_distinguishing_sign": "IRQ",
        "driving_privileges": l.categories.iter().map(|c| json!({ "vehicle_category_code": c })).collect::<Vec<_>>(),
    })
}

/// Seeds the demo data into an empty database (a restart keeps what is there) and prints the
/// national IDs to try.
pub async fn seed(state: &AppState) -> Result<(), StoreError> {
    if state.store.directorates().await?.is_empty() {
        let now = state.clock.now();
        let plan = crate::network::apply::plan(state.store.as_ref(), DEMO_CONFIGURATION, now)
            .await?
            .map_err(|e| StoreError::Corrupt(format!("demo configuration: {e}")))?;
        crate::network::apply::apply(state.store.as_ref(), &plan, "demo", now)
            .await?
            .map_err(|e| StoreError::Corrupt(format!("demo configuration: {e:?}")))?;
        // The citizens come in as the registry's records, through the registry's own checks
        // and store path (`docs/registry.md`), as in production.
        let today = LocalDateTime::from_unix(state.clock.now()).date;
        let mut records = Vec::new();
        for c in CITIZENS {
            let licence = c.licence.as_ref().map(|l| {
                let expiry = today.add_days(l.expires_in_days);
                let issue = expiry.add_days(-3652);
                wire::LicenceRecord {
                    status: if l.suspension.is_some() {
                        "suspended"
                    } else {
                        "valid"
                    }
                    .into(),
                    suspension_reason: l.suspension.map(String::from),
                    elements: licence_elements(l, c.birth_date, issue, expiry),
                }
            });
            // Given name, then family name, in each script.
            let names = c.licence.as_ref().map_or(
                ("Demo Citizen".to_owned(), "هاووڵاتیی نموونە".to_owned()),
                |l| {
                    (
                        format!("{} {}", l.names[1], l.names[0]),
                        format!("{} {}", l.names[3], l.names[2]),
                    )
                },
            );
            records.push(registry_record(
                c.national_id,
                &format!("+96475000{}", &c.national_id[7..]),
                c.birth_date,
                (&names.0, &names.1),
                (c.theory_test_passed, today),
                licence,
            ));
        }
        for n in 1..=PRACTICE_CITIZENS {
            records.push(registry_record(
                &practice_id(n),
                &format!("+96475100{n:05}"),
                "1998-03-10",
                ("Practice Citizen", "هاووڵاتیی ڕاهێنان"),
                (n % 2 == 0, today),
                None,
            ));
        }
        for n in 1..=KIOSK_CITIZENS {
            records.push(registry_record(
                &kiosk_citizen_id(n),
                &format!("+96475200{n:05}"),
                "1993-09-21",
                ("Kiosk Citizen", "هاووڵاتیی کیۆسک"),
                (false, today),
                None,
            ));
        }
        // The demo's registry file, imported as `rega registry import` imports one.
        let mut file = Vec::new();
        for record in &records {
            let line = serde_json::to_string(record)
                .map_err(|e| StoreError::Corrupt(format!("demo record: {e}")))?;
            file.extend_from_slice(line.as_bytes());
            file.push(b'\n');
        }
        let mut refused = Vec::new();
        let summary = crate::registry::import::import(
            state.store.as_ref(),
            std::io::Cursor::new(file),
            &mut refused,
            state.clock.now(),
        )
        .await
        .map_err(|e| StoreError::Corrupt(format!("demo registry file: {e}")))?;
        if summary.refused > 0 {
            return Err(StoreError::Corrupt(format!(
                "demo registry file: {}",
                String::from_utf8_lossy(&refused)
            )));
        }
        for (username, role, directorate) in DEMO_STAFF {
            crate::auth::add_staff(
                state.store.as_ref(),
                username,
                DEMO_STAFF_PASSWORD,
                *role,
                *directorate,
                state.clock.now(),
            )
            .await?;
        }
        tracing::info!("demo data seeded");
    }
    // A database that holds another network (a benchmark's, an operator's rehearsal) gets no
    // demo appointments, kiosk or printout: they name Erbil and the demo's citizens.
    let directorates = state.store.directorates().await?;
    if !directorates.iter().any(|(d, _)| d.id == "erbil") {
        tracing::warn!(
            "demo: the database holds another network than the demo's; nothing of the demo's is added"
        );
        return Ok(());
    }
    let soon = appointment_soon(state, SOON_CITIZEN, ServiceKind::Replacement).await?;
    for n in 1..=KIOSK_CITIZENS {
        // Four medical checks fill one slot at Erbil; the others take the theory test.
        let service = if n <= 4 {
            ServiceKind::MedicalCheck
        } else {
            ServiceKind::TheoryTest
        };
        appointment_soon(state, &kiosk_citizen_id(n), service).await?;
    }
    println!(
        "Demo citizens (sign in with the national ID; the SMS code appears in the development outbox and the log):"
    );
    for c in CITIZENS {
        println!("  {}  {}", c.national_id, c.shows);
    }
    println!(
        "  {} … {}  adults without a licence (even numbers: theory test passed), to try things out",
        practice_id(1),
        practice_id(PRACTICE_CITIZENS)
    );
    if let Some((reference, starts_at)) = soon {
        let at = LocalDateTime::from_unix(starts_at);
        println!(
            "  {SOON_CITIZEN} has a replacement appointment at Erbil at {} today ({reference}): past the change cut-off, open for kiosk check-in",
            at.hh_mm()
        );
    }
    println!(
        "  {} … {}  an appointment at Erbil 30-45 minutes from now each: ready for kiosk check-in",
        kiosk_citizen_id(1),
        kiosk_citizen_id(KIOSK_CITIZENS)
    );
    println!(
        "Demo staff at /desk, the administrator at /admin (password {DEMO_STAFF_PASSWORD}): {}",
        DEMO_STAFF
            .iter()
            .map(|(u, r, _)| format!("{u} ({})", r.code()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // A kiosk for Erbil, enrolled afresh at each start (earlier ones stay valid until revoked).
    let (_, credential) = crate::routes::kiosk::enrol(
        state.store.as_ref(),
        "erbil",
        "Erbil demo kiosk",
        state.clock.now(),
    )
    .await?;
    println!("Demo kiosk for Erbil: open /kiosk and enter this kiosk code once: {credential}");
    Ok(())
}

/// Adults without a licence for trying things out (and for the browser tests, so that each
/// test signs in a citizen of its own): `2000000000NN`.
pub const PRACTICE_CITIZENS: u32 = 40;

/// The national ID of practice citizen `n` (1-based).
pub fn practice_id(n: u32) -> String {
    format!("2{n:011}")
}

/// The demo citizen who always has an appointment starting soon.
pub const SOON_CITIZEN: &str = "100000000001";

/// The demo's staff accounts: username, role, directorate.
pub const DEMO_STAFF: &[(&str, crate::store::StaffRole, Option<&str>)] = &[
    ("erbil-desk", crate::store::StaffRole::Desk, Some("erbil")),
    (
        "erbil-supervisor",
        crate::store::StaffRole::Supervisor,
        Some("erbil"),
    ),
    ("duhok-desk", crate::store::StaffRole::Desk, Some("duhok")),
    ("network-admin", crate::store::StaffRole::Admin, None),
];

/// The demo staff's password (demo mode only).
pub const DEMO_STAFF_PASSWORD: &str = "rega-demo-staff";

/// Adults who check in at the kiosk: each has an appointment at Erbil 30 to 45 minutes from now
/// (`3000000000NN`; 1-4 a medical check, 5-6 the theory test), for trying the kiosk and the
/// desk, and for the browser tests.
pub const KIOSK_CITIZENS: u32 = 6;

/// The national ID of kiosk citizen `n` (1-based).
pub fn kiosk_citizen_id(n: u32) -> String {
    format!("3{n:011}")
}

/// Gives a citizen an appointment for `service` at Erbil 30 to 45 minutes from now, unless they
/// have an active one: inside the change cut-off (so My appointments shows why it cannot be
/// changed) and inside the kiosk's check-in window. Directorates are closed at night and at
/// weekends; the demo ignores that for these slots, so the demo works at any hour.
async fn appointment_soon(
    state: &AppState,
    citizen: &str,
    service: ServiceKind,
) -> Result<Option<(String, i64)>, StoreError> {
    let national_id =
        NationalId::parse(citizen).map_err(|_| StoreError::Corrupt(citizen.into()))?;
    let Some(citizen) = state.store.citizen_by_national_id(&national_id).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let active = state
        .store
        .appointments_of(citizen.id)
        .await?
        .into_iter()
        .find(|a| a.status.is_active() && a.starts_at > now);
    if let Some(a) = active {
        return Ok(Some((a.reference.to_string(), a.starts_at)));
    }
    let quarter = 15 * 60;
    let starts_at = (now / quarter + 1) * quarter + 2 * quarter;
    state
        .store
        .ensure_slots("erbil", service, &[starts_at])
        .await?;
    let Some(slot) = state
        .store
        .slots_between("erbil", service, starts_at, starts_at + 1)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let booked = state
        .store
        .book(&BookRequest {
            citizen_id: citizen.id,
            slot_id: slot.id,
            service,
            now,
            offers: Default::default(),
            limit: ChangeLimit {
                max: u32::MAX,
                since: now,
            },
        })
        .await;
    match booked {
        Ok(a) => Ok(Some((a.reference.to_string(), a.starts_at))),
        // The demo citizen already has a replacement, or the slot is full: nothing to add.
        Err(crate::store::BookError::Store(e)) => Err(e),
        Err(_) => Ok(None),
    }
}
