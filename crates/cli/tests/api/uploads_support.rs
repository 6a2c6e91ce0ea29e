//! Building upload requests by hand, so tests control every byte (hostile names included).

pub const BOUNDARY: &str = "agentteamtestboundary7MA4YWxkTrZu0gW";

/// One multipart part: field name, optional raw file name, declared type, content.
pub struct Part<'a> {
    pub field: &'a str,
    pub filename: Option<&'a [u8]>,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

pub fn part<'a>(filename: &'a [u8], content: &'a [u8]) -> Part<'a> {
    Part { field: "file", filename: Some(filename), content_type: "application/octet-stream", content }
}

pub fn body(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{}\"", p.field).as_bytes());
        if let Some(name) = p.filename {
            out.extend_from_slice(b"; filename=\"");
            out.extend_from_slice(name);
            out.extend_from_slice(b"\"");
        }
        out.extend_from_slice(format!("\r\nContent-Type: {}\r\n\r\n", p.content_type).as_bytes());
        out.extend_from_slice(p.content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A minimal file that sniffs as xlsx: a zip whose stored entries include `[Content_Types].xml`
/// and a part under `xl/`.
pub fn xlsx() -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in [("[Content_Types].xml", &b"<Types/>"[..]), ("xl/workbook.xml", &b"<workbook/>"[..])] {
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // version, flags, method=stored, time, date
        out.extend_from_slice(&[0, 0, 0, 0]); // crc (not checked by the sniffer)
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
    }
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 18]);
    out
}

pub fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend_from_slice(&[0u8; 64]);
    v
}

pub const CSV: &[u8] = b"item,qty\naqua 600ml,2 dus\n\xe9\x9b\xaa\xe7\xa2\xa7 330,1\n";
