//! [`FileRegistryError`]: why a [`FileRegistry`](super::FileRegistry) could not be opened.

use std::path::PathBuf;

use affinity_avro::RegistryError;

/// Why [`FileRegistry::open`](super::FileRegistry::open) failed. Nothing in the directory was
/// changed, except that a torn tail — an append that a crash cut short, never acknowledged —
/// is truncated away (with a warning).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileRegistryError {
    /// A file-system operation failed.
    #[error("schema registry I/O on {}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The journal file does not start with the registry's header: another program's file, or
    /// a format this version does not read.
    #[error("{} is not a schema registry journal (unknown header)", path.display())]
    NotAJournal {
        /// The file.
        path: PathBuf,
    },
    /// An acknowledged record is damaged (a checksum fails and more records follow it, or its
    /// content cannot be read). The registry refuses to start rather than lose or renumber
    /// schemas; restore the file from a backup or truncate it at `offset` by hand.
    #[error("schema registry journal {} is corrupt at byte offset {offset}: {reason}", path.display())]
    Corrupt {
        /// The journal file.
        path: PathBuf,
        /// Where the damaged record starts.
        offset: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// A record could not be applied on replay (for example a schema this version no longer
    /// parses): the registry would not come back as it was.
    #[error("schema registry journal {} record at byte offset {offset} cannot be replayed: {source}", path.display())]
    Replay {
        /// The journal file.
        path: PathBuf,
        /// Where the record starts.
        offset: u64,
        /// What went wrong.
        #[source]
        source: RegistryError,
    },
}
