//! Live subscriptions and publishes against the scripted server.

mod support;

use std::time::Duration;

use affinity_avro::to_vec;
use affinity_client::{Client, ClientError, SessionConfig, Subscription};
use affinity_protocol::frame::{Deleted, ErrorCode, ErrorFrame, Published, ServerFrame, Subscribe};
use futures_util::StreamExt;
use support::{Conn, Counter, TestServer, Writer, c, within};

/// The next item of `sub`, which must arrive within the test's wait.
#[allow(clippy::expect_used)]
async fn next(sub: &mut Subscription<Counter>) -> Result<Option<Counter>, ClientError> {
    within("a subscription item", sub.next())
        .await
        .expect("the stream goes on")
}

/// Subscribes `client` to counter `key` and accepts the server's side: the subscription, the
/// server's end of the socket and the Subscribe frame it received.
#[allow(clippy::expect_used)]
async fn subscribed(
    client: &Client,
    server: &mut TestServer,
    key: i64,
) -> (Subscription<Counter>, Conn, Subscribe) {
    let sub = client
        .subscribe::<i64, Counter>("counters", "by_id", &key)
        .await
        .expect("a subscription");
    let mut conn = server.accept().await;
    let s = conn.subscribe().await;
    (sub, conn, s)
}

#[allow(clippy::expect_used)]
async fn value(sub: &mut Subscription<Counter>) -> Option<Counter> {
    next(sub).await.expect("a readable value")
}

#[tokio::test]
async fn values_arrive_typed_and_in_order() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let (mut sub, conn, s) = subscribed(&client, &mut server, 42).await;
    assert_eq!(
        (s.keyspace.as_str(), s.state.as_str(), s.key, s.resume_from),
        ("counters", "by_id", to_vec(&42i64), None)
    );

    let w = Writer::counter();
    let values = [(10, 1, "a"), (11, 2, "a"), (12, 2, "b"), (20, -7, "b")];
    conn.send(w.snapshot(s.sub_id, 10, &w.value(1, "a"))).await;
    assert_eq!(value(&mut sub).await, Some(c(1, "a")));
    assert_eq!(sub.offset(), Some(10));
    for pair in values.windows(2) {
        let [(base, n0, name0), (offset, n, name)] = [pair[0], pair[1]];
        let (old, new) = (w.value(n0, name0), w.value(n, name));
        conn.send(w.delta(s.sub_id, base, offset, &old, &new)).await;
        assert_eq!(value(&mut sub).await, Some(c(n, name)));
        assert_eq!(sub.offset(), Some(offset));
    }
    // The writer schema was Counter's own: fetched once, read directly.
    assert_eq!(server.schema_fetches(), 1);
}

#[tokio::test]
async fn deletion_and_a_key_never_written_read_as_none() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let (mut sub, conn, s) = subscribed(&client, &mut server, 1).await;
    let w = Writer::counter();

    conn.send(ServerFrame::Deleted(Deleted {
        sub_id: s.sub_id,
        offset: -1,
    }))
    .await;
    assert_eq!(value(&mut sub).await, None);
    assert_eq!(sub.offset(), Some(-1));
    conn.send(w.snapshot(s.sub_id, 3, &w.value(5, "x"))).await;
    assert_eq!(value(&mut sub).await, Some(c(5, "x")));
    conn.send(ServerFrame::Deleted(Deleted {
        sub_id: s.sub_id,
        offset: 4,
    }))
    .await;
    assert_eq!(value(&mut sub).await, None);
    assert_eq!(sub.offset(), Some(4));
}

#[tokio::test]
async fn a_reconnect_resumes_from_the_last_offset_and_the_stream_goes_on() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let (mut sub, conn, s) = subscribed(&client, &mut server, 7).await;
    let w = Writer::counter();
    let (v1, v2, v3) = (w.value(1, "a"), w.value(2, "a"), w.value(3, "a"));
    conn.send(w.snapshot(s.sub_id, 100, &v1)).await;
    assert_eq!(value(&mut sub).await, Some(c(1, "a")));
    conn.send(w.delta(s.sub_id, 100, 105, &v1, &v2)).await;
    assert_eq!(value(&mut sub).await, Some(c(2, "a")));

    conn.drop_connection().await;
    let mut conn = server.accept().await;
    let again = conn.subscribe().await;
    assert_eq!(
        again.resume_from,
        Some(105),
        "resumes after the last value seen"
    );
    assert_eq!(again.key, s.key);
    // The server continues with a delta from the client's offset.
    conn.send(w.delta(again.sub_id, 105, 106, &v2, &v3)).await;
    assert_eq!(value(&mut sub).await, Some(c(3, "a")));
    assert_eq!(sub.offset(), Some(106));

    // Frames for the old connection's id are ignored; the next change arrives.
    conn.send(w.delta(s.sub_id, 106, 107, &v3, &v1)).await;
    conn.send(w.delta(again.sub_id, 106, 108, &v3, &w.value(4, "a")))
        .await;
    assert_eq!(value(&mut sub).await, Some(c(4, "a")));
}

