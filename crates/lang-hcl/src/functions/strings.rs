//! String functions.
//!
//! Default rules throughout: an unknown argument gives an unknown result
//! (except where noted), and the result is sensitive when any argument
//! contains a sensitive value. Numbers and bools are accepted wherever a
//! string is, converted as Terraform converts them automatically.
//! Like Terraform, `substr` and `strrev` work on grapheme clusters (what a
//! reader sees as one character), not bytes or code points.

use tfgate_plan::{Kind, Value};
use unicode_segmentation::UnicodeSegmentation;

use super::encoding::json_encode;
use super::helpers::{invalid, primitive_bool, primitive_number, type_desc, unknown, Args, FnResult};
use super::FunctionError;
use crate::eval::budget::{self, SLOT};

fn unary(args: &[Value], name: &str, f: impl FnOnce(&str) -> String) -> FnResult {
    let mut a = Args::new(args);
    let s = a.string(0, name)?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    a.ok(Value::string(f(&s)))
}

fn binary(args: &[Value], names: [&str; 2], f: impl FnOnce(&str, &str) -> Value) -> FnResult {
    let mut a = Args::new(args);
    let x = a.string(0, names[0])?;
    let y = a.string(1, names[1])?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    a.ok(f(&x, &y))
}

pub(crate) fn lower(args: &[Value]) -> FnResult {
    unary(args, "str", str::to_lowercase)
}

pub(crate) fn upper(args: &[Value]) -> FnResult {
    unary(args, "str", str::to_uppercase)
}

