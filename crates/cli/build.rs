//! Embeds the built-in policy library (`policies/` at the workspace root)
//! into the binary: every `.policy.hcl` and `.policytest.hcl` file, with its
//! path relative to `policies/`.
//!
//! `crates/cli/policies` is a link to the workspace's `policies/`, so that
//! `cargo package` copies the library into the published crate; a checkout
//! without links (Windows' default) leaves a plain file there, and the
//! workspace folder is read instead.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.to_string_lossy().ends_with(".policy.hcl") || path.to_string_lossy().ends_with(".policytest.hcl")
        {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let packaged = manifest.join("policies");
    let root = if packaged.is_dir() { packaged } else { manifest.join("../../policies") };
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    for (_, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let mut code = String::from("/// The built-in policy library: (path under `policies/`, contents).\npub static BUILTIN_FILES: &[(&str, &str)] = &[\n");
    for (rel, path) in &files {
        let abs = path.canonicalize().unwrap();
        code.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", abs.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_policies.rs");
    std::fs::write(out, code).unwrap();
}
