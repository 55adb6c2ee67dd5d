//! `ascend-core`: the one implementation of the ASCEND client protocol behind every language binding.
//!
//! See `shared/DESIGN.md` for the architecture; PROTOCOL.md and DECISIONS.md are the contract.

#![forbid(unsafe_code)]

pub mod clock;
pub mod error;
pub mod model;
pub mod prescore;
pub mod webhook;

pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use error::{Error, ErrorCode, Result};

/// The version of this SDK (one version for every crate and package).
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");
