//! `rega registry import FILE` as an operator runs it, on SQLite and PostgreSQL: the valid
//! records applied, every refused line named with its field, nothing of a refused record
//! stored, and a rerun changing nothing.

use std::io::Write;
use std::process::Command;

use rega_api::ids::NationalId;
use serde_json::json;

use crate::helpers::{Db, fresh_postgres_database, postgres_store, postgres_url, sqlite_store};

fn record(n: u64, version: i64) -> serde_json::Value {
    json!({
        "national_id": format!("{:012}", 196_000_000_000u64 + n),
        "version": version,
        "name_latin": "Karwan Aziz",
        "name_arabic": "کاروان عەزیز",
        "birth_date": "1988-02-03",
        "phone": format!("+96475{n:08}"),
        "status": "active",
        "licence": {
            "status": "valid",
            "elements": {
                "document_number": format!("KR-8{n:05}"),
                "issue_date": "2020-01-01",
                "expiry_date": "2030-01-01"
            }
        },
        "tests": [{ "test": "theory", "result": "passed", "date": "2019-06-01" }]
    })
}

async fn import_reports_each_refused_line_and_is_idempotent(db: Db) {
    let data = tempfile::tempdir().expect("a temporary directory");
    let database_url = match db {
        Db::Sqlite => None,
        Db::Postgres => {
            let Some(server) = postgres_url() else {
                return;
            };
            Some(fresh_postgres_database(&server).await)
        }
    };
    let file = data.path().join("registry.ndjson");
    {
        let mut out = std::fs::File::create(&file).expect("a file");
        for n in 1..=3 {
            writeln!(out, "{}", record(n, 1)).expect("written");
        }
        writeln!(out).expect("a blank line");
        writeln!(out, "{{not json").expect("written");
        let mut bad_phone = record(4, 1);
        bad_phone["phone"] = json!("0750");
        writeln!(out, "{bad_phone}").expect("written");
        // The licence number of citizen 1 under another citizen.
        let mut taken = record(5, 1);
        taken["licence"]["elements"]["document_number"] = json!("KR-800001");
        writeln!(out, "{taken}").expect("written");
        writeln!(out, "{}", "x".repeat(70_000)).expect("a long line");
        writeln!(out, "{}", record(2, 2)).expect("a newer version");
    }
    let run = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rega"));
        command
            .args(["registry", "import"])
            .arg(&file)
            .arg("--data-dir")
            .arg(data.path())
            .env_remove("DATABASE_URL");
        if let Some(url) = &database_url {
            command.env("DATABASE_URL", url);
        }
        command.output().expect("rega runs")
    };
    let first = run();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        !first.status.success(),
        "{db:?}: refused lines fail the run"
    );
    for expected in [
        "line 5: -: not a record",
        "line 6: phone: must be E.164",
        "line 7: licence.elements.document_number: the licence number belongs to another citizen",
        "line 8: -: line longer than 64 KiB",
        // Citizen 2 twice in one batch: the newer version is applied, the older one unchanged.
        "9 lines: 3 created, 0 updated, 1 unchanged, 4 refused",
    ] {
        assert!(
            stdout.contains(expected),
            "{db:?}: no `{expected}` in:\n{stdout}"
        );
    }
    let again = run();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("9 lines: 0 created, 0 updated, 4 unchanged, 4 refused"),
        "{db:?}: a rerun changes nothing:\n{stdout}"
    );
    let store = match &database_url {
        None => sqlite_store(data.path()).await,
        Some(url) => postgres_store(url).await,
    };
    let id = |n: u64| NationalId::parse(&format!("{:012}", 196_000_000_000u64 + n)).expect("an id");
    let citizen = store
        .citizen_by_national_id(&id(2))
        .await
        .expect("read")
        .expect("imported");
    assert!(citizen.active, "{db:?}");
    assert!(
        rega_server::domain::eligibility::theory_passed(
            &store.test_results_of(citizen.id).await.expect("read"),
            rega_api::time::Date::parse("2026-11-26").expect("a date")
        ),
        "{db:?}"
    );
    for refused in [4, 5] {
        assert!(
            store
                .citizen_by_national_id(&id(refused))
                .await
                .expect("read")
                .is_none(),
            "{db:?}: nothing of a refused record is stored"
        );
    }
}

both!(import_reports_each_refused_line_and_is_idempotent);
