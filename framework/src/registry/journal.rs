//! [`Journal`]: the append-only file behind a [`FileRegistry`](super::FileRegistry).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::FileRegistryError;
use super::record::{self, MAGIC, MAX_PAYLOAD};

/// The journal's file name inside the registry directory.
pub(crate) const FILE_NAME: &str = "schemas.journal";

/// The open journal, positioned at its end. Every append is flushed to the disk
/// (`fdatasync`) before it returns.
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    /// The length of the intact part of the file, where the next record goes.
    len: u64,
    /// Set when a failed append could not be undone: the file's end is unknown, so no further
    /// record may be written until the registry is reopened (which truncates the torn tail).
    broken: Option<String>,
}

/// A record read back on open: where it starts and its payload.
pub(crate) type StoredRecord = (u64, Vec<u8>);

impl Journal {
    /// Opens (creating if needed) the journal in `dir`, truncates a torn tail and returns the
    /// intact records' payloads in order.
    pub(crate) fn open(dir: &Path) -> Result<(Journal, Vec<StoredRecord>), FileRegistryError> {
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| FileRegistryError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let path = dir.join(FILE_NAME);
        if !path.try_exists().map_err(io_err(&path))? {
            create(dir, &path).map_err(io_err(&path))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io_err(&path))?;
        if !bytes.starts_with(&MAGIC) {
            return Err(FileRegistryError::NotAJournal { path });
        }
        let scan = record::scan(&bytes).map_err(|c| FileRegistryError::Corrupt {
            path: path.clone(),
            offset: c.offset,
            reason: c.reason,
        })?;
        if let Some(reason) = scan.torn {
            tracing::warn!(
                path = %path.display(),
                offset = scan.valid_len,
                dropped_bytes = bytes.len() as u64 - scan.valid_len,
                reason,
                "schema registry journal: truncating a torn tail left by an interrupted write"
            );
            file.set_len(scan.valid_len)
                .and_then(|()| file.sync_all())
                .map_err(io_err(&path))?;
        }
        file.seek(SeekFrom::Start(scan.valid_len))
            .map_err(io_err(&path))?;
        let records = scan
            .records
            .iter()
            .map(|r| (r.offset, r.payload.to_vec()))
            .collect();
        let journal = Journal {
            path,
            file,
            len: scan.valid_len,
            broken: None,
        };
        Ok((journal, records))
    }

    /// The journal file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The length of the file: where the next record will start.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Appends one record and waits until it is on the disk. On failure the file is cut back
    /// to where it was, so a failed append leaves no trace.
    pub(crate) fn append(&mut self, payload: &[u8]) -> Result<(), String> {
        if let Some(why) = &self.broken {
            return Err(format!(
                "journal {} is unusable after an earlier write failure ({why}); reopen the registry",
                self.path.display()
            ));
        }
        if payload.len() > MAX_PAYLOAD {
            return Err(format!(
                "a journal record of {} bytes exceeds the limit of {MAX_PAYLOAD} bytes",
                payload.len()
            ));
        }
        let bytes = record::encode(payload);
        match self
            .file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data())
        {
            Ok(()) => {
                self.len += bytes.len() as u64;
                Ok(())
            }
            Err(e) => {
                let message = format!("appending to journal {}: {e}", self.path.display());
                self.truncate(self.len);
                Err(message)
            }
        }
    }

    /// Cuts the file back to `len` (the length before an append being undone). If that fails
    /// the journal refuses further appends.
    pub(crate) fn truncate(&mut self, len: u64) {
        let result = self
            .file
            .set_len(len)
            .and_then(|()| self.file.seek(SeekFrom::Start(len)).map(drop))
            .and_then(|()| self.file.sync_data());
        match result {
            Ok(()) => self.len = len,
            Err(e) => {
                tracing::error!(
                    path = %self.path.display(),
                    error = %e,
                    "schema registry journal: cannot undo a failed append; refusing writes"
                );
                self.broken = Some(e.to_string());
            }
        }
    }
}

/// Creates an empty journal atomically: the header goes to a temporary file that is flushed and
/// then renamed into place, so a crash never leaves a journal without its header.
fn create(dir: &Path, path: &Path) -> io::Result<()> {
    let tmp = dir.join(format!("{FILE_NAME}.tmp"));
    let mut file = File::create(&tmp)?;
    file.write_all(&MAGIC)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// Flushes a directory's entries (a created or renamed file) to the disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Directories cannot be opened as files here; the rename is as durable as the platform makes it.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}
