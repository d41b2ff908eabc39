//! `Avro<T>` over HTTP: both encodings, content negotiation, refusals with their messages, and
//! schema ids both ways.

use std::sync::Arc;

use affinity::gateway::{AVRO_BINARY, Gateway};
use affinity_avro::{
    MemoryRegistry, Schema, SchemaId, SchemaRegistry, encode_value, from_slice, to_vec,
};

use crate::support::{SUBJECT, Server, Setup, Vertex, app};

fn vertex() -> Vertex {
    Vertex {
        id: 42,
        edges: vec![3, 1, 2],
        label: Some("answer".into()),
    }
}

fn sorted(mut v: Vertex) -> Vertex {
    v.edges.sort_unstable();
    v
}

#[tokio::test]
async fn binary_round_trip() {
    let server = Server::start(app(&Setup::default())).await;
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[("content-type", AVRO_BINARY), ("accept", AVRO_BINARY)],
            to_vec(&vertex()),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some(AVRO_BINARY));
    assert_eq!(reply.header("vary"), Some("accept"));
    assert_eq!(from_slice::<Vertex>(&reply.body), Ok(sorted(vertex())));
}

#[tokio::test]
async fn json_round_trip_and_json_by_default() {
    let server = Server::start(app(&Setup::default())).await;
    let body = r#"{"id": 42, "edges": [3, 1, 2], "label": "answer"}"#;
    for accept in [
        None,
        Some("*/*"),
        Some("application/json"),
        Some("application/*"),
    ] {
        let mut headers = vec![("content-type", "application/json; charset=utf-8")];
        headers.extend(accept.map(|a| ("accept", a)));
        let reply = server.call("POST", "/vertex", &headers, body).await;
        assert_eq!(reply.status, 200, "{accept:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(
            reply.text(),
            r#"{"id":42,"edges":[1,2,3],"label":"answer"}"#,
            "{accept:?}"
        );
    }
    // Binary in, JSON out (and the other way) are independent choices.
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[("content-type", "avro/binary")],
            to_vec(&vertex()),
        )
        .await;
    assert_eq!(reply.json()["edges"], serde_json::json!([1, 2, 3]));
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[
                ("content-type", "application/json"),
                ("accept", "application/avro"),
            ],
            body,
        )
        .await;
    assert_eq!(reply.header("content-type"), Some(AVRO_BINARY));
    assert_eq!(from_slice::<Vertex>(&reply.body), Ok(sorted(vertex())));
}

#[tokio::test]
async fn accept_q_values_choose_the_response_type() {
    let server = Server::start(app(&Setup::default())).await;
    let cases = [
        (
            format!("application/json;q=0.5, {AVRO_BINARY};q=0.9"),
            AVRO_BINARY,
        ),
        (
            format!("application/json;q=0.9, {AVRO_BINARY};q=0.5"),
            "application/json",
        ),
        ("application/json;q=0, */*;q=0.1".to_owned(), AVRO_BINARY),
        (format!("text/html, {AVRO_BINARY};q=0.2"), AVRO_BINARY),
        (format!("*/*, {AVRO_BINARY}"), AVRO_BINARY),
    ];
    for (accept, expected) in cases {
        let reply = server
            .call("GET", "/vertex/3", &[("accept", &accept)], "")
            .await;
        assert_eq!(reply.status, 200, "{accept}");
        assert_eq!(reply.header("content-type"), Some(expected), "{accept}");
    }
}

#[tokio::test]
async fn unsupported_content_types_are_415_naming_the_accepted_ones() {
    let server = Server::start(app(&Setup::default())).await;
    let reply = server.call("PUT", "/vertex", &[], to_vec(&vertex())).await;
    assert_eq!(reply.status, 415);
    let (code, message) = reply.error();
    assert_eq!(code, "unsupported_media_type");
    assert!(message.starts_with("missing Content-Type"), "{message}");
    assert!(
        message.contains(AVRO_BINARY) && message.contains("application/json"),
        "{message}"
    );

    for content_type in [
        "text/plain",
        "application/json; charset=latin1",
        "application/xml",
    ] {
        let reply = server
            .call("PUT", "/vertex", &[("content-type", content_type)], "{}")
            .await;
        assert_eq!(reply.status, 415, "{content_type}");
        let (code, message) = reply.error();
        assert_eq!(code, "unsupported_media_type");
        assert!(message.contains(&format!("`{content_type}`")), "{message}");
        assert!(message.contains(AVRO_BINARY), "{message}");
    }
}

