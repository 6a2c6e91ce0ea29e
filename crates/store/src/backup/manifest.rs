//! `manifest.json`, the archive's first member: what made the archive and, for every other
//! member in order, its name, size and SHA-256 (and a table's row count). A restore reads the
//! whole archive against it before it writes anything.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::schema::TABLES;
use crate::objects::ObjectKey;

pub(crate) const MEMBER: &str = "manifest.json";
pub(crate) const FORMAT: &str = "agent-team-backup";
pub(crate) const FORMAT_VERSION: u32 = 1;
/// A manifest lists one line per object; this bounds what a restore reads into memory for it.
pub(crate) const MAX_BYTES: u64 = 256 * 1024 * 1024;
const OBJECTS: &str = "objects/";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// `sqlite` or `postgres`: where the rows came from (any backend can restore them).
    pub source_backend: String,
    /// The newest migration applied to the source; a restore needs the same schema.
    pub migration_version: i64,
    /// When the snapshot was taken.
    pub created_at: DateTime<Utc>,
    /// The version of the binary that made the archive.
    pub app_version: String,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    /// Rows, for a table member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
}

impl Member {
    /// The object key of an `objects/…` member.
    pub(crate) fn object_key(&self) -> Option<ObjectKey> {
        self.name.strip_prefix(OBJECTS).and_then(ObjectKey::parse)
    }
}

pub(crate) fn object_member(key: &ObjectKey) -> String {
    format!("{OBJECTS}{key}")
}

pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Parses and checks a manifest: the format and its version first (so a newer archive is named
/// as such, not as garbage), then every member: objects with valid keys, each once, then every
/// table exactly once in dependency order. Messages quote no member data.
pub(crate) fn parse(bytes: &[u8]) -> Result<Manifest, String> {
    let loose: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| "the manifest is not valid JSON".to_owned())?;
    if loose.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err("not an agent-team backup (the manifest names another format)".into());
    }
    let version = loose.get("format_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(FORMAT_VERSION)) {
        let shown = version.map_or_else(|| "none".to_owned(), |v| v.to_string());
        return Err(format!(
            "unknown backup format version {shown} (this build reads version {FORMAT_VERSION}); restore with the release that made it"
        ));
    }
    let manifest: Manifest = serde_json::from_value(loose)
        .map_err(|_| "the manifest is malformed (a field is missing, unknown or of the wrong type)".to_owned())?;
    check_members(&manifest.members)?;
    Ok(manifest)
}

fn check_members(members: &[Member]) -> Result<(), String> {
    let mut seen = HashSet::new();
    let mut tables = TABLES.iter();
    let mut in_tables = false;
    for (i, member) in members.iter().enumerate() {
        let at = format!("manifest member {}", i + 1);
        if !is_sha256_hex(&member.sha256) {
            return Err(format!("{at}: the checksum is not a SHA-256"));
        }
        if !seen.insert(member.name.as_str()) {
            return Err(format!("{at}: a member is listed twice"));
        }
        if member.name.starts_with(OBJECTS) && !in_tables {
            if member.object_key().is_none() {
                return Err(format!("{at}: not a valid object name"));
            }
            if member.rows.is_some() {
                return Err(format!("{at}: an object has no rows"));
            }
            continue;
        }
        in_tables = true;
        let expected = tables.next().ok_or_else(|| format!("{at}: unexpected member after the last table"))?;
        if member.name != expected.member() {
            return Err(format!("{at}: expected the member for table {}", expected.name));
        }
        if member.rows.is_none() {
            return Err(format!("{at}: a table member needs its row count"));
        }
    }
    if let Some(missing) = tables.next() {
        return Err(format!("the manifest lists no member for table {}", missing.name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn manifest() -> Manifest {
        let mut members = vec![Member { name: "objects/uploads/abc".into(), size: 3, sha256: SHA.into(), rows: None }];
        members.extend(TABLES.iter().map(|t| Member { name: t.member(), size: 0, sha256: SHA.into(), rows: Some(0) }));
        Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            source_backend: "sqlite".into(),
            migration_version: 1,
            created_at: Utc::now(),
            app_version: "0.1.0".into(),
            members,
        }
    }

    fn parsed(m: &Manifest) -> Result<Manifest, String> {
        parse(&serde_json::to_vec(m).unwrap())
    }

    #[test]
    fn a_good_manifest_parses_back() {
        let m = manifest();
        assert_eq!(parsed(&m).unwrap(), m);
    }

    #[test]
    fn hostile_or_incomplete_manifests_are_refused() {
        type Change = Box<dyn Fn(&mut Manifest)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|m| m.format_version = 2), "unknown backup format version 2"),
            (Box::new(|m| m.format = "zip".into()), "not an agent-team backup"),
            (Box::new(|m| m.members[0].name = "objects/../etc/passwd".into()), "not a valid object name"),
            (Box::new(|m| m.members[0].name = "objects//abs".into()), "not a valid object name"),
            (Box::new(|m| m.members[0].name = "/etc/passwd".into()), "expected the member for table users"),
            (Box::new(|m| m.members[0].sha256 = "00".into()), "not a SHA-256"),
            (Box::new(|m| m.members.swap(1, 2)), "expected the member for table users"),
            (Box::new(|m| m.members.truncate(m.members.len() - 1)), "no member for table approvals"),
            (Box::new(|m| m.members.push(m.members[0].clone())), "listed twice"),
            (Box::new(|m| m.members[1].rows = None), "needs its row count"),
        ];
        for (change, expected) in cases {
            let mut m = manifest();
            change(&mut m);
            let err = parsed(&m).unwrap_err();
            assert!(err.contains(expected), "{expected}: {err}");
        }
        assert!(parse(b"{\"format\":\"agent-team-backup\",\"format_version\":1,\"extra\":1}").is_err());
        assert!(parse(b"not json").unwrap_err().contains("not valid JSON"));
    }
}
