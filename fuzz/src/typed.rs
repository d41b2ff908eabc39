//! The Rust types the `generated_decode` and `delta_apply` targets decode into, picked by a
//! number: standard types, logical types and `#[derive(Avro)]` types (a record with nested
//! records, an enum, a union of every variant shape, a recursive type). Shared by the fuzz
//! targets and `avro/tests/arbitrary_bytes.rs` (which includes this file by path).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::time::SystemTime;

use affinity_avro::{Avro, Decimal, Schema, TimestampMicros, TimestampMillis, from_slice, to_vec};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::check::Agreement::{Exact, Subset};
use crate::check::{Agreement, encode, typed, typed_delta};
use crate::corpus::sample_value;

/// An order: nested records, an enum, a union, a map, a fixed, an optional record.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "fuzz.derived")]
pub struct Order {
    /// Identifier.
    pub id: i64,
    /// A nested record holding another nested record.
    pub customer: Customer,
    /// Records in an array.
    pub lines: Vec<Line>,
    /// A unit enum.
    pub status: Status,
    /// A union of records, a null-like unit variant and plain types.
    pub payment: Payment,
    /// An optional nested record.
    pub billing: Option<Address>,
    /// A map.
    pub labels: BTreeMap<String, String>,
    /// A fixed.
    pub hash: [u8; 4],
    /// A timestamp.
    pub at: TimestampMillis,
}

/// A customer.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "fuzz.derived")]
pub struct Customer {
    /// Name.
    pub name: String,
    /// A record nested two levels deep.
    pub address: Address,
    /// A narrow integer (a decode error when out of range).
    pub tier: u16,
}

/// An address.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "fuzz.derived")]
pub struct Address {
    /// Street.
    pub street: String,
    /// Postal code.
    pub zip: i32,
}

/// An order line.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "fuzz.derived")]
pub struct Line {
    /// Stock-keeping unit.
    pub sku: String,
    /// Quantity.
    pub qty: u32,
    /// Price, a float (compared by encoding: NaN is allowed).
    pub price: f64,
}

/// An order's status.
#[derive(Avro, Debug, Clone, Copy, PartialEq)]
#[avro(namespace = "fuzz.derived")]
pub enum Status {
    /// Open.
    Open,
    /// Paid.
    Paid,
    /// Shipped.
    Shipped,
}

/// How an order is paid: a union of every variant shape.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "fuzz.derived")]
pub enum Payment {
    /// A struct variant.
    Card {
        /// Last four digits.
        last4: String,
    },
    /// A unit variant.
    Cash,
    /// A newtype variant.
    Voucher(i64),
    /// A tuple variant.
    Split(i64, String),
}

/// A recursive type: through an array and through an optional box.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "fuzz.derived")]
pub struct Tree {
    /// A value.
    pub value: i32,
    /// Children.
    pub kids: Vec<Tree>,
    /// A sibling.
    pub next: Option<Box<Tree>>,
}

fn eq<T: PartialEq>(a: &T, b: &T) -> bool {
    a == b
}

/// For types holding floats, where `NaN != NaN`: equal encodings.
fn same_bytes<T: Avro>(a: &T, b: &T) -> bool {
    to_vec(a) == to_vec(b)
}

/// A value of `T` to apply deltas to: a sample of `T`'s schema of nesting depth 2 (see
/// [`sample_value`]), or of depth 1 and then 0 where `T` rejects that (a narrow integer out of
/// range); `None` if `T` rejects all three.
pub fn base<T: Avro>(variant: u32) -> Option<T> {
    let schema = T::schema();
    (0..3).rev().find_map(|depth| {
        let value = sample_value(schema, schema.root(), variant, depth);
        from_slice::<T>(&encode(schema, &value)).ok()
    })
}

fn delta_of<T: Avro + Clone + Debug>(
    variant: u32,
    delta: &[u8],
    same: impl Fn(&T, &T) -> bool,
    agreement: Agreement,
) -> bool {
    base::<T>(variant).is_some_and(|b| typed_delta(&b, delta, same, agreement).is_some())
}

/// Declares the list of types once: [`TYPES`], [`decode_as`], [`delta_as`] and [`schema_of`]
/// follow it.
macro_rules! types {
    ($($i:literal => $t:ty, $same:expr, $agreement:expr;)*) => {
        /// How many types [`decode_as`] and [`delta_as`] choose from.
        pub const TYPES: u8 = [$($i),*].len() as u8;

        /// Decodes `bytes` as type number `which` (modulo [`TYPES`]) and checks the result
        /// with [`typed`]. Returns whether it decoded.
        pub fn decode_as(which: u8, bytes: &[u8]) -> bool {
            match which % TYPES {
                $($i => typed::<$t>(bytes, $same, $agreement).is_some(),)*
                _ => unreachable!(),
            }
        }

        /// Applies `delta` to [`base`]`(variant)` of type number `which` (modulo [`TYPES`])
        /// and checks the result with [`typed_delta`]. Returns whether it applied.
        pub fn delta_as(which: u8, variant: u32, delta: &[u8]) -> bool {
            match which % TYPES {
                $($i => delta_of::<$t>(variant, delta, $same, $agreement),)*
                _ => unreachable!(),
            }
        }

        /// The schema of type number `which` (modulo [`TYPES`]).
        pub fn schema_of(which: u8) -> &'static Schema {
            match which % TYPES {
                $($i => <$t as Avro>::schema(),)*
                _ => unreachable!(),
            }
        }
    };
}

types! {
    0 => Order, same_bytes, Subset;
    1 => Tree, eq, Exact;
    2 => Vec<Payment>, eq, Exact;
    3 => Option<Vec<Status>>, eq, Exact;
    4 => Customer, eq, Exact;
    5 => Option<Vec<HashMap<String, Option<i64>>>>, eq, Subset;
    6 => BTreeMap<String, Vec<[u8; 16]>>, eq, Subset;
    7 => Vec<Box<Option<String>>>, eq, Exact;
    8 => Vec<SystemTime>, eq, Exact;
    9 => Vec<TimestampMillis>, eq, Exact;
    10 => Vec<()>, eq, Exact;
    11 => Vec<Vec<i8>>, eq, Exact;
    12 => Option<Vec<u32>>, eq, Exact;
    13 => Vec<Option<f32>>, same_bytes, Exact;
    14 => Option<Vec<f64>>, same_bytes, Exact;
    15 => Vec<uuid::Uuid>, eq, Subset;
    16 => Vec<DateTime<Utc>>, eq, Exact;
    17 => Option<NaiveDate>, eq, Exact;
    18 => Vec<NaiveDateTime>, eq, Exact;
    19 => Vec<Decimal<18, 4>>, eq, Subset;
    20 => HashMap<String, Vec<u8>>, eq, Subset;
    21 => Vec<Option<bool>>, eq, Exact;
    22 => Vec<Vec<Option<Box<Vec<TimestampMicros>>>>>, eq, Exact;
}
