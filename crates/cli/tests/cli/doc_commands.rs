//! Every command shown in README.md and docs/*.md works when copied: each
//! line of a ```sh block is run through the built binary against the shipped
//! examples, and every `plan_test` example in the docs is run by `tfgate
//! test`. Commands that need a network, a container engine or Terraform
//! are skipped, each by an entry of [`SKIPPED`] that says why; a command that
//! is neither run nor listed fails the test.
//!
//! The names the docs use stand for shipped files, in a sandbox folder the
//! commands run in: `plan.json` is the example plan, `policies/` the
//! built-in library's sources, `my-policies/` the example policies,
//! `policy-set/` the example Sentinel policy set, `examples/` the examples.
//! The configuration reference's commands run beside the example
//! configuration (`examples/config/tfgate.hcl`), which they are about.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Commands not run, by their first words, and why.
const SKIPPED: &[(&str, &str)] = &[
    ("terraform", "needs Terraform and a cloud account to plan"),
    ("tofu", "needs OpenTofu and a cloud account to plan"),
    ("docker", "needs a container engine and the published image"),
    ("curl", "downloads a release from the network"),
    ("sha256sum", "checks the archives of a downloaded release"),
    ("shasum", "checks the archives of a downloaded release"),
    ("wget", "downloads a release from the network"),
    ("sh install.sh", "downloads a release from the network"),
    ("cargo install", "downloads and compiles from the network"),
    ("cargo test", "runs the whole test suite, this test included"),
    ("cargo build", "a build, already done to run this test"),
    ("pre-commit", "needs pre-commit, Terraform and a repository to plan"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The documents whose commands are run.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// The bodies of the fenced blocks of `lang` in a Markdown text, each with
/// the line it starts on.
fn blocks(text: &str, langs: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // The open block: whether it is wanted, its first line, its body.
    let mut open: Option<(bool, usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            Some((wanted, start, body)) if trimmed.starts_with("```") => {
                if wanted {
                    out.push((start, body));
                }
            }
            // Blocks inside list items are indented like their item.
            Some((true, start, body)) => open = Some((true, start, body + trimmed + "\n")),
            Some(other) => open = Some(other),
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    open = Some((langs.contains(&lang.trim()), i + 2, String::new()));
                }
            }
        }
    }
    out
}

/// Shell words of one command line: quotes removed, a trailing `# comment` dropped.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    w.push(q);
                }
            }
            '#' if word.is_none() => break,
            c if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// The sandbox the commands of `doc` run in (see the module's documentation).
fn sandbox(doc: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = root();
    std::fs::copy(root.join("examples/plans/web-tier.json"), dir.path().join("plan.json")).unwrap();
    let with_config = doc == "docs/configuration.md";
    if with_config {
        std::fs::copy(root.join("examples/config/tfgate.hcl"), dir.path().join("tfgate.hcl")).unwrap();
    }
    let policies = if with_config { "examples/config/policies" } else { "policies" };
    for (name, target) in [
        ("examples", "examples"),
        ("policies", policies),
        ("my-policies", "examples/policies"),
        ("policy-set", "examples/sentinel"),
    ] {
        std::os::unix::fs::symlink(root.join(target), dir.path().join(name)).unwrap();
    }
    dir
}

