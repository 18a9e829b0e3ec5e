//! `rega registry import FILE`: the registry's records as NDJSON (one `wire::CitizenRecord` per
//! line), streamed with bounded memory — a line at a time, the valid records applied in
//! batches of one transaction each — for the first day and for catch-ups. Every refused line is
//! reported with its number, the field and why; rerunning the same file changes nothing (each
//! record's version is already held).

use std::io::{BufRead, Write};

use rega_api::time::{Date, LocalDateTime};

use crate::domain::registry::check;
use crate::registry::wire;
use crate::store::{RegistryCitizen, RegistryOutcome, Store, StoreError};

/// Records applied per transaction.
pub const BATCH: usize = 1000;
/// The longest line read; a longer one is refused without being held in memory.
pub const LINE_BYTES: usize = 64 * 1024;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Lines read (blank lines included).
    pub lines: u64,
    /// New citizens.
    pub created: u64,
    /// Citizens whose record a newer version replaced.
    pub updated: u64,
    /// Records whose version Rega held already.
    pub unchanged: u64,
    /// Lines refused (reported one by one).
    pub refused: u64,
}

/// A stretch of the file, read and checked: its valid records (at most [`BATCH`]) and its
/// refused lines, in line order.
#[derive(Default)]
struct Chunk {
    lines: u64,
    records: Vec<(u64, RegistryCitizen)>,
    refused: Vec<(u64, String, String)>,
}

/// Reads `input` to its end, applying its records to `store` as of `now`; each refused line is
/// written to `report` as `line N: <field>: <why>`. Reading and checking run on a thread of their
/// own, a chunk ahead of the database (two chunks at most in flight: memory stays bounded), so
/// parsing the next records overlaps writing the last ones.
pub async fn import(
    store: &dyn Store,
    input: impl BufRead + Send + 'static,
    report: &mut impl Write,
    now: i64,
) -> Result<Summary, ImportError> {
    let today = LocalDateTime::from_unix(now).date;
    let (chunks, mut received) = tokio::sync::mpsc::channel::<Chunk>(1);
    let reader = std::thread::spawn(move || read_chunks(input, today, &chunks));
    let mut summary = Summary::default();
    while let Some(mut chunk) = received.recv().await {
        summary.lines += chunk.lines;
        for (number, field, why) in &chunk.refused {
            refuse(report, &mut summary, *number, field, why)?;
        }
        apply(store, &mut chunk.records, report, &mut summary, now).await?;
    }
    reader
        .join()
        .map_err(|_| std::io::Error::other("the file's reader stopped"))??;
    Ok(summary)
}

/// Reads and checks `input`, sending a chunk whenever it holds [`BATCH`] records or refusals.
fn read_chunks(
    input: impl BufRead,
    today: Date,
    chunks: &tokio::sync::mpsc::Sender<Chunk>,
) -> std::io::Result<()> {
    let mut lines = Lines::new(input);
    let mut chunk = Chunk::default();
    let mut number = 0;
    let send = |chunk: Chunk| {
        // The importer stopped (a database error): nothing more to read.
        chunks.blocking_send(chunk).is_ok()
    };
    while let Some(line) = lines.next_line()? {
        number += 1;
        chunk.lines += 1;
        let refusal = |field: &str, why: &str| (number, field.to_owned(), why.to_owned());
        match line {
            Line::TooLong => chunk.refused.push(refusal("-", "line longer than 64 KiB")),
            Line::NotUtf8 => chunk.refused.push(refusal("-", "not UTF-8")),
            Line::Text(text) if text.trim().is_empty() => {}
            Line::Text(text) => match parse(&text, today) {
                Ok(record) => chunk.records.push((number, record)),
                Err((field, why)) => chunk.refused.push((number, field, why)),
            },
        }
        if (chunk.records.len() == BATCH || chunk.refused.len() == BATCH)
            && !send(std::mem::take(&mut chunk))
        {
            return Ok(());
        }
    }
    send(chunk);
    Ok(())
}

/// One line's record, checked: the record, or (field, why).
fn parse(text: &str, today: Date) -> Result<RegistryCitizen, (String, String)> {
    let record: wire::CitizenRecord =
        serde_json::from_str(text).map_err(|e| ("-".to_owned(), format!("not a record: {e}")))?;
    check(&record, today).map_err(|e| (e.field, e.message.to_owned()))
}

async fn apply(
    store: &dyn Store,
    batch: &mut Vec<(u64, RegistryCitizen)>,
    report: &mut impl Write,
    summary: &mut Summary,
    now: i64,
) -> Result<(), ImportError> {
    if batch.is_empty() {
        return Ok(());
    }
    let records: Vec<RegistryCitizen> = batch.iter().map(|(_, r)| r.clone()).collect();
    let outcomes = store.apply_registry(&records, now).await?;
    for ((number, _), outcome) in batch.iter().zip(outcomes) {
        match outcome {
            RegistryOutcome::Created => summary.created += 1,
            RegistryOutcome::Updated { .. } => summary.updated += 1,
            RegistryOutcome::Unchanged => summary.unchanged += 1,
            RegistryOutcome::LicenceTaken => refuse(
                report,
                summary,
                *number,
                "licence.elements.document_number",
                "the licence number belongs to another citizen",
            )?,
        }
    }
    batch.clear();
    Ok(())
}

fn refuse(
    report: &mut impl Write,
    summary: &mut Summary,
    number: u64,
    field: &str,
    why: &str,
) -> Result<(), ImportError> {
    summary.refused += 1;
    writeln!(report, "line {number}: {field}: {why}")?;
    Ok(())
}

/// Why an import stopped (what it applied before stays applied: rerun it to go on).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading the file or writing the report failed.
    #[error("cannot read the file or write the report: {0}")]
    Io(#[from] std::io::Error),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

enum Line {
    Text(String),
    TooLong,
    NotUtf8,
}

/// Lines of at most [`LINE_BYTES`], never holding more of a longer one.
struct Lines<R> {
    input: R,
    buffer: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn new(input: R) -> Lines<R> {
        Lines {
            input,
            buffer: Vec::with_capacity(4096),
        }
    }

    fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        self.buffer.clear();
        let read = std::io::Read::take(self.input.by_ref(), LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        if self.buffer.last() != Some(&b'\n') && self.buffer.len() > LINE_BYTES {
            // Skip the rest of the line without keeping it.
            loop {
                let chunk = self.input.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                match chunk.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        self.input.consume(end + 1);
                        break;
                    }
                    None => {
                        let all = chunk.len();
                        self.input.consume(all);
                    }
                }
            }
            return Ok(Some(Line::TooLong));
        }
        Ok(Some(
            match String::from_utf8(std::mem::take(&mut self.buffer)) {
                Ok(text) => Line::Text(text),
                Err(_) => Line::NotUtf8,
            },
        ))
    }
}
