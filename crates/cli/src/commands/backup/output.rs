//! The archive's file: created 0600 under a temporary name beside its destination, fsynced and
//! renamed into place only when complete, so the destination is the previous file or the whole
//! new one, never a part.

use std::path::{Path, PathBuf};

use domain::{Error, ErrorCode};
use tokio::io::{AsyncWriteExt as _, BufWriter};

pub struct Partial {
    dest: PathBuf,
    tmp: PathBuf,
    dir: PathBuf,
    out: BufWriter<tokio::fs::File>,
    /// Renamed into place, or removed already.
    settled: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.settled {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

fn io(what: &str, err: std::io::Error) -> Error {
    let code = match err.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => ErrorCode::InsufficientStorage,
        _ => ErrorCode::Internal,
    };
    Error::new(code, format!("{what}: {err}")).with_source(err)
}

impl Partial {
    pub async fn create(dest: &Path) -> Result<Self, Error> {
        let name =
            dest.file_name().filter(|_| !dest.is_dir()).ok_or_else(|| Error::validation("--out must name a file"))?;
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::validation(format!("the directory of {} does not exist", dest.display())));
        }
        let tmp = dir.join(format!(".{}.{}.partial", name.to_string_lossy(), uuid::Uuid::new_v4().simple()));
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&tmp).await.map_err(|e| io("cannot create the archive", e))?;
        Ok(Self { dest: dest.to_owned(), tmp, dir, out: BufWriter::with_capacity(1024 * 1024, file), settled: false })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn writer(&mut self) -> &mut BufWriter<tokio::fs::File> {
        &mut self.out
    }

    pub async fn persist(mut self) -> Result<(), Error> {
        let result = async {
            self.out.flush().await?;
            self.out.get_ref().sync_all().await?;
            tokio::fs::rename(&self.tmp, &self.dest).await?;
            tokio::fs::File::open(&self.dir).await?.sync_all().await
        }
        .await;
        if let Err(err) = result {
            return Err(io("cannot write the archive", err));
        }
        self.settled = true;
        Ok(())
    }

    pub async fn discard(mut self) {
        let _ = tokio::fs::remove_file(&self.tmp).await;
        self.settled = true;
    }
}
