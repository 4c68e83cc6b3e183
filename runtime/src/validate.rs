//! Constraint checks run before a request is sent.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, OnceLock};

use regex::Regex;

use super::Nullable;

/// A constraint failure: which field (a path such as `body.phones[0].phone`) and which rule
/// (e.g. `maxLength = 500`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// Path of the offending value.
    pub field: String,
    /// The rule it broke.
    pub rule: String,
}

impl ValidationError {
    /// Builds an error for `field` breaking `rule`.
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` violates {}", self.field, self.rule)
    }
}

impl std::error::Error for ValidationError {}

/// Implemented by generated types that have something to check; containers delegate.
pub trait Validate {
    /// Checks every constraint; `path` names this value in errors.
    fn validate(&self, path: &str) -> Result<(), ValidationError>;
}

/// Joins a property name onto a path: `join_path("body", "name")` is `body.name`, and
/// `join_path("", "name")` is `name`.
pub fn join_path(path: &str, property: &str) -> String {
    if path.is_empty() {
        property.to_owned()
    } else {
        format!("{path}.{property}")
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.value().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        (**self).validate(path)
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, v)| v.validate(&format!("{path}[{i}]")))
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.iter()
            .try_for_each(|(k, v)| v.validate(&join_path(path, k)))
    }
}

fn check(ok: bool, field: &str, rule: impl FnOnce() -> String) -> Result<(), ValidationError> {
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(field, rule()))
    }
}

/// Checks `minLength` (counted in characters).
pub fn check_min_length(field: &str, value: &str, min: u64) -> Result<(), ValidationError> {
    check(value.chars().count() as u64 >= min, field, || {
        format!("minLength = {min}")
    })
}

/// Checks `maxLength` (counted in characters).
pub fn check_max_length(field: &str, value: &str, max: u64) -> Result<(), ValidationError> {
    check(value.chars().count() as u64 <= max, field, || {
        format!("maxLength = {max}")
    })
}

/// Checks `minLength` of binary data (`format: binary`), counted in bytes.
pub fn check_min_bytes(field: &str, len: usize, min: u64) -> Result<(), ValidationError> {
    check(len as u64 >= min, field, || {
        format!("minLength = {min} (bytes)")
    })
}

/// Checks `maxLength` of binary data (`format: binary`), counted in bytes.
pub fn check_max_bytes(field: &str, len: usize, max: u64) -> Result<(), ValidationError> {
    check(len as u64 <= max, field, || {
        format!("maxLength = {max} (bytes)")
    })
}

/// Checks a `pattern` as an unanchored regex search, as JSON Schema specifies: `regex` is the
/// spec's `pattern` translated to the regex crate's syntax (by the generator), `pattern` is
/// the original, shown in the error. A regex that does not compile fails with the rule
/// `pattern (invalid regex)`; the generator only emits regexes that compile.
pub fn check_pattern(
    field: &str,
    value: &str,
    pattern: &'static str,
    regex: &'static str,
) -> Result<(), ValidationError> {
    // Patterns are `'static` literals from generated code, so the cache stays small; invalid
    // patterns are cached as `None` so they are not recompiled on every call.
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let regex = {
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(regex)
            .or_insert_with(|| Regex::new(regex).ok())
            .clone()
    };
    match regex {
        Some(regex) => check(regex.is_match(value), field, || {
            format!("pattern = {pattern}")
        }),
        None => Err(ValidationError::new(field, "pattern (invalid regex)")),
    }
}

/// Checks `minimum` (or `exclusiveMinimum` when `exclusive`); NaN always fails.
pub fn check_minimum(
    field: &str,
    value: f64,
    min: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if exclusive {
        check(value > min, field, || format!("exclusiveMinimum = {min}"))
    } else {
        check(value >= min, field, || format!("minimum = {min}"))
    }
}

/// Checks `maximum` (or `exclusiveMaximum` when `exclusive`); NaN always fails.
pub fn check_maximum(
    field: &str,
    value: f64,
    max: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if exclusive {
        check(value < max, field, || format!("exclusiveMaximum = {max}"))
    } else {
        check(value <= max, field, || format!("maximum = {max}"))
    }
}

/// Checks `minItems`.
pub fn check_min_items(field: &str, len: usize, min: u64) -> Result<(), ValidationError> {
    check(len as u64 >= min, field, || format!("minItems = {min}"))
}

/// Checks `maxItems`.
pub fn check_max_items(field: &str, len: usize, max: u64) -> Result<(), ValidationError> {
    check(len as u64 <= max, field, || format!("maxItems = {max}"))
}

/// Checks `multipleOf`, tolerating floating-point rounding (so 0.3 is a multiple of 0.1).
pub fn check_multiple_of(field: &str, value: f64, factor: f64) -> Result<(), ValidationError> {
    let quotient = value / factor;
    let ok = factor > 0.0
        && quotient.is_finite()
        && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0);
    check(ok, field, || format!("multipleOf = {factor}"))
}
