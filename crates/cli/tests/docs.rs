//! Generated documentation stays current: `docs/cli.md` is rebuilt from the
//! binary's own help text, and this test fails when it differs.
//! Regenerate with `UPDATE_EXPECT=1 cargo test -p tfgate --test docs` (or `just docs`).

#[path = "cli/common.rs"]
mod common;

use std::path::Path;

use common::{stdout_of, tfgate};

fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped description lines are indented further than command names.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

fn help_of(args: &[&str]) -> String {
    let out = tfgate(args).env("COLUMNS", "100").output().unwrap();
    assert!(out.status.success());
    stdout_of(&out)
}

#[test]
fn cli_reference_is_current() {
    let top = help_of(&["--help"]);
    let mut doc = String::from(
        "# CLI reference\n\n<!-- Generated from `tfgate --help` by `just docs`; do not edit by hand. -->\n\n",
    );
    doc.push_str("```text\n");
    doc.push_str(&top);
    doc.push_str("```\n\n");
    doc.push_str("Exit codes: `0` the gate passes (or the command succeeded); `1` the gate fails (a mandatory policy,\nor a soft-mandatory one without an override, failed); `2` an error (unreadable input, invalid policy,\nevaluation error, bad arguments).\n");
    let mut queue: Vec<Vec<String>> = subcommands(&top).into_iter().map(|c| vec![c]).collect();
    while let Some(path) = queue.first().cloned() {
        queue.remove(0);
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = help_of(&args);
        doc.push_str(&format!("\n## `tfgate {}`\n\n```text\n{help}```\n", path.join(" ")));
        for sub in subcommands(&help) {
            let mut p = path.clone();
            p.push(sub);
            queue.push(p);
        }
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&file, &doc).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(current == doc, "docs/cli.md is stale: run `just docs` (UPDATE_EXPECT=1 cargo test -p tfgate --test docs)");
}

/// `docs/policies/`: an index and one page per built-in policy, from
/// `tfgate policies list --markdown` and `tfgate policies show ID`.
#[test]
fn policy_catalog_is_current() {
    let index = help_of(&["policies", "list", "--markdown"]);
    let ids: Vec<String> = index
        .lines()
        .filter_map(|l| l.strip_prefix("| ["))
        .filter_map(|l| l.split(']').next())
        .map(str::to_string)
        .collect();
    let mut pages = vec![(
        "README.md".to_string(),
        format!(
            "# Policy catalog\n\n<!-- Generated from the built-in library by `just docs`; do not edit by hand. -->\n\nThe policies `tfgate check` runs when no `--policy` is given. `tfgate policies show ID` prints the same pages.\n\n{index}"
        ),
    )];
    for id in &ids {
        pages.push((format!("{id}.md"), help_of(&["policies", "show", id])));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/policies");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &pages {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let on_disk = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert!(
        stale.is_empty() && on_disk == pages.len(),
        "docs/policies is stale ({stale:?}, {on_disk} files for {} pages): run `just docs`",
        pages.len()
    );
}
