//! The Confluent Schema Registry REST subset, over real HTTP on a loopback port: each route,
//! each error code, and Confluent's own Python client against it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use affinity::registry::FileRegistry;
use affinity::registry::rest::{CONTENT_TYPE, MAX_BODY_BYTES};
use affinity_avro::{MemoryRegistry, SchemaRegistry};
use http::Method;
use serde_json::{Value, json};

/// The server and the HTTP client.
#[path = "common/child.rs"]
mod child;
#[path = "schemas_rest/http.rs"]
mod http_support;
/// Confluent's Python client against the server.
#[path = "schemas_rest/python.rs"]
mod python;

use http_support::{Http, Server, V1_JSON};

fn record(fields: Value) -> String {
    json!({"type": "record", "name": "Reading", "namespace": "test", "fields": fields}).to_string()
}

fn v1() -> String {
    record(json!([{"name": "id", "type": "long"}]))
}

/// v1 plus a field with a default: BACKWARD and FORWARD compatible with v1.
fn v2() -> String {
    record(
        json!([{"name": "id", "type": "long"}, {"name": "note", "type": "string", "default": ""}]),
    )
}

/// v1 plus a field without a default: not BACKWARD compatible.
fn bad() -> String {
    record(json!([{"name": "id", "type": "long"}, {"name": "site", "type": "string"}]))
}

async fn start() -> (Server, Http) {
    let server = Server::start(Arc::new(MemoryRegistry::new())).await;
    let http = Http::new(&server);
    (server, http)
}

/// The same JSON, whatever the key order and spacing.
fn same_json(a: &str, b: &str) {
    assert_eq!(
        serde_json::from_str::<Value>(a).unwrap(),
        serde_json::from_str::<Value>(b).unwrap()
    );
}

#[tokio::test]
async fn register_read_back_and_look_up() {
    let (_server, http) = start().await;
    let r = http
        .post("/subjects/t-value/versions", &json!({"schema": v1()}))
        .await;
    assert_eq!((r.status, r.json()), (200, json!({"id": 1})));
    assert_eq!(r.content_type.as_deref(), Some(CONTENT_TYPE));
    // Idempotent: same id, no new version.
    let r = http
        .post(
            "/subjects/t-value/versions",
            &json!({"schema": v1(), "schemaType": "AVRO"}),
        )
        .await;
    assert_eq!(r.json(), json!({"id": 1}));
    assert_eq!(
        http.get("/subjects/t-value/versions").await.json(),
        json!([1])
    );

    let r = http
        .post("/subjects/t-value/versions", &json!({"schema": v2()}))
        .await;
    assert_eq!(r.json(), json!({"id": 2}));
    // The same schema under another subject keeps its id.
    let r = http
        .post("/subjects/other-key/versions", &json!({"schema": v1()}))
        .await;
    assert_eq!(r.json(), json!({"id": 1}));

    assert_eq!(
        http.get("/subjects").await.json(),
        json!(["other-key", "t-value"])
    );
    assert_eq!(
        http.get("/subjects?subjectPrefix=t-").await.json(),
        json!(["t-value"])
    );
    assert_eq!(
        http.get("/subjects?offset=1&limit=-1").await.json(),
        json!(["t-value"])
    );
    assert_eq!(
        http.get("/subjects/t-value/versions").await.json(),
        json!([1, 2])
    );

    for (path, version, id, schema) in [
        ("/subjects/t-value/versions/1", 1, 1, v1()),
        ("/subjects/t-value/versions/2", 2, 2, v2()),
        ("/subjects/t-value/versions/latest", 2, 2, v2()),
        ("/subjects/t-value/versions/-1", 2, 2, v2()),
    ] {
        let r = http.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        let body = r.json();
        assert_eq!(body["subject"], "t-value");
        assert_eq!(
            (body["version"].as_u64(), body["id"].as_u64()),
            (Some(version), Some(id))
        );
        same_json(body["schema"].as_str().unwrap(), &schema);
    }
    let raw = http.get("/subjects/t-value/versions/1/schema").await;
    assert_eq!(raw.content_type.as_deref(), Some(CONTENT_TYPE));
    same_json(std::str::from_utf8(&raw.body).unwrap(), &v1());

    // By id, under Confluent's path and under the short alias.
    for path in ["/schemas/ids/2", "/ids/2"] {
        let r = http.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        let body = r.json();
        assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
        same_json(body["schema"].as_str().unwrap(), &v2());
    }
    same_json(
        std::str::from_utf8(&http.get("/schemas/ids/1/schema").await.body).unwrap(),
        &v1(),
    );
    assert_eq!(
        http.get("/schemas/ids/1/subjects").await.json(),
        json!(["other-key", "t-value"])
    );
    assert_eq!(
        http.get("/schemas/ids/1/versions").await.json(),
        json!([{"subject": "other-key", "version": 1}, {"subject": "t-value", "version": 1}])
    );
    assert_eq!(http.get("/schemas/types").await.json(), json!(["AVRO"]));

    // Lookup answers the version holding the schema.
    let r = http
        .post("/subjects/t-value", &json!({"schema": v1()}))
        .await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(
        (&body["subject"], &body["version"], &body["id"]),
        (&json!("t-value"), &json!(1), &json!(1))
    );
    same_json(body["schema"].as_str().unwrap(), &v1());
}

