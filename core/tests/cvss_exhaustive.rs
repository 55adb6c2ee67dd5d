//! Exhaustive check of `ascend_core::prescore::cvss` against a second, independent CVSS v3.1 implementation
//! written here directly from the FIRST specification (§7.1–7.4 formulas, Appendix A Roundup), in a different
//! style (string-keyed weight tables, no shared code with the library).
//!
//! * all 2,592 base vectors: base, temporal and environmental score and severity;
//! * all 2,592 × 100 base × temporal combinations (259,200 vectors);
//! * 12,288 environmental combinations (CR, IR, AR, MS, MC, MI, MA) on each of 16 base vectors;
//! * 100,000 pseudo-random full vectors with shuffled metric order and explicit `X` values;
//! * 24 vectors whose scores were taken from an unrelated implementation (the `cvss` 3.6 package on PyPI),
//!   which anchors the reference below to the outside world.

use ascend_core::prescore::cvss;

const BASE: [(&str, &[&str]); 8] = [
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "R"]),
    ("S", &["U", "C"]),
    ("C", &["H", "L", "N"]),
    ("I", &["H", "L", "N"]),
    ("A", &["H", "L", "N"]),
];
const TEMPORAL: [(&str, &[&str]); 3] =
    [("E", &["X", "H", "F", "P", "U"]), ("RL", &["X", "U", "W", "T", "O"]), ("RC", &["X", "C", "R", "U"])];
const ENVIRONMENTAL: [(&str, &[&str]); 11] = [
    ("CR", &["X", "H", "M", "L"]),
    ("IR", &["X", "H", "M", "L"]),
    ("AR", &["X", "H", "M", "L"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "R"]),
    ("MS", &["X", "U", "C"]),
    ("MC", &["X", "H", "L", "N"]),
    ("MI", &["X", "H", "L", "N"]),
    ("MA", &["X", "H", "L", "N"]),
];

/// Reference implementation: takes a metric -> value lookup.
mod reference {
    pub fn roundup(input: f64) -> f64 {
        let int_input = (input * 100000.0).round() as i64;
        if int_input % 10000 == 0 {
            int_input as f64 / 100000.0
        } else {
            ((int_input as f64 / 10000.0).floor() + 1.0) / 10.0
        }
    }

    fn weight(metric: &str, value: &str, scope_changed: bool) -> f64 {
        let table: &[(&str, f64)] = match metric {
            "AV" => &[("N", 0.85), ("A", 0.62), ("L", 0.55), ("P", 0.2)],
            "AC" => &[("L", 0.77), ("H", 0.44)],
            "PR" if scope_changed => &[("N", 0.85), ("L", 0.68), ("H", 0.5)],
            "PR" => &[("N", 0.85), ("L", 0.62), ("H", 0.27)],
            "UI" => &[("N", 0.85), ("R", 0.62)],
            "C" | "I" | "A" => &[("H", 0.56), ("L", 0.22), ("N", 0.0)],
            "E" => &[("X", 1.0), ("H", 1.0), ("F", 0.97), ("P", 0.94), ("U", 0.91)],
            "RL" => &[("X", 1.0), ("U", 1.0), ("W", 0.97), ("T", 0.96), ("O", 0.95)],
            "RC" => &[("X", 1.0), ("C", 1.0), ("R", 0.96), ("U", 0.92)],
            "CR" | "IR" | "AR" => &[("X", 1.0), ("H", 1.5), ("M", 1.0), ("L", 0.5)],
            _ => panic!("no weights for {metric}"),
        };
        table.iter().find(|(v, _)| *v == value).unwrap_or_else(|| panic!("{metric}:{value}")).1
    }

    pub struct Scores {
        pub base: f64,
        pub temporal: f64,
        pub environmental: f64,
    }

