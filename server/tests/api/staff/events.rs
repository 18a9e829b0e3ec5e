//! `GET /events`: a directorate's changes reach its boards and desks as server-sent events
//! within a second, on the instance they are connected to as on any other (PostgreSQL's
//! `NOTIFY`), and a stream that dropped and reconnects with its last event id hears of what
//! changed meanwhile.

use std::time::Duration;

use crate::helpers::{
    Db, DemoApp, THURSDAY_9AM, expect_problem, fresh_postgres_database, postgres_store,
    postgres_url, spawn_demo, spawn_instance,
};

/// One server-sent event.
#[derive(Debug)]
struct Event {
    name: String,
    id: Option<String>,
}

/// Reads a `text/event-stream` answer event by event.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(demo: &DemoApp, directorate: &str, last_id: Option<&str>) -> Events {
        let mut request = demo
            .app
            .client
            .get(format!(
                "{}/api/v1/events?directorate={directorate}",
                demo.app.url
            ))
            .header("Accept", "text/event-stream");
        if let Some(id) = last_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.expect("answered");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().ok(),
            Some("text/event-stream")
        );
        assert_eq!(
            response.headers()["cache-control"].to_str().ok(),
            Some("no-store")
        );
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The next event within `wait`, if one comes.
    async fn next(&mut self, wait: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event {
                    name: "message".to_owned(),
                    id: None,
                };
                let mut fields = 0;
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event.name = name.trim().to_owned();
                        fields += 1;
                    } else if let Some(id) = line.strip_prefix("id:") {
                        event.id = Some(id.trim().to_owned());
                        fields += 1;
                    } else if line.starts_with("data:") {
                        fields += 1;
                    }
                }
                if fields == 0 {
                    continue; // a comment
                }
                return Some(event);
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .expect("the stream reads")?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next `change` event within a second (the bound).
    async fn change_within_a_second(&mut self) -> Event {
        let started = tokio::time::Instant::now();
        loop {
            let left = Duration::from_secs(1).saturating_sub(started.elapsed());
            let event = self
                .next(left)
                .await
                .expect("a change event within a second");
            if event.name == "change" {
                return event;
            }
        }
    }
}

async fn a_call_reaches_the_boards_within_a_second(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let mut erbil = Events::open(&demo, "erbil", None).await;
    let mut duhok = Events::open(&demo, "duhok", None).await;
    // A stream starts with a change, so a screen that opens it late reads what it shows again.
    let first = erbil.change_within_a_second().await;
    assert!(first.id.is_some(), "every change event has an id");
    duhok.change_within_a_second().await;

    // A check-in at Erbil's kiosk, then a call at its desk: each is heard at Erbil only.
    let (_, ticket) = demo.kiosk_check_in("300000000001").await;
    erbil.change_within_a_second().await;
    let desk = demo.staff_cookie("erbil-desk").await;
    let called = demo.call_next(&desk, "M", "3").await;
    assert_eq!(called["called"]["ticket"], ticket.as_str());
    let heard = erbil.change_within_a_second().await;
    let board = demo.board("erbil").await;
    assert_eq!(board["called"][0]["ticket"], ticket.as_str());
    assert!(
        heard.id.as_deref().and_then(|id| id.parse::<i64>().ok())
            >= first.id.as_deref().and_then(|id| id.parse::<i64>().ok()),
        "ids grow"
    );
    assert!(
        duhok.next(Duration::from_millis(300)).await.is_none(),
        "Duhok's screens hear nothing of Erbil's calls"
    );

    // An unknown directorate has no stream.
    expect_problem(
        demo.app.get("/api/v1/events?directorate=nowhere").await,
        404,
        "unknown_directorate",
    )
    .await;
}
both!(a_call_reaches_the_boards_within_a_second);

async fn a_stream_that_dropped_hears_what_changed_meanwhile(db: Db) {
    let Some(demo) = spawn_demo(db, THURSDAY_9AM).await else {
        return;
    };
    let mut stream = Events::open(&demo, "erbil", None).await;
    let last = stream.change_within_a_second().await.id.expect("an id");
    drop(stream);
    // While no one listens: a check-in.
    demo.kiosk_check_in("300000000001").await;
    // The browser reconnects with the id of the last event it had: told at once to read again.
    let mut again = Events::open(&demo, "erbil", Some(&last)).await;
    let resumed = again.change_within_a_second().await;
    assert!(
        resumed.id.as_deref().and_then(|id| id.parse::<i64>().ok()) > last.parse::<i64>().ok(),
        "a newer change than the last one heard"
    );
}
both!(a_stream_that_dropped_hears_what_changed_meanwhile);

/// Two instances on one PostgreSQL database: a board connected to one hears, within a second,
/// the call made at a desk on the other, and the check-in made at a kiosk of the other.
#[tokio::test]
async fn a_call_on_one_instance_reaches_a_board_on_another() {
    let Some(server) = postgres_url() else { return };
    let url = fresh_postgres_database(&server).await;
    let shared = tempfile::tempdir().expect("the keys directory both instances mount");
    let keys = shared.path().join("keys");
    let instance = || async {
        spawn_instance(
            postgres_store(&url).await,
            tempfile::tempdir().expect("dir"),
            THURSDAY_9AM,
            &keys,
            None,
        )
        .await
    };
    let (a, b) = (instance().await, instance().await);
    let mut board_on_b = Events::open(&b, "erbil", None).await;
    board_on_b.change_within_a_second().await;

    let (_, ticket) = a.kiosk_check_in("300000000001").await;
    board_on_b.change_within_a_second().await;
    let desk = a.staff_cookie("erbil-desk").await;
    a.call_next(&desk, "M", "3").await;
    board_on_b.change_within_a_second().await;
    let board = b.board("erbil").await;
    assert_eq!(board["called"][0]["ticket"], ticket.as_str());
}
