//! `scripts/pre-commit-tfgate.sh`, the script of the `tfgate` pre-commit
//! hook, run for real in a scratch git repository with a fake `terraform`
//! that records what it was asked and "plans" a fixture plan.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/pre-commit-tfgate.sh")
}

fn fixture_plan(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plans").join(name)
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git").current_dir(repo).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A repository with a root (`envs/prod`, lock file committed) that
    /// calls a local module (`modules/web`), and a fake terraform whose
    /// `show -json` prints `plan`.
    fn new(plan: &str) -> Option<Repo> {
        if Command::new("git").arg("--version").output().is_err() {
            eprintln!("skipped: git is not installed");
            return None;
        }
        let r = Repo { dir: tempfile::tempdir().unwrap() };
        let repo = r.repo();
        std::fs::create_dir_all(repo.join("envs/prod")).unwrap();
        std::fs::create_dir_all(repo.join("modules/web")).unwrap();
        std::fs::write(
            repo.join("envs/prod/main.tf"),
            "terraform {\n  backend \"s3\" {}\n}\nmodule \"web\" {\n  source = \"../../modules/web\"\n}\n",
        )
        .unwrap();
        std::fs::write(repo.join("envs/prod/.terraform.lock.hcl"), "# lock\n").unwrap();
        std::fs::write(repo.join("modules/web/main.tf"), "resource \"null_resource\" \"x\" {}\n").unwrap();
        git(&repo, &["init", "-q"]);
        git(&repo, &["add", "-A"]);
        git(&repo, &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init"]);

        let bin = r.dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        // Records each call (its folder and arguments); plan writes the
        // -out file; show prints the fixture plan. Fails unless the module
        // source resolves from where it runs and the backend is overridden.
        let fake = format!(
            r#"#!/bin/sh
log="{log}"
dir=""
for a in "$@"; do case "$a" in -chdir=*) dir="${{a#-chdir=}}" ;; esac; done
echo "$* | TF_DATA_DIR=$TF_DATA_DIR" >> "$log"
test -f "$dir/../../modules/web/main.tf" || {{ echo "module source missing" >&2; exit 1; }}
test -f "$dir/zz_tfgate_pre_commit_override.tf" || {{ echo "backend not overridden" >&2; exit 1; }}
for a in "$@"; do
  case "$a" in
    -out=*) echo "binary plan" > "${{a#-out=}}" ;;
  esac
done
case " $* " in
  *" show "*) cat "{plan}" ;;
esac
"#,
            log = r.log().display(),
            plan = fixture_plan(plan).display()
        );
        std::fs::write(bin.join("terraform"), fake).unwrap();
        std::fs::set_permissions(bin.join("terraform"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_tfgate"), bin.join("tfgate")).unwrap();
        Some(r)
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("terraform.log")
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    fn hook(&self, args: &[&str]) -> Output {
        let path = format!("{}:{}", self.dir.path().join("bin").display(), std::env::var("PATH").unwrap_or_default());
        Command::new("bash")
            .arg(script())
            .args(args)
            .current_dir(self.repo())
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .env("TMPDIR", self.dir.path())
            .output()
            .unwrap()
    }

    /// Everything in the repository that git did not have before: nothing, after a run.
    fn untracked(&self) -> String {
        git(&self.repo(), &["status", "--porcelain", "--ignored", "--untracked-files=all"])
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_changed_module_plans_its_root_in_a_temporary_copy_and_gates_on_it() {
    let Some(r) = Repo::new("public-ip.json") else { return };
    // A changed file of the root: its folder holds the lock file.
    let out = r.hook(&["envs/prod/main.tf"]);
    assert_eq!(out.status.code(), Some(1), "a failing plan fails the hook: {}", stderr(&out));
    let calls = r.calls();
    assert!(calls.contains("init -input=false"), "{calls}");
    assert!(calls.contains("plan -input=false -lock=false"), "{calls}");
    assert!(calls.contains("show -json"), "{calls}");
    // Terraform ran in the copy, its data folder outside the repository.
    let repo = r.repo().canonicalize().unwrap().display().to_string();
    assert!(!calls.contains(&format!("-chdir={repo}")), "{calls}");
    assert!(!calls.contains(&format!("TF_DATA_DIR={repo}")), "{calls}");
    assert_eq!(r.untracked(), "", "the hook left files in the repository");
    // And the temporary copy is gone.
    let left: Vec<_> = std::fs::read_dir(r.dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("tfgate-pre-commit"))
        .collect();
    assert!(left.is_empty(), "temporary copy left behind");
}

#[test]
fn a_passing_plan_passes_and_tfgate_options_are_passed_on() {
    let Some(r) = Repo::new("hop-limit.json") else { return };
    let out = r.hook(&["--root", "envs/prod", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = r.hook(&["--root=envs/prod", "--unknown=nonsense"]);
    assert_eq!(out.status.code(), Some(2), "tfgate's usage error comes through: {}", stderr(&out));
    assert_eq!(r.untracked(), "");
}

#[test]
fn files_outside_any_root_plan_nothing_and_a_missing_root_is_an_error() {
    let Some(r) = Repo::new("public-ip.json") else { return };
    let out = r.hook(&["modules/web/main.tf"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("no root module"), "{}", stderr(&out));
    assert_eq!(r.calls(), "", "nothing was planned");
    let out = r.hook(&["--root", "envs/staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("envs/staging"), "{}", stderr(&out));
}

#[test]
fn a_failing_terraform_plan_is_an_error_with_its_log() {
    let Some(r) = Repo::new("public-ip.json") else { return };
    // The module source disappears from the working tree: the fake plan fails.
    std::fs::remove_file(r.repo().join("modules/web/main.tf")).unwrap();
    let out = r.hook(&["envs/prod/main.tf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("module source missing"), "{}", stderr(&out));
    assert!(stderr(&out).contains("init failed"), "{}", stderr(&out));
}
