//! The value model shared by the plan reader and the policy evaluator.
//!
//! A [`Value`] is what Terraform's `cty` values look like once they have been
//! written as plan JSON and merged back with their masks: null, bool, number,
//! string, list (lists, sets and tuples), object (maps and objects), plus
//! [`Kind::Unknown`] for a value only known after apply. Any value may carry a
//! *sensitive* mark; the mark is sticky through every operation that derives a
//! new value from a marked one, and every renderer prints a marked value as
//! `(sensitive value)`.

use std::cmp::Ordering;
use std::fmt;

/// A resolved plan value: its shape plus a sensitive mark.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What the value is: null, a primitive, a collection, or unknown.
    pub kind: Kind,
    /// True when the value (or the value it was derived from) is sensitive.
    pub sensitive: bool,
}

/// The shape of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// JSON `null`: the attribute is unset.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept exact (see [`Number`]).
    Number(Number),
    /// Inline up to 24 bytes (most plan strings are short ids and names).
    String(Key),
    /// Lists, sets and tuples alike (plan JSON cannot tell them apart).
    List(Vec<Value>),
    /// Maps and objects alike, keys kept sorted.
    Object(Object),
    /// Known only after apply.
    Unknown,
}

impl Value {
    /// `null`, not sensitive: usable in `const` contexts and patterns.
    pub const NULL: Value = Value { kind: Kind::Null, sensitive: false };
    /// An unknown value, not sensitive.
    pub const UNKNOWN: Value = Value { kind: Kind::Unknown, sensitive: false };

    /// A value of the given shape, not marked sensitive.
    pub fn new(kind: Kind) -> Value {
        Value { kind, sensitive: false }
    }
    /// `null`, not sensitive.
    pub fn null() -> Value {
        Value::NULL
    }
    /// A value known only after apply, not sensitive.
    pub fn unknown() -> Value {
        Value::UNKNOWN
    }
    /// A boolean value, not sensitive.
    pub fn bool(b: bool) -> Value {
        Value::new(Kind::Bool(b))
    }
    /// A string value, not sensitive.
    pub fn string(s: impl Into<String>) -> Value {
        Value::new(Kind::String(Key::from(s.into())))
    }
    /// A string value from a borrowed string, without an intermediate `String`.
    pub fn str(s: &str) -> Value {
        Value::new(Kind::String(Key::from(s)))
    }
    /// A number value (from `i64`, `f64` or a [`Number`]), not sensitive.
    pub fn number(n: impl Into<Number>) -> Value {
        Value::new(Kind::Number(n.into()))
    }
    /// A list (or set, or tuple) of the given items, not sensitive itself.
    pub fn list(items: Vec<Value>) -> Value {
        Value::new(Kind::List(items))
    }
    /// An object value, not sensitive itself.
    pub fn object(obj: Object) -> Value {
        Value::new(Kind::Object(obj))
    }
    /// Builds an object from pairs in any order (later duplicates win).
    pub fn object_from<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Returns the same value with the sensitive mark set when `mark` is true.
    #[must_use]
    pub fn mark_if(mut self, mark: bool) -> Value {
        self.sensitive |= mark;
        self
    }
    /// Returns the same value marked sensitive.
    #[must_use]
    pub fn into_sensitive(self) -> Value {
        self.mark_if(true)
    }

