//! The Rust conformance runner: every case listed in `tests/conformance/index.json`, one test each.
//!
//! `cargo test -p ascend-core --test conformance` prints one line per case and the usual summary. Every case runs:
//! there is no skip list (webhook arguments Rust's types cannot express go through the core's JSON door).

mod common;
mod cvss;
mod govern;
mod prescore;
mod protocol;
mod pure_core;
mod webhooks;

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;

fn load(rel: &str) -> Value {
    let path = common::root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_case(suite: &str, case: &Value) -> Result<(), String> {
    match suite {
        "cvss" => cvss::run(case),
        "prescore" => prescore::run(case),
        "webhooks" => webhooks::run(case),
        "canonical" | "normalise" => pure_core::run(suite, case),
        "classify" => govern::run(case),
        "govern" if case.get("input").is_some() => govern::run(case),
        _ => protocol::run(case),
    }
}

fn main() {
    let args = Arguments::from_args();
    let index = load("index.json");
    let schema = load("schema/case.schema.json");
    let validator = jsonschema::validator_for(&schema).expect("case.schema.json is a valid JSON Schema");
    let mut trials = Vec::new();

    let listed: Vec<String> =
        index["cases"].as_array().expect("index.cases").iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let on_disk = {
        let mut v: Vec<String> = walk(&common::root().join("cases"))
            .into_iter()
            .map(|p| p.strip_prefix(common::root()).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        v.sort();
        v
    };
    let listed_clone = listed.clone();
    trials.push(Trial::test("index::lists_every_case_file", move || {
        if listed_clone == on_disk {
            Ok(())
        } else {
            Err(Failed::from("index.json differs from the case files on disk: run tests/conformance/build_index.py"))
        }
    }));

    let mut ids = std::collections::HashSet::new();
    for rel in listed {
        let case = load(&rel);
        let suite = rel.split('/').nth(1).unwrap_or("").to_string();
        let id = case["id"].as_str().unwrap_or("<no id>").to_string();
        let errors: Vec<String> =
            validator.iter_errors(&case).map(|e| format!("{} at {}", e, e.instance_path)).collect();
        let duplicate = !ids.insert(id.clone());
        let name = format!("{suite}::{id}");
        trials.push(Trial::test(name, move || {
            if !errors.is_empty() {
                return Err(Failed::from(format!("{rel}: schema violations: {}", errors.join("; "))));
            }
            if duplicate {
                return Err(Failed::from(format!("{rel}: duplicate case id {id}")));
            }
            run_case(&suite, &case).map_err(|e| Failed::from(format!("{rel}: {e}")))
        }));
    }
    trials.push(Trial::test("schema::rejects_malformed_cases", move || {
        let bad = [
            serde_json::json!({"id": "x", "description": "d", "tags": [], "steps": [{"call": "a"}], "bogus": 1}),
            serde_json::json!({"id": "x", "description": "d", "tags": []}),
            serde_json::json!({"id": "x", "description": "d", "tags": [], "input": 1}),
            serde_json::json!({"id": "x", "description": "d", "tags": [], "steps": [{"call": "a", "expect": {"result": 1, "error": {"code": "X"}}}]}),
        ];
        for b in bad {
            if validator_for_check(&b) {
                return Err(Failed::from(format!("schema accepted a malformed case: {b}")));
            }
        }
        Ok(())
    }));
    libtest_mimic::run(&args, trials).exit();
}

fn validator_for_check(case: &Value) -> bool {
    let schema = load("schema/case.schema.json");
    jsonschema::validator_for(&schema).unwrap().is_valid(case)
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out
}
