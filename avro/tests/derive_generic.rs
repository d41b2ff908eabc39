//! `#[derive(Avro)]` on recursive and generic types.

mod derive_support;

use affinity_avro::{Avro, DecodeError, from_slice, to_vec};
use derive_support::{canonical, round_trip, written_schema};

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.rec")]
struct Tree {
    value: i64,
    kids: Vec<Tree>,
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.rec")]
struct List {
    value: i32,
    next: Option<Box<List>>,
}

fn list(len: usize) -> List {
    let mut l = List {
        value: 0,
        next: None,
    };
    for i in 1..len {
        l = List {
            value: i as i32,
            next: Some(Box::new(l)),
        };
    }
    l
}

#[test]
fn recursive_types_refer_to_themselves_by_name() {
    assert_eq!(
        written_schema::<Tree>(),
        r#"{"type":"record","name":"Tree","namespace":"test.rec","fields":[{"name":"value","type":"long"},{"name":"kids","type":{"type":"array","items":"Tree"}}]}"#
    );
    assert_eq!(
        canonical::<List>(),
        r#"{"name":"test.rec.List","type":"record","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","test.rec.List"]}]}"#
    );
    assert_eq!(Tree::MIN_SIZE, 2);
    assert_eq!(List::MIN_SIZE, 2);
    let tree = Tree {
        value: 1,
        kids: vec![
            Tree {
                value: 2,
                kids: vec![],
            },
            Tree {
                value: 3,
                kids: vec![Tree {
                    value: 4,
                    kids: vec![],
                }],
            },
        ],
    };
    assert_eq!(round_trip(&tree), [2, 4, 4, 0, 6, 2, 8, 0, 0, 0]);
    round_trip(&list(100));
}

#[test]
fn decoding_recursive_types_is_depth_bounded() {
    let deep = to_vec(&list(300));
    assert_eq!(
        from_slice::<List>(&deep),
        Err(DecodeError::TooDeep(affinity_avro::binary::MAX_DEPTH))
    );
    // The same bytes through the dynamic decoder fail the same way.
    assert!(affinity_avro::decode_value(List::schema(), &deep).is_err());
    // Just inside the bound decodes.
    assert!(from_slice::<List>(&to_vec(&list(affinity_avro::binary::MAX_DEPTH))).is_ok());
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.rec")]
struct Ping {
    pong: Option<Box<Pong>>,
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.rec")]
struct Pong {
    pings: Vec<Ping>,
}

#[test]
fn mutually_recursive_types_work() {
    assert_eq!(
        canonical::<Ping>(),
        r#"{"name":"test.rec.Ping","type":"record","fields":[{"name":"pong","type":["null",{"name":"test.rec.Pong","type":"record","fields":[{"name":"pings","type":{"type":"array","items":"test.rec.Ping"}}]}]}]}"#
    );
    round_trip(&Ping {
        pong: Some(Box::new(Pong {
            pings: vec![Ping { pong: None }],
        })),
    });
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.generic")]
struct Point {
    x: i32,
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.generic")]
struct Page<T> {
    items: Vec<T>,
    next: Option<String>,
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.generic", name = "Duo")]
struct Pair<A, B>
where
    A: Clone,
{
    a: A,
    b: B,
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.generic")]
struct Both {
    longs: Page<i64>,
    points: Page<Point>,
    again: Page<i64>,
    pair: Pair<Vec<String>, Option<Point>>,
}

#[test]
fn each_instantiation_of_a_generic_type_is_its_own_named_type() {
    assert_eq!(
        canonical::<Page<i64>>(),
        r#"{"name":"test.generic.Page_i64","type":"record","fields":[{"name":"items","type":{"type":"array","items":"long"}},{"name":"next","type":["null","string"]}]}"#
    );
    assert_eq!(
        canonical::<Both>(),
        concat!(
            r#"{"name":"test.generic.Both","type":"record","fields":["#,
            r#"{"name":"longs","type":{"name":"test.generic.Page_i64","type":"record","fields":[{"name":"items","type":{"type":"array","items":"long"}},{"name":"next","type":["null","string"]}]}},"#,
            r#"{"name":"points","type":{"name":"test.generic.Page_Point","type":"record","fields":[{"name":"items","type":{"type":"array","items":{"name":"test.generic.Point","type":"record","fields":[{"name":"x","type":"int"}]}}},{"name":"next","type":["null","string"]}]}},"#,
            r#"{"name":"again","type":"test.generic.Page_i64"},"#,
            r#"{"name":"pair","type":{"name":"test.generic.Duo_Vec_String_Option_Point","type":"record","fields":[{"name":"a","type":{"type":"array","items":"string"}},{"name":"b","type":["null","test.generic.Point"]}]}}]}"#
        )
    );
    // Generic types keep the trait's schema cache: one schema per instantiation.
    assert!(std::ptr::eq(Page::<i64>::schema(), Page::<i64>::schema()));
    assert_ne!(Page::<i64>::schema(), Page::<Point>::schema());
    round_trip(&Both {
        longs: Page {
            items: vec![1, 2],
            next: Some("n".into()),
        },
        points: Page {
            items: vec![Point { x: 1 }],
            next: None,
        },
        again: Page {
            items: vec![],
            next: None,
        },
        pair: Pair {
            a: vec!["s".into()],
            b: Some(Point { x: -1 }),
        },
    });
}

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.generic")]
struct Buffer<const N: usize> {
    data: [u8; N],
}

#[derive(Avro, Debug, Clone, PartialEq)]
struct Id<T>(T);

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(fixed, namespace = "test.generic")]
struct Key<const N: usize>([u8; N]);

#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "test.generic")]
struct GenericTree<T> {
    value: T,
    kids: Vec<GenericTree<T>>,
}

#[test]
fn const_generics_newtypes_and_recursion_work_in_generic_types() {
    assert_eq!(
        canonical::<Buffer<4>>(),
        r#"{"name":"test.generic.Buffer_4","type":"record","fields":[{"name":"data","type":{"name":"affinity.Fixed4","type":"fixed","size":4}}]}"#
    );
    assert_eq!(Buffer::<4>::MIN_SIZE, 4);
    round_trip(&Buffer { data: [1, 2, 3] });
    assert_eq!(
        written_schema::<Key<3>>(),
        r#"{"type":"fixed","name":"Key_3","namespace":"test.generic","size":3}"#
    );
    assert_eq!(Key::<3>::MIN_SIZE, 3);
    assert_eq!(round_trip(&Key([7, 8, 9])), [7, 8, 9]);
    assert_eq!(written_schema::<Id<String>>(), r#""string""#);
    assert_eq!(round_trip(&Id("x".to_owned())), [2, b'x']);
    assert_eq!(
        written_schema::<GenericTree<bool>>(),
        r#"{"type":"record","name":"GenericTree_bool","namespace":"test.generic","fields":[{"name":"value","type":"boolean"},{"name":"kids","type":{"type":"array","items":"GenericTree_bool"}}]}"#
    );
    round_trip(&GenericTree {
        value: true,
        kids: vec![GenericTree {
            value: false,
            kids: vec![],
        }],
    });
}
