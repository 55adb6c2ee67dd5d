//! Runner for the `prescore` suite (pure cases: `input` -> `expected` / `expected_error`).
//!
//! `input` is an action (the JSON accepted by `ActionInput::from_json`) plus optional keys the runner consumes:
//! * `thresholds`: `{"auto_approve_below": 70, "deny_at": 90}` (default thresholds otherwise);
//! * `rules` (a JSON document), `rules_json` (raw JSON text) or `rules_toml` (raw TOML text): written to a
//!   temporary `.json` / `.toml` file and loaded with `Prescorer::from_rules_file`, as `prescore_rules_path` would;
//! * `batch`: a list of actions scored with `score_batch` -> `{"results": [...]}` (the other action keys unused).
//!
//! The result is `PreScore::to_json()`.

use ascend_core::prescore::{ActionInput, Prescorer, Thresholds};
use ascend_core::Error;
use serde_json::{json, Map, Value};

const RUNNER_KEYS: [&str; 5] = ["thresholds", "rules", "rules_json", "rules_toml", "batch"];

fn scorer(input: &Map<String, Value>, dir: &std::path::Path) -> Result<Result<Prescorer, Error>, String> {
    let (name, text) = if let Some(doc) = input.get("rules") {
        ("rules.json", serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?)
    } else if let Some(Value::String(t)) = input.get("rules_json") {
        ("rules.json", t.clone())
    } else if let Some(Value::String(t)) = input.get("rules_toml") {
        ("rules.toml", t.clone())
    } else {
        return Ok(Ok(Prescorer::builtin().clone()));
    };
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Prescorer::from_rules_file(&path))
}

fn outcome(input: &Map<String, Value>) -> Result<Result<Value, Error>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let scorer = match scorer(input, dir.path())? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let thresholds = match input.get("thresholds") {
        Some(t) => match Thresholds::from_json(t) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e)),
        },
        None => Thresholds::default(),
    };
    if let Some(batch) = input.get("batch") {
        let items = batch.as_array().ok_or("input.batch must be an array")?;
        let mut actions = Vec::with_capacity(items.len());
        for item in items {
            match ActionInput::from_json(item) {
                Ok(a) => actions.push(a),
                Err(e) => return Ok(Err(e)),
            }
        }
        let results: Vec<Value> = scorer.score_batch(&actions, &thresholds).iter().map(|s| s.to_json()).collect();
        return Ok(Ok(json!({ "results": results })));
    }
    let mut action = input.clone();
    for k in RUNNER_KEYS {
        action.remove(k);
    }
    Ok(ActionInput::from_json(&Value::Object(action)).map(|a| scorer.score(&a, &thresholds).to_json()))
}

/// Runs one case of the suite.
pub fn run(case: &Value) -> Result<(), String> {
    let input = case["input"].as_object().ok_or("input must be an object")?;
    super::common::check_pure(case, outcome(input)?)
}
