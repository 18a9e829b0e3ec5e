//! The registry's first day, measured (`cargo xtask bench`): `rega registry import` of one
//! million citizens with licences and a test result, into SQLite and (when
//! `REGA_BENCH_DATABASE_URL` names a server) PostgreSQL — records per second and the peak memory
//! of the import. A measurement, not a test. `--records N` changes the count.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

/// Writes `n` records to `path`.
fn write_file(path: &std::path::Path, n: u64) {
    let file = std::fs::File::create(path).expect("a file");
    let mut out = std::io::BufWriter::new(file);
    for i in 0..n {
        let record = json!({
            "national_id": format!("{:012}", 400_000_000_000u64 + i),
            "version": 1,
            "name_latin": "Karwan Aziz Mohammed",
            "name_arabic": "کاروان عەزیز محەمەد",
            "birth_date": "1988-02-03",
            "phone": format!("+9647{:09}", i),
            "status": "active",
            "licence": {
                "status": "valid",
                "elements": {
                    "family_name": "Mohammed", "given_name": "Karwan Aziz",
                    "family_name_national_character": "محەمەد",
                    "given_name_national_character": "کاروان عەزیز",
                    "birth_date": "1988-02-03", "issue_date": "2020-01-01",
                    "expiry_date": "2030-01-01", "issuing_country": "IQ",
                    "issuing_authority": "KRG-GDT", "document_number": format!("KR-{i:08}"),
                    "un_distinguishing_sign": "IRQ",
                    "driving_privileges": [{ "vehicle_category_code": "B" }]
                }
            },
            "tests": [{ "test": "theory", "result": "passed", "date": "2019-06-01" }]
        });
        writeln!(out, "{record}").expect("written");
    }
    out.flush().expect("flushed");
}

/// Runs the import; (seconds, peak RSS in MiB, sampled from /proc while it runs).
fn import(
    file: &std::path::Path,
    data_dir: &std::path::Path,
    database_url: Option<&str>,
) -> (f64, f64) {
    let mut command = Command::new(common::root().join("target/release/rega"));
    command
        .args(["registry", "import"])
        .arg(file)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    let started = Instant::now();
    let mut child = command.spawn().expect("target/release/rega starts");
    let mut peak_kib = 0u64;
    loop {
        let kib = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            });
        peak_kib = peak_kib.max(kib.unwrap_or(0));
        if let Some(status) = child.try_wait().expect("the import runs") {
            assert!(status.success(), "the import failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (started.elapsed().as_secs_f64(), peak_kib as f64 / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let records: u64 = args
        .iter()
        .position(|a| a == "--records")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("registry.ndjson");
    write_file(&file, records);
    let mut runs = vec![("sqlite", None)];
    let postgres = std::env::var("REGA_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .map(|url| {
            tokio::runtime::Runtime::new()
                .expect("a runtime")
                .block_on(common::fresh_postgres_database(&url, "rega_import"))
        });
    if let Some(url) = &postgres {
        runs.push(("postgres", Some(url.as_str())));
    }
    for (engine, url) in runs {
        let data = dir.path().join(engine);
        let (seconds, peak) = import(&file, &data, url);
        println!(
            "{}",
            json!({
                "bench": format!("registry_import_{engine}"),
                "records": records,
                "seconds": seconds,
                "records_per_s": records as f64 / seconds,
                "peak_rss_mib": peak,
                "command": format!("cargo bench -p rega-server --bench import -- --records {records}"),
            })
        );
    }
}
