//! Unit tests of the composite pre-score; the `prescore` conformance suite covers the same ground
//! language-neutrally, with expectations computed from docs/SCORING.md.

use super::taxonomy::{Keyword, CATEGORIES, KEYWORDS};
use super::*;
use crate::ErrorCode;
use serde_json::json;

fn input(v: Value) -> ActionInput {
    ActionInput::from_json(&v).unwrap()
}

#[test]
fn every_category_without_context_scores_its_anchor() {
    let p = Prescorer::builtin();
    for c in CATEGORIES {
        let s = p.score(&ActionInput::new(c.name, "r"), &Thresholds::default());
        assert_eq!(s.risk_score, c.risk, "{}", c.name);
        assert_eq!(s.action_category, c.name);
        assert_eq!(s.classified_by, ClassifiedBy::Type);
        assert_eq!(s.risk_level, risk_level_of(c.risk));
        assert_eq!(s.cvss_vector, c.cvss_vector);
        assert_eq!(s.cvss_score, cvss::score(c.cvss_vector).unwrap().base_score);
        assert_eq!(s.factors.len(), 4, "{:?}", s.factors);
        for a in c.aliases {
            let s = p.score(&ActionInput::new(*a, "r"), &Thresholds::default());
            assert_eq!(s.action_category, c.name, "alias {a}");
            let expected = if *a == c.name { ClassifiedBy::Type } else { ClassifiedBy::Alias };
            assert_eq!(s.classified_by, expected, "alias {a}");
        }
    }
}

#[test]
fn guide_anchors_and_levels() {
    for (t, score, level, decision) in [
        ("query", 35.0, RiskLevel::Low, LocalDecision::Allowed),
        ("data_access", 60.0, RiskLevel::Medium, LocalDecision::Allowed),
        ("data_modification", 85.0, RiskLevel::High, LocalDecision::Pending),
        ("transaction", 85.0, RiskLevel::High, LocalDecision::Pending),
        ("system_operation", 95.0, RiskLevel::Critical, LocalDecision::Pending),
    ] {
        let s = prescore(&ActionInput::new(t, "r"));
        assert_eq!((s.risk_score, s.risk_level, s.decision), (score, level, decision), "{t}");
    }
    assert_eq!(risk_level_of(49.9), RiskLevel::Low);
    assert_eq!(risk_level_of(50.0), RiskLevel::Medium);
    assert_eq!(risk_level_of(70.0), RiskLevel::High);
    assert_eq!(risk_level_of(90.0), RiskLevel::Critical);
}

#[test]
fn every_builtin_keyword_classifies_an_unknown_type() {
    let p = Prescorer::builtin();
    for (k, cat) in KEYWORDS {
        let kw = Keyword::parse(k).unwrap();
        let word = if kw.prefix { format!("{}zz", kw.stem) } else { kw.stem.clone() };
        let s = p.score(&ActionInput::new(format!("qq_{word}"), "r"), &Thresholds::default());
        assert_eq!(s.classified_by, ClassifiedBy::Keyword, "{k}");
        assert_eq!(s.action_category, *cat, "{k}");
        assert_eq!(s.matched_keyword.as_deref(), Some(*k));
    }
}

/// Inputs that each switch on one modifier, with the direction the score must move for a given category.
fn modifiers() -> Vec<(&'static str, Value, &'static str, std::cmp::Ordering)> {
    use std::cmp::Ordering::*;
    vec![
        ("production", json!({"environment": "production"}), "data_modification", Greater),
        ("staging", json!({"environment": "staging"}), "data_modification", Equal),
        ("development", json!({"environment": "development"}), "data_modification", Less),
        ("public", json!({"data_sensitivity": "public"}), "data_access", Less),
        ("internal", json!({"data_sensitivity": "internal"}), "data_access", Equal),
        ("confidential", json!({"data_sensitivity": "confidential"}), "data_access", Greater),
        ("restricted", json!({"data_sensitivity": "restricted"}), "query", Greater),
        ("pii", json!({"risk_indicators": {"pii_involved": true}}), "query", Greater),
        ("financial", json!({"risk_indicators": {"financial_data": true}}), "communication", Greater),
        ("amount", json!({"risk_indicators": {"amount": 50000}}), "transaction", Greater),
        ("external", json!({"risk_indicators": {"external_transfer": true}}), "query", Greater),
        ("verified", json!({"risk_indicators": {"verified": true}}), "data_access", Less),
        ("customer_requested", json!({"risk_indicators": {"customer_requested": true}}), "data_access", Less),
        ("mcp", json!({"mcp_server_name": "srv"}), "api_call", Greater),
        ("model", json!({"model_id": "m"}), "model_inference", Greater),
        ("compliance", json!({"risk_indicators": {"compliance_flags": ["HIPAA"]}}), "data_access", Greater),
    ]
}