#[tokio::test]
async fn subjects_with_odd_names_round_trip() {
    let (_server, http) = start().await;
    // Percent-encoded, as clients send subjects with '/', spaces or non-ASCII.
    let r = http
        .post(
            "/subjects/a%2Fb%20c%C3%A9/versions",
            &json!({"schema": v1()}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(http.get("/subjects").await.json(), json!(["a/b cé"]));
    assert_eq!(
        http.get("/subjects/a%2Fb%20c%C3%A9/versions").await.json(),
        json!([1])
    );
}

#[tokio::test]
async fn compatibility_checks_pass_and_fail_with_messages() {
    let (_server, http) = start().await;
    http.post("/subjects/t/versions", &json!({"schema": v1()}))
        .await;

    let check = |path: &'static str, schema: String| {
        let http = &http;
        async move { http.post(path, &json!({"schema": schema})).await }
    };
    let r = check("/compatibility/subjects/t/versions/latest", v2()).await;
    assert_eq!((r.status, r.json()), (200, json!({"is_compatible": true})));
    let r = check("/compatibility/subjects/t/versions/latest", bad()).await;
    assert_eq!(r.json(), json!({"is_compatible": false}));
    let r = check("/compatibility/subjects/t/versions/1?verbose=true", bad()).await;
    let body = r.json();
    assert_eq!(body["is_compatible"], false);
    let messages = body["messages"].as_array().unwrap();
    assert!(!messages.is_empty());
    assert!(messages[0].as_str().unwrap().contains("site"), "{body}");
    // Python sends `True`.
    let r = check(
        "/compatibility/subjects/t/versions/latest?verbose=True",
        v2(),
    )
    .await;
    assert_eq!(r.json(), json!({"is_compatible": true, "messages": []}));
    // Against every version the level names.
    let r = check("/compatibility/subjects/t/versions?verbose=true", bad()).await;
    assert_eq!(r.json()["is_compatible"], false);
    // A subject without versions accepts anything at `latest`, as in Confluent's server.
    let r = check("/compatibility/subjects/new/versions/latest", bad()).await;
    assert_eq!(r.json(), json!({"is_compatible": true}));
    check("/compatibility/subjects/new/versions/1", bad())
        .await
        .assert_error(404, 40401);
    check("/compatibility/subjects/t/versions/7", bad())
        .await
        .assert_error(404, 40402);
    check("/compatibility/subjects/t/versions/zero", bad())
        .await
        .assert_error(422, 42202);

    // Registering the incompatible schema is refused and changes nothing.
    let r = http
        .post("/subjects/t/versions", &json!({"schema": bad()}))
        .await;
    r.assert_error(409, 409);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("incompatible")
    );
    assert_eq!(http.get("/subjects/t/versions").await.json(), json!([1]));
}

