//! Typed HTTP calls against the scripted server, in both encodings.

mod support;

use affinity_avro::from_slice;
use affinity_client::{AVRO_BINARY, ClientError, Encoding, JSON};
use http::StatusCode;
use support::{COUNTER_ID, Counter, TestServer, Writer, c, within};

#[tokio::test]
async fn put_and_get_in_avro_binary() {
    let server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let echoed: Counter = within("the put", client.put("/items/1", &c(5, "five")))
        .await
        .unwrap();
    assert_eq!(echoed, c(5, "five"));
    assert_eq!(
        server.last_request(),
        (Some(AVRO_BINARY.into()), Some(AVRO_BINARY.into()))
    );
    let (schema_id, bytes) = server.item(1).unwrap();
    assert_eq!(schema_id, COUNTER_ID);
    assert_eq!(from_slice::<Counter>(&bytes).unwrap(), c(5, "five"));

    let got: Counter = within("the get", client.get("items/1")).await.unwrap();
    assert_eq!(got, c(5, "five"));
    assert_eq!(server.last_request().1.as_deref(), Some(AVRO_BINARY));
}

#[tokio::test]
async fn put_and_get_in_json() {
    let server = TestServer::start().await;
    let client = server.client().encoding(Encoding::Json).build().unwrap();
    let echoed: Counter = within("the put", client.put("/items/2", &c(-1, "ü")))
        .await
        .unwrap();
    assert_eq!(echoed, c(-1, "ü"));
    assert_eq!(
        server.last_request(),
        (Some(JSON.into()), Some(JSON.into()))
    );
    let (_, bytes) = server.item(2).unwrap();
    assert_eq!(from_slice::<Counter>(&bytes).unwrap(), c(-1, "ü"));
    let got: Counter = within("the get", client.get("/items/2")).await.unwrap();
    assert_eq!(got, c(-1, "ü"));
    let posted: Option<Counter> = within("the get", client.get_opt("/items/2")).await.unwrap();
    assert_eq!(posted, Some(c(-1, "ü")));
}

#[tokio::test]
async fn an_evolved_writer_schema_resolves_in_both_encodings() {
    let server = TestServer::start().await;
    let w = Writer::evolved();
    server.put_item(3, &w, &w.value(77, "evolved"));
    for encoding in [Encoding::Binary, Encoding::Json] {
        let client = server.client().encoding(encoding).build().unwrap();
        let got: Counter = within("the get", client.get("/items/3")).await.unwrap();
        assert_eq!(got, c(77, "evolved"), "{encoding:?}");
    }
    // Each client fetched the writer schema once.
    assert_eq!(server.schema_fetches(), 2);
}

#[tokio::test]
async fn an_unknown_writer_schema_is_an_error_naming_it() {
    let server = TestServer::start().await;
    let unknown = Writer {
        id: 9,
        ..Writer::evolved()
    };
    server.put_item(6, &unknown, &unknown.value(1, "x"));
    let client = server.client().build().unwrap();
    match client.get::<Counter>("/items/6").await {
        Err(ClientError::Schema { id, reason }) => {
            assert_eq!(id, 9);
            assert!(reason.contains("404"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_statuses_keep_the_servers_message() {
    let server = TestServer::start().await;
    for encoding in [Encoding::Binary, Encoding::Json] {
        let client = server.client().encoding(encoding).build().unwrap();
        match client.get::<Counter>("/conflict").await {
            Err(ClientError::Status {
                status,
                code,
                message,
            }) => {
                assert_eq!(status, StatusCode::CONFLICT);
                assert_eq!(code.as_deref(), Some("conflict"));
                assert_eq!(message, "version conflict");
            }
            other => panic!("{other:?}"),
        }
        match client.get::<Counter>("/unavailable").await {
            Err(ClientError::Status {
                status,
                code: None,
                message,
            }) => {
                assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(message, "try again later");
            }
            other => panic!("{other:?}"),
        }
        match client.get::<Counter>("/items/404").await {
            Err(ClientError::Status {
                status, message, ..
            }) => {
                assert_eq!(status, StatusCode::NOT_FOUND);
                assert_eq!(message, "no item 404");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(client.get_opt::<Counter>("/items/404").await.unwrap(), None);
        // A route the server does not have: axum's empty 404 gets the reason phrase.
        match client.get::<Counter>("/nowhere").await {
            Err(ClientError::Status {
                status, message, ..
            }) => assert_eq!(
                (status, message.as_str()),
                (StatusCode::NOT_FOUND, "Not Found")
            ),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn delete_then_get_opt_is_none() {
    let server = TestServer::start().await;
    let client = server.client().build().unwrap();
    let _: Counter = client.put("/items/4", &c(4, "four")).await.unwrap();
    within("the delete", client.delete("/items/4"))
        .await
        .unwrap();
    assert!(server.item(4).is_none());
    assert_eq!(client.get_opt::<Counter>("/items/4").await.unwrap(), None);
    let again = client.delete("/items/4").await;
    assert!(
        matches!(&again, Err(ClientError::Status { status, .. }) if *status == StatusCode::NOT_FOUND),
        "{again:?}"
    );
}

#[tokio::test]
async fn bad_bodies_and_limits_are_errors() {
    let server = TestServer::start().await;
    let small = server.client().max_response_bytes(1024).build().unwrap();
    let big = small.get::<Vec<u8>>("/big").await;
    assert!(
        matches!(big, Err(ClientError::BodyTooLarge { max: 1024 })),
        "{big:?}"
    );
    let client = server.client().build().unwrap();
    // 1 MiB of zeros is not one Avro `bytes` value.
    let wrong = client.get::<Vec<u8>>("/big").await;
    assert!(matches!(wrong, Err(ClientError::Decode(_))), "{wrong:?}");
    let html = client.get::<Counter>("/teapot").await;
    assert!(
        matches!(&html, Err(ClientError::ContentType(t)) if t == "text/html"),
        "{html:?}"
    );
    // The server refuses a body that is not a Counter.
    let refused = client.put::<i64, Counter>("/items/5", &5).await;
    assert!(
        matches!(&refused, Err(ClientError::Status { status, .. }) if *status == StatusCode::BAD_REQUEST),
        "{refused:?}"
    );
    // Nothing listens: a transport error, not a hang.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let gone = affinity_client::Client::builder(&base).build().unwrap();
    let result = within("the get", gone.get::<Counter>("/items/1")).await;
    assert!(
        matches!(result, Err(ClientError::Transport(_))),
        "{result:?}"
    );
}

#[test]
fn building_outside_a_runtime_or_with_a_bad_url_fails() {
    let outside = affinity_client::Client::builder("http://127.0.0.1:1").build();
    assert!(
        matches!(outside, Err(ClientError::NoRuntime)),
        "{outside:?}"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = runtime.enter();
    let tls = affinity_client::Client::builder("https://127.0.0.1:1").build();
    assert!(
        matches!(tls, Err(ClientError::InvalidUrl { .. })),
        "{tls:?}"
    );
}
