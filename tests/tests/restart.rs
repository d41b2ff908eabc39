//! A restart on the same data directory keeps every value (RocksDB), and values whose TTL
//! passed are gone — over HTTP and over `/live`.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::{Duration, Instant};

use affinity_avro::to_vec;
use affinity_client::Client;
use affinity_e2e::{
    COUNTERS, Http, KEYSPACE, NodeOptions, PROFILES, Profile, RawLive, SESSIONS, base_url, key,
    start_node, stop_node, within,
};
use futures_util::StreamExt;
use http::{Method, StatusCode};

const BINARY: &str = "application/vnd.apache.avro+binary";
const JSON: &str = "application/json";
const TTL: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_all_data_and_drops_expired_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let options = NodeOptions {
        session_ttl: TTL,
        ..NodeOptions::default()
    };

    // Before: profiles, counters and sessions, all readable.
    let node = start_node(dir.path(), &options).await;
    let http = Http::new(node.local_addr());
    for id in 1..=20 {
        let reply = http
            .with_body(
                Method::PUT,
                &format!("/profiles/{id}"),
                BINARY,
                BINARY,
                to_vec(&Profile::sample(id, id)),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let reply = http
            .with_body(
                Method::POST,
                &format!("/counters/c{}", id % 3),
                BINARY,
                BINARY,
                to_vec(&id),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let sessions_written = Instant::now();
    for s in 1..=5 {
        let reply = http
            .with_body(
                Method::PUT,
                &format!("/sessions/s{s}"),
                JSON,
                JSON,
                format!("\"token {s}\""),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT);
        assert_eq!(
            http.get(&format!("/sessions/s{s}"), JSON).await.status,
            StatusCode::OK
        );
    }
    let mut live = RawLive::connect(node.local_addr()).await;
    live.subscribe(1, PROFILES, key(&20i64), None).await;
    let before = live.recv_snapshot().await;
    drop(live);
    stop_node(node).await;

    // The sessions expire while the node is down.
    let expired_at = sessions_written + TTL + Duration::from_millis(200);
    tokio::time::sleep_until(expired_at.into()).await;

    // After: the same data directory, a new node.
    let node = start_node(dir.path(), &options).await;
    let http = Http::new(node.local_addr());
    for id in 1..=20 {
        let reply = http.get(&format!("/profiles/{id}"), JSON).await;
        assert_eq!(reply.status, StatusCode::OK, "profile {id} survived");
        assert_eq!(reply.json()["visits"], id);
    }
    let sums: Vec<i64> = (0..3)
        .map(|c| (1..=20).filter(|id| id % 3 == c).sum())
        .collect();
    for (c, sum) in sums.iter().enumerate() {
        let reply = http.get(&format!("/counters/c{c}"), JSON).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.json(), serde_json::json!(sum), "counter c{c}");
    }
    for s in 1..=5 {
        let reply = http.get(&format!("/sessions/s{s}"), JSON).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "session s{s} expired");
    }

    // Live: the profile's snapshot is the value from before, at the same offset; later
    // writes continue after it.
    let mut live = RawLive::connect(node.local_addr()).await;
    live.subscribe(1, PROFILES, key(&20i64), None).await;
    let after = live.recv_snapshot().await;
    assert_eq!((after.offset, &after.value), (before.offset, &before.value));
    let reply = http
        .with_body(
            Method::PUT,
            "/profiles/20",
            BINARY,
            BINARY,
            to_vec(&Profile::sample(20, 99)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let (delta, _) = live.recv_delta().await;
    assert_eq!(delta.base_offset, before.offset);
    assert!(delta.offset > before.offset);

    // The native client: profiles and counters have their values, expired sessions none.
    let client = within("connecting", Client::connect(&base_url(&node)))
        .await
        .unwrap();
    let mut profile = within(
        "subscribing",
        client.subscribe::<i64, Profile>(KEYSPACE, PROFILES, &3),
    )
    .await
    .unwrap();
    let value = within("a profile", profile.next()).await.unwrap().unwrap();
    assert_eq!(value, Some(Profile::sample(3, 3)));
    let mut counter = within(
        "subscribing",
        client.subscribe::<String, i64>(KEYSPACE, COUNTERS, &"c0".to_owned()),
    )
    .await
    .unwrap();
    let value = within("a counter", counter.next()).await.unwrap().unwrap();
    assert_eq!(value, Some(sums[0]));
    let mut session = within(
        "subscribing",
        client.subscribe::<String, String>(KEYSPACE, SESSIONS, &"s1".to_owned()),
    )
    .await
    .unwrap();
    let value = within("a session", session.next()).await.unwrap().unwrap();
    assert_eq!(value, None, "an expired session has no value");

    // The TTL state still works after the restart, and a live session expires in front of
    // its subscriber.
    let reply = http
        .with_body(Method::PUT, "/sessions/s1", JSON, JSON, "\"again\"")
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let value = within("the new session", session.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(value.as_deref(), Some("again"));
    let value = within("the session's expiry", session.next())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(value, None, "the session expired live");
    assert_eq!(
        http.get("/sessions/s1", JSON).await.status,
        StatusCode::NOT_FOUND
    );
    within("the client's shutdown", client.shutdown()).await;
    stop_node(node).await;
}
