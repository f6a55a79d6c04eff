//! The `sentinel test` runner.
//!
//! Discovery: every `*.sentinel` file directly in a folder is a policy; its
//! cases are `test/<policy>/*.hcl` and `*.json` beside it (sorted by name).
//! Each case file is a configuration of its own (the folder's
//! `sentinel.hcl` is not read): its mocks, modules and static files are
//! relative to the case file, its `param`s set the policy's parameters, and
//! its `test { rules = {...} }` says what each named rule must be. Without
//! a `test` block the policy must pass (`main` is true).
//!
//! Output, as the Sentinel CLI writes it:
//!
//! ```text
//! FAIL - policy.sentinel
//!   FAIL - test/policy/7-am.hcl
//!     expected "main" to be true, got: false
//!
//!     trace:
//!       policy.sentinel:9:1 - Rule "main"
//!         bool: false
//!
//!   PASS - test/policy/good.hcl
//! ```
//!
//! Exit codes: 0 when every case passes, 1 when a case fails or errors (or
//! a policy does not parse), 2 when the run itself cannot start (a bad
//! `-run` pattern, a path that does not exist).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use regex::Regex;

use crate::config::{Config, ConfigFormat};
use crate::policy_set::{check_files, parse_policy, run_policy, shown, LayeredImports, LoadedPolicy};
use crate::program::{Imports, Limits, NoImports};
use crate::scrub::Scrubber;
use crate::trace::{pretty_value, trace_json, PolicyTrace};
use crate::value::Value;

/// Options for [`run_tests`].
#[derive(Clone, Default)]
pub struct TestOptions {
    /// `-run=REGEX`: only cases whose `policy` or `policy/case` matches (a
    /// `/` splits the policy pattern from the case pattern).
    pub run: Option<String>,
    /// `-verbose`: show traces and prints of passing cases too.
    pub verbose: bool,
    /// Evaluation budgets for each case.
    pub limits: Limits,
    /// What to hide in every text the run produces.
    pub scrubber: Scrubber,
    /// The imports below the case's own (the standard imports); none when
    /// not given.
    pub imports: Option<Arc<dyn Imports + Send + Sync>>,
    /// `-maxConcurrency`: how many policies are tested at once (0: one per
    /// logical CPU). The output order does not depend on it.
    pub max_concurrency: usize,
}

/// A policy's or a case's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    /// Every assertion held.
    Pass,
    /// An assertion did not hold.
    Fail,
    /// The case (or policy) could not be run.
    Error,
    /// A policy with no test cases (counts as passing).
    NoTests,
}

impl TestStatus {
    /// The word the outputs use.
    pub fn word(self) -> &'static str {
        match self {
            TestStatus::Pass => "PASS",
            TestStatus::Fail => "FAIL",
            TestStatus::Error => "ERROR",
            TestStatus::NoTests => "?",
        }
    }
}

/// A rule whose value was not the expected one.
#[derive(Debug, Clone)]
pub struct RuleFailure {
    /// The rule.
    pub rule: String,
    /// What the case expected.
    pub expected: Value,
    /// What the policy gave (undefined when the rule was not evaluated).
    pub got: Value,
}

impl RuleFailure {
    /// `expected "main" to be true, got: false`.
    pub fn message(&self) -> String {
        format!("expected {:?} to be {}, got: {}", self.rule, shown(&self.expected), shown(&self.got))
    }
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case file, relative to the policy's folder (`test/p/pass.hcl`).
    pub path: String,
    /// The outcome.
    pub status: TestStatus,
    /// Why it could not run (config, mock or evaluation errors).
    pub errors: Vec<String>,
    /// The assertions that did not hold.
    pub failures: Vec<RuleFailure>,
    /// The policy's trace, when it ran.
    pub trace: Option<PolicyTrace>,
    /// Configuration warnings.
    pub config_warnings: Vec<String>,
    /// Whether the case is in the legacy JSON form.
    pub config_legacy: bool,
}

