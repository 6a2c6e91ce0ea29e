//! What each kind looks like, and the look-alikes that are refused.

use super::samples;
use files::sniff::{FileKind, Sniffer, Unrecognized, sniff};

#[test]
fn each_kind_is_detected_from_a_minimal_sample() {
    assert_eq!(sniff(&samples::xlsx()), Ok(FileKind::Xlsx));
    assert_eq!(sniff(&samples::xls()), Ok(FileKind::Xls));
    assert_eq!(sniff(&samples::pdf()), Ok(FileKind::Pdf));
    assert_eq!(sniff(&samples::png()), Ok(FileKind::Png));
    assert_eq!(sniff(&samples::jpeg()), Ok(FileKind::Jpeg));
    assert_eq!(sniff(&samples::webp()), Ok(FileKind::Webp));
    assert_eq!(sniff(&samples::csv()), Ok(FileKind::Text));
}

#[test]
fn xlsx_from_a_streaming_writer_is_detected() {
    assert_eq!(sniff(&samples::xlsx_streamed()), Ok(FileKind::Xlsx));
}

#[test]
fn xlsx_parts_may_come_in_any_order() {
    let archive = samples::zip(
        &[("xl/workbook.xml", b"<workbook/>"), ("docProps/app.xml", &[0; 5000]), ("[Content_Types].xml", b"<Types/>")],
        false,
    );
    assert_eq!(sniff(&archive), Ok(FileKind::Xlsx));
}

#[test]
fn a_docx_is_not_an_order_sheet() {
    assert_eq!(sniff(&samples::docx()), Err(Unrecognized));
}

#[test]
fn a_plain_zip_is_not_an_order_sheet() {
    assert_eq!(sniff(&samples::plain_zip()), Err(Unrecognized));
    let streamed = samples::zip(&[("a.csv", b"x"), ("xl/b.xml", b"y")], true);
    assert_eq!(sniff(&streamed), Err(Unrecognized));
}

#[test]
fn content_types_must_be_named_exactly() {
    for name in ["[content_types].xml", "[Content_Types].xml.bak", "x/[Content_Types].xml"] {
        let archive = samples::zip(&[(name, b"<Types/>"), ("xl/workbook.xml", b"<w/>")], false);
        assert_eq!(sniff(&archive), Err(Unrecognized), "{name}");
    }
}

#[test]
fn a_plain_zip_is_refused_once_its_central_directory_starts() {
    let archive = samples::plain_zip();
    let central = archive.windows(4).position(|w| w == b"PK\x01\x02").expect("a central directory");
    let mut sniffer = Sniffer::new();
    assert_eq!(sniffer.feed(&archive[..central]), Ok(()));
    assert_eq!(sniffer.feed(&archive[central..central + 4]), Err(Unrecognized));
}

#[test]
fn a_truncated_workbook_is_refused() {
    let archive = samples::xlsx();
    let workbook = archive.windows(15).position(|w| w == b"xl/workbook.xml").expect("the workbook entry");
    assert_eq!(sniff(&archive[..workbook + 2]), Err(Unrecognized));
}

#[test]
fn executables_and_archives_are_refused_on_the_first_chunk() {
    for (name, bytes) in [
        ("elf", b"\x7FELF\x02\x01\x01\0".as_slice()),
        ("mz", b"MZ\x90\0\x03\0\0\0"),
        ("gzip", &[0x1F, 0x8B, 0x08, 0]),
        ("utf16", b"s\0k\0u\0"),
    ] {
        let mut sniffer = Sniffer::new();
        assert_eq!(sniffer.feed(bytes), Err(Unrecognized), "{name}");
    }
}

#[test]
fn binary_signatures_outrank_text() {
    // Both are valid UTF-8 as well.
    assert_eq!(sniff(b"%PDF-1.4\n%%EOF\n"), Ok(FileKind::Pdf));
    assert_eq!(sniff(b"RIFF1234WEBPVP8 "), Ok(FileKind::Webp));
}

#[test]
fn a_body_ending_inside_a_signature_is_judged_as_text() {
    assert_eq!(sniff(b"%PD"), Ok(FileKind::Text));
    assert_eq!(sniff(b"RIFF1234WEB"), Ok(FileKind::Text));
    assert_eq!(sniff(&[0x89, b'P', b'N']), Err(Unrecognized));
    assert_eq!(sniff(b"PK\x03\x04"), Err(Unrecognized));
}

#[test]
fn riff_that_is_not_webp_is_refused() {
    assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), Err(Unrecognized));
}

#[test]
fn text_is_utf8_without_stray_controls() {
    assert_eq!(sniff("订单 A1\t3\r\n\x0Cnext page\n".as_bytes()), Ok(FileKind::Text));
    assert_eq!(sniff(b"<!doctype html><script>alert(1)</script>"), Ok(FileKind::Text));
    assert_eq!(sniff(b"\xEF\xBB\xBFsku,qty\n"), Ok(FileKind::Text));
    assert_eq!(sniff(b"\xEF\xBB\xBF"), Ok(FileKind::Text));
    for control in (0u8..0x20).filter(|c| !b"\t\n\x0C\r".contains(c)) {
        assert_eq!(sniff(&[b'a', control, b'b']), Err(Unrecognized), "{control:#04x}");
    }
}

#[test]
fn invalid_utf8_is_refused() {
    for bad in [
        b"caf\xE9".as_slice(), // Latin-1
        b"\xC0\xAE",           // overlong '.'
        b"\xED\xA0\x80",       // surrogate
        b"\xF4\x90\x80\x80",   // beyond U+10FFFF
        b"ok\xE8\xAE",         // ends inside a char
        b"\x80",               // lone continuation byte
    ] {
        assert_eq!(sniff(bad), Err(Unrecognized), "{bad:?}");
    }
}

#[test]
fn an_empty_body_is_unrecognized() {
    assert_eq!(sniff(b""), Err(Unrecognized));
    let mut sniffer = Sniffer::default();
    assert_eq!(sniffer.feed(b""), Ok(()));
    assert_eq!(sniffer.finish(), Err(Unrecognized));
}

#[test]
fn unrecognized_explains_itself() {
    assert_eq!(Unrecognized.to_string(), "the content is not a supported file type");
    let boxed: Box<dyn std::error::Error> = Box::new(Unrecognized);
    assert!(boxed.source().is_none());
}
