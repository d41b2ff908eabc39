//! The conformance suite: each case runs against a fresh `MemoryStore` and a fresh `RocksStore`.

use std::collections::BTreeMap;
use std::error::Error;
use std::ops::Bound;

use affinity::store::{Direction, KeyRange, Store, StoreError, WriteBatch};

use crate::{TestResult, keys, put};

/// Runs each case against both stores, as `memory_store::<case>` and `rocks_store::<case>`.
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod memory_store {
            $( #[test] fn $case() -> crate::TestResult { super::$case(&mut *crate::memory(crate::TABLES)?.store) } )*
        }
        mod rocks_store {
            $( #[test] fn $case() -> crate::TestResult { super::$case(&mut *crate::rocks_fixture(crate::TABLES)?.store) } )*
        }
    };
}

conformance!(
    put_get_delete,
    batches_apply_in_order,
    scans_follow_key_order_within_bounds,
    pages_cover_a_range_exactly_once,
    a_batch_is_atomic_with_its_checkpoint,
    a_failed_batch_applies_nothing,
    empty_and_unknown_tables,
    a_closed_store_refuses_work,
    a_reader_sees_whole_batches_from_another_thread,
    a_reader_of_a_closed_store_is_refused,
);

fn put_get_delete(store: &mut dyn Store) -> TestResult {
    assert_eq!(store.get("vertices", b"k")?, None);
    put(store, "vertices", b"k", b"1")?;
    assert_eq!(store.get("vertices", b"k")?, Some(b"1".to_vec()));
    put(store, "vertices", b"k", b"2")?;
    assert_eq!(store.get("vertices", b"k")?, Some(b"2".to_vec()));
    // Tables are separate namespaces.
    assert_eq!(store.get("edges", b"k")?, None);
    // Empty keys and values, and keys with 0x00 and 0xFF bytes, are ordinary.
    put(store, "vertices", b"", b"")?;
    put(store, "vertices", b"\0\xFF", b"\xFF")?;
    assert_eq!(store.get("vertices", b"")?, Some(Vec::new()));
    assert_eq!(store.get("vertices", b"\0\xFF")?, Some(b"\xFF".to_vec()));
    let mut b = WriteBatch::new();
    b.delete("vertices", b"k")
        .delete("vertices", b"never there");
    store.write(&b)?;
    assert_eq!(store.get("vertices", b"k")?, None);
    assert_eq!(store.get("vertices", b"")?, Some(Vec::new()));
    Ok(())
}

fn batches_apply_in_order(store: &mut dyn Store) -> TestResult {
    let mut b = WriteBatch::new();
    b.put("vertices", b"a", b"1")
        .delete("vertices", b"a")
        .delete("vertices", b"b")
        .put("vertices", b"b", b"1")
        .put("vertices", b"c", b"1")
        .put("vertices", b"c", b"2");
    store.write(&b)?;
    assert_eq!(store.get("vertices", b"a")?, None);
    assert_eq!(store.get("vertices", b"b")?, Some(b"1".to_vec()));
    assert_eq!(store.get("vertices", b"c")?, Some(b"2".to_vec()));
    Ok(())
}

/// Keys chosen around the edges of byte order: empty, 0x00, 0xFF, prefixes of each other.
const EDGE_KEYS: &[&[u8]] = &[
    b"",
    b"\0",
    b"\0\0",
    b"a",
    b"a\0",
    b"a\xFF",
    b"a\xFF\xFF",
    b"ab",
    b"b",
    b"\xFF",
    b"\xFF\xFF",
];

fn fill_edge_keys(store: &mut dyn Store) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, Box<dyn Error>> {
    let mut model = BTreeMap::new();
    let mut b = WriteBatch::new();
    // Written in reverse, so that insertion order cannot pass for key order.
    for (i, k) in EDGE_KEYS.iter().enumerate().rev() {
        b.put("vertices", *k, vec![i as u8]);
        model.insert(k.to_vec(), vec![i as u8]);
    }
    store.write(&b)?;
    Ok(model)
}

