//! Hostile inputs and outputs: symlinks out of a scanned directory, special
//! files, loops, binary "policies", huge lines and names, closed pipes, full
//! disks, interrupted report files and directories of mixed JSON. None may
//! hang, panic, leak file contents or the environment, or lose a report.

use crate::common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use common::{fixtures, stderr_of, stdout_of, tfgate, tfgate_bin, within};

const SECRET: &str = "SECRET-7f3c9a";
const TIMEOUT: Duration = Duration::from_secs(30);

fn plan() -> PathBuf {
    fixtures().join("plans/small.json")
}

fn example_policies() -> PathBuf {
    fixtures().join("../../../../examples/policies")
}

fn good_policy_text() -> String {
    std::fs::read_to_string(example_policies().join("imdsv2.policy.hcl")).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn mkfifo(path: &Path) {
    let ok = StdCommand::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// A policy directory with one good policy.
fn policy_dir(root: &Path) -> PathBuf {
    let dir = root.join("policies");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("good.policy.hcl"), good_policy_text()).unwrap();
    dir
}

fn assert_no_panic(out: &std::process::Output) {
    assert_ne!(out.status.code(), Some(101), "panicked: {}", stderr_of(out));
    assert!(!stderr_of(out).contains("panicked"), "{}", stderr_of(out));
}

#[test]
fn a_symlink_out_of_a_policy_directory_is_skipped_and_never_quoted() {
    let root = tempfile::tempdir().unwrap();
    let dir = policy_dir(root.path());
    let outside = root.path().join("outside.txt");
    std::fs::write(&outside, format!("{SECRET} = = = not hcl\n")).unwrap();
    symlink(&outside, dir.join("leak.policy.hcl")).unwrap();
    let out = tfgate(&["policies", "list", "-p", s(&dir)]).timeout(TIMEOUT).output().unwrap();
    let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(!all.contains(SECRET), "the target's content was shown:\n{all}");
    assert!(stderr_of(&out).contains("leak.policy.hcl"), "the skip is said: {all}");
    assert!(stdout_of(&out).contains("EXAMPLE-IMDSV2"), "{all}");
}

#[test]
fn a_symlink_inside_the_directory_is_followed() {
    let root = tempfile::tempdir().unwrap();
    let dir = policy_dir(root.path());
    std::fs::create_dir(dir.join("sub")).unwrap();
    symlink(dir.join("good.policy.hcl"), dir.join("sub/alias.policy.hcl")).unwrap();
    let out = tfgate(&["policies", "list", "-p", s(&dir)]).timeout(TIMEOUT).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(!stderr_of(&out).contains("skipping"), "{}", stderr_of(&out));
}

#[test]
fn a_policy_or_config_linked_to_the_process_environment_never_prints_it() {
    let root = tempfile::tempdir().unwrap();
    let dir = policy_dir(root.path());
    symlink("/proc/self/environ", dir.join("env.policy.hcl")).unwrap();
    // Scanned: outside the directory, skipped.
    let out =
        tfgate_bin(&["policies", "list", "-p", s(&dir)]).env("PLANTED", SECRET).timeout(TIMEOUT).output().unwrap();
    let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert!(!all.contains(SECRET), "{all}");
    assert_no_panic(&out);
    // Named explicitly: read, and refused as not a policy (NUL bytes).
    let file = dir.join("env.policy.hcl");
    let out =
        tfgate_bin(&["policies", "list", "-p", s(&file)]).env("PLANTED", SECRET).timeout(TIMEOUT).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains(SECRET) && !stdout_of(&out).contains(SECRET), "{err}");
    assert!(err.contains("not a policy file"), "{err}");
    // The configuration file found in the working directory.
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    symlink("/proc/self/environ", work.join("tfgate.hcl")).unwrap();
    let out = tfgate_bin(&["check", s(&plan()), "-p", s(&dir.join("good.policy.hcl"))])
        .current_dir(&work)
        .env("PLANTED", SECRET)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(!all.contains(SECRET), "{all}");
}

#[test]
fn nul_bytes_or_invalid_utf8_are_not_a_policy() {
    for (name, bytes) in [("nul", b"policy {\0}\n".to_vec()), ("latin1", b"# caf\xe9\npolicy {}\n".to_vec())] {
        let root = tempfile::tempdir().unwrap();
        let dir = policy_dir(root.path());
        std::fs::write(dir.join(format!("{name}.policy.hcl")), bytes).unwrap();
        let out = tfgate(&["policies", "list", "-p", s(&dir)]).timeout(TIMEOUT).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&format!("{name}.policy.hcl")) && err.contains("not a policy file"), "{name}: {err}");
    }
}

