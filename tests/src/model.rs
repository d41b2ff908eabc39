//! The test application's data: a 20-field record, a large blob, and the names of the
//! keyspace and its states.

use affinity_avro::Avro;

/// The keyspace of the test application.
pub const KEYSPACE: &str = "e2e";
/// State `i64 → Profile`: 20-field records.
pub const PROFILES: &str = "profiles";
/// State `String → i64`: counters, changed by [`Increment`](crate::Increment) messages.
pub const COUNTERS: &str = "counters";
/// State `String → String` with a TTL: sessions.
pub const SESSIONS: &str = "sessions";
/// State `i64 → Blob`: large values.
pub const BLOBS: &str = "blobs";
/// State `String → Vec<i64>`: for each counter, the `by` of every [`Increment`](crate::Increment)
/// published to it, in the order the handler received them.
pub const JOURNAL: &str = "journal";

/// A user profile: a record with twenty fields of the kinds real records have (numbers,
/// strings, a flag, an optional, a list), so that the size of a one-field delta compares with
/// a realistic full value.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "e2e")]
pub struct Profile {
    /// The profile's id.
    pub id: i64,
    /// The user's name.
    pub name: String,
    /// The user's e-mail address.
    pub email: String,
    /// City.
    pub city: String,
    /// Country code.
    pub country: String,
    /// Age in years.
    pub age: i32,
    /// A score.
    pub score: f64,
    /// Whether the account is active.
    pub active: bool,
    /// Free tags.
    pub tags: Vec<String>,
    /// Creation time, epoch milliseconds.
    pub created_at: i64,
    /// Last update time, epoch milliseconds.
    pub updated_at: i64,
    /// How many visits: the field the tests change.
    pub visits: i64,
    /// Account balance.
    pub balance: f64,
    /// Subscription plan.
    pub plan: String,
    /// Who referred the user, if anyone.
    pub referrer: Option<String>,
    /// Locale.
    pub locale: String,
    /// Time zone.
    pub timezone: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// A short biography.
    pub bio: String,
    /// Login count.
    pub logins: i64,
}

impl Profile {
    /// A plausible profile for `id`, with `visits` visits.
    pub fn sample(id: i64, visits: i64) -> Profile {
        Profile {
            id,
            name: format!("User Number {id}"),
            email: format!("user{id}@example.com"),
            city: "Amsterdam".to_owned(),
            country: "NL".to_owned(),
            age: 30 + (id % 40) as i32,
            score: 0.5 + id as f64 / 1000.0,
            active: true,
            tags: vec!["beta".to_owned(), "newsletter".to_owned()],
            created_at: 1_700_000_000_000 + id,
            updated_at: 1_700_000_500_000 + id,
            visits,
            balance: 12.5,
            plan: "standard".to_owned(),
            referrer: Some("friend".to_owned()),
            locale: "en-GB".to_owned(),
            timezone: "Europe/Amsterdam".to_owned(),
            avatar_url: format!("https://cdn.example.com/avatars/{id}.png"),
            bio: "Likes long walks along the canals and short release cycles.".to_owned(),
            logins: 3,
        }
    }
}

/// A large value: a sequence number and a payload.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "e2e")]
pub struct Blob {
    /// Which write produced it.
    pub seq: i64,
    /// The payload.
    pub data: Vec<u8>,
}

impl Blob {
    /// Blob number `seq` with `len` bytes of payload that differ from every other seq's.
    pub fn numbered(seq: i64, len: usize) -> Blob {
        let fill = (seq % 251) as u8;
        Blob {
            seq,
            data: vec![fill; len],
        }
    }
}