    /// True for `null` (an unknown value is not null).
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }
    /// True when the value itself is unknown; see [`Value::is_wholly_known`]
    /// for unknowns nested inside.
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown)
    }
    /// True when this value is known at every depth (no unknown anywhere inside).
    pub fn is_wholly_known(&self) -> bool {
        match &self.kind {
            Kind::Unknown => false,
            Kind::List(items) => items.iter().all(Value::is_wholly_known),
            Kind::Object(obj) => obj.values().all(Value::is_wholly_known),
            _ => true,
        }
    }
    /// True when this value or anything inside it is marked sensitive.
    pub fn contains_sensitive(&self) -> bool {
        self.sensitive
            || match &self.kind {
                Kind::List(items) => items.iter().any(Value::contains_sensitive),
                // Cached per object: lists of shared objects are checked often.
                Kind::Object(obj) => match obj.summary() {
                    Some(s) => s.contains_sensitive,
                    None => obj.values().any(Value::contains_sensitive),
                },
                _ => false,
            }
    }
    /// The text of a string value; `None` for any other kind.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }
    /// The boolean of a bool value; `None` for any other kind.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }
    /// The number of a number value; `None` for any other kind.
    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }
    /// The items of a list, set or tuple; `None` for any other kind.
    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(items) => Some(items),
            _ => None,
        }
    }
    /// The attributes of an object or map; `None` for any other kind.
    pub fn as_object(&self) -> Option<&Object> {
        match &self.kind {
            Kind::Object(obj) => Some(obj),
            _ => None,
        }
    }
    /// Attribute or map element by name; `None` when absent or not an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }
    /// List element by position; `None` when out of range or not a list.
    pub fn index(&self, i: usize) -> Option<&Value> {
        self.as_list().and_then(|l| l.get(i))
    }
    /// Follows a path of attribute names and list indexes (`["a", "0", "b"]`).
    pub fn path<'a>(&'a self, steps: &[PathStep<'_>]) -> Option<&'a Value> {
        let mut cur = self;
        for step in steps {
            cur = match step {
                PathStep::Key(k) => cur.get(k)?,
                PathStep::Index(i) => cur.index(*i)?,
            };
        }
        Some(cur)
    }

    /// The Terraform type name of this value, as used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "bool",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::List(_) => "list",
            Kind::Object(_) => "object",
            Kind::Unknown => "unknown",
        }
    }

    /// Converts to JSON, with sensitive values replaced by the string
    /// `"(sensitive value)"` and unknown values by `"(known after apply)"`.
    /// This is the only JSON form a value may take in any output.
    pub fn to_redacted_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        if self.sensitive {
            return J::String(SENSITIVE_TEXT.into());
        }
        match &self.kind {
            Kind::Null => J::Null,
            Kind::Bool(b) => J::Bool(*b),
            Kind::Number(n) => n.to_json(),
            Kind::String(s) => J::String(s.to_string()),
            Kind::List(items) => J::Array(items.iter().map(Value::to_redacted_json).collect()),
            Kind::Object(obj) => J::Object(obj.iter().map(|(k, v)| (k.to_string(), v.to_redacted_json())).collect()),
            Kind::Unknown => J::String(UNKNOWN_TEXT.into()),
        }
    }
}

/// What every output prints in place of a sensitive value.
pub const SENSITIVE_TEXT: &str = "(sensitive value)";
/// What every output prints in place of a value known only after apply.
pub const UNKNOWN_TEXT: &str = "(known after apply)";

/// One step of a path into a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep<'a> {
    /// An object attribute or map key.
    Key(&'a str),
    /// A list, set or tuple position (from 0).
    Index(usize),
}

/// Displays a value the way `terraform plan` does in a one-line context:
/// strings quoted, unknown as `(known after apply)`, sensitive as
/// `(sensitive value)`. Never prints a sensitive value.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sensitive {
            return f.write_str(SENSITIVE_TEXT);
        }
        match &self.kind {
            Kind::Null => f.write_str("null"),
            Kind::Bool(b) => write!(f, "{b}"),
            Kind::Number(n) => write!(f, "{n}"),
            Kind::String(s) => write!(f, "{}", quote(s)),
            Kind::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Kind::Object(obj) => {
                f.write_str("{")?;
                for (i, (k, v)) in obj.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} = {v}", object_key(k))?;
                }
                f.write_str("}")
            }
            Kind::Unknown => f.write_str(UNKNOWN_TEXT),
        }
    }
}

