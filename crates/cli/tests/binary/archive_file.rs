//! Archives as the backup stories read and forge them: members in and out of ustar (tests only:
//! whole files in memory), rows decoded for comparison.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// An archive's members in order, read whole (tests only: archives here are small).
pub fn members(path: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    while at + 512 <= bytes.len() && bytes[at..at + 512].iter().any(|&b| b != 0) {
        let h = &bytes[at..at + 512];
        let field = |r: std::ops::Range<usize>| {
            let f = &h[r];
            String::from_utf8(f[..f.iter().position(|&b| b == 0).unwrap_or(f.len())].to_vec()).unwrap()
        };
        let (name, prefix) = (field(0..100), field(345..500));
        let name = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        let size = usize::from_str_radix(field(124..136).trim(), 8).unwrap();
        out.push((name, bytes[at + 512..at + 512 + size].to_vec()));
        at += 512 + size.div_ceil(512) * 512;
    }
    out
}

/// A ustar archive of `members`, as `agent-team backup` lays it out.
pub fn tar_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in members {
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..108].copy_from_slice(b"0000600\0");
        h[108..116].copy_from_slice(b"0000000\0");
        h[116..124].copy_from_slice(b"0000000\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[156] = b'0';
        h[257..265].copy_from_slice(b"ustar\x0000");
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

pub fn manifest(members: &[(String, Vec<u8>)]) -> Value {
    assert_eq!(members[0].0, "manifest.json");
    serde_json::from_slice(&members[0].1).unwrap()
}

/// Each table's rows, decoded; JSON documents kept as text in the archive are parsed, so the
/// same data compares equal whichever backend wrote it.
pub fn tables(members: &[(String, Vec<u8>)]) -> BTreeMap<String, Vec<Value>> {
    members
        .iter()
        .filter_map(|(name, bytes)| {
            let table = name.strip_prefix("tables/")?.strip_suffix(".jsonl")?;
            let rows = std::str::from_utf8(bytes).unwrap().lines().map(|l| normalise(serde_json::from_str(l).unwrap()));
            Some((table.to_owned(), rows.collect()))
        })
        .collect()
}

fn normalise(row: Value) -> Value {
    let Value::Object(map) = row else { return row };
    let parsed = map.into_iter().map(|(k, v)| {
        let v = match &v {
            Value::String(s) if s.starts_with(['{', '[']) => serde_json::from_str(s).unwrap_or(v),
            _ => v,
        };
        (k, v)
    });
    Value::Object(parsed.collect())
}

/// The objects' bytes by member name.
pub fn objects(members: &[(String, Vec<u8>)]) -> BTreeMap<String, Vec<u8>> {
    members.iter().filter(|(n, _)| n.starts_with("objects/")).cloned().collect()
}
