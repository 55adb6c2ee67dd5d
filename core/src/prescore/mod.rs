//! Local risk pre-scoring (issue 3). Placeholder: the full CVSS v3.1 / MITRE / NIST scorer lands here.
