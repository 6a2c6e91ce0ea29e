//! The web page (`web/`) is embedded into the binary when this crate compiles (rust-embed), and
//! the derive does not tell cargo so: without this, editing a page file would leave a binary
//! serving the old page until something else changed in the crate.

fn main() {
    println!("cargo:rerun-if-changed=web");
}
