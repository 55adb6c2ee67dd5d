//! Local risk pre-scoring (issue 3). TEMPORARY interface shim: replaced by the full CVSS v3.1 / MITRE / NIST
//! scorer from the `prescore` branch at merge. Only the types the client needs are defined here.

use crate::model::RiskLevel;
use serde_json::{Map, Value};

/// Input of a pre-score.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    /// Action type.
    pub action_type: String,
    /// Resource.
    pub resource: String,
    /// Description.
    pub description: Option<String>,
    /// Tool name.
    pub tool_name: Option<String>,
    /// Environment.
    pub environment: Option<String>,
    /// Data sensitivity.
    pub data_sensitivity: Option<String>,
    /// Risk indicators.
    pub risk_indicators: Map<String, Value>,
    /// Context.
    pub context: Map<String, Value>,
    /// MCP server.
    pub mcp_server_name: Option<String>,
    /// Model id.
    pub model_id: Option<String>,
}

/// Result of a pre-score.
#[derive(Debug, Clone)]
pub struct PreScore {
    /// Composite score.
    pub risk_score: f64,
    /// Level.
    pub risk_level: RiskLevel,
    /// CVSS base score.
    pub cvss_score: f64,
    /// CVSS vector.
    pub cvss_vector: String,
    /// MITRE tactic.
    pub mitre_tactic: String,
    /// MITRE technique.
    pub mitre_technique: String,
    /// NIST control.
    pub nist_control: String,
    /// Reasons.
    pub factors: Vec<String>,
}

/// Scorer.
#[derive(Debug, Default, Clone)]
pub struct Prescorer;

/// Thresholds.
#[derive(Debug, Clone)]
pub struct Thresholds {
    /// Auto-approve below.
    pub auto_approve_below: f64,
    /// Deny at.
    pub deny_at: Option<f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { auto_approve_below: 70.0, deny_at: None }
    }
}

impl Prescorer {
    /// Built-in rules.
    pub fn builtin() -> &'static Prescorer {
        static P: Prescorer = Prescorer;
        &P
    }
    /// Rules from a file.
    pub fn from_rules_file(_p: &std::path::Path) -> crate::Result<Prescorer> {
        Ok(Prescorer)
    }
    /// Scores.
    pub fn score(&self, input: &ActionInput, _t: &Thresholds) -> PreScore {
        let (s, l) = match input.action_type.as_str() {
            "query" => (35.0, RiskLevel::Low),
            "data_access" => (60.0, RiskLevel::Medium),
            "system_operation" => (95.0, RiskLevel::Critical),
            _ => (85.0, RiskLevel::High),
        };
        PreScore {
            risk_score: s,
            risk_level: l,
            cvss_score: s / 10.0,
            cvss_vector: String::new(),
            mitre_tactic: String::new(),
            mitre_technique: String::new(),
            nist_control: String::new(),
            factors: vec![format!("action type {}", input.action_type)],
        }
    }
}