fn ranges() -> Vec<KeyRange> {
    let b = |k: &[u8]| k.to_vec();
    vec![
        KeyRange::all(),
        KeyRange::prefix(b"a".to_vec()),
        KeyRange::prefix(b"a\xFF".to_vec()),
        KeyRange::prefix(b"\xFF".to_vec()),
        KeyRange::prefix(Vec::new()),
        KeyRange::between(b"a".to_vec(), b"b".to_vec()),
        KeyRange::from_key(b"a\0".to_vec()),
        KeyRange::new(Bound::Excluded(b(b"a")), Bound::Included(b(b"ab"))),
        KeyRange::new(Bound::Unbounded, Bound::Included(b(b"\0"))),
        KeyRange::new(Bound::Excluded(b(b"")), Bound::Excluded(b(b"a"))),
        KeyRange::new(Bound::Included(b(b"b")), Bound::Excluded(b(b"a"))), // inverted: empty
        KeyRange::between(b"a".to_vec(), b"a".to_vec()),                   // empty
    ]
}

fn scans_follow_key_order_within_bounds(store: &mut dyn Store) -> TestResult {
    let model = fill_edge_keys(store)?;
    for range in ranges() {
        let expected: Vec<_> = model
            .iter()
            .filter(|(k, _)| range.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let fwd = store.scan("vertices", &range, Direction::Forward, 100)?;
        assert_eq!(fwd.entries, expected, "forward {range:?}");
        assert_eq!(fwd.rest, None);
        let rev = store.scan("vertices", &range, Direction::Reverse, 100)?;
        let mut reversed = expected.clone();
        reversed.reverse();
        assert_eq!(rev.entries, reversed, "reverse {range:?}");
    }
    Ok(())
}

fn pages_cover_a_range_exactly_once(store: &mut dyn Store) -> TestResult {
    let model = fill_edge_keys(store)?;
    for range in ranges() {
        let expected: Vec<_> = model
            .keys()
            .filter(|k| range.contains(k))
            .cloned()
            .collect();
        for direction in [Direction::Forward, Direction::Reverse] {
            for limit in 1..4 {
                let mut seen = Vec::new();
                let mut next = Some(range.clone());
                while let Some(r) = next {
                    let page = store.scan("vertices", &r, direction, limit)?;
                    assert!(page.entries.len() <= limit);
                    // A page is only short at the end.
                    assert!(page.rest.is_none() || page.entries.len() == limit);
                    seen.extend(keys(&page.entries));
                    next = page.rest;
                }
                let mut want = expected.clone();
                if direction == Direction::Reverse {
                    want.reverse();
                }
                assert_eq!(seen, want, "{range:?} {direction:?} limit {limit}");
            }
            // A page that ends exactly at the last entry says there is nothing more.
            let exact = store.scan("vertices", &range, direction, expected.len())?;
            assert_eq!((exact.entries.len(), exact.rest), (expected.len(), None));
            // Limit 0 returns nothing but says whether anything is there.
            let probe = store.scan("vertices", &range, direction, 0)?;
            assert!(probe.entries.is_empty());
            assert_eq!(probe.rest.is_some(), !expected.is_empty(), "{range:?}");
        }
    }
    Ok(())
}

fn a_batch_is_atomic_with_its_checkpoint(store: &mut dyn Store) -> TestResult {
    assert_eq!(store.checkpoint()?, None);
    let mut b = WriteBatch::new();
    b.put("vertices", b"v1", b"x")
        .put("edges", b"v1-v2", b"")
        .set_checkpoint(10);
    store.write(&b)?;
    assert_eq!(store.checkpoint()?, Some(10));
    assert_eq!(store.get("edges", b"v1-v2")?, Some(Vec::new()));
    // A batch without a checkpoint keeps it; a checkpoint alone moves it.
    put(store, "vertices", b"v2", b"y")?;
    assert_eq!(store.checkpoint()?, Some(10));
    let mut b = WriteBatch::new();
    b.set_checkpoint(12);
    store.write(&b)?;
    assert_eq!(store.checkpoint()?, Some(12));
    // The store records what it is given; ordering checkpoints is the caller's business.
    b.clear();
    b.set_checkpoint(3);
    store.write(&b)?;
    assert_eq!(store.checkpoint()?, Some(3));
    store.write(&WriteBatch::new())?;
    assert_eq!(store.checkpoint()?, Some(3));
    Ok(())
}

fn a_failed_batch_applies_nothing(store: &mut dyn Store) -> TestResult {
    let mut b = WriteBatch::new();
    b.put("vertices", b"a", b"1").set_checkpoint(1);
    store.write(&b)?;
    let mut bad = WriteBatch::new();
    bad.put("vertices", b"a", b"2")
        .delete("edges", b"x")
        .put("nope", b"k", b"v")
        .put("vertices", b"b", b"2")
        .set_checkpoint(2);
    assert!(matches!(store.write(&bad), Err(StoreError::UnknownTable(t)) if t == "nope"));
    assert_eq!(store.get("vertices", b"a")?, Some(b"1".to_vec()));
    assert_eq!(store.get("vertices", b"b")?, None);
    assert_eq!(store.checkpoint()?, Some(1));
    Ok(())
}

fn empty_and_unknown_tables(store: &mut dyn Store) -> TestResult {
    assert_eq!(store.tables(), ["edges", "empty", "vertices"]);
    fill_edge_keys(store)?;
    assert_eq!(store.get("empty", b"a")?, None);
    let page = store.scan("empty", &KeyRange::all(), Direction::Forward, 10)?;
    assert_eq!((page.entries.len(), page.rest), (0, None));
    for name in ["nope", "__affinity_meta", "default"] {
        assert!(
            matches!(store.get(name, b"a"), Err(StoreError::UnknownTable(_))),
            "{name}"
        );
        let scan = store.scan(name, &KeyRange::all(), Direction::Forward, 1);
        assert!(matches!(scan, Err(StoreError::UnknownTable(_))), "{name}");
    }
    Ok(())
}

fn a_closed_store_refuses_work(store: &mut dyn Store) -> TestResult {
    put(store, "vertices", b"a", b"1")?;
    store.flush()?;
    store.close()?;
    store.close()?;
    assert!(matches!(
        store.get("vertices", b"a"),
        Err(StoreError::Closed)
    ));
    assert!(matches!(store.checkpoint(), Err(StoreError::Closed)));
    let mut b = WriteBatch::new();
    b.put("vertices", b"a", b"2");
    assert!(matches!(store.write(&b), Err(StoreError::Closed)));
    let scan = store.scan("vertices", &KeyRange::all(), Direction::Forward, 1);
    assert!(matches!(scan, Err(StoreError::Closed)));
    assert!(matches!(store.flush(), Err(StoreError::Closed)));
    Ok(())
}

fn a_reader_sees_whole_batches_from_another_thread(store: &mut dyn Store) -> TestResult {
    let reader = store.reader().ok_or("the store has no reader")?;
    assert_eq!(reader.get("vertices", b"a")?, None);
    assert!(matches!(
        reader.get("nope", b"a"),
        Err(StoreError::UnknownTable(_))
    ));
    // Each batch sets both keys to its number: a reader on another thread must never see
    // them differ, and must see the numbers grow.
    const BATCHES: u32 = 500;
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| -> TestResult {
        let watcher = scope.spawn(|| -> Result<u32, String> {
            let (mut seen, mut last) = (0, 0);
            while !done.load(std::sync::atomic::Ordering::Acquire) || seen == 0 {
                let a = reader.get("vertices", b"a").map_err(|e| e.to_string())?;
                let b = reader.get("edges", b"b").map_err(|e| e.to_string())?;
                let (Some(a), Some(b)) = (a, b) else {
                    continue;
                };
                let a = u32::from_be_bytes(a.try_into().map_err(|_| "a is not 4 bytes")?);
                let b = u32::from_be_bytes(b.try_into().map_err(|_| "b is not 4 bytes")?);
                // b is read after a, so it may be newer, never older.
                if b < a || a < last {
                    return Err(format!("read a={a} b={b} after a={last}"));
                }
                last = a;
                seen += 1;
                if seen > 10_000_000 {
                    break;
                }
            }
            Ok(last)
        });
        for n in 1..=BATCHES {
            let mut batch = WriteBatch::new();
            batch
                .put("vertices", b"a", n.to_be_bytes())
                .put("edges", b"b", n.to_be_bytes());
            store.write(&batch)?;
        }
        done.store(true, std::sync::atomic::Ordering::Release);
        let last = watcher.join().map_err(|_| "the reader thread panicked")??;
        assert!(last <= BATCHES);
        Ok(())
    })?;
    // A batch that returned is visible to the reader at once.
    put(store, "vertices", b"a", b"last")?;
    assert_eq!(reader.get("vertices", b"a")?, Some(b"last".to_vec()));
    Ok(())
}

fn a_reader_of_a_closed_store_is_refused(store: &mut dyn Store) -> TestResult {
    put(store, "vertices", b"a", b"1")?;
    let reader = store.reader().ok_or("the store has no reader")?;
    assert_eq!(reader.get("vertices", b"a")?, Some(b"1".to_vec()));
    store.close()?;
    assert!(matches!(
        reader.get("vertices", b"a"),
        Err(StoreError::Closed)
    ));
    Ok(())
}
