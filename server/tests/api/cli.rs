//! The `rega` command: its help, and one clear line for each start-up failure.

use std::process::Command;

fn rega() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rega"))
}

#[test]
fn help_explains_every_flag_and_its_environment_variable() {
    let out = rega()
        .args(["serve", "--help"])
        .output()
        .expect("rega runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for (flag, env) in [
        ("--demo", "REGA_DEMO"),
        ("--port", "REGA_PORT"),
        ("--data-dir", "REGA_DATA_DIR"),
        ("--database-url", "DATABASE_URL"),
        ("--dist-dir", "REGA_DIST_DIR"),
    ] {
        assert!(
            help.contains(flag) && help.contains(env),
            "{flag} / {env} missing from:\n{help}"
        );
    }
}

#[test]
fn a_busy_port_is_one_line_that_names_the_fix() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = holder.local_addr().expect("address").port().to_string();
    let data = tempfile::tempdir().expect("a temporary directory");
    let out = rega()
        .args(["serve", "--port", &port, "--data-dir"])
        .arg(data.path())
        .env_remove("DATABASE_URL")
        .output()
        .expect("rega runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("rega: error:"))
        .collect();
    assert_eq!(error_lines.len(), 1, "{stderr}");
    assert!(
        error_lines[0].contains(&port) && error_lines[0].contains("--port"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn a_data_dir_that_cannot_be_created_is_one_line_that_names_the_fix() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let file = data.path().join("not-a-directory");
    std::fs::write(&file, b"x").expect("a file");
    let out = rega()
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(file.join("data"))
        .env_remove("DATABASE_URL")
        .output()
        .expect("rega runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rega: error: cannot create data directory"),
        "{stderr}"
    );
    assert!(stderr.contains("--data-dir"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_database_url_is_refused_clearly() {
    let out = rega()
        .args(["serve", "--port", "0", "--database-url", "mysql://nope"])
        .output()
        .expect("rega runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rega: error:") && stderr.contains("postgres"),
        "{stderr}"
    );
}

#[test]
fn a_shifted_clock_is_refused_outside_demo_mode() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let out = rega()
        .args([
            "serve",
            "--port",
            "0",
            "--clock-offset-minutes",
            "1440",
            "--data-dir",
        ])
        .arg(data.path())
        .env_remove("DATABASE_URL")
        .env_remove("REGA_DEMO")
        .output()
        .expect("rega runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rega: error: --clock-offset-minutes is for demo mode only"),
        "{stderr}"
    );
}

#[test]
fn sigterm_stops_the_server_gracefully_with_success() {
    use std::io::{BufRead as _, BufReader};
    let data = tempfile::tempdir().expect("a temporary directory");
    let mut child = rega()
        .args(["serve", "--demo", "--port", "0", "--data-dir"])
        .arg(data.path())
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rega starts");
    // It prints its URL once it is listening (the demo prints what to try before).
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    while !line.starts_with("Rega is running") {
        line.clear();
        assert!(
            out.read_line(&mut line).expect("a line") > 0,
            "it printed its URL"
        );
    }
    assert!(
        line.starts_with("Rega is running at http://127.0.0.1:"),
        "{line}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("rega exits");
    assert!(out.status.success(), "exit status {:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stderr).contains("rega stopped"));
}