#[test]
fn each_modifier_moves_the_score_in_its_direction() {
    for (name, extra, cat, dir) in modifiers() {
        let mut v = json!({"action_type": cat, "resource": "r"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        let base = prescore(&ActionInput::new(cat, "r"));
        let s = prescore(&input(v));
        assert_eq!(
            s.risk_score.partial_cmp(&base.risk_score),
            Some(dir),
            "{name}: {} vs {}",
            s.risk_score,
            base.risk_score
        );
        assert_eq!(s.factors.len(), 5, "{name}: one factor per modifier: {:?}", s.factors);
    }
}

/// xorshift64*: deterministic pseudo-random inputs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
}

#[test]
fn random_inputs_stay_in_range_and_are_deterministic() {
    let mut rng = Rng(42);
    let types = ["query", "database_write", "frobnicate", "deleteAll", "tool_call", "system.subprocess", "x.export"];
    let envs = [json!(null), json!("production"), json!("dev"), json!("moon")];
    let sens = [json!(null), json!("public"), json!("restricted"), json!("high_sensitivity")];
    let bools = [json!(true), json!(false), json!("yes"), json!(0)];
    for _ in 0..2000 {
        let v = json!({
            "action_type": rng.pick(&types),
            "resource": "payments",
            "description": "maybe delete or export",
            "environment": rng.pick(&envs),
            "data_sensitivity": rng.pick(&sens),
            "risk_indicators": {
                "pii_involved": rng.pick(&bools), "verified": rng.pick(&bools), "customer_requested": rng.pick(&bools),
                "external_transfer": rng.pick(&bools), "financial_data": rng.pick(&bools),
                "amount": (rng.next() % 300_000) as f64, "compliance_flags": ["GDPR"],
            },
            "mcp_server_name": if rng.next() % 2 == 0 { json!("srv") } else { json!(null) },
            "model_id": if rng.next() % 2 == 0 { json!("m") } else { json!(null) },
        });
        let a = input(v);
        let s = prescore(&a);
        assert!((0.0..=100.0).contains(&s.risk_score), "{s:?}");
        assert_eq!(s.risk_level, risk_level_of(s.risk_score));
        assert_eq!(s.decision, Thresholds::default().decide(s.risk_score));
        assert_eq!(cvss::score(&s.cvss_vector).unwrap().score, s.cvss_score);
        assert!(s.factors.len() >= 4);
        assert_eq!(prescore(&a), s);
    }
}

#[test]
fn thresholds() {
    let t = Thresholds::default();
    assert_eq!((t.auto_approve_below, t.deny_at), (70.0, None));
    assert_eq!(t.decide(69.9), LocalDecision::Allowed);
    assert_eq!(t.decide(70.0), LocalDecision::Pending);
    let t = Thresholds::from_json(&json!({"auto_approve_below": 50, "deny_at": 80})).unwrap();
    assert_eq!(t.decide(80.0), LocalDecision::Denied);
    assert_eq!(t.decide(79.0), LocalDecision::Pending);
    assert_eq!(Thresholds::from_json(&json!({})).unwrap(), Thresholds::default());
    assert_eq!(Thresholds::from_json(&json!({"deny_at": "x"})).unwrap_err().code, ErrorCode::ValidationError);
    assert!(Thresholds::from_json(&json!(3)).is_err());
    assert_eq!(LocalDecision::Denied.to_decision(), crate::model::Decision::Denied);
}

#[test]
fn input_from_json_fallbacks() {
    let a = input(json!({
        "action_type": "q", "resource": "r",
        "parameters": {"description": "from parameters", "tool_name": "t"},
        "context": {"environment": "prod", "data_sensitivity": "public"},
        "mcp_server_name": "  srv  ", "model_id": "", "unknown_key": 1
    }));
    assert_eq!(a.description.as_deref(), Some("from parameters"));
    assert_eq!(a.tool_name.as_deref(), Some("t"));
    assert_eq!(a.environment.as_deref(), Some("prod"));
    assert_eq!(a.data_sensitivity.as_deref(), Some("public"));
    assert_eq!(a.mcp_server_name.as_deref(), Some("srv"));
    assert_eq!(a.model_id, None);
    let a = input(json!({"action_type": "q", "description": "top", "action_details": {"description": "nested"}}));
    assert_eq!(a.description.as_deref(), Some("top"));
    assert_eq!(a.resource, "");
    let e = ActionInput::from_json(&json!({"action_type": "q", "tool_name": 5})).unwrap_err();
    assert_eq!(e.field_errors().unwrap()["tool_name"], "Must be a string");
    let e = ActionInput::from_json(&json!("query")).unwrap_err();
    assert!(e.field_errors().unwrap().contains_key("input"));
}

#[test]
fn json_projection_has_every_field() {
    let s = prescore(&ActionInput::new("query", "r"));
    let j = s.to_json();
    for key in [
        "risk_score",
        "risk_level",
        "cvss_score",
        "cvss_vector",
        "cvss_severity",
        "cvss_base_score",
        "mitre_tactic",
        "mitre_tactic_id",
        "mitre_tactic_name",
        "mitre_technique",
        "mitre_technique_id",
        "mitre_technique_name",
        "nist_control",
        "nist_description",
        "nist_controls",
        "nist_likelihood",
        "nist_impact",
        "nist_risk",
        "factors",
        "decision",
        "action_category",
        "classified_by",
        "matched_keyword",
    ] {
        assert!(j.get(key).is_some(), "{key}");
    }
    assert_eq!(j.as_object().unwrap().len(), 23);
    assert_eq!(j["decision"], "allowed");
    assert_eq!(j["risk_level"], "low");
}

#[test]
fn batch_keeps_order() {
    let inputs = [ActionInput::new("system_operation", "x"), ActionInput::new("query", "y")];
    let out = prescore_batch(&inputs);
    assert_eq!(out.iter().map(|s| s.risk_score).collect::<Vec<_>>(), [95.0, 35.0]);
}

#[test]
fn prescorer_is_shareable() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Prescorer>();
    assert!(std::ptr::eq(Prescorer::builtin(), Prescorer::builtin()));
}

