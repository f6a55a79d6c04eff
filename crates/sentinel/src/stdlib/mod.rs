//! Sentinel's standard imports: `strings`, `types`, `units`, `json`,
//! `decimal`, `version`, `time`, `base64`, `collection`, `collection/maps`,
//! `collection/lists`, `sockaddr`, `runtime` and `http`.
//!
//! Each import is a [`Value::Object`] built by [`standard_import`]; its
//! functions are answered by [`Object::call`], its constants by
//! [`Object::get`]. Values with methods (a time, a decimal, a version, an
//! HTTP request) are objects too. Behaviour follows the import reference
//! pages (`developer.hashicorp.com/sentinel/docs/imports/<name>`): a function
//! given `undefined` returns `undefined`, wrong argument counts or types are
//! errors naming the function.
//!
//! Functions that take a Sentinel function (`collection.filter`'s predicate,
//! `collection/lists.sort`'s comparator) call it back through the evaluator:
//! see [`call_method`].

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use crate::value::{Key, Object, ObjectError, Value};

mod base64;
mod collection;
mod decimal;
mod http;
mod json;
mod sockaddr;
mod strings;
mod time;
mod types;
mod version;

pub use http::{HttpFixture, HttpPolicy};

/// The Sentinel version `runtime.version` reports: the language level this
/// crate implements (the newest reference pages it follows).
pub const SENTINEL_VERSION: &str = "0.40.0";

/// What the standard imports may do and see.
#[derive(Clone, Debug, Default)]
pub struct StdlibOptions {
    /// The `http` import's policy: off unless hosts are allowed or fixtures
    /// are given.
    pub http: HttpPolicy,
    /// The moment `time.now` stands for; the real clock (read when the
    /// import is built) when `None`. Set it once per run so a policy and its
    /// modules see one moment; tests set it so results are reproducible.
    pub now: Option<SystemTime>,
}

/// The standard import `name`, or `None` when there is no such import.
pub fn standard_import(name: &str, options: &StdlibOptions) -> Option<Value> {
    let obj: Arc<dyn Object> = match name {
        "strings" => Arc::new(strings::Strings),
        "types" => Arc::new(types::Types),
        "units" => Arc::new(Units),
        "json" => Arc::new(json::Json),
        "decimal" => Arc::new(decimal::DecimalImport),
        "version" => Arc::new(version::VersionImport),
        "time" => Arc::new(time::TimeImport::new(options.now.unwrap_or_else(SystemTime::now))),
        "base64" => Arc::new(base64::Base64),
        "collection" => collection_import(),
        "collection/maps" => Arc::new(collection::Maps),
        "collection/lists" => lists_import(),
        "sockaddr" => Arc::new(sockaddr::Sockaddr),
        "runtime" => Arc::new(Runtime),
        "http" => Arc::new(http::HttpImport::new(options.http.clone())),
        _ => return None,
    };
    Some(Value::Object(obj))
}

/// The names [`standard_import`] answers.
pub const STANDARD_IMPORTS: &[&str] = &[
    "base64",
    "collection",
    "collection/lists",
    "collection/maps",
    "decimal",
    "http",
    "json",
    "runtime",
    "sockaddr",
    "strings",
    "time",
    "types",
    "units",
    "version",
];

// ---------------------------------------------------------------------------
// Calling Sentinel functions from an import.

/// Calls a Sentinel function value with arguments, for an import that was
/// given one; the error text is the evaluator's message.
pub type FuncCaller<'a> = dyn FnMut(&Value, Vec<Value>) -> Result<Value, String> + 'a;

// The imports whose functions take Sentinel functions, one value each, so
// `call_method` knows them by address (a mock of the same name is not them).
static COLLECTION: OnceLock<Arc<dyn Object>> = OnceLock::new();
static LISTS: OnceLock<Arc<dyn Object>> = OnceLock::new();

fn collection_import() -> Arc<dyn Object> {
    COLLECTION.get_or_init(|| Arc::new(collection::Collection)).clone()
}

fn lists_import() -> Arc<dyn Object> {
    LISTS.get_or_init(|| Arc::new(collection::Lists)).clone()
}

fn same_object(a: &Arc<dyn Object>, b: &Arc<dyn Object>) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}

/// Calls the method `name` of an import object, giving it `caller` to call
/// the Sentinel functions among `args` (`collection.filter`'s predicate,
/// `collection/lists.sort`'s comparator). The evaluator calls methods of
/// import objects through this; for every other object it is
/// [`Object::call`]. (A plain `Object::call` of those functions fails with
/// an error saying functions cannot be called there.)
pub fn call_method(
    obj: &Arc<dyn Object>,
    name: &str,
    args: Vec<Value>,
    caller: &mut FuncCaller<'_>,
) -> Result<Value, ObjectError> {
    if same_object(obj, &collection_import()) {
        return collection::Collection.call_with(name, args, caller);
    }
    if same_object(obj, &lists_import()) {
        return collection::Lists.call_with(name, args, caller);
    }
    obj.call(name, args)
}

/// The caller an import gets when called without the evaluator.
pub(crate) fn no_caller(_: &Value, _: Vec<Value>) -> Result<Value, String> {
    Err("functions cannot be called here".into())
}

/// Calls the function value `f` through the evaluator's caller.
fn call_func(fname: &str, caller: &mut FuncCaller<'_>, f: &Value, args: Vec<Value>) -> Result<Value, ObjectError> {
    if !matches!(f.resolved(), Value::Func(_)) {
        return Err(fail(format!("{fname}: expected a function, got {}", f.type_name())));
    }
    caller(f, args).map_err(|e| fail(format!("{fname}: {e}")))
}

