//! The node (DESIGN.md §3): one process serving keyspaces over HTTP, built from code or a
//! configuration file, with a graceful shutdown.

mod cluster_route;
mod error;
mod lingering;
#[allow(clippy::module_inception)]
mod node;
mod running;
mod signal;

pub use error::NodeError;
pub use node::Node;
pub use running::RunningNode;
