//! Sentinel values: undefined, null, bool, int, float, string, list, map,
//! functions, and objects that imports hand out (a `time` value, a
//! `decimal`, an import namespace itself).
//!
//! Lists and maps are shared (`Arc`) and copied on write, so passing the
//! plan's resource map to a function or a quantifier costs nothing. Values
//! are `Send + Sync`: a policy set's imports are built once per plan and read
//! by policies evaluated on several threads.
//!
//! A value may be *lazy*: built by a closure the first time it is looked at
//! and kept. The Terraform imports use this so that a policy reading one
//! resource type never pays for converting every other resource's values.
//! Every accessor here forces a lazy value first; code that matches on the
//! enum directly must call [`Value::resolved`] first.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;

/// A Sentinel value.
#[derive(Clone)]
pub enum Value {
    /// The result of reading something that does not exist. Propagates
    /// through most expressions (see the evaluator).
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A UTF-8 string.
    String(Arc<str>),
    /// A list.
    List(List),
    /// A map (unordered in Sentinel; kept in insertion order here so output
    /// is deterministic).
    Map(Map),
    /// A function value (a `func` literal or declaration, with the scope it
    /// closes over). What it holds belongs to the evaluator.
    Func(Arc<dyn std::any::Any + Send + Sync>),
    /// A rule value (lazily evaluated, memoised). What it holds belongs to
    /// the evaluator.
    Rule(Arc<dyn std::any::Any + Send + Sync>),
    /// A value of an import: fields and methods answered by Rust code.
    Object(Arc<dyn Object>),
    /// A value built on first use.
    Lazy(Arc<Lazy>),
    /// A value the plan marks sensitive. Transparent to [`Value::resolved`]
    /// like `Lazy`, but every read through it is recorded (see
    /// `Evaluation::sensitive_read`) so that the run's output can be withheld.
    Sensitive(Arc<Value>),
}

thread_local! {
    // Set when the evaluating thread reads through a `Value::Sensitive`.
    // Evaluation runs on its own thread; `evaluate` and `load_module`
    // reset it before the run and read it after.
    static SENSITIVE_READ: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Clears this thread's "a sensitive value was read" flag; returns what it was.
pub(crate) fn reset_sensitive_read() -> bool {
    SENSITIVE_READ.with(|f| f.replace(false))
}

/// Records that this thread read a sensitive value.
pub(crate) fn mark_sensitive_read() {
    SENSITIVE_READ.with(|f| f.set(true));
}

/// A value that is built the first time it is needed.
pub struct Lazy {
    cell: OnceLock<Value>,
    #[allow(clippy::type_complexity)]
    init: std::sync::Mutex<Option<Box<dyn FnOnce() -> Value + Send>>>,
}

impl Lazy {
    fn force(&self) -> &Value {
        self.cell.get_or_init(|| {
            let init = self.init.lock().unwrap_or_else(|e| e.into_inner()).take();
            // A re-entrant force from inside `init` would deadlock on the
            // OnceLock; the closures the imports give never read themselves.
            init.map(|f| f()).unwrap_or(Value::Undefined)
        })
    }
}

/// An import's value: a namespace with fields and methods, like the `time`
/// import's time values (`t.year`, `t.add(d)`) or an import itself.
pub trait Object: Send + Sync {
    /// The name `types.type_of` and error messages use (for example `"time"`).
    fn type_name(&self) -> &str;
    /// The field `name`, or `Value::Undefined` when there is none.
    fn get(&self, name: &str) -> Result<Value, ObjectError>;
    /// Calls the method `name`. `Ok(Value::Undefined)` is a real result;
    /// a method that does not exist is [`ObjectError::NoSuchMethod`].
    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError>;
    /// The plain value this object stands for when it is printed, compared or
    /// converted (a time's RFC 3339 string, a decimal's number). `None` when
    /// it has none.
    fn as_plain(&self) -> Option<Value> {
        None
    }
}

/// An error from an import object.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ObjectError {
    /// The object has no method of that name.
    #[error("{type_name} has no function {name:?}")]
    NoSuchMethod {
        /// The object's type name.
        type_name: String,
        /// The method asked for.
        name: String,
    },
    /// The call's arguments are wrong (count or type), or the operation
    /// failed; the text says which, in Sentinel's words.
    #[error("{0}")]
    Failed(String),
}

