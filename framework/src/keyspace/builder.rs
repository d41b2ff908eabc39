//! [`Keyspace`]: the declaration of a keyspace — partitions, states, handler, publish type.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use affinity_avro::{Avro, Schema, Wire, from_slice};
use tokio::sync::oneshot;

use crate::partition::{Handler, Handles, Job, Message, StateOnly};
use crate::state::{StateSpec, check_state_name};

use super::publish::PUBLISHED;
use super::remote::RemoteMessages;
use super::{PublishError, PublishOutcome, Published};

/// Decodes a published key and message and binds them to a job that handles them and reports
/// the outcome.
pub(crate) type PublishFn<H> = Arc<
    dyn Fn(&[u8], &[u8], oneshot::Sender<Result<(), String>>) -> Result<Job<H>, PublishError>
        + Send
        + Sync,
>;

/// The schemas of a keyspace's published keys and messages, registered when it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PublishSchemas {
    pub(crate) key: &'static Schema,
    pub(crate) message: &'static Schema,
}

/// Makes the handler of each partition.
pub(crate) type HandlerFn<H> = Arc<dyn Fn(u32) -> H + Send + Sync>;

/// The default mailbox capacity of a partition.
pub const DEFAULT_MAILBOX: usize = 1024;

/// The default time an `ask` waits for its answer.
pub const DEFAULT_ASK_TIMEOUT: Duration = Duration::from_secs(10);

/// A keyspace's declaration: a name, a fixed number of partitions, named typed states, and the
/// [`Handler`] that runs in each partition (DESIGN.md §1, §3). Give it to
/// [`Node::keyspace`](crate::node::Node::keyspace); reach it at run time through
/// [`KeyspaceRef<H>`](super::KeyspaceRef).
///
/// ```
/// use std::time::Duration;
/// use affinity::keyspace::Keyspace;
/// use affinity::partition::Handler;
///
/// #[derive(Clone, Default)]
/// struct Graph;
/// impl Handler for Graph {}
///
/// let graph = Keyspace::new("graph")
///     .partitions(8)
///     .state::<i64, String>("names")
///     .state_with_ttl::<String, i64>("sessions", Duration::from_secs(3600))
///     .handler(Graph);
/// assert_eq!(graph.name(), "graph");
/// ```
///
/// Mistakes in the declaration (a bad name, a state declared twice, a key type with no order)
/// are collected and reported together when the node starts.
pub struct Keyspace<H = StateOnly> {
    pub(crate) name: String,
    pub(crate) partitions: NonZeroU32,
    pub(crate) replicas: NonZeroU32,
    pub(crate) states: Vec<StateSpec>,
    pub(crate) problems: Vec<String>,
    pub(crate) handler: HandlerFn<H>,
    pub(crate) publish: Option<PublishFn<H>>,
    pub(crate) publish_schemas: Option<PublishSchemas>,
    pub(crate) remotes: RemoteMessages<H>,
    pub(crate) mailbox: usize,
    pub(crate) ask_timeout: Duration,
}

impl<H> std::fmt::Debug for Keyspace<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyspace")
            .field("name", &self.name)
            .field("partitions", &self.partitions)
            .field("replicas", &self.replicas)
            .field("states", &self.states)
            .field("handler", &std::any::type_name::<H>())
            .finish_non_exhaustive()
    }
}

impl Keyspace<StateOnly> {
    /// A keyspace named `name` with one partition, one replica, no states and the
    /// [`StateOnly`] handler.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        let mut problems = Vec::new();
        if check_state_name(&name).is_err() {
            problems.push(format!(
                "invalid keyspace name `{name}`: use 1 to 100 ASCII letters, digits, '_' or '-', not starting with '_'"
            ));
        }
        Keyspace {
            name,
            partitions: NonZeroU32::MIN,
            replicas: NonZeroU32::MIN,
            states: Vec::new(),
            problems,
            handler: Arc::new(|_| StateOnly),
            publish: None,
            publish_schemas: None,
            remotes: RemoteMessages::default(),
            mailbox: DEFAULT_MAILBOX,
            ask_timeout: DEFAULT_ASK_TIMEOUT,
        }
    }
}

