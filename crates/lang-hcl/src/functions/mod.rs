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
//!   is sensitive (at any depth); except for the functions that mark their
//!   result themselves ([`marks_its_result`]: `lookup`, which is indexing).
//! - `try`, `can` and `getresources` are not here: they need unevaluated
//!   arguments or the plan, so the evaluator implements them, as it does the
//!   policy framework's `getdatasource` (the plan's data sources: the
//!   matching rules are in [`getdatasource`]) and `gethttprequest` (network
//!   access the run must allow: [`gethttprequest::HttpAccess`]).
//!
//! Topic modules: `strings`, `collections`, `numeric`, `encoding`,
//! `regexp`, `network`, `semver`, `convert`, `time`; `helpers` holds the
//! shared argument extraction, unknown/sensitive rules and equality. Each
//! module documents its deliberate deviations from Terraform. The main ones:
//! - type unification is approximated (our values carry no static types):
//!   mixed primitives in `tolist`/`toset`/`tomap` become strings, but
//!   `coalesce` returns the chosen argument unconverted;
//! - `contains`, `index` and `alltrue`/`anytrue` decide from known elements
//!   even when others are unknown (Terraform sometimes answers unknown);
//! - set ordering for mixed or complex elements keeps first-occurrence order;
//! - `nonsensitive` is not provided, so a policy cannot strip a mark;
//! - `yamldecode` is not provided.

mod collections;
mod convert;
mod encoding;
pub mod getdatasource;
pub mod gethttprequest;
pub(crate) mod helpers;
mod network;
mod numeric;
mod regexp;
mod semver;
mod strings;
mod time;
pub(crate) mod unknown;

use tfgate_plan::Value;

/// Whether a function marks its result itself, with exactly the marks of
/// what the result is made of, instead of taking every argument's marks at
/// any depth. `lookup(map, key)` is `map[key]`: the element keeps its own
/// marks plus those of the map and the key, but a secret elsewhere in the map
/// (a pre-0.15 plan's `password_data` beside `root_block_device`) is not part
/// of it, so it must not hide the element in a message.
pub fn marks_its_result(name: &str) -> bool {
    matches!(name, "lookup")
}

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

/// The position of a function in [`all`], by bare name.
pub fn position(name: &str) -> Option<usize> {
    FUNCTIONS.binary_search_by(|f| f.name.cmp(name)).ok()
}

/// Finds a function by bare name.
pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.binary_search_by(|f| f.name.cmp(name)).ok().map(|i| &FUNCTIONS[i])
}

