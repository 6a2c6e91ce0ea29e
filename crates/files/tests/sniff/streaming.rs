//! The streaming contract: any chunking, early refusal, bounded state.

use super::samples;
use files::sniff::{FileKind, Sniffer, Unrecognized, sniff};

/// Feeds `bytes` in chunks of `size`, stopping at the first refusal as an upload would.
fn sniff_in_chunks(bytes: &[u8], size: usize) -> Result<FileKind, Unrecognized> {
    let mut sniffer = Sniffer::new();
    for chunk in bytes.chunks(size) {
        sniffer.feed(chunk)?;
    }
    sniffer.finish()
}

#[test]
fn chunk_size_never_changes_the_answer() {
    for (name, bytes, expected) in samples::all() {
        let expected = expected.ok_or(Unrecognized);
        assert_eq!(sniff(&bytes), expected, "{name} whole");
        for size in [1, 2, 3, 7, 29, 30, 31, 64] {
            assert_eq!(sniff_in_chunks(&bytes, size), expected, "{name} in {size}-byte chunks");
        }
    }
}

#[test]
fn invalid_utf8_is_refused_on_the_chunk_that_contains_it() {
    let mut sniffer = Sniffer::new();
    assert_eq!(sniffer.feed(b"sku,qty\n"), Ok(()));
    assert_eq!(sniffer.feed(b"A1,3\n"), Ok(()));
    assert_eq!(sniffer.feed(b"B2,\xFF\n"), Err(Unrecognized));
}

#[test]
fn a_char_split_across_chunks_is_accepted() {
    let text = "订单,雪碧\n".as_bytes();
    for split in 0..=text.len() {
        let mut sniffer = Sniffer::new();
        assert_eq!(sniffer.feed(&text[..split]), Ok(()), "split at {split}");
        assert_eq!(sniffer.feed(&text[split..]), Ok(()), "split at {split}");
        assert_eq!(sniffer.finish(), Ok(FileKind::Text), "split at {split}");
    }
    // Each byte of a four-byte char in its own chunk.
    let mut sniffer = Sniffer::new();
    for byte in "📦".as_bytes() {
        assert_eq!(sniffer.feed(&[*byte]), Ok(()));
    }
    assert_eq!(sniffer.finish(), Ok(FileKind::Text));
}

#[test]
fn a_bad_continuation_in_the_next_chunk_is_refused_there() {
    let mut sniffer = Sniffer::new();
    assert_eq!(sniffer.feed(b"ok \xE8"), Ok(()));
    assert_eq!(sniffer.feed(b"\xAE"), Ok(()));
    assert_eq!(sniffer.feed(b"A"), Err(Unrecognized));
}

#[test]
fn a_refusal_is_final() {
    let mut sniffer = Sniffer::new();
    assert_eq!(sniffer.feed(b"\x7FELF\x02\x01"), Err(Unrecognized));
    assert_eq!(sniffer.feed(b"%PDF-1.7\n"), Err(Unrecognized));
    assert_eq!(sniffer.finish(), Err(Unrecognized));
}

#[test]
fn bytes_after_a_match_cannot_undo_it() {
    let mut png = samples::png();
    png.extend_from_slice(b"\0\xFF trailing junk \x7FELF");
    assert_eq!(sniff(&png), Ok(FileKind::Png));
    let mut xlsx = samples::xlsx();
    xlsx.extend_from_slice(&[0xFF; 100]);
    assert_eq!(sniff(&xlsx), Ok(FileKind::Xlsx));
}

#[test]
fn large_entries_are_skipped_not_kept() {
    // A 4 MiB stored entry before the workbook parts: skipped by size, in any chunking.
    let big = vec![0xA5; 4 << 20];
    let archive = samples::zip(&[("xl/media/image1.png", &big), ("[Content_Types].xml", b"<Types/>")], false);
    assert_eq!(sniff(&archive), Ok(FileKind::Xlsx));
    assert_eq!(sniff_in_chunks(&archive, 8192), Ok(FileKind::Xlsx));
}

#[test]
fn sniffer_state_is_small_and_fixed() {
    // No heap buffers inside: the whole state is the struct itself.
    assert!(size_of::<Sniffer>() <= 256, "{}", size_of::<Sniffer>());
}
