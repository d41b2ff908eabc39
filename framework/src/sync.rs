//! Small helpers for the standard library's locks.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex whose data is only changed after the fallible steps (so a poisoned one is
/// still consistent).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