#[test]
fn a_huge_source_line_is_quoted_only_in_part() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let line = format!("locals {{ x = \"{}\" = }}", "a".repeat(1 << 20));
    std::fs::write(dir.join("big.policy.hcl"), line).unwrap();
    let out = tfgate(&["policies", "list", "-p", s(dir)]).timeout(TIMEOUT).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{}", &err[..err.len().min(500)]);
    assert!(err.len() < 4096, "the diagnostic quotes {} bytes", err.len());
    assert!(err.contains("big.policy.hcl"), "{err}");
}

#[test]
fn special_files_and_loops_in_scanned_directories_do_not_hang() {
    let root = tempfile::tempdir().unwrap();
    let pol = policy_dir(root.path());
    mkfifo(&pol.join("fifo.policy.hcl"));
    symlink(&pol, pol.join("again")).unwrap(); // a loop back to the top
    symlink("self.policy.hcl", pol.join("self.policy.hcl")).unwrap(); // a link to itself
    let plans = root.path().join("plans");
    std::fs::create_dir(&plans).unwrap();
    std::fs::copy(plan(), plans.join("a.json")).unwrap();
    mkfifo(&plans.join("fifo.json"));
    symlink(&plans, plans.join("loop")).unwrap();
    symlink("x.json", plans.join("x.json")).unwrap();
    let out = tfgate_bin(&["check", s(&plans), "-p", s(&pol), "--format", "json"]).timeout(TIMEOUT).output().unwrap();
    assert_no_panic(&out);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(report["plans"].as_array().unwrap().len(), 1, "{report}");
    assert!(err.contains("fifo.json") && err.contains("fifo.policy.hcl"), "the skips are said: {err}");
}

#[test]
fn an_explicit_pipe_is_still_a_plan() {
    let script = format!(
        "exec \"$0\" check <(cat {}) -p {} --format json",
        plan().display(),
        example_policies().join("imdsv2.policy.hcl").display()
    );
    let out = StdCommand::new("bash")
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("tfgate"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(report["plans"].as_array().unwrap().len(), 1);
}

/// A plan with one resource whose name is `name`.
fn plan_named(name: &str) -> String {
    serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": []}},
        "resource_changes": [{
            "address": format!("aws_instance.{name}"),
            "mode": "managed",
            "type": "aws_instance",
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": null, "after": {"instance_type": "t3.micro"}, "after_unknown": {}}
        }]
    })
    .to_string()
}

#[test]
fn names_longer_than_a_format_width_do_not_panic() {
    let root = tempfile::tempdir().unwrap();
    let long = "n".repeat(70_000);
    let file = root.path().join("long.json");
    std::fs::write(&file, plan_named(&long)).unwrap();
    let out = tfgate(&["inspect", s(&file)]).timeout(TIMEOUT).output().unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains(&long));

    // An attribute key as long, in the values shown for one instance.
    let mut doc: serde_json::Value = serde_json::from_str(&plan_named("x")).unwrap();
    doc["resource_changes"][0]["change"]["after"] = serde_json::json!({ &long: "v", "tags": { &long: "v" } });
    let keyed = root.path().join("keyed.json");
    std::fs::write(&keyed, doc.to_string()).unwrap();
    let out = tfgate(&["inspect", s(&keyed), "aws_instance.x"]).timeout(TIMEOUT).output().unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out).matches(&long).count(), 2);

    let long_type = format!("aws_{}", "t".repeat(70_000));
    let policy =
        format!("resource_policy \"{long_type}\" \"{long}\" {{\n  enforce {{\n    condition = true\n  }}\n}}\n");
    std::fs::write(root.path().join("long.policy.hcl"), policy).unwrap();
    let out = tfgate(&["policies", "list", "-p", s(root.path())]).timeout(TIMEOUT).output().unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains(&long_type));

    let out = tfgate(&["check", s(&file), "-p", s(root.path())]).timeout(TIMEOUT).output().unwrap();
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

/// Each subcommand with an output larger than a pipe's buffer.
fn big_output_commands(root: &Path) -> Vec<Vec<String>> {
    let long = "n".repeat(200_000);
    let file = root.join("long.json");
    std::fs::write(&file, plan_named(&long)).unwrap();
    let pol = root.join("pol");
    std::fs::create_dir_all(&pol).unwrap();
    std::fs::write(
        pol.join("long.policy.hcl"),
        format!("resource_policy \"aws_instance\" \"{long}\" {{\n  enforce {{\n    condition = true\n  }}\n}}\n"),
    )
    .unwrap();
    let f = file.display().to_string();
    let p = pol.display().to_string();
    let strs = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        strs(&["check", &f, "-p", &p, "-v"]),
        strs(&["inspect", &f]),
        strs(&["policies", "list", "-p", &p]),
        strs(&["test", "-v"]),
    ]
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let root = tempfile::tempdir().unwrap();
    for args in big_output_commands(root.path()) {
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("tfgate"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before reading anything
        let out = child.wait_with_output().unwrap();
        assert_ne!(out.status.code(), Some(101), "{args:?}: {}", stderr_of(&out));
        assert!(out.status.code().is_some(), "{args:?}: killed by a signal");
        assert_eq!(stderr_of(&out), "", "{args:?}");
    }
}

