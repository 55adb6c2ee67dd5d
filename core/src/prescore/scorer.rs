//! The pre-scorer: taxonomy tables (built-in or from a rules file), classification and the composite score.

use super::context;
use super::cvss::{CvssScores, CvssVector};
use super::mitre::{self, MitreMapping};
use super::nist::{self, Level};
use super::taxonomy::{self, normalize, Keyword, KeywordIndex};
use super::text::{cat, push_num, push_signed};
use super::{risk_level_of, ActionInput, LocalDecision, PreScore, Thresholds};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
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
    /// ": base risk 85 (high)"
    risk_text: String,
    /// "CVSS 7.6 (High) for data_modification; no contextual change"
    unchanged_cvss_factor: String,
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
        let scores = vector.scores();
        let mut risk_text = String::from(": base risk ");
        push_num(&mut risk_text, risk);
        risk_text.push_str(" (");
        risk_text.push_str(risk_level_of(risk).as_str());
        risk_text.push(')');
        let mut unchanged = String::from("CVSS ");
        push_num(&mut unchanged, scores.score);
        unchanged.push_str(" (");
        unchanged.push_str(scores.severity.as_str());
        unchanged.push_str(") for ");
        unchanged.push_str(&name);
        unchanged.push_str("; no contextual change");
        ActionRule {
            scores,
            vector_text: vector.to_string(),
            tactic_text: mitre.tactic(),
            technique_text: mitre.technique(),
            risk_text,
            unchanged_cvss_factor: unchanged,
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

/// FNV-1a: a fast hash for the short, trusted keys of the name index.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A name or alias in the lookup index, with its classification factor precomputed.
#[derive(Debug, Clone)]
struct NameEntry {
    rule: u16,
    alias: bool,
    factor: Box<str>,
}

/// Taxonomy tables. Built from the built-in table, then edited by a rules file, then frozen by `finish`.
#[derive(Debug, Clone)]
pub(crate) struct Tables {
    pub rules: Vec<ActionRule>,
    /// normalised name or alias -> (rule index, is_alias)
    pub names: BTreeMap<String, (u16, bool)>,
    pub keywords: KeywordIndex,
    pub default_rule: u16,
    pub cvss_weight: f64,
    pub nist_level_points: f64,
    index: HashMap<String, NameEntry, BuildHasherDefault<Fnv>>,
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
            index: HashMap::default(),
        };
        for (k, cat) in taxonomy::KEYWORDS {
            let idx = t.lookup(cat).expect("built-in keyword category").0;
            t.keywords.insert(Keyword::parse(k).expect("built-in keyword"), idx);
        }
        t.default_rule = t.lookup(taxonomy::DEFAULT_CATEGORY).expect("default category").0;
        t.finish();
        t
    }

    /// Rule index of a name or alias (normalised here).
    pub fn lookup(&self, name: &str) -> Option<(u16, bool)> {
        let n = normalize(name);
        self.names.get(n.as_str()).copied()
    }

    /// Builds the hashed name index with the classification factors.
    pub fn finish(&mut self) {
        self.index = self
            .names
            .iter()
            .map(|(name, &(rule, alias))| {
                let r = &self.rules[rule as usize];
                let factor = if alias {
                    cat(&["action type '", name, "' is an alias of ", &r.name, &r.risk_text])
                } else {
                    cat(&["action type '", name, "'", &r.risk_text])
                };
                (name.clone(), NameEntry { rule, alias, factor: factor.into_boxed_str() })
            })
            .collect();
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
    super::cvss::round_half_away(x * 10.0) / 10.0 + 0.0
}

