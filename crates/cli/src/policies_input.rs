//! Finding and loading policy files: the built-in library or paths given
//! on the command line (files, or directories searched for `*.policy.hcl`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tfgate_lang_hcl::PolicySet;

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// The label a policy file's source gets in reports.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// Every file named `*SUFFIX` under the given paths (files are taken as
/// they are), sorted. What a directory scan skips is said on standard error.
pub fn policy_files(console: &crate::Console, paths: &[PathBuf], suffix: &str) -> Result<Vec<PathBuf>> {
    let scan = scan(paths, suffix, Walk::Sources)?;
    for (path, why) in &scan.skipped {
        console.note(&format!("skipping {}: {why}", path.display()));
    }
    Ok(scan.files)
}

/// What a directory scan takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Policy and test files: every directory.
    Sources,
    /// Plans: never `.terraform` or another hidden directory (provider
    /// caches, module manifests, editor state).
    Plans,
}

/// The files a scan found, and what it passed over on purpose with why.
#[derive(Default)]
pub struct Scan {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<(PathBuf, String)>,
}

/// Files named explicitly are taken as they are (a named pipe too:
/// `tfgate check <(terraform show -json tfplan)`). In a directory only
/// regular files are taken; a symbolic link is followed only when it stays
/// inside the directory given, and each directory is entered once, so a
/// link loop or a named pipe cannot hang the scan and a link cannot pull in
/// a file from elsewhere (`/proc/self/environ`).
pub fn scan(paths: &[PathBuf], suffix: &str, walk: Walk) -> Result<Scan> {
    let mut out = Scan::default();
    for p in paths {
        let meta = std::fs::metadata(p);
        if meta.as_ref().is_ok_and(std::fs::Metadata::is_dir) {
            let root = std::fs::canonicalize(p).with_context(|| format!("cannot read directory {}", p.display()))?;
            let mut seen = std::collections::HashSet::new();
            seen.insert(root.clone());
            let mut walker = Walker { root: &root, suffix, walk, seen, out: &mut out };
            walker.dir(p).with_context(|| format!("cannot read directory {}", p.display()))?;
        } else if meta.is_ok() || std::fs::symlink_metadata(p).is_ok() {
            // A file named explicitly is taken when it is of the kind asked for.
            if p.to_string_lossy().ends_with(suffix) {
                out.files.push(p.clone());
            }
        } else {
            bail!("{}: no such file or directory", p.display());
        }
    }
    out.files.sort();
    out.files.dedup();
    Ok(out)
}

struct Walker<'a> {
    /// The directory given, resolved: links must stay below it.
    root: &'a Path,
    suffix: &'a str,
    walk: Walk,
    /// Directories entered (resolved), against loops.
    seen: std::collections::HashSet<PathBuf>,
    out: &'a mut Scan,
}

impl Walker<'_> {
    fn dir(&mut self, dir: &Path) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        entries.sort();
        for path in entries {
            self.entry(path)?;
        }
        Ok(())
    }

    fn entry(&mut self, path: PathBuf) -> std::io::Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let wanted = name.ends_with(self.suffix);
        let mut meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            let target = match std::fs::canonicalize(&path) {
                Ok(t) => t,
                Err(e) => {
                    // Dangling, or a loop of links.
                    if wanted {
                        self.out.skipped.push((path, format!("a symbolic link that cannot be followed ({e})")));
                    }
                    return Ok(());
                }
            };
            if !target.starts_with(self.root) {
                // Said only for what would have been taken: a link named like
                // other files (`notes.txt`) was never a candidate.
                if wanted || target.is_dir() {
                    let why = format!("a symbolic link to {}, outside the directory", target.display());
                    self.out.skipped.push((path, why));
                }
                return Ok(());
            }
            meta = std::fs::metadata(&path)?;
        }
        if meta.is_dir() {
            if self.walk == Walk::Plans && name.starts_with('.') {
                return Ok(());
            }
            let resolved = std::fs::canonicalize(&path)?;
            if !self.seen.insert(resolved) {
                self.out.skipped.push((path, "a directory already scanned (reached again through a link)".into()));
                return Ok(());
            }
            return self.dir(&path);
        }
        if !wanted {
            return Ok(());
        }
        if meta.is_file() {
            self.out.files.push(path);
        } else {
            self.out.skipped.push((path, "not a regular file (a named pipe, socket or device)".into()));
        }
        Ok(())
    }
}

