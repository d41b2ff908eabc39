//! Arbitrary and crafted bytes fed to every decoder, on the stable toolchain: none may panic,
//! and whatever one accepts must round-trip (the properties in `fuzz/src/check.rs`, shared with
//! the cargo-fuzz targets, which run the same schemas and types for longer: `dev/fuzz`).
//!
//! Also the committed fuzz seeds: `AFFINITY_WRITE_FUZZ_SEEDS=1 cargo test -p affinity-avro
//! --all-features --test arbitrary_bytes fuzz_seeds` rewrites `fuzz/seeds/`.

// Helpers outside #[test] functions assert and unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// Shared with the fuzz crate, where these items are public.
#[allow(unreachable_pub, dead_code)]
#[path = "../../fuzz/src/check.rs"]
mod check;
#[allow(unreachable_pub, dead_code)]
#[path = "../../fuzz/src/corpus.rs"]
mod corpus;
#[cfg(all(
    feature = "derive",
    feature = "uuid",
    feature = "chrono",
    feature = "decimal"
))]
#[allow(unreachable_pub, dead_code)]
#[path = "../../fuzz/src/typed.rs"]
mod typed;

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use affinity_avro::binary::{MAX_DEPTH, Reader, write_long};
use affinity_avro::{DecodeError, Resolver, Schema, Value, decode_value, from_slice, skip_value};
use proptest::prelude::*;

static SCHEMAS: LazyLock<Vec<Schema>> = LazyLock::new(corpus::parse_schemas);
static IDENTITIES: LazyLock<Vec<Resolver>> = LazyLock::new(|| {
    SCHEMAS
        .iter()
        .map(|s| Resolver::new(s, s).unwrap())
        .collect()
});
static RESOLVERS: LazyLock<Vec<Resolver>> = LazyLock::new(corpus::resolvers);

/// [`check::dynamic`] for `SCHEMAS[i]`.
fn dynamic(i: usize, bytes: &[u8]) -> Option<Value> {
    check::dynamic(&SCHEMAS[i], &IDENTITIES[i], bytes)
}

fn varint(v: i64) -> Vec<u8> {
    let mut out = Vec::new();
    write_long(&mut out, v);
    out
}

/// Pieces of Avro binary that decoders must handle at any position: raw bytes, small numbers
/// (lengths, counts, union and enum indexes), extreme numbers, overlong and unterminated
/// varints, and length-prefixed strings.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..8),
        3 => (-70i64..70).prop_map(varint),
        2 => prop::sample::select(vec![
            1i64 << 62,
            -(1i64 << 62),
            i64::MAX,
            i64::MIN,
            i64::from(i32::MAX) + 1,
            i64::from(i32::MIN) - 1,
            (1 << 20) + 1,
            1 << 21,
            4096,
            -4096,
        ])
        .prop_map(varint),
        1 => Just(vec![0xff; 11]),
        1 => Just(vec![0x80; 9]),
        1 => Just([&[0x80; 9][..], &[0x00]].concat()),
        1 => "[a-z0-9\u{e9}\u{1f600}-]{0,40}".prop_map(|s| {
            let mut out = varint(s.len() as i64);
            out.extend_from_slice(s.as_bytes());
            out
        }),
    ]
}

/// Inputs made of [`token`]s.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(token(), 0..16).prop_map(|tokens| tokens.concat())
}

/// A sample encoding of schema `i` (`corpus::sample_value`).
fn sample(i: usize, variant: u32, depth: u32) -> Vec<u8> {
    let s = &SCHEMAS[i];
    check::encode(s, &corpus::sample_value(s, s.root(), variant, depth))
}