/// The numbers of a pre-score, without any text: [`Prescorer::assess`] allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct Assessment<'a> {
    /// How the action was classified, and into which category.
    pub classification: Classification<'a>,
    /// Composite risk 0–100.
    pub risk_score: f64,
    /// Level of `risk_score`.
    pub risk_level: crate::model::RiskLevel,
    /// Local decision against the thresholds.
    pub decision: LocalDecision,
    /// The contextual CVSS vector and its scores.
    pub cvss: CvssScores,
    /// Risk points from the CVSS difference.
    pub cvss_points: f64,
    /// NIST level shifts from context (likelihood + impact) and their points.
    pub nist_shifts: i32,
    /// Risk points from the NIST shifts.
    pub nist_points: f64,
    /// SP 800-30 likelihood.
    pub likelihood: Level,
    /// SP 800-30 impact.
    pub impact: Level,
    /// SP 800-30 level of risk (Table I-2).
    pub nist_risk: Level,
    /// What the context did.
    pub effects: context::Effects,
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

    pub(crate) fn from_tables(mut t: Tables) -> Prescorer {
        t.finish();
        Prescorer { t: Arc::new(t) }
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
        self.classify_inner(input).0
    }

    fn classify_inner(&self, input: &ActionInput) -> (Classification<'_>, Option<&str>) {
        let t = &*self.t;
        let n = normalize(&input.action_type);
        if let Some(e) = t.index.get(n.as_str()) {
            let by = if e.alias { ClassifiedBy::Alias } else { ClassifiedBy::Type };
            return (
                Classification { rule: &t.rules[e.rule as usize], by, keyword: None, field: None },
                Some(&e.factor),
            );
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
                let c = Classification {
                    rule: &t.rules[hit.rule as usize],
                    by: ClassifiedBy::Keyword,
                    keyword: Some(hit.keyword),
                    field: Some(field),
                };
                return (c, None);
            }
        }
        let c = Classification {
            rule: &t.rules[t.default_rule as usize],
            by: ClassifiedBy::Default,
            keyword: None,
            field: None,
        };
        (c, None)
    }

    fn run<'a>(
        &'a self,
        input: &ActionInput,
        thresholds: &Thresholds,
        factors: Option<&mut Vec<String>>,
    ) -> (Assessment<'a>, Option<&'a str>) {
        let (cls, name_factor) = self.classify_inner(input);
        let rule = cls.rule;
        let effects = context::evaluate(input, &rule.vector, factors);
        let mut vector = rule.vector;
        effects.apply(&mut vector);
        let scores = if vector == rule.vector { rule.scores } else { vector.scores() };

        let cvss_points = round1((scores.environmental_score - rule.scores.environmental_score) * self.t.cvss_weight);
        let nist_shifts = effects.likelihood_shift + effects.impact_shift;
        let nist_points = round1(f64::from(nist_shifts) * self.t.nist_level_points);
        let risk_score = round1((rule.risk + cvss_points + nist_points).clamp(0.0, 100.0));
        let likelihood = Level::likelihood_from_exploitability(scores.modified_exploitability_subscore)
            .shifted(effects.likelihood_shift);
        let impact = Level::impact_from_subscore(scores.modified_impact_subscore).shifted(effects.impact_shift);
        let a = Assessment {
            classification: cls,
            risk_score,
            risk_level: risk_level_of(risk_score),
            decision: thresholds.decide(risk_score),
            cvss: scores,
            cvss_points,
            nist_shifts,
            nist_points,
            likelihood,
            impact,
            nist_risk: nist::risk(likelihood, impact),
            effects,
        };
        (a, name_factor)
    }

    /// The numbers of a pre-score (score, level, decision, CVSS, NIST levels, classification) without building
    /// any text: no allocation. [`Prescorer::score`] gives the same numbers plus the strings and factors.
    pub fn assess(&self, input: &ActionInput, thresholds: &Thresholds) -> Assessment<'_> {
        self.run(input, thresholds, None).0
    }

    /// Scores one action.
    pub fn score(&self, input: &ActionInput, thresholds: &Thresholds) -> PreScore {
        let mut factors: Vec<String> = Vec::with_capacity(8);
        factors.push(String::new()); // classification, filled in below once known
        let (a, name_factor) = self.run(input, thresholds, Some(&mut factors));
        let cls = a.classification;
        let rule = cls.rule;
        factors[0] = match (cls.by, name_factor) {
            (ClassifiedBy::Type | ClassifiedBy::Alias, Some(f)) => f.to_string(),
            (ClassifiedBy::Keyword, _) => cat(&[
                "unrecognised action type '",
                input.action_type.trim(),
                "': keyword '",
                cls.keyword.map(|k| k.written.as_str()).unwrap_or(""),
                "' in ",
                cls.field.unwrap_or(""),
                " suggests ",
                &rule.name,
                &rule.risk_text,
            ]),
            _ => cat(&[
                "unrecognised action type '",
                input.action_type.trim(),
                "' and no keyword matched: default ",
                &rule.name,
                ",",
                &rule.risk_text[1..], // ": base risk 60 (medium)" without the colon
            ]),
        };

        let unchanged = a.cvss.vector == rule.vector;
        factors.push(if unchanged {
            rule.unchanged_cvss_factor.clone()
        } else {
            let mut f = String::with_capacity(96);
            f.push_str("CVSS ");
            push_num(&mut f, rule.scores.score);
            f.push_str(" (");
            f.push_str(rule.scores.severity.as_str());
            f.push_str(") for ");
            f.push_str(&rule.name);
            f.push_str(", ");
            push_num(&mut f, a.cvss.score);
            f.push_str(" (");
            f.push_str(a.cvss.severity.as_str());
            f.push_str(") in this context: ");
            push_signed(&mut f, a.cvss_points);
            f.push_str(" points");
            f
        });
        let mut f = String::with_capacity(112);
        f.push_str("NIST SP 800-30: likelihood ");
        f.push_str(a.likelihood.as_str());
        f.push_str(" x impact ");
        f.push_str(a.impact.as_str());
        f.push_str(" = risk ");
        f.push_str(a.nist_risk.as_str());
        if a.nist_shifts != 0 {
            f.push_str(" (");
            push_signed(&mut f, f64::from(a.nist_shifts));
            f.push_str(" level shifts: ");
            push_signed(&mut f, a.nist_points);
            f.push_str(" points)");
        }
        factors.push(f);

        let mut f = String::with_capacity(64);
        f.push_str("risk ");
        push_num(&mut f, a.risk_score);
        match a.decision {
            LocalDecision::Denied => {
                f.push_str(" >= deny threshold ");
                push_num(&mut f, thresholds.deny_at.unwrap_or(f64::NAN));
                f.push_str(": denied");
            }
            LocalDecision::Allowed => {
                f.push_str(" < auto-approve threshold ");
                push_num(&mut f, thresholds.auto_approve_below);
                f.push_str(": allowed");
            }
            LocalDecision::Pending => {
                f.push_str(" >= auto-approve threshold ");
                push_num(&mut f, thresholds.auto_approve_below);
                f.push_str(": pending human review");
            }
        }
        factors.push(f);

        let mut nist_controls = Vec::with_capacity(rule.nist_controls.len() + 2);
        nist_controls.extend(rule.nist_controls.iter().cloned());
        for c in a.effects.controls() {
            if !nist_controls.iter().any(|x| x == c) {
                nist_controls.push(c.to_string());
            }
        }
        let cvss_vector = if unchanged {
            rule.vector_text.clone()
        } else {
            let mut s = String::with_capacity(rule.vector_text.len() + 32);
            a.cvss.vector.write_to(&mut s);
            s
        };

        PreScore {
            risk_score: a.risk_score,
            risk_level: a.risk_level,
            cvss_score: a.cvss.score,
            cvss_vector,
            cvss_severity: a.cvss.severity.as_str().to_string(),
            cvss_base_score: rule.scores.base_score,
            mitre_tactic: rule.tactic_text.clone(),
            mitre_technique: rule.technique_text.clone(),
            nist_control: rule.nist_controls.first().cloned().unwrap_or_default(),
            nist_controls,
            nist_likelihood: a.likelihood.as_str().to_string(),
            nist_impact: a.impact.as_str().to_string(),
            factors,
            decision: a.decision,
            action_category: rule.name.clone(),
            classified_by: cls.by,
            matched_keyword: cls.keyword.map(|k| k.written.clone()),
        }
    }

    /// Scores many actions, in input order.
    pub fn score_batch(&self, inputs: &[ActionInput], thresholds: &Thresholds) -> Vec<PreScore> {
        inputs.iter().map(|i| self.score(i, thresholds)).collect()
    }
}