/// A list: shared, copied on write.
#[derive(Clone, Default)]
pub struct List(Arc<Vec<Value>>);

/// A map: shared, copied on write, insertion-ordered.
#[derive(Clone, Default)]
pub struct Map(Arc<Pairs>);

/// A map's pairs. Most maps are small (a resource's attributes, one entry
/// of `resource_changes`) and a large plan holds hundreds of thousands of
/// them: up to [`SMALL_MAP`] pairs are kept in a plain vector, looked up by
/// scanning, without a hash index (which costs more than the pairs
/// themselves for a few keys). A larger map, or one a policy changes, is
/// an `IndexMap`. Maps of one shape built by the thousand (`resource_changes`
/// entries, their `change`) share one list of keys and hold only their
/// values. All keep insertion order; iteration is the same.
#[derive(Clone)]
enum Pairs {
    Small(Vec<(Key, Value)>),
    Big(IndexMap<Key, Value>),
    /// Distinct keys, shared, and the values in the same order.
    Record(Arc<[Key]>, Vec<Value>),
}

impl Default for Pairs {
    fn default() -> Pairs {
        Pairs::Small(Vec::new())
    }
}

/// The most pairs a map keeps without a hash index.
const SMALL_MAP: usize = 64;

/// The pairs of a [`Map`], in insertion order.
pub struct MapIter<'a>(MapIterRepr<'a>);

enum MapIterRepr<'a> {
    Small(std::slice::Iter<'a, (Key, Value)>),
    Big(indexmap::map::Iter<'a, Key, Value>),
    Record(std::iter::Zip<std::slice::Iter<'a, Key>, std::slice::Iter<'a, Value>>),
}

impl<'a> Iterator for MapIter<'a> {
    type Item = (&'a Key, &'a Value);
    fn next(&mut self) -> Option<(&'a Key, &'a Value)> {
        match &mut self.0 {
            MapIterRepr::Small(i) => i.next().map(|(k, v)| (k, v)),
            MapIterRepr::Big(i) => i.next(),
            MapIterRepr::Record(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            MapIterRepr::Small(i) => i.size_hint(),
            MapIterRepr::Big(i) => i.size_hint(),
            MapIterRepr::Record(i) => i.size_hint(),
        }
    }
}

impl ExactSizeIterator for MapIter<'_> {}

/// A map key: Sentinel allows any scalar as a key.
#[derive(Clone, Debug)]
pub enum Key {
    /// A string key (the common case).
    String(Arc<str>),
    /// An integer key.
    Int(i64),
    /// A float key (compared by bits, except that `0.0 == -0.0`).
    Float(f64),
    /// A bool key.
    Bool(bool),
    /// A `null` key.
    Null,
}

impl Key {
    /// The key as a value.
    pub fn to_value(&self) -> Value {
        match self {
            Key::String(s) => Value::String(s.clone()),
            Key::Int(i) => Value::Int(*i),
            Key::Float(f) => Value::Float(*f),
            Key::Bool(b) => Value::Bool(*b),
            Key::Null => Value::Null,
        }
    }

    /// The key for a value; `None` for values that cannot be keys (lists,
    /// maps, functions, undefined).
    pub fn from_value(v: &Value) -> Option<Key> {
        Some(match v.resolved() {
            Value::String(s) => Key::String(s.clone()),
            Value::Int(i) => Key::Int(*i),
            Value::Float(f) => Key::Float(*f),
            Value::Bool(b) => Key::Bool(*b),
            Value::Null => Key::Null,
            Value::Object(o) => return o.as_plain().as_ref().and_then(Key::from_value),
            _ => return None,
        })
    }

    /// The key's text when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Key::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::String(s.into())
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        Key::String(s.into())
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::String(a), Key::String(b)) => a == b,
            (Key::Int(a), Key::Int(b)) => a == b,
            (Key::Float(a), Key::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Key::Bool(a), Key::Bool(b)) => a == b,
            (Key::Null, Key::Null) => true,
            _ => false,
        }
    }
}

impl Eq for Key {}

/// The tag each key kind hashes first; a `&str` lookup hashes the string
/// tag the same way, so it needs no `Key` (and no allocation).
const STRING_KEY_TAG: u8 = 0;

