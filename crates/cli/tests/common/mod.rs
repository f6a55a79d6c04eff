//! Shared helpers for CLI tests: run the binary in the fixtures folder and
//! compare its output with expected files (`UPDATE_EXPECT=1` rewrites them).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `tfgate ARGS…` run from the fixtures folder, so paths in messages are stable.
pub fn tfgate(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("tfgate").unwrap();
    cmd.current_dir(fixtures()).args(args).env("NO_COLOR", "1").env_remove("TFGATE_CONFIG");
    cmd
}

/// Asserts `actual` equals the content of `expected_file` (relative to the
/// fixtures folder); with `UPDATE_EXPECT=1` writes it instead.
pub fn assert_expected(expected_file: &str, actual: &str) {
    let path = fixtures().join(expected_file);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_EXPECT=1 to create it)", path.display()));
    assert!(
        expected == actual,
        "output differs from {}\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

pub fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}