/// One policy's cases.
#[derive(Debug, Clone)]
pub struct PolicyResult {
    /// The policy file, relative to the folder tested (`p.sentinel`).
    pub path: String,
    /// The outcome over its cases.
    pub status: TestStatus,
    /// Policy-level errors (it does not parse).
    pub errors: Vec<String>,
    /// Its cases, in name order.
    pub cases: Vec<CaseResult>,
}

/// The result of a `sentinel test` run.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// Every policy found, in name order.
    pub policies: Vec<PolicyResult>,
    /// Problems that stopped the run (exit code 2).
    pub errors: Vec<String>,
    /// Whether passing cases show their traces.
    pub verbose: bool,
}

impl TestReport {
    /// 0 all passed, 1 something failed or errored, 2 the run could not
    /// start.
    pub fn exit_code(&self) -> i32 {
        if !self.errors.is_empty() {
            2
        } else if self.policies.iter().any(|p| matches!(p.status, TestStatus::Fail | TestStatus::Error)) {
            1
        } else {
            0
        }
    }

    /// The number of cases with each outcome: (passed, failed, errored).
    pub fn counts(&self) -> (usize, usize, usize) {
        let cases = self.policies.iter().flat_map(|p| &p.cases);
        cases.fold((0, 0, 0), |(p, f, e), c| match c.status {
            TestStatus::Pass => (p + 1, f, e),
            TestStatus::Fail => (p, f + 1, e),
            _ => (p, f, e + 1),
        })
    }

    /// The text output (scrubbed).
    pub fn write_text(&self, w: &mut impl Write, scrubber: &Scrubber) -> io::Result<()> {
        let mut out = String::new();
        for e in &self.errors {
            out.push_str(e);
            out.push('\n');
        }
        for p in &self.policies {
            if p.status == TestStatus::NoTests {
                continue;
            }
            out.push_str(&format!("{} - {}\n", p.status.word(), p.path));
            for e in &p.errors {
                push_lines(&mut out, e, "  ");
            }
            for c in &p.cases {
                out.push_str(&format!("  {} - {}\n", c.status.word(), c.path));
                let detail = self.verbose || c.status != TestStatus::Pass;
                if !detail {
                    continue;
                }
                for e in &c.errors {
                    push_lines(&mut out, e, "    ");
                }
                for f in &c.failures {
                    push_lines(&mut out, &f.message(), "    ");
                }
                if let Some(t) = &c.trace {
                    if !t.prints.is_empty() {
                        out.push_str("\n    logs:\n");
                        push_lines(&mut out, t.prints.trim_end_matches('\n'), "      ");
                    }
                    if !t.rules.is_empty() {
                        out.push_str("\n    trace:\n");
                        for (i, r) in t.rules.iter().enumerate() {
                            if i > 0 {
                                out.push('\n');
                            }
                            out.push_str(&format!("      {}:{}:{} - Rule {:?}\n", r.file, r.line, r.column, r.name));
                            // As writing/testing shows it: `bool: false`.
                            let pretty = pretty_value(&r.value);
                            if pretty.contains('\n') {
                                out.push_str(&format!("        {}:\n", r.value.type_name()));
                                push_lines(&mut out, &pretty, "          ");
                            } else {
                                out.push_str(&format!("        {}: {pretty}\n", r.value.type_name()));
                            }
                        }
                        out.push('\n');
                    }
                }
            }
        }
        w.write_all(scrubber.scrub(&out).as_bytes())
    }

