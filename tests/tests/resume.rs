//! Reconnecting with `resume_from` misses nothing: the native client through a network cut,
//! and the exact frames a raw client gets when it resumes.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use affinity_avro::{from_slice, to_vec};
use affinity_client::{Client, SessionConfig};
use affinity_e2e::{
    Held, Http, KEYSPACE, NodeOptions, PROFILES, Profile, Proxy, RawLive, finishes_within, key,
    start_node, stop_node, within,
};
use affinity_protocol::frame::ServerFrame;
use futures_util::StreamExt;
use http::{Method, StatusCode};

const BINARY: &str = "application/vnd.apache.avro+binary";

async fn put(http: &Http, profile: &Profile) {
    let path = format!("/profiles/{}", profile.id);
    let reply = http
        .with_body(Method::PUT, &path, BINARY, BINARY, to_vec(profile))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

/// The native client reaches the node through a proxy that the test cuts. Changes written
/// while the client is cut off (straight to the node) arrive after it reconnects, every one,
/// in order, followed by later changes: its session resubscribed with `resume_from` and the
/// node answered with the deltas it missed. (Ten changes stay within the key's 32-delta
/// history, which the node keeps for 30 s after the last subscriber leaves.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_native_client_misses_nothing_across_a_network_cut() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let proxy = Proxy::start(node.local_addr()).await;
    let session = SessionConfig {
        reconnect_min: Duration::from_millis(20),
        reconnect_max: Duration::from_millis(200),
        ..SessionConfig::default()
    };
    let client = Client::builder(&format!("http://{}", proxy.addr()))
        .session(session)
        .subscription_buffer(64)
        .connect()
        .await
        .unwrap();

    let id = 7i64;
    put(&http, &Profile::sample(id, 0)).await;
    let mut sub = within(
        "subscribing",
        client.subscribe::<i64, Profile>(KEYSPACE, PROFILES, &id),
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut offsets = Vec::new();
    let mut next = async |sub: &mut affinity_client::Subscription<Profile>| {
        let value = within("the next value", sub.next()).await.unwrap().unwrap();
        offsets.push(sub.offset().unwrap());
        seen.push(value.unwrap().visits);
    };
    next(&mut sub).await;
    for visits in 1..=3 {
        put(&http, &Profile::sample(id, visits)).await;
        next(&mut sub).await;
    }

    proxy.cut();
    within(
        "the proxy's connections to close",
        proxy.connections_closed(),
    )
    .await;
    for visits in 4..=13 {
        put(&http, &Profile::sample(id, visits)).await;
    }
    // The client tries to reconnect and is refused while the cut lasts.
    within("a refused reconnect", async {
        while proxy.refused() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    let accepted = proxy.accepted();
    proxy.restore();

    for _ in 4..=13 {
        next(&mut sub).await;
    }
    assert!(proxy.accepted() > accepted, "the client reconnected");
    put(&http, &Profile::sample(id, 14)).await;
    next(&mut sub).await;

    assert_eq!(
        seen,
        (0..=14).collect::<Vec<i64>>(),
        "every value, in order"
    );
    assert!(
        offsets.windows(2).all(|w| w[0] < w[1]),
        "offsets increase: {offsets:?}"
    );
    let extra = finishes_within(Duration::from_millis(300), sub.next()).await;
    assert!(extra.is_none(), "nothing more: {extra:?}");
    within("the client's shutdown", client.shutdown()).await;
    stop_node(node).await;
}

/// A raw client that subscribes with `resume_from` gets Deltas whose `base_offset` chains from
/// the offset it resumed from — each delta's base is the previous one's offset — and applying
/// them gives the latest value. Resuming from the latest offset sends nothing until the next
/// change; resuming from an offset the node no longer has deltas from (more than 32 changes
/// ago) gets a fresh Snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raw_resume_gets_deltas_chained_from_the_resume_offset() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let id = 8i64;
    put(&http, &Profile::sample(id, 0)).await;

    let mut first = RawLive::connect(node.local_addr()).await;
    first.subscribe(1, PROFILES, key(&id), None).await;
    let snapshot = first.recv_snapshot().await;
    let resume_from = snapshot.offset;
    drop(first);

    for visits in 1..=5 {
        put(&http, &Profile::sample(id, visits)).await;
    }
    let mut second = RawLive::connect(node.local_addr()).await;
    second
        .subscribe(2, PROFILES, key(&id), Some(resume_from))
        .await;
    let mut held = Held::<Profile>::from_snapshot(&snapshot);
    let mut base = resume_from;
    for _ in 1..=5 {
        let (delta, _) = second.recv_delta().await;
        assert_eq!(delta.sub_id, 2);
        assert_eq!(delta.base_offset, base, "the delta chains from {base}");
        base = delta.offset;
        held.apply(&ServerFrame::Delta(delta));
    }
    assert_eq!(held.value, Some(Profile::sample(id, 5)));
    second.expect_silence(Duration::from_millis(300)).await;

    // Resuming from the latest offset: nothing to send until the key changes.
    let mut third = RawLive::connect(node.local_addr()).await;
    third
        .subscribe(3, PROFILES, key(&id), Some(held.offset))
        .await;
    third.expect_silence(Duration::from_millis(300)).await;
    put(&http, &Profile::sample(id, 6)).await;
    let (delta, _) = third.recv_delta().await;
    assert_eq!(delta.base_offset, held.offset);

    // More than 32 changes later the node no longer has the deltas from the first snapshot:
    // resuming from it gets a fresh snapshot of the latest value instead.
    for visits in 7..=46 {
        put(&http, &Profile::sample(id, visits)).await;
    }
    let mut fourth = RawLive::connect(node.local_addr()).await;
    fourth
        .subscribe(4, PROFILES, key(&id), Some(resume_from))
        .await;
    let fresh = fourth.recv_snapshot().await;
    assert!(fresh.offset > delta.offset);
    assert_eq!(
        from_slice::<Profile>(&fresh.value).unwrap(),
        Profile::sample(id, 46)
    );
    fourth.expect_silence(Duration::from_millis(300)).await;
    stop_node(node).await;
}
