//! Key feeds: how observers of a single key — live subscriptions, key observers — follow it
//! without ever holding up its partition.
//!
//! The partition actor keeps a `FeedLog` for each observed key (the latest value and its last
//! few deltas) and updates it right after each write commits; observers hold a [`FeedReader`]
//! and ask it for what brings them from the offset they hold to the latest one
//! ([`FeedItem`]s). An observer that keeps up gets every change as a delta; one that falls
//! further behind than the log reaches gets the latest value alone.

mod item;
mod log;
mod reader;
mod table;

pub use item::FeedItem;
pub(crate) use log::FeedLog;
pub use reader::FeedReader;
pub(crate) use table::Feeds;