#[tokio::test]
async fn config_global_and_per_subject() {
    let (_server, http) = start().await;
    assert_eq!(
        http.get("/config").await.json(),
        json!({"compatibilityLevel": "BACKWARD"})
    );
    let r = http.put("/config", &json!({"compatibility": "FULL"})).await;
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"compatibility": "FULL"}))
    );
    assert_eq!(
        http.get("/config").await.json(),
        json!({"compatibilityLevel": "FULL"})
    );

    let r = http
        .put("/config/t", &json!({"compatibility": "none"}))
        .await;
    assert_eq!(r.json(), json!({"compatibility": "NONE"}));
    assert_eq!(
        http.get("/config/t").await.json(),
        json!({"compatibilityLevel": "NONE"})
    );
    // A subject without its own level has the global one.
    assert_eq!(
        http.get("/config/u").await.json(),
        json!({"compatibilityLevel": "FULL"})
    );

    // The level is in force: NONE lets the incompatible schema in under `t` only.
    http.post("/subjects/t/versions", &json!({"schema": v1()}))
        .await;
    http.post("/subjects/u/versions", &json!({"schema": v1()}))
        .await;
    let r = http
        .post("/subjects/t/versions", &json!({"schema": bad()}))
        .await;
    assert_eq!(r.json(), json!({"id": 2}));
    http.post("/subjects/u/versions", &json!({"schema": bad()}))
        .await
        .assert_error(409, 409);

    http.put("/config", &json!({"compatibility": "SIDEWAYS"}))
        .await
        .assert_error(422, 42203);
    http.put("/config/t", &json!({}))
        .await
        .assert_error(422, 42203);
    assert_eq!(
        http.get("/config/t").await.json(),
        json!({"compatibilityLevel": "NONE"})
    );
}

#[tokio::test]
async fn deleting_a_subject_keeps_its_ids() {
    let (_server, http) = start().await;
    http.post("/subjects/t/versions", &json!({"schema": v1()}))
        .await;
    http.post("/subjects/t/versions", &json!({"schema": v2()}))
        .await;
    let r = http.delete("/subjects/t").await;
    assert_eq!((r.status, r.json()), (200, json!([1, 2])));
    http.get("/subjects/t/versions")
        .await
        .assert_error(404, 40401);
    assert_eq!(http.get("/subjects").await.json(), json!([]));
    // Data framed with the ids can still be read.
    assert_eq!(http.get("/schemas/ids/2").await.status, 200);
    assert_eq!(http.get("/schemas/ids/2/subjects").await.json(), json!([]));
    http.delete("/subjects/t").await.assert_error(404, 40401);
    // Registering again starts at version 1 with the same id.
    let r = http
        .post("/subjects/t/versions", &json!({"schema": v2()}))
        .await;
    assert_eq!(r.json(), json!({"id": 2}));
    assert_eq!(http.get("/subjects/t/versions").await.json(), json!([1]));
}

