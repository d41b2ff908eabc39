//! A subscriber that stops reading costs the server a bounded amount of memory, and gets the
//! latest value when it reads again.
//!
//! This is the only test in its binary: it measures the resident memory of the process (the
//! node runs in it), which other tests running at the same time would disturb.

#![allow(clippy::unwrap_used, clippy::panic)]

use affinity_e2e::{
    App, BLOBS, Blob, Held, NodeOptions, Put, RawLive, key, rss_bytes, start_node, stop_node,
    within,
};
use affinity_protocol::frame::ServerFrame;

const WRITES: i64 = 4000;
const VALUE_LEN: usize = 64 << 10;
const MIB: u64 = 1 << 20;

/// A raw `/live` client subscribes to a blob and stops reading; 4000 values of 64 KiB (250 MiB)
/// are written to the key. The process's resident memory must grow by less than 64 MiB — a
/// quarter of what was written — and when the client reads again it must receive a consistent
/// history (offsets only increase, every delta applies to the value it holds) that ends with
/// the latest value, with the intermediate values coalesced.
///
/// Why 64 MiB: what the server may hold for this client is bounded by design — the
/// connection's queue of 256 frames (256 × 64 KiB = 16 MiB) plus the key's feed (the latest
/// value and 32 deltas, about 2 MiB) — and RocksDB's memtables for the partition take up to
/// about 16 MiB (8 MiB write buffer, one more while flushing); the rest is the allocator's
/// slack. Measured on the development machine, the growth levels off at 35–46 MiB whether
/// 1000 or 8000 values are written; a server that queued every change for the stalled client
/// would grow by the full 250 MiB. (Kernel socket buffers, which also hold a few MiB of unread
/// frames, are not part of the process's RSS.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_subscriber_costs_bounded_memory_and_gets_the_latest_value() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let ks = node.keyspace::<App>().unwrap();
    let put = |seq: i64| Put {
        state: BLOBS,
        key: 1i64,
        value: Blob::numbered(seq, VALUE_LEN),
    };
    ks.ask(&1i64, put(0)).await.unwrap().unwrap();

    let mut live = RawLive::connect(node.local_addr()).await;
    live.subscribe(7, BLOBS, key(&1i64), None).await;
    let snapshot = live.recv_snapshot().await;
    let mut held = Held::<Blob>::from_snapshot(&snapshot);
    assert_eq!(held.value.as_ref().unwrap().seq, 0);

    // A few writes while the client still reads, so that everything a write allocates the
    // first time (RocksDB's memtable, the feed) exists before the baseline.
    for seq in 1..=20 {
        ks.ask(&1i64, put(seq)).await.unwrap().unwrap();
        while held.value.as_ref().map(|b| b.seq) != Some(seq) {
            held.apply(&live.recv().await);
        }
    }
    let baseline = rss_bytes();

    // The client stops reading. It still pings now and then, as a real client does, so the
    // server keeps the connection past its heartbeat.
    for seq in 21..=WRITES {
        within("a write", ks.ask(&1i64, put(seq)))
            .await
            .unwrap()
            .unwrap();
        if seq % 250 == 0 {
            live.ping(seq).await;
        }
    }
    let after = rss_bytes();
    let written = (WRITES as u64 - 20) * VALUE_LEN as u64;
    let growth = after.saturating_sub(baseline);
    eprintln!(
        "written {} MiB while stalled; RSS {} MiB → {} MiB (+{} MiB)",
        written / MIB,
        baseline / MIB,
        after / MIB,
        growth / MIB
    );
    assert!(
        growth < 64 * MIB,
        "RSS grew by {} MiB while {} MiB were written",
        growth / MIB,
        written / MIB
    );

    // Reading again: frames chain from what the client holds and end at the latest value.
    let mut frames = 0;
    let mut pongs = 0;
    while held.value.as_ref().map(|b| b.seq) != Some(WRITES) {
        match live.recv().await {
            ServerFrame::Pong(_) => pongs += 1,
            frame => {
                held.apply(&frame);
                frames += 1;
            }
        }
    }
    eprintln!("{frames} frames after resuming; {pongs} pongs");
    // One offset per write (the partition's local sequence), the last one held.
    assert_eq!(held.offset, WRITES + 1);
    assert_eq!(held.value, Some(Blob::numbered(WRITES, VALUE_LEN)));
    assert!(
        frames < WRITES - 20,
        "intermediate values were coalesced ({frames} frames for {} writes)",
        WRITES - 20
    );
    stop_node(node).await;
}
