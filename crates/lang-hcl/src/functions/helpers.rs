//! Shared plumbing for the library functions: argument extraction with
//! Terraform's automatic conversions, unknown and sensitive propagation, and
//! three-valued equality.
//!
//! # Unknown values
//!
//! [`Args`] extracts typed arguments. Extracting a known argument validates and
//! converts it (a wrong type is an error even when another argument is
//! unknown, as in cty where type checking happens before the unknown
//! short-circuit); extracting an unknown argument records that fact and
//! returns a placeholder that the function never looks at, because it asks
//! [`Args::unknown_result`] before computing anything.
//!
//! # Sensitive values
//!
//! Two rules are used, and each function says which one it follows:
//! - *Default rule* (Terraform's default for functions that do not handle
//!   marks themselves): the result is marked when any argument contains a
//!   sensitive value at any depth. [`Args::sensitive`] holds that flag.
//! - *Pass-through rule*, for functions that only select or rearrange
//!   existing values (`element`, `concat`, `values`, `merge`, …): values keep
//!   their own nested marks, and the mark of every container or argument they
//!   were taken from is pushed onto them ([`inherit`]). Nothing is ever
//!   unmarked, so the pass-through rule is never less safe than the default.

use tfgate_plan::{Kind, Number, Object, Value};

use super::FunctionError;

pub(crate) type FnResult = Result<Value, FunctionError>;

/// True when any of `args` contains a sensitive value at any depth.
pub(crate) fn deep_sensitive(args: &[Value]) -> bool {
    args.iter().any(Value::contains_sensitive)
}

/// An unknown value, marked when `mark` is true.
pub(crate) fn unknown(mark: bool) -> Value {
    Value::unknown().mark_if(mark)
}

/// A copy of `v` that additionally carries `mark`.
pub(crate) fn inherit(v: &Value, mark: bool) -> Value {
    v.clone().mark_if(mark)
}

/// `Invalid value for "NAME" parameter: WHAT.`
pub(crate) fn invalid(i: usize, name: &str, what: impl std::fmt::Display) -> FunctionError {
    FunctionError::at(i, format!("Invalid value for \"{name}\" parameter: {what}."))
}

/// A string argument as error messages may show it: quoted, or
/// `(sensitive value)` when the argument is sensitive (error messages are
/// printed, so they must never carry a sensitive value).
pub(crate) fn shown(v: &Value, s: &str) -> String {
    if v.contains_sensitive() {
        tfgate_plan::SENSITIVE_TEXT.to_string()
    } else {
        tfgate_plan::quote(s)
    }
}

/// The Terraform-style type description used in conversion errors.
pub(crate) fn type_desc(v: &Value) -> &'static str {
    match v.kind {
        Kind::List(_) => "tuple",
        _ => v.type_name(),
    }
}

