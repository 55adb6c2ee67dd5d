//! Allocation-light text assembly for factors: one allocation per string, no `format!` machinery, and a fast
//! path for the one-decimal numbers the scorer prints (identical output to `f64`'s `Display`).

use std::fmt::Write as _;

/// Concatenates `parts` into one exactly-sized `String`.
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// Appends `x` exactly as `format!("{x}")` would.
pub(crate) fn push_num(out: &mut String, x: f64) {
    // Fast path for values with at most one decimal (every score the pre-scorer prints): `Display` gives the
    // shortest representation that reads back as `x`, which for such a value is "I" or "I.D".
    let tenths = super::cvss::round_half_away(x * 10.0);
    if x.is_finite() && tenths.abs() < 1e15 && tenths / 10.0 == x && !(x == 0.0 && x.is_sign_negative()) {
        let n = tenths as i64;
        if n < 0 {
            out.push('-');
        }
        let n = n.unsigned_abs();
        push_u64(out, n / 10);
        if n % 10 != 0 {
            out.push('.');
            out.push((b'0' + (n % 10) as u8) as char);
        }
        return;
    }
    let _ = write!(out, "{x}");
}

/// Appends `x` as `format!("{x:+}")` would.
pub(crate) fn push_signed(out: &mut String, x: f64) {
    if x >= 0.0 && !x.is_sign_negative() {
        out.push('+');
    }
    push_num(out, x);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_display() {
        for x in [
            0.0,
            7.6,
            10.0,
            35.0,
            97.0,
            68.5,
            -17.0,
            -0.5,
            12.000000000000002,
            0.30000000000000004,
            66.666,
            1500.25,
            25000.0,
            1e20,
            3.9,
            100.0,
            0.1,
            72.5,
            -3.3,
        ] {
            let mut s = String::new();
            push_num(&mut s, x);
            assert_eq!(s, format!("{x}"), "{x:?}");
            let mut s = String::from("ab");
            push_signed(&mut s, x);
            assert_eq!(s, format!("ab{x:+}"), "{x:?}");
        }
        assert_eq!(cat(&["a", "", "bc"]), "abc");
    }
}
