//! Shared helpers for CLI tests: run `tfgate` in-process ([`tfgate`]) or,
//! for what needs a process, the binary ([`tfgate_bin`]); compare output
//! with expected files (`UPDATE_EXPECT=1` rewrites them).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Once;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every test in this binary runs from the fixtures folder, so that paths
/// in messages are stable: in-process runs resolve relative paths against
/// the process's working directory, which is shared by all tests, so it is
/// set once, to one place, before the first run of either kind.
fn in_fixtures() {
    static CHDIR: Once = Once::new();
    CHDIR.call_once(|| std::env::set_current_dir(fixtures()).unwrap());
}

/// `tfgate ARGS…` run in-process with [`tfgate::run`], from the fixtures
/// folder, with `NO_COLOR=1` and without `TFGATE_CONFIG`.
pub fn tfgate(args: &[&str]) -> InProcess {
    in_fixtures();
    let mut env: BTreeMap<OsString, OsString> = std::env::vars_os().collect();
    env.insert("NO_COLOR".into(), "1".into());
    env.remove(OsStr::new("TFGATE_CONFIG"));
    InProcess { args: args.iter().map(OsString::from).collect(), env, stdin: Vec::new() }
}

/// The binary, from the fixtures folder: for what needs a process (its
/// real exit status, another working directory, signals, a closed pipe).
pub fn tfgate_bin(args: &[&str]) -> assert_cmd::Command {
    in_fixtures();
    let mut cmd = assert_cmd::Command::cargo_bin("tfgate").unwrap();
    cmd.current_dir(fixtures()).args(args).env("NO_COLOR", "1").env_remove("TFGATE_CONFIG");
    cmd
}

/// One in-process run being set up, with the parts of `assert_cmd`'s
/// `Command` the tests use.
pub struct InProcess {
    args: Vec<OsString>,
    env: BTreeMap<OsString, OsString>,
    stdin: Vec<u8>,
}

impl InProcess {
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&mut self, args: I) -> &mut Self {
        self.args.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn env(&mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        self.env.insert(name.as_ref().to_os_string(), value.as_ref().to_os_string());
        self
    }

    pub fn env_remove(&mut self, name: impl AsRef<OsStr>) -> &mut Self {
        self.env.remove(name.as_ref());
        self
    }

    pub fn write_stdin(&mut self, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = bytes.into();
        self
    }

    /// Runs it: the exit code in `status` as a process would give it.
    pub fn output(&mut self) -> std::io::Result<Output> {
        use std::os::unix::process::ExitStatusExt;
        let mut stdin = &self.stdin[..];
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut io = tfgate::Io::new(&mut stdin, &mut stdout, &mut stderr);
        io.env = self.env.clone();
        let args = std::iter::once(OsString::from("tfgate")).chain(self.args.iter().cloned());
        let code = tfgate::run(args, &mut io);
        Ok(Output { status: std::process::ExitStatus::from_raw(i32::from(code) << 8), stdout, stderr })
    }
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

pub fn stdout_of(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr_of(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}