impl<H: Handler> Keyspace<H> {
    /// The keyspace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sets the number of partitions (the node configuration's
    /// `keyspaces.<name>.partitions` overrides it). Zero is reported when the node starts.
    #[must_use]
    pub fn partitions(mut self, partitions: u32) -> Self {
        match NonZeroU32::new(partitions) {
            Some(p) => self.partitions = p,
            None => self
                .problems
                .push("partitions must be at least 1".to_owned()),
        }
        self
    }

    /// Sets the number of replicas of each partition (used in a cluster; an embedded node holds
    /// one copy).
    #[must_use]
    pub fn replicas(mut self, replicas: u32) -> Self {
        match NonZeroU32::new(replicas) {
            Some(r) => self.replicas = r,
            None => self.problems.push("replicas must be at least 1".to_owned()),
        }
        self
    }

    /// Declares a state named `name` with keys `K` and values `V`.
    #[must_use]
    pub fn state<K, V>(self, name: &str) -> Self
    where
        K: Avro + 'static,
        V: Avro + Send + Sync + 'static,
    {
        self.add_state::<K, V>(name, None)
    }

    /// Declares a state whose values expire `ttl` after their event time.
    #[must_use]
    pub fn state_with_ttl<K, V>(self, name: &str, ttl: Duration) -> Self
    where
        K: Avro + 'static,
        V: Avro + Send + Sync + 'static,
    {
        if ttl.is_zero() {
            let mut this = self;
            this.problems
                .push(format!("state `{name}`: a TTL must be longer than zero"));
            return this;
        }
        self.add_state::<K, V>(name, Some(ttl))
    }

    fn add_state<K, V>(mut self, name: &str, ttl: Option<Duration>) -> Self
    where
        K: Avro + 'static,
        V: Avro + Send + Sync + 'static,
    {
        if self.states.iter().any(|s| s.name == name) {
            self.problems
                .push(format!("state `{name}` is declared more than once"));
            return self;
        }
        if name == PUBLISHED && self.publish_schemas.is_some() {
            self.problems.push(reserved_state_name());
            return self;
        }
        match StateSpec::new::<K, V>(name, ttl) {
            Ok(spec) => self.states.push(spec),
            Err(e) => self.problems.push(format!("state `{name}`: {e}")),
        }
        self
    }

    /// Sets the handler: each partition gets a clone of `handler`.
    #[must_use]
    pub fn handler<H2>(self, handler: H2) -> Keyspace<H2>
    where
        H2: Handler + Clone + Sync,
    {
        self.handler_fn(move |_| handler.clone())
    }

    /// Sets the handler: each partition gets `make(partition)`.
    #[must_use]
    pub fn handler_fn<H2, F>(self, make: F) -> Keyspace<H2>
    where
        H2: Handler,
        F: Fn(u32) -> H2 + Send + Sync + 'static,
    {
        Keyspace {
            name: self.name,
            partitions: self.partitions,
            replicas: self.replicas,
            states: self.states,
            problems: self.problems,
            handler: Arc::new(make),
            publish: None,
            publish_schemas: None,
            remotes: RemoteMessages::default(),
            mailbox: self.mailbox,
            ask_timeout: self.ask_timeout,
        }
    }