/// Quotes a string as an HCL string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object key as HCL writes it: bare when it is an identifier, quoted otherwise.
pub fn object_key(k: &str) -> String {
    let ident = !k.is_empty()
        && k.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if ident {
        k.to_string()
    } else {
        quote(k)
    }
}

/// Object or map contents: a vector of pairs sorted by key, unique keys.
///
/// Terraform writes object keys in sorted order, so building from plan JSON is
/// a push in the common case; lookups are binary searches.
#[derive(Clone, Default)]
pub struct Object {
    /// Shared: cloning an object (as policy evaluation does all the time,
    /// e.g. for every `attrs.block` it reads) is a reference count, and a
    /// write copies only when the object is shared.
    inner: std::sync::Arc<ObjectInner>,
}

#[derive(Clone, Default)]
struct ObjectInner {
    /// Keys are mostly short attribute names: an inline small string saves
    /// an allocation for nearly every one of them.
    pairs: Vec<(Key, Value)>,
    /// What a walk over the whole contents would find, computed at the first
    /// [`Object::summary`] and dropped by every write (see `pairs_mut`): the
    /// same object is read by many evaluations (a `getresources` list, a
    /// `tfgate::referenced` result), which then need not walk it each time.
    summary: std::sync::OnceLock<Summary>,
}

/// Counts over an object's whole contents, every value inside it included
/// (shared parts counted each time they occur, as a walk meets them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Values in the object, itself included: one per value, list element
    /// and object entry at every depth (saturating).
    pub values: u64,
    /// Bytes of every string value and object key at every depth (saturating).
    pub bytes: u64,
    /// How many levels of values are below the object: 0 when it is empty,
    /// 1 when it holds only scalars (always below [`Summary::TOO_DEEP`]).
    pub height: u32,
    /// Whether any value inside (not the object's own mark) is marked sensitive.
    pub contains_sensitive: bool,
}

impl Summary {
    /// The height of an object nested deeper than summaries follow
    /// (summaries are computed recursively).
    pub const TOO_DEEP: u32 = 1024;
}

impl PartialEq for Object {
    fn eq(&self, other: &Object) -> bool {
        self.inner.pairs == other.inner.pairs
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Object").field("pairs", &self.inner.pairs).finish()
    }
}

