//! The driver: feeds the session socket events and timeouts, sends what it has to send, turns
//! its events into JS callbacks, fetches writer schemas, and (re)opens the WebSocket.
//!
//! JS callbacks are never called while the client's state is borrowed: events are collected
//! first and delivered after, so a callback may close a subscription or the client.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use affinity_avro::Schema;
use affinity_protocol::frame::SUBPROTOCOL;
use affinity_protocol::session::{Event, RequestId, Session, SubId, Target};
use js_sys::{Array, Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::decode::{compile, value_to_js};
use crate::error::{Kind, error, server_code};
use crate::http::fetch_schema;
use crate::timer::{clear_timeout, schedule, set_timeout};

#[wasm_bindgen(module = "/js/info.js")]
extern "C" {
    /// `{ offset, deleted, schemaId }` in one call.
    #[wasm_bindgen(js_name = valueInfo)]
    fn value_info(offset: &JsValue, schema_id: Option<i32>) -> JsValue;
}

/// How often a failed schema fetch is retried before its subscriptions are told.
const SCHEMA_ATTEMPTS: u32 = 5;

/// One subscription's callbacks.
pub(crate) struct Listener {
    pub(crate) on_value: Function,
    pub(crate) on_error: Option<Function>,
}

/// The handlers of one socket, kept alive while it is the current one.
struct SocketHandlers {
    _open: Closure<dyn FnMut()>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut()>,
}

/// The client's state, shared by the JS-facing objects and the socket and timer callbacks.
pub(crate) struct Inner {
    pub(crate) session: Session,
    pub(crate) live_url: String,
    pub(crate) http_base: String,
    pub(crate) ws_ctor: Function,
    pub(crate) fetch: Function,
    pub(crate) socket: Option<WebSocket>,
    handlers: Option<SocketHandlers>,
    /// Handlers of replaced sockets, dropped when the next socket opens (never while running).
    retired: Vec<SocketHandlers>,
    generation: u64,
    /// The pending `setTimeout` and the session time it is set for.
    pub(crate) timer: Option<(JsValue, Duration)>,
    pub(crate) timer_fn: Option<Closure<dyn FnMut()>>,
    /// Every socket's `onerror`: errors are followed by `close`, which is what counts (and the
    /// `ws` package throws an error event that has no listener).
    on_error: Closure<dyn FnMut()>,
    pub(crate) listeners: HashMap<SubId, Listener>,
    pub(crate) schemas: HashMap<i32, Arc<Schema>>,
    /// The JS decoder of each writer schema id (`None` where JS cannot compile one).
    pub(crate) decoders: HashMap<i32, Option<Function>>,
    /// Where a value is encoded before the JS decoder reads it.
    scratch: Vec<u8>,
    fetching: HashSet<i32>,
    schema_failures: HashMap<i32, u32>,
    /// Key schemas of states and the schemas of published keys and messages, by subject.
    pub(crate) subject_schemas: HashMap<String, Arc<Schema>>,
    pub(crate) state_listeners: Vec<(u32, Function)>,
    pub(crate) next_listener: u32,
    pub(crate) state: &'static str,
    pub(crate) closed: bool,
    pub(crate) publishes: HashMap<RequestId, (Function, Function)>,
    epoch: f64,
}

/// A JS call to make once the state is no longer borrowed.
enum Call {
    One(Function, JsValue),
    Two(Function, JsValue, JsValue),
}

impl Call {
    fn run(self) {
        // A throwing callback must not stop the others; its exception is reported by the
        // platform (as with DOM event listeners) through the returned error, which we drop.
        let _ = match self {
            Call::One(f, a) => f.call1(&JsValue::UNDEFINED, &a),
            Call::Two(f, a, b) => f.call2(&JsValue::UNDEFINED, &a, &b),
        };
    }
}

pub(crate) type Shared = Rc<RefCell<Inner>>;

impl Inner {
    pub(crate) fn new(
        session: Session,
        live_url: String,
        http_base: String,
        ws_ctor: Function,
        fetch: Function,
    ) -> Self {
        Inner {
            session,
            live_url,
            http_base,
            ws_ctor,
            fetch,
            socket: None,
            handlers: None,
            retired: Vec::new(),
            generation: 0,
            timer: None,
            timer_fn: None,
            on_error: Closure::<dyn FnMut()>::new(|| {}),
            listeners: HashMap::new(),
            schemas: HashMap::new(),
            decoders: HashMap::new(),
            scratch: Vec::new(),
            fetching: HashSet::new(),
            schema_failures: HashMap::new(),
            subject_schemas: HashMap::new(),
            state_listeners: Vec::new(),
            next_listener: 0,
            state: "connecting",
            closed: false,
            publishes: HashMap::new(),
            epoch: js_sys::Date::now(),
        }
    }

    pub(crate) fn now(&self) -> Duration {
        Duration::from_secs_f64(((js_sys::Date::now() - self.epoch) / 1000.0).max(0.0))
    }

    fn set_state(&mut self, state: &'static str, calls: &mut Vec<Call>) {
        if self.state != state {
            self.state = state;
            for (_, f) in &self.state_listeners {
                calls.push(Call::One(f.clone(), state.into()));
            }
        }
    }

    /// Closes the current socket, if any, without reporting anything.
    fn drop_socket(&mut self) {
        if let Some(ws) = self.socket.take() {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            ws.set_onerror(Some(self.on_error.as_ref().unchecked_ref()));
            let _ = ws.close();
        }
        if let Some(h) = self.handlers.take() {
            self.retired.push(h);
        }
    }

    /// Closes the client: the socket, the timer; pending publishes fail.
    pub(crate) fn shut(&mut self) -> Vec<(Function, JsValue)> {
        self.closed = true;
        self.drop_socket();
        if let Some((t, _)) = self.timer.take() {
            clear_timeout(&t);
        }
        self.listeners.clear();
        let mut out = Vec::new();
        for (_, (_, reject)) in self.publishes.drain() {
            out.push((
                reject,
                error(Kind::Connection, "closed", "the client was closed"),
            ));
        }
        out
    }
}

/// Opens a new socket to the live endpoint.
pub(crate) fn open_socket(rc: &Shared) {
    let mut inner = rc.borrow_mut();
    if inner.closed {
        return;
    }
    inner.drop_socket();
    inner.retired.clear();
    inner.generation += 1;
    let generation = inner.generation;
    let args = Array::of2(&inner.live_url.as_str().into(), &SUBPROTOCOL.into());
    let ws: WebSocket = match Reflect::construct(&inner.ws_ctor, &args) {
        Ok(ws) => ws.unchecked_into(),
        Err(_) => {
            let now = inner.now();
            inner.session.disconnected(now);
            drop(inner);
            pump(rc);
            return;
        }
    };
    ws.set_binary_type(BinaryType::Arraybuffer);
    let weak = Rc::downgrade(rc);
    let w = weak.clone();
    let open = Closure::<dyn FnMut()>::new(move || {
        if let Some(rc) = w.upgrade() {
            if rc.borrow().generation != generation {
                return;
            }
            {
                let mut inner = rc.borrow_mut();
                let now = inner.now();
                inner.session.connected(now);
            }
            pump(&rc);
        }
    });
    let w = weak.clone();
    let message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(rc) = w.upgrade() {
            if rc.borrow().generation != generation {
                return;
            }
            let data = e.data();
            if data.is_instance_of::<js_sys::ArrayBuffer>() || data.is_object() {
                let bytes = Uint8Array::new(&data).to_vec();
                rc.borrow_mut().session.handle_frame(&bytes);
                pump(&rc);
            }
        }
    });
    let w = weak;
    let close = Closure::<dyn FnMut()>::new(move || {
        if let Some(rc) = w.upgrade() {
            {
                let mut inner = rc.borrow_mut();
                if inner.generation != generation || inner.closed {
                    return;
                }
                inner.drop_socket();
                let now = inner.now();
                inner.session.disconnected(now);
            }
            pump(&rc);
        }
    });
    ws.set_onopen(Some(open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(close.as_ref().unchecked_ref()));
    ws.set_onerror(Some(inner.on_error.as_ref().unchecked_ref()));
    inner.socket = Some(ws);
    inner.handlers = Some(SocketHandlers {
        _open: open,
        _message: message,
        _close: close,
    });
}