/// A borrowed string used to look a string key up without building a `Key`.
struct StrKey<'a>(&'a str);

impl Hash for StrKey<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        STRING_KEY_TAG.hash(h);
        self.0.hash(h);
    }
}

impl indexmap::Equivalent<Key> for StrKey<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        matches!(key, Key::String(s) if &**s == self.0)
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let tag: u8 = match self {
            Key::String(_) => STRING_KEY_TAG,
            Key::Int(_) => 1,
            Key::Float(_) => 2,
            Key::Bool(_) => 3,
            Key::Null => 4,
        };
        tag.hash(h);
        match self {
            Key::String(s) => s.hash(h),
            Key::Int(i) => i.hash(h),
            // 0.0 and -0.0 are equal, so they must hash alike.
            Key::Float(f) => (if *f == 0.0 { 0.0f64 } else { *f }).to_bits().hash(h),
            Key::Bool(b) => b.hash(h),
            Key::Null => {}
        }
    }
}

// Dropping a deeply nested value must not recurse once per level: a
// policy can build a list a million levels deep in a loop. A list or map
// that is the last owner of its elements moves nested lists and maps onto
// a heap stack and empties them there.
fn drop_nested(mut stack: Vec<Value>) {
    while let Some(v) = stack.pop() {
        match v {
            Value::List(mut l) => {
                if let Some(items) = Arc::get_mut(&mut l.0) {
                    stack.append(items);
                }
            }
            Value::Map(mut m) => {
                if let Some(pairs) = Arc::get_mut(&mut m.0) {
                    pairs.drain_values_into(&mut stack);
                }
            }
            _ => {}
        }
    }
}

fn is_container(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Map(_))
}

impl Drop for List {
    fn drop(&mut self) {
        if let Some(items) = Arc::get_mut(&mut self.0) {
            if items.iter().any(is_container) {
                drop_nested(std::mem::take(items));
            }
        }
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        if let Some(pairs) = Arc::get_mut(&mut self.0) {
            if pairs.values().any(is_container) {
                let mut values = Vec::new();
                pairs.drain_values_into(&mut values);
                drop_nested(values);
            }
        }
    }
}

