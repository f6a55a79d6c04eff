//! Finding and loading policy files: the built-in library or paths given
//! on the command line (files, or directories searched for `*.policy.hcl`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tfgate_policy::PolicySet;

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// The label a policy file's source gets in reports.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// Every `*.policy.hcl` file under the given paths (files are taken as they are), sorted.
pub fn policy_files(paths: &[PathBuf], suffix: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, suffix, &mut out).with_context(|| format!("cannot read directory {}", p.display()))?;
        } else if p.exists() {
            // A file named explicitly is taken when it is of the kind asked for.
            if p.to_string_lossy().ends_with(suffix) {
                out.push(p.clone());
            }
        } else {
            bail!("{}: no such file or directory", p.display());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, suffix, out)?;
        } else if path.to_string_lossy().ends_with(suffix) {
            out.push(path);
        }
    }
    Ok(())
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
    PolicySet::load_paths(&files).map_err(policy_error)
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