#[tokio::test]
async fn every_error_code() {
    let (_server, http) = start().await;
    http.post("/subjects/t/versions", &json!({"schema": v1()}))
        .await;

    // 404s.
    http.get("/subjects/nope/versions")
        .await
        .assert_error(404, 40401);
    http.get("/subjects/nope/versions/latest")
        .await
        .assert_error(404, 40401);
    http.post("/subjects/nope", &json!({"schema": v1()}))
        .await
        .assert_error(404, 40401);
    http.get("/subjects/t/versions/2")
        .await
        .assert_error(404, 40402);
    http.get("/subjects/t/versions/2/schema")
        .await
        .assert_error(404, 40402);
    for path in [
        "/schemas/ids/99",
        "/ids/99",
        "/schemas/ids/abc",
        "/schemas/ids/99/subjects",
        "/schemas/ids/-1",
    ] {
        http.get(path).await.assert_error(404, 40403);
    }
    http.post("/subjects/t", &json!({"schema": v2()}))
        .await
        .assert_error(404, 40403);

    // Invalid schemas and schema requests.
    for body in [
        json!({"schema": "{\"type\": \"record\", \"name\": \"R\"}"}),
        json!({"schema": "not json"}),
        json!({"schema": ""}),
        json!({}),
        json!({"schema": v1(), "schemaType": "PROTOBUF"}),
        json!({"schema": v1(), "references": [{"name": "x", "subject": "y", "version": 1}]}),
        json!({"schema": v1(), "ruleSet": {"domainRules": []}}),
    ] {
        http.post("/subjects/t/versions", &body)
            .await
            .assert_error(422, 42201);
        http.post("/subjects/t", &body)
            .await
            .assert_error(422, 42201);
        http.post("/compatibility/subjects/t/versions/latest", &body)
            .await
            .assert_error(422, 42201);
    }
    // Python's client sends an empty reference list and null metadata: accepted.
    let r = http
        .post(
            "/subjects/t/versions",
            &json!({"schema": v1(), "references": [], "metadata": null}),
        )
        .await;
    assert_eq!(r.json(), json!({"id": 1}));

    // Versions that are not versions.
    for v in ["0", "abc", "2147483648", "-2", "1.0"] {
        http.get(&format!("/subjects/t/versions/{v}"))
            .await
            .assert_error(422, 42202);
        http.get(&format!("/subjects/t/versions/{v}/schema"))
            .await
            .assert_error(422, 42202);
    }

    // Bodies: not JSON, the wrong JSON, too large, the wrong media type.
    http.send(
        Method::POST,
        "/subjects/t/versions",
        Some(V1_JSON),
        "{\"schema\": ",
    )
    .await
    .assert_error(400, 400);
    http.send(Method::PUT, "/config", Some(V1_JSON), "nope")
        .await
        .assert_error(400, 400);
    http.post("/subjects/t/versions", &json!({"schema": 5}))
        .await
        .assert_error(422, 422);
    http.post("/subjects/t/versions", &json!(["schema"]))
        .await
        .assert_error(422, 422);
    let huge = json!({"schema": format!("\"{}\"", "x".repeat(MAX_BODY_BYTES))}).to_string();
    http.send(Method::POST, "/subjects/t/versions", Some(V1_JSON), huge)
        .await
        .assert_error(413, 413);
    http.send(
        Method::POST,
        "/subjects/t/versions",
        Some("text/plain"),
        json!({"schema": v1()}).to_string(),
    )
    .await
    .assert_error(415, 415);

    // Routes and methods that do not exist.
    http.get("/nothing/here").await.assert_error(404, 404);
    http.send(Method::PUT, "/subjects/t/versions", Some(V1_JSON), "{}")
        .await
        .assert_error(405, 405);

    // None of it changed anything.
    assert_eq!(http.get("/subjects").await.json(), json!(["t"]));
    assert_eq!(http.get("/subjects/t/versions").await.json(), json!([1]));
}

#[tokio::test]
async fn accepted_request_media_types() {
    let (_server, http) = start().await;
    for (i, content_type) in [
        Some("application/vnd.schemaregistry.v1+json"),
        Some("application/vnd.schemaregistry+json"),
        Some("application/json"),
        Some("application/json; charset=utf-8"),
        Some("Application/JSON"),
        Some("application/octet-stream"),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        let schema = json!({"type": "fixed", "name": format!("F{i}"), "size": 1}).to_string();
        let r = http
            .send(
                Method::POST,
                &format!("/subjects/s{i}/versions"),
                content_type,
                json!({"schema": schema}).to_string(),
            )
            .await;
        assert_eq!(
            r.status,
            200,
            "{content_type:?}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
}

#[tokio::test]
async fn a_file_registry_behind_the_routes_keeps_everything_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    {
        let server = Server::start(Arc::new(FileRegistry::open(dir.path()).unwrap())).await;
        let http = Http::new(&server);
        assert_eq!(
            http.post("/subjects/a/versions", &json!({"schema": v1()}))
                .await
                .json(),
            json!({"id": 1})
        );
        assert_eq!(
            http.post("/subjects/a/versions", &json!({"schema": v2()}))
                .await
                .json(),
            json!({"id": 2})
        );
        http.put("/config/a", &json!({"compatibility": "FULL_TRANSITIVE"}))
            .await;
        http.post("/subjects/b/versions", &json!({"schema": v2()}))
            .await;
        http.delete("/subjects/b").await;
    }
    let registry: Arc<dyn SchemaRegistry> = Arc::new(FileRegistry::open(dir.path()).unwrap());
    let server = Server::start(registry).await;
    let http = Http::new(&server);
    assert_eq!(http.get("/subjects").await.json(), json!(["a"]));
    assert_eq!(
        http.get("/subjects/a/versions/latest").await.json()["id"],
        2
    );
    assert_eq!(
        http.get("/config/a").await.json(),
        json!({"compatibilityLevel": "FULL_TRANSITIVE"})
    );
    assert_eq!(
        http.post("/subjects/c/versions", &json!({"schema": bad()}))
            .await
            .json(),
        json!({"id": 3})
    );
}

#[tokio::test]
async fn confluent_python_client() {
    python::run().await;
}
