// Hand-written (bindings-uniffi/swift-template/Sources/), copied into the package by swift-gen.sh.
// The decision's derived fields (PROTOCOL §6.2). The record is the core's own `AuthorizationDecision`; these read
// its status and promoted keys through the core (one native call each), so Swift never parses the JSON itself.

extension AuthorizationDecision {
    /// `approved`, `pending_approval` or `denied`, derived from `decision`.
    public var status: String { decisionStatus(decision: self) }
    /// The server's own status string (`metadata.raw_status`), else `status`.
    public var rawStatus: String { decisionRawStatus(decision: self) }
    /// The correlation id of the reply, or of the request when the reply had none (D22).
    public var correlationId: String? { decisionCorrelationId(decision: self) }
    /// CVSS v3.1 base score.
    public var cvssScore: Double? { decisionNumber(decision: self, key: "cvss_score") }
    /// Server processing time in milliseconds.
    public var processingTimeMs: Double? { decisionNumber(decision: self, key: "processing_time_ms") }
    /// Whether an alert was raised.
    public var alertTriggered: Bool? { decisionFlag(decision: self, key: "alert_triggered") }
    /// Output findings count.
    public var outputFindingsCount: Int64? { decisionInteger(decision: self, key: "output_findings_count") }
    /// `cvss_severity` as text.
    public var cvssSeverity: String? { decisionText(decision: self, key: "cvss_severity") }
    /// `cvss_vector` as text.
    public var cvssVector: String? { decisionText(decision: self, key: "cvss_vector") }
    /// `mitre_tactic` as text.
    public var mitreTactic: String? { decisionText(decision: self, key: "mitre_tactic") }
    /// `mitre_technique` as text.
    public var mitreTechnique: String? { decisionText(decision: self, key: "mitre_technique") }
    /// `nist_control` as text.
    public var nistControl: String? { decisionText(decision: self, key: "nist_control") }
    /// `nist_description` as text.
    public var nistDescription: String? { decisionText(decision: self, key: "nist_description") }
    /// `alert_id` as text.
    public var alertId: String? { decisionText(decision: self, key: "alert_id") }
    /// `workflow_id` as text.
    public var workflowId: String? { decisionText(decision: self, key: "workflow_id") }
    /// `enforcement_decision` as text.
    public var enforcementDecision: String? { decisionText(decision: self, key: "enforcement_decision") }
    /// `enforcement_decision_source` as text.
    public var enforcementDecisionSource: String? { decisionText(decision: self, key: "enforcement_decision_source") }
    /// `risk_score_source` as text.
    public var riskScoreSource: String? { decisionText(decision: self, key: "risk_score_source") }
    /// `shadow_enforcement_decision` as text.
    public var shadowEnforcementDecision: String? { decisionText(decision: self, key: "shadow_enforcement_decision") }
    /// `shadow_enforcement_decision_source` as text.
    public var shadowEnforcementDecisionSource: String? { decisionText(decision: self, key: "shadow_enforcement_decision_source") }
    /// `code_analysis`, JSON text.
    public var codeAnalysis: String? { decisionJson(decision: self, key: "code_analysis") }
    /// `prompt_security`, JSON text.
    public var promptSecurity: String? { decisionJson(decision: self, key: "prompt_security") }
    /// `mcp_governance`, JSON text.
    public var mcpGovernance: String? { decisionJson(decision: self, key: "mcp_governance") }
    /// `model_governance`, JSON text.
    public var modelGovernance: String? { decisionJson(decision: self, key: "model_governance") }
    /// `policy_decision`, JSON text.
    public var policyDecision: String? { decisionJson(decision: self, key: "policy_decision") }
    /// `matched_policies`, JSON text.
    public var matchedPolicies: String? { decisionJson(decision: self, key: "matched_policies") }
    /// `matched_smart_rules`, JSON text.
    public var matchedSmartRules: String? { decisionJson(decision: self, key: "matched_smart_rules") }
    /// `output_scan_result`, JSON text.
    public var outputScanResult: String? { decisionJson(decision: self, key: "output_scan_result") }
    /// `thresholds`, JSON text.
    public var thresholds: String? { decisionJson(decision: self, key: "thresholds") }
}