#[tokio::test]
async fn nothing_acceptable_is_406() {
    let server = Server::start(app(&Setup::default())).await;
    let reply = server
        .call(
            "GET",
            "/vertex/3",
            &[("accept", "text/html, image/png;q=0.5")],
            "",
        )
        .await;
    assert_eq!(reply.status, 406);
    let (code, message) = reply.error();
    assert_eq!(code, "not_acceptable");
    assert!(message.contains("text/html, image/png;q=0.5"), "{message}");
    assert!(
        message.contains(AVRO_BINARY) && message.contains("application/json"),
        "{message}"
    );
    // A route that does not answer in Avro is not subject to it.
    let reply = server
        .call("GET", "/text", &[("accept", "text/html")], "")
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "plain text, not Avro");
}

#[tokio::test]
async fn malformed_bodies_are_400_saying_what_is_wrong() {
    let server = Server::start(app(&Setup::default())).await;
    let mut truncated = to_vec(&vertex());
    truncated.truncate(truncated.len() - 2);
    let mut trailing = to_vec(&vertex());
    trailing.push(0);
    let binary = [
        (truncated, "length 6 at byte"),
        (trailing, "1 trailing bytes"),
        (vec![0x84, 0x01, 0x05], "unexpected end of input"),
    ];
    for (body, expected) in binary {
        let reply = server
            .call(
                "PUT",
                "/vertex",
                &[("content-type", AVRO_BINARY)],
                body.clone(),
            )
            .await;
        assert_eq!(reply.status, 400, "{body:?}");
        let (code, message) = reply.error();
        assert_eq!(code, "invalid_body");
        assert!(
            message.starts_with("invalid Avro binary body for com.example.test.Vertex: "),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }
    let json = [
        (r#"{"id": 1, "edges": []"#, "not valid JSON"),
        (r#"{"edges": []}"#, "missing field `id`"),
        (r#"{"id": "1", "edges": []}"#, "id: expected"),
        (
            r#"{"id": 1, "edges": [], "color": "red"}"#,
            "unknown field `color`",
        ),
    ];
    for (body, expected) in json {
        let reply = server
            .call(
                "PUT",
                "/vertex",
                &[("content-type", "application/json")],
                body,
            )
            .await;
        assert_eq!(reply.status, 400, "{body}");
        let (code, message) = reply.error();
        assert_eq!(code, "invalid_body");
        assert!(
            message.starts_with("invalid Avro-JSON body for com.example.test.Vertex: "),
            "{message}"
        );
        assert!(message.contains(expected), "{body}: {message}");
    }
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[("content-type", "application/json")],
            vec![b'"', 0xff, b'"'],
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.error().1.contains("not UTF-8"));
}

const OLD_VERTEX: &str = r#"{"type": "record", "name": "Vertex", "namespace": "com.example.test",
    "fields": [
        {"name": "id", "type": "int"},
        {"name": "edges", "type": {"type": "array", "items": "long"}},
        {"name": "obsolete", "type": "string"}
    ]}"#;

#[tokio::test]
async fn schema_ids_out_and_writer_schemas_in() {
    let registry = Arc::new(MemoryRegistry::new());
    let old_schema = Schema::parse(OLD_VERTEX).unwrap();
    let old_id = registry.register(SUBJECT, &old_schema).await.unwrap();
    let setup = Setup {
        gateway: Gateway::with_registry(registry.clone()),
        ..Setup::default()
    };
    let server = Server::start(app(&setup)).await;

    // Out: the response type is registered under its full name on first use, BACKWARD
    // compatible with the old version, and its id sent in both encodings.
    let reply = server.call("GET", "/vertex/2", &[], "").await;
    let latest = registry.latest(SUBJECT).await.unwrap();
    assert_eq!(latest.version, 2);
    assert_ne!(latest.id, old_id);
    let id_text = latest.id.to_string();
    assert_eq!(reply.header("affinity-schema-id"), Some(id_text.as_str()));
    let reply = server
        .call("GET", "/vertex/2", &[("accept", AVRO_BINARY)], "")
        .await;
    assert_eq!(reply.header("affinity-schema-id"), Some(id_text.as_str()));

    // In: binary written with the old schema, resolved (int promoted, removed field skipped,
    // new optional field defaulted).
    let old_json = r#"{"id": 7, "edges": [9, 8], "obsolete": "gone"}"#;
    let value = affinity_avro::json::value_from_json_str(&old_schema, old_json).unwrap();
    let mut old_bytes = Vec::new();
    encode_value(&old_schema, &value, &mut old_bytes).unwrap();
    let expected = Vertex {
        id: 7,
        edges: vec![8, 9],
        label: None,
    };
    let old_id_text = old_id.to_string();
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[
                ("content-type", AVRO_BINARY),
                ("accept", AVRO_BINARY),
                ("affinity-schema-id", &old_id_text),
            ],
            old_bytes.clone(),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(from_slice::<Vertex>(&reply.body), Ok(expected.clone()));
    // Without the header, the same bytes are not a valid Vertex.
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[("content-type", AVRO_BINARY)],
            old_bytes,
        )
        .await;
    assert_eq!(reply.status, 400);

    // Avro-JSON written with the old schema, too.
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[
                ("content-type", "application/json"),
                ("affinity-schema-id", &old_id_text),
            ],
            old_json,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.text(), r#"{"id":7,"edges":[8,9],"label":null}"#);
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[("content-type", "application/json")],
            old_json,
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.error().1.contains("unknown field `obsolete`"));

    // The current id reads directly.
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[
                ("content-type", AVRO_BINARY),
                ("affinity-schema-id", &id_text),
            ],
            to_vec(&vertex()),
        )
        .await;
    assert_eq!(reply.json()["edges"], serde_json::json!([1, 2, 3]));
}

