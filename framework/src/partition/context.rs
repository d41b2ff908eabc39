//! [`Context`]: what a handler reaches while it handles a message.

use std::any::TypeId;

use affinity_avro::Avro;

use super::core::PartitionCore;
use crate::state::{State, StateError, type_pair};

/// The partition a handler runs in: its number, its keyspace and its states.
pub struct Context<'a> {
    pub(crate) core: &'a mut PartitionCore,
    pub(crate) keyspace: &'a str,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("keyspace", &self.keyspace)
            .field("partition", &self.core.partition)
            .finish()
    }
}

impl Context<'_> {
    /// The partition's number, in `0..partitions`.
    pub fn partition(&self) -> u32 {
        self.core.partition
    }

    /// The keyspace's name.
    pub fn keyspace(&self) -> &str {
        self.keyspace
    }

    /// The offset of the partition's last write in embedded mode: its local sequence, which
    /// grows by one with every write. With a Kafka changelog offsets belong to each state's
    /// topic (observers see them) and this stays at what the store had before.
    pub fn offset(&self) -> u64 {
        self.core.local_offset()
    }

    /// The state named `name`, with keys `K` and values `V` as the keyspace declared them.
    pub fn state<K, V>(&mut self, name: &str) -> Result<State<'_, K, V>, StateError>
    where
        K: Avro + 'static,
        V: Avro + Send + Sync + 'static,
    {
        let index = self
            .core
            .states()
            .iter()
            .position(|d| d.spec.name == name)
            .ok_or_else(|| StateError::UnknownState(name.to_owned()))?;
        let spec = &self.core.states()[index].spec;
        if spec.key_type != TypeId::of::<K>() || spec.value_type != TypeId::of::<V>() {
            return Err(StateError::WrongType {
                name: name.to_owned(),
                expected: spec.types.clone(),
                asked: type_pair::<K, V>(),
            });
        }
        Ok(State::new(self.core, index))
    }
}
