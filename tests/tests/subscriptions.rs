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

/// `Unsubscribe` ends a subscription at once: no frame for it once the server has read it,
/// while the socket's other subscriptions go on; its `sub_id` can then name a new
/// subscription, which starts with a snapshot of the latest value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsubscribe_ends_one_subscription_and_frees_its_id() {
    use affinity_avro::{from_slice, to_vec};
    use affinity_e2e::{Http, RawLive, key};
    use affinity_protocol::frame::ServerFrame;
    use http::{Method, StatusCode};

    const BINARY: &str = "application/vnd.apache.avro+binary";
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let put = |id: i64, visits: i64| {
        let http = &http;
        async move {
            let reply = http
                .with_body(
                    Method::PUT,
                    &format!("/profiles/{id}"),
                    BINARY,
                    BINARY,
                    to_vec(&Profile::sample(id, visits)),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK);
        }
    };
    let mut live = RawLive::connect(node.local_addr()).await;
    put(1, 0).await;
    put(2, 0).await;
    live.subscribe(1, PROFILES, key(&1i64), None).await;
    assert_eq!(live.recv_snapshot().await.sub_id, 1);
    live.subscribe(2, PROFILES, key(&2i64), None).await;
    assert_eq!(live.recv_snapshot().await.sub_id, 2);
    put(1, 1).await;
    assert_eq!(live.recv_delta().await.0.sub_id, 1);

    live.unsubscribe(1).await;
    // The server reads a socket's frames in order, so once the Ping sent after the
    // Unsubscribe is answered, the subscription has ended. (A write that races the Unsubscribe
    // itself may still be delivered; one made after the Pong may not.)
    live.ping(7).await;
    match live.recv().await {
        ServerFrame::Pong(pong) => assert_eq!(pong.nonce, 7),
        other => panic!("expected the Pong, got {other:?}"),
    }
    put(1, 2).await;
    put(2, 1).await;
    // Only subscription 2 hears of its change.
    assert_eq!(live.recv_delta().await.0.sub_id, 2);
    live.expect_silence(Duration::from_millis(300)).await;

    // The id is free again: a new subscription to key 1 starts from the latest value.
    live.subscribe(1, PROFILES, key(&1i64), None).await;
    let snapshot = live.recv_snapshot().await;
    assert_eq!(snapshot.sub_id, 1);
    assert_eq!(
        from_slice::<Profile>(&snapshot.value).unwrap(),
        Profile::sample(1, 2)
    );
    put(1, 3).await;
    match live.recv().await {
        ServerFrame::Delta(d) => assert_eq!((d.sub_id, d.base_offset), (1, snapshot.offset)),
        other => panic!("expected a delta, got {other:?}"),
    }
    live.expect_silence(Duration::from_millis(200)).await;
    stop_node(node).await;
}
