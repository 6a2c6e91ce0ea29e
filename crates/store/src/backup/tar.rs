//! The archive container: POSIX ustar, regular files only, written and read by hand so both
//! sides stream over tokio and the reader can be strict. Standard tools list and extract it
//! (`tar tvf`), but the reader accepts only what the writer makes: ustar headers with a valid
//! checksum, regular-file members, sizes in octal (or base-256 past 8 GiB), and two zero blocks
//! at the end. A member's name is only ever compared with the manifest; it never becomes a path.

use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

const BLOCK: usize = 512;
const NAME: std::ops::Range<usize> = 0..100;
const MODE: std::ops::Range<usize> = 100..108;
const UID: std::ops::Range<usize> = 108..116;
const GID: std::ops::Range<usize> = 116..124;
const SIZE: std::ops::Range<usize> = 124..136;
const MTIME: std::ops::Range<usize> = 136..148;
const CHECKSUM: std::ops::Range<usize> = 148..156;
const TYPEFLAG: usize = 156;
const MAGIC: std::ops::Range<usize> = 257..265;
const PREFIX: std::ops::Range<usize> = 345..500;
const USTAR: &[u8; 8] = b"ustar\x0000";

/// Why an archive cannot be read. Messages are safe to print: they never quote member data.
#[derive(Debug)]
pub(crate) enum TarError {
    Io(std::io::Error),
    Damaged(String),
}

impl From<std::io::Error> for TarError {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::UnexpectedEof {
            TarError::Damaged("the archive is truncated".into())
        } else {
            TarError::Io(err)
        }
    }
}

fn damaged(what: impl Into<String>) -> TarError {
    TarError::Damaged(what.into())
}

fn padding(size: u64) -> usize {
    (BLOCK - (size % BLOCK as u64) as usize) % BLOCK
}

fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(text.as_bytes());
    field[digits] = 0;
}

/// Splits a long name into ustar's prefix and name fields at a `/`.
fn split_name(name: &str) -> Option<(&str, &str)> {
    if name.len() <= NAME.len() {
        return Some(("", name));
    }
    name.match_indices('/')
        .map(|(i, _)| (&name[..i], &name[i + 1..]))
        .find(|(prefix, rest)| prefix.len() <= PREFIX.len() && !rest.is_empty() && rest.len() <= NAME.len())
}

fn header(name: &str, size: u64, mtime: i64) -> Result<[u8; BLOCK], TarError> {
    let (prefix, short) = split_name(name).ok_or_else(|| damaged(format!("member name too long: {name}")))?;
    let mut h = [0u8; BLOCK];
    h[NAME][..short.len()].copy_from_slice(short.as_bytes());
    h[PREFIX][..prefix.len()].copy_from_slice(prefix.as_bytes());
    octal(&mut h[MODE], 0o600);
    octal(&mut h[UID], 0);
    octal(&mut h[GID], 0);
    if size < 0o777_7777_7777 {
        octal(&mut h[SIZE], size);
    } else {
        // GNU base-256: the high bit of the first byte marks a big-endian binary number.
        h[SIZE].fill(0);
        h[SIZE][4..].copy_from_slice(&size.to_be_bytes());
        h[SIZE.start] = 0x80;
    }
    octal(&mut h[MTIME], u64::try_from(mtime).unwrap_or(0));
    h[TYPEFLAG] = b'0';
    h[MAGIC].copy_from_slice(USTAR);
    h[CHECKSUM].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    h[CHECKSUM].copy_from_slice(text.as_bytes());
    Ok(h)
}

/// Writes members one after another. The caller writes exactly `size` bytes after each
/// [`TarWriter::start`], then calls [`TarWriter::end_member`].
pub(crate) struct TarWriter<'a> {
    out: &'a mut (dyn AsyncWrite + Unpin + Send),
    mtime: i64,
    expected: u64,
    written: u64,
}

impl<'a> TarWriter<'a> {
    pub fn new(out: &'a mut (dyn AsyncWrite + Unpin + Send), mtime: i64) -> Self {
        Self { out, mtime, expected: 0, written: 0 }
    }

    pub async fn start(&mut self, name: &str, size: u64) -> Result<(), TarError> {
        let h = header(name, size, self.mtime)?;
        self.out.write_all(&h).await?;
        self.expected = size;
        self.written = 0;
        Ok(())
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), TarError> {
        self.written += bytes.len() as u64;
        if self.written > self.expected {
            return Err(damaged("a member grew while it was being written"));
        }
        self.out.write_all(bytes).await?;
        Ok(())
    }