/// Sends what the session has to send, delivers its events, and sets the timer.
pub(crate) fn pump(rc: &Shared) {
    let mut calls = Vec::new();
    let mut reconnect = false;
    let mut fetches = Vec::new();
    {
        let mut guard = rc.borrow_mut();
        let inner = &mut *guard;
        if inner.closed {
            return;
        }
        loop {
            while let Some(bytes) = inner.session.poll_transmit() {
                if let Some(ws) = &inner.socket {
                    // A copy owned by JS: a view into wasm memory could change before it is sent.
                    let _ = ws.send_with_array_buffer_view(&Uint8Array::from(bytes.as_slice()));
                }
            }
            let Some(event) = inner.session.poll_event() else {
                break;
            };
            handle_event(inner, event, &mut calls, &mut reconnect, &mut fetches);
        }
        let state = if inner.session.is_connected() {
            "open"
        } else if inner.state == "connecting" {
            "connecting"
        } else {
            "reconnecting"
        };
        inner.set_state(state, &mut calls);
        schedule(rc, inner);
    }
    for id in fetches {
        start_schema_fetch(rc, id);
    }
    if reconnect {
        open_socket(rc);
    }
    for c in calls {
        c.run();
    }
}

fn handle_event(
    inner: &mut Inner,
    event: Event,
    calls: &mut Vec<Call>,
    reconnect: &mut bool,
    fetches: &mut Vec<i32>,
) {
    match event {
        Event::Value {
            sub,
            offset,
            value,
            schema,
            schema_id,
        } => {
            let Some(l) = inner.listeners.get(&sub) else {
                return;
            };
            let decoder = inner
                .decoders
                .entry(schema_id)
                .or_insert_with(|| compile(&schema));
            match value_to_js(&schema, decoder.as_ref(), &value, &mut inner.scratch) {
                Ok(js) => calls.push(Call::Two(
                    l.on_value.clone(),
                    js,
                    meta(offset, Some(schema_id)),
                )),
                Err(e) => {
                    if let Some(f) = &l.on_error {
                        calls.push(Call::One(f.clone(), e));
                    }
                }
            }
        }
        Event::Deleted { sub, offset } => {
            if let Some(l) = inner.listeners.get(&sub) {
                calls.push(Call::Two(
                    l.on_value.clone(),
                    JsValue::NULL,
                    meta(offset, None),
                ));
            }
        }
        Event::Error {
            target,
            code,
            message,
        } => {
            let err = error(Kind::Server, &server_code(code), &message);
            match target {
                Target::Subscription(sub) => {
                    if let Some(l) = inner.listeners.remove(&sub)
                        && let Some(f) = l.on_error
                    {
                        calls.push(Call::One(f, err));
                    }
                }
                Target::Request(r) => {
                    if let Some((_, reject)) = inner.publishes.remove(&r) {
                        calls.push(Call::One(reject, err));
                    }
                }
                Target::Connection => {
                    for l in inner.listeners.values() {
                        if let Some(f) = &l.on_error {
                            calls.push(Call::One(f.clone(), err.clone()));
                        }
                    }
                }
            }
        }
        Event::BadFrame { sub, error: e } => {
            if let Some(l) = sub.and_then(|s| inner.listeners.get(&s))
                && let Some(f) = &l.on_error
            {
                calls.push(Call::One(
                    f.clone(),
                    error(Kind::Value, "bad-frame", e.to_string()),
                ));
            }
        }
        Event::Published { request } => {
            if let Some((resolve, _)) = inner.publishes.remove(&request) {
                calls.push(Call::One(resolve, JsValue::UNDEFINED));
            }
        }
        Event::PublishInDoubt { request } => {
            if let Some((_, reject)) = inner.publishes.remove(&request) {
                let msg = "the connection was lost before the publish was answered: it may or may not have been applied";
                calls.push(Call::One(
                    reject,
                    error(Kind::Connection, "publish-in-doubt", msg),
                ));
            }
        }
        Event::NeedSchema(id) => match inner.schemas.get(&id) {
            Some(s) => inner.session.provide_schema(id, s.clone()),
            None => {
                if inner.fetching.insert(id) {
                    fetches.push(id);
                }
            }
        },
        Event::ConnectionDead => {
            inner.drop_socket();
            let now = inner.now();
            inner.session.disconnected(now);
        }
        Event::Reconnect => *reconnect = true,
        _ => {}
    }
}

