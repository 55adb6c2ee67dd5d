//! Local risk pre-scoring: the same answer the client (fail mode LOCAL, DECISIONS D17) and the dev server give
//! for an action, without any I/O.
//!
//! An action is classified into a category of the taxonomy (its type, an alias, or keywords in its type, tool,
//! resource and description), which gives a base risk anchored on the guides' 35/60/85/95, a CVSS v3.1 base
//! vector, a MITRE ATT&CK tactic/technique and NIST SP 800-53 controls. The context (environment, data
//! sensitivity, risk indicators, MCP server, model) sets CVSS environmental metrics and shifts a NIST SP 800-30
//! likelihood × impact assessment. The composite score is
//!
//! ```text
//! risk_score = clamp(base_risk + cvss_weight × (CVSS_env(context) − CVSS_env(no context))
//!                    + nist_level_points × (likelihood shifts + impact shifts), 0, 100)
//! ```
//!
//! with `cvss_weight` 10 (one CVSS point is ten risk points) and `nist_level_points` 5 by default.
//! `docs/SCORING.md` documents every table and modifier.
//!
//! ```
//! use ascend_core::prescore::{prescore, ActionInput, LocalDecision};
//! let s = prescore(&ActionInput::new("query", "customer_profiles"));
//! assert_eq!(s.risk_score, 35.0);
//! assert_eq!(s.decision, LocalDecision::Allowed);
//! assert_eq!(s.mitre_tactic, "TA0009 Collection");
//! ```

pub mod context;
pub mod cvss;
pub mod json;
pub mod mitre;
pub mod nist;
pub mod rules;
mod scorer;
pub mod taxonomy;
mod text;

pub use cvss::{CvssScores, CvssVector, Severity};
pub use rules::RulesFormat;
pub use scorer::{ActionRule, Assessment, Classification, ClassifiedBy, Prescorer};

use crate::error::{Error, Result};
use crate::model::{Decision, RiskLevel};
use serde_json::{json, Map, Value};

/// What the pre-scorer looks at. Build it directly, with [`ActionInput::new`], or from JSON with
/// [`ActionInput::from_json`] (which also accepts the wire body of `POST /api/v1/actions/submit`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionInput {
    /// Free-text action type (`query`, `database_write`, `financial.refund`, ...).
    pub action_type: String,
    /// The resource acted on.
    pub resource: String,
    /// Human-readable description (keywords in it classify unknown types).
    pub description: Option<String>,
    /// Tool or resource name the agent uses.
    pub tool_name: Option<String>,
    /// `production` / `staging` / `development` (and synonyms).
    pub environment: Option<String>,
    /// `public` / `internal` / `confidential` / `restricted` (and synonyms such as `high_sensitivity`).
    pub data_sensitivity: Option<String>,
    /// Indicators: `pii_involved`, `financial_data`, `external_transfer`, `verified`, `customer_requested`,
    /// `amount`/`transaction_amount`/`amount_usd`/`amount_threshold`, `compliance_flags`, `data_sensitivity`.
    pub risk_indicators: Map<String, Value>,
    /// Free context; `environment` and `data_sensitivity` are read from it when the fields above are unset.
    pub context: Map<String, Value>,
    /// MCP server the action goes through.
    pub mcp_server_name: Option<String>,
    /// AI model involved.
    pub model_id: Option<String>,
}

fn opt_string(obj: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::validation(key, "Must be a string", format!("{key} must be a string"))),
    }
}

fn opt_object(obj: &Map<String, Value>, key: &str) -> Result<Map<String, Value>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(Error::validation(key, "Must be an object", format!("{key} must be an object"))),
    }
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.and_then(|v| {
        let t = v.trim();
        if t.is_empty() {
            None
        } else if t.len() == v.len() {
            Some(v)
        } else {
            Some(t.to_string())
        }
    })
}

impl ActionInput {
    /// An input with just a type and a resource.
    pub fn new(action_type: impl Into<String>, resource: impl Into<String>) -> ActionInput {
        ActionInput { action_type: action_type.into(), resource: resource.into(), ..Default::default() }
    }

