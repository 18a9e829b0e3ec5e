//! The audit trail's hash chain (`docs/security.md`): each record's hash covers its place in the
//! chain, its fields and the hash of the record before it, so a record changed, inserted or
//! removed breaks the chain where it happened. Checking is done here, record by record, so that
//! `rega audit verify` reads the trail in pages of any size.

use sha2::{Digest, Sha256};

use crate::store::AuditRecord;

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The action of the record a purge leaves in the chain: it names the checkpoint.
pub const PURGED: &str = "audit.purged";

/// A record with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedRecord {
    /// Its place: 1, 2, … with no gaps.
    pub seq: i64,
    /// SHA-256 (hex) over the record before's hash and this record.
    pub hash: String,
    /// The record.
    pub record: AuditRecord,
}

/// The chain's head and where purging last cut it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    /// The newest record's place (0: none yet).
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// The last record purged (0: none).
    pub checkpoint_seq: i64,
    /// Its hash, which the first kept record chains from.
    pub checkpoint_hash: String,
    /// Records outside the chain written after it began: inserted by hand.
    pub unchained: i64,
    /// Records from before the chain began (not covered).
    pub legacy: i64,
}

/// The hash of the record at `seq` after the record whose hash is `prev`. The fields are
/// length-prefixed so that no two records share an encoding.
pub fn link_hash(prev: &str, seq: i64, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"rega-audit-v1\n");
    hasher.update(prev.as_bytes());
    hasher.update(seq.to_be_bytes());
    hasher.update(record.at.to_be_bytes());
    for field in [
        &record.actor,
        &record.action,
        &record.object,
        &record.result,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a purge checkpoint's signature covers: the last record purged (its place and hash)
/// and when.
pub fn checkpoint_message(seq: i64, hash: &str, at: i64) -> Vec<u8> {
    format!("rega-audit-checkpoint\n{seq}\n{hash}\n{at}").into_bytes()
}

/// A checkpoint's signature: the signing key's kid (hex) and the ES256 signature (base64url).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointSignature {
    /// The kid of the DL1 signing key that signed it (hex).
    pub kid: String,
    /// The signature.
    pub signature: String,
}

/// The result text of the record a purge leaves: the checkpoint it made, signed when the
/// server had a signing key in force.
pub fn purge_result(
    checkpoint_seq: i64,
    checkpoint_hash: &str,
    signed: Option<&CheckpointSignature>,
) -> String {
    let base = format!("ok:checkpoint={checkpoint_seq}:{checkpoint_hash}");
    match signed {
        Some(s) => format!("{base}:signed={}.{}", s.kid, s.signature),
        None => base,
    }
}

/// The checkpoint a purge record names, and its signature if it has one.
pub fn parse_purge(result: &str) -> Option<(i64, String, Option<CheckpointSignature>)> {
    let rest = result.strip_prefix("ok:checkpoint=")?;
    let mut parts = rest.splitn(3, ':');
    let seq = parts.next()?.parse().ok()?;
    let hash = parts.next()?.to_owned();
    let signed = match parts.next() {
        None => None,
        Some(text) => {
            let (kid, signature) = text.strip_prefix("signed=")?.split_once('.')?;
            Some(CheckpointSignature {
                kid: kid.to_owned(),
                signature: signature.to_owned(),
            })
        }
    };
    Some((seq, hash, signed))
}

/// The purge record that names the checkpoint in force: when it was written, and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// The checkpoint's place.
    pub seq: i64,
    /// The checkpoint's hash.
    pub hash: String,
    /// When the purge was recorded.
    pub at: i64,
    /// Its signature, if the server had a signing key in force.
    pub signed: Option<CheckpointSignature>,
}

