//! The frame schemas, pinned: the exported JSON in `protocol/schema/` and the canonical forms.
//!
//! An accidental change to a frame type fails here. A deliberate one follows the appending
//! rules of the `frame` module docs, then regenerates the exported files with
//! `AFFINITY_BLESS=1 cargo test -p affinity-protocol --test schema` and updates the canonical
//! forms below.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use affinity_avro::{Avro, Schema};
use affinity_protocol::frame::{ClientFrame, ServerFrame};

fn exported(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("{name}.avsc"))
}

/// The exported file matches the type's schema JSON, or is rewritten when blessing.
/// The files are pretty-printed, in the order `Schema::to_json` writes attributes.
fn check_export(name: &str, schema: &Schema) {
    let path = exported(name);
    let value: serde_json::Value = serde_json::from_str(&schema.to_json()).expect("schema JSON");
    let json = format!(
        "{}\n",
        serde_json::to_string_pretty(&value).expect("pretty JSON")
    );
    if std::env::var_os("AFFINITY_BLESS").is_some() {
        std::fs::write(&path, &json).expect("write the exported schema");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).expect("read the exported schema");
    assert!(
        on_disk == json,
        "{} is not the schema of {name}; if the change is deliberate, regenerate it with \
         AFFINITY_BLESS=1 cargo test -p affinity-protocol --test schema\nfile:   {on_disk}\ntype:   {json}",
        path.display()
    );
    // The exported text parses back to the same schema.
    assert_eq!(&Schema::parse(&on_disk).expect("the export parses"), schema);
}

#[test]
fn client_frame_schema_is_pinned() {
    check_export("ClientFrame", ClientFrame::schema());
    assert_eq!(ClientFrame::schema().canonical_form(), CLIENT_CANONICAL);
}

#[test]
fn server_frame_schema_is_pinned() {
    check_export("ServerFrame", ServerFrame::schema());
    assert_eq!(ServerFrame::schema().canonical_form(), SERVER_CANONICAL);
}

const CLIENT_CANONICAL: &str = r#"[{"name":"affinity.live.Subscribe","type":"record","fields":[{"name":"sub_id","type":"long"},{"name":"keyspace","type":"string"},{"name":"state","type":"string"},{"name":"key","type":"bytes"},{"name":"resume_from","type":["null","long"]}]},{"name":"affinity.live.Unsubscribe","type":"record","fields":[{"name":"sub_id","type":"long"}]},{"name":"affinity.live.Publish","type":"record","fields":[{"name":"request_id","type":"long"},{"name":"keyspace","type":"string"},{"name":"key","type":"bytes"},{"name":"message","type":"bytes"}]},{"name":"affinity.live.Ping","type":"record","fields":[{"name":"nonce","type":"long"}]}]"#;
const SERVER_CANONICAL: &str = r#"[{"name":"affinity.live.Snapshot","type":"record","fields":[{"name":"sub_id","type":"long"},{"name":"offset","type":"long"},{"name":"schema_id","type":"int"},{"name":"value","type":"bytes"}]},{"name":"affinity.live.Delta","type":"record","fields":[{"name":"sub_id","type":"long"},{"name":"offset","type":"long"},{"name":"base_offset","type":"long"},{"name":"schema_id","type":"int"},{"name":"delta","type":"bytes"}]},{"name":"affinity.live.Deleted","type":"record","fields":[{"name":"sub_id","type":"long"},{"name":"offset","type":"long"}]},{"name":"affinity.live.Error","type":"record","fields":[{"name":"sub_id","type":["null","long"]},{"name":"request_id","type":["null","long"]},{"name":"code","type":{"name":"affinity.live.ErrorCode","type":"enum","symbols":["Internal","BadFrame","UnknownKeyspace","UnknownState","BadKey","BadMessage","Unauthorized","Overloaded","Unavailable","Other"]}},{"name":"message","type":"string"}]},{"name":"affinity.live.Published","type":"record","fields":[{"name":"request_id","type":"long"}]},{"name":"affinity.live.Pong","type":"record","fields":[{"name":"nonce","type":"long"}]}]"#;