    /// The `-json` document: `{"policies": {path: {path, status, errors,
    /// cases: {path: {path, status, errors, trace, rule_detail,
    /// config_warnings, config_legacy}}}}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let list = |v: &[String]| if v.is_empty() { serde_json::Value::Null } else { serde_json::json!(v) };
        let policies: serde_json::Map<String, serde_json::Value> = self
            .policies
            .iter()
            .map(|p| {
                let cases: serde_json::Map<String, serde_json::Value> = p
                    .cases
                    .iter()
                    .map(|c| {
                        let detail: serde_json::Map<String, serde_json::Value> = c
                            .failures
                            .iter()
                            .map(|f| {
                                (
                                    f.rule.clone(),
                                    serde_json::json!({
                                        "expected": crate::trace::value_json(&f.expected),
                                        "got": crate::trace::value_json(&f.got),
                                        "message": f.message(),
                                    }),
                                )
                            })
                            .collect();
                        (
                            c.path.clone(),
                            serde_json::json!({
                                "path": c.path,
                                "status": c.status.word(),
                                "errors": list(&c.errors),
                                "trace": c.trace.as_ref().map(trace_json),
                                "rule_detail": detail,
                                "config_warnings": list(&c.config_warnings),
                                "config_legacy": c.config_legacy,
                            }),
                        )
                    })
                    .collect();
                (
                    p.path.clone(),
                    serde_json::json!({
                        "path": p.path,
                        "status": p.status.word(),
                        "errors": list(&p.errors),
                        "cases": cases,
                    }),
                )
            })
            .collect();
        serde_json::json!({ "policies": policies })
    }

    /// Writes [`TestReport::to_json`], indented and scrubbed.
    pub fn write_json(&self, w: &mut impl Write, scrubber: &Scrubber) -> io::Result<()> {
        let text = serde_json::to_string_pretty(&self.to_json()).map_err(io::Error::other)?;
        w.write_all(scrubber.scrub(&text).as_bytes())?;
        writeln!(w)
    }
}

fn push_lines(out: &mut String, text: &str, indent: &str) {
    for l in text.lines() {
        if !l.is_empty() {
            out.push_str(indent);
            out.push_str(l);
        }
        out.push('\n');
    }
}

/// The `-run` filter: a policy pattern and an optional case pattern.
struct Filter {
    policy: Regex,
    case: Option<Regex>,
}

impl Filter {
    fn parse(s: &str) -> Result<Filter, String> {
        let (p, c) = match s.split_once('/') {
            Some((p, c)) => (p, Some(c)),
            None => (s, None),
        };
        let re = |x: &str| Regex::new(x).map_err(|e| format!("invalid -run pattern {s:?}: {e}"));
        Ok(Filter { policy: re(p)?, case: c.map(re).transpose()? })
    }

    /// Whether a name (a file name or its stem) matches.
    fn matches(re: &Regex, file_name: &str) -> bool {
        let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
        re.is_match(file_name) || re.is_match(stem)
    }
}

/// Runs the tests of every policy in `dir` (or of one policy file).
pub fn run_tests(path: &Path, opts: &TestOptions) -> TestReport {
    run_tests_paths(&[path.to_path_buf()], opts)
}

/// Runs the tests of several folders or policy files, as `sentinel test
/// PATH...` does.
pub fn run_tests_paths(paths: &[PathBuf], opts: &TestOptions) -> TestReport {
    let mut report = TestReport { verbose: opts.verbose, ..TestReport::default() };
    let filter = match opts.run.as_deref().map(Filter::parse).transpose() {
        Ok(f) => f,
        Err(e) => {
            report.errors.push(e);
            return report;
        }
    };
    let none = NoImports;
    let fallback: &(dyn Imports + Sync) = match &opts.imports {
        Some(i) => i.as_ref(),
        None => &none,
    };
    let mut jobs: Vec<(PathBuf, String)> = Vec::new();
    for path in paths {
        // (folder the policy is in, how its name is shown)
        let mut policies: Vec<(PathBuf, String)> = Vec::new();
        if path.is_dir() {
            let entries = match std::fs::read_dir(path) {
                Ok(e) => e,
                Err(e) => {
                    report.errors.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "sentinel"))
                .collect();
            files.sort();
            for f in files {
                let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                policies.push((f, name));
            }
        } else if path.is_file() {
            policies.push((path.clone(), path.display().to_string()));
        } else {
            report.errors.push(format!("{}: no such file or folder", path.display()));
            continue;
        }
        for (file, shown_name) in policies {
            let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if let Some(f) = &filter {
                if !Filter::matches(&f.policy, &file_name) {
                    continue;
                }
            }
            jobs.push((file, shown_name));
        }
    }
    let workers = match opts.max_concurrency {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    report.policies = in_parallel(&jobs, workers, |(file, shown_name)| {
        test_policy(file, shown_name, filter.as_ref(), fallback, opts)
    });
    report
}

/// `f` over `jobs` on up to `workers` threads; results in the jobs' order.
fn in_parallel<J: Sync, R: Send>(jobs: &[J], workers: usize, f: impl Fn(&J) -> R + Sync) -> Vec<R> {
    let workers = workers.clamp(1, jobs.len().max(1));
    if workers == 1 {
        return jobs.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<R>>> = jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let r = f(job);
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
            });
        }
    });
    slots.into_iter().filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).collect()
}

