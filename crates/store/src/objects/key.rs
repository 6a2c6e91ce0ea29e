use std::fmt;

use uuid::Uuid;

/// An object's key: only ever built by the server, from a restricted alphabet, so it is safe as
/// a relative path under the local root and as an S3 key alike.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey(String);

impl ObjectKey {
    /// The key of an upload's bytes.
    pub fn for_upload(id: Uuid) -> Self {
        Self(format!("uploads/{}", id.simple()))
    }

    /// Accepts only `segment(/segment)*` with segments of `[a-z0-9_-]` (plus inner dots), never
    /// `.` or `..`: a parsed key can never climb out of its root.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= 256
            && raw.split('/').all(|seg| {
                !seg.is_empty()
                    && !seg.starts_with('.')
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
            });
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectKey({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_keys_parse_back() {
        let key = ObjectKey::for_upload(Uuid::now_v7());
        assert_eq!(ObjectKey::parse(key.as_str()), Some(key));
    }

    #[test]
    fn keys_that_could_climb_or_hide_are_refused() {
        for bad in ["", "/abs", "a//b", "../x", "a/../b", "a/./b", ".hidden", "A/B", "a\\b", "a/b/", "x y", "%2e%2e"] {
            assert_eq!(ObjectKey::parse(bad), None, "{bad}");
        }
    }
}