    fn modified_name(k: &str) -> &'static str {
        match k {
            "AV" => "MAV",
            "AC" => "MAC",
            "PR" => "MPR",
            "UI" => "MUI",
            "S" => "MS",
            "C" => "MC",
            "I" => "MI",
            "A" => "MA",
            _ => panic!("{k} has no modified form"),
        }
    }

    pub fn scores(m: &[(&str, &str)]) -> Scores {
        let get = |k: &str| m.iter().find(|(mk, _)| *mk == k).map(|(_, v)| *v).unwrap_or("X");
        let modified = |k: &str| {
            let v = get(modified_name(k));
            if v == "X" {
                get(k)
            } else {
                v
            }
        };
        // base
        let sc = get("S") == "C";
        let iss = 1.0
            - ((1.0 - weight("C", get("C"), sc))
                * (1.0 - weight("I", get("I"), sc))
                * (1.0 - weight("A", get("A"), sc)));
        let impact = if sc { 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powf(15.0) } else { 6.42 * iss };
        let expl = 8.22
            * weight("AV", get("AV"), sc)
            * weight("AC", get("AC"), sc)
            * weight("PR", get("PR"), sc)
            * weight("UI", get("UI"), sc);
        let base = if impact <= 0.0 {
            0.0
        } else if sc {
            roundup((1.08 * (impact + expl)).min(10.0))
        } else {
            roundup((impact + expl).min(10.0))
        };
        // temporal
        let t = weight("E", get("E"), sc) * weight("RL", get("RL"), sc) * weight("RC", get("RC"), sc);
        let temporal = roundup(base * t);
        // environmental
        let msc = modified("S") == "C";
        let miss = (1.0
            - ((1.0 - weight("CR", get("CR"), msc) * weight("C", modified("C"), msc))
                * (1.0 - weight("IR", get("IR"), msc) * weight("I", modified("I"), msc))
                * (1.0 - weight("AR", get("AR"), msc) * weight("A", modified("A"), msc))))
        .min(0.915);
        let mimpact = if msc { 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powf(13.0) } else { 6.42 * miss };
        let mexpl = 8.22
            * weight("AV", modified("AV"), msc)
            * weight("AC", modified("AC"), msc)
            * weight("PR", modified("PR"), msc)
            * weight("UI", modified("UI"), msc);
        let environmental = if mimpact <= 0.0 {
            0.0
        } else if msc {
            roundup(roundup((1.08 * (mimpact + mexpl)).min(10.0)) * t)
        } else {
            roundup(roundup((mimpact + mexpl).min(10.0)) * t)
        };
        Scores { base, temporal, environmental }
    }

    pub fn severity(score: f64) -> &'static str {
        if score == 0.0 {
            "None"
        } else if score <= 3.9 {
            "Low"
        } else if score <= 6.9 {
            "Medium"
        } else if score <= 8.9 {
            "High"
        } else {
            "Critical"
        }
    }
}

type Pairs = Vec<(&'static str, &'static str)>;

fn vector_of(pairs: &[(&str, &str)]) -> String {
    let mut s = String::with_capacity(128);
    s.push_str("CVSS:3.1");
    for (k, v) in pairs {
        s.push('/');
        s.push_str(k);
        s.push(':');
        s.push_str(v);
    }
    s
}

fn all_base() -> Vec<Pairs> {
    let mut out: Vec<Pairs> = vec![vec![]];
    for (m, values) in BASE {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push((m, *v));
                    p
                })
            })
            .collect();
    }
    out
}

/// Compares library and reference on one vector; returns a description of any difference.
fn compare(pairs: &[(&str, &str)]) -> Result<(), String> {
    let text = vector_of(pairs);
    let lib = cvss::score(&text).map_err(|e| format!("{text}: library rejected it: {e}"))?;
    let r = reference::scores(pairs);
    let mine = (lib.base_score, lib.temporal_score, lib.environmental_score);
    let theirs = (r.base, r.temporal, r.environmental);
    if mine != theirs {
        return Err(format!("{text}: library {mine:?} != reference {theirs:?}"));
    }
    for (score, sev) in [
        (lib.base_score, lib.base_severity),
        (lib.temporal_score, lib.temporal_severity),
        (lib.environmental_score, lib.environmental_severity),
    ] {
        if sev.as_str() != reference::severity(score) {
            return Err(format!("{text}: severity {sev} for {score}"));
        }
    }
    Ok(())
}

#[test]
fn every_base_vector() {
    let all = all_base();
    assert_eq!(all.len(), 2592);
    let failures: Vec<String> = all.iter().filter_map(|p| compare(p).err()).collect();
    assert!(failures.is_empty(), "{} mismatches, first: {:?}", failures.len(), &failures[..failures.len().min(5)]);
}

#[test]
fn every_base_times_every_temporal_combination() {
    let mut n = 0;
    let mut failures = Vec::new();
    for base in all_base() {
        for e in TEMPORAL[0].1 {
            for rl in TEMPORAL[1].1 {
                for rc in TEMPORAL[2].1 {
                    let mut p = base.clone();
                    p.push(("E", *e));
                    p.push(("RL", *rl));
                    p.push(("RC", *rc));
                    n += 1;
                    if let Err(f) = compare(&p) {
                        failures.push(f);
                    }
                }
            }
        }
    }
    assert_eq!(n, 259_200);
    assert!(failures.is_empty(), "{} mismatches, first: {:?}", failures.len(), &failures[..failures.len().min(5)]);
}

