//! `#[derive(Avro)]` on enums: unit enums are Avro enums, enums with data are unions.

mod derive_support;

use affinity_avro::{Avro, DecodeError, Value, decode_value, from_slice, to_vec};
use derive_support::{canonical, round_trip, written_schema};

/// Colours.
#[derive(Avro, Debug, Clone, Copy, PartialEq)]
#[avro(namespace = "test.enums", alias = "Colour")]
enum Color {
    Red,
    #[avro(rename = "GREEN")]
    Green,
    #[avro(default)]
    Unknown,
}

#[test]
fn a_unit_enum_is_an_avro_enum() {
    assert_eq!(
        written_schema::<Color>(),
        r#"{"type":"enum","name":"Color","namespace":"test.enums","doc":"Colours.","aliases":["Colour"],"symbols":["Red","GREEN","Unknown"],"default":"Unknown"}"#
    );
    assert_eq!(
        canonical::<Color>(),
        r#"{"name":"test.enums.Color","type":"enum","symbols":["Red","GREEN","Unknown"]}"#
    );
    assert_eq!(round_trip(&Color::Red), [0]);
    assert_eq!(round_trip(&Color::Green), [2]);
    assert_eq!(round_trip(&Color::Unknown), [4]);
    assert_eq!(decode_value(Color::schema(), &[2]), Ok(Value::Enum(1)));
    assert_eq!(
        from_slice::<Color>(&[6]),
        Err(DecodeError::InvalidEnumIndex {
            index: 3,
            symbols: 3
        })
    );
    assert_eq!(Color::MIN_SIZE, 1);
}

#[derive(Avro, Debug, Clone, Copy, PartialEq)]
#[avro(namespace = "test.enums")]
enum Single {
    Only,
}

