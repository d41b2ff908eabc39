//! [`MemoryRegistry`]: a [`SchemaRegistry`] in process memory.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::{RegisteredSchema, RegistryError, RegistryFuture, SchemaId, SchemaRegistry};
use crate::Schema;
use crate::compat::{Compatibility, Incompatibility};

/// A [`SchemaRegistry`] kept in memory: for tests, embedded single-node use, and as the cache
/// in front of other providers.
///
/// Every future it returns is ready at once; its lock is never held across an `.await`. Memory
/// grows only with what is registered.
///
/// Schemas are identified by their full JSON form ([`Schema::to_json`]), not only their
/// canonical form: like the Confluent registry, two schemas that differ in defaults, aliases,
/// docs or logical types get different ids, because readers need those (a consumer fetching a
/// `decimal` by id must get the logical type back, and a default added in a new version must
/// count in later compatibility checks).
///
/// ```
/// use affinity_avro::{MemoryRegistry, Schema, SchemaId, SchemaRegistry};
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// let registry = MemoryRegistry::new();
/// let schema = Schema::parse(r#""string""#)?;
/// let id = block_on(registry.register("topic-key", &schema))?;
/// assert_eq!(id, SchemaId(1));
/// assert_eq!(block_on(registry.latest("topic-key"))?.version, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    state: RwLock<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The schema with id `n` is at index `n - 1`.
    schemas: Vec<Arc<Schema>>,
    /// Full JSON form → id.
    ids: HashMap<String, SchemaId>,
    /// Subject → its versions' ids; version `v` is at index `v - 1`.
    subjects: BTreeMap<String, Vec<SchemaId>>,
    /// Per-subject compatibility levels.
    levels: HashMap<String, Compatibility>,
    global: Compatibility,
}

fn ready<'a, T: Send + 'a>(result: Result<T, RegistryError>) -> RegistryFuture<'a, T> {
    Box::pin(std::future::ready(result))
}

impl MemoryRegistry {
    /// An empty registry with the global level BACKWARD.
    pub fn new() -> Self {
        MemoryRegistry::default()
    }

    /// An empty registry with the given global level.
    pub fn with_compatibility(level: Compatibility) -> Self {
        let registry = MemoryRegistry::default();
        registry.write().global = level;
        registry
    }

    // The state is only changed after every fallible step, so a poisoned lock still guards a
    // consistent state.
    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl State {
    fn schema(&self, id: SchemaId) -> Result<&Arc<Schema>, RegistryError> {
        (id.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.schemas.get(i))
            .ok_or(RegistryError::SchemaNotFound(id))
    }

    fn subject(&self, subject: &str) -> Result<&[SchemaId], RegistryError> {
        self.subjects
            .get(subject)
            .map(Vec::as_slice)
            .ok_or_else(|| RegistryError::SubjectNotFound(subject.to_owned()))
    }

    fn level(&self, subject: &str) -> Compatibility {
        self.levels.get(subject).copied().unwrap_or(self.global)
    }

    fn registered(
        &self,
        subject: &str,
        version: usize,
        id: SchemaId,
    ) -> Result<RegisteredSchema, RegistryError> {
        Ok(RegisteredSchema {
            id,
            version: u32::try_from(version)
                .map_err(|_| RegistryError::Backend("version number overflow".into()))?,
            subject: subject.to_owned(),
            schema: self.schema(id)?.clone(),
        })
    }

    fn version(&self, subject: &str, version: u32) -> Result<RegisteredSchema, RegistryError> {
        let versions = self.subject(subject)?;
        let id = (version as usize)
            .checked_sub(1)
            .and_then(|i| versions.get(i))
            .ok_or_else(|| RegistryError::VersionNotFound {
                subject: subject.to_owned(),
                version,
            })?;
        self.registered(subject, version as usize, *id)
    }

    fn check(&self, subject: &str, schema: &Schema) -> Result<(), Vec<Incompatibility>> {
        let previous: Vec<Arc<Schema>> = self
            .subjects
            .get(subject)
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| self.schema(*id).ok().cloned())
                    .collect()
            })
            .unwrap_or_default();
        self.level(subject).check(schema, &previous)
    }

    fn register(&mut self, subject: &str, schema: &Schema) -> Result<SchemaId, RegistryError> {
        let key = schema.to_json();
        let existing = self.ids.get(&key).copied();
        if let (Some(id), Some(versions)) = (existing, self.subjects.get(subject))
            && versions.contains(&id)
        {
            return Ok(id);
        }
        self.check(subject, schema)
            .map_err(RegistryError::Incompatible)?;
        let id = match existing {
            Some(id) => id,
            None => {
                let id = u32::try_from(self.schemas.len() + 1)
                    .map_err(|_| RegistryError::Backend("schema ids exhausted".into()))?;
                self.schemas.push(Arc::new(schema.clone()));
                self.ids.insert(key, SchemaId(id));
                SchemaId(id)
            }
        };
        self.subjects
            .entry(subject.to_owned())
            .or_default()
            .push(id);
        Ok(id)
    }

    fn lookup(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<Option<RegisteredSchema>, RegistryError> {
        let versions = self.subject(subject)?;
        let Some(id) = self.ids.get(&schema.to_json()) else {
            return Ok(None);
        };
        match versions.iter().position(|v| v == id) {
            Some(i) => self.registered(subject, i + 1, *id).map(Some),
            None => Ok(None),
        }
    }
}

