//! HMAC-SHA256 over a message given in parts, and constant-time comparison.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Length of an HMAC-SHA256 tag.
pub(crate) const MAC_LEN: usize = 32;

/// A raw HMAC-SHA256 tag.
pub(crate) type Tag = [u8; MAC_LEN];

/// HMAC-SHA256 of the concatenation of `parts` (no copy of the body is made).
pub(crate) fn hmac_parts(key: &[u8], parts: &[&[u8]]) -> Tag {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// True when `computed` equals any candidate, comparing each candidate in constant time.
pub(crate) fn matches_any(computed: &Tag, candidates: &[Tag]) -> bool {
    let mut found = subtle::Choice::from(0u8);
    for c in candidates {
        found |= computed.ct_eq(c);
    }
    found.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        let tag = hmac_parts(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex::encode(tag), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(matches_any(&tag, &[[0; 32], tag]));
        assert!(!matches_any(&tag, &[[0; 32]]));
        assert!(!matches_any(&tag, &[]));
    }
}
