//! `ascend-core`: the one implementation of the ASCEND client protocol behind every language binding.
//!
//! See `shared/DESIGN.md` for the architecture; PROTOCOL.md and DECISIONS.md are the contract.

#![deny(unsafe_code)]

#[cfg(feature = "mimalloc")]
mod alloc;
pub mod api;
pub mod breaker;
pub mod call_options;
pub mod cancel;
pub mod canonical;
pub mod client;
pub mod clock;
pub mod config;
pub mod dispatch;
pub mod error;
pub mod failmode;
pub mod govern;
pub mod lane;
pub mod log;
pub mod model;
pub mod poll;
pub mod prescore;
pub mod runtime;
pub mod spool;
#[cfg(test)]
mod test_support;
pub mod transport;
pub mod webhook;

// The UniFFI component of the core: the derives on the API records (`api::records`) and enums.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("ascend_core");

pub use call_options::CallOptions;
pub use cancel::CancelToken;
pub use client::{Client, Escalation};
pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use config::{BindingInfo, ClientParams, Config};
pub use error::{Error, ErrorCode, ErrorKind, Result};

/// The version of this SDK (one version for every crate and package).
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");
