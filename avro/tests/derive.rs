//! `#[derive(Avro)]` on structs: the exact schema each shape produces, round trips, and the
//! generated codec agreeing with the dynamic one on the same bytes.

mod derive_support;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use affinity_avro::{Avro, DecodeError, from_slice, to_vec};
use derive_support::{canonical, round_trip, written_schema};

/// A point.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.shapes")]
struct Point {
    x: i64,
    y: i64,
}

#[test]
fn a_struct_is_a_record_of_its_fields_in_order() {
    assert_eq!(
        written_schema::<Point>(),
        r#"{"type":"record","name":"Point","namespace":"test.shapes","doc":"A point.","fields":[{"name":"x","type":"long"},{"name":"y","type":"long"}]}"#
    );
    assert_eq!(
        canonical::<Point>(),
        r#"{"name":"test.shapes.Point","type":"record","fields":[{"name":"x","type":"long"},{"name":"y","type":"long"}]}"#
    );
    assert_eq!(round_trip(&Point { x: 1, y: -2 }), [2, 3]);
    assert_eq!(Point::MIN_SIZE, 2);
    assert!(std::ptr::eq(Point::schema(), Point::schema()));
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.shapes")]
struct Everything {
    flag: bool,
    small: i32,
    narrow: i16,
    unsigned: u32,
    big: i64,
    single: f32,
    double: f64,
    text: String,
    bytes: Vec<u8>,
    digest: [u8; 4],
    when: SystemTime,
    maybe: Option<i64>,
    list: Vec<Point>,
    hashed: HashMap<String, i32>,
    ordered: BTreeMap<String, Vec<String>>,
    boxed: Box<Point>,
    nothing: (),
}

fn everything() -> Everything {
    Everything {
        flag: true,
        small: -7,
        narrow: 300,
        unsigned: u32::MAX,
        big: i64::MIN,
        single: 1.5,
        double: -0.25,
        text: "héllo".into(),
        bytes: vec![0, 255],
        digest: [1, 2, 3, 4],
        when: UNIX_EPOCH + Duration::from_micros(1_700_000_000_000_001),
        maybe: Some(9),
        list: vec![Point { x: 1, y: 2 }, Point { x: 3, y: 4 }],
        hashed: HashMap::from([("b".into(), 2), ("a".into(), 1)]),
        ordered: BTreeMap::from([("k".into(), vec!["v".into()])]),
        boxed: Box::new(Point { x: 5, y: 6 }),
        nothing: (),
    }
}

#[test]
fn field_types_map_through_their_own_impls() {
    assert_eq!(
        canonical::<Everything>(),
        concat!(
            r#"{"name":"test.shapes.Everything","type":"record","fields":["#,
            r#"{"name":"flag","type":"boolean"},{"name":"small","type":"int"},"#,
            r#"{"name":"narrow","type":"int"},{"name":"unsigned","type":"long"},"#,
            r#"{"name":"big","type":"long"},{"name":"single","type":"float"},"#,
            r#"{"name":"double","type":"double"},{"name":"text","type":"string"},"#,
            r#"{"name":"bytes","type":"bytes"},"#,
            r#"{"name":"digest","type":{"name":"affinity.Fixed4","type":"fixed","size":4}},"#,
            r#"{"name":"when","type":"long"},{"name":"maybe","type":["null","long"]},"#,
            r#"{"name":"list","type":{"type":"array","items":{"name":"test.shapes.Point","type":"record","fields":[{"name":"x","type":"long"},{"name":"y","type":"long"}]}}},"#,
            r#"{"name":"hashed","type":{"type":"map","values":"int"}},"#,
            r#"{"name":"ordered","type":{"type":"map","values":{"type":"array","items":"string"}}},"#,
            r#"{"name":"boxed","type":"test.shapes.Point"},{"name":"nothing","type":"null"}]}"#
        )
    );
    let bytes = round_trip(&everything());
    // The optional field has a default of null; the timestamp keeps its logical type.
    let json = written_schema::<Everything>();
    assert!(json.contains(r#"{"name":"maybe","type":["null","long"],"default":null}"#));
    assert!(json.contains(r#"{"type":"long","logicalType":"timestamp-micros"}"#));
    // The boxed Point is the second use of the name: a reference, not a second definition.
    assert!(json.contains(r#"{"name":"boxed","type":"Point"}"#));
    // A record's minimum size is the sum of its fields'.
    assert_eq!(
        Everything::MIN_SIZE,
        1 + 1 + 1 + 1 + 1 + 4 + 8 + 1 + 1 + 4 + 1 + 1 + 1 + 1 + 1 + 2
    );
    assert!(bytes.len() > Everything::MIN_SIZE);
}

#[test]
fn truncated_and_malformed_input_is_an_error() {
    let bytes = to_vec(&everything());
    for len in 0..bytes.len() {
        assert!(from_slice::<Everything>(&bytes[..len]).is_err(), "{len}");
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert_eq!(
        from_slice::<Everything>(&extra),
        Err(DecodeError::TrailingBytes(1))
    );
    // `flag` is the first byte: 2 is no boolean.
    let mut bad = bytes;
    bad[0] = 2;
    assert_eq!(
        from_slice::<Everything>(&bad),
        Err(DecodeError::InvalidBool(2))
    );
}

/// The old doc.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(
    namespace = "test.names",
    name = "Renamed",
    alias = "Before",
    alias = "other.Earlier",
    doc = "Given \"explicitly\"."
)]
struct Attributes {
    /// Documented
    /// on two lines.
    #[avro(rename = "id", alias = "key", alias = "ident")]
    r#type: i64,
    #[avro(doc = "explicit", default = "\"none\"")]
    label: String,
    #[avro(default = "[1, 2]")]
    counts: Vec<i32>,
    /// Optional, so it defaults to null.
    note: Option<String>,
    #[avro(default = "null")]
    other: Option<i64>,
}

#[test]
fn renames_aliases_docs_and_defaults_are_in_the_schema() {
    assert_eq!(
        written_schema::<Attributes>(),
        concat!(
            r#"{"type":"record","name":"Renamed","namespace":"test.names","#,
            r#""doc":"Given \"explicitly\".","aliases":["Before","other.Earlier"],"fields":["#,
            r#"{"name":"id","doc":"Documented\non two lines.","aliases":["key","ident"],"type":"long"},"#,
            r#"{"name":"label","doc":"explicit","type":"string","default":"none"},"#,
            r#"{"name":"counts","type":{"type":"array","items":"int"},"default":[1, 2]},"#,
            r#"{"name":"note","doc":"Optional, so it defaults to null.","type":["null","string"],"default":null},"#,
            r#"{"name":"other","type":["null","long"],"default":null}]}"#
        )
    );
    let schema = Attributes::schema();
    assert_eq!(
        schema.root_node().kind.name().map(|n| n.fullname()),
        Some("test.names.Renamed")
    );
    round_trip(&Attributes {
        r#type: 1,
        label: "l".into(),
        counts: vec![],
        note: Some("n".into()),
        other: None,
    });
}

fn seven() -> u32 {
    7
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.skip")]
struct Skipping {
    kept: i64,
    #[avro(skip)]
    cache: Vec<String>,
    #[avro(skip_default = "seven")]
    generation: u32,
    #[avro(skip)]
    raw: u64,
}

#[test]
fn skipped_fields_are_not_in_the_schema_and_decode_to_their_default() {
    assert_eq!(
        canonical::<Skipping>(),
        r#"{"name":"test.skip.Skipping","type":"record","fields":[{"name":"kept","type":"long"}]}"#
    );
    let v = Skipping {
        kept: 3,
        cache: vec!["x".into()],
        generation: 1,
        raw: u64::MAX,
    };
    let bytes = to_vec(&v);
    assert_eq!(bytes, [6]);
    assert_eq!(
        from_slice::<Skipping>(&bytes),
        Ok(Skipping {
            kept: 3,
            cache: vec![],
            generation: 7,
            raw: 0
        })
    );
}

#[derive(Avro, Debug, Clone, PartialEq)]
struct UserId(i64);

#[derive(Avro, Debug, Clone, PartialEq)]
struct Tags(Vec<String>);

/// A digest.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(fixed, namespace = "test.fixed", alias = "OldHash")]
struct Sha256([u8; 32]);

const MD5_LEN: usize = 16;

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(fixed, name = "Md5")]
struct Md5Digest([u8; MD5_LEN]);

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.fixed")]
struct Blob {
    id: UserId,
    tags: Tags,
    hash: Sha256,
    again: Sha256,
    md5: Md5Digest,
}

#[test]
fn a_newtype_is_its_field_and_a_fixed_newtype_is_a_named_fixed() {
    assert_eq!(written_schema::<UserId>(), r#""long""#);
    assert_eq!(UserId::schema(), i64::schema());
    assert_eq!(round_trip(&UserId(-1)), [1]);
    assert_eq!(UserId::MIN_SIZE, 1);
    assert_eq!(
        written_schema::<Tags>(),
        r#"{"type":"array","items":"string"}"#
    );
    assert_eq!(
        written_schema::<Sha256>(),
        r#"{"type":"fixed","name":"Sha256","namespace":"test.fixed","doc":"A digest.","aliases":["OldHash"],"size":32}"#
    );
    assert_eq!(Sha256::MIN_SIZE, 32);
    assert_eq!(Md5Digest::MIN_SIZE, 16);
    assert_eq!(
        written_schema::<Md5Digest>(),
        r#"{"type":"fixed","name":"Md5","size":16}"#
    );
    let blob = Blob {
        id: UserId(5),
        tags: Tags(vec!["a".into()]),
        hash: Sha256([7; 32]),
        again: Sha256([8; 32]),
        md5: Md5Digest([9; 16]),
    };
    assert_eq!(
        canonical::<Blob>(),
        concat!(
            r#"{"name":"test.fixed.Blob","type":"record","fields":[{"name":"id","type":"long"},"#,
            r#"{"name":"tags","type":{"type":"array","items":"string"}},"#,
            r#"{"name":"hash","type":{"name":"test.fixed.Sha256","type":"fixed","size":32}},"#,
            r#"{"name":"again","type":"test.fixed.Sha256"},"#,
            r#"{"name":"md5","type":{"name":"Md5","type":"fixed","size":16}}]}"#
        )
    );
    let bytes = round_trip(&blob);
    assert_eq!(bytes.len(), 1 + 4 + 32 + 32 + 16);
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.unit")]
struct Marker;

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.unit")]
struct Empty {}

#[test]
fn unit_and_empty_structs_are_empty_records() {
    assert_eq!(
        canonical::<Marker>(),
        r#"{"name":"test.unit.Marker","type":"record","fields":[]}"#
    );
    assert_eq!(round_trip(&Marker), Vec::<u8>::new());
    assert_eq!(round_trip(&Empty {}), Vec::<u8>::new());
    assert_eq!(Marker::MIN_SIZE, 0);
}

/// A re-export, as the server crate will have.
mod reexport {
    pub(crate) use affinity_avro as avro;
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(crate = "reexport::avro", namespace = "test.path")]
struct ThroughReexport {
    a: i32,
}

#[test]
fn the_crate_path_can_be_given() {
    assert_eq!(round_trip(&ThroughReexport { a: 1 }), [2]);
}

/// Names the generated code must not trip over: fields and constants named like its locals,
/// and types shadowing the standard ones it uses.
#[allow(non_upper_case_globals, dead_code)]
mod hygiene {
    use affinity_avro::Avro;

    const out: i32 = 1;
    const r: i32 = 2;
    const w: i32 = 3;
    const value: i32 = 4;
    const f0: i32 = 5;
    struct Vec;
    struct String;
    struct Option;
    struct Result;
    struct Ok;
    struct Some;
    struct None;
    struct Default;

    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "test.hygiene")]
    pub(crate) struct Locals {
        pub(crate) out: i64,
        pub(crate) r: std::string::String,
        pub(crate) w: bool,
        pub(crate) old: i32,
        pub(crate) new: i32,
        pub(crate) start: i32,
        pub(crate) bits: std::vec::Vec<i32>,
        #[avro(skip)]
        pub(crate) changed: i32,
    }

    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "test.hygiene")]
    pub(crate) enum Variants {
        A { out: i64, f0: i32 },
        B(std::string::String),
        C,
    }

    #[derive(Avro, Debug, Clone, PartialEq)]
    #[avro(namespace = "test.hygiene")]
    pub(crate) struct Generic<T> {
        pub(crate) name: T,
    }
}

#[test]
fn generated_code_is_hygienic() {
    let v = hygiene::Locals {
        out: 1,
        r: "r".into(),
        w: true,
        old: 2,
        new: 3,
        start: 4,
        bits: vec![5],
        changed: 0,
    };
    round_trip(&v);
    let mut changed = v.clone();
    changed.new = 9;
    assert_eq!(
        affinity_avro::apply_delta(&v, &affinity_avro::delta::delta(&v, &changed)),
        Ok(changed)
    );
    round_trip(&hygiene::Variants::A { out: 1, f0: 2 });
    round_trip(&hygiene::Variants::B("b".into()));
    round_trip(&hygiene::Variants::C);
    round_trip(&hygiene::Generic { name: 1i32 });
}