/// The case files of a policy: `test/<stem>/*.hcl` and `*.json`, sorted.
pub fn discover_cases(policy: &Path) -> Vec<PathBuf> {
    let stem = policy.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = policy.parent().unwrap_or(Path::new(".")).join("test").join(stem);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut cases: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "hcl" || x == "json"))
        .collect();
    cases.sort();
    cases
}

fn test_policy(
    file: &Path,
    shown_name: &str,
    filter: Option<&Filter>,
    fallback: &dyn Imports,
    opts: &TestOptions,
) -> PolicyResult {
    let mut result = PolicyResult {
        path: shown_name.to_string(),
        status: TestStatus::NoTests,
        errors: Vec::new(),
        cases: Vec::new(),
    };
    let cases: Vec<PathBuf> = discover_cases(file)
        .into_iter()
        .filter(|c| {
            let name = c.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            filter.and_then(|f| f.case.as_ref()).is_none_or(|re| Filter::matches(re, &name))
        })
        .collect();
    if cases.is_empty() {
        return result;
    }
    let display = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (source, program) = match parse_policy(file, &display) {
        Ok(x) => x,
        Err(e) => {
            result.status = TestStatus::Error;
            result.errors.push(opts.scrubber.scrub_string(e));
            return result;
        }
    };
    let policy = LoadedPolicy {
        name: display.trim_end_matches(".sentinel").to_string(),
        path: file.to_path_buf(),
        display,
        source,
        program,
        enforcement_level: Default::default(),
        params: IndexMap::new(),
    };
    let base = file.parent().unwrap_or(Path::new("."));
    for case in cases {
        let rel = case.strip_prefix(base).unwrap_or(&case).to_string_lossy().replace('\\', "/");
        result.cases.push(run_case(&policy, &case, rel, fallback, opts));
    }
    result.status = if result.cases.iter().any(|c| c.status == TestStatus::Error) {
        TestStatus::Error
    } else if result.cases.iter().any(|c| c.status == TestStatus::Fail) {
        TestStatus::Fail
    } else {
        TestStatus::Pass
    };
    result
}

fn run_case(policy: &LoadedPolicy, case: &Path, rel: String, fallback: &dyn Imports, opts: &TestOptions) -> CaseResult {
    let mut result = CaseResult {
        path: rel,
        status: TestStatus::Error,
        errors: Vec::new(),
        failures: Vec::new(),
        trace: None,
        config_warnings: Vec::new(),
        config_legacy: false,
    };
    // Errors name the case as the output does (`test/p/case.hcl:3:5: ...`).
    let full = case.display().to_string();
    let result_path = result.path.clone();
    let relative = |message: String| opts.scrubber.scrub_string(message.replace(&full, &result_path));
    let config = match Config::load(case) {
        Ok(c) => c,
        Err(e) => {
            result.errors.push(relative(e.to_string()));
            return result;
        }
    };
    result.config_legacy = config.format == ConfigFormat::LegacyJson;
    result.config_warnings = config.warnings.clone();
    if !config.policies.is_empty() {
        // A case tests the policy it sits under; naming others is a mistake
        // the case author should hear about.
        result.errors.push(format!("{}: a test case cannot declare policy blocks", result.path));
        return result;
    }
    if let Err(e) = check_files(&config) {
        result.errors.push(relative(e.to_string()));
        return result;
    }
    let imports = LayeredImports::new(&config, fallback, &opts.limits);
    let trace = run_policy(policy, &imports, &config.params, &config.globals, &opts.limits, &opts.scrubber);
    if let Some(e) = &trace.error {
        result.errors.push(e.clone());
        result.trace = Some(trace);
        return result;
    }
    let expected: IndexMap<String, Value> = match &config.test {
        Some(t) => t.rules.clone(),
        None => IndexMap::from([("main".to_string(), Value::Bool(true))]),
    };
    for (rule, want) in expected {
        let got = if rule == "main" {
            // `main`'s value is the policy's result, a rule or not.
            trace.main.clone()
        } else {
            trace.rules.iter().find(|r| r.name == rule).map_or(Value::Undefined, |r| r.value.clone())
        };
        if !values_equal(&want, &got) {
            result.failures.push(RuleFailure { rule, expected: want, got });
        }
    }
    result.status = if result.failures.is_empty() { TestStatus::Pass } else { TestStatus::Fail };
    result.trace = Some(trace);
    result
}