/// `title(str)`: the first letter of each word upper-cased, words being
/// separated as Go's `strings.Title` separates them.
pub(crate) fn title(args: &[Value]) -> FnResult {
    unary(args, "str", |s| {
        let mut out = String::with_capacity(s.len());
        let mut prev_sep = true;
        for c in s.chars() {
            if prev_sep {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            prev_sep = is_word_separator(c);
        }
        out
    })
}

fn is_word_separator(c: char) -> bool {
    if c.is_ascii() {
        !(c.is_ascii_alphanumeric() || c == '_')
    } else if c.is_alphanumeric() {
        false
    } else {
        c.is_whitespace()
    }
}

pub(crate) fn trimspace(args: &[Value]) -> FnResult {
    unary(args, "str", |s| s.trim().to_string())
}

/// `chomp(str)`: removes every trailing newline (`\n`, `\r\n` or `\r`).
pub(crate) fn chomp(args: &[Value]) -> FnResult {
    unary(args, "str", |s| s.trim_end_matches(['\n', '\r']).to_string())
}

pub(crate) fn strrev(args: &[Value]) -> FnResult {
    unary(args, "str", |s| s.graphemes(true).rev().collect())
}

/// `trim(str, cutset)`: removes any of the characters of `cutset` from both ends.
pub(crate) fn trim(args: &[Value]) -> FnResult {
    binary(args, ["str", "cutset"], |s, cut| Value::string(s.trim_matches(|c| cut.contains(c))))
}

pub(crate) fn trimprefix(args: &[Value]) -> FnResult {
    binary(args, ["str", "prefix"], |s, p| Value::string(s.strip_prefix(p).unwrap_or(s)))
}

pub(crate) fn trimsuffix(args: &[Value]) -> FnResult {
    binary(args, ["str", "suffix"], |s, p| Value::string(s.strip_suffix(p).unwrap_or(s)))
}

pub(crate) fn startswith(args: &[Value]) -> FnResult {
    binary(args, ["str", "prefix"], |s, p| Value::bool(s.starts_with(p)))
}

pub(crate) fn endswith(args: &[Value]) -> FnResult {
    binary(args, ["str", "suffix"], |s, p| Value::bool(s.ends_with(p)))
}

pub(crate) fn strcontains(args: &[Value]) -> FnResult {
    binary(args, ["str", "substr"], |s, p| Value::bool(s.contains(p)))
}

/// `core::contains_substring(str, substr)` of the policy framework: the same
/// as `strcontains`.
pub(crate) fn contains_substring(args: &[Value]) -> FnResult {
    strcontains(args)
}

/// `split(separator, str)`. An empty separator splits into characters; an
/// empty string gives `[""]`, as in Terraform.
pub(crate) fn split(args: &[Value]) -> FnResult {
    if let (Some(sep), Some(s)) = (args[0].as_str(), args[1].as_str()) {
        // Every part costs a slot: splitting 4 MB into characters builds
        // 36 times that.
        budget::work(s.len() as u64)?;
        let parts = if sep.is_empty() { s.chars().count() } else { s.matches(sep).count() + 1 };
        budget::check_bytes(SLOT * (parts as u64 + 1) + s.len() as u64)?;
    }
    binary(args, ["separator", "str"], |sep, s| {
        let parts: Vec<Value> = if sep.is_empty() {
            s.chars().map(|c| Value::string(c.to_string())).collect()
        } else {
            s.split(sep).map(Value::string).collect()
        };
        Value::list(parts)
    })
}

/// `join(separator, lists...)`. Unknown when any element is unknown; null
/// elements are errors.
pub(crate) fn join(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let sep = a.string(0, "separator")?;
    let mut parts = Vec::new();
    for i in 1..args.len() {
        parts.extend(a.strings(i, "lists")?);
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    // The separator repeats once per element: checked before it is built.
    let size = parts.iter().map(|p| p.len() as u64).sum::<u64>()
        + (sep.len() as u64).saturating_mul(parts.len().saturating_sub(1) as u64);
    budget::check_bytes(SLOT + size)?;
    a.ok(Value::string(parts.join(&sep)))
}

/// `indent(spaces, str)`: indents every line but the first.
pub(crate) fn indent(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let n = a.int(0, "spaces")?;
    let s = a.string(1, "str")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let width = n.clamp(0, 1 << 16) as u64;
    let lines = s.bytes().filter(|b| *b == b'\n').count() as u64;
    budget::check_bytes(SLOT + s.len() as u64 + lines.saturating_mul(width))?;
    let pad = " ".repeat(width as usize);
    a.ok(Value::string(s.replace('\n', &format!("\n{pad}"))))
}

/// `substr(str, offset, length)`: a negative offset counts from the end; a
/// length of -1 means "to the end". Out-of-range requests are clamped.
pub(crate) fn substr(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let s = a.string(0, "str")?;
    let offset = a.int(1, "offset")?;
    let length = a.int(2, "length")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let chars: Vec<&str> = s.graphemes(true).collect();
    let total = chars.len() as i64;
    let start = if offset < 0 { (total + offset).max(0) } else { offset.min(total) };
    let end = if length < 0 { total } else { start.saturating_add(length).min(total) };
    a.ok(Value::string(chars[start as usize..end as usize].concat()))
}

/// `replace(str, substr, replacement)`: `substr` wrapped in slashes is a
/// regular expression, and `replacement` may then refer to captures as
/// `$1` or `${name}`.
pub(crate) fn replace(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let s = a.string(0, "str")?;
    let pat = a.string(1, "substr")?;
    let rep = a.string(2, "replace")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    budget::work(s.len() as u64)?;
    let out = if pat.len() > 1 && pat.starts_with('/') && pat.ends_with('/') {
        let re = super::regexp::compile(&pat[1..pat.len() - 1]).map_err(|e| invalid(1, "substr", e))?;
        regex_replace(&re, &s, &rep)?
    } else {
        // An empty pattern matches at every character boundary.
        let n = if pat.is_empty() { s.chars().count() + 1 } else { s.matches(pat.as_str()).count() };
        let size = (s.len() - n * pat.len()) as u64 + (n as u64).saturating_mul(rep.len() as u64);
        budget::check_bytes(SLOT + size)?;
        s.replace(&pat, &rep)
    };
    a.ok(Value::string(out))
}

/// `Regex::replace_all` with the size of every expansion checked before it
/// is made: a replacement that names a capture many times (`$0$0$0…`)
/// multiplies the matched text.
fn regex_replace(re: &regex::Regex, s: &str, rep: &str) -> Result<String, FunctionError> {
    let refs = rep.bytes().filter(|b| *b == b'$').count() as u64;
    let mut out = String::new();
    let mut last = 0;
    for caps in re.captures_iter(s) {
        let m = caps.get(0).expect("group 0 always matches");
        let most = rep.len() as u64 + refs.saturating_mul(m.len() as u64);
        budget::check_bytes(SLOT + (out.len() + m.start() - last) as u64 + most)?;
        out.push_str(&s[last..m.start()]);
        caps.expand(rep, &mut out);
        last = m.end();
    }
    out.push_str(&s[last..]);
    Ok(out)
}

/// `format(spec, values...)`.
pub(crate) fn format(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let spec = a.string(0, "format")?;
    // Any unknown value (at any depth) makes the text unknown.
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    if args[1..].iter().any(|v| !v.is_wholly_known()) {
        // Still report a malformed spec.
        parse_spec(&spec)?;
        return Ok(unknown(a.sensitive));
    }
    let text = format_values(&spec, &args[1..])?;
    a.ok(Value::string(text))
}

/// `formatlist(spec, values...)`: list arguments are iterated together (they
/// must have equal lengths); other arguments repeat for every element. An
/// element whose values are unknown yields an unknown string.
pub(crate) fn formatlist(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let spec = a.string(0, "format")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    parse_spec(&spec)?;
    let mut len: Option<usize> = None;
    for (i, v) in args.iter().enumerate().skip(1) {
        match &v.kind {
            Kind::Unknown => return Ok(unknown(a.sensitive)),
            Kind::List(items) => match len {
                None => len = Some(items.len()),
                Some(l) if l != items.len() => {
                    return Err(FunctionError::at(
                        i,
                        format!(
                            "argument {i} has length {}, which is inconsistent with argument {} of length {l}",
                            items.len(),
                            args.iter().skip(1).position(|x| x.as_list().is_some()).map(|p| p + 1).unwrap_or(1)
                        ),
                    ))
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    let len = len.unwrap_or(1);
    let mut out = Vec::with_capacity(len);
    let mut size = 0u64;
    for j in 0..len {
        let row: Vec<Value> = args[1..]
            .iter()
            .map(|v| match &v.kind {
                Kind::List(items) => items[j].clone(),
                _ => v.clone(),
            })
            .collect();
        if row.iter().any(|v| !v.is_wholly_known()) {
            out.push(Value::unknown());
        } else {
            let text = format_values(&spec, &row)?;
            // Every row repeats the spec: the whole list is checked as it grows.
            size += SLOT + text.len() as u64;
            budget::check_bytes(size)?;
            out.push(Value::string(text));
        }
    }
    a.ok(Value::list(out))
}

/// One piece of a format spec.
#[derive(Debug)]
enum Piece {
    Lit(String),
    Verb(Verb),
}

#[derive(Debug, Default, Clone)]
struct Verb {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    precision: Option<usize>,
    /// Explicit 1-based argument index (`%[2]s`).
    index: Option<usize>,
    verb: char,
    /// The text of the verb, for messages.
    text: String,
}

const MAX_WIDTH: usize = 4096;

fn spec_error(msg: impl Into<String>) -> FunctionError {
    FunctionError::at(0, format!("Error in format string: {}", msg.into()))
}

fn parse_spec(spec: &str) -> Result<Vec<Piece>, FunctionError> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = spec.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        if let Some((_, '%')) = chars.peek() {
            chars.next();
            lit.push('%');
            continue;
        }
        let mut v = Verb::default();
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '-' => v.minus = true,
                '+' => v.plus = true,
                '#' => v.sharp = true,
                ' ' => v.space = true,
                '0' => v.zero = true,
                _ => break,
            }
            chars.next();
        }
        if let Some((_, '[')) = chars.peek() {
            chars.next();
            let mut num = String::new();
            loop {
                match chars.next() {
                    Some((_, ']')) => break,
                    Some((_, d)) if d.is_ascii_digit() => num.push(d),
                    _ => return Err(spec_error("unterminated or invalid argument index")),
                }
            }
            let idx: usize = num.parse().map_err(|_| spec_error("invalid argument index"))?;
            if idx == 0 {
                return Err(spec_error("argument indices start at 1"));
            }
            v.index = Some(idx);
        }
        let mut num = String::new();
        while let Some(&(_, d)) = chars.peek() {
            if !d.is_ascii_digit() {
                break;
            }
            num.push(d);
            chars.next();
        }
        if !num.is_empty() {
            v.width = Some(num.parse().map_err(|_| spec_error("invalid width"))?);
        }
        if let Some((_, '.')) = chars.peek() {
            chars.next();
            let mut num = String::new();
            while let Some(&(_, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                num.push(d);
                chars.next();
            }
            v.precision =
                Some(if num.is_empty() { 0 } else { num.parse().map_err(|_| spec_error("invalid precision"))? });
        }
        // Bounded so that a policy cannot ask for gigabytes of padding.
        if v.width.is_some_and(|w| w > MAX_WIDTH) || v.precision.is_some_and(|p| p > MAX_WIDTH) {
            return Err(spec_error(format!("width and precision must not exceed {MAX_WIDTH}")));
        }
        match chars.next() {
            Some((end, verb)) => {
                if !"vtbdoxXeEfgGsq".contains(verb) {
                    return Err(spec_error(format!("unrecognized format character {verb:?}")));
                }
                v.verb = verb;
                v.text = spec[start..end + verb.len_utf8()].to_string();
            }
            None => return Err(spec_error("unterminated format verb at end of string")),
        }
        if !lit.is_empty() {
            out.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        out.push(Piece::Verb(v));
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    Ok(out)
}

/// Formats known values with Terraform's `format` verbs.
fn format_values(spec: &str, values: &[Value]) -> Result<String, FunctionError> {
    let pieces = parse_spec(spec)?;
    let mut out = String::new();
    let mut next = 0usize;
    let mut max_used = 0usize;
    for piece in pieces {
        let v = match piece {
            Piece::Lit(s) => {
                budget::check_bytes((out.len() + s.len()) as u64)?;
                out.push_str(&s);
                continue;
            }
            Piece::Verb(v) => v,
        };
        let i = v.index.map(|x| x - 1).unwrap_or(next);
        next = i + 1;
        max_used = max_used.max(next);
        let Some(value) = values.get(i) else {
            return Err(FunctionError::new(format!(
                "not enough arguments for {:?} at {}: need index {} but have {} total",
                v.text,
                i,
                i + 1,
                values.len()
            )));
        };
        let arg = i + 1;
        let body = format_one(&v, value)
            .map_err(|m| FunctionError::at(arg, format!("unsupported value for {:?} at {}: {m}", v.text, i)))?;
        let body = pad(&v, body);
        // `%[1]s` may repeat one (large) argument any number of times.
        budget::check_bytes((out.len() + body.len()) as u64)?;
        out.push_str(&body);
    }
    if max_used < values.len() {
        return Err(FunctionError::new(format!("too many arguments; only {max_used} used by format string")));
    }
    Ok(out)
}

/// Applies width (in characters) and the `-` and `0` flags.
fn pad(v: &Verb, body: String) -> String {
    let Some(width) = v.width else {
        return body;
    };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if v.minus {
        format!("{body}{}", " ".repeat(fill))
    } else if v.zero && "bdoxXeEfgG".contains(v.verb) {
        // Zeros go after the sign.
        let (sign, digits) = match body.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), body[1..].to_string()),
            _ => (String::new(), body),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn format_one(v: &Verb, value: &Value) -> Result<String, String> {
    if value.is_null() {
        return Err("null value cannot be formatted".into());
    }
    match v.verb {
        'v' => {
            if v.sharp {
                return Ok(json_encode(value));
            }
            match &value.kind {
                Kind::String(s) => Ok(s.to_string()),
                Kind::Bool(b) => Ok(b.to_string()),
                Kind::Number(n) => Ok(n.to_string()),
                _ => Ok(json_encode(value)),
            }
        }
        't' => primitive_bool(value)
            .map(|b| b.to_string())
            .ok_or_else(|| format!("bool required, got {}", type_desc(value))),
        's' => {
            let s = super::helpers::primitive_string(value)
                .ok_or_else(|| format!("string required, got {}", type_desc(value)))?;
            Ok(match v.precision {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            })
        }
        'q' => {
            let s = super::helpers::primitive_string(value)
                .ok_or_else(|| format!("string required, got {}", type_desc(value)))?;
            Ok(json_encode(&Value::string(s)))
        }
        _ => {
            let n = primitive_number(value).ok_or_else(|| format!("number required, got {}", type_desc(value)))?;
            format_number(v, &n)
        }
    }
}

fn sign_prefix(v: &Verb, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    }
}

fn format_number(v: &Verb, n: &tfgate_plan::Number) -> Result<String, String> {
    match v.verb {
        'd' | 'b' | 'o' | 'x' | 'X' => {
            let i = match n {
                tfgate_plan::Number::Int(i) => *i as i128,
                other => {
                    let f = other.as_f64();
                    if f.fract() != 0.0 || !f.is_finite() || f.abs() > 1.7e38 {
                        return Err("a whole number is required".into());
                    }
                    f as i128
                }
            };
            let mag = i.unsigned_abs();
            let mut digits = match v.verb {
                'd' => mag.to_string(),
                'b' => format!("{mag:b}"),
                'o' => format!("{mag:o}"),
                'x' => format!("{mag:x}"),
                _ => format!("{mag:X}"),
            };
            if let Some(p) = v.precision {
                while digits.len() < p {
                    digits.insert(0, '0');
                }
            }
            let prefix = match (v.sharp, v.verb) {
                (true, 'b') => "0b",
                (true, 'o') => "0",
                (true, 'x') => "0x",
                (true, 'X') => "0X",
                _ => "",
            };
            Ok(format!("{}{prefix}{digits}", sign_prefix(v, i < 0)))
        }
        'f' => {
            let f = n.as_f64();
            let p = v.precision.unwrap_or(6);
            Ok(format!("{}{:.p$}", sign_prefix(v, f.is_sign_negative() && f != 0.0), f.abs()))
        }
        'e' | 'E' => {
            let f = n.as_f64();
            let body = exp_form(f.abs(), Some(v.precision.unwrap_or(6)), v.verb == 'E');
            Ok(format!("{}{body}", sign_prefix(v, f.is_sign_negative() && f != 0.0)))
        }
        _ => {
            // 'g' | 'G'
            let f = n.as_f64();
            let body = general_form(f.abs(), v.precision, v.verb == 'G', v.sharp);
            Ok(format!("{}{body}", sign_prefix(v, f.is_sign_negative() && f != 0.0)))
        }
    }
}

/// Go's `%e`: `d.ddddde±XX`, exponent with at least two digits. `None`
/// precision means the shortest representation that round-trips.
fn exp_form(f: f64, precision: Option<usize>, upper: bool) -> String {
    let s = match precision {
        Some(p) => format!("{f:.p$e}"),
        None => format!("{f:e}"),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mant}{e}{sign}{:02}", exp.abs())
}

/// Go's `%g`: `%e` for large or small exponents, `%f` otherwise, shortest
/// digits when no precision is given, without trailing zeros unless `#`.
fn general_form(f: f64, precision: Option<usize>, upper: bool, sharp: bool) -> String {
    if f == 0.0 {
        return "0".into();
    }
    // Significant digits and decimal exponent.
    let (digits, exp) = {
        let s = match precision {
            Some(p) => format!("{:.*e}", p.max(1) - 1, f),
            None => format!("{f:e}"),
        };
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
        (digits, exp.parse::<i32>().unwrap_or(0))
    };
    // Shortest form decides with precision 6, as Go does.
    let eprec = match precision {
        None => 6,
        Some(p) => {
            let p = p.max(1) as i32;
            if p > digits.len() as i32 && digits.len() as i32 > exp {
                digits.len() as i32
            } else {
                p
            }
        }
    };
    let mut out = if exp < -4 || exp >= eprec {
        let p = digits.len().saturating_sub(1);
        exp_form(f, Some(p), upper)
    } else {
        let decimals = (digits.len() as i32 - exp - 1).max(0) as usize;
        format!("{f:.decimals$}")
    };
    if precision.is_some() && !sharp && out.contains('.') {
        // Trim trailing zeros of the fraction (before any exponent).
        let (num, rest) = match out.find(['e', 'E']) {
            Some(i) => (out[..i].to_string(), out[i..].to_string()),
            None => (out.clone(), String::new()),
        };
        let num = num.trim_end_matches('0').trim_end_matches('.').to_string();
        out = format!("{num}{rest}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;

    #[test]
    fn case_and_trim() {
        assert_eq!(ok("lower", vec![s("HELLO")]), s("hello"));
        assert_eq!(ok("upper", vec![s("héllo")]), s("HÉLLO"));
        assert_eq!(ok("title", vec![s("hello world-foo_bar")]), s("Hello World-Foo_bar"));
        assert_eq!(ok("trimspace", vec![s("  hi\n\t")]), s("hi"));
        assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trimprefix", vec![s("helloworld"), s("hello")]), s("world"));
        assert_eq!(ok("trimprefix", vec![s("helloworld"), s("cat")]), s("helloworld"));
        assert_eq!(ok("trimsuffix", vec![s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("hello\r\n\n")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("hello")]), s("hello"));
        assert_eq!(ok("strrev", vec![s("héllo")]), s("olléh"));
        assert_eq!(ok("strrev", vec![s("ae\u{301}")]), s("e\u{301}a"));
        assert_eq!(ok("upper", vec![n(5)]), s("5"));
    }

    #[test]
    fn predicates() {
        assert_eq!(ok("startswith", vec![s("hello world"), s("hello")]), b(true));
        assert_eq!(ok("startswith", vec![s("hello world"), s("world")]), b(false));
        assert_eq!(ok("endswith", vec![s("hello world"), s("world")]), b(true));
        assert_eq!(ok("strcontains", vec![s("hello world"), s("o w")]), b(true));
        assert_eq!(ok("contains_substring", vec![s("Managed by Terraform"), s("Terraform")]), b(true));
        assert_eq!(ok("contains_substring", vec![s("abc"), s("x")]), b(false));
        assert_eq!(ok("startswith", vec![unk(), s("a")]), unk());
        assert_eq!(ok("endswith", vec![sens(s("secret")), s("t")]), sens(b(true)));
        assert!(err("startswith", vec![strs(&["a"]), s("a")]).contains("string required"));
        assert!(err("startswith", vec![null(), s("a")]).contains("null"));
    }

    #[test]
    fn split_join() {
        assert_eq!(ok("split", vec![s(","), s("a,b,c")]), strs(&["a", "b", "c"]));
        assert_eq!(ok("split", vec![s(","), s("")]), strs(&[""]));
        assert_eq!(ok("split", vec![s(""), s("abc")]), strs(&["a", "b", "c"]));
        assert_eq!(ok("join", vec![s(", "), strs(&["a", "b"])]), s("a, b"));
        assert_eq!(ok("join", vec![s("-"), strs(&["a"]), l(vec![n(1), b(true)])]), s("a-1-true"));
        assert_eq!(ok("join", vec![s(","), l(vec![s("a"), unk()])]), unk());
        assert_eq!(ok("join", vec![s(","), l(vec![s("a"), sens(s("b"))])]), sens(s("a,b")));
        assert!(err("join", vec![s(","), l(vec![s("a"), null()])]).contains("null"));
    }

    #[test]
    fn indent_substr_replace() {
        assert_eq!(ok("indent", vec![n(2), s("a\nb\n")]), s("a\n  b\n  "));
        assert_eq!(ok("substr", vec![s("hello world"), n(1), n(4)]), s("ello"));
        assert_eq!(ok("substr", vec![s("hello world"), n(-5), n(-1)]), s("world"));
        assert_eq!(ok("substr", vec![s("héllo"), n(1), n(2)]), s("él"));
        assert_eq!(ok("substr", vec![s("\u{1F914}\u{1F937}"), n(0), n(1)]), s("\u{1F914}"));
        assert_eq!(ok("substr", vec![s("e\u{301}x"), n(0), n(1)]), s("e\u{301}"));
        assert_eq!(ok("substr", vec![s("hello world"), n(6), n(10)]), s("world"));
        assert_eq!(ok("substr", vec![s("abc"), n(10), n(2)]), s(""));
        assert_eq!(ok("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]), s("1 - 2 - 3"));
        assert_eq!(ok("replace", vec![s("hello world"), s("/w.*d/"), s("everybody")]), s("hello everybody"));
        assert_eq!(ok("replace", vec![s("key=value"), s("/(\\w+)=(\\w+)/"), s("$2=$1")]), s("value=key"));
        assert!(err("replace", vec![s("x"), s("/(/"), s("")]).contains("substr"));
        assert_eq!(ok("replace", vec![s("x"), unk(), s("")]), unk());
    }

    #[test]
    fn format_verbs() {
        let fmt = |spec: &str, args: Vec<tfgate_plan::Value>| {
            let mut all = vec![s(spec)];
            all.extend(args);
            ok("format", all).as_str().unwrap().to_string()
        };
        assert_eq!(fmt("Hello, %s!", vec![s("Ander")]), "Hello, Ander!");
        assert_eq!(fmt("There are %d lights", vec![n(4)]), "There are 4 lights");
        assert_eq!(fmt("%.2f%%", vec![f(99.9)]), "99.90%");
        assert_eq!(fmt("%f", vec![f(1.234567)]), "1.234567");
        assert_eq!(fmt("%5.1f|", vec![f(1.25)]), "  1.2|");
        assert_eq!(fmt("%s-%02d", vec![s("web"), n(1)]), "web-01");
        assert_eq!(fmt("%-5s|", vec![s("ab")]), "ab   |");
        assert_eq!(fmt("%5s|", vec![s("ab")]), "   ab|");
        assert_eq!(fmt("%.3s", vec![s("abcdef")]), "abc");
        assert_eq!(fmt("%q", vec![s("a\"b")]), "\"a\\\"b\"");
        assert_eq!(fmt("%t", vec![b(true)]), "true");
        assert_eq!(fmt("%v %v %v", vec![s("a"), n(2), b(false)]), "a 2 false");
        assert_eq!(fmt("%v", vec![strs(&["a", "b"])]), "[\"a\",\"b\"]");
        assert_eq!(fmt("%#v", vec![s("a")]), "\"a\"");
        assert_eq!(fmt("%x %X %o %b", vec![n(255), n(255), n(8), n(5)]), "ff FF 10 101");
        assert_eq!(fmt("%+d %+d", vec![n(5), n(-5)]), "+5 -5");
        assert_eq!(fmt("%05d", vec![n(-42)]), "-0042");
        assert_eq!(fmt("%e", vec![f(1234.5678)]), "1.234568e+03");
        assert_eq!(fmt("%g", vec![f(0.5)]), "0.5");
        assert_eq!(fmt("%g", vec![n(100000)]), "100000");
        assert_eq!(fmt("%g", vec![n(1000000)]), "1e+06");
        assert_eq!(fmt("%g", vec![f(0.00001)]), "1e-05");
        assert_eq!(fmt("%G", vec![f(1.5e-7)]), "1.5E-07");
        assert_eq!(fmt("%.3g", vec![f(1.23456)]), "1.23");
        assert_eq!(fmt("%[2]s %[1]s", vec![s("a"), s("b")]), "b a");
        assert_eq!(fmt("%s", vec![n(12)]), "12");
        assert_eq!(fmt("%d", vec![s("12")]), "12");
        assert_eq!(fmt("100%%", vec![]), "100%");
    }

    #[test]
    fn format_errors() {
        assert!(err("format", vec![s("%s %s"), s("a")]).contains("not enough arguments"));
        assert!(err("format", vec![s("%s"), s("a"), s("b")]).contains("too many arguments"));
        assert!(err("format", vec![s("%d"), f(1.5)]).contains("whole number"));
        assert!(err("format", vec![s("%d"), s("x")]).contains("number required"));
        assert!(err("format", vec![s("%s"), null()]).contains("null"));
        assert!(err("format", vec![s("%z"), s("a")]).contains("unrecognized"));
        assert!(err("format", vec![s("%999999999s"), s("a")]).contains("must not exceed"));
        assert!(err("format", vec![s("%.999999999f"), n(1)]).contains("must not exceed"));
        assert!(err("format", vec![s("abc %"), s("a")]).contains("unterminated"));
        assert!(err("format", vec![s("%s"), strs(&[])]).contains("string required"));
    }

    #[test]
    fn format_unknown_sensitive() {
        assert_eq!(ok("format", vec![s("%s"), unk()]), unk());
        assert_eq!(ok("format", vec![s("%v"), l(vec![unk()])]), unk());
        assert_eq!(ok("format", vec![unk(), s("a")]), unk());
        assert_eq!(ok("format", vec![s("%s"), sens(s("x"))]), sens(s("x")));
        assert_eq!(ok("format", vec![s("%s"), sens(unk())]), sens(unk()));
    }

    #[test]
    fn formatlist_iterates() {
        assert_eq!(
            ok("formatlist", vec![s("Hello, %s!"), strs(&["Valentina", "Ander"])]),
            strs(&["Hello, Valentina!", "Hello, Ander!"])
        );
        assert_eq!(
            ok("formatlist", vec![s("%s, %s!"), s("Salutations"), strs(&["Valentina", "Ander"])]),
            strs(&["Salutations, Valentina!", "Salutations, Ander!"])
        );
        assert_eq!(
            ok("formatlist", vec![s("%s-%d"), strs(&["web", "api"]), l(vec![n(1), n(2)])]),
            strs(&["web-1", "api-2"])
        );
        assert_eq!(ok("formatlist", vec![s("%s"), l(vec![s("a"), unk()])]), l(vec![s("a"), unk()]));
        assert_eq!(ok("formatlist", vec![s("%s"), unk()]), unk());
        assert!(err("formatlist", vec![s("%s%s"), strs(&["a"]), strs(&["a", "b"])]).contains("inconsistent"));
    }
}
