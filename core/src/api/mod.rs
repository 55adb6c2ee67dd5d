//! The typed core API that every binding is derived from or checked against: the method table
//! ([`METHODS`]) and its machine-readable descriptor ([`descriptor`]).
//!
//! `Client::invoke` takes its parameter names, types and defaults from the table, so adding an endpoint means
//! a row here, the core method, and one conformance case (docs/BINDING_CONTRACT.md).

pub mod args;
pub mod records;
pub mod table;

pub use table::{method, Kind, MethodSpec, ParamSpec, ParamType, Returns, METHODS};

/// Version of the descriptor format (bumped when its shape changes).
pub const DESCRIPTOR_VERSION: u32 = 1;

/// The method table as JSON: `{"descriptor_version", "sdk_version", "methods": [{"name", "params": [{"name",
/// "type", "required", "default", "opaque"}], "returns", "kind", "target", "alias_of", "null_is_absent",
/// "cancellable"}]}`. Committed as `tests/conformance/methods.json`; bindings check their surfaces against it.
pub fn descriptor() -> serde_json::Value {
    let methods: Vec<serde_json::Value> = METHODS
        .iter()
        .map(|m| {
            let mut v = serde_json::to_value(m).expect("method specs serialise");
            v["cancellable"] = serde_json::Value::Bool(m.cancellable());
            v
        })
        .collect();
    serde_json::json!({
        "descriptor_version": DESCRIPTOR_VERSION,
        "sdk_version": crate::SDK_VERSION,
        "methods": methods,
    })
}

/// The descriptor as pretty JSON text with a trailing newline (the form committed in the repository).
pub fn descriptor_text() -> String {
    let mut s = serde_json::to_string_pretty(&descriptor()).expect("descriptor serialises");
    s.push('\n');
    s
}