impl SchemaRegistry for MemoryRegistry {
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, SchemaId> {
        ready(self.write().register(subject, schema))
    }

    fn schema_by_id(&self, id: SchemaId) -> RegistryFuture<'_, Arc<Schema>> {
        ready(self.read().schema(id).cloned())
    }

    fn latest<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, RegisteredSchema> {
        let state = self.read();
        let result = state
            .subject(subject)
            .and_then(|versions| match versions.last() {
                Some(id) => state.registered(subject, versions.len(), *id),
                None => Err(RegistryError::SubjectNotFound(subject.to_owned())),
            });
        ready(result)
    }

    fn version<'a>(
        &'a self,
        subject: &'a str,
        version: u32,
    ) -> RegistryFuture<'a, RegisteredSchema> {
        ready(self.read().version(subject, version))
    }

    fn versions<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>> {
        let result = self
            .read()
            .subject(subject)
            .map(|versions| (1..=versions.len() as u32).collect());
        ready(result)
    }

    fn subjects(&self) -> RegistryFuture<'_, Vec<String>> {
        ready(Ok(self.read().subjects.keys().cloned().collect()))
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Option<RegisteredSchema>> {
        ready(self.read().lookup(subject, schema))
    }

    fn compatibility<'a>(&'a self, subject: Option<&'a str>) -> RegistryFuture<'a, Compatibility> {
        let state = self.read();
        ready(Ok(match subject {
            Some(s) => state.level(s),
            None => state.global,
        }))
    }

    fn set_compatibility<'a>(
        &'a self,
        subject: Option<&'a str>,
        level: Compatibility,
    ) -> RegistryFuture<'a, ()> {
        let mut state = self.write();
        match subject {
            Some(s) => {
                state.levels.insert(s.to_owned(), level);
            }
            None => state.global = level,
        }
        ready(Ok(()))
    }

    fn test_compatibility<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a Schema,
    ) -> RegistryFuture<'a, Result<(), Vec<Incompatibility>>> {
        ready(Ok(self.read().check(subject, schema)))
    }

    fn delete_subject<'a>(&'a self, subject: &'a str) -> RegistryFuture<'a, Vec<u32>> {
        let mut state = self.write();
        let result = match state.subjects.remove(subject) {
            Some(versions) => {
                state.levels.remove(subject);
                Ok((1..=versions.len() as u32).collect())
            }
            None => Err(RegistryError::SubjectNotFound(subject.to_owned())),
        };
        ready(result)
    }
}