/// Converts a known primitive to a string as Terraform does automatically
/// (numbers in their shortest decimal form, bools as `true`/`false`).
pub(crate) fn primitive_string(v: &Value) -> Option<String> {
    match &v.kind {
        Kind::String(s) => Some(s.to_string()),
        Kind::Number(n) => Some(n.to_string()),
        Kind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses a decimal number the way cty converts a string to a number.
pub(crate) fn parse_number(s: &str) -> Option<Number> {
    let t = s.trim();
    if t.is_empty()
        || !t.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
        || !t.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    let lit = t.strip_prefix('+').unwrap_or(t);
    // serde_json's grammar is stricter than f64's; accept what f64 accepts.
    lit.parse::<f64>().ok()?;
    Number::from_literal(lit)
}

/// Converts a known value to a number (numbers, and strings holding one).
pub(crate) fn primitive_number(v: &Value) -> Option<Number> {
    match &v.kind {
        Kind::Number(n) => Some(n.clone()),
        Kind::String(s) => parse_number(s),
        _ => None,
    }
}

/// Converts a known value to a bool (bools, and the strings `true`/`false`).
pub(crate) fn primitive_bool(v: &Value) -> Option<bool> {
    match &v.kind {
        Kind::Bool(b) => Some(*b),
        Kind::String(s) if s == "true" => Some(true),
        Kind::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// A number as an integer, when it is a whole number in `i64` range.
pub(crate) fn whole(n: &Number) -> Option<i64> {
    match n {
        Number::Int(i) => Some(*i),
        Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
        _ => None,
    }
}

/// Evaluated arguments of one call, with the unknown and sensitive state
/// collected while extracting them.
pub(crate) struct Args<'a> {
    pub args: &'a [Value],
    unknown: bool,
    /// Default rule: any argument is sensitive at any depth.
    pub sensitive: bool,
}

impl<'a> Args<'a> {
    pub fn new(args: &'a [Value]) -> Args<'a> {
        Args { args, unknown: false, sensitive: deep_sensitive(args) }
    }

    /// Records that the result cannot be known.
    pub fn set_unknown(&mut self) {
        self.unknown = true;
    }

    /// The unknown result (marked by the default rule) when any extracted
    /// argument was unknown.
    pub fn unknown_result(&self) -> Option<Value> {
        self.unknown.then(|| unknown(self.sensitive))
    }

    /// A known result, marked by the default rule.
    pub fn ok(&self, v: Value) -> FnResult {
        Ok(v.mark_if(self.sensitive))
    }

    /// Argument `i`, recording unknown; `None` when unknown.
    fn known(&mut self, i: usize, name: &str) -> Result<Option<&'a Value>, FunctionError> {
        let v = &self.args[i];
        match v.kind {
            Kind::Unknown => {
                self.unknown = true;
                Ok(None)
            }
            Kind::Null => Err(invalid(i, name, "argument must not be null")),
            _ => Ok(Some(v)),
        }
    }

    pub fn string(&mut self, i: usize, name: &str) -> Result<String, FunctionError> {
        let Some(v) = self.known(i, name)? else {
            return Ok(String::new());
        };
        primitive_string(v).ok_or_else(|| invalid(i, name, "string required"))
    }

    pub fn number(&mut self, i: usize, name: &str) -> Result<Number, FunctionError> {
        let Some(v) = self.known(i, name)? else {
            return Ok(Number::Int(0));
        };
        match &v.kind {
            Kind::Number(n) => Ok(n.clone()),
            Kind::String(s) => parse_number(s).ok_or_else(|| {
                invalid(
                    i,
                    name,
                    format_args!(
                        "cannot convert {} to number; given string must be a decimal representation of a number",
                        shown(v, s)
                    ),
                )
            }),
            _ => Err(invalid(i, name, "number required")),
        }
    }

    pub fn f64(&mut self, i: usize, name: &str) -> Result<f64, FunctionError> {
        Ok(self.number(i, name)?.as_f64())
    }

    /// A whole number argument.
    pub fn int(&mut self, i: usize, name: &str) -> Result<i64, FunctionError> {
        let n = self.number(i, name)?;
        if self.args[i].is_unknown() {
            return Ok(0);
        }
        whole(&n).ok_or_else(|| invalid(i, name, "value must be a whole number"))
    }

    /// A list, set or tuple argument; an empty slice when unknown. Elements may
    /// still be unknown.
    pub fn list(&mut self, i: usize, name: &str) -> Result<&'a [Value], FunctionError> {
        let Some(v) = self.known(i, name)? else {
            return Ok(&[]);
        };
        v.as_list().ok_or_else(|| invalid(i, name, "list of any single type required"))
    }

    /// A map or object argument; `None` when unknown.
    pub fn object(&mut self, i: usize, name: &str) -> Result<Option<&'a Object>, FunctionError> {
        let Some(v) = self.known(i, name)? else {
            return Ok(None);
        };
        v.as_object().map(Some).ok_or_else(|| invalid(i, name, "map of any single type required"))
    }

    /// A list of strings; unknown elements (or an unknown list) are recorded
    /// as unknown. Null elements are errors.
    pub fn strings(&mut self, i: usize, name: &str) -> Result<Vec<String>, FunctionError> {
        let items = self.list(i, name)?;
        let mut out = Vec::with_capacity(items.len());
        for (j, item) in items.iter().enumerate() {
            match &item.kind {
                Kind::Unknown => self.unknown = true,
                Kind::Null => {
                    return Err(invalid(i, name, format_args!("element {j} is null; null values are not allowed here")))
                }
                _ => out.push(primitive_string(item).ok_or_else(|| {
                    invalid(i, name, format_args!("element {j}: string required, got {}", type_desc(item)))
                })?),
            }
        }
        Ok(out)
    }
}

/// Three-valued equality as Terraform's `==` decides it: `None` when unknown
/// values make the answer undecidable. A known difference anywhere wins over
/// unknown parts elsewhere (two lists of different lengths are unequal even
/// if both hold unknown elements). No type conversion: `1 == "1"` is false.
pub(crate) fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (&a.kind, &b.kind) {
        (Kind::Unknown, _) | (_, Kind::Unknown) => None,
        (Kind::Null, Kind::Null) => Some(true),
        (Kind::Null, _) | (_, Kind::Null) => Some(false),
        (Kind::Bool(x), Kind::Bool(y)) => Some(x == y),
        (Kind::Number(x), Kind::Number(y)) => Some(x == y),
        (Kind::String(x), Kind::String(y)) => Some(x == y),
        (Kind::List(x), Kind::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_equal(x.iter().zip(y.iter()))
        }
        (Kind::Object(x), Kind::Object(y)) => {
            if x.len() != y.len() || x.keys().zip(y.keys()).any(|(p, q)| p != q) {
                return Some(false);
            }
            all_equal(x.values().zip(y.values()))
        }
        _ => Some(false),
    }
}

