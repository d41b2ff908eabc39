//! Bad input — malformed frames, undecodable keys, unknown names, huge length prefixes,
//! oversized messages and bodies, unknown schema ids, a panicking handler — gets an error
//! and changes nothing: the same socket and the same partitions go on serving.

#![allow(clippy::unwrap_used, clippy::panic)]

use affinity_avro::binary::write_long;
use affinity_avro::{from_slice, to_vec};
use affinity_e2e::{
    COUNTERS, Ended, Http, Increment, KEYSPACE, NodeOptions, PANIC_BY, PROFILES, Profile, RawLive,
    key, start_node, stop_node,
};
use affinity_protocol::frame::{ClientFrame, ErrorCode, Ping, Publish, Subscribe, encode};
use http::{Method, StatusCode};

const BINARY: &str = "application/vnd.apache.avro+binary";
const JSON: &str = "application/json";

/// A length (or any long) as Avro writes it: zig-zag varint.
fn long(n: i64) -> Vec<u8> {
    let mut out = Vec::new();
    write_long(&mut out, n);
    out
}

/// 2^60: a length prefix no message can back.
const HUGE: i64 = 1 << 60;

async fn put(http: &Http, profile: &Profile) {
    let path = format!("/profiles/{}", profile.id);
    let reply = http
        .with_body(Method::PUT, &path, BINARY, BINARY, to_vec(profile))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

/// The socket still serves: a new subscription gets its snapshot, then a write's delta.
async fn still_serves(live: &mut RawLive, http: &Http, sub_id: i64) {
    let id = 10_000 + sub_id;
    put(http, &Profile::sample(id, 0)).await;
    live.subscribe(sub_id, PROFILES, key(&id), None).await;
    let snapshot = live.recv_snapshot().await;
    assert_eq!(snapshot.sub_id, sub_id);
    assert_eq!(
        from_slice::<Profile>(&snapshot.value).unwrap(),
        Profile::sample(id, 0)
    );
    put(http, &Profile::sample(id, 1)).await;
    let (delta, _) = live.recv_delta().await;
    assert_eq!((delta.sub_id, delta.base_offset), (sub_id, snapshot.offset));
    live.unsubscribe(sub_id).await;
}

fn subscribe(sub_id: i64, keyspace: &str, state: &str, key: Vec<u8>) -> ClientFrame {
    ClientFrame::Subscribe(Subscribe {
        sub_id,
        keyspace: keyspace.to_owned(),
        state: state.to_owned(),
        key,
        resume_from: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_get_errors_and_the_socket_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let mut live = RawLive::connect(node.local_addr()).await;
    let mut check = 0;
    let mut next_check = || {
        check += 1;
        check
    };

    // Bytes that are not a frame: BadFrame naming neither a subscription nor a request.
    let not_frames: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", vec![0xff, 0xff, 0xff, 0xff, 0xff]),
        ("an empty message", vec![]),
        ("a negative branch", vec![0x01]),
        ("a frame with trailing bytes", {
            let mut b = encode(&ClientFrame::Ping(Ping { nonce: 1 }));
            b.push(0);
            b
        }),
        ("a Subscribe whose keyspace claims 2^60 bytes", {
            let mut b = long(0); // branch Subscribe
            b.extend(long(500)); // sub_id
            b.extend(long(HUGE));
            b
        }),
        ("a Publish whose message claims 2^60 bytes", {
            let mut b = long(2); // branch Publish
            b.extend(long(600)); // request_id
            b.extend(to_vec(&KEYSPACE.to_owned()));
            b.extend(to_vec(&to_vec(&"k".to_owned())));
            b.extend(long(HUGE));
            b
        }),
    ];
    for (what, bytes) in not_frames {
        live.send_bytes(bytes).await;
        let message = live.expect_error(ErrorCode::BadFrame, None, None).await;
        eprintln!("{what}: {message}");
        still_serves(&mut live, &http, next_check()).await;
    }

    // A branch this server does not know (a newer client's frame).
    live.send_bytes(long(4)).await;
    let message = live.expect_error(ErrorCode::BadFrame, None, None).await;
    assert!(message.contains("does not know"), "{message}");
    still_serves(&mut live, &http, next_check()).await;

    // A text message: the protocol is binary.
    live.send_text("{\"subscribe\": 1}").await;
    let message = live.expect_error(ErrorCode::BadFrame, None, None).await;
    assert!(message.contains("binary"), "{message}");
    still_serves(&mut live, &http, next_check()).await;

    // Subscriptions the server cannot serve end with an Error for that subscription.
    let refused = [
        (
            subscribe(901, KEYSPACE, PROFILES, vec![0xff]),
            ErrorCode::BadKey,
            "a truncated long key",
        ),
        (
            subscribe(902, KEYSPACE, COUNTERS, long(HUGE)),
            ErrorCode::BadKey,
            "a string key claiming 2^60 bytes",
        ),
        (
            subscribe(903, KEYSPACE, PROFILES, {
                let mut k = key(&5i64);
                k.push(7);
                k
            }),
            ErrorCode::BadKey,
            "a key with trailing bytes",
        ),
        (
            subscribe(904, "nope", PROFILES, key(&5i64)),
            ErrorCode::UnknownKeyspace,
            "an unknown keyspace",
        ),
        (
            subscribe(905, KEYSPACE, "nope", key(&5i64)),
            ErrorCode::UnknownState,
            "an unknown state",
        ),
    ];
    for (frame, code, what) in refused {
        let ClientFrame::Subscribe(s) = &frame else {
            unreachable!()
        };
        let sub_id = s.sub_id;
        live.send(&frame).await;
        let message = live.expect_error(code, Some(sub_id), None).await;
        eprintln!("{what}: {message}");
        still_serves(&mut live, &http, next_check()).await;
    }

    // A sub_id already in use.
    live.subscribe(950, PROFILES, key(&5i64), None).await;
    live.recv().await; // Deleted: profile 5 was never written.
    live.subscribe(950, PROFILES, key(&6i64), None).await;
    let message = live
        .expect_error(ErrorCode::BadFrame, Some(950), None)
        .await;
    assert!(message.contains("950"), "{message}");
    live.unsubscribe(950).await;
    still_serves(&mut live, &http, next_check()).await;

    // A Publish whose message's string claims 2^60 bytes: refused for that request.
    let mut message = long(HUGE);
    message.extend(long(1));
    live.send(&ClientFrame::Publish(Publish {
        request_id: 77,
        keyspace: KEYSPACE.to_owned(),
        key: to_vec(&"k".to_owned()),
        message,
    }))
    .await;
    live.expect_error(ErrorCode::BadMessage, None, Some(77))
        .await;
    still_serves(&mut live, &http, next_check()).await;

    // A message over the 1 MiB limit: the server closes this connection (it cannot read
    // past it), and keeps serving every other.
    let mut other = RawLive::connect(node.local_addr()).await;
    let mut big = encode(&ClientFrame::Ping(Ping { nonce: 1 }));
    big.resize(2 << 20, 0);
    live.send_bytes(big).await;
    let ended = live.closed().await;
    eprintln!("after an oversized message: {ended:?}");
    if let Ended::Closed(Some(frame)) = &ended {
        assert_ne!(u16::from(frame.code), 1000, "not a normal closure");
    }
    still_serves(&mut other, &http, next_check()).await;
    let mut fresh = RawLive::connect(node.local_addr()).await;
    still_serves(&mut fresh, &http, next_check()).await;
    stop_node(node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_and_a_panicking_handler_do_not_poison_a_partition() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let profile = Profile::sample(3, 1);
    put(&http, &profile).await;
    let body = to_vec(&Profile::sample(3, 2));

    // An unknown writer schema id.
    let unknown = http
        .send(
            Method::PUT,
            "/profiles/3",
            &[
                ("content-type", BINARY),
                ("accept", JSON),
                ("affinity-schema-id", "999999"),
            ],
            body.clone(),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let (code, message) = unknown.error();
    assert_eq!(code, "unknown_schema_id");
    assert!(message.contains("999999"), "{message}");

    // Not a schema id at all.
    let invalid = http
        .send(
            Method::PUT,
            "/profiles/3",
            &[("content-type", BINARY), ("affinity-schema-id", "-1")],
            body.clone(),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid.error().0, "invalid_schema_id");

    // A schema that exists but cannot be read as a Profile.
    let registered = http
        .with_body(
            Method::POST,
            "/schemas/subjects/unrelated/versions",
            "application/vnd.schemaregistry.v1+json",
            JSON,
            r#"{"schema": "\"string\""}"#,
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{:?}", registered.body);
    let id = registered.json()["id"].to_string();
    let incompatible = http
        .send(
            Method::PUT,
            "/profiles/3",
            &[("content-type", BINARY), ("affinity-schema-id", &id)],
            to_vec(&"a string".to_owned()),
        )
        .await;
    assert_eq!(incompatible.status, StatusCode::BAD_REQUEST);
    assert_eq!(incompatible.error().0, "incompatible_schema");

    // A body over the limit, declared and chunked.
    let big = vec![0u8; 3 << 20];
    let head = format!("PUT /profiles/3 HTTP/1.1\r\nContent-Type: {BINARY}");
    assert_eq!(http.declared(&head, &big).await.0, 413);
    assert_eq!(http.chunked(&head, &big, 64 << 10).await.0, 413);

    // None of it changed profile 3, and its partition serves.
    let read = http.get("/profiles/3", BINARY).await;
    assert_eq!(from_slice::<Profile>(&read.body).unwrap(), profile);
    put(&http, &Profile::sample(3, 5)).await;
    let read = http.get("/profiles/3", BINARY).await;
    assert_eq!(from_slice::<Profile>(&read.body).unwrap().visits, 5);

    // A handler that panics fails that request with a 500 and no internals; the partition
    // goes on, and the panicking message wrote nothing.
    let mut live = RawLive::connect(node.local_addr()).await;
    let counter = "fragile".to_owned();
    let add = async |by: i64| {
        http.with_body(
            Method::POST,
            &format!("/counters/{counter}"),
            BINARY,
            JSON,
            to_vec(&by),
        )
        .await
    };
    assert_eq!(add(2).await.json(), 2);
    live.subscribe(1, COUNTERS, key(&counter), None).await;
    let snapshot = live.recv_snapshot().await;
    let panicked = add(PANIC_BY).await;
    assert_eq!(panicked.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        panicked.error(),
        ("internal".into(), "internal error".into())
    );
    assert_eq!(add(3).await.json(), 5);
    let (delta, _) = live.recv_delta().await;
    assert_eq!(delta.base_offset, snapshot.offset, "no change in between");

    // The same through a live Publish.
    let publish = |request_id, by| {
        ClientFrame::Publish(Publish {
            request_id,
            keyspace: KEYSPACE.to_owned(),
            key: to_vec(&counter),
            message: to_vec(&Increment {
                key: counter.clone(),
                by,
            }),
        })
    };
    live.send(&publish(10, PANIC_BY)).await;
    live.expect_error(ErrorCode::Internal, None, Some(10)).await;
    live.send(&publish(11, 1)).await;
    let mut published = false;
    let mut changed = false;
    for _ in 0..2 {
        match live.recv().await {
            affinity_protocol::frame::ServerFrame::Published(p) => {
                assert_eq!(p.request_id, 11);
                published = true;
            }
            affinity_protocol::frame::ServerFrame::Delta(d) => {
                assert_eq!(d.base_offset, delta.offset);
                changed = true;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(published && changed);
    assert_eq!(
        http.get(&format!("/counters/{counter}"), JSON).await.json(),
        6
    );
    assert_eq!(http.get("/health", "*/*").await.status, StatusCode::OK);
    stop_node(node).await;
}

/// RFC 6455 §7.4.1: a server that closes a connection because a message is too big says so
/// with close code 1009 (Message Too Big), so that the client does not just reconnect and send
/// the same message again. The message is far larger than the socket buffers can hold, so the
/// server closes while the client is still sending: the Close frame arrives only because the
/// server drains what the client sends before it closes (without that, the kernel resets the
/// connection and the client's send fails).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_message_is_closed_as_too_big() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let mut live = RawLive::connect(node.local_addr()).await;
    live.send_bytes(vec![0; 32 << 20]).await;
    match live.closed().await {
        Ended::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), 1009, "{frame:?}"),
        other => panic!("expected a Close frame, got {other:?}"),
    }
    stop_node(node).await;
}