    /// Accepts messages of type `M` published by live clients to keys of type `K` (the
    /// `Publish` frame of DESIGN.md §5). The key routes the message to its partition exactly as
    /// a state key does (Kafka's partitioner over its Avro bytes), so `K` must be the key type
    /// of the states the handler writes for it: then the message reaches the partition that
    /// owns those keys. The handler receives both, decoded, as a [`Published<K, M>`]; a key
    /// that does not decode as `K` is refused with the `BadKey` error code, a message that does
    /// not decode as `M` with `BadMessage`, and neither reaches the handler. A keyspace accepts
    /// one publish type; use an enum for several kinds.
    ///
    /// When the keyspace starts, `K`'s schema is registered under the subject
    /// `<keyspace>-published-key` and `M`'s under `<keyspace>-published-value`, so clients can
    /// encode keys and messages from plain values (the browser client's `publish` fetches them
    /// from `/schemas`). These are Confluent's TopicNameStrategy names (`<topic>-key`,
    /// `<topic>-value`) for the keyspace's inbound stream as a topic `<keyspace>-published`,
    /// the rule the state subjects (`<keyspace>-<state>-key`) follow for changelog topics:
    /// standard Confluent tooling finds them by that rule, and they would name the topic should
    /// published messages go through Kafka. In exchange, such a keyspace may not have a state
    /// named `published` (the declaration reports it). The node decodes messages with `M`
    /// itself, so a client must encode with the schema registered last.
    ///
    /// ```
    /// use affinity::keyspace::{Keyspace, Published};
    /// use affinity::partition::{Context, Handler, Handles, Message};
    /// use affinity_avro::Avro;
    ///
    /// #[derive(Avro)]
    /// struct Rename { name: String }
    /// impl Message for Rename { type Reply = Result<(), String>; }
    ///
    /// #[derive(Clone)]
    /// struct Names;
    /// impl Handler for Names {}
    /// impl Handles<Published<i64, Rename>> for Names {
    ///     fn handle(&mut self, p: Published<i64, Rename>, ctx: &mut Context<'_>) -> Result<(), String> {
    ///         let mut names = ctx.state::<i64, String>("names").map_err(|e| e.to_string())?;
    ///         names.put(&p.key, &p.message.name).map_err(|e| e.to_string())
    ///     }
    /// }
    ///
    /// let names = Keyspace::new("people")
    ///     .state::<i64, String>("names")
    ///     .handler(Names)
    ///     .accept_published::<i64, Rename>(); // subjects people-published-key and -value
    /// ```
    #[must_use]
    pub fn accept_published<K, M>(mut self) -> Self
    where
        K: Avro + Send + 'static,
        M: Message + Avro,
        M::Reply: PublishOutcome,
        H: Handles<Published<K, M>>,
    {
        if self.states.iter().any(|s| s.name == PUBLISHED) {
            self.problems.push(reserved_state_name());
        }
        self.publish_schemas = Some(PublishSchemas {
            key: K::schema(),
            message: M::schema(),
        });
        self.publish = Some(Arc::new(|key, message, reply| {
            let key = from_slice::<K>(key).map_err(|e| PublishError::BadKey(e.to_string()))?;
            let message =
                from_slice::<M>(message).map_err(|e| PublishError::BadMessage(e.to_string()))?;
            let job: Job<H> = Box::new(move |handler, ctx| {
                let outcome = handler.handle(Published { key, message }, ctx).outcome();
                // Answered once the writes it made are durable, as an ask is: a publish
                // acknowledged to its client is in the changelog. The publisher may have gone;
                // then nobody waits for the outcome.
                ctx.core.reply(Box::new(move |durable| {
                    let _ = reply.send(durable.map_err(|e| e.to_string()).and(outcome));
                }));
            });
            Ok(job)
        }));
        self
    }

