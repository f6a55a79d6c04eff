//! `decimal`: exact decimal numbers (imports/decimal.mdx).
//!
//! A number is `coefficient * 10^exponent` with at most 100 significant
//! digits (results are rounded half to even to that precision), a 32-bit
//! exponent, and the special values +/-Infinity and NaN. Addition,
//! subtraction, multiplication and integer powers are exact within the
//! precision; division, square roots, logarithms and exponentials are
//! computed to the full 100 digits.

use std::cmp::Ordering;
use std::sync::Arc;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::{any_undefined, arity, fail, int_arg, no_such};
use crate::value::{Object, ObjectError, Value};

/// Significant digits a result keeps.
const PRECISION: u32 = 100;
/// Extra digits the fixed-point series carry.
const GUARD: u32 = 25;

pub(super) struct DecimalImport;

impl Object for DecimalImport {
    fn type_name(&self) -> &str {
        "decimal"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "nan" => Dec::Nan.value(),
            _ => Value::Undefined,
        })
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("decimal.{name}");
        let f = f.as_str();
        let known = matches!(
            name,
            "infinity" | "inf" | "is_infinite" | "is_inf" | "isinf" | "isinfinite" | "is_nan" | "isnan" | "new"
        );
        if !known {
            return Err(no_such("decimal", name));
        }
        arity(f, &args, 1, 1)?;
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        Ok(match name {
            "infinity" | "inf" => Dec::Inf(int_arg(f, &args, 0)? < 0).value(),
            "is_infinite" | "is_inf" | "isinf" | "isinfinite" => {
                Value::Bool(matches!(Dec::from_value(f, &args[0])?, Dec::Inf(_)))
            }
            "is_nan" | "isnan" => Value::Bool(matches!(Dec::from_value(f, &args[0])?, Dec::Nan)),
            _ => Dec::from_value(f, &args[0])?.value(),
        })
    }
}

/// A decimal value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Dec {
    Nan,
    /// Infinity; `true` when negative.
    Inf(bool),
    /// `coef * 10^exp`.
    Fin {
        coef: BigInt,
        exp: i64,
    },
}

fn ten_pow(n: u32) -> BigInt {
    BigInt::from(10u32).pow(n)
}

fn digits(c: &BigInt) -> u32 {
    if c.is_zero() {
        return 1;
    }
    c.abs().to_string().len() as u32
}

/// Divides by 10^n rounding half to even.
fn div_round(c: &BigInt, n: u32) -> BigInt {
    if n == 0 {
        return c.clone();
    }
    let p = ten_pow(n);
    let (q, r) = c.abs().div_rem(&p);
    let twice = &r * 2u32;
    let q = match twice.cmp(&p) {
        Ordering::Greater => q + 1u32,
        Ordering::Equal if q.is_odd() => q + 1u32,
        _ => q,
    };
    if c.is_negative() {
        -q
    } else {
        q
    }
}

