//! Webhook secrets: validation and key derivation, without ever exposing the secret in an error.
//!
//! * Standard Webhooks: a secret `whsec_<base64>` is base64-decoded; any other secret is used as its UTF-8 bytes.
//! * ASCEND v1 (both forms): the key is always the UTF-8 bytes of the secret (PROTOCOL §2.5).
//! * A secret given as bytes (DECISIONS D25) is one key, used verbatim in every scheme (no `whsec_` decoding),
//!   never a sequence of keys.

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

/// One webhook secret as given (D25): text, or bytes that are one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretRef<'a> {
    /// Text: `whsec_<base64>` is decoded for Standard Webhooks; otherwise its UTF-8 bytes.
    Text(&'a str),
    /// Bytes: the HMAC key itself, in every scheme.
    Bytes(&'a [u8]),
}

impl SecretRef<'_> {
    fn is_empty(&self) -> bool {
        match self {
            SecretRef::Text(s) => s.is_empty(),
            SecretRef::Bytes(b) => b.is_empty(),
        }
    }
}

/// An owned webhook secret (D25), for bindings that receive text or bytes (Kotlin `WebhookSecret.Text` /
/// `WebhookSecret.Bytes`, Swift `.text` / `.bytes` through the `uniffi` feature).
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum WebhookSecret {
    /// A text secret.
    Text(String),
    /// A bytes secret: one key.
    Bytes(Vec<u8>),
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // D19: never the secret itself.
        f.write_str(match self {
            WebhookSecret::Text(_) => "WebhookSecret::Text(***)",
            WebhookSecret::Bytes(_) => "WebhookSecret::Bytes(***)",
        })
    }
}

/// Anything usable as one webhook secret: `str`/`String` are text, `[u8]`/`Vec<u8>` are one bytes key.
pub trait AsWebhookSecret {
    /// This secret as text or bytes.
    fn as_secret(&self) -> SecretRef<'_>;
}

impl AsWebhookSecret for str {
    fn as_secret(&self) -> SecretRef<'_> {
        SecretRef::Text(self)
    }
}
impl AsWebhookSecret for String {
    fn as_secret(&self) -> SecretRef<'_> {
        SecretRef::Text(self)
    }
}
impl AsWebhookSecret for [u8] {
    fn as_secret(&self) -> SecretRef<'_> {
        SecretRef::Bytes(self)
    }
}
impl AsWebhookSecret for Vec<u8> {
    fn as_secret(&self) -> SecretRef<'_> {
        SecretRef::Bytes(self)
    }
}
impl AsWebhookSecret for WebhookSecret {
    fn as_secret(&self) -> SecretRef<'_> {
        match self {
            WebhookSecret::Text(s) => SecretRef::Text(s),
            WebhookSecret::Bytes(b) => SecretRef::Bytes(b),
        }
    }
}
impl<T: AsWebhookSecret + ?Sized> AsWebhookSecret for &T {
    fn as_secret(&self) -> SecretRef<'_> {
        (**self).as_secret()
    }
}

/// A `secret` argument as a host language gave it, before the type rule of D25 ([`SecretInput::into_secrets`]).
#[derive(Clone, PartialEq, Eq)]
pub enum SecretInput {
    /// A text value (`str`, `string`).
    Text(String),
    /// A bytes value (`bytes`, `Buffer`, `ByteArray`): one key.
    Bytes(Vec<u8>),
    /// A list or tuple of values.
    List(Vec<SecretInput>),
    /// Anything else, by its type name in the host language (`int`, `dict`, `NoneType`, ...).
    Other(String),
}

impl std::fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind()) // D19: never the secret itself.
    }
}

/// What D25 accepts, for `field_errors`.
const SECRET_RULE: &str = "Must be str or bytes, or a list/tuple of str/bytes";

impl SecretInput {
    fn kind(&self) -> &str {
        match self {
            SecretInput::Text(_) => "text",
            SecretInput::Bytes(_) => "bytes",
            SecretInput::List(_) => "a list",
            SecretInput::Other(k) => k,
        }
    }

    fn one(self) -> Option<WebhookSecret> {
        match self {
            SecretInput::Text(s) => Some(WebhookSecret::Text(s)),
            SecretInput::Bytes(b) => Some(WebhookSecret::Bytes(b)),
            SecretInput::List(_) | SecretInput::Other(_) => None,
        }
    }

    /// D25: text or bytes is one secret (bytes are one key, never a sequence of keys); a list holds text or bytes
    /// values (several secrets, for rotation); anything else is a `VALIDATION_ERROR` naming `field`, never
    /// echoing a value.
    pub fn into_secrets(self, field: &str) -> Result<Vec<WebhookSecret>> {
        let kind: String = self.kind().chars().filter(|c| !c.is_control()).take(40).collect();
        match self {
            SecretInput::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let kind: String = item.kind().chars().filter(|c| !c.is_control()).take(40).collect();
                    item.one().ok_or_else(|| {
                        Error::validation(
                            field,
                            SECRET_RULE,
                            format!("{field} item #{} is {kind}, not str or bytes", i + 1),
                        )
                    })
                })
                .collect(),
            other => other.one().map(|s| vec![s]).ok_or_else(|| {
                Error::validation(
                    field,
                    SECRET_RULE,
                    format!("{field} must be str or bytes, or a list/tuple of str/bytes, got {kind}"),
                )
            }),
        }
    }
}

