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
use super::text::{cat, push_num};
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
#[derive(Debug, Clone, Copy, Default, PartialEq)]
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
    /// Controls the context adds (appended after the category's own), in order; unused slots are `None`.
    pub extra_controls: [Option<&'static str>; 4],
}

const REQ: [Metric; 3] =
    [Metric::ConfidentialityRequirement, Metric::IntegrityRequirement, Metric::AvailabilityRequirement];

impl Effects {
    fn add_control(&mut self, c: &'static str) {
        if let Some(slot) = self.extra_controls.iter_mut().find(|s| s.is_none()) {
            *slot = Some(c);
        }
    }

    /// The added controls.
    pub fn controls(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.extra_controls.iter().flatten().copied()
    }

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
fn shown<'a>(given: &'a str, normalised: &str, canonical: &'a str) -> [&'a str; 4] {
    if normalised == canonical {
        ["'", given, "'", ""]
    } else {
        ["'", given, "' (", canonical]
    }
}

fn with_shown(prefix: &str, shown: [&str; 4], suffix: &str) -> String {
    let close = if shown[3].is_empty() { "" } else { ")" };
    cat(&[prefix, shown[0], shown[1], shown[2], shown[3], close, suffix])
}

/// The indicators the scorer reads, gathered in one pass over `risk_indicators`.
#[derive(Default)]
struct Indicators<'a> {
    pii: bool,
    financial: bool,
    external: bool,
    verified: bool,
    customer_requested: bool,
    amount: Option<f64>,
    compliance_flags: usize,
    sensitivity: Option<&'a str>,
}

impl<'a> Indicators<'a> {
    fn read(ri: &'a Map<String, Value>) -> Indicators<'a> {
        let mut ind = Indicators::default();
        for (k, v) in ri {
            match k.as_str() {
                "pii_involved" => ind.pii = truthy(v),
                "financial_data" => ind.financial = truthy(v),
                "external_transfer" => ind.external = truthy(v),
                "verified" => ind.verified = truthy(v),
                "customer_requested" => ind.customer_requested = truthy(v),
                "amount" | "transaction_amount" | "amount_usd" | "amount_threshold" => {
                    if let Some(x) = number(v) {
                        ind.amount = Some(ind.amount.map_or(x, |a: f64| a.max(x)));
                    }
                }
                "compliance_flags" => {
                    ind.compliance_flags = match v {
                        Value::Array(a) => a.iter().filter_map(Value::as_str).filter(|s| !s.trim().is_empty()).count(),
                        Value::String(s) if !s.trim().is_empty() => 1,
                        _ => 0,
                    }
                }
                "data_sensitivity" => ind.sensitivity = v.as_str().map(str::trim).filter(|s| !s.is_empty()),
                _ => {}
            }
        }
        ind
    }
}

/// Where factors go: a list, or nowhere (then no text is built at all).
struct Sink<'a>(Option<&'a mut Vec<String>>);

impl Sink<'_> {
    fn push(&mut self, f: impl FnOnce() -> String) {
        if let Some(v) = self.0.as_deref_mut() {
            v.push(f());
        }
    }
}