impl List {
    /// A list of these values.
    pub fn new(items: Vec<Value>) -> List {
        List(Arc::new(items))
    }
    /// The elements.
    pub fn as_slice(&self) -> &[Value] {
        &self.0
    }
    /// The number of elements.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether the list has no elements.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The element at `i`, if any.
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.0.get(i)
    }
    /// The elements, for changing (copied first when shared).
    pub fn make_mut(&mut self) -> &mut Vec<Value> {
        Arc::make_mut(&mut self.0)
    }
    /// Whether both lists are the same allocation (so equal without looking).
    pub fn ptr_eq(&self, other: &List) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Pairs {
    fn values(&self) -> Box<dyn Iterator<Item = &Value> + '_> {
        match self {
            Pairs::Small(v) => Box::new(v.iter().map(|(_, x)| x)),
            Pairs::Big(m) => Box::new(m.values()),
            Pairs::Record(_, values) => Box::new(values.iter()),
        }
    }

    fn drain_values_into(&mut self, out: &mut Vec<Value>) {
        match self {
            Pairs::Small(v) => out.extend(v.drain(..).map(|(_, x)| x)),
            Pairs::Big(m) => out.extend(m.drain(..).map(|(_, x)| x)),
            Pairs::Record(_, values) => out.append(values),
        }
    }

    fn len(&self) -> usize {
        match self {
            Pairs::Small(v) => v.len(),
            Pairs::Big(m) => m.len(),
            Pairs::Record(_, values) => values.len(),
        }
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }
    /// A map of these pairs (a later key replaces an earlier one's value,
    /// in the earlier one's place).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Key, Value)>) -> Map {
        let pairs = pairs.into_iter();
        if pairs.size_hint().0 > SMALL_MAP {
            return Map(Arc::new(Pairs::Big(pairs.collect())));
        }
        let mut small: Vec<(Key, Value)> = Vec::with_capacity(pairs.size_hint().0);
        let mut pairs = pairs.fuse();
        for (k, v) in pairs.by_ref() {
            if let Some(slot) = small.iter_mut().find(|(x, _)| *x == k) {
                slot.1 = v;
                continue;
            }
            match small.len() {
                SMALL_MAP => {
                    let mut big: IndexMap<Key, Value> = small.drain(..).collect();
                    big.insert(k, v);
                    big.extend(pairs);
                    return Map(Arc::new(Pairs::Big(big)));
                }
                _ => small.push((k, v)),
            }
        }
        small.shrink_to_fit();
        Map(Arc::new(Pairs::Small(small)))
    }
    /// A map of pairs whose keys are known to be distinct (no key is
    /// looked for before it is added).
    pub(crate) fn from_distinct(mut pairs: Vec<(Key, Value)>) -> Map {
        debug_assert!(pairs.iter().enumerate().all(|(i, (k, _))| pairs[..i].iter().all(|(x, _)| x != k)));
        if pairs.len() > SMALL_MAP {
            return Map(Arc::new(Pairs::Big(pairs.into_iter().collect())));
        }
        pairs.shrink_to_fit();
        Map(Arc::new(Pairs::Small(pairs)))
    }
    /// A map of these keys (distinct, shared with other maps of the same
    /// shape) and their values, in order.
    pub(crate) fn record(keys: &Arc<[Key]>, values: Vec<Value>) -> Map {
        debug_assert_eq!(keys.len(), values.len());
        debug_assert!(keys.iter().enumerate().all(|(i, k)| keys[..i].iter().all(|x| x != k)));
        Map(Arc::new(Pairs::Record(keys.clone(), values)))
    }
    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether the map has no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }
    /// The value for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<&Value> {
        match &*self.0 {
            Pairs::Small(v) => v.iter().find(|(k, _)| k == key).map(|(_, x)| x),
            Pairs::Big(m) => m.get(key),
            Pairs::Record(keys, values) => keys.iter().position(|k| k == key).map(|i| &values[i]),
        }
    }
    /// The value for a string key, if any (no allocation).
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        match &*self.0 {
            Pairs::Small(v) => v.iter().find(|(k, _)| matches!(k, Key::String(s) if &**s == key)).map(|(_, x)| x),
            Pairs::Big(m) => m.get(&StrKey(key)),
            Pairs::Record(keys, values) => {
                keys.iter().position(|k| matches!(k, Key::String(s) if &**s == key)).map(|i| &values[i])
            }
        }
    }
    /// The pairs in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Key, &Value)> {
        MapIter(match &*self.0 {
            Pairs::Small(v) => MapIterRepr::Small(v.iter()),
            Pairs::Big(m) => MapIterRepr::Big(m.iter()),
            Pairs::Record(keys, values) => MapIterRepr::Record(keys.iter().zip(values.iter())),
        })
    }
    /// The pairs, for changing (copied first when shared).
    pub fn make_mut(&mut self) -> &mut IndexMap<Key, Value> {
        let pairs = Arc::make_mut(&mut self.0);
        match pairs {
            Pairs::Small(v) => *pairs = Pairs::Big(std::mem::take(v).into_iter().collect()),
            Pairs::Record(keys, values) => {
                *pairs = Pairs::Big(keys.iter().cloned().zip(std::mem::take(values)).collect());
            }
            Pairs::Big(_) => {}
        }
        match pairs {
            Pairs::Big(m) => m,
            Pairs::Small(_) | Pairs::Record(..) => unreachable!("made big above"),
        }
    }
    /// Whether both maps are the same allocation.
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Value {
    /// A string value.
    pub fn string(s: impl AsRef<str>) -> Value {
        Value::String(s.as_ref().into())
    }
    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List::new(items))
    }
    /// A map value with string keys.
    pub fn map_from<K: Into<Key>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(Map::from_pairs(pairs.into_iter().map(|(k, v)| (k.into(), v))))
    }
    /// A value built by `init` the first time it is looked at.
    pub fn lazy(init: impl FnOnce() -> Value + Send + 'static) -> Value {
        Value::Lazy(Arc::new(Lazy { cell: OnceLock::new(), init: std::sync::Mutex::new(Some(Box::new(init))) }))
    }

    /// A value the plan marks sensitive (its reads are recorded; it prints
    /// as `(sensitive value)`).
    pub fn sensitive(v: Value) -> Value {
        match v {
            // Already marked: one wrapper is enough.
            Value::Sensitive(_) => v,
            v => Value::Sensitive(Arc::new(v)),
        }
    }

    /// The value itself, with a lazy value built first and a sensitive one
    /// unwrapped (recording the read). Never returns `Value::Lazy` or
    /// `Value::Sensitive`.
    pub fn resolved(&self) -> &Value {
        let mut v = self;
        loop {
            match v {
                Value::Lazy(l) => v = l.force(),
                Value::Sensitive(inner) => {
                    mark_sensitive_read();
                    v = inner;
                }
                _ => return v,
            }
        }
    }

    /// Whether the value is sensitive (a lazy value is built to see, a
    /// sensitive one is not read).
    pub fn is_sensitive(&self) -> bool {
        self.unsensitive().is_none()
    }

    /// As [`Value::resolved`], but stops at a sensitive value without reading
    /// it: `None` then. For code that shows values (print, traces).
    pub fn unsensitive(&self) -> Option<&Value> {
        let mut v = self;
        loop {
            match v {
                Value::Lazy(l) => v = l.force(),
                Value::Sensitive(_) => return None,
                _ => return Some(v),
            }
        }
    }

    /// Whether the value is `undefined`.
    pub fn is_undefined(&self) -> bool {
        matches!(self.resolved(), Value::Undefined)
    }
    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.resolved(), Value::Null)
    }
    /// The bool, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.resolved() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The integer, if it is one.
    pub fn as_int(&self) -> Option<i64> {
        match self.resolved() {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    /// The number as a float, if it is an int or a float.
    pub fn as_f64(&self) -> Option<f64> {
        match self.resolved() {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
    /// The text, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.resolved() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The list, if it is one.
    pub fn as_list(&self) -> Option<&List> {
        match self.resolved() {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
    /// The map, if it is one.
    pub fn as_map(&self) -> Option<&Map> {
        match self.resolved() {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    /// The import object, if it is one.
    pub fn as_object(&self) -> Option<&Arc<dyn Object>> {
        match self.resolved() {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Sentinel's type name, as `types.type_of` and error messages give it:
    /// `undefined`, `null`, `bool`, `int`, `float`, `string`, `list`, `map`,
    /// `func`, `rule`, or an object's own name.
    pub fn type_name(&self) -> &str {
        match self.resolved() {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Func(_) => "func",
            Value::Rule(_) => "rule",
            Value::Object(o) => o.type_name(),
            Value::Lazy(_) | Value::Sensitive(_) => unreachable!("resolved() never returns a lazy value"),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug output must not show a sensitive value either.
        let Some(v) = self.unsensitive() else {
            return f.write_str(tfgate_plan::SENSITIVE_TEXT);
        };
        match v {
            Value::Undefined => f.write_str("undefined"),
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(l) => f.debug_list().entries(l.as_slice()).finish(),
            Value::Map(m) => f.debug_map().entries(m.iter().map(|(k, v)| (k.to_value(), v))).finish(),
            Value::Func(_) => f.write_str("func"),
            Value::Rule(_) => f.write_str("rule"),
            Value::Object(o) => write!(f, "<{}>", o.type_name()),
            Value::Lazy(_) | Value::Sensitive(_) => unreachable!("unsensitive() returns neither"),
        }
    }
}

/// A JSON document as a Sentinel value: whole numbers that fit `int` are
/// ints, other numbers floats (as Sentinel's `json.unmarshal` reads them).
pub fn value_from_json(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::string(s),
        serde_json::Value::Array(a) => Value::list(a.iter().map(value_from_json).collect()),
        serde_json::Value::Object(o) => Value::map_from(o.iter().map(|(k, v)| (k.as_str(), value_from_json(v)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_map_reads_like_the_same_pairs() {
        let keys: Arc<[Key]> = ["type", "name", "index"].map(Key::from).into();
        let values = || vec![Value::string("aws_instance"), Value::string("web"), Value::Int(0)];
        let mut record = Map::record(&keys, values());
        let pairs = Map::from_pairs(keys.iter().cloned().zip(values()));
        assert_eq!(record.len(), 3);
        assert!(matches!(record.get_str("name"), Some(Value::String(s)) if &**s == "web"));
        assert!(matches!(record.get(&Key::from("index")), Some(Value::Int(0))));
        assert!(record.get_str("missing").is_none());
        let order = |m: &Map| m.iter().map(|(k, _)| format!("{k:?}")).collect::<Vec<_>>();
        assert_eq!(order(&record), order(&pairs));
        assert_eq!(record.iter().len(), 3);
        assert_eq!(crate::eval::ops::equals(&Value::Map(record.clone()), &Value::Map(pairs)), Some(true));
        // Changing one copies it into an ordinary map, in the same order; others sharing the keys keep theirs.
        let other = Map::record(&keys, values());
        record.make_mut().insert(Key::from("count"), Value::Int(2));
        assert_eq!(record.len(), 4);
        assert_eq!(order(&record)[..3], order(&other)[..]);
        assert_eq!(other.len(), 3);
    }

    #[test]
    fn lazy_values_are_built_once_and_only_when_read() {
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = count.clone();
        let v = Value::lazy(move || {
            c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Value::Int(7)
        });
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 0);
        assert_eq!(v.as_int(), Some(7));
        assert_eq!(v.clone().as_int(), Some(7));
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(v.type_name(), "int");
    }

    #[test]
    fn keys_of_every_scalar_kind_are_distinct_and_zero_is_one_float_key() {
        let m = Map::from_pairs([
            (Key::from("1"), Value::Int(1)),
            (Key::Int(1), Value::Int(2)),
            (Key::Float(0.0), Value::Int(3)),
            (Key::Bool(true), Value::Int(4)),
        ]);
        assert_eq!(m.len(), 4);
        assert_eq!(m.get(&Key::Float(-0.0)).and_then(Value::as_int), Some(3));
        assert_eq!(m.get_str("1").and_then(Value::as_int), Some(1));
    }

    #[test]
    fn dropping_a_deeply_nested_value_does_not_overflow_the_stack() {
        let mut v = Value::list(vec![]);
        for i in 0..200_000 {
            v = if i % 2 == 0 { Value::list(vec![v]) } else { Value::map_from([("k", v)]) };
        }
        drop(v);
    }

    #[test]
    fn small_and_large_maps_keep_order_replace_in_place_and_find_every_key() {
        for n in [0, 1, 5, SMALL_MAP - 1, SMALL_MAP, SMALL_MAP + 1, 3 * SMALL_MAP] {
            // Every key twice, the second time with a new value: the first
            // place is kept, the last value wins (as an IndexMap collects).
            let keys: Vec<Key> = (0..n).map(|i| Key::from(format!("k{i}"))).collect();
            let firsts = keys.iter().cloned().zip((0..).map(Value::Int));
            let seconds = keys.iter().cloned().zip((1000..).map(Value::Int));
            // Unsized (filter) so that no size hint picks the form up front.
            let pairs: Vec<(Key, Value)> = firsts.chain(seconds).collect();
            let m = Map::from_pairs(pairs.into_iter().filter(|_| true));
            assert_eq!(m.len(), n);
            assert_eq!(m.iter().len(), n);
            let order: Vec<String> = m.iter().map(|(k, _)| k.as_str().unwrap_or_default().to_string()).collect();
            assert_eq!(order, (0..n).map(|i| format!("k{i}")).collect::<Vec<_>>(), "n = {n}");
            for (i, k) in keys.iter().enumerate() {
                assert_eq!(m.get(k).and_then(Value::as_int), Some(1000 + i as i64));
                assert_eq!(m.get_str(k.as_str().unwrap_or_default()).and_then(Value::as_int), Some(1000 + i as i64));
            }
            assert!(m.get_str("absent").is_none() && m.get(&Key::Int(0)).is_none());
            // Changing a copy turns it into an indexed map, same pairs.
            let mut c = m.clone();
            c.make_mut().insert(Key::from("new"), Value::Null);
            assert_eq!((m.len(), c.len()), (n, n + 1));
            assert!(c.iter().take(n).map(|(k, _)| k).eq(m.iter().map(|(k, _)| k)));
            let d = Map::from_distinct(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
            assert!(d.iter().map(|(k, v)| (k, v.as_int())).eq(m.iter().map(|(k, v)| (k, v.as_int()))));
        }
    }

    #[test]
    fn lists_and_maps_are_copied_on_write() {
        let a = List::new(vec![Value::Int(1)]);
        let mut b = a.clone();
        b.make_mut().push(Value::Int(2));
        assert_eq!((a.len(), b.len()), (1, 2));
    }
}
