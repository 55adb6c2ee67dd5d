//! `ascend_node`: the napi-rs addon behind the npm package `ascend-sdk`.
//!
//! Thin and generic: one [`client::NativeClient`] built from snake_case JSON parameters with one async
//! `invoke(method, argsJson)` that runs `ascend_core::Client::invoke` on the core's async lane, the pure
//! functions (pre-scoring, CVSS, webhooks, canonical JSON, host governance) and a log bridge. Every error crosses as
//! the core's error projection (JSON text in the rejection's message); the TypeScript facade
//! (`bindings-node/src/*.ts`) maps it to the exported error classes. The dev server is a separate addon (`bindings-node/testing`).

#![deny(unsafe_code)]

pub mod cancel;
pub mod client;
pub mod errors;
pub mod logging;
pub mod params;
pub mod projection;
pub mod pure;
pub mod secret;

use napi_derive::napi;

/// The SDK version (one version for every crate and package).
#[napi]
pub fn sdk_version() -> &'static str {
    ascend_core::SDK_VERSION
}

/// The host's Node version (set once by the facade at load), for the User-Agent.
pub(crate) static NODE_VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records the Node version (`process.versions.node`); the first call wins.
#[napi]
pub fn set_node_version(version: String) {
    let _ = NODE_VERSION.set(version);
}

/// The core's method descriptor (`ascend_core::api::descriptor()`) as JSON text: the build generates the facade's
/// method table from its committed copy (`tests/conformance/methods.json`); a test checks the two agree.
#[napi]
pub fn method_descriptor() -> String {
    ascend_core::api::descriptor().to_string()
}