fn all_equal<'v>(pairs: impl Iterator<Item = (&'v Value, &'v Value)>) -> Option<bool> {
    let mut undecided = false;
    for (p, q) in pairs {
        match equals(p, q) {
            Some(false) => return Some(false),
            None => undecided = true,
            Some(true) => {}
        }
    }
    if undecided {
        None
    } else {
        Some(true)
    }
}

/// Removes duplicates (by [`equals`]) from wholly known values, keeping the
/// first occurrence. Strings (the common case) go through a hash set;
/// other values are compared pairwise, and that quadratic work is counted
/// against the evaluation's work budget.
pub(crate) fn dedupe(items: impl IntoIterator<Item = Value>) -> Result<Vec<Value>, FunctionError> {
    let items: Vec<Value> = items.into_iter().collect();
    if items.iter().all(|v| matches!(v.kind, Kind::String(_))) {
        crate::eval::budget::work(items.len() as u64)?;
        let keep: Vec<bool> = {
            let mut seen = std::collections::HashSet::with_capacity(items.len());
            items.iter().map(|v| seen.insert(v.as_str().unwrap_or_default())).collect()
        };
        return Ok(items.into_iter().zip(keep).filter_map(|(v, k)| k.then_some(v)).collect());
    }
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        crate::eval::budget::work((out.len() as u64 + 1) * crate::eval::budget::COMPARISON)?;
        if !out.iter().any(|o| equals(o, &item) == Some(true)) {
            out.push(item);
        }
    }
    Ok(out)
}

/// Orders set elements the way cty presents sets: strings lexicographically,
/// numbers numerically, bools false first. Mixed or complex elements keep
/// their order (cty orders those by an internal hash we do not reproduce).
pub(crate) fn sort_set(items: &mut [Value]) {
    if items.iter().all(|v| matches!(v.kind, Kind::String(_))) {
        items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    } else if items.iter().all(|v| matches!(v.kind, Kind::Number(_))) {
        items.sort_by(|a, b| a.as_number().partial_cmp(&b.as_number()).unwrap_or(std::cmp::Ordering::Equal));
    } else if items.iter().all(|v| matches!(v.kind, Kind::Bool(_))) {
        items.sort_by_key(|v| v.as_bool());
    }
}

