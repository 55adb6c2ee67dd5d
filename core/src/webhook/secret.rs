//! Webhook secrets: validation and key derivation, without ever exposing the secret in an error.
//!
//! * Standard Webhooks: a secret `whsec_<base64>` is base64-decoded; any other secret is used as its UTF-8 bytes.
//! * ASCEND v1 (both forms): the key is always the UTF-8 bytes of the secret (PROTOCOL §2.5).

use crate::{Error, ErrorCode, Result};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, Engine};
use std::borrow::Cow;

/// Prefix of a base64-serialised Standard Webhooks secret.
pub const WHSEC_PREFIX: &str = "whsec_";

/// Standard alphabet, padding optional on input, padding written on output.
pub(crate) const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Checks the list of secrets: at least one, none empty. Messages name the position, never the value.
pub(crate) fn check_secrets<S: AsRef<str>>(secrets: &[S]) -> Result<()> {
    if secrets.is_empty() {
        return Err(Error::new(ErrorCode::ConfigurationError, "no webhook secret was given")
            .with_detail("field", "secrets".into()));
    }
    for (i, s) in secrets.iter().enumerate() {
        if s.as_ref().is_empty() {
            return Err(Error::new(ErrorCode::ConfigurationError, format!("webhook secret #{} is empty", i + 1))
                .with_detail("field", "secrets".into())
                .with_detail("index", i.into()));
        }
    }
    Ok(())
}

/// The HMAC key of a Standard Webhooks secret (`whsec_` + base64 is decoded; anything else is UTF-8 bytes).
pub(crate) fn standard_key(secret: &str, index: usize) -> Result<Cow<'_, [u8]>> {
    match secret.strip_prefix(WHSEC_PREFIX) {
        Some(b64) => match B64.decode(b64) {
            Ok(key) if !key.is_empty() => Ok(Cow::Owned(key)),
            _ => Err(Error::new(
                ErrorCode::ConfigurationError,
                format!("webhook secret #{} starts with `whsec_` but the rest is not non-empty base64", index + 1),
            )
            .with_detail("field", "secrets".into())
            .with_detail("index", index.into())),
        },
        None => Ok(Cow::Borrowed(secret.as_bytes())),
    }
}

/// The HMAC key of an ASCEND v1 secret: its UTF-8 bytes, verbatim.
pub(crate) fn ascend_key(secret: &str) -> &[u8] {
    secret.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whsec_is_decoded_and_plain_secrets_are_bytes() {
        assert_eq!(standard_key("whsec_AAEC", 0).unwrap().as_ref(), &[0u8, 1, 2]);
        assert_eq!(standard_key("whsec_AAE", 0).unwrap().as_ref(), &[0u8, 1]);
        assert_eq!(standard_key("plain", 0).unwrap().as_ref(), b"plain");
        assert_eq!(ascend_key("whsec_AAEC"), b"whsec_AAEC");
    }

    #[test]
    fn bad_secrets_never_echo_the_secret() {
        let e = standard_key("whsec_not*base64!", 2).unwrap_err();
        assert_eq!(e.code, ErrorCode::ConfigurationError);
        assert!(!e.to_string().contains("not*base64"));
        assert!(e.message.contains("#3"));
        assert!(standard_key("whsec_", 0).is_err());
        assert!(check_secrets::<String>(&[]).is_err());
        assert!(check_secrets(&["a", ""]).is_err());
        assert!(check_secrets(&["a"]).is_ok());
    }
}
