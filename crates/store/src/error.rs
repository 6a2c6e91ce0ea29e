//! sqlx errors become domain errors here, once: a unique violation is a conflict, a missing
//! referenced record is a validation error, an exhausted pool, a broken connection or a write lock
//! held past the busy timeout is `unavailable`, anything else is internal. The SQL text stays in
//! the source chain for the log and never reaches `detail`.

use domain::Error;

pub(crate) fn db(err: sqlx::Error) -> Error {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            Error::conflict("that name is already taken").with_source(err)
        }
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            Error::validation("a referenced record does not exist").with_source(err)
        }
        // SQLITE_BUSY and its extended codes: the write lock stayed taken past the busy timeout.
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("5" | "261" | "517")) => {
            Error::unavailable(err)
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            Error::unavailable(err)
        }
        _ => Error::internal(err),
    }
}

/// A value read back from the database did not parse: the data is corrupt, which is our fault.
pub(crate) fn corrupt(what: &str) -> Error {
    Error::internal(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("corrupt {what} in database")))
}
