//! `ascend-uniffi`: the UniFFI front door of `ascend-core` for Kotlin/JVM and Swift.
//!
//! Thin and mechanical: arguments are converted to the core's types, the core does the work on its own runtime,
//! results and errors are converted back. The records, enums and the error enum are the core's own
//! (`ascend_core::api::records` and the decision `ascend_core::model::AuthorizationDecision`, derived behind the
//! core's `uniffi` feature); this crate adds the [`AscendClient`](client::AscendClient) object, the pure functions,
//! the decision's derived fields and the test hooks.

// Exported functions return the core's `AscendError` by value: UniFFI lowers it across the FFI as is, so boxing it
// (what this lint suggests) is not possible for the exported signatures.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("ascend");

pub mod client;
pub mod decision;
pub mod govern;
pub mod pure;
mod spawn;
pub mod testing;

pub use ascend_core::api::records::{ActionRequest, AscendError, ClientConfig, Webhook, WebhookConfig};
pub use ascend_core::model::AuthorizationDecision;
