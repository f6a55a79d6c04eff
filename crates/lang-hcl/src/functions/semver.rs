//! Semantic versions: `semverconstraint(version, constraint)` and
//! `semvercmp(a, b)` from the Terraform policy framework.
//!
//! Versions are `MAJOR[.MINOR[.PATCH…]][-PRERELEASE][+BUILD]`, with an
//! optional leading `v`; missing segments count as zero. Constraints use
//! Terraform's syntax: comma-separated clauses that must all hold, each an
//! operator (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, none meaning `=`) and a
//! version. Matching follows HashiCorp's go-version rules:
//! - a version with a pre-release only matches ordering clauses whose
//!   constraint names a pre-release of the same `MAJOR.MINOR.PATCH`
//!   (`>= 1.0.0` does not match `1.1.0-beta`; `= 1.1.0-beta` does);
//! - `~> X.Y` means `>= X.Y, < X+1`, `~> X.Y.Z` means `>= X.Y.Z, < X.Y+1`;
//! - build metadata is ignored.
//!
//! Default unknown/sensitive rules: unknown in, unknown out; the result is
//! sensitive when either argument is.

use std::cmp::Ordering;

use tfgate_plan::Value;

use super::helpers::{invalid, shown, Args, FnResult};

#[derive(Clone, Debug, PartialEq)]
struct Version {
    segments: Vec<u64>,
    /// How many segments were written (before padding to three).
    written: usize,
    pre: String,
}

impl Version {
    fn parse(text: &str) -> Option<Version> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let t = match t.split_once('+') {
            Some((v, build)) if !build.is_empty() => v,
            Some(_) => return None,
            None => t,
        };
        let digits_end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let (core, rest) = t.split_at(digits_end);
        let pre = rest.strip_prefix('-').unwrap_or(rest);
        if core.is_empty() || core.ends_with('.') || (rest.starts_with('-') && pre.is_empty()) {
            return None;
        }
        if !pre.split('.').all(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            && !pre.is_empty()
        {
            return None;
        }
        let mut segments = core.split('.').map(|s| s.parse::<u64>().ok()).collect::<Option<Vec<u64>>>()?;
        let written = segments.len();
        while segments.len() < 3 {
            segments.push(0);
        }
        Some(Version { segments, written, pre: pre.to_string() })
    }

    fn compare(&self, other: &Version) -> Ordering {
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let a = self.segments.get(i).copied().unwrap_or(0);
            let b = other.segments.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        compare_pre(&self.pre, &other.pre)
    }
}

/// Semver precedence of pre-release strings; no pre-release ranks highest.
fn compare_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut xs = a.split('.');
    let mut ys = b.split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
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
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Pessimistic,
}

/// A pre-release version only satisfies ordering clauses that themselves
/// name a pre-release of the same base version.
fn prerelease_ok(v: &Version, c: &Version) -> bool {
    match (!v.pre.is_empty(), !c.pre.is_empty()) {
        (true, true) => v.segments == c.segments,
        (true, false) => false,
        _ => true,
    }
}

fn clause_matches(op: Op, c: &Version, v: &Version) -> bool {
    let ord = v.compare(c);
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Gt => prerelease_ok(v, c) && ord == Ordering::Greater,
        Op::Ge => prerelease_ok(v, c) && ord != Ordering::Less,
        Op::Lt => prerelease_ok(v, c) && ord == Ordering::Less,
        Op::Le => prerelease_ok(v, c) && ord != Ordering::Greater,
        Op::Pessimistic => {
            if !prerelease_ok(v, c) || (!c.pre.is_empty() && v.pre.is_empty()) {
                return false;
            }
            if ord == Ordering::Less {
                return false;
            }
            // All written segments but the last must be equal.
            let fixed = c.written.saturating_sub(1);
            (0..fixed).all(|i| v.segments.get(i) == c.segments.get(i))
        }
    }
}

fn parse_constraint(arg: &Value, text: &str) -> Result<Vec<(Op, Version)>, String> {
    let mut out = Vec::new();
    for clause in text.split(',') {
        let c = clause.trim();
        let (op, rest) = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("!=", Op::Ne),
            ("~>", Op::Pessimistic),
            ("=", Op::Eq),
            (">", Op::Gt),
            ("<", Op::Lt),
        ]
        .iter()
        .find_map(|(p, op)| c.strip_prefix(p).map(|r| (*op, r)))
        .unwrap_or((Op::Eq, c));
        let version = Version::parse(rest).ok_or_else(|| format!("malformed constraint clause {}", shown(arg, c)))?;
        out.push((op, version));
    }
    Ok(out)
}

