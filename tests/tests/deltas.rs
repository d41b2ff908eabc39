//! What a subscriber receives for a small change of a large record: a delta, not the value.

#![allow(clippy::unwrap_used, clippy::panic)]

use affinity_avro::{from_slice, to_vec};
use affinity_e2e::{
    Held, Http, NodeOptions, PROFILES, Profile, RawLive, key, start_node, stop_node,
};
use affinity_protocol::frame::ServerFrame;
use http::{Method, StatusCode};

const BINARY: &str = "application/vnd.apache.avro+binary";

/// A one-field change of the 20-field profile reaches a raw `/live` subscriber as a Delta
/// frame whose whole WebSocket message — frame header, offsets and schema id included — is
/// less than a quarter of the value's bytes in the Snapshot frame; applied to the snapshot it
/// gives exactly the new value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_field_change_of_a_twenty_field_record_is_a_small_delta() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let put = |p: Profile| {
        let http = http.clone();
        async move {
            let path = format!("/profiles/{}", p.id);
            let reply = http
                .with_body(Method::PUT, &path, BINARY, BINARY, to_vec(&p))
                .await;
            assert_eq!(reply.status, StatusCode::OK);
        }
    };
    let before = Profile::sample(42, 100);
    put(before.clone()).await;

    let mut live = RawLive::connect(node.local_addr()).await;
    live.subscribe(1, PROFILES, key(&42i64), None).await;
    let snapshot = live.recv_snapshot().await;
    assert_eq!(snapshot.sub_id, 1);
    assert_eq!(from_slice::<Profile>(&snapshot.value).unwrap(), before);
    let mut held = Held::<Profile>::from_snapshot(&snapshot);

    let mut after = before.clone();
    after.visits += 1;
    put(after.clone()).await;
    let (delta, message_len) = live.recv_delta().await;
    eprintln!(
        "value {} bytes; delta {} bytes; whole Delta message {message_len} bytes",
        snapshot.value.len(),
        delta.delta.len()
    );
    assert_eq!(delta.base_offset, snapshot.offset);
    assert_eq!(delta.schema_id, snapshot.schema_id);
    assert!(
        message_len * 4 < snapshot.value.len(),
        "the Delta message ({message_len} bytes) is < 25% of the value ({} bytes)",
        snapshot.value.len()
    );
    held.apply(&ServerFrame::Delta(delta));
    assert_eq!(held.value, Some(after.clone()));

    // A change of another single field, a string this time, is small too.
    let mut renamed = after.clone();
    renamed.city = "Rotterdam".to_owned();
    put(renamed.clone()).await;
    let (delta, message_len) = live.recv_delta().await;
    assert!(message_len * 4 < snapshot.value.len(), "{message_len}");
    held.apply(&ServerFrame::Delta(delta));
    assert_eq!(held.value, Some(renamed));
    stop_node(node).await;
}
