//! Context modifiers: how `environment`, `data_sensitivity`, `risk_indicators`, `mcp_server_name` and `model_id`
//! change an action's CVSS environmental metrics and its NIST SP 800-30 likelihood / impact.
//!
//! | Input | Effect |
//! |---|---|
//! | environment production (`prod`, `live`) | IR:H, AR:H — production integrity and availability matter |
//! | environment staging (`stage`, `test`, `qa`, `uat`, `preprod`) | none |
//! | environment development (`dev`, `local`, `sandbox`) | CR:L, IR:L, AR:L — non-production data |
//! | data_sensitivity public (`low`, `none`) | CR:L |
//! | data_sensitivity internal (`medium`, `moderate`, `normal`) | CR:M (cancels a development CR:L) |
//! | data_sensitivity confidential (`high`, `high_sensitivity`, `sensitive`, `pii`) | CR:H |
//! | data_sensitivity restricted (`critical`, `secret`, `top_secret`, `highly_confidential`) | CR:H, MC:H |
//! | risk_indicators.pii_involved | CR:H; adds control PT-2 |
//! | risk_indicators.financial_data | IR:H |
//! | amount ≥ 10 000 (`amount`, `transaction_amount`, `amount_usd`, `amount_threshold`) | IR:H |
//! | amount ≥ 100 000 | also NIST impact +1 |
//! | risk_indicators.external_transfer | MC:H; adds control AC-4 |
//! | risk_indicators.verified | MPR one step up (N→L, L→H) |
//! | risk_indicators.customer_requested | MUI:R |
//! | mcp_server_name | MS:C — the action crosses into another security authority; adds control SA-9 |
//! | model_id | NIST likelihood +1 — model-driven actions are exposed to prompt injection; adds control CM-8 |
//! | risk_indicators.compliance_flags (non-empty) | NIST impact +1 |
//!
//! Order: environment, then data_sensitivity (it overrides the environment's CR), then the indicators (which
//! only raise). A modified metric equal to the category's own base value is not written. Boolean indicators
//! accept `true`, a non-zero number, or `"true"`/`"yes"`/`"1"`. Unrecognised environment or sensitivity
//! values change nothing and say so in the factors.

use super::cvss::{CvssVector, Metric};
use super::taxonomy::normalize;
use super::ActionInput;
use serde_json::{Map, Value};

/// Environment names that mean production.
pub const PRODUCTION: &[&str] = &["production", "prod", "live"];
/// Environment names that mean staging / test (no adjustment).
pub const STAGING: &[&str] = &["staging", "stage", "test", "testing", "qa", "uat", "preprod", "pre_production"];
/// Environment names that mean development.
pub const DEVELOPMENT: &[&str] = &["development", "dev", "local", "sandbox"];

/// Sensitivity names that mean public data.
pub const SENSITIVITY_PUBLIC: &[&str] = &["public", "low", "none", "low_sensitivity", "open"];
/// Sensitivity names that mean internal data.
pub const SENSITIVITY_INTERNAL: &[&str] =
    &["internal", "medium", "moderate", "normal", "standard", "medium_sensitivity", "moderate_sensitivity"];
/// Sensitivity names that mean confidential data.
pub const SENSITIVITY_CONFIDENTIAL: &[&str] =
    &["confidential", "high", "high_sensitivity", "sensitive", "private", "pii", "phi", "pci"];
/// Sensitivity names that mean restricted data.
pub const SENSITIVITY_RESTRICTED: &[&str] = &[
    "restricted",
    "critical",
    "secret",
    "top_secret",
    "highly_confidential",
    "highly_sensitive",
    "very_high",
    "critical_sensitivity",
];

/// Risk-indicator keys read as the monetary amount at stake (the largest present wins).
pub const AMOUNT_KEYS: &[&str] = &["amount", "transaction_amount", "amount_usd", "amount_threshold"];
/// From this amount on: IR:H.
pub const LARGE_AMOUNT: f64 = 10_000.0;
/// From this amount on: also NIST impact +1.
pub const VERY_LARGE_AMOUNT: f64 = 100_000.0;

