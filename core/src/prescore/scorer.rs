//! The pre-scorer: taxonomy tables (built-in or from a rules file), classification and the composite score.

use super::context;
use super::cvss::{CvssScores, CvssVector};
use super::mitre::{self, MitreMapping};
use super::nist::{self, Level};
use super::rules::{self, RulesFormat};
use super::taxonomy::{self, normalize, Keyword, KeywordIndex};
use super::{risk_level_of, ActionInput, PreScore, Thresholds};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Default risk points per CVSS point (CVSS 0–10 against risk 0–100).
pub const DEFAULT_CVSS_WEIGHT: f64 = 10.0;
/// Default risk points per NIST SP 800-30 level shift.
pub const DEFAULT_NIST_LEVEL_POINTS: f64 = 5.0;

/// One category of the taxonomy, with everything derived from it precomputed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRule {
    /// Category name (normalised).
    pub name: String,
    /// Aliases (normalised).
    pub aliases: Vec<String>,
    /// Base risk 0–100 before context.
    pub risk: f64,
    /// CVSS v3.1 vector of the category.
    pub vector: CvssVector,
    /// ATT&CK mapping.
    pub mitre: MitreMapping,
    /// SP 800-53 controls, primary first.
    pub nist_controls: Vec<String>,
    /// What the category covers.
    pub description: String,
    scores: CvssScores,
    vector_text: String,
    tactic_text: String,
    technique_text: String,
    nist_title: String,
}

impl ActionRule {
    /// Builds a rule and precomputes its scores and display strings.
    pub fn new(
        name: String,
        aliases: Vec<String>,
        risk: f64,
        vector: CvssVector,
        mitre: MitreMapping,
        nist_controls: Vec<String>,
        description: String,
    ) -> ActionRule {
        let nist_title = nist_controls.first().and_then(|c| nist::control_title(c)).unwrap_or("").to_string();
        ActionRule {
            scores: vector.scores(),
            vector_text: vector.to_string(),
            tactic_text: mitre.tactic(),
            technique_text: mitre.technique(),
            nist_title,
            name,
            aliases,
            risk,
            vector,
            mitre,
            nist_controls,
            description,
        }
    }

    /// The scores of the category's vector without context.
    pub fn scores(&self) -> &CvssScores {
        &self.scores
    }

    fn from_builtin(c: &taxonomy::BuiltinCategory) -> ActionRule {
        // The built-in table is checked by unit tests; a bad entry is a programming error.
        let vector = CvssVector::parse(c.cvss_vector).expect("built-in CVSS vector");
        let mitre = MitreMapping {
            tactic_id: c.tactic.to_string(),
            tactic_name: mitre::tactic_name(c.tactic).unwrap_or("").to_string(),
            technique_id: c.technique.to_string(),
            technique_name: mitre::technique_name(c.technique).unwrap_or("").to_string(),
        };
        ActionRule::new(
            c.name.to_string(),
            c.aliases.iter().map(|a| a.to_string()).collect(),
            c.risk,
            vector,
            mitre,
            c.nist_controls.iter().map(|s| s.to_string()).collect(),
            c.description.to_string(),
        )
    }
}

/// How an action was classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassifiedBy {
    /// The action type is a category name.
    Type,
    /// The action type is an alias of a category.
    Alias,
    /// A keyword in the type, tool name, resource or description.
    Keyword,
    /// Nothing matched: the default category.
    Default,
}

impl ClassifiedBy {
    /// `type`, `alias`, `keyword`, `default`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassifiedBy::Type => "type",
            ClassifiedBy::Alias => "alias",
            ClassifiedBy::Keyword => "keyword",
            ClassifiedBy::Default => "default",
        }
    }
}

/// The outcome of classification.
#[derive(Debug, Clone, Copy)]
pub struct Classification<'a> {
    /// The category.
    pub rule: &'a ActionRule,
    /// How it was found.
    pub by: ClassifiedBy,
    /// The keyword, for `ClassifiedBy::Keyword`.
    pub keyword: Option<&'a Keyword>,
    /// Where the keyword was found: `action_type`, `tool_name` or `resource/description`.
    pub field: Option<&'static str>,
}

/// Taxonomy tables. Built from the built-in table, then edited by a rules file.
#[derive(Debug, Clone)]
pub(crate) struct Tables {
    pub rules: Vec<ActionRule>,
    /// normalised name or alias -> (rule index, is_alias)
    pub names: BTreeMap<String, (u16, bool)>,
    pub keywords: KeywordIndex,
    pub default_rule: u16,
    pub cvss_weight: f64,
    pub nist_level_points: f64,
}

