//! One test per sanitizer rule, through the public API only.

use files::filename::{DEFAULT_NAME, MAX_NAME_BYTES, is_safe, sanitize, sanitize_bytes};

#[test]
fn readable_names_survive_unchanged() {
    for name in [
        "Order Sheet 2026-11.xlsx",
        "pesanan toko.csv",
        "订单.xlsx",
        "雪碧 订单.xlsx",
        "📦 order (final) v2.pdf",
        "Café.csv",
        "photo_001.JPEG",
        "a",
        "x...y",
    ] {
        assert_eq!(sanitize(name), name);
        assert!(is_safe(name), "{name:?}");
    }
}

#[test]
fn traversal_segments_never_survive() {
    assert_eq!(sanitize("../../etc/passwd"), "passwd");
    assert_eq!(sanitize("..\\..\\Windows\\win.ini"), "win.ini");
    assert_eq!(sanitize("../"), DEFAULT_NAME);
    assert_eq!(sanitize(".."), DEFAULT_NAME);
    assert_eq!(sanitize("x/.."), DEFAULT_NAME);
    assert_eq!(sanitize("....//x"), "x");
    for depth in 1..=20 {
        let name = sanitize(&format!("{}secret.xlsx", "../".repeat(depth)));
        assert_eq!(name, "secret.xlsx");
    }
}

#[test]
fn both_slash_kinds_separate_segments() {
    assert_eq!(sanitize("a/b\\c.csv"), "c.csv");
    assert_eq!(sanitize("a\\b/c.csv"), "c.csv");
    assert_eq!(sanitize("C:\\Users\\sales\\Desktop\\order.xlsx"), "order.xlsx");
    assert_eq!(sanitize("\\\\server\\share\\order.xlsx"), "order.xlsx");
    assert_eq!(sanitize("\\\\?\\C:\\x"), "x");
    assert_eq!(sanitize("/etc/passwd"), "passwd");
    assert_eq!(sanitize("/"), DEFAULT_NAME);
}

#[test]
fn unicode_slash_look_alikes_separate_segments() {
    for slash in
        ['\u{2215}', '\u{2044}', '\u{FF0F}', '\u{FF3C}', '\u{29F8}', '\u{29F9}', '\u{FE68}', '\u{2571}', '\u{2572}']
    {
        assert_eq!(sanitize(&format!("..{slash}..{slash}x.pdf")), "x.pdf", "{slash:?}");
    }
}

#[test]
fn names_are_nfc_normalized() {
    assert_eq!(sanitize("Cafe\u{301}.csv"), "Caf\u{E9}.csv");
    // Dropping an invisible char between a letter and its accent still composes them.
    assert_eq!(sanitize("e\u{200B}\u{301}.txt"), "\u{E9}.txt");
}

#[test]
fn control_chars_are_removed() {
    assert_eq!(sanitize("a\0b\r\nc\td\u{7F}e\u{85}f\u{9F}.csv"), "abcdef.csv");
    assert_eq!(sanitize("\0"), DEFAULT_NAME);
}

