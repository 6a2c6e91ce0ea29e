//! Walking the chain. [`Verifier`] takes entries oldest first, one at a time, so a backend or the
//! CLI can stream a log of any length through it in pages.

use serde::Serialize;

use super::canonical::{GENESIS_HASH, Hash};
use super::entry::{AuditEntry, AuditHead};

/// Problems kept in a report; further ones are only counted.
pub const MAX_REPORTED_PROBLEMS: usize = 100;

/// One way the log differs from an untouched chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The entry's fields no longer give its hash: it was changed.
    HashMismatch { seq: u64 },
    /// The entry does not follow the one before it: something was inserted, deleted or moved
    /// before it (and the hashes recomputed to hide it).
    PrevHashMismatch { seq: u64 },
    /// Entries are missing between two others: deleted.
    SeqGap { expected: u64, found: u64 },
    /// A seq at or below one already seen: inserted or reordered.
    SeqOutOfOrder { after: u64, found: u64 },
    /// The head record does not name the last entry: the newest entries were deleted (or
    /// entries appended behind the store's back).
    HeadMismatch { head_seq: Option<u64>, last_seq: Option<u64> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub entries: u64,
    pub last_seq: Option<u64>,
    /// At most [`MAX_REPORTED_PROBLEMS`], oldest first.
    pub problems: Vec<Problem>,
    /// All problems found, including those not listed.
    pub problem_count: u64,
}

impl Report {
    pub fn is_intact(&self) -> bool {
        self.problem_count == 0
    }
}

pub struct Verifier {
    entries: u64,
    last: Option<(u64, Hash)>,
    problems: Vec<Problem>,
    problem_count: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

impl Verifier {
    pub fn new() -> Self {
        Verifier { entries: 0, last: None, problems: Vec::new(), problem_count: 0 }
    }

    fn report(&mut self, problem: Problem) {
        self.problem_count += 1;
        if self.problems.len() < MAX_REPORTED_PROBLEMS {
            self.problems.push(problem);
        }
    }

    /// Checks the next entry, oldest first.
    pub fn push(&mut self, entry: &AuditEntry) {
        self.entries += 1;
        if entry.compute_hash() != entry.hash {
            self.report(Problem::HashMismatch { seq: entry.seq });
        }
        let (expected_seq, expected_prev) = match self.last {
            Some((seq, hash)) => (seq.saturating_add(1), hash),
            None => (1, GENESIS_HASH),
        };
        if entry.seq > expected_seq {
            self.report(Problem::SeqGap { expected: expected_seq, found: entry.seq });
        } else if entry.seq < expected_seq {
            self.report(Problem::SeqOutOfOrder { after: expected_seq - 1, found: entry.seq });
        }
        if entry.prev_hash != expected_prev {
            self.report(Problem::PrevHashMismatch { seq: entry.seq });
        }
        // Chain on the stored hash: one edited entry shows as one problem, not a cascade.
        let seq = match self.last {
            Some((last, _)) => entry.seq.max(last),
            None => entry.seq,
        };
        self.last = Some((seq, entry.hash));
    }

