//! Borrowed counterparts of corpus types: the same schemas, with `&'a str`, `Cow<'a, str>` and
//! `&'a [u8]` fields that decode pointing into the input.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::SystemTime;

use affinity_avro::Avro;

use super::{Order, Status};

/// `Address`, borrowed.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.shop", name = "Address")]
pub struct AddressRef<'a> {
    pub street: &'a str,
    pub city: &'a str,
    pub zip: Cow<'a, str>,
    pub country: &'a str,
}

/// `LineItem`, borrowed.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.shop", name = "LineItem")]
pub struct LineItemRef<'a> {
    pub sku: &'a str,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// `Order`, borrowed: every string of the realistic record points into the input.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.shop", name = "Order")]
pub struct OrderRef<'a> {
    pub id: uuid::Uuid,
    pub customer_id: i64,
    pub customer_name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub status: Status,
    pub created_at: SystemTime,
    pub updated_at: Option<i64>,
    pub shipping: AddressRef<'a>,
    pub billing: Option<AddressRef<'a>>,
    pub items: Vec<LineItemRef<'a>>,
    pub tags: Vec<&'a str>,
    pub attributes: HashMap<&'a str, &'a str>,
    pub total_cents: i64,
    pub tax_cents: i64,
    pub currency: &'a str,
    pub gift: bool,
    pub note: Option<&'a str>,
    pub discount_rate: f64,
    pub loyalty_points: i32,
}

impl OrderRef<'_> {
    /// Whether this is `o` field by field.
    pub fn matches(&self, o: &Order) -> bool {
        let addr = |a: &AddressRef<'_>, b: &super::Address| {
            a.street == b.street && a.city == b.city && a.zip == b.zip && a.country == b.country
        };
        self.id == o.id
            && self.customer_id == o.customer_id
            && self.customer_name == o.customer_name
            && self.email == o.email
            && self.phone == o.phone.as_deref()
            && self.status == o.status
            && self.created_at == o.created_at
            && self.updated_at == o.updated_at
            && addr(&self.shipping, &o.shipping)
            && match (&self.billing, &o.billing) {
                (Some(a), Some(b)) => addr(a, b),
                (None, None) => true,
                _ => false,
            }
            && self.items.len() == o.items.len()
            && self.items.iter().zip(&o.items).all(|(a, b)| {
                a.sku == b.sku
                    && a.quantity == b.quantity
                    && a.unit_price_cents == b.unit_price_cents
            })
            && self
                .tags
                .iter()
                .copied()
                .eq(o.tags.iter().map(String::as_str))
            && self.attributes.len() == o.attributes.len()
            && o.attributes
                .iter()
                .all(|(k, v)| self.attributes.get(k.as_str()) == Some(&v.as_str()))
            && self.total_cents == o.total_cents
            && self.tax_cents == o.tax_cents
            && self.currency == o.currency
            && self.gift == o.gift
            && self.note == o.note.as_deref()
            && self.discount_rate.to_bits() == o.discount_rate.to_bits()
            && self.loyalty_points == o.loyalty_points
    }
}

/// Bytes, a map of borrowed bytes and an enum with borrowed data.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.borrowed")]
pub struct Blob<'a> {
    pub raw: &'a [u8],
    pub cow: Cow<'a, [u8]>,
    pub parts: HashMap<Cow<'a, str>, Vec<&'a [u8]>>,
    pub shape: ShapeRef<'a>,
    pub owned: String,
}

/// An enum with borrowed data: a union of records.
#[derive(Avro, Debug, Clone, PartialEq)]
#[avro(namespace = "corpus.borrowed")]
pub enum ShapeRef<'a> {
    Named { name: &'a str },
    Tagged(&'a str, i64),
    Empty,
}
