//! [`Client`] and [`Subscription`]: what JS sees.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use affinity_avro::{Schema, encode_value};
use affinity_protocol::session::{Config, Session, SubId};
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::from_js;
use crate::decode::compile;
use crate::driver::{Inner, Listener, Shared, open_socket, pump};
use crate::error::{Kind, error};
use crate::http::{AVRO, decode_body, fetch, fetch_schema, js_to_json, status_error};

/// A connection to an Affinity node: live subscriptions over one WebSocket, and HTTP calls.
#[wasm_bindgen]
pub struct Client {
    inner: Shared,
}

/// A live subscription; [`Subscription::close`] ends it.
#[wasm_bindgen]
pub struct Subscription {
    client: Weak<RefCell<Inner>>,
    /// Set once the key is encoded and the session holds the subscription.
    sub: Rc<RefCell<SubState>>,
}

enum SubState {
    Pending,
    Live(SubId),
    Closed,
}

/// The live and HTTP URLs for what the user gave: `ws(s)://host/live` or `http(s)://host`.
fn urls(url: &str, http: Option<String>) -> Result<(String, String), JsValue> {
    let url = url.trim_end_matches('/');
    let (live, base) = if let Some(rest) = url.strip_prefix("ws://") {
        (
            url.to_owned(),
            format!("http://{}", rest.trim_end_matches("/live")),
        )
    } else if let Some(rest) = url.strip_prefix("wss://") {
        (
            url.to_owned(),
            format!("https://{}", rest.trim_end_matches("/live")),
        )
    } else if let Some(rest) = url.strip_prefix("http://") {
        (format!("ws://{rest}/live"), url.to_owned())
    } else if let Some(rest) = url.strip_prefix("https://") {
        (format!("wss://{rest}/live"), url.to_owned())
    } else {
        return Err(error(
            Kind::Connection,
            "bad-url",
            format!("{url:?}: expected a ws://, wss://, http:// or https:// URL"),
        ));
    };
    Ok((
        live,
        http.map_or(base, |h| h.trim_end_matches('/').to_owned()),
    ))
}

