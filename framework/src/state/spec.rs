//! What a keyspace declares about a state ([`StateSpec`]) and what the node learns about it from
//! the schema registry when it starts ([`StateSchemas`]).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use affinity_avro::{Avro, ResolveError, Schema, TypedResolver};

use super::StateError;
use crate::store::KeyCodec;

/// A type-erased [`TypedResolver`] for a state's value type.
pub(crate) type AnyResolver = Arc<dyn Any + Send + Sync>;

/// The longest state name, in bytes.
pub const MAX_STATE_NAME_LEN: usize = 100;

/// A state as a keyspace declares it: name, TTL, and key and value types.
pub(crate) struct StateSpec {
    pub(crate) name: String,
    pub(crate) ttl: Option<Duration>,
    pub(crate) key_type: TypeId,
    pub(crate) value_type: TypeId,
    pub(crate) types: String,
    pub(crate) key_schema: &'static Schema,
    pub(crate) value_schema: &'static Schema,
    pub(crate) key_codec: KeyCodec<'static>,
    make_resolver: fn(&Schema) -> Result<AnyResolver, ResolveError>,
}

impl std::fmt::Debug for StateSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateSpec")
            .field("name", &self.name)
            .field("ttl", &self.ttl)
            .field("types", &self.types)
            .finish_non_exhaustive()
    }
}

fn resolver_for<V: Avro + Send + Sync + 'static>(
    writer: &Schema,
) -> Result<AnyResolver, ResolveError> {
    Ok(Arc::new(TypedResolver::<V>::new(writer)?))
}

impl StateSpec {
    /// The spec of a state named `name` with keys `K` and values `V`.
    pub(crate) fn new<K, V>(name: &str, ttl: Option<Duration>) -> Result<Self, StateError>
    where
        K: Avro + 'static,
        V: Avro + Send + Sync + 'static,
    {
        check_state_name(name)?;
        Ok(StateSpec {
            name: name.to_owned(),
            ttl,
            key_type: TypeId::of::<K>(),
            value_type: TypeId::of::<V>(),
            types: type_pair::<K, V>(),
            key_schema: K::schema(),
            value_schema: V::schema(),
            key_codec: KeyCodec::new(K::schema())?,
            make_resolver: resolver_for::<V>,
        })
    }

    /// The store table holding the values.
    pub(crate) fn table(&self) -> &str {
        &self.name
    }

    /// The store table indexing values by event time, for states with a TTL. (`.` cannot
    /// appear in a state name, so this never collides with one.)
    pub(crate) fn expiry_table(&self) -> Option<String> {
        self.ttl.map(|_| format!("{}.expiry", self.name))
    }

    /// The registry subjects of the key and value schemas: `<keyspace>-<state>-key` and
    /// `-value`, in both modes (in Kafka mode they are also registered under the changelog
    /// topic's subjects, see [`topic_name`](crate::changelog::topic_name)).
    pub(crate) fn subjects(&self, keyspace: &str) -> (String, String) {
        let topic = format!("{keyspace}-{}", self.name);
        (format!("{topic}-key"), format!("{topic}-value"))
    }

    /// A resolver from `writer` to the value type.
    pub(crate) fn resolver(&self, writer: &Schema) -> Result<AnyResolver, ResolveError> {
        (self.make_resolver)(writer)
    }
}

/// `"K → V"` with the types' names, for error messages.
pub(crate) fn type_pair<K, V>() -> String {
    format!(
        "{} → {}",
        std::any::type_name::<K>(),
        std::any::type_name::<V>()
    )
}

/// What the registry says about a state's schemas: the ids of the current key and value
/// schemas, and a resolver for every earlier value schema, so values written before the type
/// evolved still read.
#[derive(Default)]
pub(crate) struct StateSchemas {
    pub(crate) key_id: u32,
    pub(crate) value_id: u32,
    pub(crate) resolvers: HashMap<u32, AnyResolver>,
}

impl std::fmt::Debug for StateSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut older: Vec<_> = self.resolvers.keys().collect();
        older.sort();
        f.debug_struct("StateSchemas")
            .field("key_id", &self.key_id)
            .field("value_id", &self.value_id)
            .field("older", &older)
            .finish()
    }
}

/// A state ready to serve: its spec and schemas.
#[derive(Debug)]
pub(crate) struct StateDef {
    pub(crate) spec: StateSpec,
    pub(crate) schemas: StateSchemas,
}

impl StateDef {
    /// Decodes a stored value body written with schema `schema_id` into `V` (the state's value
    /// type): directly when it is the current schema, through schema resolution when it is an
    /// earlier version of the value subject.
    pub(crate) fn decode<V: Avro + 'static>(
        &self,
        schema_id: u32,
        body: &[u8],
    ) -> Result<V, StateError> {
        if schema_id == self.schemas.value_id {
            return affinity_avro::from_slice::<V>(body)
                .map_err(|e| StateError::Corrupt(e.to_string()));
        }
        let resolver = self
            .schemas
            .resolvers
            .get(&schema_id)
            .and_then(|r| r.downcast_ref::<TypedResolver<V>>())
            .ok_or_else(|| StateError::Schema {
                id: schema_id,
                reason: "the schema is not a version of this state's value subject".to_owned(),
            })?;
        resolver.decode(body).map_err(|e| StateError::Schema {
            id: schema_id,
            reason: e.to_string(),
        })
    }
}

/// Checks a state name: 1 to [`MAX_STATE_NAME_LEN`] ASCII letters, digits, `_` or `-`, not
/// starting with `_`.
pub fn check_state_name(name: &str) -> Result<(), StateError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_STATE_NAME_LEN
        && !name.starts_with('_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(StateError::InvalidName(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["vertices", "user-sessions", "a_1"] {
            assert!(check_state_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "_x", "a.b", "a b", "ä"] {
            assert!(check_state_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn subjects_follow_the_changelog_topic() {
        let spec = StateSpec::new::<i64, String>("vertices", None).unwrap();
        assert_eq!(
            spec.subjects("graph"),
            (
                "graph-vertices-key".to_owned(),
                "graph-vertices-value".to_owned()
            )
        );
        assert_eq!(spec.expiry_table(), None);
        let ttl = StateSpec::new::<i64, String>("s", Some(Duration::from_secs(1))).unwrap();
        assert_eq!(ttl.expiry_table().as_deref(), Some("s.expiry"));
    }
}
