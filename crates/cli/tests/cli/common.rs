//! Shared helpers for CLI tests: run `tfgate` in-process ([`tfgate`]) or,
//! for what needs a process, the binary ([`tfgate_bin`]); compare output
//! with expected files (`UPDATE_EXPECT=1` rewrites them).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{mpsc, Once};
use std::time::Duration;

/// How long an in-process run may take unless the test says otherwise
/// ([`InProcess::timeout`]): far above any case's need, even on a loaded
/// machine, so that only a hang reaches it.
pub const IN_PROCESS_DEADLINE: Duration = Duration::from_secs(120);

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
    InProcess { args: args.iter().map(OsString::from).collect(), env, stdin: Vec::new(), timeout: IN_PROCESS_DEADLINE }
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
    timeout: Duration,
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

    /// The run fails with [`std::io::ErrorKind::TimedOut`] when it has not
    /// ended after `limit` (by default [`IN_PROCESS_DEADLINE`]).
    pub fn timeout(&mut self, limit: Duration) -> &mut Self {
        self.timeout = limit;
        self
    }

    /// Runs it: the exit code in `status` as a process would give it; a
    /// run still going at its deadline is an error, not a stalled suite.
    pub fn output(&mut self) -> std::io::Result<Output> {
        use std::os::unix::process::ExitStatusExt;
        let stdin = self.stdin.clone();
        let env = self.env.clone();
        let args: Vec<OsString> = std::iter::once(OsString::from("tfgate")).chain(self.args.iter().cloned()).collect();
        let what = format!("tfgate {:?}", &args[1..]);
        let (code, stdout, stderr) = within(self.timeout, &what, move || {
            let mut stdin = &stdin[..];
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut io = tfgate::Io::new(&mut stdin, &mut stdout, &mut stderr);
            io.env = env;
            let code = tfgate::run(args, &mut io);
            (code, stdout, stderr)
        })?;
        Ok(Output { status: std::process::ExitStatus::from_raw(i32::from(code) << 8), stdout, stderr })
    }
}

/// Runs `f` on a thread of its own and waits for it at most `limit`: a
/// timed-out error naming `what` when it is still running then (the thread
/// is left behind; the test fails instead of hanging), its panic passed on
/// when it panics.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<T> {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::Builder::new().name(what.chars().take(60).collect()).spawn(move || {
        // The receiver is gone only after a timeout, which is reported already.
        let _ = tx.send(f());
    })?;
    match rx.recv_timeout(limit) {
        Ok(value) => {
            let _ = worker.join();
            Ok(value)
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("{what}: still running after {} s, taken for a hang", limit.as_secs_f64()),
        )),
        // The sender was dropped without a value: `f` panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends its value before it ends"),
        },
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