#[test]
fn a_single_symbol_enum_still_checks_its_index() {
    assert_eq!(round_trip(&Single::Only), [0]);
    assert!(from_slice::<Single>(&[2]).is_err());
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.enums")]
struct Point {
    x: i32,
    y: i32,
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.enums")]
enum Shape {
    /// A circle.
    Circle {
        radius: f64,
    },
    #[avro(rename = "Rectangle", alias = "Rect")]
    Rect(f64, f64),
    Empty,
    Nothing(),
    At(Point),
    Label(String),
    Codes(Vec<i32>),
}

/// Another enum with a `Circle` variant: its record is `test.enums.Figure.Circle`.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.enums")]
enum Figure {
    Circle { r: i32 },
    Line(i64),
}

#[test]
fn an_enum_with_data_is_a_union_of_its_variants() {
    assert_eq!(
        written_schema::<Shape>(),
        concat!(
            r#"[{"type":"record","name":"Circle","namespace":"test.enums.Shape","doc":"A circle.","fields":[{"name":"radius","type":"double"}]},"#,
            r#"{"type":"record","name":"Rectangle","namespace":"test.enums.Shape","aliases":["Rect"],"fields":[{"name":"_0","type":"double"},{"name":"_1","type":"double"}]},"#,
            r#"{"type":"record","name":"Empty","namespace":"test.enums.Shape","fields":[]},"#,
            r#"{"type":"record","name":"Nothing","namespace":"test.enums.Shape","fields":[]},"#,
            r#"{"type":"record","name":"Point","namespace":"test.enums","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]},"#,
            r#""string",{"type":"array","items":"int"}]"#
        )
    );
    assert_eq!(Shape::MIN_SIZE, 1);
    assert_eq!(round_trip(&Shape::Circle { radius: 1.0 }), {
        let mut b = vec![0];
        b.extend_from_slice(&1.0f64.to_le_bytes());
        b
    });
    assert_eq!(
        round_trip(&Shape::Rect(0.0, 0.0)),
        [[2u8].as_slice(), &[0; 16]].concat()
    );
    assert_eq!(round_trip(&Shape::Empty), [4]);
    assert_eq!(round_trip(&Shape::Nothing()), [6]);
    assert_eq!(round_trip(&Shape::At(Point { x: 1, y: -1 })), [8, 2, 1]);
    assert_eq!(round_trip(&Shape::Label("a".into())), [10, 2, b'a']);
    assert_eq!(round_trip(&Shape::Codes(vec![1])), [12, 2, 2, 0]);
    assert_eq!(
        decode_value(Shape::schema(), &[8, 2, 1]),
        Ok(Value::Union(
            4,
            Box::new(Value::Record(vec![Value::Int(1), Value::Int(-1)]))
        ))
    );
    assert_eq!(
        from_slice::<Shape>(&[14]),
        Err(DecodeError::InvalidUnionIndex {
            index: 7,
            branches: 7
        })
    );
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.enums")]
struct Drawing {
    shape: Shape,
    figure: Figure,
    shapes: Vec<Shape>,
}

#[test]
fn two_enums_may_have_variants_of_the_same_name() {
    let c = canonical::<Drawing>();
    assert!(c.contains(r#"{"name":"test.enums.Shape.Circle","type":"record""#));
    assert!(c.contains(r#"{"name":"test.enums.Figure.Circle","type":"record""#));
    // The second use of Shape refers to its records by name.
    assert!(c.contains(r#"{"type":"array","items":["test.enums.Shape.Circle","#));
    round_trip(&Drawing {
        shape: Shape::Empty,
        figure: Figure::Circle { r: 2 },
        shapes: vec![Shape::Label("x".into()), Shape::Circle { radius: -1.5 }],
    });
}

macro_rules! many {
    ($($v:ident)*) => {
        #[derive(Avro, Debug, Clone, Copy, PartialEq)]
        #[avro(namespace = "test.many")]
        enum Many { $($v),* }

        #[derive(Avro, Debug, Clone, PartialEq)]
        #[avro(namespace = "test.many")]
        enum ManyBranches { $($v,)* Data(i64) }
    };
}

many!(
    V0 V1 V2 V3 V4 V5 V6 V7 V8 V9 V10 V11 V12 V13 V14 V15 V16 V17 V18 V19 V20 V21 V22 V23 V24 V25
    V26 V27 V28 V29 V30 V31 V32 V33 V34 V35 V36 V37 V38 V39 V40 V41 V42 V43 V44 V45 V46 V47 V48
    V49 V50 V51 V52 V53 V54 V55 V56 V57 V58 V59 V60 V61 V62 V63 V64 V65 V66 V67 V68 V69
);

#[test]
fn indices_past_63_take_two_bytes() {
    assert_eq!(round_trip(&Many::V0), [0]);
    assert_eq!(round_trip(&Many::V63), [126]);
    assert_eq!(round_trip(&Many::V64), [0x80, 0x01]);
    assert_eq!(round_trip(&Many::V69), [0x8a, 0x01]);
    assert_eq!(round_trip(&ManyBranches::V1), [2]);
    assert_eq!(round_trip(&ManyBranches::Data(1)), [0x8c, 0x01, 2]);
    assert!(from_slice::<Many>(&[0x8c, 0x01]).is_err());
}

#[derive(Avro, Debug, Clone, PartialEq)]
enum Either<L, R> {
    Left(L),
    Right(R),
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.generic")]
enum Command<T> {
    Put { value: T },
    Delete,
}

#[test]
fn generic_enums_are_unions_of_their_arguments() {
    assert_eq!(
        written_schema::<Either<i64, String>>(),
        r#"["long","string"]"#
    );
    assert_eq!(
        round_trip(&Either::<i64, String>::Right("r".into())),
        [2, 2, b'r']
    );
    assert_eq!(
        written_schema::<Command<i64>>(),
        concat!(
            r#"[{"type":"record","name":"Put","namespace":"test.generic.Command_i64","fields":[{"name":"value","type":"long"}]},"#,
            r#"{"type":"record","name":"Delete","namespace":"test.generic.Command_i64","fields":[]}]"#
        )
    );
    round_trip(&Command::Put {
        value: "v".to_owned(),
    });
    round_trip(&Command::<Vec<u8>>::Delete);
}

#[test]
fn enums_are_replaced_whole_in_deltas() {
    let old = Shape::Circle { radius: 1.0 };
    let new = Shape::Circle { radius: 2.0 };
    let mut out = Vec::new();
    Shape::write_delta(&old, &new, &mut out);
    assert_eq!(out, to_vec(&new));
    let mut out = Vec::new();
    assert!(!Color::write_field_delta(
        &Color::Red,
        &Color::Red,
        &mut out
    ));
    assert!(out.is_empty());
    assert!(Color::write_field_delta(
        &Color::Red,
        &Color::Green,
        &mut out
    ));
    assert_eq!(out, [2]);
}