#[test]
fn a_full_disk_on_stdout_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    for args in big_output_commands(root.path()) {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = StdCommand::new(assert_cmd::cargo::cargo_bin("tfgate")).args(&args).stdout(full).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot write standard output"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn help_on_a_full_disk_is_an_error_too() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = StdCommand::new(assert_cmd::cargo::cargo_bin("tfgate")).arg("--help").stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("cannot write standard output"), "{}", stderr_of(&out));
}

#[test]
fn an_output_file_is_replaced_whole_or_not_at_all() {
    let root = tempfile::tempdir().unwrap();
    let report = root.path().join("report.json");
    std::fs::write(&report, "OLD REPORT").unwrap();
    // A file size limit of 1 KiB makes the write of the report fail half way.
    let script = format!(
        "trap '' XFSZ; ulimit -f 2; exec \"$0\" check {} -p {} --output json={}",
        plan().display(),
        example_policies().display(),
        report.display()
    );
    let out = StdCommand::new("sh")
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("tfgate"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("report.json"), "{}", stderr_of(&out));
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "OLD REPORT");
    let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "no temporary file left behind: {left:?}");

    // A successful run replaces it.
    let out = tfgate(&["check", s(&plan()), "-p", s(&example_policies()), "--output", &format!("json={}", s(&report))])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["plans"].as_array().unwrap().len(), 1);
}

#[test]
fn an_output_to_a_device_is_written_in_place() {
    // Through the binary: `/dev/stdout` is the process's own standard output.
    let out = tfgate_bin(&[
        "check",
        s(&plan()),
        "-p",
        s(&example_policies()),
        "--format",
        "github",
        "--output",
        "json=/dev/stdout",
    ])
    .timeout(TIMEOUT)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("\"schema_version\""), "{}", stdout_of(&out));
    assert!(Path::new("/dev/stdout").exists());
}

/// A plan directory as `terraform init` and earlier runs leave it.
fn mixed_plan_dir(root: &Path) -> PathBuf {
    let dir = root.join("plans");
    std::fs::create_dir_all(dir.join(".terraform/modules")).unwrap();
    std::fs::create_dir_all(dir.join(".cache")).unwrap();
    std::fs::write(dir.join(".terraform/modules/modules.json"), r#"{"Modules":[{"Key":"","Source":"","Dir":"."}]}"#)
        .unwrap();
    // Plans under .terraform and hidden directories are never scanned.
    std::fs::copy(plan(), dir.join(".terraform/plan.json")).unwrap();
    std::fs::copy(plan(), dir.join(".cache/plan.json")).unwrap();
    std::fs::write(dir.join("modules.json"), r#"{"Modules":[{"Key":"","Source":"","Dir":"."}]}"#).unwrap();
    std::fs::copy(plan(), dir.join("a.json")).unwrap();
    std::fs::copy(plan(), dir.join("c.json")).unwrap();
    let text = std::fs::read_to_string(plan()).unwrap();
    std::fs::write(dir.join("b-broken.json"), &text[..text.len() / 2]).unwrap();
    dir
}

#[test]
fn a_broken_plan_among_good_ones_is_named_in_every_format_and_the_rest_judged() {
    let root = tempfile::tempdir().unwrap();
    let dir = mixed_plan_dir(root.path());
    // tfgate's own report from an earlier run, in the same directory.
    let out = tfgate(&["check", s(&plan()), "-p", s(&example_policies()), "--format", "json"])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    std::fs::write(dir.join("report.json"), &out.stdout).unwrap();

    let out = tfgate(&["check", s(&dir), "-p", s(&example_policies()), "--format", "json"])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    let plans: Vec<&str> = report["plans"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(plans.len(), 2, "{plans:?}");
    assert!(plans.iter().all(|p| p.ends_with("a.json") || p.ends_with("c.json")), "{plans:?}");
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["plan"].as_str().unwrap().ends_with("a.json")));
    assert!(findings.iter().any(|f| f["plan"].as_str().unwrap().ends_with("c.json")));
    assert!(err.contains("modules.json") && err.contains("report.json"), "skips are noted: {err}");
    assert!(!err.contains(".terraform") && !err.contains(".cache"), "hidden directories are not scanned: {err}");

    for format in ["table", "json", "sarif", "junit", "github", "markdown", "sentinel"] {
        let out = tfgate(&["check", s(&dir), "-p", s(&example_policies()), "--format", format])
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr_of(&out));
        let text = stdout_of(&out);
        assert!(text.contains("b-broken.json"), "{format} does not name the broken plan:\n{text}");
        assert!(text.contains("a.json") || format == "sentinel", "{format}:\n{text}");
    }
}

