//! Borrowed decoding (`AvroBorrow`, `#[derive(Avro)]` on types with a lifetime): the same
//! schema and bytes as the owned types, both ways against the owned codec and apache-avro,
//! strings pointing into the input, and no panic on any input.

#![allow(clippy::panic, clippy::unwrap_used)]

mod corpus;
mod support;

use std::borrow::Cow;
use std::collections::HashMap;

use affinity_avro::{
    Avro, AvroBorrow, DecodeError, decode_value, from_slice_borrowed, to_vec, to_vec_borrowed,
};
use corpus::Order;
use corpus::borrowed::{Blob, OrderRef, ShapeRef};
use proptest::prelude::*;
use support::apache::{apache_decode, apache_encode, apache_schema, to_apache};

fn order_ref(bytes: &[u8]) -> Result<OrderRef<'_>, DecodeError> {
    from_slice_borrowed(bytes)
}

#[test]
fn borrowed_schema_is_the_owned_schema() {
    let ours = OrderRef::borrowed_schema();
    assert_eq!(ours.canonical_form(), Order::schema().canonical_form());
    assert_eq!(ours.fingerprint(), Order::fingerprint());
    // apache-avro parses it to the same canonical form as the owned type's.
    assert_eq!(
        apache_schema(&ours).canonical_form(),
        apache_schema(Order::schema()).canonical_form()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn owned_and_borrowed_read_each_others_bytes(o in any::<Order>()) {
        let bytes = to_vec(&o);
        let r = order_ref(&bytes).unwrap();
        prop_assert!(r.matches(&o), "{r:?} is not {o:?}");
        prop_assert_eq!(&to_vec_borrowed(&r), &bytes);
        // Strings point into the input.
        let range = bytes.as_ptr_range();
        prop_assert!(range.contains(&r.customer_name.as_ptr()) || r.customer_name.is_empty());
    }

    #[test]
    fn borrowed_reads_apache_avros_bytes(o in any::<Order>()) {
        let schema = Order::schema();
        let apache = apache_schema(schema);
        let ours = to_vec(&o);
        let dynamic = decode_value(schema, &ours).unwrap();
        let value = to_apache(schema, &dynamic);
        let theirs = apache_encode(&apache, value.clone());
        let r = order_ref(&theirs).unwrap();
        prop_assert!(r.matches(&o), "{r:?} is not {o:?}");
        // And apache-avro reads what the borrowed type writes.
        prop_assert_eq!(apache_decode(&apache, &to_vec_borrowed(&r)), value);
    }

    #[test]
    fn arbitrary_bytes_are_an_error_or_a_value(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = order_ref(&bytes);
        let _ = from_slice_borrowed::<Blob<'_>>(&bytes);
    }
}

#[test]
fn every_truncation_is_an_error() {
    let o = Order {
        id: uuid::Uuid::from_u128(7),
        customer_id: 1,
        customer_name: "Grace".into(),
        email: "g@example.com".into(),
        phone: None,
        status: corpus::Status::Paid,
        created_at: std::time::UNIX_EPOCH,
        updated_at: Some(5),
        shipping: corpus::Address {
            street: "Rua".into(),
            city: "Lisboa".into(),
            zip: "1100".into(),
            country: "PT".into(),
        },
        billing: None,
        items: vec![corpus::LineItem {
            sku: "A".into(),
            quantity: 1,
            unit_price_cents: 2,
        }],
        tags: vec!["t".into()],
        attributes: [("k".to_owned(), "v".to_owned())].into_iter().collect(),
        total_cents: 3,
        tax_cents: 4,
        currency: "EUR".into(),
        gift: false,
        note: Some("n".into()),
        discount_rate: 0.5,
        loyalty_points: 6,
    };
    let bytes = to_vec(&o);
    assert!(order_ref(&bytes).unwrap().matches(&o));
    for n in 0..bytes.len() {
        assert!(
            order_ref(&bytes[..n]).is_err(),
            "{n} of {} bytes",
            bytes.len()
        );
    }
}

#[test]
fn bytes_cows_maps_and_unions_borrow() {
    let blob = Blob {
        raw: &[1, 2, 3],
        cow: Cow::Owned(vec![4, 5]),
        parts: [(Cow::Borrowed("a"), vec![&[9u8][..], &[]])]
            .into_iter()
            .collect(),
        shape: ShapeRef::Tagged("t", -1),
        owned: "o".into(),
    };
    let bytes = to_vec_borrowed(&blob);
    let back: Blob<'_> = from_slice_borrowed(&bytes).unwrap();
    assert_eq!(back, blob);
    assert!(matches!(back.cow, Cow::Borrowed(_)), "Cow decodes borrowed");
    assert!(bytes.as_ptr_range().contains(&back.raw.as_ptr()));
    for shape in [ShapeRef::Named { name: "n" }, ShapeRef::Empty] {
        let b = to_vec_borrowed(&shape);
        assert_eq!(from_slice_borrowed::<ShapeRef<'_>>(&b).unwrap(), shape);
    }
    // A map block count far past the input is an error before anything is allocated.
    let mut bad = to_vec_borrowed(&&[1u8, 2, 3][..]);
    bad.extend_from_slice(&[0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    assert!(from_slice_borrowed::<Blob<'_>>(&bad).is_err());
    // Invalid UTF-8 in a borrowed string is an error.
    let owned = HashMap::from([("k".to_owned(), "v".to_owned())]);
    let mut map = to_vec(&owned);
    let at = map.iter().position(|&b| b == b'v').unwrap();
    map[at] = 0xff;
    assert!(matches!(
        from_slice_borrowed::<HashMap<&str, &str>>(&map),
        Err(DecodeError::InvalidUtf8(_))
    ));
}