/// What the context does to one action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    /// CR / IR / AR letters (`L`, `M`, `H`), `None` = untouched.
    pub requirements: [Option<u8>; 3],
    /// MC:H.
    pub confidentiality_high: bool,
    /// MPR one step above the base value.
    pub privileges_raised: bool,
    /// MUI:R.
    pub interaction_required: bool,
    /// MS:C.
    pub scope_changed: bool,
    /// NIST likelihood shift in levels.
    pub likelihood_shift: i32,
    /// NIST impact shift in levels.
    pub impact_shift: i32,
    /// Controls the context adds (appended after the category's own).
    pub extra_controls: Vec<&'static str>,
}

const REQ: [Metric; 3] =
    [Metric::ConfidentialityRequirement, Metric::IntegrityRequirement, Metric::AvailabilityRequirement];

impl Effects {
    /// Writes the effects into `v` (a copy of the category's vector).
    pub fn apply(&self, v: &mut CvssVector) {
        for (m, r) in REQ.iter().zip(self.requirements) {
            match r {
                Some(b'M') => v.clear(*m),
                Some(x) => v.set_unchecked(*m, x),
                None => {}
            }
        }
        fn modify(v: &mut CvssVector, m: Metric, value: u8) {
            let base = m.modified_base().map(|b| v.effective(b));
            if base != Some(value) {
                v.set_unchecked(m, value);
            }
        }
        if self.confidentiality_high {
            modify(v, Metric::ModifiedConfidentiality, b'H');
        }
        if self.privileges_raised {
            let raised = match v.effective(Metric::PrivilegesRequired) {
                b'N' => b'L',
                _ => b'H',
            };
            modify(v, Metric::ModifiedPrivilegesRequired, raised);
        }
        if self.interaction_required {
            modify(v, Metric::ModifiedUserInteraction, b'R');
        }
        if self.scope_changed {
            modify(v, Metric::ModifiedScope, b'C');
        }
    }
}

/// Truthiness of an indicator value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => {
            let t = s.trim();
            t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("yes") || t == "1" || t.eq_ignore_ascii_case("y")
        }
        _ => false,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(['_', ','], "").parse::<f64>().ok(),
        _ => None,
    }
    .filter(|x| x.is_finite())
}

fn str_of<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// `'prod' (production)`, or just `'production'` when the value is already the canonical name.
fn shown(given: &str, normalised: &str, canonical: &str) -> String {
    if normalised == canonical {
        format!("'{given}'")
    } else {
        format!("'{given}' ({canonical})")
    }
}

fn letter_name(x: u8) -> &'static str {
    match x {
        b'H' => "high",
        b'M' => "medium",
        b'L' => "low",
        b'N' => "none",
        b'R' => "required",
        b'C' => "changed",
        _ => "?",
    }
}

