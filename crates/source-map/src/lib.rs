//! Where in the Terraform configuration a finding's target is declared: the
//! `.tf` file and lines of its `resource`, `data`, `module` or `provider`
//! block, so that annotations and code-scanning alerts land on the lines a
//! pull request changes instead of on the plan file.
//!
//! A plan's `configuration` names every module call with its `source`; this
//! crate reads the `.tf` files of the root module (the source directory) and
//! of every local module (`./` and `../` sources, nested calls relative to
//! their caller), parses them with `hcl-edit` and records each block's span.
//! A remote module (registry, git, …) has no files here: its targets stay
//! without a location and reports fall back to the plan file. Nothing here
//! fails: a missing directory or a file that does not parse is a [`Warning`].
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # std::fs::write(dir.path().join("main.tf"), "resource \"aws_instance\" \"web\" {\n  ami = \"x\"\n}\n").unwrap();
//! use tfgate_source_map::{Block, SourceMap};
//!
//! let map = SourceMap::build(dir.path(), dir.path(), std::iter::empty());
//! let at = map.find("", &Block::Resource("aws_instance.web".into())).unwrap();
//! assert_eq!((at.file.as_str(), at.start_line, at.end_line), ("main.tf", 1, 3));
//! ```

#![deny(missing_docs)]

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::Span as _;
pub use tfgate_core::SourceLocation;

/// A block of a module's configuration, named as the plan names its target
/// within the module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    /// `resource "T" "N"` as `T.N`; `data "T" "N"` as `data.T.N`,
    /// `ephemeral "T" "N"` as `ephemeral.T.N` (the module-relative address
    /// the plan's `configuration` writes).
    Resource(String),
    /// `module "N"`, by its call name `N`.
    Module(String),
    /// `provider "N"`: `N`, or `N.A` with `alias = "A"`.
    Provider(String),
}

/// Something that kept part of the configuration from being mapped. The
/// findings concerned simply point at the plan.
#[derive(Debug, thiserror::Error)]
pub enum Warning {
    /// A local module's directory is missing or unreadable.
    #[error("{module}: cannot read its directory {dir}: {source}")]
    ReadDir {
        /// The module call path (`module.app.module.sg`).
        module: String,
        /// The directory, as shown in reports.
        dir: String,
        /// Why.
        source: std::io::Error,
    },
    /// A `.tf` file that cannot be read (not UTF-8, permissions).
    #[error("cannot read {file}: {source}")]
    ReadFile {
        /// The file, as shown in reports.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A `.tf` file that `hcl-edit` cannot parse.
    #[error("cannot parse {file}: {message}")]
    Parse {
        /// The file, as shown in reports.
        file: String,
        /// The parser's message (its first line).
        message: String,
    },
}

/// The blocks of the root module and of every local module, by module call
/// path (`""` for the root, `module.a.module.b` as the plan's
/// `configuration` keys calls) and [`Block`].
#[derive(Debug, Default)]
pub struct SourceMap {
    blocks: HashMap<(String, Block), Arc<SourceLocation>>,
    root_files: usize,
    warnings: Vec<Warning>,
}

impl SourceMap {
    /// Reads the configuration rooted at `source_dir`. `base` is the
    /// directory file names are shown relative to (the working directory);
    /// `calls` are the plan's module calls: each call's names from the root
    /// (`["app", "sg"]` for `module.app.module.sg`) and its `source`.
    pub fn build<'a>(
        source_dir: &Path,
        base: &Path,
        calls: impl IntoIterator<Item = (&'a [String], Option<&'a str>)>,
    ) -> SourceMap {
        let base = normalize(base);
        let root = normalize(&base.join(source_dir));
        let mut map = SourceMap::default();
        let mut parsed: HashMap<PathBuf, ParsedDir> = HashMap::new();

        let root_blocks = map.read_module("", &root, &base, &mut parsed);
        map.root_files = root_blocks;
        if map.root_files == 0 {
            // Not a configuration: a local source means nothing relative to it.
            return map;
        }

        // Parents before children: a nested call's source is relative to its caller.
        let mut calls: Vec<(&[String], Option<&str>)> = calls.into_iter().collect();
        calls.sort_by_key(|(path, _)| path.len());
        let mut dirs: HashMap<String, PathBuf> = HashMap::from([(String::new(), root)]);
        for (path, source) in calls {
            let Some((_, parents)) = path.split_last() else { continue };
            let Some(parent_dir) = dirs.get(&call_path(parents)) else { continue };
            let Some(source) = source.filter(|s| is_local(s)) else { continue };
            let dir = normalize(&parent_dir.join(source));
            let key = call_path(path);
            map.read_module(&key, &dir, &base, &mut parsed);
            dirs.insert(key, dir);
        }
        map
    }

