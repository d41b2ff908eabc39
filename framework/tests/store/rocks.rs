//! What only a persistent store can show: reopening, several directories, bad paths.

use affinity::store::{
    BlockCache, MemoryStore, RocksOptions, RocksStore, Store, StoreError, WriteBatch,
};

use crate::{TestResult, open, put};

#[test]
fn reopening_gives_back_the_data_and_checkpoint() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("p0");
    let mut store = open(&path, &["vertices", "edges"])?;
    let mut b = WriteBatch::new();
    b.put("vertices", b"a", b"1")
        .put("edges", b"e", b"2")
        .set_checkpoint(41);
    store.write(&b)?;
    b.clear();
    b.delete("vertices", b"a")
        .put("vertices", b"b", b"3")
        .set_checkpoint(42);
    store.write(&b)?;
    store.close()?;

    // Reopening with fewer tables still opens (and lists) the others; a new one is created.
    let mut store = open(&path, &["vertices", "sessions"])?;
    assert_eq!(store.tables(), ["edges", "sessions", "vertices"]);
    assert_eq!(store.checkpoint()?, Some(42));
    assert_eq!(store.get("vertices", b"a")?, None);
    assert_eq!(store.get("vertices", b"b")?, Some(b"3".to_vec()));
    assert_eq!(store.get("edges", b"e")?, Some(b"2".to_vec()));
    put(&mut store, "sessions", b"s", b"4")?;
    // Dropping without close() closes too.
    drop(store);

    let store = open(&path, &[] as &[&str])?;
    assert_eq!(store.get("sessions", b"s")?, Some(b"4".to_vec()));
    assert_eq!(store.checkpoint()?, Some(42));
    Ok(())
}

#[test]
fn a_new_store_has_no_checkpoint_and_reopens_without_one() -> TestResult {
    let dir = tempfile::tempdir()?;
    // An existing empty directory is fine too.
    let store = open(dir.path(), &["t"])?;
    assert_eq!(store.checkpoint()?, None);
    drop(store);
    assert_eq!(open(dir.path(), &["t"])?.checkpoint()?, None);
    Ok(())
}

#[test]
fn partitions_in_two_directories_are_independent() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut p0 = open(&dir.path().join("p0"), &["t"])?;
    let mut p1 = open(&dir.path().join("p1"), &["t"])?;
    let mut b = WriteBatch::new();
    b.put("t", b"k", b"zero").set_checkpoint(5);
    p0.write(&b)?;
    b.clear();
    b.put("t", b"k", b"one")
        .put("t", b"only-1", b"")
        .set_checkpoint(9);
    p1.write(&b)?;
    assert_eq!(p0.get("t", b"k")?, Some(b"zero".to_vec()));
    assert_eq!(p0.get("t", b"only-1")?, None);
    assert_eq!((p0.checkpoint()?, p1.checkpoint()?), (Some(5), Some(9)));
    p1.close()?;
    // Closing one leaves the other working, and reopening finds each where it was.
    put(&mut p0, "t", b"k", b"zero again")?;
    p0.close()?;
    let p1 = open(&dir.path().join("p1"), &["t"])?;
    assert_eq!(p1.get("t", b"k")?, Some(b"one".to_vec()));
    assert_eq!(p1.checkpoint()?, Some(9));
    Ok(())
}

#[test]
fn paths_that_are_not_stores_are_refused_and_left_alone() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("file");
    std::fs::write(&file, b"data")?;
    assert!(matches!(
        open(&file, &["t"]),
        Err(StoreError::NotAStore { .. })
    ));
    assert_eq!(std::fs::read(&file)?, b"data");

    let other = dir.path().join("home");
    std::fs::create_dir(&other)?;
    std::fs::write(other.join("notes.txt"), b"mine")?;
    let err = open(&other, &["t"]).err();
    assert!(
        matches!(&err, Some(StoreError::NotAStore { reason, .. }) if reason.contains("non-empty")),
        "{err:?}"
    );
    assert_eq!(std::fs::read_dir(&other)?.count(), 1);

    // A RocksDB database that Affinity did not create.
    let foreign = dir.path().join("foreign");
    {
        let mut o = rocksdb::Options::default();
        o.create_if_missing(true);
        let db = rocksdb::DB::open(&o, &foreign)?;
        db.put(b"k", b"v")?;
    }
    assert!(matches!(
        open(&foreign, &["t"]),
        Err(StoreError::NotAStore { .. })
    ));
    Ok(())
}

#[test]
fn bad_table_names_are_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    for bad in ["", "__affinity_meta", "default", "a/b"] {
        assert!(
            matches!(
                open(dir.path(), &[bad]),
                Err(StoreError::InvalidTableName { .. })
            ),
            "{bad}"
        );
        assert!(matches!(
            MemoryStore::new([bad]),
            Err(StoreError::InvalidTableName { .. })
        ));
    }
    // Nothing was created by the refused opens.
    assert_eq!(std::fs::read_dir(dir.path())?.count(), 0);
    Ok(())
}

#[test]
fn a_store_open_elsewhere_is_not_opened_twice() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut first = open(dir.path(), &["t"])?;
    let second = open(dir.path(), &["t"]);
    assert!(
        matches!(
            second,
            Err(StoreError::Backend {
                operation: "open",
                ..
            })
        ),
        "{second:?}"
    );
    put(&mut first, "t", b"k", b"v")?;
    assert_eq!(first.get("t", b"k")?, Some(b"v".to_vec()));
    Ok(())
}

#[test]
fn a_reader_does_not_keep_a_closed_store_open() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut first = open(dir.path(), &["t"])?;
    put(&mut first, "t", b"k", b"v")?;
    let reader = first.reader().ok_or("no reader")?;
    first.close()?;
    // The reader is still alive, and the database's lock is released all the same.
    let second = open(dir.path(), &["t"])?;
    assert_eq!(second.get("t", b"k")?, Some(b"v".to_vec()));
    assert!(matches!(reader.get("t", b"k"), Err(StoreError::Closed)));
    Ok(())
}

#[test]
fn synced_writes_and_a_shared_cache_work_the_same() -> TestResult {
    let dir = tempfile::tempdir()?;
    let cache = BlockCache::new(4 << 20);
    let options = RocksOptions::default()
        .sync_writes(true)
        .block_cache(cache.clone())
        .write_buffer_size(1 << 20);
    let mut stores = Vec::new();
    for p in 0..2 {
        stores.push(RocksStore::open(
            dir.path().join(format!("p{p}")),
            ["t"],
            &options,
        )?);
    }
    for (p, s) in stores.iter_mut().enumerate() {
        put(s, "t", b"k", &[p as u8])?;
    }
    for (p, s) in stores.iter().enumerate() {
        assert_eq!(s.get("t", b"k")?, Some(vec![p as u8]));
    }
    Ok(())
}
