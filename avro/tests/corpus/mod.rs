//! The interoperability corpus: one Rust type per shape `#[derive(Avro)]` supports, with
//! proptest strategies for random values of each.

#![allow(dead_code, missing_docs, unreachable_pub)]

pub mod borrowed;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use affinity_avro::Avro;
use proptest::prelude::*;
use proptest_derive::Arbitrary;

/// Finite floats only: NaN never equals itself, which would make value comparisons meaningless.
pub fn f64s() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        -1e12f64..1e12
    ]
}
pub fn f32s() -> impl Strategy<Value = f32> {
    prop_oneof![Just(0.0f32), Just(f32::MAX), -1e6f32..1e6]
}
pub fn times() -> impl Strategy<Value = SystemTime> {
    (-4_000_000_000_000_000i64..4_000_000_000_000_000).prop_map(|micros| {
        let d = Duration::from_micros(micros.unsigned_abs());
        if micros >= 0 {
            UNIX_EPOCH + d
        } else {
            UNIX_EPOCH - d
        }
    })
}
pub fn uuids() -> impl Strategy<Value = uuid::Uuid> {
    any::<u128>().prop_map(uuid::Uuid::from_u128)
}

// 1. Every primitive.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Primitives {
    pub flag: bool,
    pub small: i32,
    pub big: i64,
    #[proptest(strategy = "f32s()")]
    pub single: f32,
    #[proptest(strategy = "f64s()")]
    pub double: f64,
    pub text: String,
    pub blob: Vec<u8>,
    pub unit: (),
}

// 2. The small record of the benchmark.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Small {
    pub id: i64,
    pub name: String,
    pub active: bool,
    #[proptest(strategy = "f64s()")]
    pub score: f64,
    pub count: i32,
}

// 3. A record inside a record.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Outer {
    pub inner: Small,
    pub label: String,
}

// 4. Optional fields of every kind.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Optionals {
    pub maybe_long: Option<i64>,
    pub maybe_text: Option<String>,
    pub maybe_record: Option<Small>,
    pub maybe_list: Option<Vec<Option<String>>>,
}

// 5. Arrays.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Arrays {
    pub longs: Vec<i64>,
    pub strings: Vec<String>,
    pub records: Vec<Small>,
    pub nested: Vec<Vec<i32>>,
}

// 6. Maps, hashed and ordered.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Maps {
    pub counts: HashMap<String, i64>,
    pub records: BTreeMap<String, Small>,
    pub lists: HashMap<String, Vec<Option<bool>>>,
}

// 7. A boxed record.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Boxed {
    pub inner: Box<Small>,
}

// 8. A recursive tree.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Tree {
    pub value: i64,
    pub children: Vec<Tree>,
}
pub fn trees() -> impl Strategy<Value = Tree> {
    let leaf = any::<i64>().prop_map(|value| Tree {
        value,
        children: Vec::new(),
    });
    leaf.prop_recursive(4, 32, 4, |inner| {
        (any::<i64>(), prop::collection::vec(inner, 0..4))
            .prop_map(|(value, children)| Tree { value, children })
    })
}

// 9. A recursive list through Option<Box<_>>.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct List {
    pub head: i32,
    pub tail: Option<Box<List>>,
}
pub fn lists() -> impl Strategy<Value = List> {
    prop::collection::vec(any::<i32>(), 1..20).prop_map(|items| {
        let mut list: Option<Box<List>> = None;
        for head in items.into_iter().rev() {
            list = Some(Box::new(List { head, tail: list }));
        }
        *list.unwrap_or_else(|| {
            Box::new(List {
                head: 0,
                tail: None,
            })
        })
    })
}

// 10. A unit enum.
#[derive(Avro, Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
#[avro(namespace = "corpus")]
pub enum Color {
    Red,
    Green,
    Blue,
}

// 11. An enum with data: a union of records.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub enum Shape {
    Circle {
        #[proptest(strategy = "f64s()")]
        radius: f64,
    },
    Rect {
        #[proptest(strategy = "f64s()")]
        w: f64,
        #[proptest(strategy = "f64s()")]
        h: f64,
    },
    Empty,
}

// 12. A newtype.
#[derive(Avro, Arbitrary, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

// 13. Fixed: an anonymous [u8; N] and a named one.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq, Eq)]
#[avro(namespace = "corpus", fixed)]
pub struct Digest(pub [u8; 32]);