/// Whether an expected value and a rule's value are the same: numbers by
/// value (1 is 1.0), collections element by element, maps by key.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a.resolved(), b.resolved()) {
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => a.as_f64() == b.as_f64(),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.as_slice().iter().zip(y.as_slice()).all(|(p, q)| values_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        (Value::Object(o), _) => o.as_plain().is_some_and(|p| values_equal(&p, b)),
        (_, Value::Object(o)) => o.as_plain().is_some_and(|p| values_equal(a, &p)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_and_collections_deeply() {
        assert!(values_equal(&Value::Int(1), &Value::Float(1.0)));
        assert!(!values_equal(&Value::Int(1), &Value::from("1")));
        let a = Value::map_from([("a", Value::list(vec![Value::Int(1)]))]);
        let b = Value::map_from([("a", Value::list(vec![Value::Float(1.0)]))]);
        assert!(values_equal(&a, &b));
        assert!(!values_equal(&a, &Value::map_from([("a", Value::list(vec![]))])));
        assert!(!values_equal(&Value::Undefined, &Value::Bool(false)));
    }

    #[test]
    fn run_patterns_split_policy_and_case() {
        let f = Filter::parse("restrict-ami/^pass").unwrap();
        assert!(Filter::matches(&f.policy, "restrict-ami-owners.sentinel"));
        assert!(Filter::matches(f.case.as_ref().unwrap(), "pass.hcl"));
        assert!(!Filter::matches(f.case.as_ref().unwrap(), "fail-pass.hcl"));
        let f = Filter::parse("owners$").unwrap();
        assert!(Filter::matches(&f.policy, "restrict-ami-owners.sentinel"));
        assert!(Filter::parse("(").is_err());
    }

    #[test]
    fn failure_messages_read_like_the_cli() {
        let f = RuleFailure { rule: "main".into(), expected: Value::Bool(true), got: Value::Bool(false) };
        assert_eq!(f.message(), "expected \"main\" to be true, got: false");
        let f = RuleFailure { rule: "name".into(), expected: Value::from("a"), got: Value::Undefined };
        assert_eq!(f.message(), "expected \"name\" to be \"a\", got: undefined");
    }

    #[test]
    fn parallel_runs_keep_the_order_of_the_jobs() {
        let jobs: Vec<u64> = (0..50).collect();
        let out = in_parallel(&jobs, 4, |j| {
            std::thread::sleep(std::time::Duration::from_micros(50 - j));
            j * 2
        });
        assert_eq!(out, jobs.iter().map(|j| j * 2).collect::<Vec<_>>());
        assert_eq!(in_parallel(&[] as &[u64], 4, |j| *j), Vec::<u64>::new());
    }

    #[test]
    fn a_bad_pattern_or_path_stops_the_run_with_exit_code_2() {
        let r = run_tests(Path::new("/nonexistent-sentinel-dir"), &TestOptions::default());
        assert_eq!(r.exit_code(), 2);
        let opts = TestOptions { run: Some("(".into()), ..TestOptions::default() };
        let r = run_tests(Path::new("."), &opts);
        assert_eq!(r.exit_code(), 2);
        assert!(r.errors[0].contains("invalid -run pattern"));
    }
}
