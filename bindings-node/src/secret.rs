//! A JavaScript webhook `secret` argument as the core's [`SecretInput`] (DECISIONS D25). This module only says what
//! JavaScript type a value has: a string is text, a `Uint8Array` (a `Buffer` included) or an `ArrayBuffer` is bytes,
//! an array is a list (its items are never descended into), anything else is named by its type. The rule (bytes are
//! one key, what a list may hold, the `ValidationError` naming the parameter) is the core's
//! ([`SecretInput::into_secrets`]).

use ascend_core::webhook::{SecretInput, WebhookSecret};
use napi::bindgen_prelude::{Array, ArrayBuffer, FromNapiValue, JsValue, Uint8Array, Unknown, ValueType};

/// The secrets of the argument named `field`, or the core's `VALIDATION_ERROR` naming it (as a thrown projection).
pub fn webhook_secrets(value: Unknown<'_>, field: &str) -> napi::Result<Vec<WebhookSecret>> {
    secret_input(value)?.into_secrets(field).map_err(crate::errors::to_js)
}

/// The value as the core's [`SecretInput`]: an array is a list of scalars, anything else one scalar.
pub fn secret_input(value: Unknown<'_>) -> napi::Result<SecretInput> {
    if value.get_type()? == ValueType::Object && value.is_array()? {
        let array = Array::from_unknown(value)?;
        let items = (0..array.len())
            .map(|i| match array.get::<Unknown<'_>>(i)? {
                Some(item) => scalar(item),
                None => Ok(SecretInput::Other("undefined".into())),
            })
            .collect::<napi::Result<Vec<_>>>()?;
        return Ok(SecretInput::List(items));
    }
    scalar(value)
}

/// One value: text, bytes, or its JavaScript type's name (an array here is an array inside the list: refused).
fn scalar(value: Unknown<'_>) -> napi::Result<SecretInput> {
    let kind = match value.get_type()? {
        ValueType::String => return Ok(SecretInput::Text(String::from_unknown(value)?)),
        ValueType::Object if value.is_typedarray()? => match Uint8Array::from_unknown(value) {
            Ok(bytes) => return Ok(SecretInput::Bytes(bytes.to_vec())),
            Err(_) => "a typed array that is not a Uint8Array",
        },
        ValueType::Object if value.is_arraybuffer()? => {
            return Ok(SecretInput::Bytes(ArrayBuffer::from_unknown(value)?.to_vec()))
        }
        ValueType::Object if value.is_array()? => "an array",
        ValueType::Object => "an object",
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::Symbol => "symbol",
        ValueType::Function => "function",
        ValueType::BigInt => "bigint",
        _ => "an unsupported value",
    };
    Ok(SecretInput::Other(kind.into()))
}
