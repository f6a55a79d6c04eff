//! The memory and work budget of one evaluation, as the library functions
//! see it.
//!
//! The evaluator counts the size of every value it builds or copies (see
//! [`measure`]) against [`Limits::max_value_bytes`](super::Limits) and the
//! work of costly functions against [`Limits::max_work`](super::Limits).
//! Library functions have no evaluation context (they are plain
//! `fn(&[Value])`), so the evaluator lends them the rest of its budget
//! through a thread-local for the duration of one call ([`lend`]):
//! a function that can build a result much larger than its arguments
//! (`join`, `replace`, `format`, `indent`, `setproduct`, …) checks the size
//! it is about to build with [`check_bytes`] BEFORE building it, and a
//! function whose work is more than linear in its arguments, or heavy per
//! byte (regular expressions, sets, sorting), counts it with [`work`].
//! Outside an evaluation (unit tests calling a function directly) the
//! budget is unlimited.

use std::cell::Cell;

use tfgate_plan::{Kind, Value};

use crate::functions::FunctionError;

/// Which budget a function call ran out of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exhausted {
    Bytes,
    Work,
}

#[derive(Clone, Copy)]
struct Lent {
    bytes_left: u64,
    work_left: u64,
    work_used: u64,
    exhausted: Option<Exhausted>,
}

const UNLIMITED: Lent = Lent { bytes_left: u64::MAX, work_left: u64::MAX, work_used: 0, exhausted: None };

thread_local! {
    static LENT: Cell<Lent> = const { Cell::new(UNLIMITED) };
}

/// What a function call used of the budget lent to it.
pub(crate) struct Used {
    pub work: u64,
    pub exhausted: Option<Exhausted>,
}

/// Runs `f` (one library function call) with `bytes_left` and `work_left`
/// available to it.
pub(crate) fn lend<T>(bytes_left: u64, work_left: u64, f: impl FnOnce() -> T) -> (T, Used) {
    let saved = LENT.with(|l| l.replace(Lent { bytes_left, work_left, work_used: 0, exhausted: None }));
    // Restored even if `f` panics, so that a later call is not limited by a
    // budget that was lent to an earlier one.
    struct Restore(Lent);
    impl Drop for Restore {
        fn drop(&mut self) {
            LENT.with(|l| l.set(self.0));
        }
    }
    let restore = Restore(saved);
    let out = f();
    let lent = LENT.with(Cell::get);
    drop(restore);
    (out, Used { work: lent.work_used, exhausted: lent.exhausted })
}

fn exhausted(which: Exhausted) -> FunctionError {
    LENT.with(|l| {
        let mut v = l.get();
        v.exhausted = Some(which);
        l.set(v);
    });
    // The evaluator replaces this message with one naming the limit.
    FunctionError::new(match which {
        Exhausted::Bytes => "the result would exceed the evaluation's value size limit",
        Exhausted::Work => "the evaluation's work limit is exceeded",
    })
}

/// Fails when a result of `bytes` (approximate, as [`measure`] counts)
/// would not fit in the rest of the budget. Call it before building.
pub(crate) fn check_bytes(bytes: u64) -> Result<(), FunctionError> {
    if bytes > LENT.with(Cell::get).bytes_left {
        return Err(exhausted(Exhausted::Bytes));
    }
    Ok(())
}

/// The bytes still available to the function being called.
pub(crate) fn bytes_left() -> u64 {
    LENT.with(Cell::get).bytes_left
}

/// The steps a file-level local may take per resource instance in the plan,
/// beyond the evaluation's step limit. An index over the plan (one entry per
/// attaching resource, each following its references, as TFG-EC2-015 and
/// 016 build) takes a few dozen steps per instance of the types it reads;
/// 100 per instance of any type leaves room for that and still stops a
/// runaway.
pub const FILE_LOCAL_STEPS_PER_INSTANCE: u64 = 100;

/// The same for function work (about one unit per byte scanned).
pub const FILE_LOCAL_WORK_PER_INSTANCE: u64 = 2_000;

