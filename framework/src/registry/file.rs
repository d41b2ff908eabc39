//! [`FileRegistry`]: a [`SchemaRegistry`] kept in memory and persisted in a journal file.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use affinity_avro::{
    Compatibility, Incompatibility, MemoryRegistry, RegisteredSchema, RegistryError,
    RegistryFuture, Schema, SchemaId, SchemaRegistry,
};

use super::FileRegistryError;
use super::journal::{Journal, StoredRecord};
use super::op::Op;
use crate::sync::lock;

/// The name of the registry's directory inside a node's data directory.
pub const REGISTRY_DIR: &str = "registry";

/// A [`SchemaRegistry`] that keeps its schemas in a directory: the embedded registry of a node
/// (`<data_dir>/registry/`, see [`REGISTRY_DIR`]).
///
/// It has exactly the semantics of [`MemoryRegistry`] — global ids, idempotent registration,
/// compatibility levels with BACKWARD as the default — because it *is* one, plus a journal:
/// every change (a new version, a level, a deleted subject) is appended to
/// `schemas.journal` as a length-prefixed, CRC-32-checked record and flushed to the disk before
/// the call returns, and before anyone can read the change. Reopening the directory replays the
/// journal and gives back the same ids, versions and levels.
///
/// - **Crash safety**: a crash can only cut the last, unacknowledged append short; opening
///   truncates such a torn tail with a `tracing` warning. A damaged record that others follow
///   is an error ([`FileRegistryError::Corrupt`]) naming the file and byte offset — the
///   registry never starts with schemas silently missing or renumbered.
/// - **Writers** are serialised by a mutex held only while the record is written and applied,
///   in a blocking task (`tokio::task::spawn_blocking` when a tokio runtime is running, inline
///   otherwise) — never across an `.await`. Reads are answered from memory at once.
/// - **One process per directory**: two registries open on the same directory would interleave
///   their journals. A node's data directory belongs to one node.
/// - **Size**: the journal grows only with changes (registrations are rare and idempotent ones
///   write nothing) and is read whole on open; it is never compacted.
///
/// ```
/// use affinity::registry::FileRegistry;
/// use affinity_avro::{Schema, SchemaId, SchemaRegistry};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let registry = FileRegistry::open(dir.path())?;
/// let id = registry.register("orders-key", &Schema::parse(r#""long""#)?).await?;
/// drop(registry);
///
/// let reopened = FileRegistry::open(dir.path())?;
/// assert_eq!(reopened.latest("orders-key").await?.id, id);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct FileRegistry {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    memory: MemoryRegistry,
    journal: Mutex<Journal>,
    path: PathBuf,
}

impl FileRegistry {
    /// Opens the registry in `dir`, creating the directory and an empty journal if needed. The
    /// global compatibility level is BACKWARD until one is set.
    ///
    /// Blocking: it reads the whole journal. Call it before serving, or from
    /// `spawn_blocking`.
    pub fn open(dir: impl AsRef<Path>) -> Result<FileRegistry, FileRegistryError> {
        FileRegistry::open_with_compatibility(dir, Compatibility::default())
    }

    /// Like [`open`](FileRegistry::open), with `default` as the global compatibility level as
    /// long as none has been set through the registry (a level set with
    /// [`set_compatibility`](SchemaRegistry::set_compatibility) is persisted and wins).
    pub fn open_with_compatibility(
        dir: impl AsRef<Path>,
        default: Compatibility,
    ) -> Result<FileRegistry, FileRegistryError> {
        let (journal, records) = Journal::open(dir.as_ref())?;
        let memory = replay(journal.path(), journal.len(), records, default)?;
        tracing::debug!(path = %journal.path().display(), "schema registry journal replayed");
        Ok(FileRegistry {
            inner: Arc::new(Inner {
                memory,
                path: journal.path().to_path_buf(),
                journal: Mutex::new(journal),
            }),
        })
    }

    /// The journal file (`schemas.journal` in the directory given to
    /// [`open`](FileRegistry::open)).
    pub fn journal_path(&self) -> &Path {
        &self.inner.path
    }
}

