//! The test application's partition handler and its messages.

use std::marker::PhantomData;
use std::time::Duration;

use affinity::keyspace::{Keyspace, Published};
use affinity::partition::{Context, Handler, Handles, Message};
use affinity_avro::Avro;

use crate::model::{BLOBS, Blob, COUNTERS, JOURNAL, KEYSPACE, PROFILES, Profile, SESSIONS};

/// The handler of every partition of the test keyspace.
#[derive(Clone, Debug, Default)]
pub struct App;

impl Handler for App {}

/// Sets `key` of state `state` to `value`; answers the write's offset.
#[derive(Debug)]
pub struct Put<K, V> {
    /// The state.
    pub state: &'static str,
    /// The key.
    pub key: K,
    /// The value.
    pub value: V,
}

/// Reads `key` of state `state`.
#[derive(Debug)]
pub struct Get<K, V> {
    /// The state.
    pub state: &'static str,
    /// The key.
    pub key: K,
    /// The value type.
    pub value: PhantomData<fn() -> V>,
}

impl<K, V> Get<K, V> {
    /// Reads `key` of `state`.
    pub fn new(state: &'static str, key: K) -> Self {
        Get {
            state,
            key,
            value: PhantomData,
        }
    }
}

/// Deletes `key` of state `state`; answers whether it had a value.
#[derive(Debug)]
pub struct Delete<K, V> {
    /// The state.
    pub state: &'static str,
    /// The key.
    pub key: K,
    /// The value type.
    pub value: PhantomData<fn() -> V>,
}

impl<K, V> Delete<K, V> {
    /// Deletes `key` of `state`.
    pub fn new(state: &'static str, key: K) -> Self {
        Delete {
            state,
            key,
            value: PhantomData,
        }
    }
}

impl<K: Send + 'static, V: Send + 'static> Message for Put<K, V> {
    type Reply = Result<(), String>;
}

impl<K: Send + 'static, V: Send + 'static> Message for Get<K, V> {
    type Reply = Result<Option<V>, String>;
}

impl<K: Send + 'static, V: Send + 'static> Message for Delete<K, V> {
    type Reply = Result<bool, String>;
}

impl<K, V> Handles<Put<K, V>> for App
where
    K: Avro + Send + 'static,
    V: Avro + Send + Sync + 'static,
{
    fn handle(&mut self, m: Put<K, V>, ctx: &mut Context<'_>) -> Result<(), String> {
        let mut state = ctx.state::<K, V>(m.state).map_err(|e| e.to_string())?;
        state.put(&m.key, &m.value).map_err(|e| e.to_string())
    }
}

impl<K, V> Handles<Get<K, V>> for App
where
    K: Avro + Send + 'static,
    V: Avro + Send + Sync + 'static,
{
    fn handle(&mut self, m: Get<K, V>, ctx: &mut Context<'_>) -> Result<Option<V>, String> {
        let state = ctx.state::<K, V>(m.state).map_err(|e| e.to_string())?;
        state.get(&m.key).map_err(|e| e.to_string())
    }
}

impl<K, V> Handles<Delete<K, V>> for App
where
    K: Avro + Send + 'static,
    V: Avro + Send + Sync + 'static,
{
    fn handle(&mut self, m: Delete<K, V>, ctx: &mut Context<'_>) -> Result<bool, String> {
        let mut state = ctx.state::<K, V>(m.state).map_err(|e| e.to_string())?;
        state
            .delete(&m.key)
            .map(|old| old.is_some())
            .map_err(|e| e.to_string())
    }
}

/// Adds `by` to counter `key` (from zero) and answers the new count. The handler refuses
/// `by == 0` (a rejection the caller sees) and panics on `by == PANIC_BY` (a bug in a handler,
/// which must fail only this message).
///
/// It is also the keyspace's published message type: a live client's `Publish` of an
/// `Increment` to the key `key` reaches this handler (one published to another key is refused),
/// which also appends `by` to the key's [`JOURNAL`] (the order publishes were handled in).
/// The schemas are registered as `e2e-published-key` (a string) and `e2e-published-value`.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "e2e")]
pub struct Increment {
    /// The counter.
    pub key: String,
    /// How much to add.
    pub by: i64,
}

/// The increment the handler panics on.
pub const PANIC_BY: i64 = i64::MAX;

/// The handler's message when it refuses an increment of zero.
pub const ZERO_REFUSED: &str = "adding zero is refused";

impl Message for Increment {
    type Reply = Result<i64, String>;
}

impl Handles<Increment> for App {
    #[allow(clippy::panic)] // On purpose: the tests show a panicking handler fails one message.
    fn handle(&mut self, m: Increment, ctx: &mut Context<'_>) -> Result<i64, String> {
        if m.by == 0 {
            return Err(ZERO_REFUSED.to_owned());
        }
        if m.by == PANIC_BY {
            panic!("the test handler panics on purpose");
        }
        let mut counters = ctx
            .state::<String, i64>(COUNTERS)
            .map_err(|e| e.to_string())?;
        let new = counters
            .update(&m.key, |old| Some(old.unwrap_or(0) + m.by))
            .map_err(|e| e.to_string())?;
        Ok(new.unwrap_or(0))
    }
}

impl Handles<Published<String, Increment>> for App {
    fn handle(
        &mut self,
        p: Published<String, Increment>,
        ctx: &mut Context<'_>,
    ) -> Result<i64, String> {
        if p.message.key != p.key {
            return Err(format!(
                "the increment of `{}` was published to `{}`",
                p.message.key, p.key
            ));
        }
        let by = p.message.by;
        let count = self.handle(p.message, ctx)?;
        let mut journal = ctx
            .state::<String, Vec<i64>>(JOURNAL)
            .map_err(|e| e.to_string())?;
        journal
            .update(&p.key, |old| {
                let mut all = old.unwrap_or_default();
                all.push(by);
                Some(all)
            })
            .map_err(|e| e.to_string())?;
        Ok(count)
    }
}

/// The test keyspace: profiles, counters, sessions that expire `session_ttl` after they were
/// written, blobs and the journal of published increments, in four partitions; live clients may publish [`Increment`]s.
pub fn keyspace(session_ttl: Duration) -> Keyspace<App> {
    Keyspace::new(KEYSPACE)
        .partitions(4)
        .state::<i64, Profile>(PROFILES)
        .state::<String, i64>(COUNTERS)
        .state_with_ttl::<String, String>(SESSIONS, session_ttl)
        .state::<i64, Blob>(BLOBS)
        .state::<String, Vec<i64>>(JOURNAL)
        .handler(App)
        .accept_published::<String, Increment>()
}
