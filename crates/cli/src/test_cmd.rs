//! `tfgate test PATH...` / `tfgate test --policies=PATH [--tests=PATH]`: run
//! `.policytest.hcl` (mock resources, HashiCorp's format) and
//! `.plantest.hcl` (whole plans, tfgate's format) files against the policy
//! files they test, reporting as `tfpolicy test` does. A file that cannot
//! run (it or a policy it tests fails to load) is reported as failed and the
//! run goes on.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::Args;
use tfgate_engine::read_source;
use tfgate_lang_hcl::HttpAccess;
use tfgate_lang_hcl::{load_plan_tests, run_plan_tests_with};
use tfgate_lang_hcl::{load_policy_file, load_policy_source, Limits, PolicyFile, SourceFile};
use tfgate_lang_hcl::{load_policy_tests, run_policy_tests_on, run_policy_tests_on_with_http, TestOutcome, TestReport};

use crate::plan_input::read_plan_text;
use crate::policies_input::{policy_error, policy_files, BUILTIN_FILES, BUILTIN_PREFIX};
use crate::{exit, Console};

#[derive(Args)]
pub struct TestArgs {
    /// Test files or directories searched for `*.policytest.hcl` and `*.plantest.hcl`, each run
    /// against its `targets` or else the `.policy.hcl` of the same stem beside it; the built-in
    /// library's own tests when neither PATHS nor --policies is given.
    #[arg(conflicts_with = "policies")]
    paths: Vec<PathBuf>,
    /// As `tfpolicy test --policies`: the policy files or directories under test. A test file
    /// without `targets` is run against every policy under them; tests are found under them
    /// unless --tests is given.
    #[arg(long, value_name = "PATH")]
    policies: Vec<PathBuf>,
    /// With --policies: the test files or directories to run.
    #[arg(long, value_name = "PATH", requires = "policies")]
    tests: Vec<PathBuf>,
    /// Also say why passing cases pass.
    #[arg(long, short = 'v')]
    verbose: bool,
    #[command(flatten)]
    limits: crate::check::LimitArgs,
    #[command(flatten)]
    http: crate::check::HttpArgs,
}

/// The outcome of one test file.
enum FileRun {
    Ran(TestReport),
    /// It could not run: the file or a policy it tests did not load.
    Failed {
        test_file: String,
        message: String,
    },
}

pub fn run(args: TestArgs, console: &Console, stdout: &mut String) -> Result<u8> {
    let limits = args.limits.limits();
    // Tests allow hosts only from the command line: a test run reads no tfgate.hcl.
    let http = args.http.access(&Default::default())?;
    let runs = if !args.policies.is_empty() {
        let tests = if args.tests.is_empty() { &args.policies } else { &args.tests };
        disk_runs(console, tests, Some(&args.policies), limits, &http)?
    } else if args.paths.is_empty() {
        builtin_runs(limits)?
    } else {
        disk_runs(console, &args.paths, None, limits, &http)?
    };
    if runs.is_empty() {
        bail!("no *.policytest.hcl or *.plantest.hcl files found");
    }
    let mut out = String::new();
    let (mut passed, mut failed, mut skipped, mut broken) = (0, 0, 0, 0);
    for run in &runs {
        let r = match run {
            FileRun::Failed { test_file, message } => {
                broken += 1;
                let _ = writeln!(out, "# {test_file}... running");
                for line in message.lines() {
                    let _ = writeln!(out, "  {line}");
                }
                let _ = writeln!(out, "# {test_file}... fail");
                continue;
            }
            FileRun::Ran(r) => r,
        };
        let _ = writeln!(out, "# {}... running", r.test_file);
        for c in &r.cases {
            // A label used twice (a warning) is told apart by its line.
            let repeated = r.cases.iter().filter(|x| x.name == c.name).count() > 1;
            let name = if repeated { format!("{} (line {})", c.name, c.location.line) } else { c.name.clone() };
            let word = match c.outcome {
                TestOutcome::Pass => {
                    passed += 1;
                    "pass"
                }
                TestOutcome::Fail => {
                    failed += 1;
                    "fail"
                }
                TestOutcome::Skip => {
                    skipped += 1;
                    "skip"
                }
            };
            let _ = writeln!(out, "# {name}... running");
            let _ = writeln!(out, "# {name}... {word}");
            if c.outcome == TestOutcome::Fail || args.verbose {
                let _ = writeln!(out, "  {} (line {}): {}", c.name, c.location.line, c.reason);
            }
        }
        let _ = writeln!(out, "# {}... {}", r.test_file, if r.passed() { "pass" } else { "fail" });
    }
    let files = runs.len();
    let _ = write!(out, "\n{passed} passed, {failed} failed, {skipped} skipped in {files} test files");
    if broken > 0 {
        let _ = write!(out, "; {broken} could not run");
    }
    out.push('\n');
    *stdout = out;
    // A file that could not run is bad input (exit 2), after every other file has run.
    Ok(if broken > 0 {
        exit::ERROR
    } else if failed == 0 {
        exit::PASS
    } else {
        exit::FAIL
    })
}