impl Dec {
    fn value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    fn fin(coef: BigInt, exp: i64) -> Result<Dec, String> {
        let d = digits(&coef);
        let (coef, exp) = if d > PRECISION {
            let drop = d - PRECISION;
            let c = div_round(&coef, drop);
            // Rounding up may add a digit (999.. -> 1000..).
            if digits(&c) > PRECISION {
                (div_round(&c, 1), exp + i64::from(drop) + 1)
            } else {
                (c, exp + i64::from(drop))
            }
        } else {
            (coef, exp)
        };
        if coef.is_zero() {
            return Ok(Dec::Fin { coef, exp: exp.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) });
        }
        if exp > i64::from(i32::MAX) || exp < i64::from(i32::MIN) {
            return Err("the exponent is out of range (32 bits)".into());
        }
        Ok(Dec::Fin { coef, exp })
    }

    pub(crate) fn parse(s: &str) -> Option<Dec> {
        let t = s.trim();
        let (neg, body) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let lower = body.to_ascii_lowercase();
        if lower == "inf" || lower == "infinity" {
            return Some(Dec::Inf(neg));
        }
        if lower == "nan" {
            return Some(Dec::Nan);
        }
        let (mant, exp) = match lower.split_once('e') {
            Some((m, e)) => (m, e.parse::<i64>().ok()?),
            None => (lower.as_str(), 0),
        };
        // Far more digits than the precision keeps are refused rather than
        // converted at length.
        if mant.len() > 10_000 {
            return None;
        }
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut coef: BigInt = format!("{int}{frac}").parse().ok()?;
        if neg {
            coef = -coef;
        }
        Dec::fin(coef, exp - frac.len() as i64).ok()
    }

    /// The decimal for a number, a numeric string or another decimal.
    fn from_value(f: &str, v: &Value) -> Result<Dec, ObjectError> {
        let bad = |what: &str| fail(format!("{f}: cannot convert {what} to a decimal"));
        match v.resolved() {
            Value::Int(i) => Ok(Dec::Fin { coef: BigInt::from(*i), exp: 0 }),
            Value::Float(x) if x.is_nan() => Ok(Dec::Nan),
            Value::Float(x) if x.is_infinite() => Ok(Dec::Inf(*x < 0.0)),
            // The float's shortest decimal form, so 2.2 is 2.2 and not the
            // binary fraction nearest to it.
            Value::Float(x) => Dec::parse(&format!("{x:e}")).ok_or_else(|| bad("the float")),
            Value::String(s) => Dec::parse(s).ok_or_else(|| bad(&format!("{s:?}"))),
            Value::Object(o) if o.type_name() == "decimal" => match o.get("string") {
                Ok(Value::String(s)) => Dec::parse(&s).ok_or_else(|| bad("the decimal")),
                _ => Err(bad("the decimal")),
            },
            other => Err(bad(&format!("a {}", other.type_name()))),
        }
    }

    fn is_neg(&self) -> bool {
        match self {
            Dec::Nan => false,
            Dec::Inf(n) => *n,
            Dec::Fin { coef, .. } => coef.is_negative(),
        }
    }

    fn is_zero(&self) -> bool {
        matches!(self, Dec::Fin { coef, .. } if coef.is_zero())
    }

    /// The text: plain notation for moderate exponents, scientific beyond
    /// (the General Decimal Arithmetic to-scientific-string rule).
    fn text(&self) -> String {
        let (coef, exp) = match self {
            Dec::Nan => return "NaN".into(),
            Dec::Inf(false) => return "+Infinity".into(),
            Dec::Inf(true) => return "-Infinity".into(),
            Dec::Fin { coef, exp } => (coef, *exp),
        };
        let sign = if coef.is_negative() { "-" } else { "" };
        let ds = coef.abs().to_string();
        let n = ds.len() as i64;
        let adjusted = exp + n - 1;
        if exp <= 0 && adjusted >= -6 {
            if exp == 0 {
                return format!("{sign}{ds}");
            }
            let point = n + exp;
            return if point > 0 {
                format!("{sign}{}.{}", &ds[..point as usize], &ds[point as usize..])
            } else {
                format!("{sign}0.{}{ds}", "0".repeat((-point) as usize))
            };
        }
        let mant = if n > 1 { format!("{}.{}", &ds[..1], &ds[1..]) } else { ds };
        let esign = if adjusted < 0 { '-' } else { '+' };
        format!("{sign}{mant}E{esign}{}", adjusted.abs())
    }

    fn to_f64(&self) -> f64 {
        match self {
            Dec::Nan => f64::NAN,
            Dec::Inf(n) => {
                if *n {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Dec::Fin { .. } => self.text().parse().unwrap_or(f64::NAN),
        }
    }

    /// Ordering; `None` when either is NaN.
    fn cmp(&self, other: &Dec) -> Option<Ordering> {
        match (self, other) {
            (Dec::Nan, _) | (_, Dec::Nan) => None,
            (Dec::Inf(a), Dec::Inf(b)) => Some(b.cmp(a)),
            (Dec::Inf(a), _) => Some(if *a { Ordering::Less } else { Ordering::Greater }),
            (_, Dec::Inf(b)) => Some(if *b { Ordering::Greater } else { Ordering::Less }),
            (Dec::Fin { coef: c1, exp: e1 }, Dec::Fin { coef: c2, exp: e2 }) => {
                let (s1, s2) = (c1.sign(), c2.sign());
                let rank = |s: Sign| match s {
                    Sign::Minus => 0,
                    Sign::NoSign => 1,
                    Sign::Plus => 2,
                };
                if rank(s1) != rank(s2) || s1 == Sign::NoSign {
                    return Some(rank(s1).cmp(&rank(s2)));
                }
                // Same sign, both non-zero: magnitudes first by size.
                let (a1, a2) = (e1 + i64::from(digits(c1)), e2 + i64::from(digits(c2)));
                let mag = if a1 != a2 {
                    a1.cmp(&a2)
                } else {
                    let e = (*e1).min(*e2);
                    let x = c1.abs() * ten_pow((e1 - e) as u32);
                    let y = c2.abs() * ten_pow((e2 - e) as u32);
                    x.cmp(&y)
                };
                Some(if s1 == Sign::Minus { mag.reverse() } else { mag })
            }
        }
    }

    fn neg(&self) -> Dec {
        match self {
            Dec::Nan => Dec::Nan,
            Dec::Inf(n) => Dec::Inf(!n),
            Dec::Fin { coef, exp } => Dec::Fin { coef: -coef, exp: *exp },
        }
    }

    fn add(&self, other: &Dec) -> Result<Dec, String> {
        match (self, other) {
            (Dec::Nan, _) | (_, Dec::Nan) => Ok(Dec::Nan),
            (Dec::Inf(a), Dec::Inf(b)) => Ok(if a == b { Dec::Inf(*a) } else { Dec::Nan }),
            (Dec::Inf(a), _) | (_, Dec::Inf(a)) => Ok(Dec::Inf(*a)),
            (Dec::Fin { coef: c1, exp: e1 }, Dec::Fin { coef: c2, exp: e2 }) => {
                if c1.is_zero() && !c2.is_zero() {
                    return Ok(other.clone());
                }
                if c2.is_zero() && !c1.is_zero() {
                    return Ok(self.clone());
                }
                // An operand far below the other's last digit cannot change
                // the rounded sum; skip aligning to its exponent.
                let (a1, a2) = (e1 + i64::from(digits(c1)), e2 + i64::from(digits(c2)));
                let gap = i64::from(PRECISION + 2);
                if !c2.is_zero() && a2 < a1 - gap && a2 < *e1 {
                    return Ok(self.clone());
                }
                if !c1.is_zero() && a1 < a2 - gap && a1 < *e2 {
                    return Ok(other.clone());
                }
                let e = (*e1).min(*e2);
                let x = c1 * ten_pow((e1 - e) as u32);
                let y = c2 * ten_pow((e2 - e) as u32);
                Dec::fin(x + y, e)
            }
        }
    }

    fn mul(&self, other: &Dec) -> Result<Dec, String> {
        match (self, other) {
            (Dec::Nan, _) | (_, Dec::Nan) => Ok(Dec::Nan),
            (Dec::Inf(_), _) | (_, Dec::Inf(_)) => {
                if self.is_zero() || other.is_zero() {
                    Ok(Dec::Nan)
                } else {
                    Ok(Dec::Inf(self.is_neg() != other.is_neg()))
                }
            }
            (Dec::Fin { coef: c1, exp: e1 }, Dec::Fin { coef: c2, exp: e2 }) => Dec::fin(c1 * c2, e1 + e2),
        }
    }

    fn div(&self, other: &Dec) -> Result<Dec, String> {
        match (self, other) {
            (Dec::Nan, _) | (_, Dec::Nan) => Ok(Dec::Nan),
            (Dec::Inf(_), Dec::Inf(_)) => Ok(Dec::Nan),
            (Dec::Inf(a), _) => Ok(Dec::Inf(*a != other.is_neg())),
            (_, Dec::Inf(_)) => Ok(Dec::Fin { coef: BigInt::zero(), exp: 0 }),
            (Dec::Fin { coef: c1, exp: e1 }, Dec::Fin { coef: c2, exp: e2 }) => {
                if c2.is_zero() {
                    return Err("division by zero".into());
                }
                let ideal = e1 - e2;
                if c1.is_zero() {
                    return Dec::fin(BigInt::zero(), ideal);
                }
                // Enough digits for the precision plus one to round with.
                let shift = (PRECISION + 1 + digits(c2)).saturating_sub(digits(c1));
                let (q, r) = (c1 * ten_pow(shift)).div_rem(c2);
                let mut exp = ideal - i64::from(shift);
                if !r.is_zero() {
                    // Inexact: a sticky digit makes the rounding see the
                    // remainder.
                    let mag = q.abs() * 10u32 + 1u32;
                    let q = if c1.is_negative() != c2.is_negative() { -mag } else { mag };
                    return Dec::fin(q, exp - 1);
                }
                // Exact: drop trailing zeros down to the ideal exponent.
                let mut q = q;
                while exp < ideal {
                    let (d, m) = q.div_rem(&BigInt::from(10));
                    if !m.is_zero() {
                        break;
                    }
                    q = d;
                    exp += 1;
                }
                Dec::fin(q, exp)
            }
        }
    }

    /// The remainder of truncating division (it has the dividend's sign).
    fn rem(&self, other: &Dec) -> Result<Dec, String> {
        match (self, other) {
            (Dec::Fin { coef: c1, exp: e1 }, Dec::Fin { coef: c2, exp: e2 }) => {
                if c2.is_zero() {
                    return Err("division by zero".into());
                }
                // A dividend smaller than the divisor is the remainder (and
                // this bounds the alignment below by the digit counts).
                let (a, b) = (Dec::Fin { coef: c1.abs(), exp: *e1 }, Dec::Fin { coef: c2.abs(), exp: *e2 });
                if a.cmp(&b) == Some(Ordering::Less) {
                    return Ok(self.clone());
                }
                let e = (*e1).min(*e2);
                let m = c2.abs() * ten_pow(u32::try_from(e2 - e).map_err(|_| "the operands are too far apart")?);
                // 10^(e1-e) mod m without writing the power out.
                let scale = BigInt::from(10).modpow(&BigInt::from(e1 - e), &m);
                let r = (c1.abs() * scale) % &m;
                Dec::fin(if c1.is_negative() { -r } else { r }, e)
            }
            (Dec::Nan, _) | (_, Dec::Nan) | (Dec::Inf(_), _) => Ok(Dec::Nan),
            (_, Dec::Inf(_)) => Ok(self.clone()),
        }
    }

    fn floor_or_ceil(&self, ceil: bool) -> Result<Dec, String> {
        match self {
            Dec::Fin { coef, exp } if *exp < 0 => {
                if digits(coef) as i64 + exp < 0 {
                    let z = if coef.is_zero() {
                        0
                    } else if ceil && coef.is_positive() {
                        1
                    } else if !ceil && coef.is_negative() {
                        -1
                    } else {
                        0
                    };
                    return Ok(Dec::Fin { coef: BigInt::from(z), exp: 0 });
                }
                let p = ten_pow((-exp) as u32);
                let q = if ceil { coef.div_ceil(&p) } else { coef.div_floor(&p) };
                Dec::fin(q, 0)
            }
            _ => Ok(self.clone()),
        }
    }

    /// Integer power by squaring, rounding as it goes.
    fn powi(&self, n: i64) -> Result<Dec, String> {
        let mut base = self.clone();
        let mut acc = Dec::Fin { coef: BigInt::one(), exp: 0 };
        let mut k = n.unsigned_abs();
        while k > 0 {
            if k & 1 == 1 {
                acc = acc.mul(&base)?;
            }
            k >>= 1;
            if k > 0 {
                base = base.mul(&base)?;
            }
        }
        if n < 0 {
            Dec::Fin { coef: BigInt::one(), exp: 0 }.div(&acc)
        } else {
            Ok(acc)
        }
    }

    fn pow(&self, y: &Dec) -> Result<Dec, String> {
        if let Some(n) = y.as_integer() {
            if let Ok(n) = i64::try_from(n) {
                if n.unsigned_abs() <= 1 << 32 {
                    return self.powi(n);
                }
            }
        }
        match (self, y) {
            (Dec::Nan, _) | (_, Dec::Nan) => Ok(Dec::Nan),
            _ if self.is_neg() => Ok(Dec::Nan),
            _ if self.is_zero() => Ok(if y.is_neg() { Dec::Inf(false) } else { self.clone() }),
            _ => self.ln()?.mul(y)?.exp(),
        }
    }

    /// The value as an integer when it is one.
    fn as_integer(&self) -> Option<BigInt> {
        let Dec::Fin { coef, exp } = self else { return None };
        if *exp >= 0 {
            if *exp > 40 {
                return None;
            }
            return Some(coef * ten_pow(*exp as u32));
        }
        let p = ten_pow(u32::try_from(-exp).ok()?);
        let (q, r) = coef.div_rem(&p);
        r.is_zero().then_some(q)
    }

    fn sqrt(&self) -> Result<Dec, String> {
        match self {
            Dec::Nan => Ok(Dec::Nan),
            _ if self.is_neg() => Ok(Dec::Nan),
            Dec::Inf(_) => Ok(self.clone()),
            Dec::Fin { coef, exp } => {
                if coef.is_zero() {
                    return Ok(Dec::Fin { coef: BigInt::zero(), exp: exp.div_euclid(2) });
                }
                // Scale so the root has the precision plus guard digits and
                // the exponent is even.
                let mut k = i64::from(2 * (PRECISION + 2)) - i64::from(digits(coef));
                if k < 0 {
                    k = 0;
                }
                if (exp - k).rem_euclid(2) != 0 {
                    k += 1;
                }
                let scaled = coef * ten_pow(k as u32);
                let root = scaled.sqrt();
                let exact = &root * &root == scaled;
                let e = (exp - k) / 2;
                if exact {
                    let mut d = Dec::fin(root, e)?;
                    d.trim_to((*exp).div_euclid(2));
                    return Ok(d);
                }
                Dec::fin(root * 10u32 + 1u32, e - 1)
            }
        }
    }

    /// Drops trailing zeros while the exponent is below `ideal`.
    fn trim_to(&mut self, ideal: i64) {
        if let Dec::Fin { coef, exp } = self {
            while *exp < ideal && !coef.is_zero() {
                let (d, m) = coef.div_rem(&BigInt::from(10));
                if !m.is_zero() {
                    break;
                }
                *coef = d;
                *exp += 1;
            }
        }
    }

    fn ln(&self) -> Result<Dec, String> {
        match self {
            Dec::Nan => Ok(Dec::Nan),
            Dec::Inf(false) => Ok(self.clone()),
            Dec::Inf(true) => Ok(Dec::Nan),
            _ if self.is_neg() => Ok(Dec::Nan),
            _ if self.is_zero() => Ok(Dec::Inf(true)),
            Dec::Fin { coef, exp } => {
                if coef.is_one() && *exp == 0 {
                    return Ok(Dec::Fin { coef: BigInt::zero(), exp: 0 });
                }
                // x = m * 10^k with m in [1, 10): ln x = ln m + k ln 10.
                let k = exp + i64::from(digits(coef)) - 1;
                let w = PRECISION + GUARD;
                let scale = ten_pow(w);
                let m = fixed_of(coef, exp - k, w);
                let ln_m = ln_fixed(&m, &scale);
                let total = ln_m + ln10_fixed(w) * BigInt::from(k);
                Dec::fin(total, -i64::from(w))
            }
        }
    }

    fn log10(&self) -> Result<Dec, String> {
        // Exact for powers of ten.
        if let Dec::Fin { coef, exp } = self {
            let s = coef.to_string();
            if s.starts_with('1') && s[1..].bytes().all(|b| b == b'0') {
                return Dec::fin(BigInt::from(exp + s.len() as i64 - 1), 0);
            }
        }
        let w = PRECISION + GUARD;
        match self.ln()? {
            Dec::Fin { coef, exp } => {
                let scale = ten_pow(w);
                let x = fixed_of(&coef, exp, w);
                Dec::fin(x * &scale / ln10_fixed(w), -i64::from(w))
            }
            other => Ok(other),
        }
    }

    fn exp(&self) -> Result<Dec, String> {
        match self {
            Dec::Nan => Ok(Dec::Nan),
            Dec::Inf(false) => Ok(self.clone()),
            Dec::Inf(true) => Ok(Dec::Fin { coef: BigInt::zero(), exp: 0 }),
            Dec::Fin { coef, exp } => {
                // e^0 is 1, and so, to the precision, is e^x for a tiny x.
                if coef.is_zero() || exp + i64::from(digits(coef)) < -i64::from(PRECISION + GUARD) {
                    return Ok(Dec::Fin { coef: BigInt::one(), exp: 0 });
                }
                // Beyond about 4.9e9 the result's exponent leaves 32 bits.
                if exp + i64::from(digits(coef)) > 11 {
                    return if coef.is_negative() {
                        Ok(Dec::Fin { coef: BigInt::zero(), exp: 0 })
                    } else {
                        Err("the result is out of range".into())
                    };
                }
                // e^x = 10^q * e^r with r = x - q ln 10 in [0, ln 10).
                let w = PRECISION + GUARD + 12;
                let scale = ten_pow(w);
                let x = fixed_of(coef, *exp, w);
                let ln10 = ln10_fixed(w);
                let q = x.div_floor(&ln10);
                let r = &x - &q * &ln10;
                let e_r = exp_fixed(&r, &scale);
                let q = q.to_i64().ok_or("the result is out of range")?;
                Dec::fin(e_r, q - i64::from(w))
            }
        }
    }

    fn field(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "string" => Value::string(self.text()),
            "sign" => Value::Int(match self {
                Dec::Nan => 0,
                Dec::Inf(n) => {
                    if *n {
                        -1
                    } else {
                        1
                    }
                }
                Dec::Fin { coef, .. } => coef.signum().to_i64().unwrap_or(0),
            }),
            "coefficient" => match self {
                Dec::Fin { coef, .. } => Value::Int(
                    coef.abs().to_i64().ok_or_else(|| fail("decimal.coefficient: it does not fit in an int"))?,
                ),
                _ => Value::Int(0),
            },
            "exponent" => match self {
                Dec::Fin { exp, .. } => Value::Int(*exp),
                _ => Value::Int(0),
            },
            "float" => Value::Float(self.to_f64()),
            // "Always rounds down to the nearest integer."
            "int" => match self.floor_or_ceil(false).map_err(fail)?.as_integer() {
                Some(i) => Value::Int(i.to_i64().ok_or_else(|| fail("decimal.int: the value does not fit in an int"))?),
                None => return Err(fail("decimal.int: the value has no int form (too large, infinite or NaN)")),
            },
            _ => Value::Undefined,
        })
    }
}

