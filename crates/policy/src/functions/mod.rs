//! The function library: Terraform's standard functions and the `core::`
//! functions of the policy framework, over [`Value`]s that may be unknown or
//! sensitive.
//!
//! Contract with the evaluator:
//! - Functions are looked up by bare name (`length` for `core::length`).
//! - Every argument is already evaluated. A function decides itself how
//!   unknown arguments affect it (`length` of a known list with unknown
//!   elements is known; most functions return unknown for any unknown input).
//! - The result is marked sensitive when any argument that contributed to it
//!   is sensitive (at any depth).
//! - `try`, `can` and `getresources` are not here: they need unevaluated
//!   arguments or the plan, so the evaluator implements them.

use tfgate_plan::Value;

/// How many arguments a function takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    Exact(usize),
    Range(usize, usize),
    AtLeast(usize),
}

impl Arity {
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exact(k) => n == k,
            Arity::Range(lo, hi) => (lo..=hi).contains(&n),
            Arity::AtLeast(lo) => n >= lo,
        }
    }
}

/// A library function.
pub struct Function {
    pub name: &'static str,
    pub arity: Arity,
    pub call: fn(&[Value]) -> Result<Value, FunctionError>,
}

/// A function call that cannot produce a value (wrong argument type, invalid
/// regular expression, …). `argument` is the 0-based position of the argument
/// at fault, when one is.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct FunctionError {
    pub message: String,
    pub argument: Option<usize>,
}

impl FunctionError {
    pub fn new(message: impl Into<String>) -> FunctionError {
        FunctionError { message: message.into(), argument: None }
    }
    pub fn at(argument: usize, message: impl Into<String>) -> FunctionError {
        FunctionError { message: message.into(), argument: Some(argument) }
    }
}

/// Every library function, sorted by name.
pub fn all() -> &'static [Function] {
    FUNCTIONS
}

/// Finds a function by bare name.
pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.binary_search_by(|f| f.name.cmp(name)).ok().map(|i| &FUNCTIONS[i])
}

static FUNCTIONS: &[Function] = &[Function { name: "length", arity: Arity::Exact(1), call: length }];

fn length(args: &[Value]) -> Result<Value, FunctionError> {
    use tfgate_plan::Kind;
    let v = &args[0];
    let n = match &v.kind {
        Kind::Unknown => return Ok(Value::unknown().mark_if(v.sensitive)),
        Kind::List(items) => items.len(),
        Kind::Object(obj) => obj.len(),
        Kind::String(s) => s.chars().count(),
        _ => return Err(FunctionError::at(0, format!("length of a {} is not defined", v.type_name()))),
    };
    Ok(Value::number(n).mark_if(v.sensitive))
}
