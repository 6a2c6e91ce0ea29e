//! The migrations are embedded when this crate compiles (`sqlx::migrate!`), which does not tell
//! cargo so on stable Rust: without this, a new migration file would not be in the binary until
//! something else in the crate changed.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