    /// Compares the end of the chain with the head record and returns the report.
    pub fn finish(mut self, head: Option<&AuditHead>) -> Report {
        let last = self.last;
        let matches = match (head, last) {
            (None, None) => true,
            (Some(h), Some((seq, hash))) => h.seq == seq && h.hash == hash,
            _ => false,
        };
        if !matches {
            self.report(Problem::HeadMismatch { head_seq: head.map(|h| h.seq), last_seq: last.map(|l| l.0) });
        }
        Report {
            entries: self.entries,
            last_seq: last.map(|l| l.0),
            problems: self.problems,
            problem_count: self.problem_count,
        }
    }
}

/// Verifies a whole log held in memory, oldest first.
pub fn verify<'a>(entries: impl IntoIterator<Item = &'a AuditEntry>, head: Option<&AuditHead>) -> Report {
    let mut verifier = Verifier::new();
    for entry in entries {
        verifier.push(entry);
    }
    verifier.finish(head)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};
    use serde_json::json;

    use super::*;
    use crate::audit::{Actor, NewAuditEntry};

    fn chain(n: u64) -> Vec<AuditEntry> {
        let actor = Actor { id: uuid::Uuid::from_u128(7), kind: "user".into(), name: "ana".into() };
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
        let mut entries: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let head = entries.last().map(AuditEntry::head);
            let draft = NewAuditEntry::new(&actor, "price.update", format!("price:default/A{i}"), start)
                .with_old(json!({"amount": "3500", "version": i}))
                .with_new(json!({"amount": "3600", "version": i + 1}));
            let draft = NewAuditEntry { at: start + Duration::seconds(i64::try_from(i).unwrap()), ..draft };
            entries.push(draft.seal(head.as_ref()).unwrap());
        }
        entries
    }

    fn head(entries: &[AuditEntry]) -> Option<AuditHead> {
        entries.last().map(AuditEntry::head)
    }

    /// Recomputes every hash from `from` on, as an attacker who knows the scheme would.
    fn rechain(entries: &mut [AuditEntry], from: usize) {
        for i in from..entries.len() {
            if i > 0 {
                entries[i].prev_hash = entries[i - 1].hash;
            }
            entries[i].hash = entries[i].compute_hash();
        }
    }

    #[test]
    fn an_untouched_chain_is_intact() {
        let entries = chain(50);
        let report = verify(&entries, head(&entries).as_ref());
        assert!(report.is_intact(), "{report:?}");
        assert_eq!((report.entries, report.last_seq), (50, Some(50)));
        assert!(verify([], None).is_intact(), "an empty log with no head is intact");
    }

    #[test]
    fn a_changed_field_is_found() {
        let mut entries = chain(10);
        let h = head(&entries);
        entries[4].new = Some(r#"{"amount":"1","version":5}"#.into());
        assert_eq!(verify(&entries, h.as_ref()).problems, [Problem::HashMismatch { seq: 5 }]);

        let mut entries = chain(10);
        entries[4].actor.name = "mallory".into();
        entries[4].hash = entries[4].compute_hash();
        let report = verify(&entries, h.as_ref());
        assert_eq!(report.problems, [Problem::PrevHashMismatch { seq: 6 }], "rehashing one entry breaks the next link");
    }

    #[test]
    fn an_inserted_entry_is_found() {
        let mut entries = chain(10);
        let mut forged = entries[5].clone();
        forged.target = "price:default/FORGED".into();
        entries.insert(6, forged);
        for (i, e) in entries.iter_mut().enumerate().skip(6) {
            e.seq = u64::try_from(i).unwrap() + 1;
        }
        rechain(&mut entries, 6);
        let new_head = head(&entries);
        let report = verify(&entries, new_head.as_ref());
        assert!(report.is_intact(), "a full rewrite with a matching head cannot be told from the data alone");
        // Against the head the store kept, and the honest prefix, the insertion shows.
        let report = verify(&entries, head(&chain(10)).as_ref());
        assert!(!report.is_intact());

        let mut entries = chain(10);
        let mut forged = entries[5].clone();
        forged.seq = 6;
        forged.prev_hash = entries[5].hash;
        forged.hash = forged.compute_hash();
        entries.insert(6, forged);
        let report = verify(&entries, head(&chain(10)).as_ref());
        assert!(report.problems.contains(&Problem::SeqOutOfOrder { after: 6, found: 6 }), "{report:?}");
        assert!(report.problems.contains(&Problem::PrevHashMismatch { seq: 7 }), "{report:?}");
    }

    #[test]
    fn a_deleted_middle_entry_is_found() {
        let mut entries = chain(10);
        let h = head(&entries);
        entries.remove(3);
        let report = verify(&entries, h.as_ref());
        assert_eq!(report.problems, [Problem::SeqGap { expected: 4, found: 5 }, Problem::PrevHashMismatch { seq: 5 }],);
        // Renumbered to close the gap: the link still breaks.
        for (i, e) in entries.iter_mut().enumerate() {
            e.seq = u64::try_from(i).unwrap() + 1;
        }
        let report = verify(&entries, h.as_ref());
        assert!(report.problems.contains(&Problem::PrevHashMismatch { seq: 4 }), "{report:?}");
    }

    #[test]
    fn a_deleted_tail_is_found_by_the_head() {
        let mut entries = chain(10);
        let h = head(&entries);
        entries.truncate(7);
        let report = verify(&entries, h.as_ref());
        assert_eq!(report.problems, [Problem::HeadMismatch { head_seq: Some(10), last_seq: Some(7) }]);
        assert_eq!(
            verify([], h.as_ref()).problems,
            [Problem::HeadMismatch { head_seq: Some(10), last_seq: None }],
            "everything deleted"
        );
        assert!(!verify(&entries, None).is_intact(), "a log without its head");
    }

    #[test]
    fn reordered_entries_are_found() {
        let mut entries = chain(10);
        let h = head(&entries);
        entries.swap(2, 3);
        let report = verify(&entries, h.as_ref());
        assert!(report.problems.contains(&Problem::SeqGap { expected: 3, found: 4 }), "{report:?}");
        assert!(report.problems.contains(&Problem::SeqOutOfOrder { after: 4, found: 3 }), "{report:?}");
        // Swapping contents but keeping the seq order: the hashes cover seq, so they no longer match.
        let mut entries = chain(10);
        let (a, b) = (entries[2].clone(), entries[3].clone());
        entries[2] = AuditEntry { seq: 3, ..b };
        entries[3] = AuditEntry { seq: 4, ..a };
        let report = verify(&entries, h.as_ref());
        assert!(report.problems.contains(&Problem::HashMismatch { seq: 3 }), "{report:?}");
        assert!(report.problems.contains(&Problem::PrevHashMismatch { seq: 3 }), "{report:?}");
    }

    #[test]
    fn reported_problems_are_capped_but_counted() {
        let mut entries = chain(150);
        let h = head(&entries);
        for e in &mut entries {
            e.target.push('!');
        }
        let report = verify(&entries, h.as_ref());
        assert_eq!(report.problems.len(), MAX_REPORTED_PROBLEMS);
        assert_eq!(report.problem_count, 150);
    }

    #[test]
    fn sealing_refuses_oversized_or_empty_labels() {
        let actor = Actor::system("importer");
        let ok = NewAuditEntry::new(&actor, "catalog.import", "catalog", Utc::now());
        assert_eq!(ok.seal(None).unwrap().seq, 1);
        assert!(NewAuditEntry::new(&actor, "", "catalog", Utc::now()).seal(None).is_err());
        let huge = ok.with_new(json!({"x": "y".repeat(70_000)}));
        assert!(huge.seal(None).is_err());
    }
}