impl Tables {
    fn builtin() -> Tables {
        let rules: Vec<ActionRule> = taxonomy::CATEGORIES.iter().map(ActionRule::from_builtin).collect();
        let mut names = BTreeMap::new();
        for (i, r) in rules.iter().enumerate() {
            for a in &r.aliases {
                names.insert(a.clone(), (i as u16, true));
            }
        }
        for (i, r) in rules.iter().enumerate() {
            names.insert(r.name.clone(), (i as u16, false));
        }
        let mut t = Tables {
            rules,
            names,
            keywords: KeywordIndex::default(),
            default_rule: 0,
            cvss_weight: DEFAULT_CVSS_WEIGHT,
            nist_level_points: DEFAULT_NIST_LEVEL_POINTS,
        };
        for (k, cat) in taxonomy::KEYWORDS {
            let idx = t.lookup(cat).expect("built-in keyword category").0;
            t.keywords.insert(Keyword::parse(k).expect("built-in keyword"), idx);
        }
        t.default_rule = t.lookup(taxonomy::DEFAULT_CATEGORY).expect("default category").0;
        t
    }

    /// Rule index of a name or alias (already normalised or not).
    pub fn lookup(&self, name: &str) -> Option<(u16, bool)> {
        let n = normalize(name);
        self.names.get(n.as_str()).copied()
    }
}

/// The pre-scorer. Cheap to clone (the tables are shared); `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Prescorer {
    t: Arc<Tables>,
}

fn risk_rank(rule: &ActionRule, index: u16) -> (u32, u32) {
    // Higher base risk first, then the table order.
    (10_000u32.saturating_sub((rule.risk * 10.0) as u32), index as u32)
}

fn round1(x: f64) -> f64 {
    // `+ 0.0` turns a negative zero into zero so that factors never print "-0".
    (x * 10.0).round() / 10.0 + 0.0
}