fn opt(options: &JsValue, name: &str) -> JsValue {
    if options.is_object() {
        Reflect::get(options, &name.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn global_fn(name: &str) -> Option<Function> {
    Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
}

#[wasm_bindgen]
impl Client {
    /// Connects to `url` (`ws://host/live` or `http://host`). Options: `WebSocket` (a
    /// constructor, e.g. the `ws` package's in Node < 22), `fetch`, `httpUrl`,
    /// `reconnectMinMs`, `reconnectMaxMs`, `pingIntervalMs`, `pongTimeoutMs`. The socket opens
    /// in the background; subscriptions made before it opens are sent when it does.
    #[wasm_bindgen(constructor)]
    pub fn new(url: &str, options: JsValue) -> Result<Client, JsValue> {
        let (live, base) = urls(url, opt(&options, "httpUrl").as_string())?;
        let ws_ctor = match opt(&options, "WebSocket").dyn_into::<Function>() {
            Ok(f) => f,
            Err(_) => global_fn("WebSocket").ok_or_else(|| {
                error(
                    Kind::Connection,
                    "no-websocket",
                    "this platform has no global WebSocket: pass one as options.WebSocket (e.g. the `ws` package)",
                )
            })?,
        };
        let fetch_fn = match opt(&options, "fetch").dyn_into::<Function>() {
            Ok(f) => f,
            Err(_) => global_fn("fetch").ok_or_else(|| {
                error(
                    Kind::Connection,
                    "no-fetch",
                    "this platform has no global fetch: pass one as options.fetch",
                )
            })?,
        };
        let ms = |name: &str, default: std::time::Duration| {
            opt(&options, name)
                .as_f64()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map_or(default, |v| std::time::Duration::from_secs_f64(v / 1000.0))
        };
        let d = Config::default();
        let config = Config {
            reconnect_min: ms("reconnectMinMs", d.reconnect_min),
            reconnect_max: ms("reconnectMaxMs", d.reconnect_max),
            ping_interval: ms("pingIntervalMs", d.ping_interval),
            pong_timeout: ms("pongTimeoutMs", d.pong_timeout),
            jitter_seed: (js_sys::Math::random() * 9.0e15) as u64 | 1,
            ..d
        };
        let inner = Rc::new(RefCell::new(Inner::new(
            Session::new(config),
            live,
            base,
            ws_ctor,
            fetch_fn,
        )));
        open_socket(&inner);
        Ok(Client { inner })
    }

    /// The connection state: `"connecting"`, `"open"`, `"reconnecting"` or `"closed"`.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.inner.borrow().state.to_owned()
    }

    /// The base URL of HTTP calls.
    #[wasm_bindgen(getter, js_name = httpUrl)]
    pub fn http_url(&self) -> String {
        self.inner.borrow().http_base.clone()
    }

    /// Calls `listener(state)` on every state change; returns an id for
    /// [`Client::off_state_change`].
    #[wasm_bindgen(js_name = onStateChange)]
    pub fn on_state_change(&self, listener: Function) -> u32 {
        let mut inner = self.inner.borrow_mut();
        inner.next_listener += 1;
        let id = inner.next_listener;
        inner.state_listeners.push((id, listener));
        id
    }

    /// Removes a state listener.
    #[wasm_bindgen(js_name = offStateChange)]
    pub fn off_state_change(&self, id: u32) {
        self.inner
            .borrow_mut()
            .state_listeners
            .retain(|(i, _)| *i != id);
    }

    /// Subscribes to `key` of `state` in `keyspace`: `onValue(value, {offset, schemaId,
    /// deleted})` gets the current value, then every change (`null` when deleted or never
    /// written); `onError(error)` gets what ends the subscription or concerns it.
    pub fn subscribe(
        &self,
        keyspace: String,
        state: String,
        key: JsValue,
        on_value: Function,
        on_error: Option<Function>,
    ) -> Subscription {
        let sub = Rc::new(RefCell::new(SubState::Pending));
        let handle = Subscription {
            client: Rc::downgrade(&self.inner),
            sub: sub.clone(),
        };
        let rc = self.inner.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = async {
                let schema = key_schema(&rc, &keyspace, &state).await?;
                let bytes = encode_with(&schema, &key, "the key")?;
                if !matches!(*sub.borrow(), SubState::Pending) || rc.borrow().closed {
                    return Ok(());
                }
                let id = rc
                    .borrow_mut()
                    .session
                    .subscribe(keyspace, state, bytes)
                    .map_err(|e| {
                        error(Kind::Connection, "too-many-subscriptions", e.to_string())
                    })?;
                rc.borrow_mut().listeners.insert(
                    id,
                    Listener {
                        on_value,
                        on_error: on_error.clone(),
                    },
                );
                *sub.borrow_mut() = SubState::Live(id);
                pump(&rc);
                Ok::<(), JsValue>(())
            }
            .await;
            if let Err(e) = result {
                *sub.borrow_mut() = SubState::Closed;
                if let Some(f) = on_error {
                    let _ = f.call1(&JsValue::UNDEFINED, &e);
                }
            }
        });
        handle
    }

    /// Encodes `value` with the latest schema of registry subject `subject` (fetched once);
    /// `what` names it in errors. A missing subject is a `SchemaError` "schema-not-found".
    #[wasm_bindgen(js_name = encodeSubject)]
    pub fn encode_subject(&self, subject: String, value: JsValue, what: String) -> Promise {
        let rc = self.inner.clone();
        future_to_promise(async move {
            let schema = subject_schema(&rc, &subject, None).await?;
            Ok(Uint8Array::from(encode_with(&schema, &value, &what)?.as_slice()).into())
        })
    }

    /// Sends `message` (Avro bytes) to the handler of `key` (Avro bytes) in `keyspace`;
    /// resolves when the handler accepted it.
    #[wasm_bindgen(js_name = publishEncoded)]
    pub fn publish_encoded(
        &self,
        keyspace: String,
        key: Uint8Array,
        message: Uint8Array,
    ) -> Promise {
        let rc = self.inner.clone();
        Promise::new(&mut |resolve, reject| {
            let result =
                rc.borrow_mut()
                    .session
                    .publish(keyspace.clone(), key.to_vec(), message.to_vec());
            match result {
                Ok(request) => {
                    rc.borrow_mut().publishes.insert(request, (resolve, reject));
                    pump(&rc);
                }
                Err(e) => {
                    let _ = reject.call1(
                        &JsValue::UNDEFINED,
                        &error(Kind::Connection, "too-many-publishes", e.to_string()),
                    );
                }
            }
        })
    }

    /// An HTTP call to `path` on the node: `body` (any JS value, or `undefined`) is sent as
    /// JSON (the affinity JSON mapping: `BigInt`s exact, `Uint8Array`s as byte strings), or,
    /// when `avro` is given, `avro` is sent as the body in Avro binary (already encoded with the
    /// handler's request type); the answer is asked for in Avro binary and decoded with its
    /// writer schema. Resolves to the value, `null` on 404, or rejects with an `HttpError`.
    pub fn request(
        &self,
        method: String,
        path: String,
        body: JsValue,
        avro: Option<Uint8Array>,
    ) -> Promise {
        let rc = self.inner.clone();
        future_to_promise(async move {
            let (f, base) = {
                let inner = rc.borrow();
                (inner.fetch.clone(), inner.http_base.clone())
            };
            let url = format!("{base}/{}", path.trim_start_matches('/'));
            let mut headers = vec![("accept", AVRO)];
            let body = if let Some(bytes) = avro {
                headers.push(("content-type", AVRO));
                Some(bytes.to_vec())
            } else if body.is_undefined() {
                None
            } else {
                let json = js_to_json(&body).map_err(|e| error(Kind::Value, "invalid-value", e))?;
                headers.push(("content-type", "application/json"));
                Some(json.to_string().into_bytes())
            };
            let r = fetch(&f, &method, &url, &headers, body.as_deref()).await?;
            if r.status == 404 && method.eq_ignore_ascii_case("GET") {
                return Ok(JsValue::NULL);
            }
            if !(200..300).contains(&r.status) {
                return Err(status_error(&method, &url, &r));
            }
            let writer = match r.schema_id {
                Some(id) => {
                    let schema = writer_schema(&rc, id).await?;
                    let decoder = rc
                        .borrow_mut()
                        .decoders
                        .entry(id)
                        .or_insert_with(|| compile(&schema))
                        .clone();
                    Some((schema, decoder))
                }
                None => None,
            };
            decode_body(writer.as_ref().map(|(s, d)| (s.as_ref(), d.as_ref())), &r)
        })
    }

    /// Closes the socket and ends every subscription; pending publishes reject.
    pub fn close(&self) {
        let rejects = {
            let mut inner = self.inner.borrow_mut();
            if inner.closed {
                return;
            }
            let rejects = inner.shut();
            inner.state = "closed";
            rejects
        };
        let listeners = self.inner.borrow().state_listeners.clone();
        for (_, f) in listeners {
            let _ = f.call1(&JsValue::UNDEFINED, &"closed".into());
        }
        for (reject, e) in rejects {
            let _ = reject.call1(&JsValue::UNDEFINED, &e);
        }
    }
}