    /// Lets messages of type `M` travel to their partition's master on another node of a
    /// cluster: an `ask` or `tell` of an `M` on a node that does not master the partition is
    /// sent over the peer link to the node that does (DESIGN.md §3, "Peer links"), retried
    /// across a change of master, and its reply brought back. `M` travels as its Avro
    /// encoding and the reply as its [`Wire`] encoding — any [`Avro`] type, or a `Result` of
    /// two (a handler's error type must then be `Avro` too; [`StateError`] is).
    ///
    /// On one node, or where the node masters the partition, every message type works without
    /// this; a message type not declared here fails with
    /// [`AskError::NotForwardable`](super::AskError::NotForwardable) when its partition's
    /// master is elsewhere. Call it after [`handler`](Self::handler), which starts a new
    /// declaration for the new handler type.
    ///
    /// A retried `ask` is never handled twice because of the retry unless `M` says it is
    /// [`IDEMPOTENT`](Message::IDEMPOTENT): a link that breaks after the message was sent
    /// leaves the outcome unknown, and only then does the choice matter.
    ///
    /// [`StateError`]: crate::state::StateError
    ///
    /// ```
    /// use affinity::keyspace::Keyspace;
    /// use affinity::partition::{Context, Handler, Handles, Message};
    /// use affinity::state::StateError;
    /// use affinity_avro::Avro;
    ///
    /// #[derive(Avro)]
    /// struct GetName { id: i64 }
    /// impl Message for GetName {
    ///     type Reply = Result<Option<String>, StateError>;
    ///     const IDEMPOTENT: bool = true; // a read
    /// }
    ///
    /// #[derive(Clone)]
    /// struct Names;
    /// impl Handler for Names {}
    /// impl Handles<GetName> for Names {
    ///     fn handle(&mut self, m: GetName, ctx: &mut Context<'_>) -> Result<Option<String>, StateError> {
    ///         ctx.state::<i64, String>("names")?.get(&m.id)
    ///     }
    /// }
    ///
    /// let names = Keyspace::new("people")
    ///     .state::<i64, String>("names")
    ///     .handler(Names)
    ///     .remote::<GetName>();
    /// ```
    #[must_use]
    pub fn remote<M>(mut self) -> Self
    where
        M: Message + Avro,
        M::Reply: Wire,
        H: Handles<M>,
    {
        if let Err(problem) = self.remotes.register::<M>() {
            self.problems.push(problem);
        }
        self
    }

    /// Sets each partition's mailbox capacity (default [`DEFAULT_MAILBOX`]): senders wait for
    /// room past it.
    #[must_use]
    pub fn mailbox(mut self, capacity: usize) -> Self {
        if capacity == 0 {
            self.problems
                .push("the mailbox capacity must be at least 1".to_owned());
        } else {
            self.mailbox = capacity;
        }
        self
    }

    /// Sets how long `ask` and `call` wait for an answer (default [`DEFAULT_ASK_TIMEOUT`]).
    #[must_use]
    pub fn ask_timeout(mut self, timeout: Duration) -> Self {
        self.ask_timeout = timeout;
        self
    }
}

fn reserved_state_name() -> String {
    format!(
        "state `{PUBLISHED}`: the name is reserved in a keyspace that accepts published messages (their schemas' subjects are `<keyspace>-{PUBLISHED}-key` and `-value`)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partition::Context;

    #[derive(Clone)]
    struct Names;
    impl Handler for Names {}
    impl Handles<Published<i64, String>> for Names {
        fn handle(&mut self, _: Published<i64, String>, _: &mut Context<'_>) {}
    }
    impl Message for String {
        type Reply = ();
    }

    #[test]
    fn a_state_named_published_is_refused_when_publishing() {
        let reserved = |ks: &Keyspace<Names>| ks.problems.iter().any(|p| p.contains("reserved"));
        let before = Keyspace::new("k")
            .state::<i64, String>("published")
            .handler(Names)
            .accept_published::<i64, String>();
        assert!(reserved(&before), "{:?}", before.problems);
        let after = Keyspace::new("k")
            .handler(Names)
            .accept_published::<i64, String>()
            .state::<i64, String>("published");
        assert!(reserved(&after), "{:?}", after.problems);
        let without = Keyspace::new("k")
            .state::<i64, String>("published")
            .handler(Names);
        assert!(without.problems.is_empty(), "{:?}", without.problems);
    }
}