// ---------------------------------------------------------------------------
// Argument helpers shared by the imports.

pub(crate) fn fail(msg: impl Into<String>) -> ObjectError {
    ObjectError::Failed(msg.into())
}

pub(crate) fn no_such(type_name: &str, name: &str) -> ObjectError {
    ObjectError::NoSuchMethod { type_name: type_name.to_string(), name: name.to_string() }
}

/// Checks that `args` has between `min` and `max` elements.
pub(crate) fn arity(fname: &str, args: &[Value], min: usize, max: usize) -> Result<(), ObjectError> {
    if args.len() < min || args.len() > max {
        let want = if min == max { format!("{min}") } else { format!("{min} to {max}") };
        let s = if max == 1 { "" } else { "s" };
        return Err(fail(format!("{fname}: expected {want} argument{s}, got {}", args.len())));
    }
    Ok(())
}

/// Whether any argument is `undefined` (most functions then return
/// `undefined`, per the undefined rules).
pub(crate) fn any_undefined(args: &[Value]) -> bool {
    args.iter().any(Value::is_undefined)
}

pub(crate) fn type_err(fname: &str, pos: usize, want: &str, got: &Value) -> ObjectError {
    fail(format!("{fname}: argument {pos} must be {want}, got {}", got.type_name()))
}

pub(crate) fn str_arg<'a>(fname: &str, args: &'a [Value], i: usize) -> Result<&'a str, ObjectError> {
    args[i].as_str().ok_or_else(|| type_err(fname, i + 1, "a string", &args[i]))
}

pub(crate) fn int_arg(fname: &str, args: &[Value], i: usize) -> Result<i64, ObjectError> {
    args[i].as_int().ok_or_else(|| type_err(fname, i + 1, "an int", &args[i]))
}

/// A value with its object replaced by the plain form, when it has one.
pub(crate) fn plain(v: &Value) -> Value {
    match v.resolved() {
        Value::Object(o) => o.as_plain().unwrap_or_else(|| v.resolved().clone()),
        other => other.clone(),
    }
}

/// A scalar's text as Sentinel converts it to a string (`strings.join`):
/// ints in decimal, floats in their shortest form, bools as `true`/`false`.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    Some(match plain(v) {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_text(f),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        _ => return None,
    })
}

/// A float the way Go's `%v` shows it: shortest round-trip digits, with an
/// exponent from 1e21 up and below 1e-4.
pub(crate) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let a = f.abs();
    if a != 0.0 && !(1e-4..1e21).contains(&a) {
        // Rust's `{:e}` gives the shortest mantissa; Go writes e+XX / e-XX.
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        return format!("{m}e{sign}{:02}", e.abs());
    }
    format!("{f}")
}

/// Sentinel equality, as `is` and `==` use it: numbers by value (an int
/// equals the same float), strings, bools and null by value, lists element
/// by element, maps key by key; objects by their plain form.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    let (a, b) = (plain(a), plain(b));
    match (&a, &b) {
        (Value::Undefined, Value::Undefined) => true,
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => a.as_f64() == b.as_f64(),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.ptr_eq(y)
                || (x.len() == y.len() && x.as_slice().iter().zip(y.as_slice()).all(|(p, q)| values_equal(p, q)))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.ptr_eq(y) || (x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w))))
        }
        _ => false,
    }
}

/// A string-keyed map value from pairs.
pub(crate) fn str_map(pairs: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::map_from(pairs.into_iter().map(|(k, v)| (Key::from(k), v)))
}

// ---------------------------------------------------------------------------
// The two imports with nothing but constants.

/// `units`: byte sizes in base 2 (imports/units.mdx).
struct Units;

impl Object for Units {
    fn type_name(&self) -> &str {
        "units"
    }
    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        let shift = match name {
            "kilobyte" => 10,
            "megabyte" => 20,
            "gigabyte" => 30,
            "terabyte" => 40,
            "petabyte" => 50,
            _ => return Ok(Value::Undefined),
        };
        Ok(Value::Int(1i64 << shift))
    }
    fn call(&self, name: &str, _args: Vec<Value>) -> Result<Value, ObjectError> {
        Err(no_such("units", name))
    }
}

/// `runtime`: facts about the Sentinel runtime (imports/runtime.mdx).
struct Runtime;

impl Object for Runtime {
    fn type_name(&self) -> &str {
        "runtime"
    }
    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "version" => Value::string(SENTINEL_VERSION),
            _ => Value::Undefined,
        })
    }
    fn call(&self, name: &str, _args: Vec<Value>) -> Result<Value, ObjectError> {
        Err(no_such("runtime", name))
    }
}

/// The standard imports as an [`Imports`](crate::Imports) layer: what a
/// policy gets for `import "strings"` and the rest when nothing above
/// (mocks, modules) answers.
#[derive(Clone, Default)]
pub struct StandardImports {
    /// How the imports behave (http policy, the moment `time.now` stands for).
    pub options: StdlibOptions,
}

impl StandardImports {
    /// The standard imports of one run: `time.now` is read once, here, so a
    /// policy and its modules (and every policy of the run) see one moment.
    pub fn for_run() -> StandardImports {
        StandardImports { options: StdlibOptions { now: Some(SystemTime::now()), ..StdlibOptions::default() } }
    }
}

impl crate::program::Imports for StandardImports {
    fn resolve(&self, name: &str) -> Option<Value> {
        standard_import(name, &self.options)
    }
}
