//! Interoperability with apache-avro, the reference implementation, over a corpus of 25+
//! derived types: for random values of each, both directions of bytes, and the schema.
//!
//! For every value `v` of every type `T`:
//! - generated round trip: `from_slice(to_vec(v)) == v`;
//! - the dynamic decoder reads the same bytes and re-encodes them byte for byte;
//! - apache-avro decodes our bytes to the value our dynamic decoder sees;
//! - apache-avro's encoding of that value decodes, with the generated decoder, to `v`.
//!
//! And for every `T`: our schema JSON parses in apache-avro to the same canonical form and
//! fingerprint.

#![allow(clippy::panic, clippy::unwrap_used)]

mod corpus;
mod support;

use affinity_avro::{Avro, decode_value, encode_value, from_slice, to_vec};
use corpus::*;
use proptest::prelude::*;
use support::apache::{apache_decode, apache_encode, apache_fingerprint, apache_schema, to_apache};

/// apache-avro 0.22 leaves logical types in its canonical form as `{"type":"string"}` where the
/// specification's [PRIMITIVES] and [STRIP] rules give `"string"`; undo that before comparing.
fn normalize_apache_pcf(pcf: &str) -> String {
    let mut out = pcf.to_owned();
    for p in [
        "null", "boolean", "int", "long", "float", "double", "bytes", "string",
    ] {
        out = out.replace(&format!(r#"{{"type":"{p}"}}"#), &format!(r#""{p}""#));
    }
    out
}

fn check_schema<T: Avro>() {
    let ours = T::schema();
    let theirs = apache_schema(ours);
    let their_pcf = normalize_apache_pcf(&theirs.canonical_form());
    assert_eq!(
        their_pcf,
        ours.canonical_form(),
        "canonical form of {}",
        std::any::type_name::<T>()
    );
    // Their Rabin implementation over the same canonical text gives our fingerprint.
    use apache_avro::rabin::Rabin;
    use digest::Digest;
    let mut d = Rabin::new();
    d.update(their_pcf.as_bytes());
    let fp = u64::from_le_bytes(d.finalize().as_slice().try_into().unwrap());
    assert_eq!(
        fp,
        T::fingerprint(),
        "fingerprint of {}",
        std::any::type_name::<T>()
    );
    if their_pcf == theirs.canonical_form() {
        assert_eq!(apache_fingerprint(&theirs), T::fingerprint());
    }
}

fn check_value<T: Avro + PartialEq + std::fmt::Debug>(v: &T) {
    let schema = T::schema();
    let bytes = to_vec(v);
    let back: T = from_slice(&bytes).unwrap_or_else(|e| panic!("generated decode of {v:?}: {e}"));
    assert_eq!(&back, v, "generated round trip");

    let dynamic =
        decode_value(schema, &bytes).unwrap_or_else(|e| panic!("dynamic decode of {v:?}: {e}"));
    let mut again = Vec::new();
    encode_value(schema, &dynamic, &mut again).unwrap_or_else(|e| panic!("dynamic encode: {e}"));
    assert_eq!(again, bytes, "dynamic re-encoding of {v:?}");

    let apache = apache_schema(schema);
    let expected = to_apache(schema, &dynamic);
    assert_eq!(
        apache_decode(&apache, &bytes),
        expected,
        "apache-avro reading our bytes of {v:?}"
    );

    let theirs = apache_encode(&apache, expected);
    let back: T = from_slice(&theirs)
        .unwrap_or_else(|e| panic!("generated decode of apache-avro's bytes for {v:?}: {e}"));
    assert_eq!(&back, v, "reading apache-avro's bytes");
}

macro_rules! interop {
    ($($name:ident: $ty:ty = $strategy:expr;)*) => {$(
        mod $name {
            use super::*;

            #[test]
            fn schema_matches_apache_avro() {
                check_schema::<$ty>();
            }

            proptest! {
                #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
                #[test]
                fn values_cross_both_ways(v in $strategy) {
                    check_value::<$ty>(&v);
                }
            }
        }
    )*};
}

interop! {
    primitives: Primitives = any::<Primitives>();
    small: Small = any::<Small>();
    outer: Outer = any::<Outer>();
    optionals: Optionals = any::<Optionals>();
    arrays: Arrays = any::<Arrays>();
    maps: Maps = any::<Maps>();
    boxed: Boxed = any::<Boxed>();
    tree: Tree = trees();
    list: List = lists();
    color: Color = any::<Color>();
    shape: Shape = any::<Shape>();
    user_id: UserId = any::<UserId>();
    fixeds: Fixeds = any::<Fixeds>();
    logicals: Logicals = any::<Logicals>();
    renamed: RenamedAccount = any::<RenamedAccount>();
    vertex: Vertex = any::<Vertex>();
    page_of_small: Page<Small> = any::<Page<Small>>();
    page_of_long: Page<i64> = any::<Page<i64>>();
    palette: Palette = any::<Palette>();
    scalar: Scalar = any::<Scalar>();
    level1: Level1 = any::<Level1>();
    empty: Empty = any::<Empty>();
    node: Node = nodes();
    narrow: Narrow = any::<Narrow>();
    ids: Ids = any::<Ids>();
    order: Order = any::<Order>();
    with_skip: WithSkip = any::<WithSkip>();
    optional_order: Option<Order> = proptest::option::of(any::<Order>());
    map_of_trees: std::collections::BTreeMap<String, Tree> = prop::collection::btree_map(".{0,6}", trees(), 0..4);
}

#[test]
fn schemas_are_what_the_derive_promises() {
    // Spot checks of the schema text for shapes whose mapping is a design decision.
    assert_eq!(UserId::schema().canonical_form(), r#""long""#);
    assert_eq!(
        Digest::schema().canonical_form(),
        r#"{"name":"corpus.Digest","type":"fixed","size":32}"#
    );
    assert_eq!(
        Color::schema().canonical_form(),
        r#"{"name":"corpus.Color","type":"enum","symbols":["Red","Green","Blue"]}"#
    );
    assert_eq!(
        Shape::schema().canonical_form(),
        r#"[{"name":"corpus.Shape.Circle","type":"record","fields":[{"name":"radius","type":"double"}]},{"name":"corpus.Shape.Rect","type":"record","fields":[{"name":"w","type":"double"},{"name":"h","type":"double"}]},{"name":"corpus.Shape.Empty","type":"record","fields":[]}]"#
    );
    let optionals = Optionals::schema().to_json();
    assert!(
        optionals.contains(r#""default":null"#),
        "Option fields default to null: {optionals}"
    );
}