/// A valid encoding of one of the schemas with one mutation: a byte replaced, inserted or
/// removed, or the input cut short.
fn mutated() -> impl Strategy<Value = (usize, Vec<u8>)> {
    (
        0..corpus::SCHEMAS.len(),
        0u32..40,
        0u32..4,
        any::<prop::sample::Index>(),
        any::<u8>(),
        0u8..4,
    )
        .prop_map(|(i, variant, depth, at, byte, how)| {
            let mut bytes = sample(i, variant, depth);
            let n = bytes.len();
            match how {
                0 if n > 0 => bytes[at.index(n)] = byte,
                1 => bytes.insert(at.index(n + 1), byte),
                2 if n > 0 => {
                    bytes.remove(at.index(n));
                }
                _ => bytes.truncate(at.index(n + 1)),
            }
            (i, bytes)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn dynamic_decoders_survive_arbitrary_bytes(bytes in input()) {
        for i in 0..SCHEMAS.len() {
            dynamic(i, &bytes);
        }
        for resolver in RESOLVERS.iter() {
            check::resolved(resolver, &bytes);
        }
    }

    #[test]
    fn dynamic_decoders_survive_mutated_encodings((i, bytes) in mutated()) {
        dynamic(i, &bytes);
    }

    #[test]
    fn resolvers_survive_mutated_encodings(
        (i, variant, depth) in (0..corpus::RESOLUTIONS.len(), 0u32..40, 0u32..4),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let writer = RESOLVERS[i].writer();
        let mut bytes = check::encode(writer, &corpus::sample_value(writer, writer.root(), variant, depth));
        assert!(check::resolved(&RESOLVERS[i], &bytes).is_some());
        let n = bytes.len();
        bytes[at.index(n)] ^= byte;
        check::resolved(&RESOLVERS[i], &bytes);
    }

    #[test]
    fn the_delta_applier_survives_arbitrary_bytes(bytes in input(), variant in 0u32..4) {
        for schema in SCHEMAS.iter() {
            check::dynamic_delta(schema, &corpus::base_value(schema, variant), &bytes);
        }
    }

    #[test]
    fn the_delta_applier_survives_mutated_deltas(
        (i, from, to) in (0..corpus::SCHEMAS.len(), 0u32..4, 0u32..40),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let schema = &SCHEMAS[i];
        let base = corpus::base_value(schema, from);
        let new = corpus::sample_value(schema, schema.root(), to, 2);
        let mut delta = affinity_avro::delta::value_delta(schema, &base, &new).unwrap();
        assert!(check::dynamic_delta(schema, &base, &delta).is_some());
        if !delta.is_empty() {
            let n = delta.len();
            delta[at.index(n)] ^= byte;
        }
        check::dynamic_delta(schema, &base, &delta);
    }

    #[test]
    fn the_json_reader_survives_arbitrary_text(text in json_text()) {
        for schema in SCHEMAS.iter() {
            check::json(schema, &text);
        }
    }
}

/// Text that is JSON-like: samples of the schemas as JSON with a piece cut out or another
/// JSON fragment put in, and fragments alone.
fn json_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("null".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("\"NaN\"".to_owned()),
        Just("1e999".to_owned()),
        Just("-0.0".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("\"\\u00ff\"".to_owned()),
        Just("\"\\ud800\"".to_owned()),
        Just("{\"long\":1}".to_owned()),
        Just("{\"fuzz.Point\":{\"x\":1,\"y\":2}}".to_owned()),
        "-?[0-9]{1,22}(\\.[0-9]{1,4})?".prop_map(|s| s),
        "\"[a-zA-Z0-9 .\u{e9}\u{1f600}-]{0,12}\"".prop_map(|s| s),
    ];
    prop_oneof![
        (0..corpus::SCHEMAS.len(), 0u32..20, 0u32..3).prop_map(|(i, v, d)| sample_json(i, v, d)),
        (
            0..corpus::SCHEMAS.len(),
            0u32..20,
            0u32..3,
            any::<prop::sample::Index>(),
            0usize..6,
            fragment.clone(),
        )
            .prop_map(|(i, v, d, at, cut, frag)| {
                let mut text = sample_json(i, v, d);
                let mut start = at.index(text.len() + 1);
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + cut).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(start..end, &frag);
                text
            }),
        prop::collection::vec(fragment, 0..8).prop_map(|f| f.concat()),
    ]
}

/// A sample value of `SCHEMAS[i]` as JSON.
fn sample_json(i: usize, variant: u32, depth: u32) -> String {
    let s = &SCHEMAS[i];
    let v = corpus::sample_value(s, s.root(), variant, depth);
    affinity_avro::json::value_to_json_string(s, &v).unwrap()
}

#[cfg(all(
    feature = "derive",
    feature = "uuid",
    feature = "chrono",
    feature = "decimal"
))]
proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn typed_decoders_survive_arbitrary_bytes(bytes in input()) {
        for t in 0..typed::TYPES {
            typed::decode_as(t, &bytes);
        }
    }

    #[test]
    fn typed_delta_appliers_survive_mutated_deltas(
        t in 0..typed::TYPES,
        (from, to) in (0u32..4, 0u32..40),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let schema = typed::schema_of(t);
        let base = corpus::base_value(schema, from);
        let new = corpus::sample_value(schema, schema.root(), to, 2);
        let mut delta = affinity_avro::delta::value_delta(schema, &base, &new).unwrap();
        typed::delta_as(t, from, &delta);
        if !delta.is_empty() {
            let n = delta.len();
            delta[at.index(n)] ^= byte;
        }
        typed::delta_as(t, from, &delta);
    }

    #[test]
    fn typed_decoders_survive_mutated_encodings(
        t in 0..typed::TYPES,
        variant in 0u32..40,
        depth in 0u32..4,
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let schema = typed::schema_of(t);
        let mut bytes =
            check::encode(schema, &corpus::sample_value(schema, schema.root(), variant, depth));
        let n = bytes.len();
        bytes[at.index(n)] ^= byte;
        typed::decode_as(t, &bytes);
    }

    #[test]
    fn typed_delta_appliers_survive_arbitrary_bytes(bytes in input(), variant in 0u32..4) {
        for t in 0..typed::TYPES {
            typed::delta_as(t, variant, &bytes);
        }
    }
}

