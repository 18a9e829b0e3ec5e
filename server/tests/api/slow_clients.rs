//! Slow and greedy clients (SPEC §6): a client whose request headers never finish is
//! disconnected after the header timeout, and a body sent a byte a second is refused once the
//! body timeout passes — neither holds the server's resources for long.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{Db, THURSDAY_9AM, spawn_demo, sqlite_store};

#[tokio::test]
async fn a_client_whose_headers_never_finish_is_disconnected() {
    let data = tempfile::tempdir().expect("a temporary directory");
    let state =
        rega_server::AppState::new(sqlite_store(data.path()).await, "no-dist".into(), false);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let limits = rega_server::http::serve::Limits {
        headers: Duration::from_secs(1),
        ..Default::default()
    };
    tokio::spawn(rega_server::http::serve::serve(
        listener,
        rega_server::app(state),
        std::future::pending(),
        limits,
    ));
    // A well-behaved request on the same server is answered.
    let ok = reqwest::get(format!("http://{address}/healthz"))
        .await
        .expect("answered");
    assert_eq!(ok.status(), 200);

    let mut slow = TcpStream::connect(address).await.expect("connects");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: rega\r\n")
        .await
        .expect("written");
    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(6) {
        // One more header line every 200 ms, never the blank line that ends them.
        if slow.write_all(b"X-Slow: 1\r\n").await.is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(200), slow.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => {
                // An answer (408) before closing is as good.
                closed = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "the connection was still open after 6 s");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "closed after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_sent_a_byte_a_second_is_refused() {
    let db = Db::Sqlite;
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let address = demo.app.url.trim_start_matches("http://").to_owned();
    let mut slow = TcpStream::connect(&address).await.expect("connects");
    slow.write_all(
        format!(
            "POST /api/v1/staff/sign-in HTTP/1.1\r\nHost: {address}\r\n\
             Content-Type: application/json\r\nContent-Length: 400\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .expect("written");
    let started = Instant::now();
    let mut answer = Vec::new();
    while started.elapsed() < Duration::from_secs(40) {
        if slow.write_all(b" ").await.is_err() {
            break;
        }
        let mut buffer = [0u8; 1024];
        match tokio::time::timeout(Duration::from_secs(1), slow.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buffer[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Err(_) => {}
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 400"),
        "{db:?}: after {:?}: {answer}",
        started.elapsed()
    );
    assert!(
        answer.contains("application/problem+json"),
        "{db:?}: {answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(30), "{db:?}");
}
