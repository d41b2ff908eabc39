//! Confluent's Python client (`confluent-kafka`, installed by `dev/setup`) against the server:
//! its SchemaRegistryClient calls, its AvroSerializer registering and framing a value that Rust
//! then decodes, and its AvroDeserializer reading a value Rust framed. Skipped with a notice
//! when Python or the package is missing — except under `CI=true`, where that fails.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use affinity_avro::{
    MemoryRegistry, Schema, SchemaRegistry, Value, decode_frame, decode_value, encode_frame,
    encode_value,
};
use serde_json::json;

use super::child;
use super::http_support::Server;

/// How long the script may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// Whether `python3` can import the client, its Avro support and its HTTP library.
fn python_client_available() -> bool {
    Command::new("python3")
        .args([
            "-c",
            "import confluent_kafka.schema_registry.avro, fastavro, httpx",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `python3 args…`, killing it after [`SCRIPT_TIMEOUT`]; returns (success, stdout, stderr).
fn run_python(args: Vec<String>) -> (bool, String, String) {
    let child = Command::new("python3")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let child::Ended {
        status,
        stdout,
        stderr,
    } = child::finish(child, Vec::new(), SCRIPT_TIMEOUT);
    let success = status.is_some_and(|s| s.success());
    (success, stdout, stderr)
}

pub(crate) async fn run() {
    if !python_client_available() {
        let message = "python3 with confluent-kafka (schema registry and Avro extras) is \
                       missing: run dev/setup";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}");
        }
        eprintln!("skipping the Confluent Python client test: {message}");
        return;
    }
    let registry = Arc::new(MemoryRegistry::new());
    let server = Server::start(registry.clone()).await;

    // A value framed by Rust under a schema registered through the Rust API.
    let schema = Schema::parse(
        &json!({"type": "record", "name": "Event", "namespace": "rust.test", "fields": [
            {"name": "name", "type": "string"},
            {"name": "count", "type": "long"},
            {"name": "tags", "type": {"type": "array", "items": "string"}}
        ]})
        .to_string(),
    )
    .unwrap();
    let id = registry.register("rust-value", &schema).await.unwrap();
    let value = Value::Record(vec![
        Value::String("rust".into()),
        Value::Long(42),
        Value::Array(vec![Value::String("a".into()), Value::String("b".into())]),
    ]);
    let mut body = Vec::new();
    encode_value(&schema, &value, &mut body).unwrap();
    let mut frame = Vec::new();
    encode_frame(id.0, &body, &mut frame);
    let hex: String = frame.iter().map(|b| format!("{b:02x}")).collect();

    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas_rest/confluent_client.py");
    let args = vec![script.display().to_string(), server.base(), hex];
    let (success, stdout, stderr) = tokio::task::spawn_blocking(move || run_python(args))
        .await
        .unwrap();
    assert!(
        success,
        "the Python client failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    for check in [
        "register is idempotent",
        "get_schema by id",
        "test_compatibility",
        "versions, latest, subjects, lookup",
        "errors",
        "compatibility levels",
        "serializer round trip",
        "deserialized the Rust frame",
        "delete_subject",
    ] {
        assert!(
            stdout.contains(&format!("OK {check}\n")),
            "missing `{check}`:\n{stdout}"
        );
    }

    // The Python deserializer read Rust's value.
    let decoded = stdout
        .lines()
        .find_map(|l| l.strip_prefix("DECODED "))
        .expect("no DECODED line");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(decoded).unwrap(),
        json!({"count": 42, "name": "rust", "tags": ["a", "b"]})
    );

    // Rust reads the Python serializer's frame with the schema it registered here.
    let hex = stdout
        .lines()
        .find_map(|l| l.strip_prefix("FRAME "))
        .expect("no FRAME line");
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let (writer_id, body) = decode_frame(&bytes).unwrap();
    let writer = registry.schema_by_id(writer_id.into()).await.unwrap();
    assert_eq!(
        decode_value(&writer, body).unwrap(),
        Value::Record(vec![Value::String("s-1".into()), Value::Double(21.5)])
    );
    assert_eq!(
        registry.latest("sensors-value").await.unwrap().id.0,
        writer_id
    );
}