    /// Reads an input from JSON: the `evaluate_action` keyword arguments or the submit wire body.
    ///
    /// `action_type` is required (a non-blank string); everything else is optional. `description` and
    /// `tool_name` fall back to `action_details.*` / `parameters.*` (where the peer nests them); `environment`
    /// and `data_sensitivity` fall back to `context.*`, and `data_sensitivity` then to `risk_indicators.*`.
    /// `mcp_server_name` and `model_id` are trimmed; blank means absent. Unknown keys are ignored.
    /// A value of the wrong JSON type is a `VALIDATION_ERROR` naming the field.
    pub fn from_json(v: &Value) -> Result<ActionInput> {
        let Value::Object(obj) = v else {
            return Err(Error::validation("input", "Must be an object", "action input must be a JSON object"));
        };
        let action_type = match obj.get("action_type") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => {
                return Err(Error::validation(
                    "action_type",
                    "Required field is missing or empty",
                    "action_type is required",
                ))
            }
        };
        let resource = opt_string(obj, "resource")?.unwrap_or_default();
        let context = opt_object(obj, "context")?;
        let risk_indicators = opt_object(obj, "risk_indicators")?;
        let details = match (obj.get("action_details"), obj.get("parameters")) {
            (Some(Value::Object(m)), _) | (None | Some(Value::Null), Some(Value::Object(m))) => Some(m),
            _ => None,
        };
        let nested = |key: &str| -> Result<Option<String>> {
            match opt_string(obj, key)? {
                Some(s) => Ok(Some(s)),
                None => match details {
                    Some(d) => opt_string(d, key),
                    None => Ok(None),
                },
            }
        };
        let description = nested("description")?;
        let tool_name = nested("tool_name")?;
        let environment = match opt_string(obj, "environment")? {
            Some(s) => Some(s),
            None => opt_string(&context, "environment")?,
        };
        let data_sensitivity = match opt_string(obj, "data_sensitivity")? {
            Some(s) => Some(s),
            None => opt_string(&context, "data_sensitivity")?,
        };
        Ok(ActionInput {
            action_type,
            resource,
            description,
            tool_name,
            environment: non_blank(environment),
            data_sensitivity: non_blank(data_sensitivity),
            risk_indicators,
            context,
            mcp_server_name: non_blank(opt_string(obj, "mcp_server_name")?),
            model_id: non_blank(opt_string(obj, "model_id")?),
        })
    }
}

/// Decision thresholds (per agent in the Agent Registry).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Scores strictly below this are allowed (default 70, PROTOCOL §11.4).
    pub auto_approve_below: f64,
    /// Scores at or above this are denied; `None` (default) means never deny locally, only hold for review.
    pub deny_at: Option<f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { auto_approve_below: 70.0, deny_at: None }
    }
}

impl Thresholds {
    /// Reads `{"auto_approve_below": 70, "deny_at": 90}` (both optional; `deny_at` may be null).
    pub fn from_json(v: &Value) -> Result<Thresholds> {
        let Value::Object(obj) = v else {
            return Err(Error::validation("thresholds", "Must be an object", "thresholds must be a JSON object"));
        };
        let num = |key: &str| -> Result<Option<f64>> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => match n.as_f64() {
                    Some(x) if (0.0..=100.0).contains(&x) => Ok(Some(x)),
                    _ => Err(Error::validation(key, "Must be between 0 and 100", format!("{key} out of range"))),
                },
                Some(_) => Err(Error::validation(key, "Must be a number", format!("{key} must be a number"))),
            }
        };
        let d = Thresholds::default();
        Ok(Thresholds {
            auto_approve_below: num("auto_approve_below")?.unwrap_or(d.auto_approve_below),
            deny_at: num("deny_at")?,
        })
    }

    /// The local decision for a score: denied at or above `deny_at`, else allowed below `auto_approve_below`,
    /// else pending (human review).
    pub fn decide(&self, risk_score: f64) -> LocalDecision {
        if self.deny_at.is_some_and(|d| risk_score >= d) {
            LocalDecision::Denied
        } else if risk_score < self.auto_approve_below {
            LocalDecision::Allowed
        } else {
            LocalDecision::Pending
        }
    }
}

/// The decision the pre-score alone supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalDecision {
    /// Below the auto-approve threshold.
    Allowed,
    /// Needs human review.
    Pending,
    /// At or above the deny threshold.
    Denied,
}

impl LocalDecision {
    /// `allowed`, `pending` or `denied`.
    pub fn as_str(self) -> &'static str {
        match self {
            LocalDecision::Allowed => "allowed",
            LocalDecision::Pending => "pending",
            LocalDecision::Denied => "denied",
        }
    }

    /// The same verdict as a [`Decision`].
    pub fn to_decision(self) -> Decision {
        match self {
            LocalDecision::Allowed => Decision::Allowed,
            LocalDecision::Pending => Decision::Pending,
            LocalDecision::Denied => Decision::Denied,
        }
    }
}

/// The risk level of a composite score: low below 50, medium below 70, high below 90, else critical — so the
/// guides' anchors 35/60/85/95 fall in their own levels and "medium" ends at the default approval threshold.
pub fn risk_level_of(score: f64) -> RiskLevel {
    if score < 50.0 {
        RiskLevel::Low
    } else if score < 70.0 {
        RiskLevel::Medium
    } else if score < 90.0 {
        RiskLevel::High
    } else {
        RiskLevel::Critical
    }
}

