//! [`Keyspace`]: the declaration of a keyspace — partitions, states, handler, publish type.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use affinity_avro::{Avro, DecodeError, from_slice};
use tokio::sync::oneshot;

use crate::partition::{Handler, Handles, Job, Message, StateOnly};
use crate::state::{StateSpec, check_state_name};

use super::PublishOutcome;

/// Decodes a published message and binds it to a job that handles it and reports the outcome.
pub(crate) type PublishFn<H> = Arc<
    dyn Fn(&[u8], oneshot::Sender<Result<(), String>>) -> Result<Job<H>, DecodeError> + Send + Sync,
>;

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
            mailbox: self.mailbox,
            ask_timeout: self.ask_timeout,
        }
    }

    /// Accepts messages of type `M` published by live clients (the `Publish` frame of
    /// DESIGN.md §5): they are decoded from Avro binary, routed by their key and handled by
    /// [`Handles<M>`]. A keyspace accepts one publish type; use an enum for several kinds.
    #[must_use]
    pub fn accept_published<M>(mut self) -> Self
    where
        M: Message + Avro,
        M::Reply: PublishOutcome,
        H: Handles<M>,
    {
        self.publish = Some(Arc::new(|bytes, reply| {
            let message = from_slice::<M>(bytes)?;
            let job: Job<H> = Box::new(move |handler, ctx| {
                let outcome = handler.handle(message, ctx).outcome();
                // The publisher may have gone; then nobody waits for the outcome.
                let _ = reply.send(outcome);
            });
            Ok(job)
        }));
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
