//! Encode and decode of a small (5-field) and a realistic (~20-field) record: generated
//! affinity-avro code against apache-avro's serde path and postcard, in the same run.
//!
//! `cargo bench -p affinity-avro --bench codec`; `dev/bench-avro` also writes
//! `avro/BENCHMARKS.md` from the results.

// `to_avro_datum`/`from_avro_datum` are deprecated in apache-avro 0.22, but they are the serde
// path the comparison is defined on (the issue names them).
#![allow(missing_docs, deprecated, clippy::expect_used, clippy::unwrap_used)]

#[path = "../tests/corpus/mod.rs"]
mod corpus;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use affinity_avro::{Avro, from_slice, from_slice_borrowed};
use corpus::borrowed::OrderRef;
use corpus::{Address, LineItem, Order, Small, Status};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The same records as plain serde types: what apache-avro's serde path and postcard take.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct SmallSerde {
    id: i64,
    name: String,
    active: bool,
    score: f64,
    count: i32,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct AddressSerde {
    street: String,
    city: String,
    zip: String,
    country: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct LineItemSerde {
    sku: String,
    quantity: i32,
    unit_price_cents: i64,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
enum StatusSerde {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct OrderSerde {
    id: uuid::Uuid,
    customer_id: i64,
    customer_name: String,
    email: String,
    phone: Option<String>,
    status: StatusSerde,
    created_at: i64,
    updated_at: Option<i64>,
    shipping: AddressSerde,
    billing: Option<AddressSerde>,
    items: Vec<LineItemSerde>,
    tags: Vec<String>,
    attributes: HashMap<String, String>,
    total_cents: i64,
    tax_cents: i64,
    currency: String,
    gift: bool,
    note: Option<String>,
    discount_rate: f64,
    loyalty_points: i32,
}

/// `OrderSerde` with borrowed strings: serde's `&'a str` / `#[serde(borrow)] Cow<'a, str>`,
/// the same shape as `corpus::borrowed::OrderRef`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct AddressRefSerde<'a> {
    street: &'a str,
    city: &'a str,
    #[serde(borrow)]
    zip: Cow<'a, str>,
    country: &'a str,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct LineItemRefSerde<'a> {
    sku: &'a str,
    quantity: i32,
    unit_price_cents: i64,
}

/// `K` is the map key: `&'a str` where the codec can borrow keys (postcard), `String` where it
/// cannot (apache-avro's `from_value` hands out map keys as owned strings).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct OrderRefSerde<'a, K: Eq + std::hash::Hash> {
    id: uuid::Uuid,
    customer_id: i64,
    customer_name: &'a str,
    email: &'a str,
    phone: Option<&'a str>,
    status: StatusSerde,
    created_at: i64,
    updated_at: Option<i64>,
    #[serde(borrow)]
    shipping: AddressRefSerde<'a>,
    #[serde(borrow)]
    billing: Option<AddressRefSerde<'a>>,
    #[serde(borrow)]
    items: Vec<LineItemRefSerde<'a>>,
    #[serde(borrow)]
    tags: Vec<&'a str>,
    #[serde(borrow)]
    attributes: HashMap<K, &'a str>,
    total_cents: i64,
    tax_cents: i64,
    currency: &'a str,
    gift: bool,
    note: Option<&'a str>,
    discount_rate: f64,
    loyalty_points: i32,
}

impl<'a, K: Eq + std::hash::Hash + From<&'a str>> OrderRefSerde<'a, K> {
    fn of(o: &'a OrderSerde) -> Self {
        let addr = |a: &'a AddressSerde| AddressRefSerde {
            street: &a.street,
            city: &a.city,
            zip: Cow::Borrowed(&a.zip),
            country: &a.country,
        };
        OrderRefSerde {
            id: o.id,
            customer_id: o.customer_id,
            customer_name: &o.customer_name,
            email: &o.email,
            phone: o.phone.as_deref(),
            status: o.status,
            created_at: o.created_at,
            updated_at: o.updated_at,
            shipping: addr(&o.shipping),
            billing: o.billing.as_ref().map(addr),
            items: o
                .items
                .iter()
                .map(|i| LineItemRefSerde {
                    sku: &i.sku,
                    quantity: i.quantity,
                    unit_price_cents: i.unit_price_cents,
                })
                .collect(),
            tags: o.tags.iter().map(String::as_str).collect(),
            attributes: o
                .attributes
                .iter()
                .map(|(k, v)| (K::from(k.as_str()), v.as_str()))
                .collect(),
            total_cents: o.total_cents,
            tax_cents: o.tax_cents,
            currency: &o.currency,
            gift: o.gift,
            note: o.note.as_deref(),
            discount_rate: o.discount_rate,
            loyalty_points: o.loyalty_points,
        }
    }
}

