//! Date and time functions that are deterministic, for policies about
//! expiry dates and rotation windows: timecmp and timeadd.
//!
//! Timestamps use RFC 3339 (`2024-05-01T12:00:00Z`,
//! `2024-05-01T14:00:00.5+02:00`), as in Terraform. `timestamp()` and
//! `plantimestamp()` are not provided: a policy's verdict must not depend on
//! when it runs. Default unknown/sensitive rules.

use tfgate_plan::Value;

use super::helpers::{invalid, shown, Args, FnResult};
use super::FunctionError;

/// An instant plus the UTC offset it was written with.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    secs: i64,
    nanos: u32,
    /// Offset east of UTC, in seconds.
    offset: i32,
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)? as i64, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start || end - start > 9 {
            return None;
        }
        nanos = num(start..end)? * 10u32.pow(9 - (end - start) as u32);
        i = end;
    }
    let offset = match b.get(i)? {
        b'Z' if i + 1 == b.len() => 0,
        c @ (b'+' | b'-') if b.len() == i + 6 && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = (oh * 3600 + om * 60) as i32;
            if *c == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let local = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + sec) as i64;
    Some(Timestamp { secs: local - offset as i64, nanos, offset })
}

/// RFC 3339 in the timestamp's own offset, without fractional seconds (as
/// Go's `time.RFC3339` layout writes it).
fn format_rfc3339(t: &Timestamp) -> String {
    let local = t.secs + t.offset as i64;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let sod = local.rem_euclid(86_400);
    let zone = if t.offset == 0 {
        "Z".to_string()
    } else {
        let sign = if t.offset < 0 { '-' } else { '+' };
        let o = t.offset.abs();
        format!("{sign}{:02}:{:02}", o / 3600, (o % 3600) / 60)
    };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}", sod / 3600, (sod % 3600) / 60, sod % 60)
}

/// Parses a Go duration (`1h30m`, `-10.5s`, `300ms`) into nanoseconds.
fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = match &rest[..u_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[u_end..];
        total += number * unit;
    }
    let ns = total.round() as i128;
    Some(if neg { -ns } else { ns })
}

fn timestamp_arg(a: &mut Args<'_>, i: usize, name: &str) -> Result<Option<Timestamp>, FunctionError> {
    let text = a.string(i, name)?;
    if a.args[i].is_unknown() {
        return Ok(None);
    }
    parse_rfc3339(&text)
        .map(Some)
        .ok_or_else(|| invalid(i, name, format_args!("not a valid RFC 3339 timestamp: {}", shown(&a.args[i], &text))))
}

/// `timecmp(timestamp_a, timestamp_b)`: -1, 0 or 1 comparing the instants.
pub(crate) fn timecmp(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let x = timestamp_arg(&mut a, 0, "timestamp_a")?;
    let y = timestamp_arg(&mut a, 1, "timestamp_b")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let (x, y) = (x.expect("known"), y.expect("known"));
    let r = match (x.secs, x.nanos).cmp(&(y.secs, y.nanos)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    };
    a.ok(Value::number(r))
}

/// `timeadd(timestamp, duration)`.
pub(crate) fn timeadd(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let t = timestamp_arg(&mut a, 0, "timestamp")?;
    let d = a.string(1, "duration")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let ns = parse_duration(&d)
        .ok_or_else(|| invalid(1, "duration", format_args!("invalid duration {}", shown(&args[1], &d))))?;
    let t = t.expect("known");
    let total = t.secs as i128 * 1_000_000_000 + t.nanos as i128 + ns;
    let secs = i64::try_from(total.div_euclid(1_000_000_000))
        .map_err(|_| FunctionError::new("the resulting time is out of range"))?;
    let out = Timestamp { secs, nanos: total.rem_euclid(1_000_000_000) as u32, offset: t.offset };
    if !(-62_135_596_800..=253_402_300_799).contains(&out.secs) {
        return Err(FunctionError::new("the resulting time is out of range"));
    }
    a.ok(Value::string(format_rfc3339(&out)))
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for days in [-800_000i64, -1, 0, 1, 59, 365, 11_016, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    }

    #[test]
    fn parses_rfc3339() {
        let t = parse_rfc3339("2017-11-22T00:00:00Z").unwrap();
        assert_eq!(t.secs, 1_511_308_800);
        let u = parse_rfc3339("2017-11-22T01:00:00+01:00").unwrap();
        assert_eq!(u.secs, t.secs);
        assert_eq!(parse_rfc3339("2017-11-22T00:00:00.25Z").unwrap().nanos, 250_000_000);
        for bad in [
            "2017-11-22",
            "2017-02-30T00:00:00Z",
            "2017-11-22 00:00:00Z",
            "2017-11-22T00:00:00",
            "2017-11-22T24:00:00Z",
            "x",
        ] {
            assert!(parse_rfc3339(bad).is_none(), "{bad}");
        }
        assert!(parse_rfc3339("2024-02-29T00:00:00Z").is_some());
        assert!(parse_rfc3339("2023-02-29T00:00:00Z").is_none());
    }

    #[test]
    fn timecmp_compares_instants() {
        assert_eq!(ok("timecmp", vec![s("2017-11-22T00:00:00Z"), s("2017-11-22T00:00:00Z")]), n(0));
        assert_eq!(ok("timecmp", vec![s("2017-11-22T00:00:00Z"), s("2017-11-22T01:00:00Z")]), n(-1));
        assert_eq!(ok("timecmp", vec![s("2017-11-22T01:00:00Z"), s("2017-11-22T01:00:00+01:00")]), n(1));
        assert_eq!(ok("timecmp", vec![s("2017-11-22T00:00:00Z"), s("2017-11-22T01:00:00+01:00")]), n(0));
        assert!(err("timecmp", vec![s("yesterday"), s("2017-11-22T00:00:00Z")]).contains("RFC 3339"));
        assert_eq!(ok("timecmp", vec![unk(), s("2017-11-22T00:00:00Z")]), unk());
        assert_eq!(ok("timecmp", vec![sens(s("2017-11-22T00:00:00Z")), s("2017-11-22T00:00:00Z")]), sens(n(0)));
    }

    #[test]
    fn timeadd_adds_durations() {
        assert_eq!(ok("timeadd", vec![s("2017-11-22T00:00:00Z"), s("10m")]), s("2017-11-22T00:10:00Z"));
        assert_eq!(ok("timeadd", vec![s("2017-11-22T00:00:00Z"), s("-1h")]), s("2017-11-21T23:00:00Z"));
        assert_eq!(ok("timeadd", vec![s("2024-02-28T12:00:00+02:00"), s("24h")]), s("2024-02-29T12:00:00+02:00"));
        assert_eq!(ok("timeadd", vec![s("2017-12-31T23:59:59Z"), s("1.5s")]), s("2018-01-01T00:00:00Z"));
        assert_eq!(ok("timeadd", vec![s("2017-11-22T00:00:00Z"), s("1h30m")]), s("2017-11-22T01:30:00Z"));
        assert_eq!(ok("timeadd", vec![s("2017-11-22T00:00:00Z"), s("8760h")]), s("2018-11-22T00:00:00Z"));
        assert!(err("timeadd", vec![s("2017-11-22T00:00:00Z"), s("1 day")]).contains("invalid duration"));
        assert_eq!(ok("timeadd", vec![s("2017-11-22T00:00:00Z"), unk()]), unk());
    }
}