#[test]
fn a_plan_directory_with_nothing_usable_is_an_error_naming_the_skips() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("plans");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("modules.json"), r#"{"Modules":[]}"#).unwrap();
    mkfifo(&dir.join("pipe.json"));
    let out = tfgate_bin(&["check", s(&dir), "-p", s(&example_policies())]).timeout(TIMEOUT).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("modules.json") && err.contains("pipe.json"), "{err}");
}

#[test]
fn a_plan_test_cannot_read_a_plan_outside_its_directory() {
    let root = tempfile::tempdir().unwrap();
    let tests = root.path().join("tests");
    // The tests' repository: they may read anything below it, nothing above.
    std::fs::create_dir_all(tests.join(".git")).unwrap();
    std::fs::write(tests.join("imdsv2.policy.hcl"), good_policy_text()).unwrap();
    std::fs::write(root.path().join("outside.json"), format!("{{\"{SECRET}\": 1}}")).unwrap();
    symlink(root.path().join("outside.json"), tests.join("linked.json")).unwrap();
    let case = |label: &str, path: &str| {
        format!("plan_test \"{label}\" {{\n  plan = \"{path}\"\n  fail = []\n  unknown = []\n  pass = []\n}}\n")
    };
    mkfifo(&tests.join("pipe.json"));
    let body = [
        case("dotdot", "../outside.json"),
        case("link", "linked.json"),
        case("abs", "/proc/self/environ"),
        case("fifo", "pipe.json"),
    ];
    std::fs::write(tests.join("imdsv2.plantest.hcl"), body.concat()).unwrap();
    let out = tfgate_bin(&["test", "-v", s(&tests)]).env("PLANTED", SECRET).timeout(TIMEOUT).output().unwrap();
    let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains(SECRET), "{all}");
    assert_eq!(all.matches("outside the test directory").count(), 3, "{all}");
    assert!(all.contains("pipe.json: not a regular file"), "{all}");
}

#[test]
fn a_discovered_configuration_linked_out_of_the_working_directory_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let creds = root.path().join("credentials");
    std::fs::write(&creds, format!("[default]\naws_secret_access_key = {SECRET}\n")).unwrap();
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    symlink(&creds, work.join("tfgate.hcl")).unwrap();
    let out = tfgate_bin(&["check", s(&plan()), "-p", s(&example_policies())])
        .current_dir(&work)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(!all.contains(SECRET), "{all}");
    assert!(stderr_of(&out).contains("outside the working directory"), "{all}");
    // Named with --config it is the user's choice, and read (and its line quoted).
    let config = work.join("tfgate.hcl");
    let out = tfgate_bin(&["check", s(&plan()), "-p", s(&example_policies()), "--config", s(&config)])
        .current_dir(&work)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
}

#[test]
fn a_plan_directory_with_nothing_usable_beside_a_good_plan_is_still_an_error() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("plans");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("modules.json"), r#"{"Modules":[]}"#).unwrap();
    let out = tfgate(&["check", s(&plan()), s(&dir), "-p", s(&example_policies()), "--format", "json"])
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(report["plans"].as_array().unwrap().len(), 1);
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["plan"] == s(&dir) && e["message"].as_str().unwrap().contains("no usable plan")),
        "{errors:?}"
    );
}

#[test]
fn an_in_process_run_that_hangs_fails_at_its_deadline() {
    let root = tempfile::tempdir().unwrap();
    let fifo = root.path().join("never-written.json");
    mkfifo(&fifo);
    // A named pipe given as the plan is opened and read as one; nobody
    // writes to this one, so the run waits for ever.
    let err = tfgate(&["check", s(&fifo), "-p", s(&example_policies())])
        .timeout(Duration::from_secs(1))
        .output()
        .expect_err("the run cannot end: nobody writes to its plan");
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut, "{err}");
    assert!(err.to_string().contains("never-written.json"), "the run is named: {err}");
    // Let the abandoned run end: a writer that closes at once is an empty plan.
    drop(std::fs::OpenOptions::new().write(true).open(&fifo).unwrap());
}

#[test]
#[should_panic(expected = "a panic inside the run")]
fn a_panic_in_an_in_process_run_is_the_test_s_own() {
    let _ = within(Duration::from_secs(30), "panicking", || panic!("a panic inside the run"));
}
