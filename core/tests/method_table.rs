//! The method table is the single source of the client surface: its committed descriptor is up to date, its
//! defaults are well-typed, and `invoke` dispatches every method it lists (and nothing else).

mod support;

use ascend_core::api::{self, ParamType, METHODS};
use ascend_core::ErrorCode;
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn descriptor_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/methods.json")
}

/// `ASCEND_UPDATE_DESCRIPTOR=1 cargo test -p ascend-core --test method_table` rewrites the committed file.
#[test]
fn committed_descriptor_is_current() {
    let want = api::descriptor_text();
    let path = descriptor_path();
    if std::env::var_os("ASCEND_UPDATE_DESCRIPTOR").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "tests/conformance/methods.json is stale; run ASCEND_UPDATE_DESCRIPTOR=1 cargo test -p ascend-core --test method_table"
    );
}

#[test]
fn names_are_unique_and_defaults_have_their_type() {
    let mut seen = std::collections::HashSet::new();
    for m in METHODS {
        assert!(seen.insert(m.name), "{} listed twice", m.name);
        if let Some(t) = m.target {
            assert!(m.param(t).is_some(), "{}: target {t} is not a parameter", m.name);
        }
        if let Some(of) = m.alias_of {
            assert!(api::method(of).is_some(), "{}: alias of unknown {of}", m.name);
        }
        for p in m.params {
            assert!(!(p.required && p.default.is_some()), "{}.{} is required and has a default", m.name, p.name);
            if let Some(d) = p.default {
                let v: Value = serde_json::from_str(d).unwrap_or_else(|e| panic!("{}.{}: {e}", m.name, p.name));
                let ok = match p.ty {
                    ParamType::Bool => v.is_boolean(),
                    ParamType::Int => v.is_i64(),
                    ParamType::Float => v.is_number(),
                    ParamType::String => v.is_string(),
                    _ => true,
                };
                assert!(ok, "{}.{}: default {d} is not a {:?}", m.name, p.name, p.ty);
            }
        }
    }
}

fn sample(ty: ParamType) -> Value {
    match ty {
        ParamType::String | ParamType::Any => json!("x"),
        ParamType::Id => json!("1"),
        ParamType::Float => json!(1.0),
        ParamType::Int => json!(1),
        ParamType::Bool => json!(true),
        ParamType::Object => json!({}),
        ParamType::List | ParamType::StringList => json!(["action.denied"]),
    }
}

/// Every method of the table reaches its core method: called against a closed loopback port, it fails with
/// a transport or validation error of its own, never "unknown method" or an internal error.
#[test]
fn invoke_dispatches_every_method_of_the_table() {
    let client = support::client("http://127.0.0.1:9", "k", "agent-1");
    ascend_core::lane::block_on(async {
        for m in METHODS {
            if m.name == "close" {
                continue;
            }
            let mut args = Map::new();
            for p in m.params.iter().filter(|p| p.required) {
                args.insert(p.name.into(), sample(p.ty));
            }
            if m.name == "evaluate_actions" {
                args.insert("actions".into(), json!([]));
            }
            if let Err(e) = client.invoke(m.name, Value::Object(args)).await {
                assert_ne!(e.code, ErrorCode::Internal, "{}: {e}", m.name);
                let unknown = e.field_errors().is_some_and(|f| f.contains_key("method"));
                assert!(!unknown, "{} is in the table but invoke does not know it", m.name);
            }
        }
    });
}

#[test]
fn invoke_checks_arguments_against_the_table_before_any_io() {
    let client = support::client("http://127.0.0.1:9", "k", "agent-1");
    let call = |method: &str, args: Value| ascend_core::lane::block_on(client.invoke(method, args)).unwrap_err();
    let e = call("evaluate_action", json!({"action_type": "q", "resource": "db", "resourse_id": "7"}));
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.field_errors().unwrap().contains_key("resourse_id"), "{e}");
    let e = call("wait_for_decision", json!({"action_id": "7", "timeout": "soon"}));
    assert_eq!(e.field_errors().unwrap()["timeout"], "Must be a number");
    let e = call("get_action_status", json!({}));
    assert!(e.field_errors().unwrap().contains_key("action_id"));
    let e = call("no_such_method", json!({}));
    assert!(e.field_errors().unwrap().contains_key("method"));
}
