//! PostgreSQL's own error states, mapped before the shared rules in `crate::error`: a server that
//! is shutting down, restarting, overloaded or cancelled our statement is `unavailable` (the client
//! may retry), and text PostgreSQL cannot store (a NUL character) is the caller's `validation` error.

use domain::Error;

pub(crate) fn db(err: sqlx::Error) -> Error {
    let code = match &err {
        sqlx::Error::Database(e) => e.code().map(|c| c.into_owned()),
        _ => None,
    };
    match code.as_deref() {
        Some(code) if is_transient(code) => Error::unavailable(err),
        // character_not_in_repertoire (NUL in text), untranslatable_character (\u0000 in jsonb).
        Some("22021" | "22P05") => {
            Error::validation("the text contains a NUL character, which cannot be stored").with_source(err)
        }
        _ => crate::error::db(err),
    }
}

fn is_transient(code: &str) -> bool {
    // Class 08: connection exception; 53: insufficient resources (too many connections, disk
    // full); 57: operator intervention (shutdown, statement_timeout, cannot connect now); 40001
    // and 40P01: serialization failure and deadlock, both safe to retry.
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57")
        || code == "40001"
        || code == "40P01"
        || code == "55P03"
}

#[cfg(test)]
mod tests {
    use domain::ErrorCode;

    use super::*;

    #[test]
    fn a_server_that_is_going_or_coming_back_is_transient() {
        // admin_shutdown (a fast shutdown ends the session), cannot_connect_now (starting up or
        // shutting down), crash_shutdown, and the connection exceptions of class 08.
        for code in ["57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "53300", "57014"] {
            assert!(is_transient(code), "{code}");
        }
        for code in ["23505", "23503", "42P01", "22021", "XX000"] {
            assert!(!is_transient(code), "{code}");
        }
    }

    #[test]
    fn a_pool_that_cannot_hand_out_a_connection_is_unavailable() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        for err in [sqlx::Error::PoolTimedOut, sqlx::Error::PoolClosed, sqlx::Error::Io(refused)] {
            let mapped = db(err);
            assert_eq!(mapped.code(), ErrorCode::Unavailable, "{mapped}");
            assert!(!mapped.detail().contains("pool") && !mapped.detail().contains("refused"), "{mapped:?}");
        }
    }
}
