//! `tfgate completions`, `tfgate man`, `--color` and `-q/--quiet`.

use crate::common;

use std::path::Path;

use common::{stderr_of, stdout_of, tfgate};

fn example_plan() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/plans/web-tier.json").display().to_string()
}

const ESC: char = '\x1b';

#[test]
fn bash_completions_are_valid_bash_and_know_every_subcommand() {
    let out = tfgate(&["completions", "bash"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let script = stdout_of(&out);
    for word in ["check", "inspect", "policies", "sentinel", "completions", "man", "--unknown", "--color", "--quiet"] {
        assert!(script.contains(word), "bash completions lack {word}");
    }
    // The script parses (bash is on every machine CI runs on; skip where it is not).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tfgate.bash");
    std::fs::write(&file, &script).unwrap();
    if let Ok(status) = std::process::Command::new("bash").arg("-n").arg(&file).status() {
        assert!(status.success(), "bash -n rejects the completion script");
    }
}

#[test]
fn completions_for_each_shell_and_an_unknown_shell_is_a_usage_error() {
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = tfgate(&["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr_of(&out));
        assert!(stdout_of(&out).contains("check"), "{shell} completions lack `check`");
    }
    let out = tfgate(&["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("tcsh"));
    assert!(out.stdout.is_empty());
}

#[test]
fn man_page_is_roff_with_a_section_per_subcommand() {
    let out = tfgate(&["man"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let page = stdout_of(&out);
    assert!(page.contains(".TH tfgate 1"), "no title line");
    for section in ["TFGATE CHECK", "TFGATE INSPECT", "TFGATE POLICIES SHOW", "TFGATE SENTINEL APPLY", "EXIT STATUS"] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "no section {section}");
    }
    assert!(page.contains("\\-\\-unknown"), "check's options are missing");
    // Where man(1) is installed, the page renders without warnings.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tfgate.1");
    std::fs::write(&file, &page).unwrap();
    if let Ok(rendered) =
        std::process::Command::new("man").arg("-l").arg("--warnings").arg(&file).env("MANWIDTH", "80").output()
    {
        if rendered.status.success() {
            // man justifies lines: compare with the spaces collapsed.
            let text = String::from_utf8_lossy(&rendered.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains("tfgate check"));
            assert!(rendered.stderr.is_empty(), "{}", String::from_utf8_lossy(&rendered.stderr));
        }
    }
}

#[test]
fn color_always_colours_a_pipe_even_with_no_color() {
    // common::tfgate sets NO_COLOR=1: a flag given for the run wins.
    let out = tfgate(&["check", &example_plan(), "--color", "always"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout_of(&out).contains(ESC), "no ANSI colour with --color always");
    // Also before the subcommand: the option is global.
    let out = tfgate(&["--color=always", "check", &example_plan()]).output().unwrap();
    assert!(stdout_of(&out).contains(ESC));
}

#[test]
fn color_auto_and_never_leave_a_pipe_plain() {
    for args in [vec!["check", "--color", "never"], vec!["check", "--color", "auto"], vec!["check"]] {
        let plan = example_plan();
        let mut args = args.clone();
        args.push(&plan);
        let out = tfgate(&args).env_remove("NO_COLOR").output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(!stdout_of(&out).contains(ESC), "{args:?}: colour into a pipe");
    }
    let out = tfgate(&["check", "--color", "sometimes", &example_plan()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn quiet_shows_only_what_blocks_and_the_same_summary() {
    let full = tfgate(&["check", &example_plan()]).output().unwrap();
    let quiet = tfgate(&["check", "-q", &example_plan()]).output().unwrap();
    assert_eq!(quiet.status.code(), full.status.code());
    let (full, quiet) = (stdout_of(&full), stdout_of(&quiet));
    assert_eq!(full.lines().last(), quiet.lines().last(), "the summary line differs");
    assert!(quiet.len() < full.len());
    // No passing rows, no advisory policy, no policy that matched nothing.
    assert!(!quiet.lines().any(|l| l.starts_with("│ pass ")), "{quiet}");
    assert!(!quiet.contains("(advisory"), "{quiet}");
    assert!(!quiet.contains("no resources matched"), "{quiet}");
    // What blocks is all there: every mandatory failing row of the full table.
    let rows = |text: &str| -> Vec<String> {
        text.lines().filter(|l| l.starts_with("│ fail ") || l.starts_with("│ unknown ")).map(str::to_string).collect()
    };
    let quiet_rows = rows(&quiet);
    assert!(!quiet_rows.is_empty());
    assert!(quiet_rows.iter().all(|r| rows(&full).contains(r)));
    assert!(quiet.contains("TFG-EC2-040"), "a mandatory failure is missing:\n{quiet}");
}

#[test]
fn quiet_leaves_output_files_and_machine_formats_complete() {
    let dir = tempfile::tempdir().unwrap();
    let loud = dir.path().join("loud.txt");
    let quiet = dir.path().join("quiet.txt");
    tfgate(&["check", &example_plan(), "--output", &format!("table={}", loud.display())]).output().unwrap();
    tfgate(&["check", "--quiet", &example_plan(), "--output", &format!("table={}", quiet.display())]).output().unwrap();
    assert_eq!(std::fs::read_to_string(&loud).unwrap(), std::fs::read_to_string(&quiet).unwrap());
    let json = |extra: &str| {
        let mut args = vec!["check", "--format", "json", "--output", "json=/dev/null"];
        if !extra.is_empty() {
            args.push(extra);
        }
        let plan = example_plan();
        args.push(&plan);
        stdout_of(&tfgate(&args).output().unwrap())
    };
    let strip_time = |s: String| s.lines().filter(|l| !l.contains("\"generated_at\"")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip_time(json("")), strip_time(json("-q")));
}

#[test]
fn quiet_drops_notes_but_not_errors() {
    // A directory with a plan and a JSON file that is not one: a note, unless -q.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example_plan(), dir.path().join("plan.json")).unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"name": "x"}"#).unwrap();
    let d = dir.path().display().to_string();
    let loud = tfgate(&["check", &d]).output().unwrap();
    assert!(stderr_of(&loud).contains("note: skipping"), "{}", stderr_of(&loud));
    let quiet = tfgate(&["-q", "check", &d]).output().unwrap();
    assert_eq!(quiet.status.code(), loud.status.code());
    assert!(!stderr_of(&quiet).contains("note:"), "{}", stderr_of(&quiet));
    // An error is still said.
    let missing = tfgate(&["check", "-q", "no-such-plan.json"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr_of(&missing).contains("no-such-plan.json"));
}

#[test]
fn quiet_and_verbose_together_are_a_usage_error() {
    let out = tfgate(&["check", "-q", "-v", &example_plan()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--quiet and --verbose"), "{}", stderr_of(&out));
    assert!(out.stdout.is_empty());
}
