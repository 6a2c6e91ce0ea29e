//! Minimal, hand-built samples of every kind, and of the look-alikes that must be refused.
//!
//! The ZIPs are real archives (stored entries, CRC-32, central directory) written header by
//! header, so the tests do not depend on a zip library agreeing with our scanner.

/// One entry of an archive: name and uncompressed (stored) content.
pub type Entry<'a> = (&'a str, &'a [u8]);

const STORED: u16 = 0;
const SIZES_IN_DESCRIPTOR: u16 = 1 << 3;
const DOS_DATE_1980_01_01: u16 = 0x21;

fn crc32(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn u16_len(n: usize) -> [u8; 2] {
    u16::try_from(n).expect("sample fits a zip u16").to_le_bytes()
}

fn u32_len(n: usize) -> [u8; 4] {
    u32::try_from(n).expect("sample fits a zip u32").to_le_bytes()
}

/// A ZIP of stored entries. With `streamed`, sizes and CRC go in data descriptors after the
/// data (flag bit 3), as a streaming writer that cannot seek back produces them.
pub fn zip(entries: &[Entry<'_>], streamed: bool) -> Vec<u8> {
    let flags = if streamed { SIZES_IN_DESCRIPTOR } else { 0 };
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len();
        let crc = crc32(data);
        let (local_crc, local_size) = if streamed { (0, 0) } else { (crc, data.len()) };
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        out.extend_from_slice(&flags.to_le_bytes());
        out.extend_from_slice(&STORED.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&DOS_DATE_1980_01_01.to_le_bytes());
        out.extend_from_slice(&local_crc.to_le_bytes());
        out.extend_from_slice(&u32_len(local_size)); // compressed
        out.extend_from_slice(&u32_len(local_size)); // uncompressed
        out.extend_from_slice(&u16_len(name.len()));
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        if streamed {
            out.extend_from_slice(b"PK\x07\x08");
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&u32_len(data.len()));
            out.extend_from_slice(&u32_len(data.len()));
        }
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&20u16.to_le_bytes()); // version needed
        central.extend_from_slice(&flags.to_le_bytes());
        central.extend_from_slice(&STORED.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&DOS_DATE_1980_01_01.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&u32_len(data.len()));
        central.extend_from_slice(&u32_len(data.len()));
        central.extend_from_slice(&u16_len(name.len()));
        central.extend_from_slice(&[0; 2 + 2 + 2 + 2 + 4]); // extra, comment, disk, attrs
        central.extend_from_slice(&u32_len(offset));
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len();
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]); // this disk, central directory disk
    out.extend_from_slice(&u16_len(entries.len()));
    out.extend_from_slice(&u16_len(entries.len()));
    out.extend_from_slice(&u32_len(central.len()));
    out.extend_from_slice(&u32_len(central_offset));
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>"#;

fn xlsx_entries() -> [Entry<'static>; 3] {
    [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK)]
}

/// The parts of a workbook, as Excel writes them (sizes in the local headers).
pub fn xlsx() -> Vec<u8> {
    zip(&xlsx_entries(), false)
}

/// The same workbook from a streaming writer (flag bit 3, data descriptors).
pub fn xlsx_streamed() -> Vec<u8> {
    zip(&xlsx_entries(), true)
}

pub fn docx() -> Vec<u8> {
    zip(
        &[("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("word/document.xml", b"<w:document/>")],
        false,
    )
}

pub fn plain_zip() -> Vec<u8> {
    zip(&[("orders/march.csv", b"sku,qty\nA1,3\n"), ("xl/", b"")], false)
}

/// OLE compound file header (the first sector); what legacy .xls files start with.
pub fn xls() -> Vec<u8> {
    let mut out = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    out.resize(512, 0);
    out
}

/// A PDF whose second line is the customary binary comment: not UTF-8, so text cannot claim it.
pub fn pdf() -> Vec<u8> {
    [
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".as_slice(),
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n",
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n",
        b"trailer<</Root 1 0 R>>\n%%EOF\n",
    ]
    .concat()
}

/// Signature and IHDR of a 1x1 image.
pub fn png() -> Vec<u8> {
    [
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
        &[0, 0, 0, 13],
        b"IHDR",
        &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0],
        &[0x1F, 0x15, 0xC4, 0x89],
    ]
    .concat()
}

/// SOI, a JFIF APP0 segment and EOI.
pub fn jpeg() -> Vec<u8> {
    [&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10][..], b"JFIF\0", &[1, 1, 0, 0, 1, 0, 1, 0, 0], &[0xFF, 0xD9]].concat()
}

pub fn webp() -> Vec<u8> {
    let body = [b"WEBP".as_slice(), b"VP8L", &[5, 0, 0, 0], &[0x2F, 0, 0, 0, 0]].concat();
    [b"RIFF".as_slice(), &u32_len(body.len()), &body].concat()
}

/// A CSV export with a BOM, CRLF line ends and CJK text.
pub fn csv() -> Vec<u8> {
    "\u{FEFF}sku,name,qty\r\nA1,雪碧,12\r\nB2,\"Teh Botol\",\t3\r\n".as_bytes().to_vec()
}

/// Every sample with the answer it must get.
pub fn all() -> Vec<(&'static str, Vec<u8>, Option<files::sniff::FileKind>)> {
    use files::sniff::FileKind;
    vec![
        ("xlsx", xlsx(), Some(FileKind::Xlsx)),
        ("xlsx_streamed", xlsx_streamed(), Some(FileKind::Xlsx)),
        ("xls", xls(), Some(FileKind::Xls)),
        ("pdf", pdf(), Some(FileKind::Pdf)),
        ("png", png(), Some(FileKind::Png)),
        ("jpeg", jpeg(), Some(FileKind::Jpeg)),
        ("webp", webp(), Some(FileKind::Webp)),
        ("csv", csv(), Some(FileKind::Text)),
        ("docx", docx(), None),
        ("plain_zip", plain_zip(), None),
        ("elf", b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec(), None),
        ("mz", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0".to_vec(), None),
        ("gzip", vec![0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03], None),
        ("utf16", "sku,qty".encode_utf16().flat_map(u16::to_le_bytes).collect(), None),
    ]
}