/// The same for value bytes: an index over the plan holds a few small
/// values per instance (addresses, ids, argument texts).
pub const FILE_LOCAL_BYTES_PER_INSTANCE: u64 = 4 << 10;

/// The value-bytes budget of one file-level local on a plan of `instances`
/// resource instances.
pub(crate) fn file_local_bytes(max_value_bytes: u64, instances: u64) -> u64 {
    max_value_bytes.saturating_add(instances.saturating_mul(FILE_LOCAL_BYTES_PER_INSTANCE))
}

/// The step budget of one file-level local on a plan of `instances`
/// resource instances.
pub(crate) fn file_local_steps(max_steps: u64, instances: u64) -> u64 {
    max_steps.saturating_add(instances.saturating_mul(FILE_LOCAL_STEPS_PER_INSTANCE))
}

/// The work budget of one file-level local on a plan of `instances`
/// resource instances.
pub(crate) fn file_local_work(max_work: u64, instances: u64) -> u64 {
    max_work.saturating_add(instances.saturating_mul(FILE_LOCAL_WORK_PER_INSTANCE))
}

/// Work units of one comparison of two values (`==` on elements): several
/// times the cost of scanning a byte, which is one unit.
pub(crate) const COMPARISON: u64 = 8;

/// Counts `units` of work (one per byte scanned, [`COMPARISON`] per pair of
/// elements compared).
pub(crate) fn work(units: u64) -> Result<(), FunctionError> {
    let mut lent = LENT.with(Cell::get);
    lent.work_used = lent.work_used.saturating_add(units);
    let over = lent.work_used > lent.work_left;
    LENT.with(|l| l.set(lent));
    if over {
        return Err(exhausted(Exhausted::Work));
    }
    Ok(())
}

/// What one value, one list element or one object entry costs besides its
/// string bytes: its slot.
pub(crate) const SLOT: u64 = std::mem::size_of::<Value>() as u64;

/// The deepest value a local may hold. Values are walked recursively (to
/// compare, render, drop them); a chain of locals each wrapping the last
/// could otherwise nest them deep enough to overflow the stack.
pub const MAX_VALUE_DEPTH: usize = 512;

/// Why [`measure`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TooBig {
    /// Larger than the given bound.
    Size,
    /// Nested deeper than [`MAX_VALUE_DEPTH`].
    Depth,
}

/// The approximate size in bytes of a value as if every part of it were
/// its own copy (string bytes plus a slot per value, list element and object
/// entry, plus key bytes), which bounds both the memory and the work of
/// anything that walks it. Objects share their entries when copied, but a
/// value that holds the same object twice is twice as much work to compare,
/// encode or check for sensitive parts, so shared parts count each time.
///
/// The walk stops as soon as the size passes `bound` (so measuring a value
/// that is logically enormous costs no more than the budget) or the value is
/// nested deeper than [`MAX_VALUE_DEPTH`].
pub(crate) fn measure(v: &Value, bound: u64) -> Result<u64, TooBig> {
    let mut total = 0u64;
    walk(v, bound, Objects::Counted, 0, &mut total)?;
    Ok(total)
}

/// What copying `v` costs, as [`measure`] counts: a list is copied element
/// by element, a string byte by byte, an object is shared (a reference
/// count). Stops past `bound` or [`MAX_VALUE_DEPTH`].
pub(crate) fn copy_cost(v: &Value, bound: u64) -> Result<u64, TooBig> {
    let mut total = 0;
    walk(v, bound, Objects::Shared, 0, &mut total)?;
    Ok(total)
}

/// Whether the entries of objects count ([`measure`]) or an object is one
/// shared slot ([`copy_cost`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Objects {
    Counted,
    Shared,
}

