//! Error and summary texts people read: each said once, in the right
//! number, pointing at the right thing.

use crate::common;

use common::{stderr_of, stdout_of, tfgate};

const PLAN: &str = "plans/small.json";
const EXAMPLE: &str = "../../../../examples/policies";

#[test]
fn a_missing_file_is_named_once_with_its_os_error_once() {
    let out = tfgate(&["check", PLAN, "--config", "no-such.hcl"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.matches("(os error 2)").count(), 1, "{err}");
    assert_eq!(err.matches("no-such.hcl").count(), 1, "{err}");

    let out = tfgate(&["check", "no-such-plan.json", "-p", EXAMPLE]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end(), "error: no-such-plan.json: No such file or directory (os error 2)");

    let out = tfgate(&["inspect", "no-such-plan.json"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(err.trim_end(), "error: no-such-plan.json: No such file or directory (os error 2)");
}

#[test]
fn one_blocking_finding_blocks_in_the_singular() {
    let out = tfgate(&["check", PLAN, "-p", EXAMPLE, "--unknown", "pass"]).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(text.contains("(1 mandatory failure blocks the change)"), "{text}");
}

#[test]
fn an_unknown_option_points_at_the_commands_help_not_at_passing_it_as_a_value() {
    let out = tfgate(&["inspect", PLAN, "--filter", "x"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("as a value"), "{err}");
    assert!(err.contains("tip: 'tfgate inspect --help' lists the options"), "{err}");
    // A near spelling keeps clap's own suggestion.
    let out = tfgate(&["check", PLAN, "--polcy", "x"]).output().unwrap();
    let err = stderr_of(&out);
    assert!(err.contains("a similar argument exists: '--policy'"), "{err}");
}

#[test]
fn policies_show_refuses_a_name_that_fits_several_policies() {
    // `instance` labels a block of several built-in policies.
    let out = tfgate(&["policies", "show", "instance"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("TFG-EC2-001/instance") && err.contains("TFG-EC2-006/instance"), "{err}");
    assert!(stdout_of(&out).is_empty());
    // One block id is one policy.
    let out = tfgate(&["policies", "show", "TFG-EC2-006/instance"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stdout_of(&out).starts_with("# TFG-EC2-006:"), "{}", stdout_of(&out));
}

#[test]
fn policies_show_suggests_the_id_in_its_case() {
    let out = tfgate(&["policies", "show", "tfg-ec2-001"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did you mean \"TFG-EC2-001\"?"), "{err}");
}
