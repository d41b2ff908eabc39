//! [`Member`] and [`MemberId`]: who is in the cluster and how to reach them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::CoordinatorError;

/// The live members of a cluster, by id.
pub type Members = BTreeMap<MemberId, Member>;

/// The longest name accepted for a member id or a keyspace in the coordinator.
pub const MAX_NAME_LEN: usize = 128;

/// A node's identity in its cluster: unique among the live members, stable across restarts of
/// the node (the assignment refers to it).
///
/// It becomes a ZooKeeper path segment, so it is 1 to [`MAX_NAME_LEN`] characters of
/// `A-Z a-z 0-9 . _ -`, not starting with a dot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MemberId(String);

impl MemberId {
    /// The id, checked (see the type's docs).
    pub fn new(id: impl Into<String>) -> Result<MemberId, CoordinatorError> {
        let id = id.into();
        check_name("member id", &id)?;
        Ok(MemberId(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for MemberId {
    type Err = CoordinatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MemberId::new(s)
    }
}

impl TryFrom<String> for MemberId {
    type Error = CoordinatorError;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        MemberId::new(id)
    }
}

impl From<MemberId> for String {
    fn from(id: MemberId) -> Self {
        id.0
    }
}

/// A live node of the cluster: its id and the addresses it advertises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The node's id.
    pub id: MemberId,
    /// Where clients reach the node's HTTP listener (`host:port`), as clients should dial it.
    pub http: String,
    /// Where other nodes reach its peer link (`host:port`).
    pub peer: String,
}

impl Member {
    /// A member with these addresses.
    pub fn new(id: MemberId, http: impl Into<String>, peer: impl Into<String>) -> Member {
        Member {
            id,
            http: http.into(),
            peer: peer.into(),
        }
    }
}

/// Checks a name that becomes a ZooKeeper path segment (a member id or a keyspace name).
pub(crate) fn check_name(what: &'static str, name: &str) -> Result<(), CoordinatorError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > MAX_NAME_LEN {
        Some("it is longer than 128 characters")
    } else if name.starts_with('.') {
        Some("it starts with a dot")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        Some("only A-Z, a-z, 0-9, '.', '_' and '-' are allowed")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(CoordinatorError::InvalidName {
            what,
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_cannot_be_path_segments_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            ".hidden",
            "a/b",
            "a b",
            "é",
            &"x".repeat(129),
        ] {
            let error = MemberId::new(bad).unwrap_err();
            assert!(
                matches!(error, CoordinatorError::InvalidName { .. }),
                "{bad:?}: {error}"
            );
        }
        for good in ["node-1", "n1.eu_west", &"x".repeat(128)] {
            assert_eq!(MemberId::new(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn a_member_reads_back_from_its_json_and_a_bad_id_in_json_is_an_error() {
        let member = Member::new(MemberId::new("a").unwrap(), "127.0.0.1:1", "127.0.0.1:2");
        let json = serde_json::to_string(&member).unwrap();
        assert_eq!(serde_json::from_str::<Member>(&json).unwrap(), member);
        let bad = r#"{"id":"a/b","http":"h","peer":"p"}"#;
        assert!(serde_json::from_str::<Member>(bad).is_err());
    }
}
