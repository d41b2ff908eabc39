//! [`ZookeeperRegistry`]: a [`SchemaRegistry`] shared by every node of a cluster through
//! ZooKeeper.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use affinity_avro::{
    Compatibility, Incompatibility, MemoryRegistry, RegisteredSchema, RegistryError,
    RegistryFuture, Schema, SchemaId, SchemaRegistry,
};
use zookeeper_client as zk;

use super::op::Op;
use crate::sync::lock;

/// How often a change is retried when other writers keep appending first.
const ATTEMPTS: usize = 64;

/// A [`SchemaRegistry`] on ZooKeeper, so that every node of a cluster gives a schema the same
/// id — the embedded registry of a cluster (DESIGN.md §5).
///
/// **Layout**: one persistent znode `<path>/log` whose children `op-<seq>` (persistent
/// sequential) are the registry's changes, each the JSON of the change as the
/// [`FileRegistry`](super::FileRegistry)'s journal records it (a version registered, a level
/// set, a subject deleted). Replaying the log in sequence order into a
/// [`MemoryRegistry`] rebuilds the same ids, versions and levels on every node: ids are given
/// in log order, so they are global and never reused.
///
/// **Writes are linearizable**: a change is appended in one transaction that also sets the
/// data of `<path>/log` conditionally on the version this client last replayed (the version
/// counts the changes). So a change is appended only if it was decided — idempotence, the
/// compatibility check at the subject's level (BACKWARD by default), a subject's existence —
/// against the whole log; when another client appended first, this one replays the new
/// changes and decides again. Two clients registering at once can therefore never give one
/// schema two ids or one id two schemas, and re-registering a schema returns its id.
///
/// **Reads** replay what is new first (one `getData` when nothing is), so a read sees every
/// change acknowledged before it; an unknown id also `sync`s with the leader before it is
/// reported missing. Schemas are cached in memory for the registry's life; the log is read
/// whole when the registry opens. Levels are kept beside the replayed registry (which replays
/// with every check off, like the file registry).
#[derive(Debug, Clone)]
pub struct ZookeeperRegistry {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: zk::Client,
    log: String,
    limit: Duration,
    local: Mutex<Local>,
}

#[derive(Debug)]
struct Local {
    memory: MemoryRegistry,
    global: Compatibility,
    levels: HashMap<String, Compatibility>,
    /// How many changes of the log are applied.
    applied: usize,
}

/// The result of a [`MemoryRegistry`] future, which is ready at once (its documented contract).
fn now<T>(mut future: RegistryFuture<'_, T>) -> Result<T, RegistryError> {
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(RegistryError::Backend(
            "the in-memory registry did not answer at once".into(),
        )),
    }
}

fn backend(what: &str, path: &str, e: impl std::fmt::Display) -> RegistryError {
    RegistryError::Backend(format!("ZooKeeper {what} on {path}: {e}"))
}

impl Local {
    fn level(&self, subject: &str) -> Compatibility {
        self.levels.get(subject).copied().unwrap_or(self.global)
    }

    fn apply(&mut self, op: Op) -> Result<(), RegistryError> {
        match op {
            Op::Register { subject, schema } => {
                now(self.memory.register(&subject, &Schema::parse(&schema)?))?;
            }
            Op::Compatibility { subject, level } => {
                let level: Compatibility = level.parse()?;
                match subject {
                    Some(subject) => {
                        self.levels.insert(subject, level);
                    }
                    None => self.global = level,
                }
            }
            Op::DeleteSubject { subject } => {
                now(self.memory.delete_subject(&subject))?;
                self.levels.remove(&subject);
            }
        }
        self.applied += 1;
        Ok(())
    }

    fn check(&self, subject: &str, schema: &Schema) -> Result<(), Vec<Incompatibility>> {
        let previous: Vec<Arc<Schema>> = now(self.memory.versions(subject))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| now(self.memory.version(subject, v)).ok())
            .map(|r| r.schema)
            .collect();
        self.level(subject).check(schema, &previous)
    }

    fn lookup(&self, subject: &str, schema: &Schema) -> Option<SchemaId> {
        now(self.memory.lookup(subject, schema))
            .ok()
            .flatten()
            .map(|r| r.id)
    }
}

