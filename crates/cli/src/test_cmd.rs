//! `tfgate test PATH...`: run `.policytest.hcl` (mock resources, HashiCorp's
//! format) and `.plantest.hcl` (whole plans, tfgate's format) files against
//! the policy files they test.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Args;
use tfgate_policy::functions::gethttprequest::HttpAccess;
use tfgate_policy::plantest::{load_plan_tests, run_plan_tests_with};
use tfgate_policy::policytest::{
    load_policy_tests, run_policy_tests_with, run_policy_tests_with_http, TestOutcome, TestReport,
};
use tfgate_policy::{load_policy_file, load_policy_source, read_source, Limits, SourceFile};

use crate::exit;
use crate::plan_input::read_plan_text;
use crate::policies_input::{policy_error, policy_files, BUILTIN_FILES, BUILTIN_PREFIX};

#[derive(Args)]
pub struct TestArgs {
    /// Test files or directories searched for `*.policytest.hcl` and `*.plantest.hcl`;
    /// the built-in library's own tests when none is given.
    paths: Vec<PathBuf>,
    /// Also list passing cases.
    #[arg(long, short = 'v')]
    verbose: bool,
    #[command(flatten)]
    limits: crate::check::LimitArgs,
    #[command(flatten)]
    http: crate::check::HttpArgs,
}

pub fn run(args: TestArgs, stdout: &mut String) -> Result<u8> {
    let limits = args.limits.limits();
    // Tests allow hosts only from the command line: a test run reads no tfgate.hcl.
    let http = args.http.access(&Default::default())?;
    let reports =
        if args.paths.is_empty() { builtin_reports(limits)? } else { disk_reports(&args.paths, limits, http)? };
    if reports.is_empty() {
        bail!("no *.policytest.hcl or *.plantest.hcl files found");
    }
    let mut out = String::new();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for r in &reports {
        let _ = writeln!(out, "{} (testing {})", r.test_file, r.policy_file);
        for c in &r.cases {
            match c.outcome {
                TestOutcome::Pass => passed += 1,
                TestOutcome::Fail => failed += 1,
                TestOutcome::Skip => skipped += 1,
            }
            if c.outcome == TestOutcome::Pass && !args.verbose {
                continue;
            }
            let word = match c.outcome {
                TestOutcome::Pass => "PASS",
                TestOutcome::Fail => "FAIL",
                TestOutcome::Skip => "SKIP",
            };
            let _ = writeln!(out, "  {word} {} (line {}): {}", c.name, c.location.line, c.reason);
        }
        let _ = writeln!(
            out,
            "  {} passed, {} failed, {} skipped",
            r.count(TestOutcome::Pass),
            r.count(TestOutcome::Fail),
            r.count(TestOutcome::Skip)
        );
    }
    let _ = writeln!(out, "\n{passed} passed, {failed} failed, {skipped} skipped in {} test files", reports.len());
    *stdout = out;
    Ok(if failed == 0 { exit::PASS } else { exit::FAIL })
}

fn builtin_reports(limits: Limits) -> Result<Vec<TestReport>> {
    let mut reports = Vec::new();
    for (name, text) in BUILTIN_FILES.iter().filter(|(n, _)| n.ends_with(".policytest.hcl")) {
        let policy_name = name.replace(".policytest.hcl", ".policy.hcl");
        let Some((_, policy_text)) = BUILTIN_FILES.iter().find(|(n, _)| *n == policy_name) else {
            bail!("{BUILTIN_PREFIX}{name}: no {policy_name} beside it");
        };
        let policy =
            load_policy_source(format!("{BUILTIN_PREFIX}{policy_name}"), *policy_text).map_err(policy_error)?;
        let tests =
            load_policy_tests(SourceFile::new(format!("{BUILTIN_PREFIX}{name}"), *text)).map_err(policy_error)?;
        reports.push(run_policy_tests_with(&policy, &tests, limits));
    }
    Ok(reports)
}

/// The policy file a test file tests: `targets` when given (it must stay
/// inside `root`), else the `.policy.hcl` of the same stem beside it.
fn paired_policy(test: &Path, suffix: &str, targets: &[String], root: &Path) -> Result<PathBuf> {
    let dir = test.parent().unwrap_or(Path::new("."));
    if let Some(first) = targets.first() {
        let path = dir.join(first);
        inside(root, &path).map_err(|e| anyhow::anyhow!("{}: targets {first:?}: {e}", test.display()))?;
        return Ok(path);
    }
    let name = test.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let stem = name.strip_suffix(suffix).unwrap_or(name);
    let candidate = dir.join(format!("{stem}.policy.hcl"));
    if candidate.exists() {
        Ok(candidate)
    } else {
        bail!(
            "{}: no policy file {} beside it (or name one with policytest {{ targets }})",
            test.display(),
            candidate.display()
        )
    }
}

/// Checks that `path`, with `..` and symbolic links resolved, is a regular file inside
/// `root`: a test names files relative to itself, and must not reach out of
/// the directory tested (`../../secrets`, a link to `/proc/self/environ`).
fn inside(root: &Path, path: &Path) -> Result<(), String> {
    let resolved = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    if !resolved.starts_with(root) {
        return Err(format!("{} is outside the test directory {}", path.display(), root.display()));
    }
    // A named pipe or a device would block the run or never end.
    if !std::fs::metadata(&resolved).map_err(|e| e.to_string())?.is_file() {
        return Err(format!("{}: not a regular file", path.display()));
    }
    Ok(())
}

/// The directory the tests found under `arg` may read from: the
/// repository holding them (the nearest directory above with a `.git`,
/// since a library's tests share fixtures across folders), else `arg`
/// itself when it is a directory, else the test file's own directory.
fn test_root(arg: &Path) -> Result<PathBuf> {
    let dir =
        if arg.is_dir() { arg } else { arg.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")) };
    let dir = std::fs::canonicalize(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let repo = dir.ancestors().find(|a| a.join(".git").exists()).map(Path::to_path_buf);
    Ok(repo.unwrap_or(dir))
}

fn disk_reports(paths: &[PathBuf], limits: Limits, http: Option<Arc<HttpAccess>>) -> Result<Vec<TestReport>> {
    let mut reports = Vec::new();
    for arg in paths {
        let root = test_root(arg)?;
        for test in policy_files(std::slice::from_ref(arg), ".policytest.hcl")? {
            let text = read_source(&test, "policy test file").map_err(policy_error)?;
            let tests = load_policy_tests(SourceFile::new(test.display().to_string(), text)).map_err(policy_error)?;
            let policy_path = paired_policy(&test, ".policytest.hcl", &tests.targets, &root)?;
            let policy = load_policy_file(&policy_path).map_err(policy_error)?;
            reports.push(run_policy_tests_with_http(&policy, &tests, limits, http.clone()));
        }
    }
    for arg in paths {
        let root = test_root(arg)?;
        for test in policy_files(std::slice::from_ref(arg), ".plantest.hcl")? {
            let text = read_source(&test, "plan test file").map_err(policy_error)?;
            let tests = load_plan_tests(SourceFile::new(test.display().to_string(), text)).map_err(policy_error)?;
            let policy = load_policy_file(paired_policy(&test, ".plantest.hcl", &[], &root)?).map_err(policy_error)?;
            let base = test.parent().unwrap_or(Path::new("."));
            let read = |p: &Path| -> Result<String, String> {
                inside(&root, p)?;
                read_plan_text(&p.display().to_string()).map(|t| t.text).map_err(|e| format!("{e:#}"))
            };
            reports.push(run_plan_tests_with(&policy, &tests, base, &read, limits));
        }
    }
    Ok(reports)
}
