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

/// Reads `input` to its end, applying its records to `store` as of `now`; each refused line is
/// written to `report` as `line N: <field>: <why>`.
pub async fn import(
    store: &dyn Store,
    input: impl BufRead,
    report: &mut impl Write,
    now: i64,
) -> Result<Summary, ImportError> {
    let today = LocalDateTime::from_unix(now).date;
    let mut summary = Summary::default();
    let mut batch: Vec<(u64, RegistryCitizen)> = Vec::with_capacity(BATCH);
    let mut lines = Lines::new(input);
    while let Some(line) = lines.next_line()? {
        summary.lines += 1;
        let number = summary.lines;
        let text = match line {
            Line::TooLong => {
                refuse(report, &mut summary, number, "-", "line longer than 64 KiB")?;
                continue;
            }
            Line::NotUtf8 => {
                refuse(report, &mut summary, number, "-", "not UTF-8")?;
                continue;
            }
            Line::Text(text) => text,
        };
        if text.trim().is_empty() {
            continue;
        }
        match parse(&text, today) {
            Ok(record) => batch.push((number, record)),
            Err((field, why)) => refuse(report, &mut summary, number, &field, &why)?,
        }
        if batch.len() == BATCH {
            apply(store, &mut batch, report, &mut summary, now).await?;
        }
    }
    apply(store, &mut batch, report, &mut summary, now).await?;
    Ok(summary)
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
