//! [`PublishOutcome`]: what a handler's answer to a published message means for the publisher.

/// The answer of a handler to a message published by a live client: `()` and `Ok(_)` accept
/// it (the value is dropped: a publish has no reply but its acknowledgement); `Err(e)` rejects
/// it with `e`'s message, which the client receives.
pub trait PublishOutcome {
    /// `Ok` to accept; `Err(message)` to reject.
    fn outcome(self) -> Result<(), String>;
}

impl PublishOutcome for () {
    fn outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<T, E: std::fmt::Display> PublishOutcome for Result<T, E> {
    fn outcome(self) -> Result<(), String> {
        self.map(drop).map_err(|e| e.to_string())
    }
}
