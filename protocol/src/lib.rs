//! Affinity's live-data protocol: the frames of the `/live` WebSocket ([`frame`]) and a
//! sans-I/O client [`Session`](session::Session) that the tokio client and the browser client
//! both drive.
//!
//! The session does no I/O and keeps no clock: the driver owns the socket and the timer, feeds
//! the session what happens and does what it asks.
//!
//! | the driver calls | when |
//! |---|---|
//! | [`connected(now)`](session::Session::connected) | the socket opened |
//! | [`handle_frame(bytes)`](session::Session::handle_frame) | a binary message arrived |
//! | [`disconnected(now)`](session::Session::disconnected) | the socket closed, or opening it failed |
//! | [`handle_timeout(now)`](session::Session::handle_timeout) | the instant [`poll_timeout()`](session::Session::poll_timeout) named has come |
//! | [`provide_schema(id, schema)`](session::Session::provide_schema) | it fetched a schema asked for by [`Event::NeedSchema`](session::Event::NeedSchema) |
//! | [`poll_transmit()`](session::Session::poll_transmit) until `None` | after any of these: send each as a binary message |
//! | [`poll_event()`](session::Session::poll_event) until `None` | after any of these: hand values to the application; [`Reconnect`](session::Event::Reconnect) / [`ConnectionDead`](session::Event::ConnectionDead) concern the driver |
//!
//! The application calls [`subscribe`](session::Session::subscribe),
//! [`unsubscribe`](session::Session::unsubscribe) and [`publish`](session::Session::publish).
//!
//! ```
//! use std::time::Duration;
//! use affinity_avro::{Schema, Value, to_vec};
//! use affinity_protocol::frame::{ClientFrame, ServerFrame, Snapshot, Delta, decode, encode};
//! use affinity_protocol::session::{Event, Session};
//!
//! let mut session = Session::default();
//! let sub = session.subscribe("graph", "vertices", to_vec(&42i64))?;
//! session.connected(Duration::ZERO);
//!
//! // The driver sends what the session has to send…
//! let bytes = session.poll_transmit().expect("the Subscribe");
//! let ClientFrame::Subscribe(s) = decode::<ClientFrame>(&bytes)? else { unreachable!() };
//! assert_eq!((s.keyspace.as_str(), s.resume_from), ("graph", None));
//!
//! // …and feeds it what arrives: a snapshot written with schema 7, which it does not have yet.
//! let schema = Schema::parse(r#"{"type":"record","name":"V","fields":[{"name":"n","type":"long"}]}"#)?;
//! let snapshot = Snapshot { sub_id: s.sub_id, offset: 10, schema_id: 7, value: vec![0x02] };
//! session.handle_frame(&encode(&ServerFrame::Snapshot(snapshot)));
//! assert_eq!(session.poll_event(), Some(Event::NeedSchema(7)));
//! session.provide_schema(7, schema);
//! let Some(Event::Value { offset: 10, value, .. }) = session.poll_event() else { unreachable!() };
//! assert_eq!(value, Value::Record(vec![Value::Long(1)]));
//!
//! // A delta to offset 11 from offset 10: field 0 is now 2.
//! let delta = Delta { sub_id: s.sub_id, offset: 11, base_offset: 10, schema_id: 7, delta: vec![0x01, 0x04] };
//! session.handle_frame(&encode(&ServerFrame::Delta(delta)));
//! let Some(Event::Value { sub: for_sub, offset: 11, value, .. }) = session.poll_event() else { unreachable!() };
//! assert_eq!((for_sub, value), (sub, Value::Record(vec![Value::Long(2)])));
//!
//! // After a reconnect the subscription resumes where it was.
//! session.disconnected(Duration::from_secs(1));
//! session.connected(Duration::from_secs(2));
//! let ClientFrame::Subscribe(s) = decode::<ClientFrame>(&session.poll_transmit().unwrap())? else { unreachable!() };
//! assert_eq!(s.resume_from, Some(11));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Nothing here pulls an async runtime or does I/O; the crate builds for
//! `wasm32-unknown-unknown`.

mod error;
pub mod frame;
pub mod session;

pub use error::{ProtocolError, SessionError};
