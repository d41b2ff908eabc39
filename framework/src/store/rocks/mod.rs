//! The RocksDB store: [`RocksStore`] and its [`RocksOptions`].

mod db;
mod layout;
mod options;

pub use db::RocksStore;
pub use options::{BlockCache, RocksOptions};