/// The registry, sorted by name (checked by a test).
static FUNCTIONS: &[Function] = &[
    f("abs", Arity::Exact(1), numeric::abs),
    f("alltrue", Arity::Exact(1), collections::alltrue),
    f("anytrue", Arity::Exact(1), collections::anytrue),
    f("base64decode", Arity::Exact(1), encoding::base64decode),
    f("base64encode", Arity::Exact(1), encoding::base64encode),
    f("ceil", Arity::Exact(1), numeric::ceil),
    f("chomp", Arity::Exact(1), strings::chomp),
    f("chunklist", Arity::Exact(2), collections::chunklist),
    f("cidrcontains", Arity::Exact(2), network::cidrcontains),
    f("cidrhost", Arity::Exact(2), network::cidrhost),
    f("cidrnetmask", Arity::Exact(1), network::cidrnetmask),
    f("cidrsubnet", Arity::Exact(3), network::cidrsubnet),
    f("cidrsubnets", Arity::AtLeast(1), network::cidrsubnets),
    f("coalesce", Arity::AtLeast(1), collections::coalesce),
    f("coalescelist", Arity::AtLeast(1), collections::coalescelist),
    f("compact", Arity::Exact(1), collections::compact),
    f("concat", Arity::AtLeast(1), collections::concat),
    f("contains", Arity::Exact(2), collections::contains),
    f("contains_substring", Arity::Exact(2), strings::contains_substring),
    f("distinct", Arity::Exact(1), collections::distinct),
    f("element", Arity::Exact(2), collections::element),
    f("endswith", Arity::Exact(2), strings::endswith),
    f("flatten", Arity::Exact(1), collections::flatten),
    f("floor", Arity::Exact(1), numeric::floor),
    f("format", Arity::AtLeast(1), strings::format),
    f("formatlist", Arity::AtLeast(1), strings::formatlist),
    f("indent", Arity::Exact(2), strings::indent),
    f("index", Arity::Exact(2), collections::index),
    f("issensitive", Arity::Exact(1), convert::issensitive),
    f("join", Arity::AtLeast(2), strings::join),
    f("jsondecode", Arity::Exact(1), encoding::jsondecode),
    f("jsonencode", Arity::Exact(1), encoding::jsonencode),
    f("keys", Arity::Exact(1), collections::keys),
    f("length", Arity::Exact(1), collections::length),
    f("log", Arity::Exact(2), numeric::log),
    f("lookup", Arity::Range(2, 3), collections::lookup),
    f("lower", Arity::Exact(1), strings::lower),
    f("matchkeys", Arity::Exact(3), collections::matchkeys),
    f("max", Arity::AtLeast(1), numeric::max),
    f("merge", Arity::AtLeast(0), collections::merge),
    f("min", Arity::AtLeast(1), numeric::min),
    f("one", Arity::Exact(1), collections::one),
    f("parseint", Arity::Exact(2), numeric::parseint),
    f("pow", Arity::Exact(2), numeric::pow),
    f("range", Arity::Range(1, 3), collections::range),
    f("regex", Arity::Exact(2), regexp::regex),
    f("regex_match", Arity::Exact(2), regexp::regex_match),
    f("regexall", Arity::Exact(2), regexp::regexall),
    f("replace", Arity::Exact(3), strings::replace),
    f("reverse", Arity::Exact(1), collections::reverse),
    f("semvercmp", Arity::Exact(2), semver::semvercmp),
    f("semverconstraint", Arity::Exact(2), semver::semverconstraint),
    f("sensitive", Arity::Exact(1), convert::sensitive),
    f("setintersection", Arity::AtLeast(1), collections::setintersection),
    f("setproduct", Arity::AtLeast(1), collections::setproduct),
    f("setsubtract", Arity::Exact(2), collections::setsubtract),
    f("setunion", Arity::AtLeast(1), collections::setunion),
    f("signum", Arity::Exact(1), numeric::signum),
    f("slice", Arity::Exact(3), collections::slice),
    f("sort", Arity::Exact(1), collections::sort),
    f("split", Arity::Exact(2), strings::split),
    f("startswith", Arity::Exact(2), strings::startswith),
    f("strcontains", Arity::Exact(2), strings::strcontains),
    f("strrev", Arity::Exact(1), strings::strrev),
    f("substr", Arity::Exact(3), strings::substr),
    f("sum", Arity::Exact(1), collections::sum),
    f("timeadd", Arity::Exact(2), time::timeadd),
    f("timecmp", Arity::Exact(2), time::timecmp),
    f("title", Arity::Exact(1), strings::title),
    f("tobool", Arity::Exact(1), convert::tobool),
    f("tolist", Arity::Exact(1), convert::tolist),
    f("tomap", Arity::Exact(1), convert::tomap),
    f("tonumber", Arity::Exact(1), convert::tonumber),
    f("toset", Arity::Exact(1), convert::toset),
    f("tostring", Arity::Exact(1), convert::tostring),
    f("transpose", Arity::Exact(1), collections::transpose),
    f("trim", Arity::Exact(2), strings::trim),
    f("trimprefix", Arity::Exact(2), strings::trimprefix),
    f("trimspace", Arity::Exact(1), strings::trimspace),
    f("trimsuffix", Arity::Exact(2), strings::trimsuffix),
    f("upper", Arity::Exact(1), strings::upper),
    f("urlencode", Arity::Exact(1), encoding::urlencode),
    f("values", Arity::Exact(1), collections::values),
    f("valuetostring", Arity::Exact(1), encoding::valuetostring),
    f("zipmap", Arity::Exact(2), collections::zipmap),
];

const fn f(name: &'static str, arity: Arity, call: fn(&[Value]) -> Result<Value, FunctionError>) -> Function {
    Function { name, arity, call }
}

#[cfg(test)]
mod tests {
    use super::helpers::testing::{b, l, n, obj, s, strs};
    use super::*;