    /// The block `block` of the module `module` (`""` for the root,
    /// `module.a.module.b` without instance keys).
    pub fn find(&self, module: &str, block: &Block) -> Option<&Arc<SourceLocation>> {
        self.blocks.get(&(module.to_string(), block.clone()))
    }

    /// How many `.tf` files the root module has: none means the source
    /// directory is not the configuration's root, and nothing is mapped.
    pub fn root_files(&self) -> usize {
        self.root_files
    }

    /// Whether no block at all was found.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// What could not be mapped, and why.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Records the blocks of the module `key` in `dir`; returns how many
    /// `.tf` files the directory has. A directory two calls share is parsed once.
    fn read_module(&mut self, key: &str, dir: &Path, base: &Path, parsed: &mut HashMap<PathBuf, ParsedDir>) -> usize {
        if !parsed.contains_key(dir) {
            let mut blocks = Vec::new();
            let files = match tf_files(dir) {
                Ok(files) => {
                    for file in &files {
                        let shown = relative(base, file);
                        match std::fs::read_to_string(file) {
                            Ok(text) => match blocks_of(&text, &shown) {
                                Ok(found) => blocks.extend(found),
                                Err(message) => self.warnings.push(Warning::Parse { file: shown, message }),
                            },
                            Err(source) => self.warnings.push(Warning::ReadFile { file: shown, source }),
                        }
                    }
                    // Counted even when unreadable: the directory is a module.
                    files.len()
                }
                // The root may be any directory: only a module named by a call must exist.
                Err(_) if key.is_empty() => 0,
                Err(source) => {
                    self.warnings.push(Warning::ReadDir { module: key.to_string(), dir: relative(base, dir), source });
                    0
                }
            };
            parsed.insert(dir.to_path_buf(), ParsedDir { files, blocks });
        }
        let parsed = &parsed[dir];
        for (block, location) in &parsed.blocks {
            // The first of two equal blocks wins: override files are read last.
            self.blocks.entry((key.to_string(), block.clone())).or_insert_with(|| location.clone());
        }
        parsed.files
    }
}

/// One directory's `.tf` files, read once however many calls use it.
struct ParsedDir {
    files: usize,
    blocks: Vec<(Block, Arc<SourceLocation>)>,
}

/// `module.a.module.b` for `["a", "b"]`.
fn call_path(names: &[String]) -> String {
    names.iter().map(|n| format!("module.{n}")).collect::<Vec<_>>().join(".")
}

/// A local path source, as Terraform recognises one: `./` or `../` (also
/// with backslashes, which Terraform accepts on Windows).
fn is_local(source: &str) -> bool {
    ["./", "../", ".\\", "..\\"].iter().any(|p| source.starts_with(p))
}

/// The `*.tf` regular files of `dir`, sorted, override files
/// (`override.tf`, `*_override.tf`) last as Terraform merges them.
fn tf_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "tf") && entry.file_type().is_ok_and(|t| t.is_file()) {
            files.push(path);
        }
    }
    let is_override = |p: &PathBuf| {
        p.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s == "override" || s.ends_with("_override"))
    };
    files.sort_by(|a, b| (is_override(a), a).cmp(&(is_override(b), b)));
    Ok(files)
}

