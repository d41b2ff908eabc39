//! What a store's directory holds, and the store's own metadata inside the database.

use std::io::ErrorKind;
use std::path::Path;

use crate::store::StoreError;

/// The column family holding the store's metadata (a name tables cannot take).
pub(super) const META_CF: &str = "__affinity_meta";
/// RocksDB's own column family, always present; no table uses it.
pub(super) const DEFAULT_CF: &str = "default";
/// Meta key of the checkpoint: 8 bytes, big-endian.
pub(super) const CHECKPOINT_KEY: &[u8] = b"checkpoint";
/// Meta key of the on-disk format version: 4 bytes, big-endian.
pub(super) const FORMAT_KEY: &[u8] = b"format";
/// The format this code writes and reads.
pub(super) const FORMAT: u32 = 1;

/// What is at a store's path before opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// Nothing: a new store is created there.
    Nothing,
    /// An empty directory: a new store is created in it.
    EmptyDir,
    /// A RocksDB database (it has a `CURRENT` file).
    Database,
}

/// Looks at `path` without changing anything. A file, or a non-empty directory that is not a
/// database, is [`StoreError::NotAStore`]: opening must never scribble into the wrong place.
pub(super) fn inspect(path: &Path) -> Result<Found, StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(io(e)),
    };
    if !meta.is_dir() {
        return Err(StoreError::NotAStore {
            path: path.to_owned(),
            reason: "it is a file, not a directory",
        });
    }
    if path.join("CURRENT").is_file() {
        return Ok(Found::Database);
    }
    match std::fs::read_dir(path).map_err(io)?.next() {
        None => Ok(Found::EmptyDir),
        Some(_) => Err(StoreError::NotAStore {
            path: path.to_owned(),
            reason: "a non-empty directory without a database",
        }),
    }
}

/// Reads the checkpoint value stored under [`CHECKPOINT_KEY`].
pub(super) fn parse_checkpoint(bytes: &[u8]) -> Result<u64, StoreError> {
    let b: [u8; 8] = bytes.try_into().map_err(|_| {
        StoreError::Corrupt(format!(
            "the checkpoint is {} bytes long, not 8",
            bytes.len()
        ))
    })?;
    Ok(u64::from_be_bytes(b))
}

/// Checks the value stored under [`FORMAT_KEY`].
pub(super) fn check_format(bytes: &[u8]) -> Result<(), StoreError> {
    match <[u8; 4]>::try_from(bytes).map(u32::from_be_bytes) {
        Ok(FORMAT) => Ok(()),
        Ok(other) => Err(StoreError::Corrupt(format!(
            "the store has format version {other}; this build reads version {FORMAT}"
        ))),
        Err(_) => Err(StoreError::Corrupt(format!(
            "the format version is {} bytes long, not 4",
            bytes.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_values_are_checked() {
        assert_eq!(parse_checkpoint(&7u64.to_be_bytes()).ok(), Some(7));
        assert!(matches!(
            parse_checkpoint(&[1, 2]),
            Err(StoreError::Corrupt(_))
        ));
        assert!(check_format(&FORMAT.to_be_bytes()).is_ok());
        assert!(
            matches!(check_format(&2u32.to_be_bytes()), Err(StoreError::Corrupt(m)) if m.contains("version 2"))
        );
        assert!(matches!(check_format(b"x"), Err(StoreError::Corrupt(_))));
    }
}
