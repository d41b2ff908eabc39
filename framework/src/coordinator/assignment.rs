//! [`Assignment`]: which members hold the replicas of each partition of a keyspace.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::MemberId;

/// Which members hold replicas of each partition of one keyspace, the first of each list being
/// the partition's preferred master. Computed by [`assign`](super::assign) (automatic
/// placement) or given by configuration ([`Assignment::from_static`]).
///
/// Within a partition the replicas are distinct. A partition may have no replica (while the
/// cluster has no members).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Vec<MemberId>>", into = "Vec<Vec<MemberId>>")]
pub struct Assignment {
    replicas: Vec<Vec<MemberId>>,
}

impl Assignment {
    /// An assignment from one replica list per partition (index = partition number). A member
    /// listed twice for one partition is an error.
    pub fn new(replicas: Vec<Vec<MemberId>>) -> Result<Assignment, String> {
        if u32::try_from(replicas.len()).is_err() {
            return Err("more than 2^32 partitions".into());
        }
        for (partition, list) in replicas.iter().enumerate() {
            let mut seen = HashSet::new();
            if let Some(twice) = list.iter().find(|m| !seen.insert(*m)) {
                return Err(format!(
                    "member `{twice}` is listed twice for partition {partition}"
                ));
            }
        }
        Ok(Assignment { replicas })
    }

    /// A static placement from configuration: `map` gives the replica list of every partition
    /// `0..partitions`, none empty, none missing, none beyond.
    pub fn from_static(
        partitions: u32,
        map: &BTreeMap<u32, Vec<MemberId>>,
    ) -> Result<Assignment, String> {
        if let Some(beyond) = map.keys().find(|p| **p >= partitions) {
            return Err(format!(
                "the static assignment names partition {beyond}, the keyspace has {partitions}"
            ));
        }
        let mut replicas = Vec::with_capacity(map.len());
        for partition in 0..partitions {
            match map.get(&partition) {
                Some(list) if !list.is_empty() => replicas.push(list.clone()),
                Some(_) => {
                    return Err(format!(
                        "the static assignment gives partition {partition} no replica"
                    ));
                }
                None => {
                    return Err(format!(
                        "the static assignment does not place partition {partition}"
                    ));
                }
            }
        }
        Assignment::new(replicas)
    }

    /// The number of partitions.
    pub fn partitions(&self) -> u32 {
        // `new` bounds the length.
        u32::try_from(self.replicas.len()).unwrap_or(u32::MAX)
    }

    /// The replicas of `partition`, preferred master first; empty for an unknown partition.
    pub fn replicas(&self, partition: u32) -> &[MemberId] {
        self.replicas
            .get(partition as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The preferred master of `partition`: the first of its replicas.
    pub fn preferred_master(&self, partition: u32) -> Option<&MemberId> {
        self.replicas(partition).first()
    }

    /// Whether `member` holds a replica of `partition`.
    pub fn holds(&self, member: &MemberId, partition: u32) -> bool {
        self.replicas(partition).contains(member)
    }

    /// The partitions of which `member` holds a replica, ascending.
    pub fn partitions_of(&self, member: &MemberId) -> Vec<u32> {
        (0..self.partitions())
            .filter(|p| self.holds(member, *p))
            .collect()
    }

    /// How many replicas each member holds (members holding none are absent).
    pub fn load(&self) -> BTreeMap<&MemberId, usize> {
        let mut load = BTreeMap::new();
        for member in self.replicas.iter().flatten() {
            *load.entry(member).or_insert(0) += 1;
        }
        load
    }

    /// How many replicas `self` places where `previous` did not: the number of replicas that
    /// must be built (copied from the changelog) to go from `previous` to `self`.
    pub fn moves_from(&self, previous: &Assignment) -> usize {
        (0..self.partitions())
            .map(|p| {
                let before = previous.replicas(p);
                self.replicas(p)
                    .iter()
                    .filter(|m| !before.contains(m))
                    .count()
            })
            .sum()
    }

    /// Every replica list, by partition.
    pub fn as_lists(&self) -> &[Vec<MemberId>] {
        &self.replicas
    }
}

impl TryFrom<Vec<Vec<MemberId>>> for Assignment {
    type Error = String;

    fn try_from(replicas: Vec<Vec<MemberId>>) -> Result<Self, Self::Error> {
        Assignment::new(replicas)
    }
}

impl From<Assignment> for Vec<Vec<MemberId>> {
    fn from(assignment: Assignment) -> Self {
        assignment.replicas
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> MemberId {
        MemberId::new(s).unwrap()
    }

    #[test]
    fn static_placements_must_cover_every_partition_once() {
        let mut map = BTreeMap::new();
        map.insert(0, vec![id("a"), id("b")]);
        assert!(
            Assignment::from_static(2, &map)
                .unwrap_err()
                .contains("does not place partition 1")
        );
        map.insert(1, vec![]);
        assert!(
            Assignment::from_static(2, &map)
                .unwrap_err()
                .contains("no replica")
        );
        map.insert(1, vec![id("b"), id("b")]);
        assert!(
            Assignment::from_static(2, &map)
                .unwrap_err()
                .contains("twice")
        );
        map.insert(1, vec![id("b")]);
        map.insert(2, vec![id("b")]);
        assert!(
            Assignment::from_static(2, &map)
                .unwrap_err()
                .contains("names partition 2")
        );
        map.remove(&2);
        let assignment = Assignment::from_static(2, &map).unwrap();
        assert_eq!(assignment.preferred_master(1), Some(&id("b")));
        assert_eq!(assignment.partitions_of(&id("a")), [0]);
        assert_eq!(assignment.replicas(7), &[] as &[MemberId]);
    }

    #[test]
    fn json_round_trip_checks_distinct_replicas() {
        let assignment = Assignment::new(vec![vec![id("a"), id("b")], vec![id("b")]]).unwrap();
        let json = serde_json::to_string(&assignment).unwrap();
        assert_eq!(json, r#"[["a","b"],["b"]]"#);
        assert_eq!(
            serde_json::from_str::<Assignment>(&json).unwrap(),
            assignment
        );
        assert!(serde_json::from_str::<Assignment>(r#"[["a","a"]]"#).is_err());
    }
}
