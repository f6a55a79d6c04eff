//! The built-in library: its own tests pass, it runs over the showcase plan
//! and over every real plan in `$TFGATE_CORPUS` without an evaluation error,
//! and its findings on the corpus's EC2 plans are kept as reviewed snapshots.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_expected, stderr_of, stdout_of, tfgate};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_library_tests_pass() {
    let out = tfgate(&["test", workspace().join("policies").to_str().unwrap()]).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr_of(&out));
    let last = text.lines().last().unwrap();
    assert!(last.contains(" passed, 0 failed"), "{last}");
    // At least a failing, a passing and a plan test per policy file: about 30 test files.
    let files: usize =
        last.split(" in ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap();
    assert!(files >= 25, "{last}");
}

#[test]
fn the_embedded_library_tests_pass() {
    let out = tfgate(&["test"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
}

#[test]
fn a_single_test_file_can_be_run() {
    let file = workspace().join("policies/aws/ec2/imdsv2-instance.policytest.hcl");
    let out = tfgate(&["test", file.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout_of(&out), stderr_of(&out));
}

#[test]
fn the_showcase_plan() {
    let plan = workspace().join("examples/plans/web-tier.json");
    let out = tfgate(&["check", plan.to_str().unwrap(), "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "mandatory policies fail on the showcase");
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(report["counts"]["error"], 0);
    let lines = verdict_lines(report["findings"].as_array().unwrap());
    assert_expected("expected/library-web-tier.txt", &(lines.join("\n") + "\n"));
}

/// `STATUS POLICY ADDRESS` for every finding that does not pass, sorted.
fn verdict_lines(findings: &[serde_json::Value]) -> Vec<String> {
    let mut lines: Vec<String> = findings
        .iter()
        .filter(|f| f["status"] != "pass")
        .map(|f| {
            format!(
                "{} {} {}",
                f["status"].as_str().unwrap(),
                f["policy_id"].as_str().unwrap(),
                f["address"].as_str().unwrap()
            )
        })
        .collect();
    lines.sort();
    lines
}

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = std::env::var_os("TFGATE_CORPUS")?;
    let dir = PathBuf::from(dir);
    let dir = if dir.is_relative() { workspace().join(dir) } else { dir };
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    Some(files)
}

#[test]
fn the_library_over_every_corpus_plan() {
    let Some(files) = corpus() else {
        eprintln!("TFGATE_CORPUS is not set: skipping the corpus run of the library");
        return;
    };
    let root = std::fs::canonicalize(files[0].parent().unwrap().parent().unwrap()).unwrap();
    let mut snapshot = String::new();
    for path in &files {
        let out = tfgate(&["check", path.to_str().unwrap(), "--format", "json"]).output().unwrap();
        let code = out.status.code();
        assert!(code == Some(0) || code == Some(1), "{}: exit {code:?}: {}", path.display(), stderr_of(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
        assert_eq!(report["counts"]["error"], 0, "{}: evaluation errors", path.display());
        assert_eq!(report["errors"].as_array().map_or(0, Vec::len), 0, "{}: run errors", path.display());
        // Snapshot the verdicts of the plans with EC2 resources (reviewed by hand).
        let findings = report["findings"].as_array().unwrap();
        if findings.iter().any(|f| f["status"] != "pass") {
            let name = std::fs::canonicalize(path).unwrap();
            let name = name.strip_prefix(&root).unwrap().display().to_string();
            snapshot.push_str(&format!("## {name}\n"));
            for l in verdict_lines(findings) {
                snapshot.push_str(&l);
                snapshot.push('\n');
            }
        }
    }
    assert_expected("expected/library-corpus.txt", &snapshot);
}