/// `coef * 10^exp` as a fixed-point integer with `w` fraction digits
/// (truncated).
fn fixed_of(coef: &BigInt, exp: i64, w: u32) -> BigInt {
    let e = exp + i64::from(w);
    if e >= 0 {
        coef * ten_pow(e as u32)
    } else if -e > i64::from(digits(coef)) {
        BigInt::zero()
    } else {
        coef / ten_pow((-e) as u32)
    }
}

/// ln of a fixed-point `m` in [1, 10]: square roots bring it near 1, then
/// ln m = 2^j * 2 atanh((m-1)/(m+1)).
fn ln_fixed(m: &BigInt, scale: &BigInt) -> BigInt {
    const ROOTS: u32 = 10;
    let mut m = m.clone();
    for _ in 0..ROOTS {
        m = (&m * scale).sqrt();
    }
    let z = (&m - scale) * scale / (&m + scale);
    let z2 = &z * &z / scale;
    let mut term = z.clone();
    let mut sum = BigInt::zero();
    let mut k = 1u32;
    while !term.is_zero() {
        sum += &term / BigInt::from(k);
        term = &term * &z2 / scale;
        k += 2;
    }
    sum * 2u32 * BigInt::from(1u64 << ROOTS)
}

fn ln10_fixed(w: u32) -> BigInt {
    let scale = ten_pow(w + 10);
    let ten = &scale * 10u32;
    ln_fixed(&ten, &scale) / ten_pow(10)
}