/// The `resource`, `data`, `module` and `provider` blocks of one file.
fn blocks_of(text: &str, file: &str) -> Result<Vec<(Block, Arc<SourceLocation>)>, String> {
    let body: Body =
        hcl_edit::parser::parse_body(text).map_err(|e| e.to_string().lines().next().unwrap_or("").to_string())?;
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let what = match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [ty, name]) => Block::Resource(format!("{ty}.{name}")),
            ("data", [ty, name]) => Block::Resource(format!("data.{ty}.{name}")),
            ("ephemeral", [ty, name]) => Block::Resource(format!("ephemeral.{ty}.{name}")),
            ("module", [name]) => Block::Module(name.to_string()),
            ("provider", [name]) => match block.body.get_attribute("alias").map(|a| &a.value) {
                Some(Expression::String(alias)) => Block::Provider(format!("{name}.{}", alias.as_str())),
                // An alias that is not a plain string is not valid Terraform.
                Some(_) => continue,
                None => Block::Provider(name.to_string()),
            },
            _ => continue,
        };
        let Some(span) = block.span() else { continue };
        let location = SourceLocation {
            file: file.to_string(),
            start_line: lines.line_of(span.start),
            end_line: lines.line_of(span.end.saturating_sub(1).max(span.start)),
        };
        out.push((what, Arc::new(location)));
    }
    Ok(out)
}

/// Byte offsets to 1-based line numbers.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        LineIndex(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i).collect())
    }
    fn line_of(&self, offset: usize) -> u32 {
        // Lines before `offset` end at the newlines before it.
        let n = self.0.partition_point(|&nl| nl < offset);
        u32::try_from(n + 1).unwrap_or(u32::MAX)
    }
}