    pub async fn end_member(&mut self) -> Result<(), TarError> {
        if self.written != self.expected {
            return Err(damaged("a member shrank while it was being written"));
        }
        self.out.write_all(&[0u8; BLOCK][..padding(self.expected)]).await?;
        Ok(())
    }

    /// The end-of-archive marker; flushes.
    pub async fn finish(self) -> Result<(), TarError> {
        self.out.write_all(&[0u8; 2 * BLOCK]).await?;
        self.out.flush().await?;
        Ok(())
    }
}

/// A member's header as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub name: String,
    pub size: u64,
}

fn field_text(bytes: &[u8]) -> Result<&str, TarError> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..end]).map_err(|_| damaged("a member name is not UTF-8"))
}

fn parse_octal(bytes: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(bytes).ok()?.trim_matches(|c| c == ' ' || c == '\0');
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

fn parse_size(bytes: &[u8]) -> Option<u64> {
    if bytes[0] & 0x80 != 0 {
        if bytes[0] != 0x80 || bytes[1..4].iter().any(|&b| b != 0) {
            return None;
        }
        return Some(u64::from_be_bytes(bytes[4..].try_into().ok()?));
    }
    parse_octal(bytes)
}

fn parse_header(h: &[u8; BLOCK]) -> Result<Entry, TarError> {
    let stored = parse_octal(&h[CHECKSUM]).ok_or_else(|| damaged("a member header is damaged"))?;
    let sum: u64 =
        h.iter().enumerate().map(|(i, &b)| if CHECKSUM.contains(&i) { u64::from(b' ') } else { u64::from(b) }).sum();
    if stored != sum {
        return Err(damaged("a member header is damaged (checksum mismatch)"));
    }
    if &h[MAGIC] != USTAR {
        return Err(damaged("not an archive made by agent-team backup (no ustar header)"));
    }
    if !matches!(h[TYPEFLAG], b'0' | 0) {
        return Err(damaged("the archive holds something other than regular files"));
    }
    let (prefix, name) = (field_text(&h[PREFIX])?, field_text(&h[NAME])?);
    let name = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}/{name}") };
    let size = parse_size(&h[SIZE]).ok_or_else(|| damaged("a member header is damaged (size)"))?;
    Ok(Entry { name, size })
}

/// Reads members in order. After [`TarReader::next`], the member's bytes come from
/// [`TarReader::read`] or [`TarReader::read_line`]; whatever is left unread is skipped by the
/// next call to `next`.
pub(crate) struct TarReader<R> {
    inner: R,
    /// Bytes of the current member not yet read.
    remaining: u64,
    /// Padding after the current member.
    pad: usize,
    ended: bool,
}

impl<R: AsyncBufRead + Unpin> TarReader<R> {
    pub fn new(inner: R) -> Self {
        Self { inner, remaining: 0, pad: 0, ended: false }
    }

    async fn skip(&mut self, mut n: u64) -> Result<(), TarError> {
        while n > 0 {
            let buf = self.inner.fill_buf().await?;
            if buf.is_empty() {
                return Err(damaged("the archive is truncated"));
            }
            let take = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
            self.inner.consume(take);
            n -= take as u64;
        }
        Ok(())
    }

    /// The next member's header; `None` at the end-of-archive marker, after which only zero
    /// blocks may follow.
    pub async fn next(&mut self) -> Result<Option<Entry>, TarError> {
        if self.ended {
            return Ok(None);
        }
        self.skip(self.remaining + self.pad as u64).await?;
        self.remaining = 0;
        self.pad = 0;
        let mut h = [0u8; BLOCK];
        self.inner.read_exact(&mut h).await?;
        if h.iter().all(|&b| b == 0) {
            self.inner.read_exact(&mut h).await?;
            let mut rest = Vec::new();
            (&mut self.inner).take(1024 * 1024).read_to_end(&mut rest).await?;
            if h.iter().chain(&rest).any(|&b| b != 0) {
                return Err(damaged("data after the end of the archive"));
            }
            self.ended = true;
            return Ok(None);
        }
        let entry = parse_header(&h)?;
        self.remaining = entry.size;
        self.pad = padding(entry.size);
        Ok(Some(entry))
    }