#[tokio::test]
async fn bad_schema_ids_are_400_naming_them() {
    let registry = Arc::new(MemoryRegistry::new());
    let incompatible = Schema::parse(
        r#"{"type": "record", "name": "Vertex", "namespace": "com.example.test",
            "fields": [{"name": "id", "type": "string"}]}"#,
    )
    .unwrap();
    let incompatible_id = registry.register("elsewhere", &incompatible).await.unwrap();
    let setup = Setup {
        gateway: Gateway::with_registry(registry),
        ..Setup::default()
    };
    let server = Server::start(app(&setup)).await;
    let put = |id: String| {
        let server = &server;
        async move {
            server
                .call(
                    "PUT",
                    "/vertex",
                    &[("content-type", AVRO_BINARY), ("affinity-schema-id", &id)],
                    to_vec(&vertex()),
                )
                .await
        }
    };
    let reply = put("9999".into()).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.error(),
        (
            "unknown_schema_id".into(),
            "unknown schema id 9999 (Affinity-Schema-Id)".into()
        )
    );
    for bad in ["abc", "-1", "4294967296", "1.0"] {
        let reply = put(bad.into()).await;
        assert_eq!(reply.status, 400, "{bad}");
        let (code, message) = reply.error();
        assert_eq!(code, "invalid_schema_id");
        assert!(message.contains(&format!("`{bad}`")), "{message}");
    }
    let reply = put(incompatible_id.to_string()).await;
    assert_eq!(reply.status, 400);
    let (code, message) = reply.error();
    assert_eq!(code, "incompatible_schema");
    assert!(
        message.starts_with(&format!(
            "data written with schema id {incompatible_id} cannot be read as com.example.test.Vertex: "
        )),
        "{message}"
    );
}

#[tokio::test]
async fn without_a_registry_there_are_no_schema_ids() {
    let setup = Setup {
        gateway: Gateway::new(),
        ..Setup::default()
    };
    let server = Server::start(app(&setup)).await;
    let reply = server.call("GET", "/vertex/2", &[], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("affinity-schema-id"), None);
    let reply = server
        .call(
            "PUT",
            "/vertex",
            &[("content-type", AVRO_BINARY), ("affinity-schema-id", "1")],
            to_vec(&vertex()),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error().0, "no_schema_registry");
}

#[tokio::test]
async fn ids_set_by_the_node_are_used() {
    let setup = Setup {
        gateway: Gateway::new(),
        ..Setup::default()
    };
    setup
        .gateway
        .set_schema_id(<Vertex as affinity_avro::Avro>::schema(), SchemaId(77));
    let server = Server::start(app(&setup)).await;
    let reply = server.call("GET", "/vertex/2", &[], "").await;
    assert_eq!(reply.header("affinity-schema-id"), Some("77"));
}