/// An object key or string value: stored inline up to 24 bytes.
pub type Key = compact_str::CompactString;

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }
    /// An empty object with room for `n` attributes.
    pub fn with_capacity(n: usize) -> Object {
        Object::from_vec(Vec::with_capacity(n))
    }
    fn from_vec(pairs: Vec<(Key, Value)>) -> Object {
        Object { inner: std::sync::Arc::new(ObjectInner { pairs, summary: std::sync::OnceLock::new() }) }
    }
    /// The pairs, for a write: copied first when the object is shared, and
    /// the summary is forgotten (it no longer describes the contents).
    fn pairs_mut(&mut self) -> &mut Vec<(Key, Value)> {
        let inner = std::sync::Arc::make_mut(&mut self.inner);
        inner.summary = std::sync::OnceLock::new();
        &mut inner.pairs
    }
    /// Counts over the whole contents, computed once per object (until it
    /// is written to) and then shared by every reader of every clone;
    /// `None` for an object nested 1,024 levels (`Summary::TOO_DEEP`) or more.
    pub fn summary(&self) -> Option<Summary> {
        Some(self.summary_at(0)).filter(|s| s.height < Summary::TOO_DEEP)
    }
    fn summary_at(&self, depth: u32) -> Summary {
        if let Some(s) = self.inner.summary.get() {
            return *s;
        }
        if depth >= Summary::TOO_DEEP {
            // Not cached: a shallower reader may still count it.
            return Summary { height: Summary::TOO_DEEP, ..Summary::default() };
        }
        let mut s = Summary { values: 1, ..Summary::default() };
        for (k, v) in &self.inner.pairs {
            s.bytes = s.bytes.saturating_add(k.len() as u64);
            add_value(&mut s, v, depth + 1, 1);
        }
        if s.height < Summary::TOO_DEEP {
            // A summary cut short at TOO_DEEP below `depth` is not this object's.
            let _ = self.inner.summary.set(s);
        }
        s
    }
    /// The number of attributes.
    pub fn len(&self) -> usize {
        self.inner.pairs.len()
    }
    /// True when the object has no attributes.
    pub fn is_empty(&self) -> bool {
        self.inner.pairs.is_empty()
    }
    /// The value under `key` (a binary search over the sorted keys).
    pub fn get(&self, key: &str) -> Option<&Value> {
        let pairs = &self.inner.pairs;
        pairs.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| &pairs[i].1)
    }
    /// The value under `key`, for changing in place (copies the pairs first
    /// when they are shared).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self.inner.pairs.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(i) => Some(&mut self.pairs_mut()[i].1),
            Err(_) => None,
        }
    }
    /// The greatest key (keys are sorted).
    pub fn last_key(&self) -> Option<&str> {
        self.inner.pairs.last().map(|(k, _)| k.as_str())
    }
    /// True when `key` is present, even with a null value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    /// An object from pairs already sorted by key, without duplicates (the caller checked).
    pub(crate) fn from_sorted_pairs(pairs: Vec<(Key, Value)>) -> Object {
        debug_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
        Object::from_vec(pairs)
    }
    /// Inserts or replaces; returns the previous value.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.insert_key(Key::from(key.into()), value)
    }
    /// As [`Object::insert`], for a key already in its stored form.
    pub fn insert_key(&mut self, key: Key, value: Value) -> Option<Value> {
        // Fast path: keys arriving in sorted order (as Terraform writes them).
        let pairs = self.pairs_mut();
        if pairs.last().is_none_or(|(last, _)| last.as_str() < key.as_str()) {
            pairs.push((key, value));
            return None;
        }
        match pairs.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => Some(std::mem::replace(&mut pairs[i].1, value)),
            Err(i) => {
                pairs.insert(i, (key, value));
                None
            }
        }
    }
    /// Removes `key` and returns its value, if it was present.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match self.inner.pairs.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(i) => Some(self.pairs_mut().remove(i).1),
            Err(_) => None,
        }
    }
    /// The pairs in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + DoubleEndedIterator {
        self.inner.pairs.iter().map(|(k, v)| (k.as_str(), v))
    }
    /// The keys in sorted order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator {
        self.inner.pairs.iter().map(|(k, _)| k.as_str())
    }
    /// The values in key order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> + DoubleEndedIterator {
        self.inner.pairs.iter().map(|(_, v)| v)
    }
    /// The values in key order, for changing in place (copies the pairs first
    /// when they are shared).
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Value> {
        self.pairs_mut().iter_mut().map(|(_, v)| v)
    }
    /// The pairs in key order, as owned strings.
    pub fn into_pairs(self) -> Vec<(String, Value)> {
        self.into_iter().collect()
    }
}

