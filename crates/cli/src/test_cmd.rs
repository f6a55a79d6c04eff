//! `tfgate test PATH...`: run `.policytest.hcl` (mock resources, HashiCorp's
//! format) and `.plantest.hcl` (whole plans, tfgate's format) files against
//! the policy files they test.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use tfgate_policy::plantest::{load_plan_tests, run_plan_tests_with};
use tfgate_policy::policytest::{load_policy_tests, run_policy_tests_with, TestOutcome, TestReport};
use tfgate_policy::{load_policy_file, load_policy_source, Limits, SourceFile};

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
}

pub fn run(args: TestArgs) -> Result<u8> {
    let limits = args.limits.limits();
    let reports = if args.paths.is_empty() { builtin_reports(limits)? } else { disk_reports(&args.paths, limits)? };
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
    print!("{out}");
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

/// The policy file a test file tests: `targets` when given, else the
/// `.policy.hcl` of the same stem beside it.
fn paired_policy(test: &Path, suffix: &str, targets: &[String]) -> Result<PathBuf> {
    let dir = test.parent().unwrap_or(Path::new("."));
    if let Some(first) = targets.first() {
        return Ok(dir.join(first));
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

fn disk_reports(paths: &[PathBuf], limits: Limits) -> Result<Vec<TestReport>> {
    let mut reports = Vec::new();
    for test in policy_files(paths, ".policytest.hcl")? {
        let text = std::fs::read_to_string(&test).with_context(|| format!("cannot read {}", test.display()))?;
        let tests = load_policy_tests(SourceFile::new(test.display().to_string(), text)).map_err(policy_error)?;
        let policy_path = paired_policy(&test, ".policytest.hcl", &tests.targets)?;
        let policy = load_policy_file(&policy_path).map_err(policy_error)?;
        reports.push(run_policy_tests_with(&policy, &tests, limits));
    }
    for test in policy_files(paths, ".plantest.hcl")? {
        let text = std::fs::read_to_string(&test).with_context(|| format!("cannot read {}", test.display()))?;
        let tests = load_plan_tests(SourceFile::new(test.display().to_string(), text)).map_err(policy_error)?;
        let policy = load_policy_file(paired_policy(&test, ".plantest.hcl", &[])?).map_err(policy_error)?;
        let base = test.parent().unwrap_or(Path::new("."));
        let read = |p: &Path| -> Result<String, String> {
            read_plan_text(&p.display().to_string()).map(|t| t.text).map_err(|e| format!("{e:#}"))
        };
        reports.push(run_plan_tests_with(&policy, &tests, base, &read, limits));
    }
    Ok(reports)
}