/// Evaluates the context of `input` against the category's `base` vector, appending one factor per modifier.
pub fn evaluate(input: &ActionInput, base: &CvssVector, factors: &mut Vec<String>) -> Effects {
    let mut e = Effects::default();
    let ri = &input.risk_indicators;

    // environment
    if let Some(env) = input.environment.as_deref().or_else(|| str_of(&input.context, "environment")) {
        let n = normalize(env);
        let n = n.as_str();
        if PRODUCTION.contains(&n) {
            e.requirements[1] = Some(b'H');
            e.requirements[2] = Some(b'H');
            factors.push(format!(
                "environment {}: integrity and availability requirements high (IR:H, AR:H)",
                shown(env, n, "production")
            ));
        } else if DEVELOPMENT.contains(&n) {
            e.requirements = [Some(b'L'); 3];
            factors.push(format!(
                "environment {}: confidentiality, integrity and availability requirements low (CR:L, IR:L, AR:L)",
                shown(env, n, "development")
            ));
        } else if STAGING.contains(&n) {
            factors.push(format!("environment {}: default requirements, no adjustment", shown(env, n, "staging")));
        } else {
            factors.push(format!("environment '{env}' not recognised: no adjustment"));
        }
    }

    // data sensitivity
    let sensitivity = input
        .data_sensitivity
        .as_deref()
        .or_else(|| str_of(&input.context, "data_sensitivity"))
        .or_else(|| str_of(ri, "data_sensitivity"));
    if let Some(sens) = sensitivity {
        let n = normalize(sens);
        let n = n.as_str();
        if SENSITIVITY_PUBLIC.contains(&n) {
            e.requirements[0] = Some(b'L');
            factors
                .push(format!("data_sensitivity {}: confidentiality requirement low (CR:L)", shown(sens, n, "public")));
        } else if SENSITIVITY_INTERNAL.contains(&n) {
            e.requirements[0] = Some(b'M');
            factors.push(format!(
                "data_sensitivity {}: confidentiality requirement medium (CR:M)",
                shown(sens, n, "internal")
            ));
        } else if SENSITIVITY_CONFIDENTIAL.contains(&n) {
            e.requirements[0] = Some(b'H');
            factors.push(format!(
                "data_sensitivity {}: confidentiality requirement high (CR:H)",
                shown(sens, n, "confidential")
            ));
        } else if SENSITIVITY_RESTRICTED.contains(&n) {
            e.requirements[0] = Some(b'H');
            e.confidentiality_high = true;
            factors.push(format!(
                "data_sensitivity {}: confidentiality requirement and impact high (CR:H, MC:H)",
                shown(sens, n, "restricted")
            ));
        } else {
            factors.push(format!("data_sensitivity '{sens}' not recognised: no adjustment"));
        }
    }

    // indicators, in a fixed order so that factors are deterministic
    if ri.get("pii_involved").is_some_and(truthy) {
        e.requirements[0] = Some(b'H');
        e.extra_controls.push("PT-2");
        factors.push("pii_involved: confidentiality requirement high (CR:H); control PT-2".to_string());
    }
    if ri.get("financial_data").is_some_and(truthy) {
        e.requirements[1] = Some(b'H');
        factors.push("financial_data: integrity requirement high (IR:H)".to_string());
    }
    let amount = AMOUNT_KEYS
        .iter()
        .filter_map(|k| ri.get(*k).and_then(number))
        .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.max(x))));
    if let Some(amount) = amount {
        if amount >= VERY_LARGE_AMOUNT {
            e.requirements[1] = Some(b'H');
            e.impact_shift += 1;
            factors.push(format!(
                "amount {amount} >= {VERY_LARGE_AMOUNT}: integrity requirement high (IR:H) and NIST impact +1"
            ));
        } else if amount >= LARGE_AMOUNT {
            e.requirements[1] = Some(b'H');
            factors.push(format!("amount {amount} >= {LARGE_AMOUNT}: integrity requirement high (IR:H)"));
        } else {
            factors.push(format!("amount {amount} below {LARGE_AMOUNT}: no adjustment"));
        }
    }
    if ri.get("external_transfer").is_some_and(truthy) {
        e.confidentiality_high = true;
        e.extra_controls.push("AC-4");
        let note = if base.effective(Metric::Confidentiality) == b'H' { " (already high)" } else { "" };
        factors.push(format!("external_transfer: confidentiality impact high (MC:H){note}; control AC-4"));
    }
    if ri.get("verified").is_some_and(truthy) {
        e.privileges_raised = true;
        let pr = base.effective(Metric::PrivilegesRequired);
        factors.push(if pr == b'H' {
            "verified: privileges required already high (PR:H), no adjustment".to_string()
        } else {
            let raised = if pr == b'N' { b'L' } else { b'H' };
            format!("verified: privileges required raised to {} (MPR:{})", letter_name(raised), raised as char)
        });
    }
    if ri.get("customer_requested").is_some_and(truthy) {
        e.interaction_required = true;
        factors.push(if base.effective(Metric::UserInteraction) == b'R' {
            "customer_requested: user interaction already required (UI:R)".to_string()
        } else {
            "customer_requested: user interaction required (MUI:R)".to_string()
        });
    }
    if let Some(server) = input.mcp_server_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        e.scope_changed = true;
        e.extra_controls.push("SA-9");
        let note = if base.effective(Metric::Scope) == b'C' { " (already changed)" } else { "" };
        factors.push(format!("mcp_server_name '{server}': scope changed (MS:C){note}; control SA-9"));
    }
    if let Some(model) = input.model_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        e.likelihood_shift += 1;
        e.extra_controls.push("CM-8");
        factors.push(format!("model_id '{model}': NIST likelihood +1 (model-driven action); control CM-8"));
    }
    let flags = match ri.get("compliance_flags") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).filter(|s| !s.trim().is_empty()).count(),
        Some(Value::String(s)) if !s.trim().is_empty() => 1,
        _ => 0,
    };
    if flags > 0 {
        e.impact_shift += 1;
        factors.push(format!("compliance_flags ({flags}): NIST impact +1"));
    }
    e
}