/// What is wrong with the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The record at `seq` does not hash to what the chain says: it, or the one before it, was
    /// changed.
    Changed {
        /// Its place.
        seq: i64,
    },
    /// Records `from..=to` are missing.
    Removed {
        /// First missing place.
        from: i64,
        /// Last missing place.
        to: i64,
    },
    /// The newest records are missing, or the head was moved: the chain ends at `last`, the head
    /// says `head`.
    HeadMismatch {
        /// The last record found.
        last: i64,
        /// The head's place.
        head: i64,
    },
    /// Records written outside the chain after it began (inserted by hand).
    Unchained {
        /// How many.
        count: i64,
    },
    /// The purge checkpoint is not the one a purge record in the chain names: records were
    /// removed and the checkpoint moved to hide it.
    CheckpointNotAttested {
        /// The checkpoint's place.
        seq: i64,
    },
    /// The purge record's signature does not verify with the key the trust list names.
    CheckpointSignatureBad {
        /// The checkpoint's place.
        seq: i64,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Changed { seq } => write!(
                f,
                "record {seq} does not match the chain: it or the record before it was changed"
            ),
            Finding::Removed { from, to } if from == to => write!(f, "record {from} was removed"),
            Finding::Removed { from, to } => write!(f, "records {from} to {to} were removed"),
            Finding::HeadMismatch { last, head } => write!(
                f,
                "the chain ends at record {last} but its head says {head}: the newest records were removed or the head was changed"
            ),
            Finding::Unchained { count } => write!(
                f,
                "{count} record(s) were written outside the chain (inserted by hand)"
            ),
            Finding::CheckpointNotAttested { seq } => write!(
                f,
                "the purge checkpoint at record {seq} is not named by any purge record: records were removed and the checkpoint moved"
            ),
            Finding::CheckpointSignatureBad { seq } => write!(
                f,
                "the purge checkpoint at record {seq} carries a signature that does not verify with the trust list's key"
            ),
        }
    }
}

/// Checks a trail record by record, in chain order.
#[derive(Debug)]
pub struct ChainCheck {
    checkpoint: (i64, String),
    expected: i64,
    prev: String,
    attested: bool,
    /// The purge record naming the checkpoint in force, once seen.
    pub attestation: Option<Attestation>,
    /// What is wrong so far.
    pub findings: Vec<Finding>,
    /// Records checked.
    pub checked: u64,
}

impl ChainCheck {
    /// A check that starts after the purge checkpoint of `head`.
    pub fn new(head: &AuditHead) -> ChainCheck {
        ChainCheck {
            checkpoint: (head.checkpoint_seq, head.checkpoint_hash.clone()),
            expected: head.checkpoint_seq + 1,
            prev: head.checkpoint_hash.clone(),
            attested: head.checkpoint_seq == 0,
            attestation: None,
            findings: Vec::new(),
            checked: 0,
        }
    }

    /// The next record, in chain order.
    pub fn record(&mut self, chained: &ChainedRecord) {
        if chained.seq > self.expected {
            self.findings.push(Finding::Removed {
                from: self.expected,
                to: chained.seq - 1,
            });
        }
        // After a gap the record is checked against the last hash seen: the gap is reported, and
        // this record is not reported again for it unless it is wrong on its own.
        if chained.seq == self.expected
            && link_hash(&self.prev, chained.seq, &chained.record) != chained.hash
        {
            self.findings.push(Finding::Changed { seq: chained.seq });
        }
        if chained.record.action == PURGED
            && let Some((seq, hash, signed)) = parse_purge(&chained.record.result)
            && (seq, &hash) == (self.checkpoint.0, &self.checkpoint.1)
        {
            self.attested = true;
            self.attestation = Some(Attestation {
                seq,
                hash,
                at: chained.record.at,
                signed,
            });
        }
        self.prev = chained.hash.clone();
        self.expected = chained.seq + 1;
        self.checked += 1;
    }

