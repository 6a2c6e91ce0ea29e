//! Reading imports end to end: files generated here, read back through the public API.

mod import {
    mod big;
    mod csv;
    mod parsers;
    mod props;
    mod support;
    mod xls;
    mod xlsx;
}