/// Checks the list of secrets: at least one, none empty. Messages name the position, never the value.
pub(crate) fn check_secrets<S: AsWebhookSecret>(secrets: &[S]) -> Result<()> {
    if secrets.is_empty() {
        return Err(Error::new(ErrorCode::ConfigurationError, "no webhook secret was given")
            .with_detail("field", "secrets".into()));
    }
    for (i, s) in secrets.iter().enumerate() {
        if s.as_secret().is_empty() {
            return Err(Error::new(ErrorCode::ConfigurationError, format!("webhook secret #{} is empty", i + 1))
                .with_detail("field", "secrets".into())
                .with_detail("index", i.into()));
        }
    }
    Ok(())
}

/// The HMAC key of a Standard Webhooks secret (text `whsec_` + base64 is decoded; other text is its UTF-8
/// bytes; bytes are the key).
pub(crate) fn standard_key(secret: SecretRef<'_>, index: usize) -> Result<Cow<'_, [u8]>> {
    let secret = match secret {
        SecretRef::Bytes(b) => return Ok(Cow::Borrowed(b)),
        SecretRef::Text(s) => s,
    };
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

/// The HMAC key of an ASCEND v1 secret: its UTF-8 bytes (or the bytes given), verbatim.
pub(crate) fn ascend_key(secret: SecretRef<'_>) -> &[u8] {
    match secret {
        SecretRef::Text(s) => s.as_bytes(),
        SecretRef::Bytes(b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whsec_is_decoded_and_plain_secrets_are_bytes() {
        let t = SecretRef::Text;
        assert_eq!(standard_key(t("whsec_AAEC"), 0).unwrap().as_ref(), &[0u8, 1, 2]);
        assert_eq!(standard_key(t("whsec_AAE"), 0).unwrap().as_ref(), &[0u8, 1]);
        assert_eq!(standard_key(t("plain"), 0).unwrap().as_ref(), b"plain");
        assert_eq!(ascend_key(t("whsec_AAEC")), b"whsec_AAEC");
        // D25: bytes are one key, verbatim, in every scheme.
        assert_eq!(standard_key(SecretRef::Bytes(b"whsec_AAEC"), 0).unwrap().as_ref(), b"whsec_AAEC");
        assert_eq!(ascend_key(SecretRef::Bytes(&[0xff, 0])), &[0xff, 0]);
        assert!(check_secrets(&[WebhookSecret::Bytes(vec![])]).is_err());
        assert_eq!(format!("{:?}", WebhookSecret::Text("s3cret".into())), "WebhookSecret::Text(***)");
    }

    #[test]
    fn d25_secret_inputs() {
        let b = SecretInput::Bytes(b"my-long-secret".to_vec());
        assert_eq!(b.into_secrets("secret").unwrap(), vec![WebhookSecret::Bytes(b"my-long-secret".to_vec())]);
        let l = SecretInput::List(vec![SecretInput::Text("a".into()), SecretInput::Bytes(vec![1])]);
        assert_eq!(l.into_secrets("secret").unwrap().len(), 2);
        for bad in [
            SecretInput::Other("int".into()),
            SecretInput::List(vec![SecretInput::Other("int".into())]),
            SecretInput::List(vec![SecretInput::List(vec![])]),
        ] {
            let e = bad.into_secrets("secret").unwrap_err();
            assert_eq!(e.code, ErrorCode::ValidationError);
            assert!(e.field_errors().unwrap().contains_key("secret"));
        }
        let e = SecretInput::List(vec![SecretInput::Text("s3cret".into()), SecretInput::Other("dict".into())])
            .into_secrets("secret")
            .unwrap_err();
        assert!(e.message.contains("#2 is dict") && !e.message.contains("s3cret"), "{}", e.message);
    }

    #[test]
    fn bad_secrets_never_echo_the_secret() {
        let e = standard_key(SecretRef::Text("whsec_not*base64!"), 2).unwrap_err();
        assert_eq!(e.code, ErrorCode::ConfigurationError);
        assert!(!e.to_string().contains("not*base64"));
        assert!(e.message.contains("#3"));
        assert!(standard_key(SecretRef::Text("whsec_"), 0).is_err());
        assert!(check_secrets::<String>(&[]).is_err());
        assert!(check_secrets(&["a", ""]).is_err());
        assert!(check_secrets(&["a"]).is_ok());
    }

    #[test]
    fn input_kinds_are_shown_without_control_characters_and_never_the_value() {
        assert_eq!(format!("{:?}", SecretInput::Text("s3cret".into())), "text");
        assert_eq!(format!("{:?}", SecretInput::Bytes(b"s3cret".to_vec())), "bytes");
        let e = SecretInput::Other("in\nt".into()).into_secrets("secret").unwrap_err();
        assert!(e.message.ends_with("got int"), "{}", e.message);
        let e = SecretInput::List(vec![SecretInput::Other("di\nct".into())]).into_secrets("secret").unwrap_err();
        assert!(e.message.contains("#1 is dict,"), "{}", e.message);
    }
}