fn builtin_runs(limits: Limits) -> Result<Vec<FileRun>> {
    let mut runs = Vec::new();
    for (name, text) in BUILTIN_FILES.iter().filter(|(n, _)| n.ends_with(".policytest.hcl")) {
        let policy_name = name.replace(".policytest.hcl", ".policy.hcl");
        let Some((_, policy_text)) = BUILTIN_FILES.iter().find(|(n, _)| *n == policy_name) else {
            bail!("{BUILTIN_PREFIX}{name}: no {policy_name} beside it");
        };
        let policy =
            load_policy_source(format!("{BUILTIN_PREFIX}{policy_name}"), *policy_text).map_err(policy_error)?;
        let tests =
            load_policy_tests(SourceFile::new(format!("{BUILTIN_PREFIX}{name}"), *text)).map_err(policy_error)?;
        runs.push(FileRun::Ran(run_policy_tests_on(&[&policy], &tests, limits)));
    }
    Ok(runs)
}

/// Policy files loaded once for every test file that tests them, by
/// resolved path; a file that fails to load keeps its rendered diagnostics.
#[derive(Default)]
struct Policies {
    loaded: HashMap<PathBuf, Result<Rc<PolicyFile>, String>>,
}

impl Policies {
    fn get(&mut self, console: &Console, path: &Path) -> Result<Rc<PolicyFile>, String> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.loaded
            .entry(key)
            .or_insert_with(|| match load_policy_file(path) {
                Ok(f) => {
                    for w in &f.warnings {
                        console.say(&w.render());
                    }
                    Ok(Rc::new(f))
                }
                Err(e) => Err(crate::error_text(&policy_error(e))),
            })
            .clone()
    }
}

/// The policy files a test file tests. `targets` entries (files or
/// directories, relative to the test file, staying inside `root`) when
/// given; else every policy under `policy_paths` (tfpolicy's `--policies`)
/// or, without those, the `.policy.hcl` of the same stem beside it.
fn target_files(
    console: &Console,
    test: &Path,
    suffix: &str,
    targets: &[String],
    root: &Path,
    policy_paths: Option<&[PathBuf]>,
) -> Result<Vec<PathBuf>> {
    let dir = test.parent().unwrap_or(Path::new("."));
    if !targets.is_empty() {
        let mut files = Vec::new();
        for t in targets {
            let path = dir.join(t);
            let found = if path.is_dir() {
                inside_dir(root, &path).map_err(|e| anyhow::anyhow!("targets {t:?}: {e}"))?;
                let found = policy_files(console, std::slice::from_ref(&path), ".policy.hcl")?;
                for f in &found {
                    inside(root, f).map_err(|e| anyhow::anyhow!("targets {t:?}: {e}"))?;
                }
                found
            } else {
                inside(root, &path).map_err(|e| anyhow::anyhow!("targets {t:?}: {e}"))?;
                vec![path]
            };
            // Documented: a target that matches no policy is an error.
            if found.is_empty() {
                bail!("targets {t:?}: no *.policy.hcl file there");
            }
            files.extend(found);
        }
        files.sort();
        files.dedup();
        return Ok(files);
    }
    if let Some(paths) = policy_paths {
        let files = policy_files(console, paths, ".policy.hcl")?;
        if files.is_empty() {
            bail!("no *.policy.hcl file under the policy path");
        }
        return Ok(files);
    }
    let name = test.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let stem = name.strip_suffix(suffix).unwrap_or(name);
    let candidate = dir.join(format!("{stem}.policy.hcl"));
    if candidate.exists() {
        Ok(vec![candidate])
    } else {
        bail!("no policy file {} beside it (or name one with policytest {{ targets }})", candidate.display())
    }
}

