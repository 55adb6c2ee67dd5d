//! Local risk pre-scoring (issue 3). CVSS v3.1 lands first; the taxonomy and the composite score follow.

pub mod cvss;
