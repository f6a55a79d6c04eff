//! `tfgate::run` itself: what it takes from [`tfgate::Io`] instead of the
//! process (standard input, the terminal flags, the environment) and how
//! it treats a standard output that fails.

use std::io::Write;

use crate::common::fixtures;

const PLAN: &str = "plans/small.json";
const EXAMPLE: &str = "../../../../examples/policies";

/// A standard output whose reader went away, or whose disk is full.
struct Failing(std::io::ErrorKind);

impl Write for Failing {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(self.0.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Err(self.0.into())
    }
}

/// `tfgate ARGS…` with the given standard output; returns the exit code and standard error.
fn run_into(stdout: &mut dyn Write, args: &[&str]) -> (u8, String) {
    crate::common::tfgate(&[]); // the working directory the fixtures' paths need
    let mut stderr = Vec::new();
    let mut stdin = std::io::empty();
    let mut io = tfgate::Io::new(&mut stdin, stdout, &mut stderr);
    let code = tfgate::run(std::iter::once("tfgate").chain(args.iter().copied()), &mut io);
    (code, String::from_utf8(stderr).unwrap())
}

#[test]
fn a_closed_standard_output_ends_quietly_and_the_verdict_stands() {
    let (code, err) = run_into(&mut Failing(std::io::ErrorKind::BrokenPipe), &["check", PLAN, "-p", EXAMPLE]);
    assert_eq!((code, err.as_str()), (tfgate::exit::FAIL, ""));
    let (code, err) = run_into(&mut Failing(std::io::ErrorKind::BrokenPipe), &["--help"]);
    assert_eq!((code, err.as_str()), (tfgate::exit::PASS, ""));
}

#[test]
fn another_write_error_on_standard_output_is_exit_code_2() {
    let (code, err) = run_into(&mut Failing(std::io::ErrorKind::StorageFull), &["check", PLAN, "-p", EXAMPLE]);
    assert_eq!(code, tfgate::exit::ERROR, "{err}");
    assert!(err.starts_with("error: cannot write standard output: "), "{err}");
    let (code, err) = run_into(&mut Failing(std::io::ErrorKind::StorageFull), &["policies", "list", "-p", EXAMPLE]);
    assert_eq!(code, tfgate::exit::ERROR, "{err}");
}

#[test]
fn a_plan_named_dash_is_read_from_the_given_standard_input() {
    let plan = std::fs::read(fixtures().join(PLAN)).unwrap();
    let out =
        crate::common::tfgate(&["check", "-", "-p", EXAMPLE, "--format", "json"]).write_stdin(plan).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report["plans"][0]["path"], "<stdin>");
}

#[test]
fn colour_follows_the_terminal_flag_and_no_color_of_the_given_environment() {
    let coloured = |terminal: bool, no_color: Option<&str>| {
        crate::common::tfgate(&[]);
        let (mut stdout, mut stderr, mut stdin) = (Vec::new(), Vec::new(), std::io::empty());
        let mut io = tfgate::Io::new(&mut stdin, &mut stdout, &mut stderr);
        io.stdout_terminal = terminal;
        if let Some(v) = no_color {
            io.env.insert("NO_COLOR".into(), v.into());
        }
        tfgate::run(["tfgate", "check", PLAN, "-p", EXAMPLE], &mut io);
        stdout.contains(&0x1b)
    };
    assert!(coloured(true, None));
    assert!(coloured(true, Some("")), "an empty NO_COLOR leaves colour on");
    assert!(!coloured(true, Some("1")));
    assert!(!coloured(false, None));
}