/// The result of a pre-score.
#[derive(Debug, Clone, PartialEq)]
pub struct PreScore {
    /// Composite risk 0–100.
    pub risk_score: f64,
    /// Level of `risk_score` ([`risk_level_of`]).
    pub risk_level: RiskLevel,
    /// CVSS v3.1 score of `cvss_vector` (environmental when the context set environmental metrics, else base).
    pub cvss_score: f64,
    /// The CVSS vector: the category's base vector plus the environmental metrics the context set.
    pub cvss_vector: String,
    /// Severity of `cvss_score` (`None`, `Low`, `Medium`, `High`, `Critical`).
    pub cvss_severity: String,
    /// The category's CVSS base score (before context).
    pub cvss_base_score: f64,
    /// `"TA0009 Collection"` (see also [`PreScore::mitre_tactic_id`] and [`PreScore::mitre_tactic_name`]).
    pub mitre_tactic: String,
    /// `"T1005 Data from Local System"` (see also the `mitre_technique_*` methods).
    pub mitre_technique: String,
    /// Primary NIST SP 800-53 control, e.g. `AC-3` (its title: [`PreScore::nist_description`]).
    pub nist_control: String,
    /// All controls: the category's, then those the context adds.
    pub nist_controls: Vec<String>,
    /// SP 800-30 likelihood (`very_low` … `very_high`).
    pub nist_likelihood: String,
    /// SP 800-30 impact (the level of risk of Table I-2: [`PreScore::nist_risk`]).
    pub nist_impact: String,
    /// Human-readable reasons, in order: classification, each context modifier, CVSS, NIST, decision.
    pub factors: Vec<String>,
    /// Local decision against the thresholds.
    pub decision: LocalDecision,
    /// The category the action was classified into.
    pub action_category: String,
    /// How it was classified.
    pub classified_by: ClassifiedBy,
    /// The keyword that classified it, for `classified_by == Keyword`.
    pub matched_keyword: Option<String>,
}

fn split_id(s: &str) -> (&str, &str) {
    s.split_once(' ').unwrap_or((s, ""))
}

impl PreScore {
    /// `"TA0009"`.
    pub fn mitre_tactic_id(&self) -> &str {
        split_id(&self.mitre_tactic).0
    }

    /// `"Collection"`.
    pub fn mitre_tactic_name(&self) -> &str {
        split_id(&self.mitre_tactic).1
    }

    /// `"T1005"`.
    pub fn mitre_technique_id(&self) -> &str {
        split_id(&self.mitre_technique).0
    }

    /// `"Data from Local System"`.
    pub fn mitre_technique_name(&self) -> &str {
        split_id(&self.mitre_technique).1
    }

    /// Title of the primary control (`"Access Enforcement"`), empty for a control outside the built-in catalogue.
    pub fn nist_description(&self) -> &'static str {
        nist::control_title(&self.nist_control).unwrap_or("")
    }

    /// SP 800-30 level of risk (Table I-2) of `nist_likelihood` × `nist_impact`.
    pub fn nist_risk(&self) -> &'static str {
        match (nist::Level::parse(&self.nist_likelihood), nist::Level::parse(&self.nist_impact)) {
            (Some(l), Some(i)) => nist::risk(l, i).as_str(),
            _ => "",
        }
    }

    /// JSON projection: every field by name plus the derived `mitre_*_id`/`_name`, `nist_description` and
    /// `nist_risk`; `risk_level`, `decision` and `classified_by` as their wire strings.
    pub fn to_json(&self) -> Value {
        json!({
            "risk_score": self.risk_score,
            "risk_level": self.risk_level.as_str(),
            "cvss_score": self.cvss_score,
            "cvss_vector": self.cvss_vector,
            "cvss_severity": self.cvss_severity,
            "cvss_base_score": self.cvss_base_score,
            "mitre_tactic": self.mitre_tactic,
            "mitre_tactic_id": self.mitre_tactic_id(),
            "mitre_tactic_name": self.mitre_tactic_name(),
            "mitre_technique": self.mitre_technique,
            "mitre_technique_id": self.mitre_technique_id(),
            "mitre_technique_name": self.mitre_technique_name(),
            "nist_control": self.nist_control,
            "nist_description": self.nist_description(),
            "nist_controls": self.nist_controls,
            "nist_likelihood": self.nist_likelihood,
            "nist_impact": self.nist_impact,
            "nist_risk": self.nist_risk(),
            "factors": self.factors,
            "decision": self.decision.as_str(),
            "action_category": self.action_category,
            "classified_by": self.classified_by.as_str(),
            "matched_keyword": self.matched_keyword,
        })
    }
}

/// Pre-scores with the built-in rules and default thresholds.
pub fn prescore(input: &ActionInput) -> PreScore {
    Prescorer::builtin().score(input, &Thresholds::default())
}

/// [`prescore`] for many inputs, in input order.
pub fn prescore_batch(inputs: &[ActionInput]) -> Vec<PreScore> {
    Prescorer::builtin().score_batch(inputs, &Thresholds::default())
}

#[cfg(test)]
mod tests;
