//! Numeric functions: abs, ceil, floor, log, max, min, parseint, pow, signum.
//!
//! All follow the default rules: any unknown argument gives an unknown
//! result, and the result is sensitive when any argument is. Arithmetic is
//! done in `f64` except where integers stay exact (`abs`, `ceil`, `floor`,
//! `max`, `min` and `signum` keep `Int` and big literals as they are).
//! Numeric strings are accepted wherever a number is, as Terraform converts
//! them automatically.

use tfgate_plan::{Number, Value};

use super::helpers::{invalid, shown, Args, FnResult};
use super::FunctionError;

pub(crate) fn abs(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let x = a.number(0, "num")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let out = match x {
        Number::Int(i) => match i.checked_abs() {
            Some(v) => Number::Int(v),
            None => Number::Big(i.to_string().trim_start_matches('-').into()),
        },
        Number::Float(f) => Number::from(f.abs()),
        Number::Big(s) => Number::Big(s.trim_start_matches('-').into()),
    };
    a.ok(Value::number(out))
}

fn rounding(args: &[Value], round: fn(f64) -> f64) -> FnResult {
    let mut a = Args::new(args);
    let x = a.number(0, "num")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let out = match x {
        Number::Float(f) => Number::from(round(f)),
        // Integers (including big integer literals) are already whole.
        n if n.is_integer() => n,
        n => Number::from(round(n.as_f64())),
    };
    a.ok(Value::number(out))
}

pub(crate) fn ceil(args: &[Value]) -> FnResult {
    rounding(args, f64::ceil)
}

pub(crate) fn floor(args: &[Value]) -> FnResult {
    rounding(args, f64::floor)
}

pub(crate) fn log(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let x = a.f64(0, "num")?;
    let base = a.f64(1, "base")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    finite(a.ok(Value::number(x.ln() / base.ln()))?)
}

pub(crate) fn pow(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let x = a.number(0, "num")?;
    let p = a.number(1, "power")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    // Exact for integers while the result fits.
    if let (Number::Int(base), Number::Int(e)) = (&x, &p) {
        if let Ok(e) = u32::try_from(*e) {
            if let Some(v) = base.checked_pow(e) {
                return a.ok(Value::number(v));
            }
        }
    }
    finite(a.ok(Value::number(x.as_f64().powf(p.as_f64())))?)
}

/// Terraform numbers cannot be NaN or infinite: such results are errors.
fn finite(v: Value) -> FnResult {
    match v.as_number() {
        Some(Number::Float(f)) if !f.is_finite() => {
            Err(FunctionError::new("the result is not a finite number (it would be NaN or infinity)"))
        }
        _ => Ok(v),
    }
}

pub(crate) fn signum(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let x = a.number(0, "num")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let s = match x.partial_cmp(&Number::Int(0)) {
        Some(std::cmp::Ordering::Less) => -1,
        Some(std::cmp::Ordering::Greater) => 1,
        _ => 0,
    };
    a.ok(Value::number(s))
}

