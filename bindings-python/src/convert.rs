//! JSON values to and from Python objects: method arguments and results of `invoke`, `config()`, error `details`,
//! the constructor's `_env`. Converting here is several times cheaper than `json.dumps`/`json.loads` round trips
//! through text on every call.

use ascend_core::dispatch::Output;
use ascend_core::model::{AuthorizationDecision, ProjectionSink};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use pyo3::IntoPyObjectExt;
use serde_json::{Map, Number, Value};

/// A call's result as Python objects: a decision's projection as a `dict`, anything else as its JSON value.
pub fn output_to_py<'py>(py: Python<'py>, output: &Output) -> PyResult<Bound<'py, PyAny>> {
    match output {
        Output::Decision(d) => decision_to_object(py, d),
        Output::Json(v) => json_to_py(py, v),
    }
}

/// A JSON value as a Python object (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`).
pub fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)?
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)?
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)?
            }
        }
        Value::String(s) => s.into_bound_py_any(py)?,
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A dict of keyword arguments as a JSON object, leaving out `None` values when `skip_none`; `None` when a value has
/// no JSON form.
pub fn kwargs_to_json(kwargs: &Bound<'_, PyDict>, skip_none: bool) -> Option<Value> {
    let mut map = Map::new();
    for (k, v) in kwargs.iter() {
        if skip_none && v.is_none() {
            continue;
        }
        let key = k.cast::<PyString>().ok()?.to_cow().ok()?.into_owned();
        map.insert(key, py_to_json(&v)?);
    }
    Some(Value::Object(map))
}

/// A Python object as JSON; `None` when it has no JSON form (the caller names the offending argument).
pub fn py_to_json(obj: &Bound<'_, PyAny>) -> Option<Value> {
    if obj.is_none() {
        return Some(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Some(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Some(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Some(Value::from(u));
        }
        return None;
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value()).map(Value::Number);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow().ok().map(|s| Value::String(s.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().ok()?.to_cow().ok()?.into_owned();
            map.insert(key, py_to_json(&v)?);
        }
        return Some(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l.iter().map(|v| py_to_json(&v)).collect::<Option<Vec<_>>>().map(Value::Array);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|v| py_to_json(&v)).collect::<Option<Vec<_>>>().map(Value::Array);
    }
    None
}

/// A decision's projection as a `dict` built directly from the core's [`ProjectionSink`] (no JSON tree in
/// between): a copy of a template that already holds every key (interned, hashes cached) whose values are then
/// replaced in projection order, so no key is allocated or hashed and the dict never resizes.
pub fn decision_to_py<'py>(py: Python<'py>, d: &AuthorizationDecision) -> PyResult<Bound<'py, PyAny>> {
    let template = projection_template(py);
    let dict = template.dict.bind(py).copy()?;
    let mut sink = DictSink { py, dict, keys: &template.keys, cursor: 0, error: None };
    d.project(&mut sink);
    match sink.error {
        Some(e) => Err(e),
        None => Ok(sink.dict.into_any()),
    }
}

/// The projection's keys in order (as interned Python strings) and a dict with every key set to `None`.
struct ProjectionTemplate {
    keys: Vec<(&'static str, Py<PyString>)>,
    dict: Py<PyDict>,
}

fn projection_template(py: Python<'_>) -> &ProjectionTemplate {
    static TEMPLATE: PyOnceLock<ProjectionTemplate> = PyOnceLock::new();
    TEMPLATE.get_or_init(py, || {
        struct Collect(Vec<&'static str>);
        impl ProjectionSink for Collect {
            fn str(&mut self, key: &'static str, _: Option<&str>) {
                self.0.push(key)
            }
            fn f64(&mut self, key: &'static str, _: Option<f64>) {
                self.0.push(key)
            }
            fn bool(&mut self, key: &'static str, _: bool) {
                self.0.push(key)
            }
            fn strs(&mut self, key: &'static str, _: &[String]) {
                self.0.push(key)
            }
            fn object(&mut self, key: &'static str, _: &Map<String, Value>) {
                self.0.push(key)
            }
            fn value(&mut self, key: &'static str, _: &Value) {
                self.0.push(key)
            }
        }
        let mut collect = Collect(Vec::new());
        AuthorizationDecision::default().project(&mut collect);
        let dict = PyDict::new(py);
        let keys: Vec<_> = collect.0.into_iter().map(|k| (k, PyString::intern(py, k).unbind())).collect();
        for (_, k) in &keys {
            // Cannot fail: a str key and None.
            let _ = dict.set_item(k.bind(py), py.None());
        }
        ProjectionTemplate { keys, dict: dict.unbind() }
    })
}

struct DictSink<'py, 'k> {
    py: Python<'py>,
    dict: Bound<'py, PyDict>,
    /// Keys in projection order; `cursor` is where the next key is expected.
    keys: &'k [(&'static str, Py<PyString>)],
    cursor: usize,
    error: Option<PyErr>,
}

impl<'py> DictSink<'py, '_> {
    fn put(&mut self, key: &'static str, value: PyResult<Bound<'py, PyAny>>) {
        if self.error.is_some() {
            return;
        }
        let at = match self.keys.get(self.cursor) {
            Some((k, _)) if std::ptr::eq(*k, key) => Some(self.cursor),
            _ => self.keys.iter().position(|(k, _)| *k == key),
        };
        let result = value.and_then(|v| match at {
            Some(i) => {
                self.cursor = i + 1;
                self.dict.set_item(self.keys[i].1.bind(self.py), v)
            }
            None => self.dict.set_item(key, v),
        });
        if let Err(e) = result {
            self.error = Some(e);
        }
    }
}

