//! Regular expressions: regex, regexall, and the policy framework's
//! regex_match; also the pattern compiler behind `replace("/re/")`.
//!
//! Terraform uses Go's RE2 syntax. We use the `regex` crate, whose syntax is
//! nearly the same; patterns are rewritten before compiling so that the
//! differences that matter disappear:
//! - `\d`, `\w`, `\s`, `\b` (and their negations) are ASCII-only in RE2 but
//!   Unicode-aware in the `regex` crate: we rewrite them to their ASCII
//!   classes.
//! - RE2's `\Q…\E` literal quoting is not supported by the `regex` crate: we
//!   expand it into escaped literals.
//!
//! Remaining differences, rarely met: the `regex` crate rejects a few RE2
//! escapes it does not know (it reports them as invalid patterns), and `\s`
//! inside a negated bracket class (`[^\s]`) also excludes `\v`.
//!
//! Default rules: unknown in gives unknown out; results are marked when any
//! argument is sensitive. Compiled patterns are cached per thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex::Regex;
use tfgate_plan::{Object, Value};

use super::helpers::{invalid, Args, FnResult};
use super::FunctionError;
use crate::eval::budget::{self, SLOT};

const CACHE_LIMIT: usize = 256;

thread_local! {
    // Shared, not cloned: a cloned `Regex` starts with an empty matching
    // cache, which each search would then build again.
    static CACHE: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// Compiles an RE2 pattern (with the rewrites described above), cached.
pub(crate) fn compile(pattern: &str) -> Result<Rc<Regex>, String> {
    if let Some(re) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let translated = translate(pattern)?;
    let re = Rc::new(Regex::new(&translated).map_err(|e| {
        format!("invalid regular expression pattern: {}", e.to_string().lines().last().unwrap_or("syntax error").trim())
    })?);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

/// Rewrites RE2-only or differently-behaving constructs for the `regex` crate.
fn translate(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    // Inside a bracket class (`[`…`]`)? RE2 reads `[` inside a class
    // literally (except `[:name:]`), the regex crate nests classes: escape it.
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    return Err("invalid regular expression pattern: trailing backslash".into());
                };
                let rep: Option<&str> = match (in_class, e) {
                    (false, 'd') => Some("[0-9]"),
                    (false, 'D') => Some("[^0-9]"),
                    (false, 'w') => Some("[0-9A-Za-z_]"),
                    (false, 'W') => Some("[^0-9A-Za-z_]"),
                    (false, 's') => Some("[\\t\\n\\x0C\\r ]"),
                    (false, 'S') => Some("[^\\t\\n\\x0C\\r ]"),
                    (false, 'b') => Some("(?-u:\\b)"),
                    (false, 'B') => Some("(?-u:\\B)"),
                    (true, 'd') => Some("0-9"),
                    (true, 'D') => Some("[:^digit:]"),
                    (true, 'w') => Some("0-9A-Za-z_"),
                    (true, 'W') => Some("[:^word:]"),
                    (true, 's') => Some("\\t\\n\\x0C\\r "),
                    (true, 'S') => Some("[:^space:]"),
                    _ => None,
                };
                match (rep, e) {
                    (Some(r), _) => out.push_str(r),
                    (None, 'Q') => {
                        let mut lit = String::new();
                        loop {
                            match chars.next() {
                                None => break,
                                Some('\\') if chars.peek() == Some(&'E') => {
                                    chars.next();
                                    break;
                                }
                                Some(x) => lit.push(x),
                            }
                        }
                        out.push_str(&regex::escape(&lit));
                    }
                    (None, e) => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                // A `]` right after `[` or `[^` is a literal in RE2.
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str("\\]");
                }
                // POSIX classes like `[[:alpha:]]` stay as they are.
                continue;
            }
            '[' if in_class => {
                // `[:name:]` inside a class is a POSIX class; otherwise literal.
                if chars.peek() == Some(&':') {
                    out.push('[');
                    for x in chars.by_ref() {
                        out.push(x);
                        if x == ']' {
                            break;
                        }
                    }
                } else {
                    out.push_str("\\[");
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            // The regex crate treats `&&`, `--` and `~~` in classes as set
            // operators; RE2 reads them literally.
            '&' | '-' | '~' if in_class && chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn pattern_arg(a: &mut Args<'_>, i: usize) -> Result<Option<Rc<Regex>>, FunctionError> {
    let p = a.string(i, "pattern")?;
    if a.args[i].is_unknown() {
        return Ok(None);
    }
    compile(&p).map(Some).map_err(|e| invalid(i, "pattern", e))
}

/// The work of one search: the text scanned, plus the pattern (a search
/// with captures may run the pattern's automaton over every byte).
fn scan_work(re: &Regex, s: &str) -> u64 {
    s.len() as u64 + re.as_str().len() as u64
}

/// The value of one match: the whole match when the pattern has no capture
/// groups, a list of groups when they are unnamed, an object when named.
fn match_value(re: &Regex, caps: &regex::Captures<'_>) -> Result<Value, FunctionError> {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.is_empty() {
        return Ok(Value::string(caps.get(0).map_or("", |m| m.as_str())));
    }
    let named = names.iter().filter(|n| n.is_some()).count();
    let text = |i: usize| Value::string(caps.get(i).map_or("", |m| m.as_str()));
    if named == 0 {
        return Ok(Value::list((1..=names.len()).map(text).collect()));
    }
    if named != names.len() {
        return Err(invalid(
            0,
            "pattern",
            "invalid regular expression pattern: cannot mix both named and unnamed capture groups",
        ));
    }
    let obj: Object =
        names.iter().enumerate().map(|(i, name)| (name.unwrap_or_default().to_string(), text(i + 1))).collect();
    Ok(Value::object(obj))
}

/// `regex(pattern, string)`: the first match; an error when nothing matches.
pub(crate) fn regex(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let re = pattern_arg(&mut a, 0)?;
    let s = a.string(1, "string")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let re = re.expect("known pattern");
    budget::work(scan_work(&re, &s))?;
    let caps =
        re.captures(&s).ok_or_else(|| FunctionError::new("pattern did not match any part of the given string"))?;
    a.ok(match_value(&re, &caps)?)
}

/// `regexall(pattern, string)`: every non-overlapping match.
pub(crate) fn regexall(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let re = pattern_arg(&mut a, 0)?;
    let s = a.string(1, "string")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let re = re.expect("known pattern");
    budget::work(scan_work(&re, &s))?;
    let mut out = Vec::new();
    let mut size = SLOT;
    for caps in re.captures_iter(&s) {
        // A match list can be many times the string (one slot per match).
        let m = caps.get(0).map_or(0, |m| m.len());
        size += SLOT * (caps.len() as u64 + 1) + m as u64;
        budget::check_bytes(size)?;
        out.push(match_value(&re, &caps)?);
    }
    a.ok(Value::list(out))
}

/// `core::regex_match(str, pattern)`: true when the pattern matches anywhere
/// in the string (anchor it with `^…$` to match the whole string).
pub(crate) fn regex_match(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let s = a.string(0, "str")?;
    let re = pattern_arg(&mut a, 1)?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let re = re.expect("known pattern");
    budget::work(scan_work(&re, &s))?;
    a.ok(Value::bool(re.is_match(&s)))
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;

    #[test]
    fn regex_shapes() {
        assert_eq!(ok("regex", vec![s("[a-z]+"), s("53453453.345345aaabbbccc23454")]), s("aaabbbccc"));
        assert_eq!(
            ok("regex", vec![s("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), s("2019-02-01")]),
            strs(&["2019", "02", "01"])
        );
        assert_eq!(
            ok(
                "regex",
                vec![s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"), s("https://terraform.io/docs/")]
            ),
            obj(vec![("authority", s("terraform.io")), ("scheme", s("https"))])
        );
        assert!(err("regex", vec![s("[a-z]+"), s("123")]).contains("did not match"));
        assert!(err("regex", vec![s("(a)(?P<x>b)"), s("ab")]).contains("mix"));
        assert!(err("regex", vec![s("(unclosed"), s("x")]).contains("invalid regular expression"));
    }

    #[test]
    fn regexall_lists() {
        assert_eq!(ok("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]), strs(&["abcd", "efgh"]));
        assert_eq!(ok("regexall", vec![s("[a-z]+"), s("123456789")]), l(vec![]));
        assert_eq!(ok("regexall", vec![s("(\\w)=(\\d)"), s("a=1 b=2")]), l(vec![strs(&["a", "1"]), strs(&["b", "2"])]));
    }

    #[test]
    fn regex_match_finds() {
        assert_eq!(ok("regex_match", vec![s("prod-web-01"), s("^prod-[a-z]+-\\d+$")]), b(true));
        assert_eq!(ok("regex_match", vec![s("dev-web"), s("^prod-")]), b(false));
        assert_eq!(ok("regex_match", vec![s("xx prod"), s("prod")]), b(true));
        assert!(err("regex_match", vec![s("x"), s("(")]).contains("\"pattern\""));
    }

    #[test]
    fn re2_compatibility() {
        // \d and \w are ASCII-only, as in RE2.
        assert_eq!(ok("regex_match", vec![s("٣"), s("^\\d$")]), b(false));
        assert_eq!(ok("regex_match", vec![s("é"), s("^\\w$")]), b(false));
        assert_eq!(ok("regex_match", vec![s("é"), s("^[\\w]$")]), b(false));
        assert_eq!(ok("regex_match", vec![s("a1_"), s("^[\\w]+$")]), b(true));
        assert_eq!(ok("regex_match", vec![s("a b"), s("a\\sb")]), b(true));
        assert_eq!(ok("regex_match", vec![s("ab"), s("a\\Sb")]), b(false));
        assert_eq!(ok("regex_match", vec![s("foo bar"), s("\\bbar\\b")]), b(true));
        assert_eq!(ok("regex_match", vec![s("a.b*c"), s("^\\Qa.b*c\\E$")]), b(true));
        assert_eq!(ok("regex_match", vec![s("axbxc"), s("^\\Qa.b\\E")]), b(false));
        assert_eq!(ok("regex_match", vec![s("]"), s("^[]]$")]), b(true));
        assert_eq!(ok("regex_match", vec![s("&"), s("^[&&]$")]), b(true));
        assert_eq!(ok("regex_match", vec![s("b"), s("^[[:alpha:]]$")]), b(true));
        assert_eq!(ok("regex_match", vec![s("x"), s("^[^\\d]$")]), b(true));
        assert_eq!(ok("regex_match", vec![s("5"), s("^[\\D]$")]), b(false));
    }

    #[test]
    fn unknown_and_sensitive() {
        assert_eq!(ok("regex", vec![s("a"), unk()]), unk());
        assert_eq!(ok("regexall", vec![unk(), s("a")]), unk());
        assert_eq!(ok("regex_match", vec![sens(s("abc")), s("b")]), sens(b(true)));
        // An invalid known pattern is an error even when the string is unknown.
        assert!(err("regex", vec![s("("), unk()]).contains("invalid"));
    }
}
