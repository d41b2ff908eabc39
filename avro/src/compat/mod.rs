//! Compatibility between schemas: [`can_read`] and the registry's [`Compatibility`] levels.

mod can_read;
mod incompatibility;
mod level;

pub use can_read::can_read;
pub use incompatibility::Incompatibility;
pub use level::{Compatibility, ParseCompatibilityError};