impl ProjectionSink for DictSink<'_, '_> {
    fn str(&mut self, key: &'static str, value: Option<&str>) {
        let v = match value {
            Some(s) => Ok(PyString::new(self.py, s).into_any()),
            None => Ok(self.py.None().into_bound(self.py)),
        };
        self.put(key, v);
    }
    fn f64(&mut self, key: &'static str, value: Option<f64>) {
        let v = match value.filter(|f| f.is_finite()) {
            Some(f) => Ok(PyFloat::new(self.py, f).into_any()),
            None => Ok(self.py.None().into_bound(self.py)),
        };
        self.put(key, v);
    }
    fn bool(&mut self, key: &'static str, value: bool) {
        let v = PyBool::new(self.py, value).to_owned().into_any();
        self.put(key, Ok(v));
    }
    fn strs(&mut self, key: &'static str, value: &[String]) {
        let v = PyList::new(self.py, value).map(Bound::into_any);
        self.put(key, v);
    }
    fn object(&mut self, key: &'static str, value: &Map<String, Value>) {
        let v = (|| {
            let d = PyDict::new(self.py);
            for (k, item) in value {
                d.set_item(k, json_to_py(self.py, item)?)?;
            }
            Ok(d.into_any())
        })();
        self.put(key, v);
    }
    fn value(&mut self, key: &'static str, value: &Value) {
        let v = json_to_py(self.py, value);
        self.put(key, v);
    }
}

/// The Python classes a decision becomes (`ascend.models.AuthorizationDecision`, `Decision`, `RiskLevel`),
/// registered by the package with `_native.set_decision_types`.
struct DecisionTypes {
    class: Py<PyType>,
    decisions: Py<PyDict>,
    levels: Py<PyDict>,
    pending: Py<PyAny>,
}

static DECISION_TYPES: PyOnceLock<DecisionTypes> = PyOnceLock::new();

/// Registers the decision classes (`_native.set_decision_types`, `crate::hooks`): from now on `invoke` returns
/// decisions as instances of `cls`, built here instead of by `_from_projection` in Python (the same instance dict,
/// at a fraction of the cost). The first registration wins.
pub fn register_decision_types(
    py: Python<'_>,
    cls: Bound<'_, PyType>,
    decision_enum: Bound<'_, PyAny>,
    risk_level_enum: Bound<'_, PyAny>,
) -> PyResult<()> {
    let decisions = decision_enum.getattr("_value2member_map_")?.cast_into::<PyDict>()?.copy()?;
    let levels = risk_level_enum.getattr("_value2member_map_")?.cast_into::<PyDict>()?.copy()?;
    let pending = decision_enum.getattr("PENDING")?.unbind();
    let _ = DECISION_TYPES.set(
        py,
        DecisionTypes { class: cls.unbind(), decisions: decisions.unbind(), levels: levels.unbind(), pending },
    );
    Ok(())
}

/// A decision as an `AuthorizationDecision` instance (when the types are registered), else its projection dict.
/// Mirrors `ascend.models._decision_from_full_projection`, which stays the reference (the Python tests compare the
/// two).
pub fn decision_to_object<'py>(py: Python<'py>, d: &AuthorizationDecision) -> PyResult<Bound<'py, PyAny>> {
    let state = decision_to_py(py, d)?.cast_into::<PyDict>()?;
    let Some(types) = DECISION_TYPES.get(py) else { return Ok(state.into_any()) };
    let take = |key: &str| -> PyResult<Bound<'py, PyAny>> {
        let v = state.get_item(key)?.unwrap_or_else(|| py.None().into_bound(py));
        state.del_item(key)?;
        Ok(v)
    };
    take("status")?;
    let mut risk_level_raw = take("risk_level_raw")?;
    let raw_status = take("raw_status")?;
    let raw = take("raw")?;
    let decision =
        types.decisions.bind(py).get_item(d.decision.as_str())?.unwrap_or_else(|| types.pending.bind(py).clone());
    state.set_item(pyo3::intern!(py, "decision"), decision)?;
    let level = d.risk_level.map(|l| l.as_str());
    let member = match level {
        Some(l) => types.levels.bind(py).get_item(l)?,
        None => None,
    };
    if member.is_none() && risk_level_raw.is_none() {
        if let Some(l) = level {
            risk_level_raw = PyString::new(py, l).into_any();
        }
    }
    state.set_item(pyo3::intern!(py, "risk_level"), member.unwrap_or_else(|| py.None().into_bound(py)))?;
    state.set_item(pyo3::intern!(py, "_risk_level_raw"), risk_level_raw)?;
    state.set_item(pyo3::intern!(py, "_raw_status"), raw_status)?;
    state.set_item(pyo3::intern!(py, "_raw"), raw)?;
    let class = types.class.bind(py);
    let obj = class.call_method1(pyo3::intern!(py, "__new__"), (class,))?;
    // The state dict is ours alone: it becomes the instance dict as it is.
    obj.setattr(pyo3::intern!(py, "__dict__"), state)?;
    Ok(obj)
}