#[wasm_bindgen]
impl Subscription {
    /// Ends the subscription: its callback is not called after this returns.
    pub fn close(&self) {
        let previous = std::mem::replace(&mut *self.sub.borrow_mut(), SubState::Closed);
        if let (SubState::Live(id), Some(rc)) = (previous, self.client.upgrade()) {
            {
                let mut inner = rc.borrow_mut();
                inner.listeners.remove(&id);
                let _ = inner.session.unsubscribe(id);
            }
            pump(&rc);
        }
    }

    /// Whether the subscription is closed (by `close()`, the client, or an error).
    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        match &*self.sub.borrow() {
            SubState::Closed => true,
            SubState::Pending => false,
            SubState::Live(id) => self
                .client
                .upgrade()
                .is_none_or(|rc| !rc.borrow().listeners.contains_key(id)),
        }
    }
}

fn encode_with(schema: &Schema, js: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    let value = from_js(schema, schema.root(), js)
        .map_err(|e| error(Kind::Value, "invalid-value", format!("{what}: {e}")))?;
    let mut out = Vec::new();
    encode_value(schema, &value, &mut out)
        .map_err(|e| error(Kind::Value, "invalid-value", format!("{what}: {e}")))?;
    Ok(out)
}

/// The key schema of `keyspace`/`state`: subject `<keyspace>-<state>-key`, cached.
async fn key_schema(rc: &Shared, keyspace: &str, state: &str) -> Result<Arc<Schema>, JsValue> {
    subject_schema(
        rc,
        &format!("{keyspace}-{state}-key"),
        Some(&|| {
            error(
                Kind::Schema,
                "unknown-state",
                format!(
                    "no key schema for {keyspace}/{state}: the node has no such keyspace or state"
                ),
            )
        }),
    )
    .await
}

/// The latest schema of registry subject `subject`, cached; `missing()` is the error when the
/// node has no such subject (default: the fetch's "schema-not-found").
async fn subject_schema(
    rc: &Shared,
    subject: &str,
    missing: Option<&dyn Fn() -> JsValue>,
) -> Result<Arc<Schema>, JsValue> {
    let (f, base) = {
        let inner = rc.borrow();
        if let Some(s) = inner.subject_schemas.get(subject) {
            return Ok(s.clone());
        }
        (inner.fetch.clone(), inner.http_base.clone())
    };
    let url = format!("{base}/schemas/subjects/{subject}/versions/latest");
    let schema = fetch_schema(&f, &url).await.map_err(|e| match missing {
        Some(missing)
            if Reflect::get(&e, &"code".into())
                .ok()
                .and_then(|c| c.as_string())
                .as_deref()
                == Some("schema-not-found") =>
        {
            missing()
        }
        _ => e,
    })?;
    rc.borrow_mut()
        .subject_schemas
        .insert(subject.to_owned(), schema.clone());
    Ok(schema)
}

/// A writer schema by registry id, cached.
async fn writer_schema(rc: &Shared, id: i32) -> Result<Arc<Schema>, JsValue> {
    let (f, base) = {
        let inner = rc.borrow();
        if let Some(s) = inner.schemas.get(&id) {
            return Ok(s.clone());
        }
        (inner.fetch.clone(), inner.http_base.clone())
    };
    let schema = fetch_schema(&f, &format!("{base}/schemas/schemas/ids/{id}")).await?;
    rc.borrow_mut().schemas.insert(id, schema.clone());
    Ok(schema)
}
