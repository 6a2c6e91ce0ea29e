//! Specifications of the display-name sanitizer and the download header built from it.

mod filename {
    mod disposition;
    mod props;
    mod rules;
}