/// The `info` argument of a subscription's callback.
fn meta(offset: i64, schema_id: Option<i32>) -> JsValue {
    value_info(&crate::convert::long_to_js(offset), schema_id)
}

/// Fetches writer schema `id` and hands it to the session; retries a few times, then tells the
/// subscriptions waiting for it.
fn start_schema_fetch(rc: &Shared, id: i32) {
    let rc = rc.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let (f, url) = {
            let inner = rc.borrow();
            (
                inner.fetch.clone(),
                format!("{}/schemas/schemas/ids/{id}", inner.http_base),
            )
        };
        let result = fetch_schema(&f, &url).await;
        let mut calls = Vec::new();
        {
            let mut inner = rc.borrow_mut();
            inner.fetching.remove(&id);
            match result {
                Ok(schema) => {
                    inner.schema_failures.remove(&id);
                    inner.schemas.insert(id, schema.clone());
                    inner.session.provide_schema(id, schema);
                }
                Err(e) => {
                    let n = inner.schema_failures.entry(id).or_insert(0);
                    *n += 1;
                    if *n < SCHEMA_ATTEMPTS {
                        inner.fetching.insert(id);
                        drop(inner);
                        retry_later(&rc, id);
                        return;
                    }
                    for l in inner.listeners.values() {
                        if let Some(f) = &l.on_error {
                            calls.push(Call::One(f.clone(), e.clone()));
                        }
                    }
                }
            }
        }
        pump(&rc);
        for c in calls {
            c.run();
        }
    });
}

fn retry_later(rc: &Shared, id: i32) {
    let weak = Rc::downgrade(rc);
    let f = Closure::once_into_js(move || {
        if let Some(rc) = weak.upgrade() {
            rc.borrow_mut().fetching.remove(&id);
            start_schema_fetch(&rc, id);
        }
    });
    set_timeout(f.unchecked_ref(), 1000.0);
}
