//! Reading an archive against its manifest: every member must be the next one the manifest
//! lists, with its size, and hash to its checksum; table lines must decode into their table's
//! columns and add up to the row count. Used twice by a restore: once to check everything before
//! writing anything, once to write (checking again, in case the file changed in between).

use std::path::Path;

use domain::{Error, Result};
use sha2::{Digest as _, Sha256};
use tokio::io::BufReader;

use super::manifest::{self, Manifest, Member};
use super::rows::{Cell, decode};
use super::schema::{Table, table_named};
use super::tar::{TarError, TarReader};

/// The longest row line read (a run's checkpoint, a chat message).
const MAX_LINE: usize = 32 * 1024 * 1024;

pub(crate) type Batch = (&'static Table, Vec<Vec<Cell>>);

/// A damaged or foreign archive: the caller's problem, safe to show.
pub(crate) fn damaged(what: impl std::fmt::Display) -> Error {
    Error::validation(format!("the archive cannot be restored: {what}"))
}

fn read_error(err: TarError) -> Error {
    match err {
        TarError::Damaged(text) => damaged(text),
        TarError::Io(err) => Error::internal(err),
    }
}

struct CurrentTable {
    table: &'static Table,
    rows: u64,
}

pub(crate) struct Archive {
    reader: TarReader<BufReader<tokio::fs::File>>,
    pub manifest: Manifest,
    /// The next manifest member to read.
    next: usize,
    hasher: Sha256,
    table: Option<CurrentTable>,
    line: Vec<u8>,
}

impl Archive {
    pub async fn open(path: &Path) -> Result<Self> {
        let file = tokio::fs::File::open(path).await.map_err(|err| {
            let what = if err.kind() == std::io::ErrorKind::NotFound { "no such file" } else { "cannot open it" };
            Error::new(domain::ErrorCode::NotFound, format!("the archive: {what}")).with_source(err)
        })?;
        let mut reader = TarReader::new(BufReader::with_capacity(256 * 1024, file));
        let entry = reader.next().await.map_err(read_error)?.ok_or_else(|| damaged("the archive is empty"))?;
        if entry.name != manifest::MEMBER || entry.size > manifest::MAX_BYTES {
            return Err(damaged("it does not start with a manifest"));
        }
        let mut bytes = vec![0u8; usize::try_from(entry.size).map_err(Error::internal)?];
        let mut filled = 0;
        while filled < bytes.len() {
            filled += reader.read(&mut bytes[filled..]).await.map_err(read_error)?;
        }
        let manifest = manifest::parse(&bytes).map_err(damaged)?;
        Ok(Self { reader, manifest, next: 0, hasher: Sha256::new(), table: None, line: Vec::new() })
    }

    /// The next member the manifest lists, not yet entered.
    pub fn peek(&self) -> Option<&Member> {
        self.manifest.members.get(self.next)
    }

    /// Reads the next member's header; it must be the one the manifest lists next.
    pub async fn enter(&mut self) -> Result<Member> {
        let expected = self.peek().cloned().ok_or_else(|| Error::internal(std::io::Error::other("no member left")))?;
        let entry = self.reader.next().await.map_err(read_error)?;
        match entry {
            Some(e) if e.name == expected.name && e.size == expected.size => {}
            Some(_) => return Err(damaged(format!("member {} is not the one its manifest lists", self.next + 2))),
            None => return Err(damaged("the archive ends before the members its manifest lists")),
        }
        self.next += 1;
        self.hasher = Sha256::new();
        Ok(expected)
    }

    /// Up to `buf.len()` bytes of the current member, hashed; 0 at its end.
    pub async fn chunk(&mut self, buf: &mut [u8]) -> Result<usize> {
        let n = self.reader.read(buf).await.map_err(read_error)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    /// Ends the current member, whose bytes must all have been read: its checksum must match.
    pub fn leave(&mut self, member: &Member) -> Result<()> {
        let sha = hex::encode(std::mem::take(&mut self.hasher).finalize());
        if sha != member.sha256 {
            return Err(damaged(format!("{} does not match its checksum", shown(&member.name))));
        }
        Ok(())
    }

    /// After the last member: nothing but the end-of-archive marker may follow.
    pub async fn end(&mut self) -> Result<()> {
        if self.peek().is_some() || self.table.is_some() {
            return Err(Error::internal(std::io::Error::other("members left unread")));
        }
        match self.reader.next().await.map_err(read_error)? {
            None => Ok(()),
            Some(_) => Err(damaged("it holds members its manifest does not list")),
        }
    }

    /// The next rows of the table members, at most `max(table)` at a time and never spanning two
    /// tables; `None` once every table member has been read and checked.
    pub async fn rows(&mut self, max: impl Fn(&Table) -> usize) -> Result<Option<Batch>> {
        loop {
            if self.table.is_none() {
                let Some(member) = self.peek() else { return Ok(None) };
                let name = member.name.strip_prefix("tables/").and_then(|n| n.strip_suffix(".jsonl"));
                let table = name.and_then(table_named).ok_or_else(|| damaged("objects after the tables"))?;
                self.enter().await?;
                self.table = Some(CurrentTable { table, rows: 0 });
            }
            let Some((table, mut rows)) = self.table.as_ref().map(|t| (t.table, t.rows)) else { continue };
            let limit = max(table).max(1);
            let mut batch = Vec::new();
            let mut ended = false;
            while batch.len() < limit {
                self.line.clear();
                if !self.reader.read_line(&mut self.line, MAX_LINE).await.map_err(read_error)? {
                    ended = true;
                    break;
                }
                self.hasher.update(&self.line);
                rows += 1;
                let Some(body) = self.line.strip_suffix(b"\n") else {
                    return Err(damaged(format!("{}: the last row is cut off", table.member())));
                };
                let cells = decode(table, body).map_err(|e| damaged(format!("{} row {rows}: {e}", table.member())))?;
                batch.push(cells);
            }
            let member = self.manifest.members[self.next - 1].clone();
            if member.rows.is_some_and(|expected| rows > expected) {
                return Err(damaged(format!("{} holds more rows than its manifest says", table.member())));
            }
            if ended {
                self.leave(&member)?;
                if member.rows != Some(rows) {
                    return Err(damaged(format!("{} holds fewer rows than its manifest says", table.member())));
                }
                self.table = None;
                if batch.is_empty() {
                    continue;
                }
            } else if let Some(current) = self.table.as_mut() {
                current.rows = rows;
            }
            return Ok(Some((table, batch)));
        }
    }
}

/// A member name as shown in a message: it comes from the file, so it is quoted and capped.
fn shown(name: &str) -> String {
    let capped: String = name.chars().take(120).collect();
    format!("{capped:?}")
}