/// Adds one value, `level` values below the summarised object and `depth`
/// calls deep in this computation, to a summary: lists are walked, objects
/// bring their own summary.
fn add_value(s: &mut Summary, v: &Value, depth: u32, level: u32) {
    s.values = s.values.saturating_add(1);
    s.contains_sensitive |= v.sensitive;
    s.height = s.height.max(level);
    match &v.kind {
        Kind::String(text) => s.bytes = s.bytes.saturating_add(text.len() as u64),
        Kind::List(items) => {
            if depth >= Summary::TOO_DEEP {
                s.height = Summary::TOO_DEEP;
                return;
            }
            for item in items {
                add_value(s, item, depth + 1, level + 1);
            }
        }
        Kind::Object(obj) => {
            let inner = obj.summary_at(depth);
            // The object itself was counted above.
            s.values = s.values.saturating_add(inner.values.saturating_sub(1));
            s.bytes = s.bytes.saturating_add(inner.bytes);
            s.height = s.height.max(level.saturating_add(inner.height).min(Summary::TOO_DEEP));
            s.contains_sensitive |= inner.contains_sensitive;
        }
        _ => {}
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Object {
    /// Later duplicates win. Sorted once, not inserted one by one: inserting
    /// unsorted keys into the sorted vector would be quadratic, and a policy
    /// can build objects of millions of entries within its limits.
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Object {
        let mut pairs: Vec<(Key, Value)> = iter.into_iter().map(|(k, v)| (Key::from(k.into()), v)).collect();
        if pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            return Object::from_sorted_pairs(pairs);
        }
        // Stable: equal keys stay in arrival order, and the last one is kept.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Key, Value)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        Object::from_sorted_pairs(out)
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = std::iter::Map<std::vec::IntoIter<(Key, Value)>, fn((Key, Value)) -> (String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        std::sync::Arc::unwrap_or_clone(self.inner).pairs.into_iter().map(|(k, v)| (k.into_string(), v))
    }
}

/// A number as Terraform writes it: cty numbers have arbitrary precision, so
/// integers outside `i64` and decimals with more digits than `f64` keeps are
/// held as their literal text and never silently rounded.
#[derive(Clone, Debug)]
pub enum Number {
    /// An integer that fits `i64`.
    Int(i64),
    /// A number held as `f64`; read from a literal, only when no digit of it is lost.
    Float(f64),
    /// A JSON number literal that neither `i64` nor `f64` holds exactly.
    Big(Box<str>),
}

impl Number {
    /// Parses a JSON number literal (already known to be valid JSON).
    pub fn from_literal(lit: &str) -> Option<Number> {
        if let Ok(i) = lit.parse::<i64>() {
            return Some(Number::Int(i));
        }
        let f: f64 = lit.parse().ok()?;
        if !f.is_finite() {
            return Some(Number::Big(lit.into()));
        }
        let is_integer_literal = !lit.contains(['.', 'e', 'E']);
        if is_integer_literal || significant_digits(lit) > 15 {
            // Keep the literal unless f64 gives the same text back.
            if format_f64(f) == normalize_literal(lit) {
                return Some(Number::Float(f));
            }
            return Some(Number::Big(lit.into()));
        }
        Some(Number::Float(f))
    }

    /// The value as `f64` (rounded for big literals).
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }
    /// The value as `i64` when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => Some(*f as i64),
            _ => None,
        }
    }
    /// True for a whole number, whichever way it is stored.
    pub fn is_integer(&self) -> bool {
        match self {
            Number::Int(_) => true,
            Number::Float(f) => f.fract() == 0.0,
            Number::Big(s) => !s.contains(['.', 'e', 'E']),
        }
    }
    /// JSON form, keeping big literals exact.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Number::Int(i) => serde_json::Value::from(*i),
            Number::Float(f) => {
                serde_json::Number::from_f64(*f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
            }
            // Without serde_json's arbitrary_precision a big literal cannot be a
            // JSON number; a string keeps it exact.
            Number::Big(s) => serde_json::Value::String(s.to_string()),
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number::Int(i)
    }
}
impl From<i32> for Number {
    fn from(i: i32) -> Number {
        Number::Int(i.into())
    }
}
impl From<usize> for Number {
    fn from(i: usize) -> Number {
        i64::try_from(i).map(Number::Int).unwrap_or(Number::Float(i as f64))
    }
}
impl From<f64> for Number {
    fn from(f: f64) -> Number {
        if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(b)),
            (Number::Big(a), Number::Big(b)) if a == b => Some(Ordering::Equal),
            (Number::Big(a), Number::Big(b)) => {
                compare_decimal_literals(a, b).or_else(|| self.as_f64().partial_cmp(&other.as_f64()))
            }
            (Number::Big(a), Number::Int(b)) => compare_decimal_literals(a, &b.to_string()),
            (Number::Int(a), Number::Big(b)) => compare_decimal_literals(&a.to_string(), b),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => f.write_str(&format_f64(*x)),
            Number::Big(s) => f.write_str(s),
        }
    }
}