#[test]
fn bidi_controls_are_removed() {
    // Displayed as "invoiceexe.pdf" with the override in place.
    assert_eq!(sanitize("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
    for c in [
        '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
        '\u{2067}', '\u{2068}', '\u{2069}',
    ] {
        assert_eq!(sanitize(&format!("a{c}b.pdf")), "ab.pdf", "{c:?}");
    }
}

#[test]
fn invisible_chars_are_removed() {
    for c in
        ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{2028}', '\u{2029}', '\u{E0041}']
    {
        assert_eq!(sanitize(&format!("{c}a{c}b.pdf{c}")), "ab.pdf", "{c:?}");
    }
}

#[test]
fn windows_reserved_chars_become_underscores() {
    assert_eq!(sanitize("a<b>c:d\"e|f?g*h.csv"), "a_b_c_d_e_f_g_h.csv");
    assert_eq!(sanitize("order.xlsx:Zone.Identifier"), "order.xlsx_Zone.Identifier");
}

#[test]
fn dot_look_alikes_become_underscores() {
    for dot in ['\u{2024}', '\u{2025}', '\u{2026}', '\u{FE52}', '\u{FF0E}'] {
        assert_eq!(sanitize(&format!("{dot}{dot}")), "__", "{dot:?}");
        assert_eq!(sanitize(&format!("x{dot}xlsx")), "x_xlsx", "{dot:?}");
    }
}

#[test]
fn edge_spaces_and_trailing_dots_are_trimmed() {
    assert_eq!(sanitize("  order.xlsx  "), "order.xlsx");
    assert_eq!(sanitize("order.xlsx. . ."), "order.xlsx");
    assert_eq!(sanitize("\u{3000}order\u{A0}"), "order");
    assert_eq!(sanitize("order  sheet.csv"), "order  sheet.csv");
}

#[test]
fn dot_only_names_become_the_default() {
    for name in [".", "..", "...", ". .", " . ", "....  ", " ", ".".repeat(10_000).as_str()] {
        assert_eq!(sanitize(name), DEFAULT_NAME, "{name:?}");
    }
}

#[test]
fn empty_names_become_the_default() {
    assert_eq!(sanitize(""), DEFAULT_NAME);
    assert_eq!(sanitize_bytes(b""), DEFAULT_NAME);
    assert_eq!(sanitize("\u{200B}\u{202E}"), DEFAULT_NAME);
}

#[test]
fn leading_dot_gets_an_underscore_prefix() {
    assert_eq!(sanitize(".htaccess"), "_.htaccess");
    assert_eq!(sanitize(".env"), "_.env");
    assert_eq!(sanitize("..hidden"), "_..hidden");
    assert_eq!(sanitize(" .bashrc"), "_.bashrc");
}

#[test]
fn device_names_get_an_underscore_prefix() {
    let mut devices: Vec<String> = ["CON", "PRN", "AUX", "NUL"].map(String::from).to_vec();
    for n in 0..=9 {
        devices.push(format!("COM{n}"));
        devices.push(format!("LPT{n}"));
    }
    for device in devices {
        for name in [
            device.clone(),
            device.to_lowercase(),
            format!("{device}.txt"),
            format!("{}.xlsx", device.to_lowercase()),
            format!("{device}.tar.gz"),
        ] {
            assert_eq!(sanitize(&name), format!("_{name}"), "{name:?}");
        }
    }
    assert_eq!(sanitize("con.txt"), "_con.txt");
    assert_eq!(sanitize("Com1.xlsx"), "_Com1.xlsx");
    assert_eq!(sanitize("nUl"), "_nUl");
    assert_eq!(sanitize("CON."), "_CON");
    assert_eq!(sanitize("CON .txt"), "_CON .txt");
}

#[test]
fn device_like_names_are_left_alone() {
    for name in ["CONSOLE.txt", "COM10", "LPT", "icon.png", "nul1", "x.con", "AUXILIARY.pdf"] {
        assert_eq!(sanitize(name), name);
    }
}

#[test]
fn removing_invisible_chars_cannot_reveal_a_device() {
    assert_eq!(sanitize("C\u{200B}ON.txt"), "_CON.txt");
    assert_eq!(sanitize("N\u{202E}UL"), "_NUL");
}

#[test]
fn percent_encoding_is_not_decoded() {
    assert_eq!(sanitize("%2e%2e%2fetc%2fpasswd"), "%2e%2e%2fetc%2fpasswd");
    assert_eq!(sanitize("%252e%252e%252f"), "%252e%252e%252f");
    assert_eq!(sanitize("..%c0%af"), "_..%c0%af");
}

#[test]
fn overlong_and_invalid_utf8_never_becomes_a_dot_or_slash() {
    assert_eq!(sanitize_bytes(&[0xC0, 0xAE, 0xC0, 0xAE, 0xC0, 0xAF, b'x']), "\u{FFFD}".repeat(6) + "x");
    assert_eq!(sanitize_bytes(&[0xE0, 0x80, 0xAE]), "\u{FFFD}".repeat(3));
    assert_eq!(sanitize_bytes(b"order\xFF.csv"), "order\u{FFFD}.csv");
}

#[test]
fn long_names_are_capped_keeping_the_extension() {
    let name = sanitize(&format!("{}.xlsx", "a".repeat(10_000)));
    assert_eq!(name.len(), MAX_NAME_BYTES);
    assert!(name.ends_with("a.xlsx"));
    let name = sanitize(&"b".repeat(10_000));
    assert_eq!(name, "b".repeat(MAX_NAME_BYTES));
}

#[test]
fn long_names_are_cut_on_char_boundaries() {
    let name = sanitize(&format!("x{}.pdf", "订".repeat(1_000)));
    assert!(name.len() <= MAX_NAME_BYTES);
    assert!(name.ends_with("订.pdf"));
    let name = sanitize(&"📦".repeat(1_000));
    assert_eq!(name, "📦".repeat(MAX_NAME_BYTES / 4));
}

#[test]
fn capping_cannot_leave_a_trailing_space_or_reveal_a_device() {
    let name = sanitize(&format!("a{}b", " ".repeat(300)));
    assert_eq!(name, "a");
    // The stem is cut back to "CON" plus spaces, which Windows would read as CON.
    let name = sanitize(&format!("CON{}a.b.xlsx", " ".repeat(300)));
    assert!(name.starts_with("_CON"), "{name:?}");
    assert!(is_safe(&name));
}

#[test]
fn sanitize_bytes_decodes_lossily() {
    assert_eq!(sanitize_bytes("订单.xlsx".as_bytes()), "订单.xlsx");
    assert_eq!(sanitize_bytes(b"a\xFFb"), "a\u{FFFD}b");
}

#[test]
fn is_safe_rejects_each_violation() {
    let too_long = "a".repeat(MAX_NAME_BYTES + 1);
    for unsafe_name in [
        "",
        ".",
        "..",
        ".env",
        " a",
        "a ",
        "a.",
        "a/b",
        "a\\b",
        "a\u{2215}b",
        "a\0b",
        "a\nb",
        "a\u{202E}b",
        "a\u{200B}b",
        "a:b",
        "a\"b",
        "a\u{FF0E}b",
        "CON",
        "lpt1.txt",
        "Cafe\u{301}",
        too_long.as_str(),
    ] {
        assert!(!is_safe(unsafe_name), "{unsafe_name:?}");
    }
    assert!(is_safe(&"a".repeat(MAX_NAME_BYTES)));
}

#[test]
fn default_name_is_safe_and_stable() {
    assert!(is_safe(DEFAULT_NAME));
    assert_eq!(sanitize(DEFAULT_NAME), DEFAULT_NAME);
}
