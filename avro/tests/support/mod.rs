//! Helpers shared by the integration tests (each test crate includes this with `mod support;`).

#![allow(
    dead_code,
    unreachable_pub,
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used
)]

pub mod apache;
pub mod arbitrary;
