//! Finding and loading policy files: the built-in library or paths given
//! on the command line (files, or directories searched for `*.policy.hcl`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tfgate_policy::PolicySet;

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// The label a policy file's source gets in reports.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// Every file named `*SUFFIX` under the given paths (files are taken as
/// they are), sorted. What a directory scan skips is said on standard error.
pub fn policy_files(paths: &[PathBuf], suffix: &str) -> Result<Vec<PathBuf>> {
    let scan = scan(paths, suffix, Walk::Sources)?;
    for (path, why) in &scan.skipped {
        crate::note(&format!("skipping {}: {why}", path.display()));
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

/// `./tfgate.hcl` when there is one. Found rather than named, it is taken
/// only when it stays inside the working directory: a link to a file
/// elsewhere (`~/.aws/credentials`) would have its lines quoted in syntax
/// errors. `--config PATH` still reads any file.
pub fn discover_config() -> Result<Option<PathBuf>> {
    let Some(path) = tfgate_policy::config::discover(Path::new(".")) else {
        return Ok(None);
    };
    let cwd = std::fs::canonicalize(".").context("cannot read the working directory")?;
    let target = std::fs::canonicalize(&path).with_context(|| format!("cannot read {}", path.display()))?;
    if !target.starts_with(&cwd) {
        bail!(
            "{}: a symbolic link to {}, outside the working directory; name it with --config to use it",
            path.display(),
            target.display()
        );
    }
    Ok(Some(path))
}

/// Loads the policies to run: the given paths, or the built-in library.
pub fn load_policies(paths: &[PathBuf]) -> Result<PolicySet> {
    if paths.is_empty() {
        return load_builtin();
    }
    let files = policy_files(paths, ".policy.hcl")?;
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
        crate::say(w.render().trim_end());
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
pub fn policy_error(e: tfgate_policy::PolicyError) -> anyhow::Error {
    match &e {
        tfgate_policy::PolicyError::Invalid(diags) => {
            let n = diags.iter().filter(|d| d.is_error()).count();
            let rendered: Vec<String> = diags.iter().map(|d| d.render()).collect();
            anyhow::anyhow!("{}\n{n} error{} in the policies", rendered.join("\n"), if n == 1 { "" } else { "s" })
        }
        _ => anyhow::Error::new(e),
    }
}
