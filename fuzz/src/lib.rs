//! Shared pieces of the fuzz targets: the schemas they decode against ([`corpus`]), the
//! properties every decoder must keep ([`check`]) and the Rust types decoded into ([`typed`]).

pub mod check;
pub mod corpus;
pub mod typed;

use std::sync::LazyLock;

use affinity_avro::{Resolver, Schema};

/// [`corpus::SCHEMAS`], parsed once per process.
pub static SCHEMAS: LazyLock<Vec<Schema>> = LazyLock::new(corpus::parse_schemas);

/// For each of [`SCHEMAS`], the resolution from it to itself.
pub static IDENTITIES: LazyLock<Vec<Resolver>> = LazyLock::new(|| {
    SCHEMAS
        .iter()
        .map(|s| match Resolver::new(s, s) {
            Ok(r) => r,
            Err(e) => unreachable!("a schema does not resolve to itself: {e}"),
        })
        .collect()
});

/// The resolvers of [`corpus::RESOLUTIONS`].
pub static RESOLVERS: LazyLock<Vec<Resolver>> = LazyLock::new(corpus::resolvers);
