//! Frames on the wire: exact bytes, read back by apache-avro from the exported schemas (what
//! another language's Avro library sees), and round trips of every kind.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use affinity_protocol::ProtocolError;
use affinity_protocol::frame::{
    ClientFrame, Deleted, Delta, ErrorCode, ErrorFrame, Ping, Pong, Publish, Published,
    ServerFrame, Snapshot, Subscribe, Unsubscribe, decode, encode,
};
use apache_avro::types::Value as Apache;

fn apache(file: &str) -> apache_avro::Schema {
    let path = format!("{}/schema/{file}.avsc", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("exported schema");
    apache_avro::Schema::parse_str(&text).expect("apache-avro parses the exported schema")
}

/// `from_avro_datum` is deprecated in 0.22 for the datum reader types, but it is the plain
/// single-datum API this check is about.
#[allow(deprecated)]
fn apache_decode(schema: &apache_avro::Schema, bytes: &[u8]) -> Apache {
    let mut rest = bytes;
    let v = apache_avro::from_avro_datum(schema, &mut rest, None).expect("apache-avro decodes");
    assert!(rest.is_empty(), "apache-avro left {} bytes", rest.len());
    v
}

fn record(fields: &[(&str, Apache)]) -> Apache {
    Apache::Record(
        fields
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect(),
    )
}

#[test]
fn subscribe_bytes() {
    let f = ClientFrame::Subscribe(Subscribe {
        sub_id: 1,
        keyspace: "g".into(),
        state: "v".into(),
        key: affinity_avro::to_vec(&42i64),
        resume_from: Some(7),
    });
    let bytes = encode(&f);
    // branch 0; sub_id 1; "g"; "v"; key bytes [0x54] (42 zig-zag); resume_from: branch 1, 7.
    assert_eq!(
        bytes,
        [0x00, 0x02, 0x02, b'g', 0x02, b'v', 0x02, 0x54, 0x02, 0x0e]
    );
    assert_eq!(decode::<ClientFrame>(&bytes), Ok(f));
    assert_eq!(
        apache_decode(&apache("ClientFrame"), &bytes),
        Apache::Union(
            0,
            Box::new(record(&[
                ("sub_id", Apache::Long(1)),
                ("keyspace", Apache::String("g".into())),
                ("state", Apache::String("v".into())),
                ("key", Apache::Bytes(vec![0x54])),
                ("resume_from", Apache::Union(1, Box::new(Apache::Long(7)))),
            ]))
        )
    );
}

#[test]
fn delta_bytes() {
    let f = ServerFrame::Delta(Delta {
        sub_id: 3,
        offset: 11,
        base_offset: 10,
        schema_id: 7,
        delta: vec![0x01, 0x04],
    });
    let bytes = encode(&f);
    // branch 1; sub_id 3; offset 11; base_offset 10; schema_id 7; delta: 2 bytes.
    assert_eq!(bytes, [0x02, 0x06, 0x16, 0x14, 0x0e, 0x04, 0x01, 0x04]);
    assert_eq!(decode::<ServerFrame>(&bytes), Ok(f));
    assert_eq!(
        apache_decode(&apache("ServerFrame"), &bytes),
        Apache::Union(
            1,
            Box::new(record(&[
                ("sub_id", Apache::Long(3)),
                ("offset", Apache::Long(11)),
                ("base_offset", Apache::Long(10)),
                ("schema_id", Apache::Int(7)),
                ("delta", Apache::Bytes(vec![0x01, 0x04])),
            ]))
        )
    );
}

#[test]
fn error_bytes() {
    let f = ServerFrame::Error(ErrorFrame {
        sub_id: None,
        request_id: Some(5),
        code: ErrorCode::Overloaded,
        message: "busy".into(),
    });
    let bytes = encode(&f);
    // branch 3; sub_id null; request_id: branch 1, 5; code: symbol 7; "busy".
    assert_eq!(
        bytes,
        [0x06, 0x00, 0x02, 0x0a, 0x0e, 0x08, b'b', b'u', b's', b'y']
    );
    assert_eq!(decode::<ServerFrame>(&bytes), Ok(f));
    assert_eq!(
        apache_decode(&apache("ServerFrame"), &bytes),
        Apache::Union(
            3,
            Box::new(record(&[
                ("sub_id", Apache::Union(0, Box::new(Apache::Null))),
                ("request_id", Apache::Union(1, Box::new(Apache::Long(5)))),
                ("code", Apache::Enum(7, "Overloaded".into())),
                ("message", Apache::String("busy".into())),
            ]))
        )
    );
}

#[test]
fn an_error_code_from_a_newer_server_reads_as_other() {
    // Symbol 12 does not exist in this version.
    let bytes = [0x06, 0x02, 0x02, 0x00, 0x18, 0x00];
    assert_eq!(
        decode::<ServerFrame>(&bytes),
        Ok(ServerFrame::Error(ErrorFrame {
            sub_id: Some(1),
            request_id: None,
            code: ErrorCode::Other,
            message: String::new(),
        }))
    );
}

#[test]
fn a_frame_kind_from_a_newer_peer_is_unknown_not_malformed() {
    // Branch 6 of ServerFrame, with a body this version cannot know.
    assert_eq!(
        decode::<ServerFrame>(&[0x0c, 0xff, 0xff]),
        Err(ProtocolError::UnknownFrame { index: 6 })
    );
}

#[test]
fn every_frame_kind_round_trips_and_apache_avro_reads_it() {
    let client = [
        ClientFrame::Subscribe(Subscribe {
            sub_id: i64::MAX,
            keyspace: "ks".into(),
            state: "st".into(),
            key: vec![],
            resume_from: None,
        }),
        ClientFrame::Unsubscribe(Unsubscribe { sub_id: 9 }),
        ClientFrame::Publish(Publish {
            request_id: 1,
            keyspace: "ks".into(),
            key: vec![2],
            message: vec![1, 2, 3],
        }),
        ClientFrame::Ping(Ping { nonce: -1 }),
    ];
    let schema = apache("ClientFrame");
    for (i, f) in client.iter().enumerate() {
        let bytes = encode(f);
        assert_eq!(decode::<ClientFrame>(&bytes).as_ref(), Ok(f));
        assert!(matches!(apache_decode(&schema, &bytes), Apache::Union(b, _) if b as usize == i));
    }
    let server = [
        ServerFrame::Snapshot(Snapshot {
            sub_id: 1,
            offset: 0,
            schema_id: -2,
            value: vec![0; 300],
        }),
        ServerFrame::Delta(Delta {
            sub_id: 1,
            offset: 2,
            base_offset: 1,
            schema_id: 1,
            delta: vec![0],
        }),
        ServerFrame::Deleted(Deleted {
            sub_id: 1,
            offset: -1,
        }),
        ServerFrame::Error(ErrorFrame {
            sub_id: Some(1),
            request_id: None,
            code: ErrorCode::UnknownKeyspace,
            message: "no keyspace \"x\"".into(),
        }),
        ServerFrame::Published(Published { request_id: 1 }),
        ServerFrame::Pong(Pong { nonce: i64::MIN }),
    ];
    let schema = apache("ServerFrame");
    for (i, f) in server.iter().enumerate() {
        let bytes = encode(f);
        assert_eq!(decode::<ServerFrame>(&bytes).as_ref(), Ok(f));
        assert!(matches!(apache_decode(&schema, &bytes), Apache::Union(b, _) if b as usize == i));
    }
}
