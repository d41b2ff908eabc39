//! `Publish` over the live socket: a message reaches its key's handler, and a refusal comes
//! back as an Error for that request.

#![allow(clippy::unwrap_used, clippy::panic)]

use affinity_avro::to_vec;
use affinity_client::{Client, ClientError};
use affinity_e2e::{
    App, COUNTERS, Get, Http, Increment, JOURNAL, KEYSPACE, NodeOptions, RawLive, ZERO_REFUSED,
    base_url, key, start_node, stop_node, within,
};
use affinity_protocol::frame::{ClientFrame, ErrorCode, Publish, ServerFrame};
use futures_util::StreamExt;
use http::StatusCode;

const JSON: &str = "application/json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_native_client_publishes_to_the_keys_handler() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let client = within("connecting", Client::connect(&base_url(&node)))
        .await
        .unwrap();
    let counter = "published".to_owned();
    let mut sub = within(
        "subscribing",
        client.subscribe::<String, i64>(KEYSPACE, COUNTERS, &counter),
    )
    .await
    .unwrap();
    assert_eq!(
        within("the first value", sub.next())
            .await
            .unwrap()
            .unwrap(),
        None
    );

    let increment = |by| Increment {
        key: counter.clone(),
        by,
    };
    within(
        "a publish",
        client.publish(KEYSPACE, &counter, &increment(5)),
    )
    .await
    .unwrap();
    assert_eq!(
        within("the published change", sub.next())
            .await
            .unwrap()
            .unwrap(),
        Some(5),
        "the handler applied the message"
    );

    // The handler refuses zero: the publisher gets its message; nothing changes.
    match within(
        "a refused publish",
        client.publish(KEYSPACE, &counter, &increment(0)),
    )
    .await
    {
        Err(ClientError::Server { code, message }) => {
            assert_eq!(code, ErrorCode::BadMessage);
            assert!(message.contains(ZERO_REFUSED), "{message}");
        }
        other => panic!("expected the handler's refusal, got {other:?}"),
    }
    // A message that is not an Increment does not decode.
    match within(
        "an undecodable publish",
        client.publish(KEYSPACE, &counter, &"not an increment".to_owned()),
    )
    .await
    {
        Err(ClientError::Server { code, .. }) => assert_eq!(code, ErrorCode::BadMessage),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A keyspace that does not exist.
    match within(
        "a publish to nowhere",
        client.publish("nope", &counter, &increment(1)),
    )
    .await
    {
        Err(ClientError::Server { code, .. }) => assert_eq!(code, ErrorCode::UnknownKeyspace),
        other => panic!("expected a refusal, got {other:?}"),
    }

    within(
        "a publish",
        client.publish(KEYSPACE, &counter, &increment(2)),
    )
    .await
    .unwrap();
    assert_eq!(
        within("the next change", sub.next())
            .await
            .unwrap()
            .unwrap(),
        Some(7),
        "refused messages changed nothing"
    );
    let reply = http.get(&format!("/counters/{counter}"), JSON).await;
    assert_eq!((reply.status, reply.json()), (StatusCode::OK, 7.into()));
    within("the client's shutdown", client.shutdown()).await;
    stop_node(node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_publishes_are_answered_by_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let mut live = RawLive::connect(node.local_addr()).await;
    let counter = "raw".to_owned();
    let publish = |request_id, keyspace: &str, by| {
        ClientFrame::Publish(Publish {
            request_id,
            keyspace: keyspace.to_owned(),
            key: key(&counter),
            message: to_vec(&Increment {
                key: counter.clone(),
                by,
            }),
        })
    };

    live.send(&publish(41, KEYSPACE, 3)).await;
    match live.recv().await {
        ServerFrame::Published(p) => assert_eq!(p.request_id, 41),
        other => panic!("expected Published, got {other:?}"),
    }
    let reply = http.get(&format!("/counters/{counter}"), JSON).await;
    assert_eq!(reply.json(), 3, "the handler ran before Published");

    live.send(&publish(42, KEYSPACE, 0)).await;
    let message = live
        .expect_error(ErrorCode::BadMessage, None, Some(42))
        .await;
    assert!(message.contains(ZERO_REFUSED), "{message}");

    live.send(&publish(43, "nope", 1)).await;
    live.expect_error(ErrorCode::UnknownKeyspace, None, Some(43))
        .await;

    // Several in flight at once: each answered once, by its id.
    for id in 100..110 {
        live.send(&publish(id, KEYSPACE, 1)).await;
    }
    let mut answered: Vec<i64> = Vec::new();
    for _ in 100..110 {
        match live.recv().await {
            ServerFrame::Published(p) => answered.push(p.request_id),
            other => panic!("expected Published, got {other:?}"),
        }
    }
    answered.sort_unstable();
    assert_eq!(answered, (100..110).collect::<Vec<_>>());
    let reply = http.get(&format!("/counters/{counter}"), JSON).await;
    assert_eq!(reply.json(), 13);
    stop_node(node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_schemas_are_registered_and_bad_keys_refused() {
    use affinity_avro::{Avro, Schema};

    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());

    // The key and message schemas, under Confluent's <topic>-key / <topic>-value names for the
    // keyspace's stream of published messages, where clients (the browser's publish) find them.
    for (subject, expected) in [
        ("e2e-published-key", String::schema()),
        ("e2e-published-value", Increment::schema()),
    ] {
        let reply = http
            .get(
                &format!("/schemas/subjects/{subject}/versions/latest"),
                JSON,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{subject}: {:?}", reply.body);
        let json = reply.json();
        assert_eq!(json["subject"], subject);
        let schema = Schema::parse(json["schema"].as_str().unwrap()).unwrap();
        assert_eq!(
            schema.canonical_form(),
            expected.canonical_form(),
            "{subject}"
        );
    }
    let subjects = http.get("/schemas/subjects", JSON).await.json();
    let subjects: Vec<&str> = subjects
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(subjects.contains(&"e2e-published-key"), "{subjects:?}");
    assert!(subjects.contains(&"e2e-counters-key"), "{subjects:?}");

    let counter = "keyed".to_owned();
    let increment = |by| Increment {
        key: counter.clone(),
        by,
    };
    let client = within("connecting", Client::connect(&base_url(&node)))
        .await
        .unwrap();
    within(
        "a publish",
        client.publish(KEYSPACE, &counter, &increment(4)),
    )
    .await
    .unwrap();

    // A key that is not a string (the keyspace's published key type): BadKey, nothing changes.
    match within(
        "a publish to a long key",
        client.publish(KEYSPACE, &5i64, &increment(1)),
    )
    .await
    {
        Err(ClientError::Server { code, message }) => {
            assert_eq!(code, ErrorCode::BadKey, "{message}");
            assert!(message.contains("published key type"), "{message}");
        }
        other => panic!("expected BadKey, got {other:?}"),
    }
    // The same over a raw socket: trailing bytes after a valid string key, and a string whose
    // length runs past the end, each answered by its request id.
    let mut live = RawLive::connect(node.local_addr()).await;
    let mut trailing = key(&counter);
    trailing.push(0);
    for (request_id, bad_key) in [(7, trailing), (8, vec![0x7e])] {
        live.send(&ClientFrame::Publish(Publish {
            request_id,
            keyspace: KEYSPACE.to_owned(),
            key: bad_key,
            message: to_vec(&increment(1)),
        }))
        .await;
        live.expect_error(ErrorCode::BadKey, None, Some(request_id))
            .await;
    }
    // The handler gets the key the message was published to, and refuses a message meant for
    // another counter (it would write a key of another partition).
    match within(
        "a publish to another key",
        client.publish(KEYSPACE, &"other".to_owned(), &increment(1)),
    )
    .await
    {
        Err(ClientError::Server { code, message }) => {
            assert_eq!(code, ErrorCode::BadMessage);
            assert!(message.contains("was published to `other`"), "{message}");
        }
        other => panic!("expected the handler's refusal, got {other:?}"),
    }
    let reply = http.get(&format!("/counters/{counter}"), JSON).await;
    assert_eq!(
        (reply.status, reply.json()),
        (StatusCode::OK, 4.into()),
        "refused publishes changed nothing"
    );
    let other = http.get("/counters/other", JSON).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    within("the client's shutdown", client.shutdown()).await;
    stop_node(node).await;
}

/// Publishes from one socket to one key reach the handler in the order they were sent (as a
/// Kafka producer's to one partition, or a Firebase client's writes to one path), while
/// publishes to other keys, interleaved on the same socket, go on around them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_from_one_socket_to_one_key_are_handled_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let mut live = RawLive::connect(node.local_addr()).await;
    let keys: Vec<String> = (0..4).map(|k| format!("ordered-{k}")).collect();
    const EACH: i64 = 150;
    let mut request_id = 0;
    // Key 0 gets every round; the others share the socket with it, each every other round.
    for by in 1..=EACH {
        for (k, counter) in keys.iter().enumerate() {
            if k > 0 && (by + k as i64) % 2 == 0 {
                continue;
            }
            request_id += 1;
            live.send(&ClientFrame::Publish(Publish {
                request_id,
                keyspace: KEYSPACE.to_owned(),
                key: key(counter),
                message: to_vec(&Increment {
                    key: counter.clone(),
                    by,
                }),
            }))
            .await;
        }
    }
    let mut published = 0;
    while published < request_id {
        match live.recv().await {
            ServerFrame::Published(_) => published += 1,
            other => panic!("expected Published, got {other:?}"),
        }
    }
    let ks = node.keyspace::<App>().unwrap();
    for (k, counter) in keys.iter().enumerate() {
        let journal: Vec<i64> = ks
            .ask(counter, Get::new(JOURNAL, counter.clone()))
            .await
            .unwrap()
            .unwrap()
            .unwrap_or_default();
        let sent: Vec<i64> = (1..=EACH)
            .filter(|by| k == 0 || (by + k as i64) % 2 != 0)
            .collect();
        assert_eq!(journal, sent, "key {counter}: handled in the order sent");
    }
    stop_node(node).await;
}
