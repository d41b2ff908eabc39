//! Random batches and scans, checked against a `BTreeMap` per table, on both stores.

use std::collections::BTreeMap;

use affinity::store::{Direction, KeyRange, Store, WriteBatch};
use proptest::prelude::*;

use crate::{TABLES, TestResult, memory, rocks_fixture};

#[derive(Debug, Clone)]
enum Op {
    Put(u8, Vec<u8>, Vec<u8>),
    Delete(u8, Vec<u8>),
    Scan(u8, Vec<u8>, Vec<u8>, bool, usize),
}

fn small_key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(vec![0u8, 1, b'a', 0xFE, 0xFF]), 0..3)
}

fn arb_ops() -> impl Strategy<Value = Vec<Vec<Op>>> {
    let op = prop_oneof![
        3 => (0..2u8, small_key(), small_key()).prop_map(|(t, k, v)| Op::Put(t, k, v)),
        1 => (0..2u8, small_key()).prop_map(|(t, k)| Op::Delete(t, k)),
        1 => (0..2u8, small_key(), small_key(), any::<bool>(), 0..5usize)
            .prop_map(|(t, a, b, rev, n)| Op::Scan(t, a, b, rev, n)),
    ];
    prop::collection::vec(prop::collection::vec(op, 1..6), 1..12)
}

/// Runs random batches and scans against the store and a `BTreeMap` model.
fn run_model(store: &mut dyn Store, batches: &[Vec<Op>]) -> TestResult {
    let tables = ["vertices", "edges"];
    let mut model: [BTreeMap<Vec<u8>, Vec<u8>>; 2] = Default::default();
    for (n, ops) in batches.iter().enumerate() {
        let mut batch = WriteBatch::new();
        for op in ops {
            match op {
                Op::Put(t, k, v) => {
                    batch.put(tables[*t as usize], k.clone(), v.clone());
                    model[*t as usize].insert(k.clone(), v.clone());
                }
                Op::Delete(t, k) => {
                    batch.delete(tables[*t as usize], k.clone());
                    model[*t as usize].remove(k);
                }
                Op::Scan(t, a, b, rev, limit) => {
                    // Scans see the state before this batch: apply what is pending first.
                    store.write(&batch)?;
                    batch.clear();
                    let range = KeyRange::between(a.clone(), b.clone());
                    let dir = if *rev {
                        Direction::Reverse
                    } else {
                        Direction::Forward
                    };
                    let page = store.scan(tables[*t as usize], &range, dir, *limit)?;
                    let mut want: Vec<_> = model[*t as usize]
                        .iter()
                        .filter(|(k, _)| range.contains(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    if *rev {
                        want.reverse();
                    }
                    let more = want.len() > *limit;
                    want.truncate(*limit);
                    assert_eq!(page.entries, want);
                    assert_eq!(page.rest.is_some(), more);
                }
            }
        }
        batch.set_checkpoint(n as u64);
        store.write(&batch)?;
    }
    for (t, m) in tables.iter().zip(&model) {
        let all = store.scan(t, &KeyRange::all(), Direction::Forward, usize::MAX)?;
        let want: Vec<_> = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        assert_eq!(all.entries, want);
        for k in m.keys() {
            assert_eq!(store.get(t, k)?.as_ref(), m.get(k));
        }
    }
    assert_eq!(store.checkpoint()?, Some(batches.len() as u64 - 1));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn memory_store_matches_a_sorted_map(batches in arb_ops()) {
        let mut f = memory(TABLES).map_err(|e| TestCaseError::fail(e.to_string()))?;
        run_model(&mut *f.store, &batches).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }

    #[test]
    fn rocks_store_matches_a_sorted_map(batches in arb_ops()) {
        let mut f = rocks_fixture(TABLES).map_err(|e| TestCaseError::fail(e.to_string()))?;
        run_model(&mut *f.store, &batches).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}