#[test]
fn rules_files_by_extension_and_sniffing() {
    let dir = tempfile::tempdir().unwrap();
    let toml_path = dir.path().join("r.toml");
    std::fs::write(&toml_path, "[action_types.query]\nrisk = 45\n").unwrap();
    let p = Prescorer::from_rules_file(&toml_path).unwrap();
    assert_eq!(p.score(&ActionInput::new("query", "r"), &Thresholds::default()).risk_score, 45.0);
    // the built-in taxonomy is untouched
    assert_eq!(prescore(&ActionInput::new("query", "r")).risk_score, 35.0);

    let noext = dir.path().join("rules");
    std::fs::write(&noext, "  {\"action_types\": {\"query\": {\"risk\": 40}}}").unwrap();
    let p = Prescorer::from_rules_file(&noext).unwrap();
    assert_eq!(p.rule("database.query").unwrap().risk, 40.0);

    let e = Prescorer::from_rules_file(&dir.path().join("missing.json")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConfigurationError);
    assert_eq!(e.details["field"], "prescore_rules_path");

    let e = Prescorer::from_rules_str("[action_types.x]\nextends = 3\n", RulesFormat::Toml).unwrap_err();
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert_eq!(e.details["line"], 2);
    assert!(e.message.contains("line 2"), "{}", e.message);
}