/// e^r for a fixed-point r in [0, ln 10) by its Taylor series after halving
/// r eight times, then squaring back.
fn exp_fixed(r: &BigInt, scale: &BigInt) -> BigInt {
    const HALVINGS: u32 = 8;
    let x = r / BigInt::from(1u32 << HALVINGS);
    let mut term = scale.clone();
    let mut sum = BigInt::zero();
    let mut k = 1u32;
    while !term.is_zero() {
        sum += &term;
        term = &term * &x / scale / BigInt::from(k);
        k += 1;
    }
    for _ in 0..HALVINGS {
        sum = &sum * &sum / scale;
    }
    sum
}

impl Object for Dec {
    fn type_name(&self) -> &str {
        "decimal"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        self.field(name)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("decimal.{name}");
        let f = f.as_str();
        let unary = matches!(
            name,
            "exp"
                | "loge"
                | "ln"
                | "log10"
                | "log"
                | "square_root"
                | "sqrt"
                | "ceiling"
                | "ceil"
                | "floor"
                | "absolute"
                | "abs"
                | "negate"
                | "neg"
        );
        let binary = matches!(
            name,
            "is" | "is_not"
                | "less_than"
                | "lt"
                | "less_than_or_equals"
                | "lte"
                | "greater_than"
                | "gt"
                | "greater_than_or_equals"
                | "gte"
                | "add"
                | "subtract"
                | "sub"
                | "multiply"
                | "mul"
                | "divide"
                | "div"
                | "modulo"
                | "mod"
                | "remainder"
                | "rem"
                | "power"
                | "pow"
        );
        if !unary && !binary {
            return Err(no_such("decimal", name));
        }
        let n = usize::from(binary);
        arity(f, &args, n, n)?;
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        let err = |e: String| fail(format!("{f}: {e}"));
        if unary {
            let r = match name {
                "exp" => self.exp(),
                "loge" | "ln" => self.ln(),
                "log10" | "log" => self.log10(),
                "square_root" | "sqrt" => self.sqrt(),
                "ceiling" | "ceil" => self.floor_or_ceil(true),
                "floor" => self.floor_or_ceil(false),
                "absolute" | "abs" => Ok(if self.is_neg() { self.neg() } else { self.clone() }),
                _ => Ok(self.neg()),
            };
            return r.map(Dec::value).map_err(err);
        }
        let other = Dec::from_value(f, &args[0])?;
        let ord = self.cmp(&other);
        let cmp = |want: &[Ordering]| Value::Bool(ord.is_some_and(|o| want.contains(&o)));
        Ok(match name {
            "is" => cmp(&[Ordering::Equal]),
            "is_not" => Value::Bool(ord != Some(Ordering::Equal)),
            "less_than" | "lt" => cmp(&[Ordering::Less]),
            "less_than_or_equals" | "lte" => cmp(&[Ordering::Less, Ordering::Equal]),
            "greater_than" | "gt" => cmp(&[Ordering::Greater]),
            "greater_than_or_equals" | "gte" => cmp(&[Ordering::Greater, Ordering::Equal]),
            "add" => self.add(&other).map_err(err)?.value(),
            "subtract" | "sub" => self.add(&other.neg()).map_err(err)?.value(),
            "multiply" | "mul" => self.mul(&other).map_err(err)?.value(),
            "divide" | "div" => self.div(&other).map_err(err)?.value(),
            "modulo" | "mod" | "remainder" | "rem" => self.rem(&other).map_err(err)?.value(),
            _ => self.pow(&other).map_err(err)?.value(),
        })
    }

    /// A decimal compares and converts as its float value.
    fn as_plain(&self) -> Option<Value> {
        Some(Value::Float(self.to_f64()))
    }
}
