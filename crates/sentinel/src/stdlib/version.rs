//! `version`: versions, comparison and constraints (imports/version.mdx).
//!
//! Versions are dotted numbers (`1`, `1.2`, `1.2.3`, an optional leading
//! `v`, missing segments are 0) with an optional `-prerelease` and
//! `+metadata`. Metadata never takes part in comparisons.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{any_undefined, arity, fail, no_such, str_arg};
use crate::value::{Object, ObjectError, Value};

pub(super) struct VersionImport;

impl Object for VersionImport {
    fn type_name(&self) -> &str {
        "version"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        match name {
            "new" => {
                arity("version.new", &args, 1, 1)?;
                if any_undefined(&args) {
                    return Ok(Value::Undefined);
                }
                let s = str_arg("version.new", &args, 0)?;
                let v = Version::parse(s).ok_or_else(|| fail(format!("version.new: malformed version: {s:?}")))?;
                Ok(Value::Object(Arc::new(v)))
            }
            _ => Err(no_such("version", name)),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Version {
    segments: Vec<i64>,
    /// How many segments were written (`~>` looks at it).
    written: usize,
    pre: String,
    meta: String,
}

impl Version {
    pub(crate) fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let (rest, meta) = match s.split_once('+') {
            Some((r, m)) => (r, m),
            None => (s, ""),
        };
        let (nums, pre) = match rest.split_once('-') {
            Some((n, p)) => (n, p),
            None => (rest, ""),
        };
        let ident_ok = |part: &str| {
            part.split('.')
                .all(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '~'))
        };
        if (rest.contains('-') && !ident_ok(pre)) || (s.contains('+') && !ident_ok(meta)) {
            return None;
        }
        let mut segments = Vec::new();
        for part in nums.split('.') {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            segments.push(part.parse::<i64>().ok()?);
        }
        let written = segments.len();
        while segments.len() < 3 {
            segments.push(0);
        }
        Some(Version { segments, written, pre: pre.to_string(), meta: meta.to_string() })
    }

    fn text(&self) -> String {
        let mut out = self.segments.iter().map(i64::to_string).collect::<Vec<_>>().join(".");
        if !self.pre.is_empty() {
            out.push('-');
            out.push_str(&self.pre);
        }
        if !self.meta.is_empty() {
            out.push('+');
            out.push_str(&self.meta);
        }
        out
    }

    /// Orders by segments, then a release above its prereleases, then the
    /// prerelease identifiers (numbers numerically and below words).
    pub(crate) fn compare(&self, other: &Version) -> Ordering {
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let (a, b) = (self.segments.get(i).unwrap_or(&0), other.segments.get(i).unwrap_or(&0));
            match a.cmp(b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_pre(&self.pre, &other.pre),
        }
    }

    fn same_base(&self, other: &Version) -> bool {
        self.compare_base(other) == Ordering::Equal
    }

    fn compare_base(&self, other: &Version) -> Ordering {
        let strip = |v: &Version| Version { pre: String::new(), meta: String::new(), ..v.clone() };
        strip(self).compare(&strip(other))
    }

    /// Whether this version meets every comma-separated constraint.
    fn satisfies(&self, constraints: &str) -> Result<bool, String> {
        let mut all = true;
        for c in constraints.split(',') {
            let c = c.trim();
            let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
                .iter()
                .find_map(|op| c.strip_prefix(op).map(|r| (*op, r)))
                .unwrap_or(("=", c));
            let cv = Version::parse(rest.trim()).ok_or_else(|| format!("malformed constraint: {c:?}"))?;
            let ord = self.compare(&cv);
            let ok = match op {
                "=" => ord == Ordering::Equal,
                "!=" => ord != Ordering::Equal,
                ">" => self.prerelease_check(&cv) && ord == Ordering::Greater,
                "<" => self.prerelease_check(&cv) && ord == Ordering::Less,
                ">=" => self.prerelease_check(&cv) && ord != Ordering::Less,
                "<=" => self.prerelease_check(&cv) && ord != Ordering::Greater,
                "~>" => self.pessimistic(&cv, ord),
                _ => unreachable!("operators listed above"),
            };
            all &= ok;
        }
        Ok(all)
    }

    /// The prerelease rules of the page: a constraint with a prerelease
    /// matches prereleases only of the same major, minor and patch; a
    /// constraint without one never matches a prerelease.
    fn prerelease_check(&self, c: &Version) -> bool {
        match (self.pre.is_empty(), c.pre.is_empty()) {
            (false, false) => self.same_base(c),
            (false, true) => false,
            _ => true,
        }
    }

    /// `~> X.Y.Z`: at least the constraint, and the same leading segments
    /// except the last one written.
    fn pessimistic(&self, c: &Version, ord: Ordering) -> bool {
        if self.pre.is_empty() != c.pre.is_empty() {
            return false;
        }
        if !c.pre.is_empty() && !self.same_base(c) {
            return false;
        }
        if ord == Ordering::Less {
            return false;
        }
        let fixed = c.written.saturating_sub(1);
        (0..fixed).all(|i| self.segments.get(i) == c.segments.get(i))
    }
}

fn compare_pre(a: &str, b: &str) -> Ordering {
    let (xs, ys): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in xs.iter().zip(&ys) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(p), Ok(q)) => p.cmp(&q),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    xs.len().cmp(&ys.len())
}

fn other_version(f: &str, v: &Value) -> Result<Version, ObjectError> {
    let text = match v.resolved() {
        Value::String(s) => s.to_string(),
        Value::Object(o) if o.type_name() == "version" => match o.as_plain() {
            Some(Value::String(s)) => s.to_string(),
            _ => return Err(fail(format!("{f}: bad version value"))),
        },
        other => return Err(fail(format!("{f}: expected a version string, got {}", other.type_name()))),
    };
    Version::parse(&text).ok_or_else(|| fail(format!("{f}: malformed version: {text:?}")))
}

impl Object for Version {
    fn type_name(&self) -> &str {
        "version"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "major" => Value::Int(self.segments[0]),
            "minor" => Value::Int(self.segments[1]),
            "patch" => Value::Int(self.segments[2]),
            "prerelease" => Value::string(&self.pre),
            "metadata" => Value::string(&self.meta),
            "version" => Value::string(self.text()),
            _ => Value::Undefined,
        })
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("version.{name}");
        let f = f.as_str();
        let known = matches!(
            name,
            "greater_than"
                | "gt"
                | "greater_than_or_equals"
                | "gte"
                | "less_than"
                | "lt"
                | "less_than_or_equals"
                | "lte"
                | "equals"
                | "eq"
                | "compare"
                | "cmp"
                | "satisfies"
                | "sat"
        );
        if !known {
            return Err(no_such("version", name));
        }
        arity(f, &args, 1, 1)?;
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        if matches!(name, "satisfies" | "sat") {
            let c = str_arg(f, &args, 0)?;
            return self.satisfies(c).map(Value::Bool).map_err(|e| fail(format!("{f}: {e}")));
        }
        let ord = self.compare(&other_version(f, &args[0])?);
        Ok(match name {
            "greater_than" | "gt" => Value::Bool(ord == Ordering::Greater),
            "greater_than_or_equals" | "gte" => Value::Bool(ord != Ordering::Less),
            "less_than" | "lt" => Value::Bool(ord == Ordering::Less),
            "less_than_or_equals" | "lte" => Value::Bool(ord != Ordering::Greater),
            "equals" | "eq" => Value::Bool(ord == Ordering::Equal),
            _ => Value::Int(match ord {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
        })
    }

    fn as_plain(&self) -> Option<Value> {
        Some(Value::string(self.text()))
    }
}