/// Checks that `path`, with `..` and symbolic links resolved, is a regular file inside
/// `root`: a test names files relative to itself, and must not reach out of
/// the directory tested (`../../secrets`, a link to `/proc/self/environ`).
fn inside(root: &Path, path: &Path) -> Result<(), String> {
    let resolved = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !resolved.starts_with(root) {
        return Err(format!("{} is outside the test directory {}", path.display(), root.display()));
    }
    // A named pipe or a device would block the run or never end.
    if !std::fs::metadata(&resolved).map_err(|e| e.to_string())?.is_file() {
        return Err(format!("{}: not a regular file", path.display()));
    }
    Ok(())
}

/// [`inside`] for a directory named in `targets`.
fn inside_dir(root: &Path, path: &Path) -> Result<(), String> {
    let resolved = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !resolved.starts_with(root) {
        return Err(format!("{} is outside the test directory {}", path.display(), root.display()));
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

/// Runs one `.policytest.hcl` file; `Err` is why it could not run.
fn policy_test_run(
    console: &Console,
    test: &Path,
    root: &Path,
    policy_paths: Option<&[PathBuf]>,
    policies: &mut Policies,
    limits: Limits,
    http: &Option<Arc<HttpAccess>>,
) -> Result<TestReport, String> {
    let text = read_source(test, "policy test file").map_err(|e| crate::error_text(&e.into()))?;
    let tests = load_policy_tests(SourceFile::new(test.display().to_string(), text))
        .map_err(|e| crate::error_text(&policy_error(e)))?;
    for w in &tests.warnings {
        console.say(&w.render());
    }
    let paths = target_files(console, test, ".policytest.hcl", &tests.targets, root, policy_paths)
        .map_err(|e| crate::error_text(&e))?;
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    for p in &paths {
        match policies.get(console, p) {
            Ok(f) => loaded.push(f),
            Err(e) => problems.push(format!("policy file {} did not load:\n{e}", p.display())),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let files: Vec<&PolicyFile> = loaded.iter().map(|f| &**f).collect();
    Ok(run_policy_tests_on_with_http(&files, &tests, limits, http.clone()))
}

fn disk_runs(
    console: &Console,
    paths: &[PathBuf],
    policy_paths: Option<&[PathBuf]>,
    limits: Limits,
    http: &Option<Arc<HttpAccess>>,
) -> Result<Vec<FileRun>> {
    let mut runs = Vec::new();
    let mut policies = Policies::default();
    for arg in paths {
        let root = test_root(arg)?;
        for test in policy_files(console, std::slice::from_ref(arg), ".policytest.hcl")? {
            runs.push(match policy_test_run(console, &test, &root, policy_paths, &mut policies, limits, http) {
                Ok(r) => FileRun::Ran(r),
                Err(message) => FileRun::Failed { test_file: test.display().to_string(), message },
            });
        }
    }
    for arg in paths {
        let root = test_root(arg)?;
        for test in policy_files(console, std::slice::from_ref(arg), ".plantest.hcl")? {
            let run = (|| -> Result<TestReport, String> {
                let text = read_source(&test, "plan test file").map_err(|e| crate::error_text(&e.into()))?;
                let tests = load_plan_tests(SourceFile::new(test.display().to_string(), text))
                    .map_err(|e| crate::error_text(&policy_error(e)))?;
                let paths = target_files(console, &test, ".plantest.hcl", &[], &root, None)
                    .map_err(|e| crate::error_text(&e))?;
                let policy = policies.get(console, &paths[0])?;
                let base = test.parent().unwrap_or(Path::new("."));
                let read = |p: &Path| -> Result<String, String> {
                    inside(&root, p)?;
                    read_plan_text(&p.display().to_string(), &console.stdin)
                        .map(|t| t.text.to_string())
                        .map_err(|e| crate::error_text(&e))
                };
                Ok(run_plan_tests_with(&policy, &tests, base, &read, limits))
            })();
            runs.push(match run {
                Ok(r) => FileRun::Ran(r),
                Err(message) => FileRun::Failed { test_file: test.display().to_string(), message },
            });
        }
    }
    Ok(runs)
}
