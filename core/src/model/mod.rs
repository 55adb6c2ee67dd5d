//! Data models of PROTOCOL §6: enums, `AuthorizationDecision`, requests and the other result types.

pub mod decision;
pub mod enums;
pub mod records;
pub mod request;

pub use decision::{normalise_status, read_verdict, AuthorizationDecision, ProjectionSink, VerdictReading};
pub use enums::*;
pub use records::*;
pub use request::*;
