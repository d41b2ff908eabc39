//! [`Gateway`]: what the [`Avro`](super::Avro) extractor and responder need from the node —
//! the schema registry, the registered ids of response types and cached writer-schema
//! resolvers.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use affinity_avro::{Avro, RegistryError, Schema, SchemaId, SchemaRegistry, TypedResolver};

use super::AvroRejection;

/// How many (writer schema, type) resolvers are kept; past it, resolvers are built per
/// request (correct, slower) rather than growing the cache.
const MAX_CACHED_WRITERS: usize = 1024;

/// How long a failed registration of a response type's schema is not retried.
const REGISTRATION_BACKOFF: Duration = Duration::from_secs(30);

/// The gateway context: the schema registry, the registered schema ids of the types sent in
/// responses, and resolvers for the writer schemas requests name.
///
/// The node builds one and adds it to its router with [`layer`](super::layer) (or
/// [`GatewayLayers`](super::GatewayLayers)), which puts it in every request's extensions, so
/// handlers keep plain axum signatures. Without it, [`Avro`](super::Avro) still works, without
/// schema ids. Cloning gives another handle to the same context.
///
/// The schema id of a response type `T` is found, by the schema's fingerprint, among the ids
/// set with [`set_schema_id`](Self::set_schema_id) or registered with
/// [`register`](Self::register); failing that, on first use `T`'s schema is registered under
/// the subject `<full name of T>` (named types only — records, enums, fixed; other schemas
/// get no id). A failed registration is logged and retried at most every 30 s; responses go
/// out without the header meanwhile.
#[derive(Clone, Default)]
pub struct Gateway(Arc<Inner>);

#[derive(Default)]
struct Inner {
    registry: Option<Arc<dyn SchemaRegistry>>,
    ids: Mutex<HashMap<u64, IdState>>,
    writers: Mutex<HashMap<(SchemaId, TypeId), Arc<dyn Any + Send + Sync>>>,
}

#[derive(Clone, Copy)]
enum IdState {
    Known(SchemaId),
    FailedAt(Instant),
}

/// A writer schema and the resolver that reads its data as `T`.
pub(crate) struct Writer<T> {
    pub(crate) schema: Arc<Schema>,
    pub(crate) resolver: TypedResolver<T>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("registry", &self.0.registry.is_some())
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// A context without a schema registry: no schema ids in responses, and requests naming a
    /// writer schema are refused.
    #[must_use]
    pub fn new() -> Self {
        Gateway::default()
    }

    /// A context over `registry`.
    #[must_use]
    pub fn with_registry(registry: Arc<dyn SchemaRegistry>) -> Self {
        Gateway(Arc::new(Inner {
            registry: Some(registry),
            ..Inner::default()
        }))
    }

    /// The schema registry, if there is one.
    #[must_use]
    pub fn registry(&self) -> Option<&Arc<dyn SchemaRegistry>> {
        self.0.registry.as_ref()
    }

    /// Records that `schema` has `id` (for a node that registers its types itself).
    pub fn set_schema_id(&self, schema: &Schema, id: SchemaId) {
        self.ids().insert(schema.fingerprint(), IdState::Known(id));
    }

    /// The id recorded for `schema`, if any.
    #[must_use]
    pub fn schema_id(&self, schema: &Schema) -> Option<SchemaId> {
        match self.ids().get(&schema.fingerprint()) {
            Some(IdState::Known(id)) => Some(*id),
            _ => None,
        }
    }

    /// Registers `T`'s schema under the subject `<full name of T>` and records its id; `None`
    /// without a registry or for a schema without a name.
    pub async fn register<T: Avro>(&self) -> Result<Option<SchemaId>, RegistryError> {
        self.register_schema(T::schema()).await
    }

    async fn register_schema(&self, schema: &Schema) -> Result<Option<SchemaId>, RegistryError> {
        let (Some(registry), Some(name)) = (&self.0.registry, schema.root_node().kind.name())
        else {
            return Ok(None);
        };
        let id = registry.register(name.fullname(), schema).await?;
        self.set_schema_id(schema, id);
        Ok(Some(id))
    }

    /// The id to send with a response of `schema`: recorded, or registered now (see the type's
    /// docs); `None` when there is none.
    pub(crate) async fn response_schema_id(&self, schema: &Schema) -> Option<SchemaId> {
        match self.ids().get(&schema.fingerprint()).copied() {
            Some(IdState::Known(id)) => return Some(id),
            Some(IdState::FailedAt(at)) if at.elapsed() < REGISTRATION_BACKOFF => return None,
            _ => {}
        }
        match self.register_schema(schema).await {
            Ok(id) => id,
            Err(error) => {
                tracing::warn!(
                    %error,
                    fingerprint = schema.fingerprint(),
                    "could not register a response schema; responses go without Affinity-Schema-Id"
                );
                self.ids()
                    .insert(schema.fingerprint(), IdState::FailedAt(Instant::now()));
                None
            }
        }
    }

    /// The writer schema with `id` and its resolver into `T`, cached per (id, type).
    pub(crate) async fn writer<T: Avro>(
        &self,
        id: SchemaId,
    ) -> Result<Arc<Writer<T>>, AvroRejection> {
        let key = (id, TypeId::of::<T>());
        let cached = self.writers().get(&key).cloned();
        if let Some(writer) = cached.and_then(|w| w.downcast::<Writer<T>>().ok()) {
            return Ok(writer);
        }
        let registry = self
            .0
            .registry
            .as_ref()
            .ok_or(AvroRejection::NoRegistry(id))?;
        let schema = registry
            .schema_by_id(id)
            .await
            .map_err(|error| match error {
                RegistryError::SchemaNotFound(_) => AvroRejection::UnknownSchemaId(id),
                error => {
                    tracing::warn!(%error, %id, "schema registry lookup failed");
                    AvroRejection::RegistryUnavailable
                }
            })?;
        let resolver =
            TypedResolver::<T>::new(&schema).map_err(|e| AvroRejection::IncompatibleSchema {
                id,
                type_name: type_label(T::schema()),
                reason: e.to_string(),
            })?;
        let writer = Arc::new(Writer { schema, resolver });
        let mut writers = self.writers();
        if writers.len() < MAX_CACHED_WRITERS {
            writers.insert(key, writer.clone());
        }
        Ok(writer)
    }

    fn ids(&self) -> std::sync::MutexGuard<'_, HashMap<u64, IdState>> {
        // Entries are inserted whole, so a poisoned map is still consistent.
        self.0.ids.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn writers(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(SchemaId, TypeId), Arc<dyn Any + Send + Sync>>> {
        self.0
            .writers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A schema's name for messages: a named type's full name, else its type (`array`, `long`…).
pub(crate) fn type_label(schema: &Schema) -> String {
    let kind = &schema.root_node().kind;
    match kind.name() {
        Some(name) => name.fullname().to_owned(),
        None => kind.type_name().to_owned(),
    }
}