/// Converts a set/list's elements to a single type where Terraform would:
/// primitives of mixed types all become strings. Other mixes are left as they
/// are (our value model does not carry collection element types).
pub(crate) fn unify_primitives(items: Vec<Value>) -> Vec<Value> {
    let mut has_string = false;
    let mut kinds = 0u8;
    for v in &items {
        match v.kind {
            Kind::String(_) => {
                has_string = true;
                kinds |= 1;
            }
            Kind::Number(_) => kinds |= 2,
            Kind::Bool(_) => kinds |= 4,
            Kind::Null | Kind::Unknown => {}
            _ => return items,
        }
    }
    if kinds.count_ones() > 1 || (has_string && kinds != 1) {
        items
            .into_iter()
            .map(|v| match primitive_string(&v) {
                Some(s) => Value::string(s).mark_if(v.sensitive),
                None => v,
            })
            .collect()
    } else {
        items
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Shorthands for the tests of every topic module.
    use super::*;

    pub fn s(x: &str) -> Value {
        Value::string(x)
    }
    pub fn n(x: i64) -> Value {
        Value::number(x)
    }
    pub fn f(x: f64) -> Value {
        Value::number(x)
    }
    pub fn b(x: bool) -> Value {
        Value::bool(x)
    }
    pub fn l(items: Vec<Value>) -> Value {
        Value::list(items)
    }
    pub fn strs(items: &[&str]) -> Value {
        Value::list(items.iter().map(|x| s(x)).collect())
    }
    pub fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object_from(pairs)
    }
    pub fn unk() -> Value {
        Value::unknown()
    }
    pub fn null() -> Value {
        Value::null()
    }
    pub fn sens(v: Value) -> Value {
        v.into_sensitive()
    }
    /// Calls a registered function by name.
    pub fn call(name: &str, args: Vec<Value>) -> FnResult {
        let f = super::super::lookup(name).unwrap_or_else(|| panic!("no function {name}"));
        assert!(f.arity.accepts(args.len()), "{name}: bad arity in test");
        (f.call)(&args)
    }
    /// Calls and unwraps.
    pub fn ok(name: &str, args: Vec<Value>) -> Value {
        call(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
    }
    /// Calls and expects an error; returns its message.
    pub fn err(name: &str, args: Vec<Value>) -> String {
        match call(name, args) {
            Ok(v) => panic!("{name}: expected an error, got {v:?}"),
            Err(e) => e.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn equality_is_three_valued() {
        assert_eq!(equals(&strs(&["a"]), &strs(&["a"])), Some(true));
        assert_eq!(equals(&l(vec![s("a"), unk()]), &strs(&["a", "b"])), None);
        assert_eq!(equals(&l(vec![s("x"), unk()]), &strs(&["a", "b"])), Some(false));
        assert_eq!(equals(&l(vec![unk()]), &strs(&["a", "b"])), Some(false));
        assert_eq!(equals(&n(1), &s("1")), Some(false));
        assert_eq!(equals(&n(1), &f(1.0)), Some(true));
        assert_eq!(equals(&null(), &null()), Some(true));
        assert_eq!(equals(&unk(), &null()), None);
        assert_eq!(equals(&obj(vec![("a", n(1))]), &obj(vec![("b", n(1))])), Some(false));
    }

    #[test]
    fn conversions() {
        assert_eq!(primitive_string(&f(1.5)).as_deref(), Some("1.5"));
        assert_eq!(primitive_string(&b(true)).as_deref(), Some("true"));
        assert_eq!(parse_number("12"), Some(Number::Int(12)));
        assert_eq!(parse_number(" 1.25 "), Some(Number::Float(1.25)));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(primitive_bool(&s("true")), Some(true));
        assert_eq!(primitive_bool(&s("yes")), None);
    }

    #[test]
    fn unify_mixed_primitives_to_strings() {
        let out = unify_primitives(vec![n(1), s("a"), b(true)]);
        assert_eq!(out, vec![s("1"), s("a"), s("true")]);
        let same = unify_primitives(vec![n(1), n(2)]);
        assert_eq!(same, vec![n(1), n(2)]);
    }
}