/// Runs one `tfgate` command line (`cd DIR && tfgate …` too) in `sandbox`;
/// the error says what went wrong.
fn run(sandbox: &Path, line: &str) -> Result<(), String> {
    let mut cwd = sandbox.to_path_buf();
    let mut command = line;
    if let Some((cd, rest)) = line.split_once("&&") {
        match words(cd).as_slice() {
            [cd, dir] if cd == "cd" => cwd = sandbox.join(dir),
            _ => return Err("only `cd DIR && …` may come before a command".into()),
        }
        command = rest;
    }
    let mut args = words(command);
    // `cargo run --release -- ARGS` is the built binary with ARGS.
    if args.first().is_some_and(|w| w == "cargo") {
        let Some(dash) = args.iter().position(|a| a == "--") else {
            return Err("a cargo command other than `cargo run -- ARGS`".into());
        };
        args.drain(..=dash);
    } else if args.first().is_some_and(|w| w == "tfgate") {
        args.remove(0);
    } else {
        return Err("not a tfgate command, and not in the list of commands skipped".into());
    }
    let mut stdout_file = None;
    if let Some(i) = args.iter().position(|a| a == ">") {
        let target = args.get(i + 1).ok_or("`>` without a file")?;
        // `> ~/…` (completions, the man page) goes to a home inside the sandbox.
        stdout_file = Some(match target.strip_prefix("~/") {
            Some(rest) => sandbox.join("home").join(rest),
            None => cwd.join(target),
        });
        args.truncate(i);
    }
    if args.iter().any(|a| a == "|" || a.starts_with('<') || a.starts_with('$')) {
        return Err("pipes, input redirections and variables are not run here".into());
    }
    let out = Command::cargo_bin("tfgate")
        .unwrap()
        .current_dir(&cwd)
        .args(&args)
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 1 is the gate failing on the example plan, as it is built to.
    if !matches!(out.status.code(), Some(0 | 1)) || stderr.contains("error:") {
        return Err(format!("exit code {:?}\n{stderr}", out.status.code()));
    }
    if let Some(path) = stdout_file {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, &out.stdout).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[test]
fn every_command_in_the_readme_and_docs_runs() {
    let (mut ran, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let name = doc.strip_prefix(root()).unwrap().display().to_string();
        let sandbox = sandbox(&name);
        for (start, body) in blocks(&text, &["sh", "shell", "bash", "console"]) {
            // Continued lines (`\` at the end) are one command.
            let joined = body.replace("\\\n", " ");
            for (i, line) in joined.lines().enumerate() {
                let line = line.trim().trim_start_matches("$ ");
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let place = format!("{name}:{}", start + i);
                let command = line.split_once("&&").map_or(line, |(_, rest)| rest).trim();
                if let Some((_, why)) = SKIPPED.iter().find(|(prefix, _)| command.starts_with(prefix)) {
                    skipped.push(format!("{place}: {line} (skipped: {why})"));
                    continue;
                }
                match run(sandbox.path(), line) {
                    Ok(()) => ran += 1,
                    Err(e) => failures.push(format!("{place}: {line}\n  {}", e.replace('\n', "\n  "))),
                }
            }
        }
    }
    eprintln!("{ran} commands ran; skipped:\n  {}", skipped.join("\n  "));
    assert!(failures.is_empty(), "commands in the docs that fail:\n{}", failures.join("\n"));
    assert!(ran >= 20, "only {ran} commands found: is the block parser broken?");
}

/// `plan_test` examples name their file in a first-line comment
/// (`# policies/aws/ec2/NAME.plantest.hcl`): each is run in place of that
/// file, beside its policy and the shared test data.
#[test]
fn every_plan_test_example_in_the_docs_passes() {
    let mut found = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for (start, body) in blocks(&text, &["hcl"]) {
            if !body.contains("plan_test ") {
                continue;
            }
            let place = format!("{}:{start}", doc.display());
            let file = body
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# "))
                .and_then(|l| l.split([' ', ',']).next())
                .filter(|f| f.ends_with(".plantest.hcl"))
                .unwrap_or_else(|| panic!("{place}: name the test file in a first-line comment"));
            let tmp = tempfile::tempdir().unwrap();
            let test = tmp.path().join(file);
            std::fs::create_dir_all(test.parent().unwrap()).unwrap();
            std::fs::write(&test, &body).unwrap();
            let policy = file.replace(".plantest.hcl", ".policy.hcl");
            std::fs::copy(root().join(&policy), tmp.path().join(&policy)).unwrap();
            // Copied, not linked: a test reads no plan from outside its folder.
            let testdata = tmp.path().join("policies/testdata");
            std::fs::create_dir_all(&testdata).unwrap();
            for entry in std::fs::read_dir(root().join("policies/testdata")).unwrap() {
                let path = entry.unwrap().path();
                std::fs::copy(&path, testdata.join(path.file_name().unwrap())).unwrap();
            }
            // The folder, as the library's tests are run: plans are read from inside it.
            let folder = tmp.path().join(file.split('/').next().unwrap());
            let out = Command::cargo_bin("tfgate").unwrap().arg("test").arg(&folder).output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{place}\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            found += 1;
        }
    }
    assert!(found >= 1, "the policy language guide shows a plan_test example");
}

#[test]
fn shell_words_and_blocks() {
    assert_eq!(
        words(r#"tfgate inspect plan.json 'module.web["blue"].*'   # values"#),
        ["tfgate", "inspect", "plan.json", r#"module.web["blue"].*"#]
    );
    assert_eq!(words(r#"--override-reason "CHG-4711 approved""#), ["--override-reason", "CHG-4711 approved"]);
    let text = "x\n```sh\na\nb\n```\n```hcl\nc\n```\n  ```sh\n  d\n  ```\n";
    assert_eq!(blocks(text, &["sh"]), [(3, "a\nb\n".to_string()), (10, "d\n".to_string())]);
}