impl Prescorer {
    /// The built-in taxonomy (built once per process).
    pub fn builtin() -> &'static Prescorer {
        static BUILTIN: OnceLock<Prescorer> = OnceLock::new();
        BUILTIN.get_or_init(|| Prescorer { t: Arc::new(Tables::builtin()) })
    }

    pub(crate) fn builtin_tables() -> Tables {
        (*Prescorer::builtin().t).clone()
    }

    pub(crate) fn from_tables(t: Tables) -> Prescorer {
        Prescorer { t: Arc::new(t) }
    }

    /// The built-in taxonomy extended/overridden by a rules file (`prescore_rules_path`). The format follows the
    /// extension (`.toml`, else JSON; without a known extension the text is sniffed: `{` means JSON).
    /// An unreadable file is a `CONFIGURATION_ERROR`; a bad one a `VALIDATION_ERROR` with the line or field.
    pub fn from_rules_file(path: &Path) -> Result<Prescorer> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config("prescore_rules_path", format!("cannot read pre-score rules file {}: {e}", path.display()))
        })?;
        let format = RulesFormat::from_path(path).unwrap_or_else(|| RulesFormat::sniff(&text));
        Prescorer::from_rules_str(&text, format)
    }

    /// The built-in taxonomy extended/overridden by a rules document given as text.
    pub fn from_rules_str(text: &str, format: RulesFormat) -> Result<Prescorer> {
        rules::build(text, format).map(Prescorer::from_tables)
    }

    /// Every category, built-in and added.
    pub fn rules(&self) -> &[ActionRule] {
        &self.t.rules
    }

    /// A category by name or alias.
    pub fn rule(&self, name: &str) -> Option<&ActionRule> {
        self.t.lookup(name).map(|(i, _)| &self.t.rules[i as usize])
    }

    /// Risk points per CVSS point.
    pub fn cvss_weight(&self) -> f64 {
        self.t.cvss_weight
    }

    /// Risk points per NIST level shift.
    pub fn nist_level_points(&self) -> f64 {
        self.t.nist_level_points
    }

    /// Classifies an action: its type as a category name or alias; else the strongest keyword (highest base
    /// risk) in the action type, else in the tool name, else in the resource and description; else the default.
    pub fn classify(&self, input: &ActionInput) -> Classification<'_> {
        let t = &*self.t;
        let n = normalize(&input.action_type);
        if let Some(&(i, alias)) = t.names.get(n.as_str()) {
            let by = if alias { ClassifiedBy::Alias } else { ClassifiedBy::Type };
            return Classification { rule: &t.rules[i as usize], by, keyword: None, field: None };
        }
        let rank = |r: u16| risk_rank(&t.rules[r as usize], r);
        let desc = input.description.as_deref().unwrap_or("");
        let tool = input.tool_name.as_deref().unwrap_or("");
        let groups: [(&'static str, [&str; 2]); 3] = [
            ("action_type", [input.action_type.as_str(), ""]),
            ("tool_name", [tool, ""]),
            ("resource/description", [input.resource.as_str(), desc]),
        ];
        for (field, texts) in groups {
            if let Some(hit) = t.keywords.best(&texts, rank) {
                return Classification {
                    rule: &t.rules[hit.rule as usize],
                    by: ClassifiedBy::Keyword,
                    keyword: Some(hit.keyword),
                    field: Some(field),
                };
            }
        }
        Classification {
            rule: &t.rules[t.default_rule as usize],
            by: ClassifiedBy::Default,
            keyword: None,
            field: None,
        }
    }

    /// Scores one action.
    pub fn score(&self, input: &ActionInput, thresholds: &Thresholds) -> PreScore {
        let cls = self.classify(input);
        let rule = cls.rule;
        let mut factors: Vec<String> = Vec::with_capacity(8);
        let level = risk_level_of(rule.risk);
        factors.push(match cls.by {
            ClassifiedBy::Type => format!("action type '{}': base risk {} ({level})", rule.name, rule.risk),
            ClassifiedBy::Alias => format!(
                "action type '{}' is an alias of {}: base risk {} ({level})",
                input.action_type.trim(),
                rule.name,
                rule.risk
            ),
            ClassifiedBy::Keyword => format!(
                "unrecognised action type '{}': keyword '{}' in {} suggests {}: base risk {} ({level})",
                input.action_type.trim(),
                cls.keyword.map(Keyword::text).unwrap_or_default(),
                cls.field.unwrap_or(""),
                rule.name,
                rule.risk
            ),
            ClassifiedBy::Default => format!(
                "unrecognised action type '{}' and no keyword matched: default {}, base risk {} ({level})",
                input.action_type.trim(),
                rule.name,
                rule.risk
            ),
        });

        let effects = context::evaluate(input, &rule.vector, &mut factors);
        let mut vector = rule.vector;
        effects.apply(&mut vector);
        let scores = if vector == rule.vector { rule.scores } else { vector.scores() };

        let cvss_points = round1((scores.environmental_score - rule.scores.environmental_score) * self.t.cvss_weight);
        let shifts = effects.likelihood_shift + effects.impact_shift;
        let nist_points = shifts as f64 * self.t.nist_level_points;
        let risk_score = round1((rule.risk + cvss_points + nist_points).clamp(0.0, 100.0));

        let likelihood = Level::likelihood_from_exploitability(scores.modified_exploitability_subscore)
            .shifted(effects.likelihood_shift);
        let impact = Level::impact_from_subscore(scores.modified_impact_subscore).shifted(effects.impact_shift);
        let nist_risk = nist::risk(likelihood, impact);

        let mut f = String::with_capacity(96);
        if vector == rule.vector {
            let _ = write!(f, "CVSS {} ({}) for {}; no contextual change", scores.score, scores.severity, rule.name);
        } else {
            let _ = write!(
                f,
                "CVSS {} ({}) for {}, {} ({}) in this context: {:+} points",
                rule.scores.score, rule.scores.severity, rule.name, scores.score, scores.severity, cvss_points
            );
        }
        factors.push(f);
        let mut f = String::with_capacity(96);
        let _ = write!(f, "NIST SP 800-30: likelihood {likelihood} x impact {impact} = risk {nist_risk}");
        if shifts != 0 {
            let _ = write!(f, " ({shifts:+} level shifts: {nist_points:+} points)");
        }
        factors.push(f);

        let decision = thresholds.decide(risk_score);
        factors.push(match decision {
            super::LocalDecision::Denied => {
                format!("risk {risk_score} >= deny threshold {}: denied", thresholds.deny_at.unwrap_or(f64::NAN))
            }
            super::LocalDecision::Allowed => {
                format!("risk {risk_score} < auto-approve threshold {}: allowed", thresholds.auto_approve_below)
            }
            super::LocalDecision::Pending => format!(
                "risk {risk_score} >= auto-approve threshold {}: pending human review",
                thresholds.auto_approve_below
            ),
        });

        let mut nist_controls = rule.nist_controls.clone();
        for c in &effects.extra_controls {
            if !nist_controls.iter().any(|x| x == c) {
                nist_controls.push((*c).to_string());
            }
        }
        let cvss_vector = if vector == rule.vector {
            rule.vector_text.clone()
        } else {
            let mut s = String::with_capacity(rule.vector_text.len() + 32);
            vector.write_to(&mut s);
            s
        };

        PreScore {
            risk_score,
            risk_level: risk_level_of(risk_score),
            cvss_score: scores.score,
            cvss_vector,
            cvss_severity: scores.severity.as_str().to_string(),
            cvss_base_score: rule.scores.base_score,
            mitre_tactic: rule.tactic_text.clone(),
            mitre_tactic_id: rule.mitre.tactic_id.clone(),
            mitre_tactic_name: rule.mitre.tactic_name.clone(),
            mitre_technique: rule.technique_text.clone(),
            mitre_technique_id: rule.mitre.technique_id.clone(),
            mitre_technique_name: rule.mitre.technique_name.clone(),
            nist_control: rule.nist_controls.first().cloned().unwrap_or_default(),
            nist_description: rule.nist_title.clone(),
            nist_controls,
            nist_likelihood: likelihood.as_str().to_string(),
            nist_impact: impact.as_str().to_string(),
            nist_risk: nist_risk.as_str().to_string(),
            factors,
            decision,
            action_category: rule.name.clone(),
            classified_by: cls.by,
            matched_keyword: cls.keyword.map(Keyword::text),
        }
    }

    /// Scores many actions, in input order.
    pub fn score_batch(&self, inputs: &[ActionInput], thresholds: &Thresholds) -> Vec<PreScore> {
        inputs.iter().map(|i| self.score(i, thresholds)).collect()
    }
}