/// Rebuilds the registry from the journal. Registrations are replayed with every check off —
/// they passed their checks when they were made, and a compatibility rule that changed since
/// must not renumber anything — and the levels are applied at the end.
fn replay(
    path: &Path,
    end: u64,
    records: Vec<StoredRecord>,
    default: Compatibility,
) -> Result<MemoryRegistry, FileRegistryError> {
    let memory = MemoryRegistry::with_compatibility(Compatibility::None);
    let mut global = default;
    let mut levels: HashMap<String, Compatibility> = HashMap::new();
    for (offset, payload) in records {
        let fail = |source| FileRegistryError::Replay {
            path: path.to_path_buf(),
            offset,
            source,
        };
        let op: Op = serde_json::from_slice(&payload).map_err(|e| FileRegistryError::Corrupt {
            path: path.to_path_buf(),
            offset,
            reason: format!("unreadable record: {e}"),
        })?;
        match op {
            Op::Register { subject, schema } => {
                let schema = Schema::parse(&schema).map_err(|e| fail(e.into()))?;
                now(memory.register(&subject, &schema)).map_err(fail)?;
            }
            Op::Compatibility { subject, level } => {
                let level: Compatibility =
                    level.parse().map_err(|e| fail(RegistryError::from(e)))?;
                match subject {
                    Some(subject) => {
                        levels.insert(subject, level);
                    }
                    None => global = level,
                }
            }
            Op::DeleteSubject { subject } => {
                now(memory.delete_subject(&subject)).map_err(fail)?;
                levels.remove(&subject);
            }
        }
    }
    // Applying the levels happens after the last record: errors name the journal's end.
    let at_end = |source| FileRegistryError::Replay {
        path: path.to_path_buf(),
        offset: end,
        source,
    };
    now(memory.set_compatibility(None, global)).map_err(at_end)?;
    for (subject, level) in &levels {
        now(memory.set_compatibility(Some(subject), *level)).map_err(at_end)?;
    }
    Ok(memory)
}

/// The result of a [`MemoryRegistry`] future, which is ready at once (its documented contract);
/// polling it here keeps the journal lock off any `.await`.
fn now<T>(mut future: RegistryFuture<'_, T>) -> Result<T, RegistryError> {
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(RegistryError::Backend(
            "the in-memory registry did not answer at once".into(),
        )),
    }
}

impl Inner {
    fn journal(&self) -> MutexGuard<'_, Journal> {
        // The journal's state is updated only after each fallible step.
        lock(&self.journal)
    }

    /// Appends `op`, then applies it with `apply`; if applying fails the record is cut off
    /// again, so the journal holds exactly the changes that happened.
    fn write<T>(
        &self,
        journal: &mut Journal,
        op: &Op,
        apply: impl FnOnce() -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let payload = serde_json::to_vec(op)
            .map_err(|e| RegistryError::Backend(format!("encoding a journal record: {e}")))?;
        let before = journal.len();
        journal.append(&payload).map_err(RegistryError::Backend)?;
        let result = apply();
        if result.is_err() {
            journal.truncate(before);
        }
        result
    }

    fn register(&self, subject: &str, schema: &Schema) -> Result<SchemaId, RegistryError> {
        let mut journal = self.journal();
        match now(self.memory.lookup(subject, schema)) {
            Ok(Some(found)) => return Ok(found.id),
            Ok(None) | Err(RegistryError::SubjectNotFound(_)) => {}
            Err(e) => return Err(e),
        }
        now(self.memory.test_compatibility(subject, schema))?
            .map_err(RegistryError::Incompatible)?;
        let op = Op::Register {
            subject: subject.to_owned(),
            schema: schema.to_json(),
        };
        self.write(&mut journal, &op, || {
            now(self.memory.register(subject, schema))
        })
    }

    fn set_compatibility(
        &self,
        subject: Option<&str>,
        level: Compatibility,
    ) -> Result<(), RegistryError> {
        let mut journal = self.journal();
        let op = Op::Compatibility {
            subject: subject.map(str::to_owned),
            level: level.as_str().to_owned(),
        };
        self.write(&mut journal, &op, || {
            now(self.memory.set_compatibility(subject, level))
        })
    }

    fn delete_subject(&self, subject: &str) -> Result<Vec<u32>, RegistryError> {
        let mut journal = self.journal();
        // An unknown subject is an error that changes nothing: no record.
        now(self.memory.versions(subject))?;
        let op = Op::DeleteSubject {
            subject: subject.to_owned(),
        };
        self.write(&mut journal, &op, || {
            now(self.memory.delete_subject(subject))
        })
    }
}

/// Runs a write off the async threads: it waits for the disk.
fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, RegistryError> + Send + 'static,
) -> impl Future<Output = Result<T, RegistryError>> + Send {
    let handle = tokio::runtime::Handle::try_current().ok();
    async move {
        match handle {
            Some(handle) => handle.spawn_blocking(work).await.map_err(|e| {
                RegistryError::Backend(format!("the registry write task failed: {e}"))
            })?,
            None => work(),
        }
    }
}

