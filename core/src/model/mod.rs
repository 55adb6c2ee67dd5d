//! Data models of PROTOCOL §6: enums, `AuthorizationDecision`, requests and the other result types.

pub mod enums;

pub use enums::*;
