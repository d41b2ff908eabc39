//! The ZooKeeper coordinator (layout and design in the [parent module](super)).

mod config;
mod controller;
mod election;
mod guard;
mod handle;
mod held;
mod keyspaces;
mod membership;
mod paths;
mod routing;
mod shared;

pub use config::ZookeeperConfig;
pub use handle::ZookeeperCoordinator;
