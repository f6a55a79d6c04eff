//! `time`: the execution time and time values (imports/time.mdx).
//!
//! A *timespace* is an instant with the UTC offset it was written in. Its
//! fields (`year`, `hour`, `weekday_name` ...) are read in that offset;
//! comparisons and arithmetic use the instant. `time.now` is fixed for the
//! whole run (the import is built once per policy evaluation).

use std::sync::Arc;
use std::time::SystemTime;

use super::{any_undefined, arity, fail, int_arg, no_such};
use crate::value::{Object, ObjectError, Value};

const NANOS: i128 = 1_000_000_000;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

pub(super) struct TimeImport {
    now: Timespace,
}

impl TimeImport {
    pub(super) fn new(now: SystemTime) -> TimeImport {
        let nanos = match now.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        TimeImport { now: Timespace { nanos, offset: 0 } }
    }
}

impl Object for TimeImport {
    fn type_name(&self) -> &str {
        "time"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        Ok(match name {
            "now" => self.now.value(),
            "nanosecond" => Value::Int(1),
            "microsecond" => Value::Int(1_000),
            "millisecond" => Value::Int(1_000_000),
            "second" => Value::Int(1_000_000_000),
            "minute" => Value::Int(60_000_000_000),
            "hour" => Value::Int(3_600_000_000_000),
            _ => Value::Undefined,
        })
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        match name {
            "load" => {
                arity("time.load", &args, 1, 1)?;
                if any_undefined(&args) {
                    return Ok(Value::Undefined);
                }
                Ok(timeish("time.load", &args[0])?.value())
            }
            _ => Err(no_such("time", name)),
        }
    }
}

/// An instant (nanoseconds since the Unix epoch) and the UTC offset, in
/// seconds, its fields are shown in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Timespace {
    nanos: i128,
    offset: i32,
}

impl Timespace {
    fn value(self) -> Value {
        Value::Object(Arc::new(self))
    }

    /// Local civil time: (year, month, day, hour, minute, second, weekday).
    fn civil(&self) -> (i64, u32, u32, u32, u32, u32, u32) {
        let local = self.nanos.div_euclid(NANOS) as i64 + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // 1970-01-01 was a Thursday (4).
        let weekday = (days + 4).rem_euclid(7) as u32;
        (y, m, d, (secs / 3600) as u32, (secs / 60 % 60) as u32, (secs % 60) as u32, weekday)
    }

    /// RFC 3339 with as many fraction digits as needed (Go's RFC3339Nano).
    pub(crate) fn rfc3339(&self) -> String {
        let (y, mo, d, h, mi, s, _) = self.civil();
        let frac = self.nanos.rem_euclid(NANOS);
        let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if frac != 0 {
            let digits = format!("{frac:09}");
            out.push('.');
            out.push_str(digits.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            out.push_str(&self.zone_string());
        }
        out
    }

    fn zone_string(&self) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let a = self.offset.abs();
        format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
    }
}

impl Object for Timespace {
    fn type_name(&self) -> &str {
        "timespace"
    }

    fn get(&self, name: &str) -> Result<Value, ObjectError> {
        let (y, mo, d, h, mi, s, wd) = self.civil();
        Ok(match name {
            "year" => Value::Int(y),
            "month" => Value::Int(i64::from(mo)),
            "month_name" => Value::string(MONTHS[(mo - 1) as usize]),
            "day" => Value::Int(i64::from(d)),
            "hour" => Value::Int(i64::from(h)),
            "minute" => Value::Int(i64::from(mi)),
            "second" => Value::Int(i64::from(s)),
            "weekday" => Value::Int(i64::from(wd)),
            "weekday_name" => Value::string(WEEKDAYS[wd as usize]),
            "unix" => Value::Int(self.nanos.div_euclid(NANOS) as i64),
            "unix_nano" => match i64::try_from(self.nanos) {
                Ok(n) => Value::Int(n),
                Err(_) => return Err(fail("timespace.unix_nano: the time is out of the int range")),
            },
            "zone" => Value::Int(i64::from(self.offset)),
            "zone_string" => Value::string(self.zone_string()),
            _ => Value::Undefined,
        })
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("timespace.{name}");
        let f = f.as_str();
        if !matches!(name, "before" | "after" | "equal" | "add" | "sub") {
            return Err(no_such("timespace", name));
        }
        arity(f, &args, 1, 1)?;
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        Ok(match name {
            "before" => Value::Bool(self.nanos < timeish(f, &args[0])?.nanos),
            "after" => Value::Bool(self.nanos > timeish(f, &args[0])?.nanos),
            "equal" => Value::Bool(self.nanos == timeish(f, &args[0])?.nanos),
            "add" => {
                let d = int_arg(f, &args, 0)?;
                let nanos = self.nanos + i128::from(d);
                if !in_range(nanos) {
                    return Err(fail(format!("{f}: the result is out of range")));
                }
                Timespace { nanos, offset: self.offset }.value()
            }
            "sub" => {
                let other = timeish(f, &args[0])?;
                let d = i64::try_from(self.nanos - other.nanos)
                    .map_err(|_| fail(format!("{f}: the duration is out of the int range")))?;
                Value::Int(d)
            }
            _ => unreachable!("checked above"),
        })
    }

    fn as_plain(&self) -> Option<Value> {
        Some(Value::string(self.rfc3339()))
    }
}

/// Years 0 to 9999, the range RFC 3339 can write.
fn in_range(nanos: i128) -> bool {
    const MIN: i128 = -62_167_219_200 * NANOS; // 0000-01-01T00:00:00Z
    const MAX: i128 = 253_402_300_800 * NANOS; // 10000-01-01T00:00:00Z
    (MIN..MAX).contains(&nanos)
}

/// A "timeish" value: seconds since the epoch, an RFC 3339 string, or a
/// timespace.
fn timeish(f: &str, v: &Value) -> Result<Timespace, ObjectError> {
    match v.resolved() {
        Value::Int(secs) => {
            let nanos = i128::from(*secs) * NANOS;
            if !in_range(nanos) {
                return Err(fail(format!("{f}: {secs} is out of the supported time range")));
            }
            Ok(Timespace { nanos, offset: 0 })
        }
        Value::String(s) => parse_rfc3339(s).ok_or_else(|| {
            fail(format!(
                "{f}: {s:?} is not a time: expected RFC 3339 (2006-01-02T15:04:05Z or 2006-01-02T15:04:05+07:00)"
            ))
        }),
        Value::Object(o) if o.type_name() == "timespace" => match o.as_plain() {
            Some(Value::String(s)) => parse_rfc3339(&s).ok_or_else(|| fail(format!("{f}: bad timespace"))),
            _ => Err(fail(format!("{f}: bad timespace"))),
        },
        other => Err(fail(format!(
            "{f}: expected a time (an int of seconds, an RFC 3339 string or a timespace), got {}",
            other.type_name()
        ))),
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`.
pub(crate) fn parse_rfc3339(s: &str) -> Option<Timespace> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(i64::from(y), mo) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut frac: i128 = 0;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &s[start..i];
        if digits.is_empty() || digits.len() > 9 {
            return None;
        }
        frac = format!("{digits:0<9}").parse().ok()?;
    }
    let offset: i32 = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = (oh * 3600 + om * 60) as i32;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(i64::from(y), mo, d);
    let local = days * 86_400 + i64::from(h * 3600 + mi * 60 + sec);
    let nanos = i128::from(local - i64::from(offset)) * NANOS + frac;
    Some(Timespace { nanos, offset })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