#[tokio::test]
async fn a_subscription_made_while_disconnected_is_sent_on_reconnect() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    client.ensure_connected().await.unwrap();
    let conn = server.accept().await;
    conn.drop_connection().await;
    let (mut sub, conn, s) = subscribed(&client, &mut server, 3).await;
    assert_eq!(s.resume_from, None);
    let w = Writer::counter();
    conn.send(w.snapshot(s.sub_id, 1, &w.value(9, "z"))).await;
    assert_eq!(value(&mut sub).await, Some(c(9, "z")));
}

#[tokio::test]
async fn an_evolved_writer_schema_resolves_into_the_reader_type() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let (mut sub, conn, s) = subscribed(&client, &mut server, 5).await;
    let w = Writer::evolved();
    let (v1, v2) = (w.value(1, "old"), w.value(2, "old"));
    conn.send(w.snapshot(s.sub_id, 1, &v1)).await;
    assert_eq!(value(&mut sub).await, Some(c(1, "old")));
    conn.send(w.delta(s.sub_id, 1, 2, &v1, &v2)).await;
    assert_eq!(value(&mut sub).await, Some(c(2, "old")));
    assert_eq!(
        server.schema_fetches(),
        1,
        "the writer schema is fetched once"
    );

    // The server moves to Counter's own schema: a snapshot, read directly.
    let own = Writer::counter();
    conn.send(own.snapshot(s.sub_id, 3, &own.value(3, "new")))
        .await;
    assert_eq!(value(&mut sub).await, Some(c(3, "new")));
    assert_eq!(server.schema_fetches(), 2);
}

#[tokio::test]
async fn a_writer_schema_not_registered_yet_is_fetched_again_until_it_is() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let (mut sub, conn, s) = subscribed(&client, &mut server, 5).await;
    let late = Writer {
        id: 9,
        ..Writer::evolved()
    };
    conn.send(late.snapshot(s.sub_id, 1, &late.value(4, "late")))
        .await;
    within("a failed fetch", async {
        while server.schema_fetches() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    let pending = tokio::time::timeout(Duration::from_millis(50), sub.next()).await;
    assert!(pending.is_err(), "no value without its schema: {pending:?}");
    server.register(&late);
    assert_eq!(value(&mut sub).await, Some(c(4, "late")));
    assert!(server.schema_fetches() >= 2);
}

#[tokio::test]
async fn a_value_the_reader_type_cannot_read_is_an_error_and_the_stream_goes_on() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    // Counter's values as a bare long: they never resolve.
    let mut wrong = client
        .subscribe::<i64, i64>("counters", "by_id", &5)
        .await
        .unwrap();
    let mut conn = server.accept().await;
    let s = conn.subscribe().await;
    let w = Writer::counter();
    conn.send(w.snapshot(s.sub_id, 1, &w.value(1, "a"))).await;
    let item = within("an item", wrong.next()).await.unwrap();
    assert!(matches!(item, Err(ClientError::Resolve(_))), "{item:?}");
    conn.send(ServerFrame::Deleted(Deleted {
        sub_id: s.sub_id,
        offset: 2,
    }))
    .await;
    let item = within("an item", wrong.next()).await.unwrap();
    assert!(matches!(item, Ok(None)), "{item:?}");
}