/// Runs `f` and checks that it returned within a second: long enough for a slow debug build,
/// far too short to walk 2^62 items or allocate for them.
fn promptly<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
    out
}

#[test]
fn a_block_count_of_2_pow_62_is_an_error_without_allocating() {
    let schemas = [
        r#"{"type":"array","items":"long"}"#,
        r#"{"type":"array","items":"null"}"#,
        r#"{"type":"map","values":"null"}"#,
        r#"{"type":"array","items":{"type":"record","name":"E","fields":[]}}"#,
    ];
    for count in [1i64 << 62, -(1i64 << 62)] {
        let mut bytes = varint(count);
        if count < 0 {
            bytes.extend(varint(8)); // the block's size in bytes
        }
        bytes.extend([2, 4, 6, 8, 0]);
        for json in schemas {
            let schema = Schema::parse(json).unwrap();
            let decoded = promptly(|| decode_value(&schema, &bytes));
            assert!(
                matches!(
                    decoded,
                    Err(DecodeError::LengthOutOfRange { .. } | DecodeError::TooManyItems(_))
                ),
                "{json}: {decoded:?}"
            );
            let mut r = Reader::new(&bytes);
            assert!(promptly(|| skip_value(&schema, schema.root(), &mut r)).is_err());
        }
        assert!(promptly(|| from_slice::<Vec<i64>>(&bytes)).is_err());
        assert!(promptly(|| from_slice::<Vec<()>>(&bytes)).is_err());
        assert!(promptly(|| from_slice::<Vec<String>>(&bytes)).is_err());
        assert!(promptly(|| from_slice::<std::collections::HashMap<String, ()>>(&bytes)).is_err());
    }
}

#[test]
fn a_length_beyond_the_input_is_an_error() {
    for len in [5i64, 1 << 40, i64::MAX, -1, i64::MIN] {
        let mut bytes = varint(len);
        bytes.extend(b"abcd");
        for json in [r#""string""#, r#""bytes""#] {
            let schema = Schema::parse(json).unwrap();
            assert!(
                matches!(
                    decode_value(&schema, &bytes),
                    Err(DecodeError::LengthOutOfRange { len: l, .. }) if l == len
                ),
                "{json} with length {len}"
            );
        }
        assert!(matches!(
            from_slice::<String>(&bytes),
            Err(DecodeError::LengthOutOfRange { .. })
        ));
        assert!(matches!(
            from_slice::<Vec<u8>>(&bytes),
            Err(DecodeError::LengthOutOfRange { .. })
        ));
    }
}