impl ZookeeperRegistry {
    /// Opens the registry under `path` (created if missing) through `client`, and replays its
    /// log. `default` is the global compatibility level until one is set through the registry
    /// (BACKWARD is [`Compatibility::default`]).
    pub async fn open(
        client: zk::Client,
        path: &str,
        default: Compatibility,
        timeout: Duration,
    ) -> Result<ZookeeperRegistry, RegistryError> {
        let log = format!("{}/log", path.trim_end_matches('/'));
        let options = zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all());
        tokio::time::timeout(timeout, client.mkdir(&log, &options))
            .await
            .unwrap_or(Err(zk::Error::Timeout))
            .map_err(|e| backend("mkdir", &log, e))?;
        let registry = ZookeeperRegistry {
            inner: Arc::new(Inner {
                client,
                log,
                limit: timeout,
                local: Mutex::new(Local {
                    memory: MemoryRegistry::with_compatibility(Compatibility::None),
                    global: default,
                    levels: HashMap::new(),
                    applied: 0,
                }),
            }),
        };
        registry.inner.catch_up(true).await?;
        Ok(registry)
    }
}

impl Inner {
    fn local(&self) -> MutexGuard<'_, Local> {
        // `apply` changes the state only after its fallible steps.
        lock(&self.local)
    }

    async fn bounded<T>(
        &self,
        what: &str,
        request: impl Future<Output = Result<T, zk::Error>>,
    ) -> Result<T, RegistryError> {
        tokio::time::timeout(self.limit, request)
            .await
            .unwrap_or(Err(zk::Error::Timeout))
            .map_err(|e| backend(what, &self.log, e))
    }

    /// Replays the changes appended since the last replay; returns how many are applied.
    async fn catch_up(&self, list: bool) -> Result<usize, RegistryError> {
        let applied = self.local().applied;
        if !list {
            let (_, stat) = self
                .bounded("getData", self.client.get_data(&self.log))
                .await?;
            if usize::try_from(stat.version).is_ok_and(|v| v <= applied) {
                return Ok(applied);
            }
        }
        let mut children: Vec<(i64, String)> = self
            .bounded("getChildren", self.client.list_children(&self.log))
            .await?
            .into_iter()
            .filter_map(|c| Some((c.strip_prefix("op-")?.parse().ok()?, c)))
            .collect();
        children.sort();
        let mut fetched = Vec::new();
        for (_, child) in children.iter().skip(applied) {
            let path = format!("{}/{child}", self.log);
            let (data, _) = self.bounded("getData", self.client.get_data(&path)).await?;
            let op: Op = serde_json::from_slice(&data).map_err(|e| {
                RegistryError::Backend(format!("unreadable registry change {path}: {e}"))
            })?;
            fetched.push(op);
        }
        let mut local = self.local();
        // Another replay may have applied some of them meanwhile.
        let skip = local.applied.saturating_sub(applied);
        for op in fetched.into_iter().skip(skip) {
            local.apply(op)?;
        }
        Ok(local.applied)
    }

    /// Appends `op` if the log still has exactly `version` changes; false when it has more.
    async fn append(&self, op: &Op, version: usize) -> Result<bool, RegistryError> {
        let data = serde_json::to_vec(op)
            .map_err(|e| RegistryError::Backend(format!("encoding a registry change: {e}")))?;
        let version = i32::try_from(version)
            .map_err(|_| RegistryError::Backend("the registry log is full".into()))?;
        let sequential = zk::CreateMode::PersistentSequential.with_acls(zk::Acls::anyone_all());
        let prefix = format!("{}/op-", self.log);
        let mut multi = self.client.new_multi_writer();
        multi
            .add_set_data(&self.log, b"", Some(version))
            .and_then(|()| multi.add_create(&prefix, &data, &sequential))
            .map_err(|e| backend("multi", &self.log, e))?;
        let committed = tokio::time::timeout(self.limit, multi.commit())
            .await
            .unwrap_or(Err(zk::MultiWriteError::RequestFailed {
                source: zk::Error::Timeout,
            }));
        match committed {
            Ok(_) => Ok(true),
            Err(zk::MultiWriteError::OperationFailed {
                index: 0,
                source: zk::Error::BadVersion,
            }) => Ok(false),
            Err(e) => Err(backend("multi", &self.log, e)),
        }
    }

    /// Appends the change `decide` asks for, deciding against the whole log: `Ok(None)` means
    /// nothing to append (the answer is read after), `Ok(Some(op))` appends `op`.
    async fn change(
        &self,
        decide: impl Fn(&Local) -> Result<Option<Op>, RegistryError>,
    ) -> Result<(), RegistryError> {
        for _ in 0..ATTEMPTS {
            let applied = self.catch_up(false).await?;
            let op = {
                let local = self.local();
                if local.applied != applied {
                    continue;
                }
                match decide(&local)? {
                    Some(op) => op,
                    None => return Ok(()),
                }
            };
            if self.append(&op, applied).await? {
                self.catch_up(false).await?;
                return Ok(());
            }
        }
        Err(RegistryError::Backend(format!(
            "other writers kept changing the registry first ({ATTEMPTS} attempts)"
        )))
    }

    async fn register(&self, subject: &str, schema: &Schema) -> Result<SchemaId, RegistryError> {
        self.change(|local| {
            if local.lookup(subject, schema).is_some() {
                return Ok(None);
            }
            local
                .check(subject, schema)
                .map_err(RegistryError::Incompatible)?;
            Ok(Some(Op::Register {
                subject: subject.to_owned(),
                schema: schema.to_json(),
            }))
        })
        .await?;
        self.local()
            .lookup(subject, schema)
            .ok_or_else(|| RegistryError::Backend("a registered schema is missing".into()))
    }

    async fn delete_subject(&self, subject: &str) -> Result<Vec<u32>, RegistryError> {
        let deleted = Mutex::new(Vec::new());
        self.change(|local| {
            let versions = now(local.memory.versions(subject))?;
            *lock(&deleted) = versions;
            Ok(Some(Op::DeleteSubject {
                subject: subject.to_owned(),
            }))
        })
        .await?;
        Ok(deleted.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    /// Replays what is new, then answers from memory.
    async fn read<T>(
        &self,
        answer: impl FnOnce(&Local) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        self.catch_up(false).await?;
        answer(&self.local())
    }
}

impl SchemaRegistry for ZookeeperRegistry {
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, SchemaId> {
        Box::pin(self.inner.register(subject, schema))
    }

    fn schema_by_id(&self, id: SchemaId) -> RegistryFuture<'_, Arc<Schema>> {
        Box::pin(async move {
            if let Ok(schema) = now(self.inner.local().memory.schema_by_id(id)) {
                return Ok(schema);
            }
            // Ids never change: only a miss needs the leader's latest state.
            let inner = &self.inner;
            inner.bounded("sync", inner.client.sync(&inner.log)).await?;
            inner.read(|local| now(local.memory.schema_by_id(id))).await
        })
    }

    fn latest<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, RegisteredSchema> {
        Box::pin(self.inner.read(move |l| now(l.memory.latest(subject))))
    }

    fn version<'a>(
        &'a self,
        subject: &'a str,
        version: u32,
    ) -> RegistryFuture<'a, RegisteredSchema> {
        Box::pin(
            self.inner
                .read(move |l| now(l.memory.version(subject, version))),
        )
    }

    fn versions<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>> {
        Box::pin(self.inner.read(move |l| now(l.memory.versions(subject))))
    }

    fn subjects(&self) -> RegistryFuture<'_, Vec<String>> {
        Box::pin(self.inner.read(|l| now(l.memory.subjects())))
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Option<RegisteredSchema>> {
        Box::pin(
            self.inner
                .read(move |l| now(l.memory.lookup(subject, schema))),
        )
    }

    fn compatibility<'a>(&'a self, subject: Option<&'a str>) -> RegistryFuture<'a, Compatibility> {
        Box::pin(self.inner.read(move |l| {
            Ok(match subject {
                Some(subject) => l.level(subject),
                None => l.global,
            })
        }))
    }

    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: Compatibility,
    ) -> RegistryFuture<'a, ()> {
        Box::pin(self.inner.change(move |_| {
            Ok(Some(Op::Compatibility {
                subject: subject.map(str::to_owned),
                level: level.as_str().to_owned(),
            }))
        }))
    }

    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Result<(), Vec<Incompatibility>>> {
        Box::pin(self.inner.read(move |l| Ok(l.check(subject, schema))))
    }

    fn delete_subject<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>> {
        Box::pin(self.inner.delete_subject(subject))
    }
}
