//! [`StateError`].

use crate::store::{KeyError, StoreError};

/// An error of a [`State`](super::State) operation. A failed write has changed nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// A state name that cannot be used (see [`check_state_name`](super::check_state_name)).
    #[error(
        "invalid state name `{0}`: use 1 to 100 ASCII letters, digits, '_' or '-', not starting with '_'"
    )]
    InvalidName(String),
    /// The keyspace has no state of that name.
    #[error("no state named `{0}`")]
    UnknownState(String),
    /// The state exists with other key or value types.
    #[error("state `{name}` holds {expected}, not {asked}")]
    WrongType {
        /// The state.
        name: String,
        /// Its key and value types.
        expected: String,
        /// The types asked for.
        asked: String,
    },
    /// [`State::insert`](super::State::insert) of a key that already has a value.
    #[error("the key already has a value")]
    AlreadyExists,
    /// A write on a standby replica: writes go to the partition's master.
    #[error("this replica of the partition is a standby: writes go to its master")]
    Standby,
    /// A key that cannot be stored or read back (for example a key type with a map in it).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A stored value was written with a schema this node cannot read into the value type.
    #[error("a stored value was written with schema id {id}, which cannot be read: {reason}")]
    Schema {
        /// The writer schema id.
        id: u32,
        /// Why.
        reason: String,
    },
    /// A stored value does not decode.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The changelog did not take the write (nothing changed).
    #[error(transparent)]
    Changelog(Box<crate::changelog::ChangelogError>),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An error of the partition's master on another node that has no variant here (its
    /// source did not travel): the master's message.
    #[error("on the partition's master: {0}")]
    OnMaster(String),
}

impl From<crate::changelog::ChangelogError> for StateError {
    fn from(error: crate::changelog::ChangelogError) -> Self {
        StateError::Changelog(Box::new(error))
    }
}
