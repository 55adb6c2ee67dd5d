//! The pre-scorer behind JSON arguments, as every binding exposes it (`prescore`, `prescore_batch`): an action
//! object (or a list of them), optional thresholds `{"auto_approve_below", "deny_at"}` and an optional rules file.
//! Checked in one order everywhere: rules file, thresholds, then the action(s); errors name the field (`actions`
//! errors also carry the item's `index`).

use super::{ActionInput, Prescorer, Thresholds};
use crate::error::{Error, Result};
use serde_json::Value;
use std::path::Path;

/// The built-in pre-scorer, or the built-in one extended by a rules file (`Prescorer::from_rules_file`:
/// unreadable → `CONFIGURATION_ERROR`, bad document → `VALIDATION_ERROR` with `details.line`/`field`). Not cached:
/// every call reads and validates the file, so an edited file is always seen.
pub fn scorer(rules_path: Option<&str>) -> Result<Prescorer> {
    match rules_path {
        None => Ok(Prescorer::builtin().clone()),
        Some(p) => Prescorer::from_rules_file(Path::new(p)),
    }
}

/// `None` → the defaults; else `Thresholds::from_json` (errors name the field).
pub fn thresholds(json: Option<&Value>) -> Result<Thresholds> {
    json.map_or(Ok(Thresholds::default()), Thresholds::from_json)
}

/// One action object → its pre-score projection.
pub fn prescore(action: &Value, thresholds: Option<&Value>, rules_path: Option<&str>) -> Result<Value> {
    let scorer = scorer(rules_path)?;
    let thresholds = self::thresholds(thresholds)?;
    Ok(scorer.score(&ActionInput::from_json(action)?, &thresholds).to_json())
}

/// A list of action objects → their projections in input order, one scorer for all.
pub fn prescore_batch(actions: &Value, thresholds: Option<&Value>, rules_path: Option<&str>) -> Result<Value> {
    let scorer = scorer(rules_path)?;
    let thresholds = self::thresholds(thresholds)?;
    let Value::Array(items) = actions else {
        return Err(Error::validation("actions", "Must be a list", "actions must be a list of action objects"));
    };
    let actions = items
        .iter()
        .enumerate()
        .map(|(i, item)| ActionInput::from_json(item).map_err(|e| e.with_detail("index", i.into())))
        .collect::<Result<Vec<_>>>()?;
    Ok(Value::Array(scorer.score_batch(&actions, &thresholds).iter().map(|s| s.to_json()).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batch_errors_carry_the_index_and_non_lists_are_refused() {
        let e = prescore_batch(&json!([{"action_type": "read", "resource": "r"}, 5]), None, None).unwrap_err();
        assert_eq!(e.details.get("index"), Some(&json!(1)));
        assert_eq!(prescore_batch(&json!({}), None, None).unwrap_err().to_json()["field"], "actions");
    }

    #[test]
    fn one_and_batch_agree() {
        let a = json!({"action_type": "database_write", "resource": "customer_financial_records"});
        let one = prescore(&a, Some(&json!({"auto_approve_below": 40})), None).unwrap();
        let many = prescore_batch(&json!([a]), Some(&json!({"auto_approve_below": 40})), None).unwrap();
        assert_eq!(many[0], one);
    }
}