fn extreme(args: &[Value], want: std::cmp::Ordering) -> FnResult {
    let mut a = Args::new(args);
    let mut best: Option<Number> = None;
    for (i, arg) in args.iter().enumerate() {
        let n = a.number(i, "numbers")?;
        if arg.is_unknown() {
            continue;
        }
        if best.as_ref().is_none_or(|b| n.partial_cmp(b) == Some(want)) {
            best = Some(n);
        }
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    match best {
        Some(n) => a.ok(Value::number(n)),
        None => Err(FunctionError::new("must pass at least one number")),
    }
}

pub(crate) fn max(args: &[Value]) -> FnResult {
    extreme(args, std::cmp::Ordering::Greater)
}

pub(crate) fn min(args: &[Value]) -> FnResult {
    extreme(args, std::cmp::Ordering::Less)
}

/// `parseint(string, base)`: base 2 to 62, digits `0-9a-zA-Z` (letters are
/// case-insensitive up to base 36, as in Go's `big.Int.SetString`), optional
/// leading sign. Results beyond `i64` are kept exact as big literals.
pub(crate) fn parseint(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let text = a.string(0, "number")?;
    let base = a.int(1, "base")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    if !(2..=62).contains(&base) {
        return Err(invalid(1, "base", "base must be a whole number between 2 and 62 inclusive"));
    }
    let base = base as u32;
    let bad = || invalid(0, "number", format_args!("cannot parse {} as a base {base} integer", shown(&args[0], &text)));
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    // Schoolbook conversion: every digit multiplies every limb so far, about
    // n * n / 4.5 limb operations for n digits (base 62 has < 2 decimal
    // digits per digit); counted before it starts.
    let n = digits.len() as u64;
    crate::eval::budget::work(n.saturating_mul(n / 4 + 1))?;
    // Decimal digits in base 1e9 limbs, least significant first.
    let mut limbs: Vec<u64> = vec![0];
    for c in digits.chars() {
        let d = digit_value(c, base).ok_or_else(bad)?;
        let mut carry = d as u64;
        for limb in limbs.iter_mut() {
            let v = *limb * base as u64 + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    }
    let mut dec = limbs.last().map(u64::to_string).unwrap_or_default();
    for limb in limbs.iter().rev().skip(1) {
        dec.push_str(&format!("{limb:09}"));
    }
    if neg && dec != "0" {
        dec.insert(0, '-');
    }
    let n = Number::from_literal(&dec).ok_or_else(bad)?;
    a.ok(Value::number(n))
}

fn digit_value(c: char, base: u32) -> Option<u32> {
    let d = match c {
        '0'..='9' => c as u32 - '0' as u32,
        'a'..='z' => c as u32 - 'a' as u32 + 10,
        'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
        'A'..='Z' => c as u32 - 'A' as u32 + 36,
        _ => return None,
    };
    (d < base).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;

    #[test]
    fn abs_ceil_floor_signum() {
        assert_eq!(ok("abs", vec![n(-5)]), n(5));
        assert_eq!(ok("abs", vec![f(-3.5)]), f(3.5));
        assert_eq!(ok("ceil", vec![f(1.1)]), n(2));
        assert_eq!(ok("ceil", vec![f(-1.1)]), n(-1));
        assert_eq!(ok("floor", vec![f(-1.1)]), n(-2));
        assert_eq!(ok("floor", vec![n(7)]), n(7));
        assert_eq!(ok("floor", vec![s("2.5")]), n(2));
        assert_eq!(ok("signum", vec![n(-9)]), n(-1));
        assert_eq!(ok("signum", vec![n(0)]), n(0));
        assert_eq!(ok("signum", vec![f(0.5)]), n(1));
        assert_eq!(
            ok("abs", vec![Value::number(Number::Big("-123456789012345678901234".into()))]).to_string(),
            "123456789012345678901234"
        );
    }

    use tfgate_plan::{Number, Value};

    #[test]
    fn log_pow() {
        assert_eq!(ok("log", vec![n(16), n(2)]), n(4));
        assert_eq!(ok("log", vec![n(100), n(10)]), n(2));
        assert_eq!(ok("pow", vec![n(3), n(2)]), n(9));
        assert_eq!(ok("pow", vec![n(4), f(0.5)]), n(2));
        assert_eq!(ok("pow", vec![n(2), n(-1)]), f(0.5));
        assert!(err("log", vec![n(0), n(1)]).contains("finite"));
    }

    #[test]
    fn max_min() {
        assert_eq!(ok("max", vec![n(5), n(12), n(9)]), n(12));
        assert_eq!(ok("min", vec![n(5), f(1.5), n(9)]), f(1.5));
        assert_eq!(ok("max", vec![n(1), s("7")]), n(7));
        assert!(err("max", vec![n(1), s("x")]).contains("number"));
        assert!(err("min", vec![b(true)]).contains("number required"));
    }

    #[test]
    fn parseint_bases() {
        assert_eq!(ok("parseint", vec![s("100"), n(10)]), n(100));
        assert_eq!(ok("parseint", vec![s("FF"), n(16)]), n(255));
        assert_eq!(ok("parseint", vec![s("-10"), n(16)]), n(-16));
        assert_eq!(ok("parseint", vec![s("1011111011101111"), n(2)]), n(48879));
        assert_eq!(ok("parseint", vec![s("aA"), n(62)]), n(10 * 62 + 36));
        assert_eq!(ok("parseint", vec![s("zz"), n(36)]), n(35 * 36 + 35));
        assert_eq!(ok("parseint", vec![s("ffffffffffffffffffff"), n(16)]).to_string(), "1208925819614629174706175");
        assert!(err("parseint", vec![s("12"), n(2)]).contains("base 2"));
        assert!(err("parseint", vec![s("1"), n(1)]).contains("between 2 and 62"));
        assert!(err("parseint", vec![s(""), n(10)]).contains("cannot parse"));
    }

    #[test]
    fn unknown_and_sensitive() {
        assert_eq!(ok("abs", vec![unk()]), unk());
        assert_eq!(ok("max", vec![n(1), unk()]), unk());
        assert_eq!(ok("pow", vec![sens(n(2)), unk()]), sens(unk()));
        assert_eq!(ok("ceil", vec![sens(f(1.5))]), sens(n(2)));
        assert_eq!(ok("min", vec![n(1), sens(n(2))]), sens(n(1)));
        assert_eq!(ok("parseint", vec![sens(s("ff")), n(16)]), sens(n(255)));
        // A type error in a known argument wins over an unknown one.
        assert!(err("max", vec![unk(), s("nope")]).contains("number"));
        assert!(err("abs", vec![null()]).contains("must not be null"));
    }
}