#[tokio::test]
async fn a_hundred_subscriptions_share_one_socket() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let mut subs = Vec::new();
    for key in 0..100i64 {
        subs.push(
            client
                .subscribe::<i64, Counter>("counters", "by_id", &key)
                .await
                .unwrap(),
        );
    }
    let mut conn = server.accept().await;
    let mut wire = std::collections::HashMap::new();
    for _ in 0..100 {
        let s = conn.subscribe().await;
        let key: i64 = affinity_avro::from_slice(&s.key).unwrap();
        assert!(
            wire.insert(key, s.sub_id).is_none(),
            "one Subscribe per key"
        );
    }
    assert_eq!(wire.len(), 100);
    let w = Writer::counter();
    for (key, sub_id) in &wire {
        conn.send(w.snapshot(*sub_id, 1, &w.value(*key, "first")))
            .await;
    }
    for (key, sub_id) in &wire {
        let (old, new) = (w.value(*key, "first"), w.value(*key * 10, "second"));
        conn.send(w.delta(*sub_id, 1, 2, &old, &new)).await;
    }
    for (key, sub) in (0..100i64).zip(subs.iter_mut()) {
        assert_eq!(value(sub).await, Some(c(key, "first")));
        assert_eq!(value(sub).await, Some(c(key * 10, "second")));
    }
    server
        .no_connection_within(Duration::from_millis(200))
        .await;
}

#[tokio::test]
async fn dropping_a_subscription_sends_unsubscribe() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let kept = client
        .subscribe::<i64, Counter>("counters", "by_id", &1)
        .await
        .unwrap();
    let dropped = client
        .subscribe::<i64, Counter>("counters", "by_id", &2)
        .await
        .unwrap();
    let mut conn = server.accept().await;
    let first = conn.subscribe().await;
    let second = conn.subscribe().await;
    let to_drop = if first.key == to_vec(&2i64) {
        &first
    } else {
        &second
    };
    drop(dropped);
    assert_eq!(conn.unsubscribe().await.sub_id, to_drop.sub_id);
    conn.silent_for(Duration::from_millis(100)).await;
    drop(kept);
}

#[tokio::test]
async fn a_slow_consumer_skips_intermediate_values_and_ends_at_the_latest() {
    let mut server = TestServer::start().await;
    let client = server.client().subscription_buffer(4).build().unwrap();
    let mut slow = client
        .subscribe::<i64, Counter>("counters", "by_id", &1)
        .await
        .unwrap();
    let mut conn = server.accept().await;
    let s = conn.subscribe().await;
    let w = Writer::counter();
    conn.send(w.snapshot(s.sub_id, 1, &w.value(1, "n"))).await;
    for n in 2..=100 {
        conn.send(w.delta(s.sub_id, n - 1, n, &w.value(n - 1, "n"), &w.value(n, "n")))
            .await;
    }
    // Wait until the last change has reached the client: frames are read in order, so a
    // publish answered after the deltas proves they were all processed.
    let publish = tokio::spawn({
        let client = client.clone();
        async move { client.publish("counters", &1i64, &0i64).await }
    });
    let p = conn.publish().await;
    conn.send(ServerFrame::Published(Published {
        request_id: p.request_id,
    }))
    .await;
    within("the publish", publish).await.unwrap().unwrap();

    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(value(&mut slow).await.unwrap().n);
    }
    assert_eq!(seen, [97, 98, 99, 100], "the newest four, in order");
    let more = tokio::time::timeout(Duration::from_millis(100), slow.next()).await;
    assert!(more.is_err(), "nothing else is buffered: {more:?}");
}