impl SchemaRegistry for FileRegistry {
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, SchemaId> {
        let inner = Arc::clone(&self.inner);
        let subject = subject.to_owned();
        let schema = schema.clone();
        Box::pin(blocking(move || inner.register(&subject, &schema)))
    }

    fn schema_by_id(&self, id: SchemaId) -> RegistryFuture<'_, Arc<Schema>> {
        self.inner.memory.schema_by_id(id)
    }

    fn latest<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, RegisteredSchema> {
        self.inner.memory.latest(subject)
    }

    fn version<'a>(
        &'a self,
        subject: &'a str,
        version: u32,
    ) -> RegistryFuture<'a, RegisteredSchema> {
        self.inner.memory.version(subject, version)
    }

    fn versions<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>> {
        self.inner.memory.versions(subject)
    }

    fn subjects(&self) -> RegistryFuture<'_, Vec<String>> {
        self.inner.memory.subjects()
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Option<RegisteredSchema>> {
        self.inner.memory.lookup(subject, schema)
    }

    fn compatibility<'a>(&'a self, subject: Option<&'a str>) -> RegistryFuture<'a, Compatibility> {
        self.inner.memory.compatibility(subject)
    }

    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: Compatibility,
    ) -> RegistryFuture<'a, ()> {
        let inner = Arc::clone(&self.inner);
        let subject = subject.map(str::to_owned);
        Box::pin(blocking(move || {
            inner.set_compatibility(subject.as_deref(), level)
        }))
    }

    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Result<(), Vec<Incompatibility>>> {
        self.inner.memory.test_compatibility(subject, schema)
    }

    fn delete_subject<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>> {
        let inner = Arc::clone(&self.inner);
        let subject = subject.to_owned();
        Box::pin(blocking(move || inner.delete_subject(&subject)))
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::super::journal::FILE_NAME;
    use super::super::record::{MAGIC, encode};
    use super::*;

    /// A journal holding these payloads, each in an intact record.
    fn journal_with(payloads: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = MAGIC.to_vec();
        for p in payloads {
            bytes.extend(encode(p.as_bytes()));
        }
        fs::write(dir.path().join(FILE_NAME), bytes).unwrap();
        dir
    }

    #[test]
    fn intact_records_that_cannot_be_applied_are_errors_with_their_offset() {
        let first = r#"{"op":"register","subject":"s","schema":"\"int\""}"#;
        let second_at = (MAGIC.len() + 12 + first.len()) as u64;
        let cases = [
            (
                r#"{"op":"register","subject":"s","schema":"{\"type\":\"nope\"}"}"#,
                "invalid schema",
            ),
            (r#"{"op":"delete_subject","subject":"never"}"#, "not found"),
            (
                r#"{"op":"compatibility","subject":null,"level":"SIDEWAYS"}"#,
                "compatibility",
            ),
        ];
        for (payload, expected) in cases {
            let dir = journal_with(&[first, payload]);
            match FileRegistry::open(dir.path()) {
                Err(FileRegistryError::Replay { offset, source, .. }) => {
                    assert_eq!(offset, second_at, "{payload}");
                    assert!(source.to_string().contains(expected), "{source}");
                }
                other => panic!("{payload}: expected a replay error, got {other:?}"),
            }
        }
        let dir = journal_with(&[first, r#"{"op":"rename","subject":"s"}"#]);
        match FileRegistry::open(dir.path()) {
            Err(FileRegistryError::Corrupt { offset, reason, .. }) => {
                assert_eq!(offset, second_at);
                assert!(reason.contains("unreadable record"), "{reason}");
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }

    #[test]
    fn a_journal_written_by_hand_replays() {
        let dir = journal_with(&[
            r#"{"op":"register","subject":"s","schema":"\"int\""}"#,
            r#"{"op":"compatibility","subject":"s","level":"FULL"}"#,
            r#"{"op":"register","subject":"t","schema":"\"int\""}"#,
        ]);
        let registry = FileRegistry::open(dir.path()).unwrap();
        let latest = now(registry.latest("t")).unwrap();
        assert_eq!((latest.id, latest.version), (SchemaId(1), 1));
        assert_eq!(
            now(registry.compatibility(Some("s"))).unwrap(),
            Compatibility::Full
        );
    }
}