/// Evaluates the context of `input` against the category's `base` vector, appending one factor per modifier
/// to `factors` when given (with `None` nothing is allocated).
pub fn evaluate(input: &ActionInput, base: &CvssVector, factors: Option<&mut Vec<String>>) -> Effects {
    let mut factors = Sink(factors);
    let mut e = Effects::default();
    let ind = Indicators::read(&input.risk_indicators);

    // environment
    if let Some(env) = input.environment.as_deref().or_else(|| str_of(&input.context, "environment")) {
        let n = normalize(env);
        let n = n.as_str();
        let class = if PRODUCTION.contains(&n) {
            e.requirements[1] = Some(b'H');
            e.requirements[2] = Some(b'H');
            Some(("production", ": integrity and availability requirements high (IR:H, AR:H)"))
        } else if DEVELOPMENT.contains(&n) {
            e.requirements = [Some(b'L'); 3];
            Some(("development", ": confidentiality, integrity and availability requirements low (CR:L, IR:L, AR:L)"))
        } else if STAGING.contains(&n) {
            Some(("staging", ": default requirements, no adjustment"))
        } else {
            None
        };
        factors.push(|| match class {
            Some((canonical, effect)) => with_shown("environment ", shown(env, n, canonical), effect),
            None => cat(&["environment '", env, "' not recognised: no adjustment"]),
        });
    }

    // data sensitivity
    let sensitivity =
        input.data_sensitivity.as_deref().or_else(|| str_of(&input.context, "data_sensitivity")).or(ind.sensitivity);
    if let Some(sens) = sensitivity {
        let n = normalize(sens);
        let n = n.as_str();
        let class = if SENSITIVITY_PUBLIC.contains(&n) {
            e.requirements[0] = Some(b'L');
            Some(("public", ": confidentiality requirement low (CR:L)"))
        } else if SENSITIVITY_INTERNAL.contains(&n) {
            e.requirements[0] = Some(b'M');
            Some(("internal", ": confidentiality requirement medium (CR:M)"))
        } else if SENSITIVITY_CONFIDENTIAL.contains(&n) {
            e.requirements[0] = Some(b'H');
            Some(("confidential", ": confidentiality requirement high (CR:H)"))
        } else if SENSITIVITY_RESTRICTED.contains(&n) {
            e.requirements[0] = Some(b'H');
            e.confidentiality_high = true;
            Some(("restricted", ": confidentiality requirement and impact high (CR:H, MC:H)"))
        } else {
            None
        };
        factors.push(|| match class {
            Some((canonical, effect)) => with_shown("data_sensitivity ", shown(sens, n, canonical), effect),
            None => cat(&["data_sensitivity '", sens, "' not recognised: no adjustment"]),
        });
    }

    // indicators, in a fixed order so that factors are deterministic
    if ind.pii {
        e.requirements[0] = Some(b'H');
        e.add_control("PT-2");
        factors.push(|| "pii_involved: confidentiality requirement high (CR:H); control PT-2".to_string());
    }
    if ind.financial {
        e.requirements[1] = Some(b'H');
        factors.push(|| "financial_data: integrity requirement high (IR:H)".to_string());
    }
    if let Some(amount) = ind.amount {
        let effect = if amount >= VERY_LARGE_AMOUNT {
            e.requirements[1] = Some(b'H');
            e.impact_shift += 1;
            " >= 100000: integrity requirement high (IR:H) and NIST impact +1"
        } else if amount >= LARGE_AMOUNT {
            e.requirements[1] = Some(b'H');
            " >= 10000: integrity requirement high (IR:H)"
        } else {
            " below 10000: no adjustment"
        };
        factors.push(|| {
            let mut f = String::with_capacity(96);
            f.push_str("amount ");
            push_num(&mut f, amount);
            f.push_str(effect);
            f
        });
    }
    if ind.external {
        e.confidentiality_high = true;
        e.add_control("AC-4");
        factors.push(|| {
            if base.effective(Metric::Confidentiality) == b'H' {
                "external_transfer: confidentiality impact high (MC:H) (already high); control AC-4".to_string()
            } else {
                "external_transfer: confidentiality impact high (MC:H); control AC-4".to_string()
            }
        });
    }
    if ind.verified {
        e.privileges_raised = true;
        factors.push(|| {
            match base.effective(Metric::PrivilegesRequired) {
                b'H' => "verified: privileges required already high (PR:H), no adjustment",
                b'N' => "verified: privileges required raised to low (MPR:L)",
                _ => "verified: privileges required raised to high (MPR:H)",
            }
            .to_string()
        });
    }
    if ind.customer_requested {
        e.interaction_required = true;
        factors.push(|| {
            if base.effective(Metric::UserInteraction) == b'R' {
                "customer_requested: user interaction already required (UI:R)".to_string()
            } else {
                "customer_requested: user interaction required (MUI:R)".to_string()
            }
        });
    }
    if let Some(server) = input.mcp_server_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        e.scope_changed = true;
        e.add_control("SA-9");
        let note = if base.effective(Metric::Scope) == b'C' { " (already changed)" } else { "" };
        factors.push(|| cat(&["mcp_server_name '", server, "': scope changed (MS:C)", note, "; control SA-9"]));
    }
    if let Some(model) = input.model_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        e.likelihood_shift += 1;
        e.add_control("CM-8");
        factors.push(|| cat(&["model_id '", model, "': NIST likelihood +1 (model-driven action); control CM-8"]));
    }
    if ind.compliance_flags > 0 {
        e.impact_shift += 1;
        let n = ind.compliance_flags;
        factors.push(|| {
            let mut f = String::from("compliance_flags (");
            push_num(&mut f, n as f64);
            f.push_str("): NIST impact +1");
            f
        });
    }
    e
}