    /// Up to `buf.len()` bytes of the current member; 0 at its end.
    pub async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TarError> {
        if self.remaining == 0 {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want]).await?;
        if n == 0 {
            return Err(damaged("the archive is truncated"));
        }
        self.remaining -= n as u64;
        Ok(n)
    }

    /// Appends the current member's next line (with its `\n`, if it has one) to `line`; false at
    /// the member's end. A line longer than `max` bytes is refused before it is all in memory.
    pub async fn read_line(&mut self, line: &mut Vec<u8>, max: usize) -> Result<bool, TarError> {
        let start = line.len();
        while self.remaining > 0 {
            let buf = self.inner.fill_buf().await?;
            if buf.is_empty() {
                return Err(damaged("the archive is truncated"));
            }
            let avail = &buf[..buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX))];
            let (take, done) = match avail.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            line.extend_from_slice(&avail[..take]);
            self.inner.consume(take);
            self.remaining -= take as u64;
            if line.len() - start > max {
                return Err(damaged(format!("a line longer than {max} bytes")));
            }
            if done {
                return Ok(true);
            }
        }
        Ok(line.len() > start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn archive(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = TarWriter::new(&mut out, 1_700_000_000);
        for (name, data) in members {
            w.start(name, data.len() as u64).await.unwrap();
            w.write(data).await.unwrap();
            w.end_member().await.unwrap();
        }
        w.finish().await.unwrap();
        out
    }

    async fn read_all(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, TarError> {
        let mut r = TarReader::new(bytes);
        let mut out = Vec::new();
        while let Some(entry) = r.next().await? {
            let mut data = Vec::new();
            let mut buf = [0u8; 7];
            loop {
                let n = r.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
            }
            assert_eq!(data.len() as u64, entry.size);
            out.push((entry.name, data));
        }
        Ok(out)
    }

    fn damaged_text(result: Result<Vec<(String, Vec<u8>)>, TarError>) -> String {
        match result {
            Err(TarError::Damaged(text)) => text,
            other => panic!("expected a damaged archive, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn members_round_trip_with_long_names_and_block_sized_data() {
        let long = format!("objects/{}/{}", "a".repeat(120), "b".repeat(90));
        let block = vec![7u8; 512];
        let bytes = archive(&[("manifest.json", b"{}"), (&long, b"x"), ("empty", b""), ("block", &block)]).await;
        assert_eq!(bytes.len() % 512, 0);
        let members = read_all(&bytes).await.unwrap();
        let names: Vec<_> = members.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["manifest.json", long.as_str(), "empty", "block"]);
        assert_eq!(members[3].1, block);
    }

    #[tokio::test]
    async fn lines_come_out_whole_and_capped() {
        let bytes = archive(&[("t", b"one\ntwo\nthree")]).await;
        let mut r = TarReader::new(&bytes[..]);
        r.next().await.unwrap().unwrap();
        let mut lines = Vec::new();
        loop {
            let mut line = Vec::new();
            if !r.read_line(&mut line, 100).await.unwrap() {
                break;
            }
            lines.push(String::from_utf8(line).unwrap());
        }
        assert_eq!(lines, ["one\n", "two\n", "three"]);
        assert!(r.next().await.unwrap().is_none());

        let mut r = TarReader::new(&bytes[..]);
        r.next().await.unwrap().unwrap();
        assert!(matches!(r.read_line(&mut Vec::new(), 2).await, Err(TarError::Damaged(_))));
    }

    #[tokio::test]
    async fn truncation_a_flipped_byte_and_trailing_data_are_refused() {
        let bytes = archive(&[("a", b"hello"), ("b", b"world")]).await;
        for cut in [100, 512, 600, 1024, 1536, bytes.len() - 1] {
            let text = damaged_text(read_all(&bytes[..cut]).await);
            assert!(text.contains("truncated"), "{cut}: {text}");
        }
        let mut flipped = bytes.clone();
        flipped[3] ^= 1;
        assert!(damaged_text(read_all(&flipped).await).contains("checksum"));
        let mut trailing = bytes.clone();
        trailing.extend_from_slice(b"junk");
        assert!(damaged_text(read_all(&trailing).await).contains("after the end"));
    }

    #[tokio::test]
    async fn links_directories_and_foreign_formats_are_refused() {
        let mut bytes = archive(&[("a", b"hello")]).await;
        bytes[TYPEFLAG] = b'2';
        bytes[CHECKSUM].fill(b' ');
        let sum: u32 = bytes[..512].iter().map(|&b| u32::from(b)).sum();
        bytes[CHECKSUM].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        assert!(damaged_text(read_all(&bytes).await).contains("other than regular files"));
        let text = damaged_text(read_all(&[1u8; 2048]).await);
        assert!(text.contains("damaged") || text.contains("ustar"), "{text}");
    }

    #[test]
    fn sizes_past_the_octal_field_use_base_256() {
        let h = header("big", 1 << 40, 0).unwrap();
        assert_eq!(parse_header(&h).unwrap().size, 1 << 40);
        let h = header("small", 0o777_7777_7776, 0).unwrap();
        assert_eq!(parse_header(&h).unwrap().size, 0o777_7777_7776);
    }
}