#[test]
fn an_invalid_union_or_enum_index_is_an_error() {
    let union = &SCHEMAS[2];
    let Value::Union(..) = corpus::sample_value(union, union.root(), 0, 1) else {
        panic!("schema 2 is a union");
    };
    for index in [13i64, 14, 1000, -1, i64::MAX, i64::MIN] {
        let bytes = varint(index);
        assert_eq!(
            decode_value(union, &bytes),
            Err(DecodeError::InvalidUnionIndex {
                index,
                branches: 13
            })
        );
        assert!(matches!(
            from_slice::<Option<i64>>(&[varint(index), vec![2]].concat()),
            Err(DecodeError::InvalidUnionIndex { .. })
        ));
        let suit = Schema::parse(r#"{"type":"enum","name":"S","symbols":["A","B"]}"#).unwrap();
        assert!(matches!(
            decode_value(&suit, &bytes),
            Err(DecodeError::InvalidEnumIndex { .. })
        ));
    }
    assert!(matches!(
        from_slice::<Option<i64>>(&[4, 2]),
        Err(DecodeError::InvalidUnionIndex {
            index: 2,
            branches: 2
        })
    ));
}

#[test]
fn every_strict_prefix_of_a_valid_encoding_is_an_error() {
    for (i, schema) in SCHEMAS.iter().enumerate() {
        for variant in 0..6 {
            for depth in 0..4 {
                let bytes = sample(i, variant, depth);
                assert!(decode_value(schema, &bytes).is_ok());
                for cut in 0..bytes.len() {
                    let prefix = &bytes[..cut];
                    assert!(
                        dynamic(i, prefix).is_none(),
                        "schema {i}: prefix {prefix:02x?} of {bytes:02x?} decoded"
                    );
                }
            }
        }
    }
}

#[cfg(all(
    feature = "derive",
    feature = "uuid",
    feature = "chrono",
    feature = "decimal"
))]
#[test]
fn every_strict_prefix_of_a_valid_typed_encoding_is_an_error() {
    let mut decoded = 0;
    for t in 0..typed::TYPES {
        let schema = typed::schema_of(t);
        for variant in 0..6 {
            for depth in 1..4 {
                let bytes = check::encode(
                    schema,
                    &corpus::sample_value(schema, schema.root(), variant, depth),
                );
                if !typed::decode_as(t, &bytes) {
                    continue; // a sample the Rust type rejects (a narrow int out of range)
                }
                decoded += 1;
                for cut in 0..bytes.len() {
                    assert!(
                        !typed::decode_as(t, &bytes[..cut]),
                        "type {t}: {cut} of {bytes:02x?}"
                    );
                }
            }
        }
    }
    assert!(
        decoded > 3 * usize::from(typed::TYPES),
        "only {decoded} samples decoded"
    );
}

/// `depth` nested `List` records (schema 7: `next` is `["null", List]`).
fn nested_list(depth: usize) -> Vec<u8> {
    let mut bytes = vec![2; depth]; // branch 1: another List
    bytes.push(0); // branch 0: null
    bytes
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let list = &SCHEMAS[7];
    assert!(dynamic(7, &nested_list(MAX_DEPTH - 1)).is_some());
    for depth in [MAX_DEPTH, 10_000, 1_000_000] {
        let bytes = nested_list(depth);
        assert_eq!(
            decode_value(list, &bytes),
            Err(DecodeError::TooDeep(MAX_DEPTH)),
            "{depth}"
        );
        let mut r = Reader::new(&bytes);
        assert_eq!(
            skip_value(list, list.root(), &mut r),
            Err(DecodeError::TooDeep(MAX_DEPTH))
        );
    }
    // The tree (schema 1) nests through arrays as well as unions.
    let tree = &SCHEMAS[1];
    let mut bytes = Vec::new();
    for _ in 0..10_000 {
        bytes.extend([0, 2]); // value 0, children: a block of one Node
    }
    assert!(matches!(
        decode_value(tree, &bytes),
        Err(DecodeError::TooDeep(_))
    ));
}

