//! The handles a session gives out: [`SubId`] and [`RequestId`].

use std::fmt;

/// A subscription, as the application knows it. It stays the same across reconnects and
/// resubscriptions, while the `sub_id` on the wire changes (each (re)subscription gets a fresh
/// one, so late frames of an earlier one can never be mistaken for the current one's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubId(pub u64);

impl fmt::Display for SubId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A publish: the `request_id` of its [`Publish`](crate::frame::Publish) frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub i64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request {}", self.0)
    }
}
