//! Windows reserved device names. A file called `con.txt` opens the console, not a file, on any
//! Windows machine that later saves the download under its display name.

const DEVICES: [&str; 32] = [
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$", //
    "COM0",
    "COM1",
    "COM2",
    "COM3",
    "COM4",
    "COM5",
    "COM6",
    "COM7",
    "COM8",
    "COM9", //
    "COM\u{B9}",
    "COM\u{B2}",
    "COM\u{B3}", // superscript digits are reserved too
    "LPT0",
    "LPT1",
    "LPT2",
    "LPT3",
    "LPT4",
    "LPT5",
    "LPT6",
    "LPT7",
    "LPT8",
    "LPT9", //
    "LPT\u{B9}",
    "LPT\u{B2}",
    "LPT\u{B3}",
];

/// True when Windows would treat `name` as a device: the part before the first dot, with
/// trailing spaces removed (as Windows does), is reserved, whatever the case or extension.
pub(super) fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.trim_end_matches(super::is_edge_space);
    DEVICES.iter().any(|d| d.eq_ignore_ascii_case(stem))
}
