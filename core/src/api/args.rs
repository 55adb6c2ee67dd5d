//! Keyword arguments of one call: checked against the method table ([`prepare`]: unknown names, JSON types,
//! required parameters, defaults), then read with typed accessors that name the offending parameter.

use super::table::{MethodSpec, ParamType};
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// A `VALIDATION_ERROR` saying that `name` must be `want` ("a string", "an integer", …).
pub fn type_error(name: &str, want: &str) -> Error {
    Error::validation(name, format!("Must be {want}"), format!("{name} must be {want}"))
}

fn missing(name: &str) -> Error {
    Error::validation(name, "Required field is missing or empty", format!("{name} is required"))
}

/// What a parameter of type `ty` must be, for messages.
fn wanted(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String => "a string",
        ParamType::Id => "a string or integer id",
        ParamType::Float => "a number",
        ParamType::Int => "an integer",
        ParamType::Bool => "a boolean",
        ParamType::Object => "an object",
        ParamType::List => "a list",
        ParamType::StringList => "a list of strings",
        ParamType::Any => "a JSON value",
    }
}

fn type_matches(ty: ParamType, v: &Value) -> bool {
    match ty {
        ParamType::String => v.is_string(),
        ParamType::Id => v.is_string() || v.is_i64() || v.is_u64(),
        ParamType::Float => v.is_number(),
        ParamType::Int => v.is_i64() || v.is_u64(),
        ParamType::Bool => v.is_boolean(),
        ParamType::Object => v.is_object(),
        ParamType::List => v.is_array(),
        ParamType::StringList => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        ParamType::Any => true,
    }
}

/// Checks `args` against `spec` before any I/O and fills in the table's defaults: an unknown name, a value of
/// the wrong JSON type or a missing required parameter is a `VALIDATION_ERROR` naming the parameter. Nulls are
/// dropped where the method treats null as absent. `Any` parameters are checked by the method itself.
pub fn prepare(spec: &MethodSpec, args: &mut Map<String, Value>) -> Result<()> {
    if let Some(unknown) = args.keys().find(|k| spec.param(k).is_none()) {
        return Err(Error::validation(
            unknown,
            "Unexpected argument",
            format!("{}() got an unexpected argument '{unknown}'", spec.name),
        ));
    }
    if spec.null_is_absent {
        args.retain(|_, v| !v.is_null());
    }
    for p in spec.params {
        match args.get(p.name) {
            Some(v) if !v.is_null() => {
                if !type_matches(p.ty, v) {
                    return Err(type_error(p.name, wanted(p.ty)));
                }
            }
            Some(_) => {} // an explicit null the method forwards (`null_is_absent: false`)
            None => {
                if let Some(default) = p.default {
                    let value = serde_json::from_str(default).map_err(|e| Error::internal(e.to_string()))?;
                    args.insert(p.name.to_string(), value);
                } else if p.required && p.ty != ParamType::Any {
                    return Err(missing(p.name));
                }
            }
        }
    }
    Ok(())
}

/// Keyword arguments of one call, with typed accessors that name the offending parameter.
pub struct Args<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Args<'a> {
    /// Wraps an argument object.
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Args { map }
    }

    /// The whole argument object.
    pub fn map(&self) -> &'a Map<String, Value> {
        self.map
    }

    /// The value of `name`, null counting as absent.
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// The raw value (null counts as absent).
    pub fn value(&self, name: &str) -> Option<Value> {
        self.get(name).cloned()
    }

    /// A required string.
    pub fn string(&self, name: &str) -> Result<String> {
        match self.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            None => Err(Error::validation(name, "Required field is missing or empty", format!("{name} is required"))),
            Some(_) => Err(type_error(name, "a string")),
        }
    }

    /// A required string where non-strings are reported as "missing or empty" (PROTOCOL §5.a.1 wording).
    pub fn required_text(&self, name: &str) -> Result<String> {
        match self.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(Error::validation(
                name,
                "Required field is missing or empty",
                format!("{name} is required and must be a non-empty string"),
            )),
        }
    }

    /// An optional string.
    pub fn opt_string(&self, name: &str) -> Result<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(type_error(name, "a string")),
        }
    }

    /// An optional string; numbers are accepted and stringified (ids).
    pub fn opt_id(&self, name: &str) -> Result<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(type_error(name, "a string or integer id")),
        }
    }

    /// A required id (string or integer), stringified.
    pub fn id(&self, name: &str) -> Result<String> {
        self.opt_id(name)?
            .ok_or_else(|| Error::validation(name, "Required field is missing or empty", format!("{name} is required")))
    }

    /// An optional float (ints accepted).
    pub fn opt_f64(&self, name: &str) -> Result<Option<f64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(type_error(name, "a number")),
        }
    }

    /// A required float (the table's default is already filled in by [`prepare`]).
    pub fn f64(&self, name: &str) -> Result<f64> {
        self.opt_f64(name)?.ok_or_else(|| missing(name))
    }

    /// A required integer (the table's default is already filled in by [`prepare`]).
    pub fn i64(&self, name: &str) -> Result<i64> {
        match self.get(name) {
            None => Err(missing(name)),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64().unwrap_or_default()),
            Some(_) => Err(type_error(name, "an integer")),
        }
    }

    /// A required boolean (the table's default is already filled in by [`prepare`]).
    pub fn bool(&self, name: &str) -> Result<bool> {
        match self.get(name) {
            None => Err(missing(name)),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(type_error(name, "a boolean")),
        }
    }

    /// A float with a default.
    pub fn f64_or(&self, name: &str, default: f64) -> Result<f64> {
        Ok(self.opt_f64(name)?.unwrap_or(default))
    }

    /// An integer with a default.
    pub fn i64_or(&self, name: &str, default: i64) -> Result<i64> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64().unwrap_or(default)),
            Some(_) => Err(type_error(name, "an integer")),
        }
    }

    /// A boolean with a default.
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(type_error(name, "a boolean")),
        }
    }

    /// An optional object.
    pub fn opt_object(&self, name: &str) -> Result<Option<Map<String, Value>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(_) => Err(type_error(name, "an object")),
        }
    }

    /// An optional list.
    pub fn opt_list(&self, name: &str) -> Result<Option<Vec<Value>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a.clone())),
            Some(_) => Err(type_error(name, "a list")),
        }
    }

    /// An optional list of strings.
    pub fn opt_strings(&self, name: &str) -> Result<Option<Vec<String>>> {
        match self.opt_list(name)? {
            None => Ok(None),
            Some(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    _ => Err(type_error(name, "a list of strings")),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
        }
    }
}