/// The seed corpus of each fuzz target: (target/name, bytes).
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..SCHEMAS.len() {
        let schema = &SCHEMAS[i];
        for variant in 0..3 {
            for depth in 0..3 {
                let seed = [vec![i as u8], sample(i, variant, depth)].concat();
                seeds.push((format!("dynamic_decode/s{i}-v{variant}-d{depth}"), seed));
            }
            let seed = [vec![i as u8], sample_json(i, variant, 2).into_bytes()].concat();
            seeds.push((format!("json/s{i}-v{variant}"), seed));
            let base = corpus::base_value(schema, variant);
            let new = corpus::sample_value(schema, schema.root(), variant + 7, 2);
            let delta = affinity_avro::delta::value_delta(schema, &base, &new).unwrap();
            let seed = [vec![i as u8, variant as u8], delta].concat();
            seeds.push((format!("delta_apply/s{i}-v{variant}"), seed));
        }
    }
    for i in 0..RESOLVERS.len() {
        let writer = RESOLVERS[i].writer();
        for variant in 0..3 {
            let value = corpus::sample_value(writer, writer.root(), variant, 2);
            let seed = [vec![0x80 | i as u8], check::encode(writer, &value)].concat();
            seeds.push((format!("dynamic_decode/r{i}-v{variant}"), seed));
        }
    }
    #[cfg(all(
        feature = "derive",
        feature = "uuid",
        feature = "chrono",
        feature = "decimal"
    ))]
    for t in 0..typed::TYPES {
        let schema = typed::schema_of(t);
        for variant in 0..3 {
            let value = corpus::sample_value(schema, schema.root(), variant, 2);
            let seed = [vec![t], check::encode(schema, &value)].concat();
            seeds.push((format!("generated_decode/t{t}-v{variant}"), seed));
            let base = corpus::base_value(schema, variant);
            let delta = affinity_avro::delta::value_delta(schema, &base, &value).unwrap();
            let seed = [vec![0x80 | t, variant as u8], delta].concat();
            seeds.push((format!("delta_apply/t{t}-v{variant}"), seed));
        }
    }
    // Only inputs the targets accept; samples a Rust type rejects (a narrow integer out of
    // range) are left out.
    seeds.retain(|(name, bytes)| accepted(name.split('/').next().unwrap(), bytes));
    seeds
}

/// Whether fuzz target `target` accepts `bytes` (decodes them, applies them...).
fn accepted(target: &str, bytes: &[u8]) -> bool {
    match target {
        "dynamic_decode" => match corpus::select(bytes) {
            Some((corpus::Pick::Schema(i), rest)) => dynamic(i, rest).is_some(),
            Some((corpus::Pick::Resolution(i), rest)) => {
                check::resolved(&RESOLVERS[i], rest).is_some()
            }
            None => false,
        },
        "json" => bytes.split_first().is_some_and(|(&i, rest)| {
            std::str::from_utf8(rest).is_ok_and(|text| {
                check::json(&SCHEMAS[usize::from(i) % SCHEMAS.len()], text).is_some()
            })
        }),
        "delta_apply" => match corpus::select_delta(bytes) {
            Some((corpus::DeltaPick::Schema(i), variant, delta)) => {
                let schema = &SCHEMAS[i];
                check::dynamic_delta(schema, &corpus::base_value(schema, variant), delta).is_some()
            }
            #[cfg(all(
                feature = "derive",
                feature = "uuid",
                feature = "chrono",
                feature = "decimal"
            ))]
            Some((corpus::DeltaPick::Typed(t), variant, delta)) => {
                typed::delta_as(t, variant, delta)
            }
            _ => false,
        },
        #[cfg(all(
            feature = "derive",
            feature = "uuid",
            feature = "chrono",
            feature = "decimal"
        ))]
        "generated_decode" => bytes
            .split_first()
            .is_some_and(|(&t, rest)| typed::decode_as(t, rest)),
        _ => false,
    }
}

#[test]
fn fuzz_seeds_are_valid_inputs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    let seeds = seeds();
    assert!(seeds.len() > 100, "only {} seeds", seeds.len());
    if std::env::var_os("AFFINITY_WRITE_FUZZ_SEEDS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for (name, bytes) in &seeds {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    // Every committed seed is still an input its target accepts.
    let mut checked = 0;
    for target in ["dynamic_decode", "generated_decode", "delta_apply", "json"] {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let typed_only = target == "generated_decode"
                || (target == "delta_apply" && bytes.first().is_some_and(|&b| b >= 0x80));
            let typed_available = cfg!(all(
                feature = "derive",
                feature = "uuid",
                feature = "chrono",
                feature = "decimal"
            ));
            if typed_only && !typed_available {
                continue;
            }
            assert!(
                accepted(target, &bytes),
                "the committed seed {} is no longer accepted",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(
        checked > 0 || std::env::var_os("CI").is_none(),
        "no fuzz seeds are committed"
    );
}
