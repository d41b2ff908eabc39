//! Stores: one conformance suite run against `MemoryStore` and `RocksStore`, then what only a
//! persistent store can show (reopening, crashes, directories).

use std::error::Error;
use std::path::Path;

use affinity::store::{MemoryStore, RocksOptions, RocksStore, Store, StoreError, WriteBatch};
use tempfile::TempDir;

/// The suite every store passes, run against both.
#[path = "store/conformance.rs"]
mod conformance;
/// A crash between batches never shows a partial batch.
#[path = "store/crash.rs"]
mod crash;
/// Random batches and scans against a sorted map, on both stores.
#[path = "store/model.rs"]
mod model;
/// RocksStore only: what persists, and where.
#[path = "store/rocks.rs"]
mod rocks;

type TestResult = Result<(), Box<dyn Error>>;

/// A store and, for RocksDB, the directory it lives in (removed on drop, after the store).
struct Fixture {
    store: Box<dyn Store>,
    _dir: Option<TempDir>,
}

fn memory(tables: &[&str]) -> Result<Fixture, Box<dyn Error>> {
    Ok(Fixture {
        store: Box::new(MemoryStore::new(tables)?),
        _dir: None,
    })
}

fn rocks_fixture(tables: &[&str]) -> Result<Fixture, Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let store = RocksStore::open(dir.path().join("p0"), tables, &RocksOptions::default())?;
    Ok(Fixture {
        store: Box::new(store),
        _dir: Some(dir),
    })
}

/// The tables every fixture store has.
const TABLES: &[&str] = &["vertices", "edges", "empty"];

/// Opens a RocksStore with default options.
fn open(path: &Path, tables: &[&str]) -> Result<RocksStore, StoreError> {
    RocksStore::open(path, tables, &RocksOptions::default())
}

/// Writes one put.
fn put(store: &mut dyn Store, table: &str, key: &[u8], value: &[u8]) -> TestResult {
    let mut b = WriteBatch::new();
    b.put(table, key, value);
    Ok(store.write(&b)?)
}

/// The keys of scanned entries.
fn keys(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Vec<u8>> {
    entries.iter().map(|(k, _)| k.clone()).collect()
}