#[test]
fn environmental_requirement_and_impact_grid() {
    let all = all_base();
    let mut n = 0;
    let mut failures = Vec::new();
    // 16 spread-out base vectors, both scopes.
    for base in all.iter().step_by(all.len() / 16) {
        for cr in ENVIRONMENTAL[0].1 {
            for ir in ENVIRONMENTAL[1].1 {
                for ar in ENVIRONMENTAL[2].1 {
                    for ms in ENVIRONMENTAL[7].1 {
                        for mc in ENVIRONMENTAL[8].1 {
                            for mi in ENVIRONMENTAL[9].1 {
                                for ma in ENVIRONMENTAL[10].1 {
                                    let mut p = base.clone();
                                    p.extend([
                                        ("CR", *cr),
                                        ("IR", *ir),
                                        ("AR", *ar),
                                        ("MS", *ms),
                                        ("MC", *mc),
                                        ("MI", *mi),
                                        ("MA", *ma),
                                    ]);
                                    n += 1;
                                    if let Err(f) = compare(&p) {
                                        failures.push(f);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(n, 16 * 12_288);
    assert!(failures.is_empty(), "{} mismatches, first: {:?}", failures.len(), &failures[..failures.len().min(5)]);
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_full_vectors_in_random_order() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut failures = Vec::new();
    for _ in 0..100_000 {
        let mut p: Pairs = Vec::new();
        for (m, values) in BASE {
            p.push((m, values[rng.below(values.len())]));
        }
        for (m, values) in TEMPORAL.iter().chain(ENVIRONMENTAL.iter()) {
            if rng.below(10) < 7 {
                p.push((m, values[rng.below(values.len())]));
            }
        }
        for i in (1..p.len()).rev() {
            p.swap(i, rng.below(i + 1));
        }
        if let Err(f) = compare(&p) {
            failures.push(f);
        }
    }
    assert!(failures.is_empty(), "{} mismatches, first: {:?}", failures.len(), &failures[..failures.len().min(5)]);
}

/// (vector, base, temporal, environmental) as computed by the `cvss` 3.6 Python package.
const EXTERNAL: &[(&str, f64, f64, f64)] = &[
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:H/A:L/E:P/RL:U/RC:U/CR:M/IR:H/AR:L/MAV:N/MAC:H/MPR:N/MUI:N/MS:U/MC:H/MI:H/MA:H", 6.1, 5.3, 7.1),
    ("CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:L/E:H/RC:R/CR:L/AR:L/MAV:L/MAC:H/MUI:N/MS:C/MC:L/MI:L/MA:H", 5.9, 5.7, 5.2),
    ("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:N/I:L/A:H/RC:C/CR:H/AR:H/MAC:H/MUI:R/MS:U/MC:N/MA:N", 6.5, 6.5, 2.6),
    ("CVSS:3.1/AV:P/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:N/E:P/CR:M/AR:M/MAC:L/MPR:H/MUI:R/MC:L/MI:L/MA:H", 2.9, 2.8, 4.7),
    ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:N/I:N/A:L/E:H/RL:U/RC:U/IR:L/AR:L/MAV:A/MAC:H/MPR:N/MS:U/MC:L/MI:L/MA:L", 3.2, 3.0, 3.8),
    ("CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:U/C:H/I:H/A:N/E:F/RL:T/RC:U/IR:L/AR:L/MAC:L/MPR:L/MUI:N/MS:U/MC:H/MI:N/MA:N", 5.5, 4.8, 3.7),
    ("CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:N/I:L/A:L/CR:L/IR:M/AR:H/MPR:N/MUI:R/MS:U/MC:H/MA:H", 3.1, 3.1, 7.1),
    ("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:N/I:H/A:L/RL:W/RC:C/CR:M/AR:L/MAV:A/MAC:H/MUI:R/MS:C/MC:H/MI:N", 6.7, 6.5, 5.4),
    ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:L/A:H/E:P/RC:C/CR:L/IR:H/AR:M/MAV:P/MUI:N/MS:U/MA:N", 8.3, 7.9, 3.8),
    ("CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N/E:H/RC:C/CR:L/IR:L/AR:H/MAV:N/MAC:L/MPR:L/MUI:R/MS:U/MC:L", 3.5, 3.5, 2.8),
    ("CVSS:3.1/AV:A/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L/E:P/RL:T/RC:U/IR:H/AR:M/MAV:A/MPR:N/MUI:R/MS:U/MC:L/MA:L", 4.6, 3.9, 4.2),
    ("CVSS:3.1/AV:A/AC:H/PR:L/UI:N/S:C/C:H/I:L/A:N/E:U/RL:W/RC:U/CR:L/AR:M/MAV:A/MAC:L/MS:C/MC:H/MA:H", 6.5, 5.3, 6.8),
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:H/A:L/RL:W/RC:U/CR:L/IR:M/MAV:L/MAC:L/MPR:N/MC:N/MI:L/MA:H", 6.6, 5.9, 6.1),
    ("CVSS:3.1/AV:A/AC:H/PR:L/UI:N/S:C/C:L/I:H/A:L/E:U/RC:U/CR:L/AR:H/MAV:P/MAC:H/MUI:N/MC:H/MA:L", 7.1, 6.0, 5.6),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:H/A:H/E:H/RC:R/CR:H/IR:M/AR:M/MAV:L/MAC:H/MUI:N/MS:C/MC:N/MI:L/MA:L", 10.0, 9.6, 4.4),
    ("CVSS:3.1/AV:A/AC:L/PR:H/UI:N/S:U/C:L/I:H/A:H/E:U/RL:W/RC:U/CR:H/AR:H/MAC:H/MUI:R/MC:N", 6.4, 5.2, 5.2),
    ("CVSS:3.1/AV:P/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H/E:F/RC:R/CR:H/IR:H/AR:M/MAV:P/MUI:N/MS:U/MI:N", 6.2, 5.8, 5.8),
    ("CVSS:3.1/AV:A/AC:L/PR:N/UI:R/S:C/C:L/I:H/A:L/RL:O/RC:C/CR:H/IR:M/AR:H/MAV:A/MAC:L/MPR:H/MUI:N/MS:C/MI:L/MA:N", 8.0, 7.6, 5.3),
    ("CVSS:3.1/AV:A/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:H/RC:R/CR:L/IR:L/AR:H/MAV:L/MAC:H/MS:C/MC:N/MI:L/MA:L", 5.9, 5.7, 4.1),
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:H/A:L/E:F/RC:U/AR:M/MAV:P/MPR:L/MI:N", 7.3, 6.6, 3.3),
    ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:N/I:L/A:H/RC:U/IR:H/AR:H/MAV:P/MAC:L/MPR:L/MUI:N/MS:C/MC:L/MI:H", 7.1, 6.6, 6.9),
    ("CVSS:3.1/AV:L/AC:H/PR:H/UI:N/S:C/C:L/I:N/A:N/E:P/RL:O/RC:R/CR:M/MAV:A/MAC:L/MPR:L/MUI:R/MS:C/MI:N", 2.5, 2.2, 3.0),
    ("CVSS:3.1/AV:P/AC:H/PR:L/UI:N/S:C/C:L/I:L/A:H/E:F/RL:T/RC:U/CR:H/IR:M/MAC:L/MPR:L/MS:U/MC:H", 6.2, 5.4, 5.7),
    ("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H/RC:R/CR:L/IR:L/AR:L/MAV:L/MPR:H/MUI:N/MS:C/MC:H/MI:L/MA:H", 6.5, 6.3, 5.6),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, 10.0, 10.0),
];

#[test]
fn external_anchor_values() {
    for (v, b, t, e) in EXTERNAL {
        let lib = cvss::score(v).unwrap();
        assert_eq!((lib.base_score, lib.temporal_score, lib.environmental_score), (*b, *t, *e), "{v}");
        let pairs: Vec<(&str, &str)> =
            v["CVSS:3.1/".len()..].split('/').map(|kv| kv.split_once(':').unwrap()).collect();
        let r = reference::scores(&pairs);
        assert_eq!((r.base, r.temporal, r.environmental), (*b, *t, *e), "reference disagrees on {v}");
    }
}

#[test]
fn reference_roundup_matches_the_specification_examples() {
    assert_eq!(reference::roundup(4.02), 4.1);
    assert_eq!(reference::roundup(4.00), 4.0);
    assert_eq!(reference::roundup(4.000000000000001), 4.0);
    assert_eq!(cvss::roundup(4.02), 4.1);
}
