//! Many subscriptions on one socket: each sees its key's snapshot, then every change, in order.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use affinity_client::{Client, Subscription};
use affinity_e2e::{
    KEYSPACE, NodeOptions, PROFILES, Profile, base_url, finishes_within, start_node, stop_node,
    within,
};
use futures_util::StreamExt;
use futures_util::future::join_all;

const KEYS: i64 = 100;
/// Changes per key after the snapshot.
const ROUNDS: i64 = 20;

/// 100 subscriptions on the native client's one WebSocket; each key is then changed 20
/// times, and each subscription must yield exactly the snapshot and the 20 values, in order,
/// with increasing offsets.
///
/// Why nothing may be coalesced here, however fast the writes go: the server keeps every
/// change of a key for a subscriber unless the key gets more than 32 changes ahead of what the
/// subscriber was sent (the feed's history; while the connection's 256-frame queue is full a
/// subscription waits and then catches up from that history with deltas). Each key changes 20
/// times, so even a subscriber that waited from the start is at most 20 changes behind. On the
/// client, each subscription buffers up to 64 undelivered values (set below), more than the
/// 21 a key produces, so the client drops none either. Any value missing, repeated or out of
/// order is therefore a bug.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_subscriptions_on_one_socket_see_every_change_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let client = Client::builder(&base_url(&node))
        .subscription_buffer(64)
        .connect()
        .await
        .unwrap();

    let ids: Vec<i64> = (1000..1000 + KEYS).collect();
    for &id in &ids {
        let _: Profile = client
            .put(&format!("/profiles/{id}"), &Profile::sample(id, 0))
            .await
            .unwrap();
    }
    let mut subs: Vec<Subscription<Profile>> = Vec::new();
    for id in &ids {
        subs.push(
            within("subscribe", client.subscribe(KEYSPACE, PROFILES, id))
                .await
                .unwrap(),
        );
    }
    // Every subscription's first value is the snapshot of what was written before it.
    for (sub, &id) in subs.iter_mut().zip(&ids) {
        let first = within("a snapshot", sub.next()).await.unwrap().unwrap();
        assert_eq!(first, Some(Profile::sample(id, 0)));
        assert!(sub.offset().unwrap() > 0);
    }

    // Collect concurrently while writing: each task reads its subscription to the end.
    let collectors: Vec<_> = subs
        .into_iter()
        .map(|mut sub| {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut offsets = vec![sub.offset().unwrap()];
                while seen.len() < ROUNDS as usize {
                    let next = within("the next change", sub.next()).await;
                    let value = next.unwrap().unwrap().unwrap();
                    seen.push(value.visits);
                    offsets.push(sub.offset().unwrap());
                }
                // Nothing beyond the last change.
                let extra = finishes_within(Duration::from_millis(300), sub.next()).await;
                assert!(extra.is_none(), "an extra item: {extra:?}");
                (seen, offsets)
            })
        })
        .collect();

    // Round r sets every key's visits to r; writes to one key are sequential.
    for round in 1..=ROUNDS {
        let writes = ids.iter().map(|&id| {
            let client = client.clone();
            async move {
                let _: Profile = client
                    .put(&format!("/profiles/{id}"), &Profile::sample(id, round))
                    .await
                    .unwrap();
            }
        });
        within("a round of writes", join_all(writes)).await;
    }

    let expected: Vec<i64> = (1..=ROUNDS).collect();
    for (collector, id) in collectors.into_iter().zip(&ids) {
        let (seen, offsets) = within("a collector", collector).await.unwrap();
        assert_eq!(seen, expected, "key {id} saw every change in order");
        assert!(
            offsets.windows(2).all(|w| w[0] < w[1]),
            "key {id}: offsets increase: {offsets:?}"
        );
    }
    within("the client's shutdown", client.shutdown()).await;
    stop_node(node).await;
}