#[tokio::test]
async fn publish_round_trip_and_rejection() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let publish = tokio::spawn({
        let client = client.clone();
        async move { client.publish("counters", &9i64, &c(1, "msg")).await }
    });
    let mut conn = server.accept().await;
    let p = conn.publish().await;
    assert_eq!(
        (p.keyspace.as_str(), p.key, p.message),
        ("counters", to_vec(&9i64), to_vec(&c(1, "msg")))
    );
    conn.send(ServerFrame::Published(Published {
        request_id: p.request_id,
    }))
    .await;
    within("the publish", publish).await.unwrap().unwrap();

    let publish = tokio::spawn({
        let client = client.clone();
        async move { client.publish("counters", &9i64, &0i64).await }
    });
    let p = conn.publish().await;
    conn.send(ServerFrame::Error(ErrorFrame {
        sub_id: None,
        request_id: Some(p.request_id),
        code: ErrorCode::BadMessage,
        message: "not a counter message".into(),
    }))
    .await;
    let result = within("the publish", publish).await.unwrap();
    match result {
        Err(ClientError::Server { code, message }) => {
            assert_eq!(code, ErrorCode::BadMessage);
            assert_eq!(message, "not a counter message");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_publish_cut_off_by_a_lost_connection_is_in_doubt() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let publish = tokio::spawn({
        let client = client.clone();
        async move { client.publish("counters", &9i64, &0i64).await }
    });
    let mut conn = server.accept().await;
    conn.publish().await;
    conn.drop_connection().await;
    let result = within("the publish", publish).await.unwrap();
    assert!(
        matches!(result, Err(ClientError::PublishInDoubt)),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_server_error_ends_the_subscription() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let mut sub = client
        .subscribe::<i64, Counter>("nope", "by_id", &1)
        .await
        .unwrap();
    let mut conn = server.accept().await;
    let s = conn.subscribe().await;
    conn.send(ServerFrame::Error(ErrorFrame {
        sub_id: Some(s.sub_id),
        request_id: None,
        code: ErrorCode::UnknownKeyspace,
        message: "no keyspace nope".into(),
    }))
    .await;
    match next(&mut sub).await {
        Err(ClientError::Server { code, message }) => {
            assert_eq!(
                (code, message.as_str()),
                (ErrorCode::UnknownKeyspace, "no keyspace nope")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(within("the end", sub.next()).await.is_none());
    // Nothing is sent for it any more, not even on drop.
    drop(sub);
    conn.silent_for(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn heartbeats_keep_a_connection_and_silence_replaces_it() {
    let mut server = TestServer::start().await;
    let client = Client::builder(&server.base)
        .session(SessionConfig {
            ping_interval: Duration::from_millis(50),
            pong_timeout: Duration::from_millis(200),
            reconnect_min: Duration::from_millis(20),
            reconnect_max: Duration::from_millis(100),
            ..SessionConfig::default()
        })
        .connect()
        .await
        .unwrap();
    let conn = server.accept().await;
    server
        .no_connection_within(Duration::from_millis(600))
        .await;
    assert!(conn.pings() >= 3, "pings every 50 ms: {}", conn.pings());

    conn.answer_pings(false);
    let _second = server.accept().await;
    drop(client);
}

#[tokio::test]
async fn heartbeats_can_be_turned_off() {
    let mut server = TestServer::start().await;
    let client = Client::builder(&server.base)
        .session(SessionConfig {
            ping_interval: Duration::MAX,
            pong_timeout: Duration::MAX,
            ..SessionConfig::default()
        })
        .build()
        .unwrap();
    let (mut sub, conn, s) = subscribed(&client, &mut server, 1).await;
    let w = Writer::counter();
    conn.send(w.snapshot(s.sub_id, 1, &w.value(1, "a"))).await;
    assert_eq!(value(&mut sub).await, Some(c(1, "a")));
    assert_eq!(conn.pings(), 0);
}

#[tokio::test]
async fn shutdown_ends_streams_and_fails_live_calls() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let (mut sub, mut conn, _) = subscribed(&client, &mut server, 1).await;
    within("the shutdown", client.shutdown()).await;
    assert!(within("the end", sub.next()).await.is_none());
    assert!(
        conn.closed_within(Duration::from_secs(5)).await,
        "the socket is closed"
    );
    let publish = client.publish("counters", &1i64, &1i64).await;
    assert!(matches!(publish, Err(ClientError::Closed)), "{publish:?}");
    let subscribe = client
        .subscribe::<i64, Counter>("counters", "by_id", &1)
        .await;
    assert!(
        matches!(subscribe, Err(ClientError::Closed)),
        "{subscribe:?}"
    );
}

#[tokio::test]
async fn dropping_the_client_and_its_subscriptions_closes_the_socket() {
    let mut server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let sub = client
        .subscribe::<i64, Counter>("counters", "by_id", &1)
        .await
        .unwrap();
    let mut conn = server.accept().await;
    conn.subscribe().await;
    drop(client);
    // The subscription keeps the driver alive…
    conn.silent_for(Duration::from_millis(100)).await;
    drop(sub);
    // …and dropping it too ends everything.
    assert!(conn.closed_within(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn connect_fails_when_nothing_listens() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let result = within("the connect", Client::connect(&base)).await;
    assert!(
        matches!(result, Err(ClientError::WebSocket(_))),
        "{result:?}"
    );
}