pub(crate) fn semverconstraint(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let version = a.string(0, "version")?;
    let constraint = a.string(1, "constraint")?;
    if !args[1].is_unknown() {
        parse_constraint(&args[1], &constraint).map_err(|e| invalid(1, "constraint", e))?;
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let v = Version::parse(&version)
        .ok_or_else(|| invalid(0, "version", format_args!("{} is not a valid version", shown(&args[0], &version))))?;
    let clauses = parse_constraint(&args[1], &constraint).map_err(|e| invalid(1, "constraint", e))?;
    let ok = clauses.iter().all(|(op, c)| clause_matches(*op, c, &v));
    a.ok(Value::bool(ok))
}

pub(crate) fn semvercmp(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let x = a.string(0, "version_a")?;
    let y = a.string(1, "version_b")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let parse = |i: usize, name: &str, t: &str| {
        let arg = &args[i];
        Version::parse(t).ok_or_else(|| invalid(i, name, format_args!("{} is not a valid version", shown(arg, t))))
    };
    let vx = parse(0, "version_a", &x)?;
    let vy = parse(1, "version_b", &y)?;
    let r = match vx.compare(&vy) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    };
    a.ok(Value::number(r))
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;

    fn sc(v: &str, c: &str) -> bool {
        ok("semverconstraint", vec![s(v), s(c)]).as_bool().unwrap()
    }

    #[test]
    fn basic_operators() {
        assert!(sc("1.2.3", "= 1.2.3"));
        assert!(sc("1.2.3", "1.2.3"));
        assert!(sc("1.2.3", "=1.2.3"));
        assert!(!sc("1.2.4", "= 1.2.3"));
        assert!(sc("1.2.4", "!= 1.2.3"));
        assert!(!sc("1.3.0", "!= 1.3.0"));
        assert!(sc("1.2.4", "> 1.2.3"));
        assert!(!sc("1.2.3", "> 1.2.3"));
        assert!(sc("1.2.3", ">= 1.2.3"));
        assert!(sc("1.2.2", "< 1.2.3"));
        assert!(sc("1.2.3", "<= 1.2.3"));
        assert!(sc("1.0", "= 1.0.0"));
        assert!(sc("v2.0.0", ">= 1.0"));
    }

    #[test]
    fn ranges_and_pessimistic() {
        assert!(sc("1.5.0", ">= 1.2, < 2.0"));
        assert!(!sc("2.0.0", ">= 1.2, < 2.0"));
        assert!(!sc("1.1.9", ">= 1.2, < 2.0"));
        assert!(sc("4.67.5", "~> 4.67.0"));
        assert!(!sc("4.68.0", "~> 4.67.0"));
        assert!(!sc("4.66.9", "~> 4.67.0"));
        assert!(sc("4.99.0", "~> 4.0"));
        assert!(!sc("5.0.0", "~> 4.0"));
        assert!(sc("1.2.0", "~> 1.2"));
        assert!(sc("1.9.0", "~> 1.2"));
        assert!(!sc("2.0.0", "~> 1.2"));
        assert!(sc("1.4.0", ">= 1.0.0, != 1.3.0, < 2.0.0"));
        assert!(!sc("1.3.0", ">= 1.0.0, != 1.3.0, < 2.0.0"));
    }

    #[test]
    fn prereleases() {
        assert!(!sc("1.1.0-beta", ">= 1.0.0"));
        assert!(sc("1.1.0-beta", "= 1.1.0-beta"));
        assert!(sc("1.1.0-beta.2", ">= 1.1.0-beta.1"));
        assert!(!sc("1.2.0-beta.2", ">= 1.1.0-beta.1"));
        assert!(sc("1.1.0", ">= 1.1.0-beta"));
        assert!(sc("1.2.3+build.5", "= 1.2.3"));
    }

    #[test]
    fn errors_do_not_echo_sensitive_values() {
        let e = err("semverconstraint", vec![sens(s("hunter2")), s(">= 1.0")]);
        assert!(!e.contains("hunter2"));
        let e = err("semverconstraint", vec![s("1.0.0"), sens(s(">= hunter2"))]);
        assert!(!e.contains("hunter2"));
        let e = err("cidrhost", vec![sens(s("hunter2")), n(1)]);
        assert!(!e.contains("hunter2"));
        let e = err("parseint", vec![sens(s("hunter2")), n(10)]);
        assert!(!e.contains("hunter2"));
        let e = err("max", vec![sens(s("hunter2"))]);
        assert!(!e.contains("hunter2"));
    }

    #[test]
    fn errors() {
        assert!(err("semverconstraint", vec![s("banana"), s(">= 1.0")]).contains("not a valid version"));
        assert!(err("semverconstraint", vec![s("1.0.0"), s(">= x")]).contains("malformed"));
        // A malformed constraint is reported even when the version is unknown.
        assert!(err("semverconstraint", vec![unk(), s("=> 1.0")]).contains("malformed"));
    }

    #[test]
    fn semvercmp_orders() {
        assert_eq!(ok("semvercmp", vec![s("1.2.3"), s("1.2.4")]), n(-1));
        assert_eq!(ok("semvercmp", vec![s("2.0.0"), s("2.0")]), n(0));
        assert_eq!(ok("semvercmp", vec![s("2.0.0"), s("2.0.0-rc.1")]), n(1));
        assert_eq!(ok("semvercmp", vec![s("1.0.0-alpha"), s("1.0.0-alpha.1")]), n(-1));
        assert_eq!(ok("semvercmp", vec![s("1.0.0-alpha.10"), s("1.0.0-alpha.9")]), n(1));
        assert_eq!(ok("semvercmp", vec![s("1.0.0-beta"), s("1.0.0-alpha.9")]), n(1));
        assert!(err("semvercmp", vec![s("x"), s("1.0")]).contains("not a valid version"));
    }

    #[test]
    fn unknown_and_sensitive() {
        assert_eq!(ok("semverconstraint", vec![unk(), s(">= 1.0")]), unk());
        assert_eq!(ok("semverconstraint", vec![s("1.0.0"), unk()]), unk());
        assert_eq!(ok("semverconstraint", vec![sens(s("1.0.0")), s(">= 1.0")]), sens(b(true)));
        assert_eq!(ok("semvercmp", vec![sens(unk()), s("1.0")]), sens(unk()));
    }
}