    /// Valid sample arguments for every function, used to check invariants
    /// that every function must keep.
    fn samples(name: &str) -> Vec<Value> {
        let m = || obj(vec![("a", s("x")), ("b", s("y"))]);
        match name {
            "abs" | "ceil" | "floor" | "signum" => vec![Value::number(-1.5)],
            "log" | "pow" => vec![n(8), n(2)],
            "max" | "min" => vec![n(1), n(5), n(3)],
            "parseint" => vec![s("ff"), n(16)],
            "alltrue" | "anytrue" => vec![l(vec![b(true), b(false)])],
            "chunklist" => vec![strs(&["a", "b", "c"]), n(2)],
            "coalesce" => vec![s(""), s("b")],
            "coalescelist" => vec![strs(&[]), strs(&["a"])],
            "compact" => vec![strs(&["a", "", "b"])],
            "concat" => vec![strs(&["a"]), strs(&["b"])],
            "contains" | "index" => vec![strs(&["a", "b"]), s("b")],
            "distinct" | "sort" | "reverse" | "flatten" | "one" | "tolist" | "toset" => {
                vec![strs(&["b"])]
            }
            "element" => vec![strs(&["a", "b"]), n(1)],
            "keys" | "values" | "tomap" => vec![m()],
            "length" => vec![strs(&["a", "b"])],
            "lookup" => vec![m(), s("a"), s("z")],
            "matchkeys" => vec![strs(&["i1", "i2"]), strs(&["a", "b"]), strs(&["b"])],
            "merge" => vec![m(), obj(vec![("c", n(1))])],
            "range" => vec![n(0), n(4), n(2)],
            "setintersection" | "setunion" | "setsubtract" | "setproduct" => {
                vec![strs(&["a", "b"]), strs(&["b", "c"])]
            }
            "slice" => vec![strs(&["a", "b", "c"]), n(1), n(2)],
            "sum" => vec![l(vec![n(1), n(2)])],
            "transpose" => vec![obj(vec![("a", strs(&["1", "2"]))])],
            "zipmap" => vec![strs(&["a", "b"]), strs(&["x", "y"])],
            "chomp" | "lower" | "upper" | "title" | "trimspace" | "strrev" => vec![s("Hello\n")],
            "contains_substring" | "strcontains" | "startswith" | "endswith" => {
                vec![s("hello"), s("he")]
            }
            "trim" | "trimprefix" | "trimsuffix" => vec![s("xxhixx"), s("x")],
            "format" => vec![s("%s-%d"), s("a"), n(1)],
            "formatlist" => vec![s("%s-%d"), strs(&["a", "b"]), n(1)],
            "indent" => vec![n(2), s("a\nb")],
            "join" => vec![s(","), strs(&["a", "b"])],
            "replace" => vec![s("a-b"), s("/-/"), s("+")],
            "split" => vec![s(","), s("a,b")],
            "substr" => vec![s("hello"), n(1), n(3)],
            "base64decode" => vec![s("aGk=")],
            "base64encode" | "urlencode" | "jsonencode" | "valuetostring" => vec![s("a b")],
            "jsondecode" => vec![s("{\"a\": [1, 2]}")],
            "regex" | "regexall" => vec![s("(\\w+)"), s("ab cd")],
            "regex_match" => vec![s("ab cd"), s("^ab")],
            "cidrcontains" => vec![s("10.0.0.0/8"), s("10.1.0.0/16")],
            "cidrhost" => vec![s("10.0.0.0/8"), n(5)],
            "cidrnetmask" => vec![s("10.0.0.0/8")],
            "cidrsubnet" => vec![s("10.0.0.0/8"), n(8), n(2)],
            "cidrsubnets" => vec![s("10.0.0.0/8"), n(8), n(4)],
            "semvercmp" => vec![s("1.2.3"), s("1.3.0")],
            "semverconstraint" => vec![s("1.2.3"), s(">= 1.0, < 2.0")],
            "tobool" => vec![s("true")],
            "tonumber" => vec![s("12")],
            "tostring" => vec![n(12)],
            "issensitive" | "sensitive" => vec![s("x")],
            "timecmp" => vec![s("2024-01-01T00:00:00Z"), s("2024-06-01T00:00:00+02:00")],
            "timeadd" => vec![s("2024-01-01T00:00:00Z"), s("720h")],
            other => panic!("no sample arguments for {other}: add them here"),
        }
    }

