//! Out-of-stock rules that do not depend on the database.

use domain::sales::{Oos, OosStatus};
use domain::{Error, Result};

/// The registration a resolve found (read under the write or row lock), if it may be resolved.
pub(crate) fn resolvable(found: Option<Oos>) -> Result<Oos> {
    let oos = found.ok_or_else(|| Error::not_found("out-of-stock registration"))?;
    if oos.status != OosStatus::Open {
        return Err(Error::conflict("this out-of-stock registration is resolved already"));
    }
    Ok(oos)
}