/// Formats a float the way Terraform prints numbers: integers without a
/// fraction, others with the shortest round-tripping representation.
fn format_f64(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e21 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

fn significant_digits(lit: &str) -> usize {
    let mantissa = lit.split(['e', 'E']).next().unwrap_or(lit);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

/// Rewrites an integer literal without sign noise (`-0` → `0`, `+5` → `5`).
fn normalize_literal(lit: &str) -> String {
    let neg = lit.starts_with('-');
    let body = lit.trim_start_matches(['-', '+']).trim_start_matches('0');
    let body = if body.is_empty() || body.starts_with('.') { format!("0{body}") } else { body.to_string() };
    if neg && body != "0" {
        format!("-{body}")
    } else {
        body
    }
}

/// Exact comparison of two plain integer literals (no fraction, no exponent).
/// Returns `None` when either is not a plain integer literal.
fn compare_decimal_literals(a: &str, b: &str) -> Option<Ordering> {
    let plain = |s: &str| !s.contains(['.', 'e', 'E']);
    if !plain(a) || !plain(b) {
        return None;
    }
    let (na, da) = split_sign(a);
    let (nb, db) = split_sign(b);
    let da = da.trim_start_matches('0');
    let db = db.trim_start_matches('0');
    let na = na && !da.is_empty();
    let nb = nb && !db.is_empty();
    let mag = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
    Some(match (na, nb) {
        (false, false) => mag,
        (true, true) => mag.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    })
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.trim_start_matches('+')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_from_unsorted_pairs_are_sorted_and_later_duplicates_win() {
        let o: Object = [("b", 1), ("a", 2), ("c", 3), ("a", 4), ("b", 5)]
            .into_iter()
            .map(|(k, v)| (k, Value::number(v)))
            .collect();
        let got: Vec<(&str, String)> = o.iter().map(|(k, v)| (k, v.to_string())).collect();
        assert_eq!(got, [("a", "4".to_string()), ("b", "5".to_string()), ("c", "3".to_string())]);
        let sorted: Object = [("a", 1), ("b", 2)].into_iter().map(|(k, v)| (k, Value::number(v))).collect();
        assert_eq!(sorted.keys().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn big_integers_keep_their_literal() {
        let n = Number::from_literal("123456789012345678901234567890").unwrap();
        assert!(matches!(n, Number::Big(_)));
        assert_eq!(n.to_string(), "123456789012345678901234567890");
        let m = Number::from_literal("123456789012345678901234567891").unwrap();
        assert!(n < m);
        assert_ne!(n, m);
    }

    #[test]
    fn ordinary_numbers_are_native() {
        assert!(matches!(Number::from_literal("42"), Some(Number::Int(42))));
        assert!(matches!(Number::from_literal("-7"), Some(Number::Int(-7))));
        assert!(matches!(Number::from_literal("1.5"), Some(Number::Float(_))));
        assert_eq!(Number::from_literal("1.5").unwrap().to_string(), "1.5");
        assert_eq!(Number::Int(2), Number::Float(2.0));
    }

    #[test]
    fn u64_max_is_exact() {
        let n = Number::from_literal("18446744073709551615").unwrap();
        assert_eq!(n.to_string(), "18446744073709551615");
        assert!(n > Number::Int(i64::MAX));
    }

    #[test]
    fn objects_stay_sorted() {
        let mut o = Object::new();
        o.insert("b", Value::bool(true));
        o.insert("a", Value::null());
        o.insert("c", Value::string("x"));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(o.insert("b", Value::bool(false)), Some(Value::bool(true)));
        assert_eq!(o.get("b"), Some(&Value::bool(false)));
    }

    #[test]
    fn display_never_shows_sensitive() {
        let v = Value::object_from([
            ("password", Value::string("hunter2").into_sensitive()),
            ("id", Value::unknown()),
            ("name", Value::string("web")),
        ]);
        let shown = v.to_string();
        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("(sensitive value)"));
        assert!(shown.contains("(known after apply)"));
        assert!(!v.to_redacted_json().to_string().contains("hunter2"));
    }

    /// A plain walk, the reference the cached summaries must agree with.
    fn walked(v: &Value, level: u32, s: &mut Summary) {
        s.values += 1;
        s.height = s.height.max(level);
        s.contains_sensitive |= v.sensitive;
        match &v.kind {
            Kind::String(t) => s.bytes += t.len() as u64,
            Kind::List(items) => items.iter().for_each(|i| walked(i, level + 1, s)),
            Kind::Object(o) => o.iter().for_each(|(k, i)| {
                s.bytes += k.len() as u64;
                walked(i, level + 1, s)
            }),
            _ => {}
        }
    }

    fn reference_summary(o: &Object) -> Summary {
        let mut s = Summary::default();
        walked(&Value::object(o.clone()), 0, &mut s);
        s.contains_sensitive = o.values().any(Value::contains_sensitive);
        s
    }

    #[test]
    fn object_summaries_count_every_part_and_follow_writes() {
        let inner = Value::object_from([("id", Value::str("vol-1")), ("size", Value::number(8))]);
        let mut o = Object::new();
        o.insert("a", inner.clone());
        o.insert("b", Value::list(vec![inner.clone(), Value::str("xyz"), Value::list(vec![])]));
        let shared = o.clone();
        let first = o.summary().expect("shallow");
        assert_eq!(first, reference_summary(&o));
        assert_eq!((first.height, first.contains_sensitive), (3, false));
        // Writes through any path forget the summary; the clone keeps its own.
        o.get_mut("a").expect("a").sensitive = true;
        assert_eq!(o.summary(), Some(reference_summary(&o)));
        assert!(o.summary().expect("shallow").contains_sensitive);
        assert!(Value::object(o.clone()).contains_sensitive());
        assert_eq!(shared.summary(), Some(first));
        assert!(!Value::object(shared.clone()).contains_sensitive());
        o.insert("c", Value::string("0123456789".repeat(5)));
        assert_eq!(o.summary(), Some(reference_summary(&o)));
        o.remove("a");
        assert_eq!(o.summary(), Some(reference_summary(&o)));
        assert!(!o.summary().expect("shallow").contains_sensitive);
        o.values_mut().for_each(|v| v.sensitive = true);
        assert!(o.summary().expect("shallow").contains_sensitive);
        assert_eq!(Object::new().summary().map(|s| (s.values, s.height)), Some((1, 0)));
    }

    #[test]
    fn summaries_of_shared_objects_cost_their_distinct_parts() {
        // 64 levels of an object holding the previous one twice: 2^64 parts
        // to a walk, 64 objects to summarise.
        let mut v = Value::object_from([("leaf", Value::str("x").into_sensitive())]);
        for _ in 0..64 {
            v = Value::object_from([("l", v.clone()), ("r", v)]);
        }
        let s = v.as_object().expect("object").summary().expect("shallow");
        assert_eq!((s.values, s.bytes, s.height), (u64::MAX, u64::MAX, 65));
        assert!(s.contains_sensitive && v.contains_sensitive());
    }

    #[test]
    fn objects_too_deep_to_summarise_are_still_checked() {
        let mut v = Value::str("secret").into_sensitive();
        for i in 0..=Summary::TOO_DEEP + 10 {
            v = if i % 2 == 0 { Value::object_from([("k", v)]) } else { Value::list(vec![v]) };
        }
        let o = v.as_object().expect("object");
        assert_eq!(o.summary(), None);
        assert!(v.contains_sensitive());
        std::mem::forget(v); // dropping a value this deep is not what is tested
    }
}