    /// The findings, once every record has been seen.
    pub fn finish(mut self, head: &AuditHead) -> Vec<Finding> {
        let last = self.expected - 1;
        if last != head.seq || (self.checked > 0 && self.prev != head.hash) {
            self.findings.push(Finding::HeadMismatch {
                last,
                head: head.seq,
            });
        }
        if !self.attested {
            self.findings.push(Finding::CheckpointNotAttested {
                seq: self.checkpoint.0,
            });
        }
        if head.unchained > 0 {
            self.findings.push(Finding::Unchained {
                count: head.unchained,
            });
        }
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: i64) -> AuditRecord {
        AuditRecord {
            at: 1_800_000_000 + n,
            actor: format!("staff:{n}"),
            action: "desk.called".into(),
            object: format!("ticket:{n}"),
            result: "ok".into(),
        }
    }

    fn chain(n: i64) -> (Vec<ChainedRecord>, AuditHead) {
        let mut prev = GENESIS.to_owned();
        let mut records = Vec::new();
        for seq in 1..=n {
            let hash = link_hash(&prev, seq, &record(seq));
            records.push(ChainedRecord {
                seq,
                hash: hash.clone(),
                record: record(seq),
            });
            prev = hash;
        }
        let head = AuditHead {
            seq: n,
            hash: prev,
            checkpoint_seq: 0,
            checkpoint_hash: GENESIS.into(),
            unchained: 0,
            legacy: 0,
        };
        (records, head)
    }

    fn check(records: &[ChainedRecord], head: &AuditHead) -> Vec<Finding> {
        let mut check = ChainCheck::new(head);
        for r in records {
            check.record(r);
        }
        check.finish(head)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let (records, head) = chain(5);
        assert_eq!(check(&records, &head), vec![]);
    }

    #[test]
    fn a_changed_field_is_found_where_it_is() {
        let (mut records, head) = chain(5);
        records[2].record.result = "refused".into();
        assert_eq!(check(&records, &head), vec![Finding::Changed { seq: 3 }]);
        // Its hash recomputed too: the next record no longer chains from it.
        records[2].hash = link_hash(&records[1].hash, 3, &records[2].record);
        assert_eq!(check(&records, &head), vec![Finding::Changed { seq: 4 }]);
    }

    #[test]
    fn removed_records_are_named_in_the_middle_and_at_the_end() {
        let (mut records, head) = chain(6);
        records.remove(2);
        records.remove(2);
        assert_eq!(
            check(&records, &head),
            vec![Finding::Removed { from: 3, to: 4 }]
        );
        let (mut records, head) = chain(6);
        records.pop();
        assert_eq!(
            check(&records, &head),
            vec![Finding::HeadMismatch { last: 5, head: 6 }]
        );
    }

    #[test]
    fn a_moved_checkpoint_is_found_unless_a_purge_record_names_it() {
        let (records, mut head) = chain(6);
        head.checkpoint_seq = 2;
        head.checkpoint_hash = records[1].hash.clone();
        assert_eq!(
            check(&records[2..], &head),
            vec![Finding::CheckpointNotAttested { seq: 2 }]
        );
    }

    #[test]
    fn a_purge_record_names_its_checkpoint_and_signature() {
        let signed = CheckpointSignature {
            kid: "0011223344556677".into(),
            signature: "c2ln".into(),
        };
        let text = purge_result(7, GENESIS, Some(&signed));
        assert_eq!(
            parse_purge(&text),
            Some((7, GENESIS.to_owned(), Some(signed)))
        );
        assert_eq!(
            parse_purge(&purge_result(7, GENESIS, None)),
            Some((7, GENESIS.to_owned(), None))
        );
        assert_eq!(parse_purge("ok"), None);
    }

    #[test]
    fn no_two_records_share_an_encoding() {
        let mut a = record(1);
        let mut b = record(1);
        a.actor = "ab".into();
        a.action = "c".into();
        b.actor = "a".into();
        b.action = "bc".into();
        assert_ne!(link_hash(GENESIS, 1, &a), link_hash(GENESIS, 1, &b));
    }
}
