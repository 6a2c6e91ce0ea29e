//! The file kinds the sales team actually sends: order sheets, PDFs, photos and plain text.

/// A supported upload type, as established from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Office Open XML spreadsheet (Excel 2007+).
    Xlsx,
    /// Legacy Excel workbook (OLE compound file).
    Xls,
    Pdf,
    Png,
    Jpeg,
    Webp,
    /// UTF-8 text without control bytes; covers CSV as well as notes.
    Text,
}

impl FileKind {
    pub const ALL: [FileKind; 7] =
        [FileKind::Xlsx, FileKind::Xls, FileKind::Pdf, FileKind::Png, FileKind::Jpeg, FileKind::Webp, FileKind::Text];

    /// A stable lowercase token, for storage, logs and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Xlsx => "xlsx",
            FileKind::Xls => "xls",
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
            FileKind::Webp => "webp",
            FileKind::Text => "text",
        }
    }

    /// Inverse of [`FileKind::as_str`], case-insensitive; also accepts the common extensions
    /// "jpg" (Jpeg), "csv" and "txt" (Text).
    pub fn parse(s: &str) -> Option<FileKind> {
        const ALIASES: [(&str, FileKind); 3] =
            [("jpg", FileKind::Jpeg), ("csv", FileKind::Text), ("txt", FileKind::Text)];
        let canonical = FileKind::ALL.into_iter().map(|k| (k.as_str(), k));
        canonical.chain(ALIASES).find(|(token, _)| token.eq_ignore_ascii_case(s)).map(|(_, kind)| kind)
    }

    /// The media type to serve it with. Text declares its charset so browsers never guess one.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Xls => "application/vnd.ms-excel",
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
            FileKind::Text => "text/plain; charset=utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FileKind;

    #[test]
    fn parse_inverts_as_str_in_any_case() {
        for kind in FileKind::ALL {
            assert_eq!(FileKind::parse(kind.as_str()), Some(kind));
            assert_eq!(FileKind::parse(&kind.as_str().to_uppercase()), Some(kind));
        }
    }

    #[test]
    fn parse_accepts_common_extensions() {
        assert_eq!(FileKind::parse("JPG"), Some(FileKind::Jpeg));
        assert_eq!(FileKind::parse("csv"), Some(FileKind::Text));
        assert_eq!(FileKind::parse("Txt"), Some(FileKind::Text));
    }

    #[test]
    fn parse_rejects_everything_else() {
        for s in ["", "zip", "docx", "exe", " pdf", "pdf ", "ｐｄｆ", "image/png"] {
            assert_eq!(FileKind::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn mime_types_are_the_registered_ones() {
        assert_eq!(FileKind::Xlsx.mime(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert_eq!(FileKind::Xls.mime(), "application/vnd.ms-excel");
        assert_eq!(FileKind::Text.mime(), "text/plain; charset=utf-8");
        for kind in FileKind::ALL {
            assert!(kind.mime().contains('/'));
        }
    }
}
