//! Typed partition state: [`State`], its stored layout (the `record` module), and what a keyspace
//! declares about each state.
//!
//! A state is a named table of one partition's store with Avro keys `K` and values `V`
//! (DESIGN.md §3). Keys are stored in the order-preserving encoding of
//! [`store::key`](crate::store::key), so scans run in key order; values are stored with a small
//! header — schema id, offset, event time — described in the `record` module.

mod change;
mod error;
pub(crate) mod record;
mod spec;
#[allow(clippy::module_inception)]
mod state;
mod wire;

pub use change::StateChange;
pub use error::StateError;
pub use spec::{MAX_STATE_NAME_LEN, check_state_name};
pub(crate) use spec::{StateDef, StateSchemas, StateSpec, type_pair};
pub use state::State;