fn small() -> (Small, SmallSerde) {
    let s = Small {
        id: 1_234_567,
        name: "Ada Lovelace".into(),
        active: true,
        score: 98.25,
        count: 42,
    };
    let t = SmallSerde {
        id: s.id,
        name: s.name.clone(),
        active: s.active,
        score: s.score,
        count: s.count,
    };
    (s, t)
}

fn address(street: &str) -> (Address, AddressSerde) {
    let a = Address {
        street: street.into(),
        city: "Lisbon".into(),
        zip: "1100-148".into(),
        country: "PT".into(),
    };
    let b = AddressSerde {
        street: a.street.clone(),
        city: a.city.clone(),
        zip: a.zip.clone(),
        country: a.country.clone(),
    };
    (a, b)
}

fn order() -> (Order, OrderSerde) {
    let id = uuid::Uuid::from_u128(0x6f1c_2a3b_4c5d_4e6f_8a9b_0c1d_2e3f_4a5b);
    let created = 1_763_700_000_123_456i64;
    let (ship, ship_s) = address("Rua Augusta 24");
    let (bill, bill_s) = address("Avenida da Liberdade 110");
    let items: Vec<(String, i32, i64)> = vec![
        ("SKU-1001".into(), 2, 1999),
        ("SKU-2002".into(), 1, 45_000),
        ("SKU-3003".into(), 5, 350),
    ];
    let attributes: HashMap<String, String> = [
        ("channel", "web"),
        ("campaign", "autumn-26"),
        ("device", "mobile"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let tags = vec!["priority".to_owned(), "gift-wrap".to_owned()];
    let o = Order {
        id,
        customer_id: 987_654_321,
        customer_name: "Grace Hopper".into(),
        email: "grace@example.com".into(),
        phone: Some("+351 21 000 0000".into()),
        status: Status::Paid,
        created_at: UNIX_EPOCH + Duration::from_micros(created as u64),
        updated_at: Some(created + 60_000_000),
        shipping: ship,
        billing: Some(bill),
        items: items
            .iter()
            .map(|(sku, q, p)| LineItem {
                sku: sku.clone(),
                quantity: *q,
                unit_price_cents: *p,
            })
            .collect(),
        tags: tags.clone(),
        attributes: attributes.clone(),
        total_cents: 88_748,
        tax_cents: 16_594,
        currency: "EUR".into(),
        gift: true,
        note: None,
        discount_rate: 0.05,
        loyalty_points: 887,
    };
    let s = OrderSerde {
        id,
        customer_id: o.customer_id,
        customer_name: o.customer_name.clone(),
        email: o.email.clone(),
        phone: o.phone.clone(),
        status: StatusSerde::Paid,
        created_at: created,
        updated_at: o.updated_at,
        shipping: ship_s,
        billing: Some(bill_s),
        items: items
            .iter()
            .map(|(sku, q, p)| LineItemSerde {
                sku: sku.clone(),
                quantity: *q,
                unit_price_cents: *p,
            })
            .collect(),
        tags,
        attributes,
        total_cents: o.total_cents,
        tax_cents: o.tax_cents,
        currency: o.currency.clone(),
        gift: o.gift,
        note: None,
        discount_rate: o.discount_rate,
        loyalty_points: o.loyalty_points,
    };
    (o, s)
}

/// Benchmarks one record type three ways, after checking that all three agree on the data.
fn compare<A, S>(c: &mut Criterion, group: &str, ours: &A, theirs: &S)
where
    A: Avro + Clone + PartialEq + std::fmt::Debug,
    S: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let schema = apache_avro::Schema::parse_str(&A::schema().to_json())
        .expect("apache-avro parses our schema");
    let our_bytes = affinity_avro::to_vec(ours);
    let apache_value = apache_avro::to_value(theirs).expect("to_value");
    let apache_bytes = apache_avro::to_avro_datum(&schema, apache_value).expect("to_avro_datum");
    // Maps may be written in another order; the decoded values must agree.
    assert_eq!(
        our_bytes.len(),
        apache_bytes.len(),
        "{group}: same Avro size"
    );
    assert_eq!(
        &from_slice::<A>(&apache_bytes).expect("we read apache-avro's bytes"),
        ours
    );
    let postcard_bytes = postcard::to_allocvec(theirs).expect("postcard");
    assert_eq!(
        &postcard::from_bytes::<S>(&postcard_bytes).expect("postcard decode"),
        theirs
    );
    eprintln!(
        "{group}: avro {} bytes, postcard {} bytes",
        our_bytes.len(),
        postcard_bytes.len()
    );

    let mut g = c.benchmark_group(format!("{group}/encode"));
    let mut buf = Vec::with_capacity(1024);
    g.bench_function("affinity-avro", |b| {
        b.iter(|| {
            buf.clear();
            black_box(ours).encode(&mut buf);
            black_box(buf.len())
        })
    });
    g.bench_function("apache-avro", |b| {
        b.iter(|| {
            let v = apache_avro::to_value(black_box(theirs)).expect("to_value");
            black_box(apache_avro::to_avro_datum(&schema, v).expect("to_avro_datum"))
        })
    });
    let mut pbuf = vec![0u8; 4096];
    g.bench_function("postcard", |b| {
        b.iter(|| {
            black_box(
                postcard::to_slice(black_box(theirs), &mut pbuf)
                    .expect("postcard")
                    .len(),
            )
        })
    });
    g.finish();

    let mut g = c.benchmark_group(format!("{group}/decode"));
    g.bench_function("affinity-avro", |b| {
        b.iter(|| black_box(from_slice::<A>(black_box(&our_bytes)).expect("decode")))
    });
    g.bench_function("apache-avro", |b| {
        b.iter(|| {
            let v = apache_avro::from_avro_datum(&schema, &mut black_box(&apache_bytes[..]), None)
                .expect("from_avro_datum");
            black_box(apache_avro::from_value::<S>(&v).expect("from_value"))
        })
    });
    g.bench_function("postcard", |b| {
        b.iter(|| {
            black_box(postcard::from_bytes::<S>(black_box(&postcard_bytes)).expect("postcard"))
        })
    });
    // Not a decoder: cloning the decoded value makes the same heap allocations (and frees them
    // again) without reading or validating anything — a floor for any decoder that produces
    // this owned type with this allocator.
    g.bench_function("clone-floor", |b| {
        b.iter(|| black_box(black_box(ours).clone()))
    });
    g.finish();
}

/// Decode of the realistic record into types whose strings borrow from the input: ours
/// (`OrderRef`, `#[derive(Avro)]` with a lifetime) against apache-avro's serde path into the same
/// borrowed serde type (`from_avro_datum` + `from_value`, which borrows from apache-avro's
/// `Value`) and postcard's (`from_bytes`, borrowing from its bytes). Same bytes as the owned
/// benchmark; each side's result is checked against the data first.
fn borrowed(c: &mut Criterion, ours: &Order, theirs: &OrderSerde) {
    let schema = apache_avro::Schema::parse_str(&Order::schema().to_json()).expect("schema");
    let our_bytes = affinity_avro::to_vec(ours);
    let apache_bytes =
        apache_avro::to_avro_datum(&schema, apache_avro::to_value(theirs).expect("to_value"))
            .expect("to_avro_datum");
    let postcard_bytes = postcard::to_allocvec(theirs).expect("postcard");
    type ApacheRef<'a> = OrderRefSerde<'a, String>;
    type PostcardRef<'a> = OrderRefSerde<'a, &'a str>;
    let mine: OrderRef<'_> = from_slice_borrowed(&our_bytes).expect("borrowed decode");
    assert!(
        mine.matches(ours),
        "borrowed decode agrees with the owned value"
    );
    let mine: OrderRef<'_> = from_slice_borrowed(&apache_bytes).expect("borrowed decode");
    assert!(mine.matches(ours), "borrowed decode of apache-avro's bytes");
    let v = apache_avro::from_avro_datum(&schema, &mut &apache_bytes[..], None).expect("datum");
    assert_eq!(
        apache_avro::from_value::<ApacheRef<'_>>(&v).expect("from_value"),
        ApacheRef::of(theirs)
    );
    assert_eq!(
        postcard::from_bytes::<PostcardRef<'_>>(&postcard_bytes).expect("postcard"),
        PostcardRef::of(theirs)
    );

    let mut g = c.benchmark_group("realistic_borrowed/decode");
    g.bench_function("affinity-avro", |b| {
        b.iter(|| {
            black_box(from_slice_borrowed::<OrderRef<'_>>(black_box(&our_bytes)).expect("decode"))
        })
    });
    g.bench_function("apache-avro", |b| {
        b.iter(|| {
            let v = apache_avro::from_avro_datum(&schema, &mut black_box(&apache_bytes[..]), None)
                .expect("from_avro_datum");
            // The borrowed struct cannot outlive `v`; it is dropped inside the iteration too.
            let r = apache_avro::from_value::<ApacheRef<'_>>(&v).expect("from_value");
            black_box(&r);
        })
    });
    g.bench_function("postcard", |b| {
        b.iter(|| {
            black_box(
                postcard::from_bytes::<PostcardRef<'_>>(black_box(&postcard_bytes))
                    .expect("postcard"),
            )
        })
    });
    g.finish();
}

fn codecs(c: &mut Criterion) {
    // apache-avro serializes with `is_human_readable() == false` by default, which makes
    // `uuid::Uuid` 16 bytes; the schema's uuid is a string, so switch to the human-readable form
    // (apache-avro's documented switch for this).
    apache_avro::util::set_serde_human_readable(true);
    let (s, t) = small();
    compare(c, "small", &s, &t);
    let (o, p) = order();
    compare(c, "realistic", &o, &p);
    borrowed(c, &o, &p);
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(700)).measurement_time(Duration::from_secs(3)).sample_size(60);
    targets = codecs
}
criterion_main!(benches);