/// `tfgate.hcl` in the working directory or, inside a repository, in the
/// nearest parent that has one, up to the repository root (the directory
/// holding `.git`): `tfgate check` run from a module's folder finds the
/// repository's configuration. Outside a repository only the working
/// directory is looked at, so that a file in a shared parent (`/tmp`) is
/// never picked up.
///
/// Found rather than named, it is taken only when it stays inside the
/// folders searched: a link to a file elsewhere (`~/.aws/credentials`)
/// would have its lines quoted in syntax errors. `--config PATH` still
/// reads any file.
pub fn discover_config() -> Result<Option<PathBuf>> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let Some(found) = find_config(&cwd) else {
        return Ok(None);
    };
    let boundary = std::fs::canonicalize(&found.boundary).context("cannot read the working directory")?;
    let target =
        std::fs::canonicalize(&found.path).with_context(|| format!("cannot read {}", found.shown.display()))?;
    if !target.starts_with(&boundary) {
        let outside = if found.in_repository { "the repository" } else { "the working directory" };
        bail!(
            "{}: a symbolic link to {}, outside {outside}; name it with --config to use it",
            found.shown.display(),
            target.display()
        );
    }
    Ok(Some(found.shown))
}

/// A configuration file found by [`find_config`].
#[derive(Debug, PartialEq, Eq)]
pub struct FoundConfig {
    /// Where it is.
    pub path: PathBuf,
    /// The same file relative to the start (`./tfgate.hcl`, `../../tfgate.hcl`),
    /// as messages name it.
    pub shown: PathBuf,
    /// The top folder searched: the repository root, or the start itself.
    pub boundary: PathBuf,
    pub in_repository: bool,
}

/// `tfgate.hcl` in `start` or the nearest parent up to the repository root.
pub fn find_config(start: &Path) -> Option<FoundConfig> {
    let root = start.ancestors().position(|dir| dir.join(".git").exists());
    let searched = root.map_or(1, |depth| depth + 1);
    start.ancestors().take(searched).enumerate().find_map(|(depth, dir)| {
        let path = tfgate_engine::discover_config(dir)?;
        let up: PathBuf = if depth == 0 { PathBuf::from(".") } else { std::iter::repeat_n("..", depth).collect() };
        Some(FoundConfig {
            shown: up.join(tfgate_engine::CONFIG_FILE),
            path,
            boundary: start.ancestors().nth(searched - 1).unwrap_or(start).to_path_buf(),
            in_repository: root.is_some(),
        })
    })
}

/// Loads the policies to run: the given paths, or the built-in library.
pub fn load_policies(console: &crate::Console, paths: &[PathBuf]) -> Result<PolicySet> {
    if paths.is_empty() {
        return load_builtin();
    }
    let files = policy_files(console, paths, ".policy.hcl")?;
    if files.is_empty() {
        bail!(
            "no *.policy.hcl files in {}",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let set = PolicySet::load_paths(&files).map_err(policy_error)?;
    // Load warnings (a call to an unknown function) do not stop the run,
    // but must not go unseen.
    for w in set.warnings() {
        console.say(w.render().trim_end());
    }
    Ok(set)
}

/// The built-in library, embedded at build time.
pub fn load_builtin() -> Result<PolicySet> {
    let sources = BUILTIN_FILES
        .iter()
        .filter(|(name, _)| name.ends_with(".policy.hcl"))
        .map(|(name, text)| (format!("{BUILTIN_PREFIX}{name}"), *text));
    PolicySet::from_sources(sources).map_err(policy_error)
}

/// Policy load errors, with every diagnostic rendered.
pub fn policy_error(e: tfgate_lang_hcl::PolicyError) -> anyhow::Error {
    match &e {
        tfgate_lang_hcl::PolicyError::Invalid(diags) => {
            let n = diags.iter().filter(|d| d.is_error()).count();
            let rendered: Vec<String> = diags.iter().map(|d| d.render()).collect();
            anyhow::anyhow!("{}\n{n} error{} in the policies", rendered.join("\n"), if n == 1 { "" } else { "s" })
        }
        _ => anyhow::Error::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_is_found_up_to_the_repository_root_and_no_further() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        let deep = repo.join("envs/prod");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        // Above the repository: never read.
        std::fs::write(tmp.path().join("tfgate.hcl"), "").unwrap();
        assert_eq!(find_config(&deep), None);

        std::fs::write(repo.join("tfgate.hcl"), "").unwrap();
        let found = find_config(&deep).unwrap();
        assert_eq!(found.path, repo.join("tfgate.hcl"));
        assert_eq!(found.shown, Path::new("../../tfgate.hcl"));
        assert_eq!((found.boundary.as_path(), found.in_repository), (repo.as_path(), true));

        // The nearest one wins.
        std::fs::write(deep.join("tfgate.hcl"), "").unwrap();
        assert_eq!(find_config(&deep).unwrap().shown, Path::new("./tfgate.hcl"));
    }

    #[test]
    fn outside_a_repository_only_the_start_is_searched() {
        let tmp = tempfile::tempdir().unwrap();
        let sub = tmp.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(tmp.path().join("tfgate.hcl"), "").unwrap();
        assert_eq!(find_config(&sub), None);
        let found = find_config(tmp.path()).unwrap();
        assert_eq!((found.shown.as_path(), found.in_repository), (Path::new("./tfgate.hcl"), false));
    }
}
