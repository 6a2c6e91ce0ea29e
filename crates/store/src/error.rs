//! sqlx errors become domain errors here, once: a unique violation is a conflict, an exhausted pool
//! or a broken connection is `unavailable`, anything else is internal. The SQL text stays in the
//! source chain for the log and never reaches `detail`.

use domain::Error;

pub(crate) fn db(err: sqlx::Error) -> Error {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            Error::conflict("that name is already taken").with_source(err)
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