    /// Arguments whose mark need not reach the result: they did not
    /// contribute to it for the sample call.
    const NOT_CONTRIBUTING: &[(&str, usize)] = &[("lookup", 2), ("coalescelist", 0)];

    #[test]
    fn samples_succeed() {
        for func in all() {
            let args = samples(func.name);
            assert!(func.arity.accepts(args.len()), "{}: sample arity", func.name);
            let v = (func.call)(&args).unwrap_or_else(|e| panic!("{}: {e}", func.name));
            assert!(func.name == "sensitive" || !v.contains_sensitive(), "{}: marked without cause", func.name);
            assert!(v.is_wholly_known(), "{}: unknown without cause", func.name);
        }
    }

    #[test]
    fn a_sensitive_argument_marks_the_result() {
        for func in all() {
            if func.name == "issensitive" {
                continue;
            }
            let args = samples(func.name);
            for i in 0..args.len() {
                if NOT_CONTRIBUTING.contains(&(func.name, i)) {
                    continue;
                }
                let mut marked = args.clone();
                marked[i] = marked[i].clone().into_sensitive();
                let v =
                    (func.call)(&marked).unwrap_or_else(|e| panic!("{} with argument {i} sensitive: {e}", func.name));
                assert!(v.contains_sensitive(), "{}: sensitive argument {i} does not mark {v:?}", func.name);
            }
        }
    }

    #[test]
    fn lookup_takes_only_the_marks_of_what_it_returns() {
        let secret_beside = obj(vec![("password_data", s("hunter2").into_sensitive()), ("root", s("vol-1"))]);
        assert!(marks_its_result("lookup"));
        let v = (lookup("lookup").unwrap().call)(&[secret_beside.clone(), s("root")]).unwrap();
        assert_eq!(v, s("vol-1"));
        assert!(!v.contains_sensitive());
        // The secret itself, a marked map, a marked key, a marked default: marked.
        let v = (lookup("lookup").unwrap().call)(&[secret_beside.clone(), s("password_data")]).unwrap();
        assert!(v.sensitive);
        let v = (lookup("lookup").unwrap().call)(&[secret_beside.clone().into_sensitive(), s("root")]).unwrap();
        assert!(v.sensitive);
        let v = (lookup("lookup").unwrap().call)(&[secret_beside.clone(), s("root").into_sensitive()]).unwrap();
        assert!(v.sensitive);
        let v = (lookup("lookup").unwrap().call)(&[secret_beside, s("nope"), s("d").into_sensitive()]).unwrap();
        assert!(v.sensitive);
    }

    #[test]
    fn all_unknown_arguments_give_unknown() {
        for func in all() {
            let n = samples(func.name).len();
            let args = vec![Value::unknown(); n];
            match (func.call)(&args) {
                Ok(v) if matches!(func.name, "issensitive" | "valuetostring") => {
                    assert!(v.is_wholly_known(), "{}", func.name)
                }
                Ok(v) => assert!(v.is_unknown(), "{}: {v:?}", func.name),
                Err(e) => panic!("{}: error on unknown arguments: {e}", func.name),
            }
            let sensitive = vec![Value::unknown().into_sensitive(); n];
            let v = (func.call)(&sensitive).unwrap();
            if func.name != "issensitive" {
                assert!(v.sensitive, "{}: unknown result lost the mark", func.name);
            }
        }
    }

    #[test]
    fn an_unknown_argument_never_gives_an_error() {
        // Replacing any one argument of a valid call by an unknown value may
        // give a known result only when the answer is decidable, and never
        // an error.
        for func in all() {
            let args = samples(func.name);
            for i in 0..args.len() {
                let mut partial = args.clone();
                partial[i] = Value::unknown();
                if let Err(e) = (func.call)(&partial) {
                    panic!("{} with argument {i} unknown: {e}", func.name);
                }
            }
        }
    }

    #[test]
    fn registry_is_sorted_without_duplicates() {
        for pair in FUNCTIONS.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} must come before {}", pair[1].name, pair[0].name);
        }
    }

    #[test]
    fn every_function_is_found() {
        for func in all() {
            assert_eq!(lookup(func.name).map(|g| g.name), Some(func.name));
        }
        assert!(lookup("try").is_none());
        assert!(lookup("can").is_none());
        assert!(lookup("getresources").is_none());
        assert!(lookup("nosuchfunction").is_none());
    }
}
