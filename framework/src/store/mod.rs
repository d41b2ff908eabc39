//! Partition storage: the [`Store`] trait, its RocksDB ([`RocksStore`]) and in-memory
//! ([`MemoryStore`]) implementations, and the order-preserving key encoding ([`key`]) that
//! lets states keyed by Avro types scan in key order.
//!
//! A store holds one partition's data (DESIGN.md §3): named tables — one per state — of byte
//! keys and byte values kept in key order, and the partition's *checkpoint*, the changelog
//! offset (or local sequence, in embedded mode) its data is current to. A [`WriteBatch`]
//! carries puts and deletes across tables together with a new checkpoint and is applied
//! atomically, so that a restarted partition replays exactly from where its data stops
//! (DESIGN.md §4.4). Reads are point lookups ([`Store::get`]) and scans over a [`KeyRange`]
//! in either [`Direction`], a bounded [`Page`] at a time; a [`StoreReader`] makes point reads
//! from other threads while the partition writes.
//!
//! The store deals in bytes; typed states build on it with [`TypedKeyCodec`] for keys (whose
//! byte order is the Avro sort order of the key values) and Avro for values.

mod batch;
mod contract;
mod error;
pub mod key;
mod memory;
mod range;
mod reader;
mod rocks;
mod table;

pub use batch::{Mutation, WriteBatch};
pub use contract::Store;
pub use error::StoreError;
pub use key::{KeyCodec, KeyError, TypedKeyCodec};
pub use memory::MemoryStore;
pub use range::{Direction, KeyRange, Page};
pub use reader::StoreReader;
pub use rocks::{BlockCache, RocksOptions, RocksStore};
pub use table::{MAX_TABLE_NAME_LEN, check_table_name};
