//! Graceful shutdown: requests in flight finish, live sockets are closed, the data is on disk.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::{Duration, Instant};

use affinity_avro::{from_slice, to_vec};
use affinity_e2e::{
    Ended, Http, NodeOptions, PROFILES, Profile, RawLive, key, start_node, stop_node, within,
};
use http::{Method, StatusCode};

const BINARY: &str = "application/vnd.apache.avro+binary";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_requests_in_flight_closes_sockets_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let options = NodeOptions::default();
    let node = start_node(dir.path(), &options).await;
    let addr = node.local_addr();
    let http = Http::new(addr);
    let reply = http
        .with_body(
            Method::PUT,
            "/profiles/1",
            BINARY,
            BINARY,
            to_vec(&Profile::sample(1, 1)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut live = RawLive::connect(addr).await;
    live.subscribe(1, PROFILES, key(&1i64), None).await;
    live.recv_snapshot().await;

    // A request that takes 1.5 s before it writes profile 2.
    let slow = {
        let http = http.clone();
        tokio::spawn(async move {
            let reply = http
                .with_body(
                    Method::PUT,
                    "/slow/1500/profiles/2",
                    BINARY,
                    BINARY,
                    to_vec(&Profile::sample(2, 2)),
                )
                .await;
            (reply, Instant::now())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shutdown_started = Instant::now();
    let shutdown = tokio::spawn(async move {
        stop_node(node).await;
        Instant::now()
    });

    // The live socket is closed, as a server going away closes it.
    match live.closed().await {
        Ended::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), 1001, "{frame:?}"),
        other => panic!("expected a Close frame, got {other:?}"),
    }
    // The slow request completes with its answer, before the shutdown does.
    let (reply, answered) = within("the slow request", slow).await.unwrap();
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        from_slice::<Profile>(&reply.body).unwrap(),
        Profile::sample(2, 2)
    );
    let stopped = within("the shutdown", shutdown).await.unwrap();
    // The request had about 1.2 s left when the shutdown began, and the shutdown waited for it.
    // (Comparing when each task saw its own end would race: the server finishes the response,
    // then the shutdown returns, and either task may be scheduled first.)
    assert!(
        stopped.duration_since(shutdown_started) >= Duration::from_millis(1000),
        "the shutdown waited for the request: it took {:?}",
        stopped.duration_since(shutdown_started)
    );
    assert!(answered >= shutdown_started);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "a stopped node accepts no connections"
    );

    // What was written, including by the request that finished during the shutdown, is on
    // disk: a new node on the same directory has it.
    let node = start_node(dir.path(), &options).await;
    let http = Http::new(node.local_addr());
    for id in [1, 2] {
        let reply = http.get(&format!("/profiles/{id}"), BINARY).await;
        assert_eq!(reply.status, StatusCode::OK, "profile {id}");
        assert_eq!(
            from_slice::<Profile>(&reply.body).unwrap(),
            Profile::sample(id, id)
        );
    }
    stop_node(node).await;
}
