//! [`KeyspaceSpec`]: what the coordinator needs to know about a keyspace.

use std::collections::BTreeMap;

use super::member::check_name;
use super::{Assignment, CoordinatorError, MemberId};

/// How a keyspace's replicas are placed on members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Placement {
    /// Computed by [`assign`](super::assign) from the live members, rebalanced with minimal
    /// movement when members join or leave.
    #[default]
    Automatic,
    /// Given by configuration: partition → its replicas, preferred master first. It does not
    /// follow membership: a listed member that is down simply does not serve.
    Static(BTreeMap<u32, Vec<MemberId>>),
}

/// A keyspace as the coordinator sees it: a name, a partition count, a replication factor and
/// a placement. Every node of a cluster must declare a keyspace with the same partition count
/// and replication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyspaceSpec {
    /// The keyspace's name (a ZooKeeper path segment: `A-Z a-z 0-9 . _ -`).
    pub name: String,
    /// Its number of partitions, at least 1.
    pub partitions: u32,
    /// How many members hold a replica of each partition (master included), at least 1.
    pub replicas: u32,
    /// How the replicas are placed.
    pub placement: Placement,
}

impl KeyspaceSpec {
    /// A keyspace with automatic placement.
    pub fn new(name: impl Into<String>, partitions: u32, replicas: u32) -> KeyspaceSpec {
        KeyspaceSpec {
            name: name.into(),
            partitions,
            replicas,
            placement: Placement::Automatic,
        }
    }

    /// The same keyspace with a static placement (see [`Placement::Static`]).
    pub fn with_static_placement(mut self, map: BTreeMap<u32, Vec<MemberId>>) -> KeyspaceSpec {
        self.placement = Placement::Static(map);
        self
    }

    /// Checks the declaration; for a static placement, returns its assignment.
    pub(crate) fn validate(&self) -> Result<Option<Assignment>, CoordinatorError> {
        check_name("keyspace name", &self.name)?;
        let invalid = |reason: String| CoordinatorError::InvalidKeyspace {
            keyspace: self.name.clone(),
            reason,
        };
        if self.partitions == 0 {
            return Err(invalid("it has no partitions".into()));
        }
        if self.replicas == 0 {
            return Err(invalid("its replication is 0".into()));
        }
        match &self.placement {
            Placement::Automatic => Ok(None),
            Placement::Static(map) => Assignment::from_static(self.partitions, map)
                .map(Some)
                .map_err(invalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_declarations_are_named() {
        let error = KeyspaceSpec::new("a/b", 1, 1).validate().unwrap_err();
        assert!(
            error.to_string().contains("invalid keyspace name `a/b`"),
            "{error}"
        );
        let error = KeyspaceSpec::new("g", 0, 1).validate().unwrap_err();
        assert!(error.to_string().contains("no partitions"), "{error}");
        let error = KeyspaceSpec::new("g", 1, 0).validate().unwrap_err();
        assert!(error.to_string().contains("replication is 0"), "{error}");
        let error = KeyspaceSpec::new("g", 2, 1)
            .with_static_placement(BTreeMap::new())
            .validate()
            .unwrap_err();
        assert!(
            error.to_string().contains("does not place partition 0"),
            "{error}"
        );
        assert_eq!(KeyspaceSpec::new("g", 2, 1).validate().unwrap(), None);
    }
}