/// `path` with `.` and `..` resolved without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `path` relative to `base` (both normalized), `/`-separated, with `..`
/// where it lies outside; the path itself when they share no root (another
/// drive).
fn relative(base: &Path, path: &Path) -> String {
    let base: Vec<Component> = base.components().collect();
    let path_c: Vec<Component> = path.components().collect();
    let common = base.iter().zip(&path_c).take_while(|(a, b)| a == b).count();
    if common == 0 && path.is_absolute() {
        return path.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(path_c[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, file: &str, text: &str) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn at(map: &SourceMap, module: &str, block: Block) -> Option<(String, u32, u32)> {
        map.find(module, &block).map(|l| (l.file.clone(), l.start_line, l.end_line))
    }

    #[test]
    fn blocks_of_root_and_nested_local_modules() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("infra/live");
        write(
            &root,
            "main.tf",
            "# The app.\nmodule \"app\" {\n  source = \"../modules/app\"\n}\n\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n\nprovider \"aws\" {\n  region = \"eu-west-1\"\n}\nprovider \"aws\" {\n  alias  = \"west\"\n  region = \"us-west-2\"\n}\n",
        );
        write(&root, "data.tf", "data \"aws_ami\" \"ubuntu\" {\n  most_recent = true\n}\n");
        write(
            &tmp.path().join("infra/modules/app"),
            "main.tf",
            "resource \"aws_instance\" \"web\" {\n  ami = data.aws_ami.x.id\n\n  metadata_options {\n    http_tokens = \"optional\"\n  }\n}\n\nmodule \"sg\" {\n  source = \"./sg\"\n}\n",
        );
        write(
            &tmp.path().join("infra/modules/app/sg"),
            "rules.tf",
            "\n\nresource \"aws_security_group_rule\" \"ingress\" { type = \"ingress\" }\n",
        );
        let calls = [
            (vec!["app".to_string()], Some("../modules/app")),
            (vec!["app".to_string(), "sg".to_string()], Some("./sg")),
            (vec!["vpc".to_string()], Some("terraform-aws-modules/vpc/aws")),
        ];
        // Children listed first: the order of calls does not matter.
        let map =
            SourceMap::build(Path::new("infra/live"), tmp.path(), calls.iter().rev().map(|(p, s)| (p.as_slice(), *s)));
        assert!(map.warnings().is_empty(), "{:?}", map.warnings());
        assert_eq!(map.root_files(), 2);
        assert_eq!(at(&map, "", Block::Module("app".into())), Some(("infra/live/main.tf".into(), 2, 4)));
        assert_eq!(at(&map, "", Block::Module("vpc".into())), Some(("infra/live/main.tf".into(), 6, 8)));
        assert_eq!(at(&map, "", Block::Provider("aws".into())), Some(("infra/live/main.tf".into(), 10, 12)));
        assert_eq!(at(&map, "", Block::Provider("aws.west".into())), Some(("infra/live/main.tf".into(), 13, 16)));
        assert_eq!(
            at(&map, "", Block::Resource("data.aws_ami.ubuntu".into())),
            Some(("infra/live/data.tf".into(), 1, 3))
        );
        assert_eq!(
            at(&map, "module.app", Block::Resource("aws_instance.web".into())),
            Some(("infra/modules/app/main.tf".into(), 1, 7))
        );
        assert_eq!(
            at(&map, "module.app.module.sg", Block::Resource("aws_security_group_rule.ingress".into())),
            Some(("infra/modules/app/sg/rules.tf".into(), 3, 3))
        );
        // A remote module has no files here; a block of another module is not this one's.
        assert_eq!(at(&map, "module.vpc", Block::Resource("aws_vpc.this".into())), None);
        assert_eq!(at(&map, "", Block::Resource("aws_instance.web".into())), None);
    }

    #[test]
    fn problems_are_warnings_and_the_rest_is_still_mapped() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "main.tf", "resource \"a\" \"b\" {}\n");
        write(tmp.path(), "broken.tf", "resource \"a\" \"c\" {\n");
        write(tmp.path(), "notes.txt", "resource \"a\" \"d\" {}\n");
        let calls = [(vec!["gone".to_string()], Some("./modules/gone"))];
        let map = SourceMap::build(Path::new("."), tmp.path(), calls.iter().map(|(p, s)| (p.as_slice(), *s)));
        assert_eq!(at(&map, "", Block::Resource("a.b".into())), Some(("main.tf".into(), 1, 1)));
        assert_eq!(at(&map, "", Block::Resource("a.d".into())), None);
        let warnings: Vec<String> = map.warnings().iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].starts_with("cannot parse broken.tf: "), "{warnings:?}");
        assert!(warnings[1].starts_with("module.gone: cannot read its directory modules/gone: "), "{warnings:?}");
    }

    #[test]
    fn a_directory_without_tf_files_maps_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("modules/app"), "main.tf", "resource \"a\" \"b\" {}\n");
        let calls = [(vec!["app".to_string()], Some("./modules/app"))];
        let map = SourceMap::build(tmp.path(), tmp.path(), calls.iter().map(|(p, s)| (p.as_slice(), *s)));
        assert_eq!(map.root_files(), 0);
        assert!(map.is_empty() && map.warnings().is_empty());
        let map = SourceMap::build(&tmp.path().join("missing"), tmp.path(), std::iter::empty());
        assert!(map.is_empty() && map.warnings().is_empty());
    }

    #[test]
    fn override_files_do_not_move_a_block() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "a_override.tf", "resource \"a\" \"b\" {\n  x = 1\n}\n");
        write(tmp.path(), "z.tf", "\nresource \"a\" \"b\" {}\n");
        let map = SourceMap::build(tmp.path(), tmp.path(), std::iter::empty());
        assert_eq!(at(&map, "", Block::Resource("a.b".into())), Some(("z.tf".into(), 2, 2)));
    }

    #[test]
    fn paths() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(relative(Path::new("/w/repo"), Path::new("/w/repo/infra/main.tf")), "infra/main.tf");
        assert_eq!(relative(Path::new("/w/repo"), Path::new("/w/other/main.tf")), "../other/main.tf");
        assert!(is_local("./x") && is_local("../x") && !is_local("git::https://x") && !is_local("hashicorp/x/aws"));
    }
}