#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Fixeds {
    pub raw: [u8; 16],
    pub digest: Digest,
    pub again: Digest,
}

// 14. Logical types: uuid, timestamps.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Logicals {
    #[proptest(strategy = "uuids()")]
    pub id: uuid::Uuid,
    #[proptest(strategy = "times()")]
    pub at: SystemTime,
    #[proptest(strategy = "proptest::option::of(uuids())")]
    pub parent: Option<uuid::Uuid>,
}

// 15. Renames, aliases, docs, defaults.
/// A record whose names differ from the Rust ones.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.renamed", name = "Account", alias = "User")]
pub struct RenamedAccount {
    /// The account's id.
    #[avro(rename = "accountId", alias = "id")]
    pub account_id: i64,
    #[avro(default = "\"unknown\"")]
    pub owner: String,
    #[avro(default = "7")]
    pub level: i32,
}

// 16. A named type used twice, and a record in another namespace.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.graph")]
pub struct Edge {
    pub to: i64,
    pub weight: i32,
}
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Vertex {
    pub id: i64,
    pub out: Vec<Edge>,
    pub into: Vec<Edge>,
    pub best: Option<Edge>,
    pub color: Color,
}

// 17. A generic record.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Page<T: Avro> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

// 18. Enums inside collections.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Palette {
    pub colors: Vec<Color>,
    pub by_name: HashMap<String, Color>,
    pub shapes: Vec<Shape>,
}

// 19. A union of newtype variants.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub enum Scalar {
    Long(i64),
    Text(String),
    Flag(bool),
    Nested(Small),
}

// 20. Deep static nesting.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.deep")]
pub struct Level3 {
    pub values: Vec<i64>,
}
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.deep")]
pub struct Level2 {
    pub three: Level3,
    pub maybe: Option<Level3>,
}
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.deep")]
pub struct Level1 {
    pub two: Level2,
    pub many: Vec<Level2>,
}

// 21. An empty record.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Empty {}

// 22. Mutual recursion.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.mutual")]
pub struct Node {
    pub name: String,
    pub links: Vec<Link>,
}
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.mutual")]
pub struct Link {
    pub label: Option<String>,
    pub target: Option<Box<Node>>,
}
pub fn nodes() -> impl Strategy<Value = Node> {
    let leaf = ".{0,8}".prop_map(|name| Node {
        name,
        links: Vec::new(),
    });
    leaf.prop_recursive(3, 24, 3, |inner| {
        (
            ".{0,8}",
            prop::collection::vec(
                (proptest::option::of(".{0,4}"), proptest::option::of(inner)),
                0..3,
            ),
        )
            .prop_map(|(name, links)| Node {
                name,
                links: links
                    .into_iter()
                    .map(|(label, t)| Link {
                        label,
                        target: t.map(Box::new),
                    })
                    .collect(),
            })
    })
}

// 23. Narrow integers.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Narrow {
    pub a: i8,
    pub b: i16,
    pub c: u16,
    pub d: u32,
}

// 24. Newtypes as fields and map values.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct Ids {
    pub owner: UserId,
    pub members: Vec<UserId>,
    pub roles: BTreeMap<String, UserId>,
}

// 25. The realistic record of the benchmark (~20 fields).
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.shop")]
pub struct Address {
    pub street: String,
    pub city: String,
    pub zip: String,
    pub country: String,
}
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.shop")]
pub struct LineItem {
    pub sku: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}
#[derive(Avro, Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
#[avro(namespace = "corpus.shop")]
pub enum Status {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.shop")]
pub struct Order {
    #[proptest(strategy = "uuids()")]
    pub id: uuid::Uuid,
    pub customer_id: i64,
    pub customer_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub status: Status,
    #[proptest(strategy = "times()")]
    pub created_at: SystemTime,
    pub updated_at: Option<i64>,
    pub shipping: Address,
    pub billing: Option<Address>,
    pub items: Vec<LineItem>,
    pub tags: Vec<String>,
    pub attributes: HashMap<String, String>,
    pub total_cents: i64,
    pub tax_cents: i64,
    pub currency: String,
    pub gift: bool,
    pub note: Option<String>,
    #[proptest(strategy = "f64s()")]
    pub discount_rate: f64,
    pub loyalty_points: i32,
}

// 26. A struct with a skipped field.
#[derive(Avro, Arbitrary, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus")]
pub struct WithSkip {
    pub kept: i64,
    #[avro(skip)]
    #[proptest(value = "0")]
    pub cache: u64,
}
