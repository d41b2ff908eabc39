//! The benchmark's data: a market quote record, the keyspace that holds quotes, and its
//! messages.

use std::time::{SystemTime, UNIX_EPOCH};

use affinity::keyspace::Keyspace;
use affinity::partition::{Context, Handler, Handles, Message};
use affinity_avro::Avro;

/// The keyspace's name.
pub(crate) const KEYSPACE: &str = "market";
/// The state holding the quotes.
pub(crate) const QUOTES: &str = "quotes";
/// Keys read by the point-read benchmark: `FIRST_KEY..FIRST_KEY + KEYS`. Every one of them
/// encodes to the same number of bytes, so every response is as long as the bare handler's.
pub(crate) const FIRST_KEY: i64 = 1000;
/// How many keys the point reads spread over.
pub(crate) const KEYS: i64 = 1000;
/// The key every fan-out subscriber follows.
pub(crate) const HOT_KEY: i64 = 1;

/// A small, realistic record: a market quote (10 fields, 56 bytes of Avro binary).
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "bench.market")]
pub(crate) struct Quote {
    pub(crate) id: i64,
    pub(crate) symbol: String,
    pub(crate) venue: String,
    pub(crate) currency: String,
    pub(crate) bid: f64,
    pub(crate) ask: f64,
    pub(crate) last: f64,
    pub(crate) volume: i64,
    pub(crate) seq: i64,
    /// When the partition applied the change that produced this value, in microseconds since
    /// the Unix epoch: subscribers subtract it from their clock to get change-to-client latency.
    pub(crate) changed_at_us: i64,
}

impl Quote {
    /// The seeded quote of `id`.
    pub(crate) fn sample(id: i64) -> Quote {
        let cents = (id % 997) as f64 / 100.0;
        Quote {
            id,
            symbol: format!("SYM{:05}", id.rem_euclid(100_000)),
            venue: "XNAS".to_owned(),
            currency: "USD".to_owned(),
            bid: 100.0 + cents,
            ask: 100.02 + cents,
            last: 100.01 + cents,
            volume: 1_000_000 + id,
            seq: 0,
            changed_at_us: 1_700_000_000_000_000,
        }
    }
}

/// Microseconds since the Unix epoch, by the system clock (shared by every process on the
/// machine, so latencies can be measured across processes).
pub(crate) fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The quotes keyspace's handler.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Market;

impl Handler for Market {}

/// Reads one quote.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GetQuote {
    pub(crate) id: i64,
}

impl Message for GetQuote {
    type Reply = Result<Option<Quote>, String>;
}

impl Handles<GetQuote> for Market {
    fn handle(&mut self, m: GetQuote, ctx: &mut Context<'_>) -> Result<Option<Quote>, String> {
        let quotes = ctx.state::<i64, Quote>(QUOTES).map_err(|e| e.to_string())?;
        quotes.get(&m.id).map_err(|e| e.to_string())
    }
}

/// Changes a quote (a price move and the next sequence number, stamped with the time of the
/// change) and returns its new sequence number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tick {
    pub(crate) id: i64,
}

impl Message for Tick {
    type Reply = Result<i64, String>;
}

impl Handles<Tick> for Market {
    fn handle(&mut self, m: Tick, ctx: &mut Context<'_>) -> Result<i64, String> {
        let mut quotes = ctx.state::<i64, Quote>(QUOTES).map_err(|e| e.to_string())?;
        let new = quotes
            .update(&m.id, |old| {
                let mut q = old.unwrap_or_else(|| Quote::sample(m.id));
                q.seq += 1;
                let step = if q.seq % 2 == 0 { 0.01 } else { -0.01 };
                q.bid += step;
                q.ask += step;
                q.last += step;
                q.changed_at_us = now_micros();
                Some(q)
            })
            .map_err(|e| e.to_string())?;
        Ok(new.map_or(0, |q| q.seq))
    }
}

/// The keyspace: quotes by id in four partitions.
pub(crate) fn keyspace() -> Keyspace<Market> {
    Keyspace::new(KEYSPACE)
        .partitions(4)
        .state::<i64, Quote>(QUOTES)
        .handler(Market)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_read_key_encodes_to_the_same_length() {
        let len = affinity_avro::to_vec(&Quote::sample(FIRST_KEY)).len();
        for id in FIRST_KEY..FIRST_KEY + KEYS {
            assert_eq!(affinity_avro::to_vec(&Quote::sample(id)).len(), len, "{id}");
        }
        assert_eq!(len, 56);
    }
}
