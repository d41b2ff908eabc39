//! Key ranges, scan direction and pages of scan results.

use std::ops::Bound;

/// A range of keys in byte order, for [`Store::scan`](super::Store::scan).
///
/// Internally every range is half-open, `[lower, upper)`: an excluded lower bound `k` becomes
/// the included `k ++ [0]` (the next key in byte order) and an included upper bound `k` the
/// excluded `k ++ [0]`, which describes exactly the same keys.
///
/// ```
/// use affinity::store::KeyRange;
///
/// let users = KeyRange::prefix(*b"user/");
/// assert!(users.contains(b"user/ann"));
/// assert!(!users.contains(b"user0"));
/// assert!(KeyRange::between(*b"b", *b"a").is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyRange {
    /// Included lower bound (the empty key: unbounded).
    lower: Vec<u8>,
    /// Excluded upper bound (`None`: unbounded).
    upper: Option<Vec<u8>>,
}

impl KeyRange {
    /// Every key.
    pub fn all() -> Self {
        KeyRange {
            lower: Vec::new(),
            upper: None,
        }
    }

    /// The keys between two bounds.
    pub fn new(start: Bound<Vec<u8>>, end: Bound<Vec<u8>>) -> Self {
        let lower = match start {
            Bound::Included(k) => k,
            Bound::Excluded(k) => successor(k),
            Bound::Unbounded => Vec::new(),
        };
        let upper = match end {
            Bound::Included(k) => Some(successor(k)),
            Bound::Excluded(k) => Some(k),
            Bound::Unbounded => None,
        };
        KeyRange { lower, upper }
    }

    /// The keys `start <= key < end`.
    pub fn between(start: impl Into<Vec<u8>>, end: impl Into<Vec<u8>>) -> Self {
        KeyRange {
            lower: start.into(),
            upper: Some(end.into()),
        }
    }

    /// The keys `start <= key`.
    pub fn from_key(start: impl Into<Vec<u8>>) -> Self {
        KeyRange {
            lower: start.into(),
            upper: None,
        }
    }

    /// The keys starting with `prefix` (every key for an empty prefix).
    pub fn prefix(prefix: impl Into<Vec<u8>>) -> Self {
        let lower = prefix.into();
        let upper = prefix_end(&lower);
        KeyRange { lower, upper }
    }

    /// The included lower bound; the empty key when the range is unbounded below.
    pub fn lower(&self) -> &[u8] {
        &self.lower
    }

    /// The excluded upper bound, if any.
    pub fn upper(&self) -> Option<&[u8]> {
        self.upper.as_deref()
    }

    /// Whether `key` is in the range.
    pub fn contains(&self, key: &[u8]) -> bool {
        key >= self.lower.as_slice() && self.upper.as_deref().is_none_or(|u| key < u)
    }

    /// Whether no key can be in the range.
    pub fn is_empty(&self) -> bool {
        self.upper
            .as_deref()
            .is_some_and(|u| u <= self.lower.as_slice())
    }

    /// What is left of the range after a scan in `direction` returned `key` last.
    pub(crate) fn after(&self, key: &[u8], direction: Direction) -> KeyRange {
        match direction {
            Direction::Forward => KeyRange {
                lower: successor(key.to_vec()),
                upper: self.upper.clone(),
            },
            Direction::Reverse => KeyRange {
                lower: self.lower.clone(),
                upper: Some(key.to_vec()),
            },
        }
    }
}

/// The next key after `k` in byte order: `k` followed by a zero byte.
impl KeyRange {
    /// The part of the range that a scan in `direction` has covered once it returned `key`
    /// last: from where it started through `key`.
    pub(crate) fn through(&self, key: &[u8], direction: Direction) -> KeyRange {
        match direction {
            Direction::Forward => KeyRange {
                lower: self.lower.clone(),
                upper: Some(successor(key.to_vec())),
            },
            Direction::Reverse => KeyRange {
                lower: key.to_vec(),
                upper: self.upper.clone(),
            },
        }
    }
}

fn successor(mut k: Vec<u8>) -> Vec<u8> {
    k.push(0);
    k
}

/// The first key after every key starting with `prefix`, if there is one: the prefix without
/// its trailing `0xFF` bytes, last byte incremented.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let keep = prefix.iter().rposition(|&b| b != 0xFF)?;
    let mut end = prefix[..=keep].to_vec();
    end[keep] += 1;
    Some(end)
}

/// The order a scan returns keys in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Ascending byte order.
    #[default]
    Forward,
    /// Descending byte order.
    Reverse,
}

/// One page of a scan: at most the requested number of entries, in the scan's direction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    /// `(key, value)` pairs.
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// The part of the range not returned yet, when at least one more entry was in it at the
    /// time of the scan: scan it next to continue. `None` when the scan reached the end.
    pub rest: Option<KeyRange>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_become_half_open() {
        let r = KeyRange::new(
            Bound::Excluded(b"a".to_vec()),
            Bound::Included(b"c".to_vec()),
        );
        assert_eq!((r.lower(), r.upper()), (&b"a\0"[..], Some(&b"c\0"[..])));
        assert!(!r.contains(b"a") && r.contains(b"a\0") && r.contains(b"c") && !r.contains(b"c\0"));
        // Nothing lies strictly between "a" and "a\0".
        let r = KeyRange::new(
            Bound::Excluded(b"a".to_vec()),
            Bound::Excluded(b"a\0".to_vec()),
        );
        assert!(r.is_empty());
        assert!(KeyRange::new(Bound::Unbounded, Bound::Excluded(Vec::new())).is_empty());
        assert!(!KeyRange::all().is_empty() && KeyRange::all().contains(b""));
    }

    #[test]
    fn prefixes_end_after_their_last_extension() {
        assert_eq!(KeyRange::prefix(*b"ab").upper(), Some(&b"ac"[..]));
        assert_eq!(KeyRange::prefix(*b"a\xFF\xFF").upper(), Some(&b"b"[..]));
        assert_eq!(KeyRange::prefix(*b"\xFF\xFF").upper(), None);
        assert_eq!(KeyRange::prefix(Vec::new()), KeyRange::all());
        let r = KeyRange::prefix(*b"a\xFF");
        assert!(r.contains(b"a\xFF") && r.contains(b"a\xFF\xFF\x00") && !r.contains(b"b"));
    }

    #[test]
    fn the_rest_of_a_range_excludes_the_last_key_returned() {
        let r = KeyRange::between(*b"a", *b"z");
        let fwd = r.after(b"m", Direction::Forward);
        assert!(!fwd.contains(b"m") && fwd.contains(b"m\0") && !fwd.contains(b"z"));
        let rev = r.after(b"m", Direction::Reverse);
        assert!(rev.contains(b"a") && rev.contains(b"l\xFF") && !rev.contains(b"m"));
    }
}