#[test]
fn rules_new_type_aliases_and_keywords() {
    let p = Prescorer::from_rules_str(
        r#"{
          "action_types": {
            "ledger.post": {"risk": 85, "cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:N",
                            "mitre_tactic": "TA0040", "mitre_technique": "T1565.001",
                            "mitre_technique_name": "Stored Data Manipulation",
                            "nist_controls": ["AU-10", "AC-6(9)"], "aliases": ["gl_post", "Query"]}
          },
          "keywords": {"ledger*": "ledger_post"}
        }"#,
        RulesFormat::Json,
    )
    .unwrap();
    let t = Thresholds::default();
    let s = p.score(&ActionInput::new("GL.Post", "gl"), &t);
    assert_eq!((s.action_category.as_str(), s.classified_by), ("ledger_post", ClassifiedBy::Alias));
    assert_eq!(s.mitre_technique, "T1565.001 Stored Data Manipulation");
    assert_eq!(s.nist_controls, ["AU-10", "AC-6(9)"]);
    let s = p.score(&ActionInput::new("ledgering", "gl"), &t);
    assert_eq!(s.action_category, "ledger_post");
    // a category name wins over a new alias of the same text
    assert_eq!(p.score(&ActionInput::new("query", "gl"), &t).action_category, "query");
    assert_eq!(p.rules().len(), CATEGORIES.len() + 1);
}

#[test]
fn rules_reject_normalisation_duplicates_and_bad_weights() {
    let e = Prescorer::from_rules_str(
        r#"{"action_types": {"a.b": {"extends": "query"}, "a_b": {"extends": "query"}}}"#,
        RulesFormat::Json,
    )
    .unwrap_err();
    assert!(e.field_errors().unwrap().keys().any(|k| k.starts_with("action_types.a")), "{e}");
    let e = Prescorer::from_rules_str("cvss_weight = -1\n", RulesFormat::Toml).unwrap_err();
    assert_eq!(e.details["field"], "cvss_weight");
    let e = Prescorer::from_rules_str("nist_level_points = 80\n", RulesFormat::Toml).unwrap_err();
    assert_eq!(e.details["field"], "nist_level_points");
    let e = Prescorer::from_rules_str(r#"{"default_action_type": "nope"}"#, RulesFormat::Json).unwrap_err();
    assert_eq!(e.details["field"], "default_action_type");
    assert!(Prescorer::from_rules_str("", RulesFormat::Toml).is_ok());
    assert!(Prescorer::from_rules_str("{}", RulesFormat::Json).is_ok());
}

#[test]
fn assess_gives_the_numbers_of_score() {
    let p = Prescorer::builtin();
    let t = Thresholds { auto_approve_below: 70.0, deny_at: Some(96.0) };
    for (name, extra, cat, _) in modifiers() {
        let mut v = json!({"action_type": cat, "resource": "r", "model_id": "m"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        let i = input(v);
        let (a, s): (Assessment<'_>, PreScore) = (p.assess(&i, &t), p.score(&i, &t));
        assert_eq!(a.risk_score, s.risk_score, "{name}");
        assert_eq!((a.risk_level, a.decision), (s.risk_level, s.decision), "{name}");
        assert_eq!(a.cvss.score, s.cvss_score, "{name}");
        assert_eq!(a.cvss.vector.to_string(), s.cvss_vector, "{name}");
        assert_eq!((a.likelihood.as_str(), a.impact.as_str()), (s.nist_likelihood.as_str(), s.nist_impact.as_str()));
        assert_eq!(a.nist_risk.as_str(), s.nist_risk());
        assert_eq!(a.classification.rule.name, s.action_category);
        // model_id is a likelihood shift in every input; compliance_flags adds an impact shift
        let expected_shifts = if name == "compliance" { 2 } else { 1 };
        assert_eq!(a.nist_shifts, expected_shifts, "{name}");
    }
}