fn walk(v: &Value, bound: u64, objects: Objects, depth: usize, total: &mut u64) -> Result<(), TooBig> {
    if depth > MAX_VALUE_DEPTH {
        return Err(TooBig::Depth);
    }
    *total = total.saturating_add(SLOT);
    match &v.kind {
        Kind::String(s) => *total = total.saturating_add(s.len() as u64),
        Kind::List(items) => {
            for item in items {
                if *total > bound {
                    break;
                }
                walk(item, bound, objects, depth + 1, total)?;
            }
        }
        Kind::Object(obj) if objects == Objects::Counted => {
            // The object's cached summary gives what the walk below would
            // count, when the walk would neither pass `bound` nor the depth
            // limit inside it (else it walks, and stops where it did): a list
            // of resources read by every target is not walked every time.
            if let Some(s) = obj.summary() {
                let size = (s.values - 1).saturating_mul(SLOT).saturating_add(s.bytes);
                if depth + s.height as usize <= MAX_VALUE_DEPTH && total.saturating_add(size) <= bound {
                    *total += size;
                    return Ok(());
                }
            }
            for (k, item) in obj.iter() {
                if *total > bound {
                    break;
                }
                *total = total.saturating_add(k.len() as u64);
                walk(item, bound, objects, depth + 1, total)?;
            }
        }
        _ => {}
    }
    if *total > bound {
        return Err(TooBig::Size);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_counts_strings_slots_and_keys() {
        let v = Value::object_from([("ab", Value::list(vec![Value::string("xyz"), Value::bool(true)]))]);
        assert_eq!(measure(&v, u64::MAX), Ok(4 * SLOT + 2 + 3));
        assert_eq!(measure(&v, 10), Err(TooBig::Size));
    }

    #[test]
    fn measure_stops_at_the_depth_limit() {
        let mut v = Value::null();
        for _ in 0..MAX_VALUE_DEPTH {
            v = Value::list(vec![v]);
        }
        assert!(measure(&v, u64::MAX).is_ok());
        assert_eq!(measure(&Value::list(vec![v]), u64::MAX), Err(TooBig::Depth));
    }

    /// The walk without summaries: what `measure` must still answer.
    fn walked(v: &Value, bound: u64, depth: usize, total: &mut u64) -> Result<(), TooBig> {
        if depth > MAX_VALUE_DEPTH {
            return Err(TooBig::Depth);
        }
        *total = total.saturating_add(SLOT);
        match &v.kind {
            Kind::String(s) => *total += s.len() as u64,
            Kind::List(items) => {
                for item in items {
                    if *total > bound {
                        break;
                    }
                    walked(item, bound, depth + 1, total)?;
                }
            }
            Kind::Object(obj) => {
                for (k, item) in obj.iter() {
                    if *total > bound {
                        break;
                    }
                    *total += k.len() as u64;
                    walked(item, bound, depth + 1, total)?;
                }
            }
            _ => {}
        }
        if *total > bound {
            return Err(TooBig::Size);
        }
        Ok(())
    }

    #[test]
    fn measure_with_object_summaries_answers_as_the_full_walk() {
        let resource = |i: i64| {
            Value::object_from([
                ("id", Value::string(format!("vol-{i}"))),
                ("tags", Value::object_from([("Name", Value::str("data")), ("Team", Value::str("core"))])),
                ("size", Value::number(i)),
            ])
        };
        let list = Value::list((0..20).map(resource).collect());
        let wrapped = Value::object_from([("all", list.clone()), ("first", resource(0))]);
        let mut deep = resource(1);
        for i in 0..MAX_VALUE_DEPTH - 2 {
            deep = if i % 2 == 0 { Value::object_from([("k", deep)]) } else { Value::list(vec![deep]) };
        }
        for v in [list, wrapped, deep] {
            let full = measure(&v, u64::MAX).unwrap_or(0);
            for bound in [0, SLOT, 100, 1000, full / 2, full.saturating_sub(1), full, full + 1, u64::MAX] {
                // Twice: the second time the summaries are cached.
                for _ in 0..2 {
                    let mut total = 0;
                    let expected = walked(&v, bound, 0, &mut total).map(|()| total);
                    assert_eq!(measure(&v, bound), expected, "bound {bound}");
                    // Nested below the depth limit as in a deeper value.
                    let mut total = 0;
                    let expected = walked(&v, bound, 5, &mut total).map(|()| total);
                    let mut got = 0;
                    assert_eq!(walk(&v, bound, Objects::Counted, 5, &mut got).map(|()| got), expected);
                }
            }
        }
    }

    #[test]
    fn measuring_a_shared_object_costs_its_distinct_parts() {
        // 2^48 parts to a walk over each copy; at once with summaries.
        let mut v = Value::object_from([("leaf", Value::str("x"))]);
        for _ in 0..48 {
            v = Value::object_from([("l", v.clone()), ("r", v)]);
        }
        let start = std::time::Instant::now();
        assert_eq!(measure(&v, u64::MAX).map(|n| n > 1 << 50), Ok(true));
        assert_eq!(measure(&v, 1 << 20), Err(TooBig::Size));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    /// Calls a library function with `bytes` of budget left.
    fn call_with(bytes: u64, name: &str, args: Vec<Value>) -> Used {
        let f = crate::functions::lookup(name).expect("function");
        lend(bytes, u64::MAX, || (f.call)(&args)).1
    }

    #[test]
    fn amplifying_functions_refuse_before_building() {
        // Arguments of a few bytes, results of megabytes: each function
        // must stop on its own check (the evaluator's count of the result
        // comes only after it is built).
        let s = |x: &str| Value::string(x);
        let n = |x: i64| Value::number(x);
        let x1k = "x".repeat(1024);
        let lines = "\n".repeat(1024);
        let range = Value::list((0..1024).map(n).collect());
        let cases: Vec<(&str, Vec<Value>)> = vec![
            ("join", vec![s(&x1k), range.clone()]),
            ("replace", vec![s(&x1k), s("x"), s(&x1k)]),
            ("replace", vec![s(&x1k), s(""), s(&x1k)]),
            ("replace", vec![s(&x1k), s("/x/"), s(&x1k)]),
            ("replace", vec![s(&x1k), s("/.+/"), s(&"$0".repeat(512))]),
            ("format", vec![s(&"%[1]s".repeat(1024)), s(&x1k)]),
            ("formatlist", vec![s(&"%[1]4000d".repeat(8)), range.clone()]),
            ("indent", vec![n(4096), s(&lines)]),
            ("split", vec![s(""), s(&x1k)]),
            ("setproduct", vec![Value::list((0..1000).map(n).collect()), Value::list((0..1000).map(n).collect())]),
            ("regexall", vec![s("x"), s(&x1k)]),
            ("jsondecode", vec![s(&format!("[{}0]", "0,".repeat(1024)))]),
            ("jsonencode", vec![s(&"<".repeat(1024))]),
            ("valuetostring", vec![Value::list(vec![s(&"<".repeat(1024))])]),
            ("base64encode", vec![s(&"x".repeat(1600))]),
            ("urlencode", vec![s(&"/".repeat(1024))]),
        ];
        for (name, args) in cases {
            let used = call_with(2048, name, args);
            assert_eq!(used.exhausted, Some(Exhausted::Bytes), "{name}");
        }
        // The same calls with room enough succeed.
        let used = call_with(1 << 30, "join", vec![s(&x1k), range]);
        assert_eq!(used.exhausted, None);
    }

    #[test]
    fn a_lent_budget_is_enforced_and_returned() {
        let (r, used) = lend(100, 10, || {
            check_bytes(100)?;
            work(6)?;
            work(6)
        });
        assert!(r.is_err());
        assert_eq!(used.work, 12);
        assert_eq!(used.exhausted, Some(Exhausted::Work));
        let (r, used) = lend(100, 10, || check_bytes(101));
        assert!(r.is_err());
        assert_eq!(used.exhausted, Some(Exhausted::Bytes));
        // Outside a call: unlimited.
        assert!(check_bytes(u64::MAX - 1).is_ok());
        assert!(work(1 << 40).is_ok());
    }
}
