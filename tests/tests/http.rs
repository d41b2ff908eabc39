//! HTTP round trips through the test application's `Avro<T>` routes, in Avro binary and
//! Avro-JSON, with the native client and with raw requests; and the refusals a client sees for
//! requests the server cannot serve (404, 400, 415, 406, 413).

#![allow(clippy::unwrap_used, clippy::panic)]

use affinity_avro::json::{from_json_str, to_json_string};
use affinity_avro::{from_slice, to_vec};
use affinity_client::{Client, ClientError, Encoding};
use affinity_e2e::{Http, NodeOptions, Profile, base_url, start_node, stop_node, within};
use http::{Method, StatusCode};

const BINARY: &str = "application/vnd.apache.avro+binary";
const JSON: &str = "application/json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_native_client_round_trips_in_both_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    for (encoding, id) in [(Encoding::Binary, 1), (Encoding::Json, 2)] {
        let client = Client::builder(&base_url(&node))
            .encoding(encoding)
            .build()
            .unwrap();
        let path = format!("/profiles/{id}");
        let profile = Profile::sample(id, 7);
        assert_eq!(
            within("get_opt", client.get_opt::<Profile>(&path))
                .await
                .unwrap(),
            None,
            "{encoding:?}: nothing there yet"
        );
        let stored: Profile = within("put", client.put(&path, &profile)).await.unwrap();
        assert_eq!(stored, profile, "{encoding:?}");
        let read: Profile = within("get", client.get(&path)).await.unwrap();
        assert_eq!(read, profile, "{encoding:?}");

        // Counters: a long in, a long out; the handler's refusal is a 400 with its message.
        let counter = format!("/counters/c{id}");
        let n: i64 = within("post", client.post(&counter, &5i64)).await.unwrap();
        assert_eq!(n, 5);
        let n: i64 = within("post", client.post(&counter, &-2i64)).await.unwrap();
        assert_eq!(n, 3);
        match within("post 0", client.post::<i64, i64>(&counter, &0)).await {
            Err(ClientError::Status {
                status, message, ..
            }) => {
                assert_eq!(status, StatusCode::BAD_REQUEST);
                assert_eq!(message, affinity_e2e::ZERO_REFUSED);
            }
            other => panic!("{encoding:?}: adding zero is refused, got {other:?}"),
        }
        assert_eq!(within("get", client.get::<i64>(&counter)).await.unwrap(), 3);

        within("delete", client.delete(&path)).await.unwrap();
        match within("get", client.get::<Profile>(&path)).await {
            Err(ClientError::Status { status, code, .. }) => {
                assert_eq!(status, StatusCode::NOT_FOUND);
                assert_eq!(code.as_deref(), Some("not_found"));
            }
            other => panic!("{encoding:?}: a deleted profile is gone, got {other:?}"),
        }
        match within("delete", client.delete(&path)).await {
            Err(ClientError::Status { status, .. }) => assert_eq!(status, StatusCode::NOT_FOUND),
            other => panic!("{encoding:?}: deleting twice is a 404, got {other:?}"),
        }
    }
    stop_node(node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_requests_round_trip_in_both_encodings_and_name_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());
    let profile = Profile::sample(10, 1);

    // Written in Avro binary, answered in Avro binary.
    let put = http
        .with_body(
            Method::PUT,
            "/profiles/10",
            BINARY,
            BINARY,
            to_vec(&profile),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(put.header("content-type"), BINARY);
    assert_eq!(from_slice::<Profile>(&put.body).unwrap(), profile);
    let schema_id = put.header("affinity-schema-id").to_owned();
    assert!(!schema_id.is_empty(), "the answer names its writer schema");

    // The schema id is the registry's id of the profile schema, served under /schemas.
    let schema = http
        .get(&format!("/schemas/schemas/ids/{schema_id}"), "*/*")
        .await;
    assert_eq!(schema.status, StatusCode::OK);
    let text = schema.json()["schema"].as_str().unwrap().to_owned();
    assert!(
        text.contains("\"e2e.Profile\"") || text.contains("\"Profile\""),
        "{text}"
    );

    // Read back in Avro-JSON: the same value.
    let get = http.get("/profiles/10", JSON).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.header("content-type"), JSON);
    assert_eq!(get.header("affinity-schema-id"), schema_id);
    let json = std::str::from_utf8(&get.body).unwrap();
    assert_eq!(from_json_str::<Profile>(json).unwrap(), profile);
    assert_eq!(
        get.json()["visits"],
        1,
        "Avro-JSON is readable JSON: {json}"
    );

    // Written in Avro-JSON, read in Avro binary.
    let changed = Profile::sample(10, 2);
    let put = http
        .with_body(
            Method::PUT,
            "/profiles/10",
            JSON,
            JSON,
            to_json_string(&changed),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(
        from_json_str::<Profile>(std::str::from_utf8(&put.body).unwrap()).unwrap(),
        changed
    );
    let get = http.get("/profiles/10", BINARY).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(from_slice::<Profile>(&get.body).unwrap(), changed);

    // Without Accept the answer is Avro-JSON; q-values are honoured.
    assert_eq!(
        http.send(Method::GET, "/profiles/10", &[], Vec::new())
            .await
            .header("content-type"),
        JSON
    );
    let prefers_binary = format!("{JSON};q=0.5, {BINARY}");
    assert_eq!(
        http.get("/profiles/10", &prefers_binary)
            .await
            .header("content-type"),
        BINARY
    );

    // A session: a string in, 204 out, the string back.
    let put = http
        .with_body(Method::PUT, "/sessions/s1", JSON, JSON, "\"token-1\"")
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    let get = http.get("/sessions/s1", BINARY).await;
    assert_eq!(from_slice::<String>(&get.body).unwrap(), "token-1");
    stop_node(node).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_server_cannot_serve_get_a_status_and_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let http = Http::new(node.local_addr());

    // 404: no such profile; and no such route.
    let missing = http.get("/profiles/404", JSON).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error().0, "not_found");
    assert_eq!(
        http.get("/no/such/route", JSON).await.status,
        StatusCode::NOT_FOUND
    );

    // 400: bodies that are not a Profile, in each encoding, say what is wrong.
    let garbage = http
        .with_body(Method::PUT, "/profiles/1", BINARY, JSON, vec![0xff; 7])
        .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    let (code, message) = garbage.error();
    assert_eq!(code, "invalid_body");
    assert!(
        message.contains("Avro binary") && message.contains("e2e.Profile"),
        "{message}"
    );
    let truncated = to_vec(&Profile::sample(1, 1));
    let truncated = http
        .with_body(
            Method::PUT,
            "/profiles/1",
            BINARY,
            JSON,
            truncated[..truncated.len() / 2].to_vec(),
        )
        .await;
    assert_eq!(truncated.status, StatusCode::BAD_REQUEST);
    let bad_json = http
        .with_body(Method::PUT, "/profiles/1", JSON, JSON, r#"{"id": "one""#)
        .await;
    assert_eq!(bad_json.status, StatusCode::BAD_REQUEST);
    let (code, message) = bad_json.error();
    assert_eq!(code, "invalid_body");
    assert!(message.contains("Avro-JSON"), "{message}");
    let wrong_field = http
        .with_body(Method::PUT, "/profiles/1", JSON, JSON, r#"{"id": "one"}"#)
        .await;
    assert_eq!(wrong_field.status, StatusCode::BAD_REQUEST);

    // 415: a body that is neither Avro binary nor JSON, or has no type.
    let text = http
        .with_body(Method::PUT, "/profiles/1", "text/plain", JSON, "hello")
        .await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (code, message) = text.error();
    assert_eq!(code, "unsupported_media_type");
    assert!(
        message.contains(BINARY),
        "it lists what it accepts: {message}"
    );
    let untyped = http
        .send(
            Method::PUT,
            "/profiles/1",
            &[],
            to_vec(&Profile::sample(1, 1)),
        )
        .await;
    assert_eq!(untyped.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // 406: an answer nobody accepts.
    let html = http.get("/profiles/404", "text/html").await;
    assert_eq!(
        html.status,
        StatusCode::NOT_FOUND,
        "a 404 needs no negotiation"
    );
    http.with_body(
        Method::PUT,
        "/profiles/5",
        BINARY,
        BINARY,
        to_vec(&Profile::sample(5, 1)),
    )
    .await;
    let html = http.get("/profiles/5", "text/html").await;
    assert_eq!(html.status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(html.error().0, "not_acceptable");

    // 413: a body over the limit (2 MiB by default), declared or chunked, on raw connections
    // (the native client's 413 is the next test).
    let big = vec![0u8; 3 << 20];
    let head = format!("PUT /profiles/1 HTTP/1.1\r\nContent-Type: {BINARY}\r\nAccept: {JSON}");
    for (how, (status, answer)) in [
        ("declared", http.declared(&head, &big).await),
        (
            "expecting 100-continue",
            http.expect_continue(&head, &big).await,
        ),
        ("chunked", http.chunked(&head, &big, 64 << 10).await),
    ] {
        assert_eq!(status, 413, "{how}: {answer}");
        assert!(answer.contains("payload_too_large"), "{how}: {answer}");
        assert!(
            answer.contains("2097152 bytes"),
            "{how}: the limit is named: {answer}"
        );
    }
    // With Expect: 100-continue the server refuses from the head: the body is never sent.
    let (_, answer) = http.expect_continue(&head, &big).await;
    assert!(!answer.contains("100 Continue"), "{answer}");

    // None of it changed anything: profile 1 was never written.
    assert_eq!(
        http.get("/profiles/1", JSON).await.status,
        StatusCode::NOT_FOUND
    );
    stop_node(node).await;
}

/// A body over the server's limit is answered 413 before the server has read it; the native
/// client reports that answer, never a broken connection, every time (it sends large bodies with
/// `Expect: 100-continue`, so the refusal comes before any of the body is written).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_native_client_reports_413_for_a_body_over_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path(), &NodeOptions::default()).await;
    let client = Client::builder(&base_url(&node)).build().unwrap();
    let mut big = Profile::sample(1, 1);
    big.bio = "x".repeat(3 << 20);
    let mut outcomes = Vec::new();
    for _ in 0..30 {
        match within("a put", client.put::<Profile, Profile>("/profiles/1", &big)).await {
            Err(ClientError::Status { status, .. }) => outcomes.push(status.to_string()),
            Err(other) => outcomes.push(other.to_string()),
            Ok(_) => outcomes.push("accepted".to_owned()),
        }
    }
    assert!(
        outcomes.iter().all(|o| o.starts_with("413")),
        "every attempt is a 413: {outcomes:#?}"
    );
    // A large body under the limit goes through (the node sends 100 Continue), on the same
    // client: the refused exchanges left no half-sent connection behind.
    let mut large = Profile::sample(1, 2);
    large.bio = "y".repeat(1 << 20);
    let stored: Profile = within("a put", client.put("/profiles/1", &large))
        .await
        .unwrap();
    assert_eq!(stored, large);
    let read: Profile = within("a get", client.get("/profiles/1")).await.unwrap();
    assert_eq!(read, large);
    stop_node(node).await;
}
