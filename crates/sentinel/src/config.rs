//! Sentinel configuration files: `sentinel.hcl`, its HCL-equivalent JSON
//! form, and the older (legacy) JSON form with `modules`, `imports` and a
//! flat `test` map.
//!
//! The same format serves a policy set (`policy`, `module`, `import`
//! blocks) and a `sentinel test` case file (`mock`, `param`, `global`,
//! `test`). As the Sentinel CLI does, anything the reference does not
//! document is an error, with its file, line and column: a gate must not
//! quietly ignore a setting it does not understand.
//!
//! Values in a configuration are literals only (strings, numbers, bools,
//! null, lists, maps); an interpolation, a variable or a function call is an
//! error. Sources are kept as written; [`Config::resolve`] joins them to the
//! folder of the file that named them.

use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template};
use indexmap::IndexMap;

use crate::value::{Key, Map, Value};

/// Where something was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    /// The file, as it was given.
    pub file: String,
    /// One-based line.
    pub line: u32,
    /// One-based column (in characters).
    pub column: u32,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A configuration file that cannot be read or is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// One-based line (0 when the file could not be read at all).
    pub line: u32,
    /// One-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    fn at(pos: &Position, message: impl Into<String>) -> ConfigError {
        ConfigError { file: pos.file.clone(), line: pos.line, column: pos.column, message: message.into() }
    }
}

/// How a configuration file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// HCL (`sentinel.hcl`, `test/<policy>/<case>.hcl`).
    Hcl,
    /// The JSON equivalent of the HCL form.
    Json,
    /// The older JSON form (`mock`, `modules`, `imports`, `global`, `param`,
    /// and `test` as a flat map of rule to value).
    LegacyJson,
}

/// A policy's enforcement level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnforcementLevel {
    /// Reported, never blocks (the documented default).
    #[default]
    Advisory,
    /// Blocks unless someone overrides it.
    SoftMandatory,
    /// Blocks.
    HardMandatory,
}

impl EnforcementLevel {
    /// The level for its configuration spelling.
    pub fn parse(s: &str) -> Option<EnforcementLevel> {
        match s {
            "advisory" => Some(EnforcementLevel::Advisory),
            "soft-mandatory" => Some(EnforcementLevel::SoftMandatory),
            "hard-mandatory" => Some(EnforcementLevel::HardMandatory),
            _ => None,
        }
    }

    /// The configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EnforcementLevel::Advisory => "advisory",
            EnforcementLevel::SoftMandatory => "soft-mandatory",
            EnforcementLevel::HardMandatory => "hard-mandatory",
        }
    }
}

/// A `policy "NAME"` block.
#[derive(Debug, Clone)]
pub struct PolicyConfig {
    /// The label.
    pub name: String,
    /// Where the policy file is, as written.
    pub source: String,
    /// The enforcement level (advisory when not given).
    pub enforcement_level: EnforcementLevel,
    /// Values for the policy's parameters.
    pub params: IndexMap<String, Value>,
    /// Where the block is.
    pub pos: Position,
}

/// A module: `module "NAME" { source }` or `import "module" "NAME" { source }`
/// (legacy JSON: `modules: { NAME: { path } }`).
#[derive(Debug, Clone)]
pub struct ModuleConfig {
    /// The import name.
    pub name: String,
    /// Where the module file is, as written.
    pub source: String,
    /// Where the block is.
    pub pos: Position,
}

/// An `import "plugin" "NAME"` block: a standard import's configuration, or
/// an import plugin. tfgate runs no plugin executables; the block is kept so
/// that the policy set can answer the import itself (for example
/// `tfplan/v2` with `config = { plan_path = ... }`) or refuse it.
#[derive(Debug, Clone)]
pub struct PluginConfig {
    /// The import name.
    pub name: String,
    /// The plugin executable, when one is named.
    pub source: Option<String>,
    /// Arguments for the executable.
    pub args: Vec<String>,
    /// Environment for the executable.
    pub env: IndexMap<String, String>,
    /// The plugin's own configuration (a map, empty when not given).
    pub config: Value,
    /// Where the block is.
    pub pos: Position,
}

/// An `import "static" "NAME"` block: a data file offered as an import.
#[derive(Debug, Clone)]
pub struct StaticConfig {
    /// The import name.
    pub name: String,
    /// Where the data file is, as written.
    pub source: String,
    /// Its format (only `json` exists).
    pub format: String,
    /// Where the block is.
    pub pos: Position,
}

/// What a `mock "NAME"` block provides.
#[derive(Debug, Clone)]
pub enum MockKind {
    /// `data = { ... }`: static data.
    Data(Value),
    /// `module { source = "..." }`: a Sentinel file whose top-level names
    /// are the import's fields.
    Module {
        /// Where the mock file is, as written.
        source: String,
    },
}

/// A `mock "NAME"` block.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The import it replaces.
    pub name: String,
    /// The mock.
    pub kind: MockKind,
    /// Where the block is.
    pub pos: Position,
}

/// A `test` block: the expected value of each named rule.
#[derive(Debug, Clone, Default)]
pub struct TestConfig {
    /// Rule name to expected value; a rule not named is not checked.
    pub rules: IndexMap<String, Value>,
    /// Where the block is.
    pub pos: Position,
}

/// A parsed configuration file (or several merged).
#[derive(Debug, Clone)]
pub struct Config {
    /// The (first) file it came from.
    pub path: PathBuf,
    /// How it was written.
    pub format: ConfigFormat,
    /// `policy` blocks, in order.
    pub policies: IndexMap<String, PolicyConfig>,
    /// Modules, by import name.
    pub modules: IndexMap<String, ModuleConfig>,
    /// `import "plugin"` blocks, by import name.
    pub plugins: IndexMap<String, PluginConfig>,
    /// `import "static"` blocks, by import name.
    pub statics: IndexMap<String, StaticConfig>,
    /// `mock` blocks, by import name.
    pub mocks: IndexMap<String, MockConfig>,
    /// `param` values, by name.
    pub params: IndexMap<String, Value>,
    /// `global` values, by name.
    pub globals: IndexMap<String, Value>,
    /// The `test` block, when there is one.
    pub test: Option<TestConfig>,
    /// `sentinel { features = { ... } }`.
    pub features: IndexMap<String, bool>,
    /// Things worth saying that are not errors.
    pub warnings: Vec<String>,
}

impl Config {
    fn empty(path: &Path, format: ConfigFormat) -> Config {
        Config {
            path: path.to_path_buf(),
            format,
            policies: IndexMap::new(),
            modules: IndexMap::new(),
            plugins: IndexMap::new(),
            statics: IndexMap::new(),
            mocks: IndexMap::new(),
            params: IndexMap::new(),
            globals: IndexMap::new(),
            test: None,
            features: IndexMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Reads and parses one file; `.json` files are JSON, anything else HCL.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Config::parse(path, &text)
    }

    /// Parses `text`, read from `path` (its extension picks the format).
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            parse_json(path, text)
        } else {
            parse_hcl(path, text)
        }
    }

    /// Loads every `*.hcl` file of a folder (sorted by name) into one
    /// configuration, as `sentinel apply` does; when there is none,
    /// `sentinel.json`. A name declared twice across the files is an error.
    pub fn load_dir(dir: &Path) -> Result<Config, ConfigError> {
        let unreadable = |e: std::io::Error| ConfigError {
            file: dir.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read the policy set folder: {e}"),
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(unreadable)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "hcl"))
            .collect();
        files.sort();
        if files.is_empty() {
            let json = dir.join("sentinel.json");
            if json.is_file() {
                return Config::load(&json);
            }
            return Err(ConfigError {
                file: dir.display().to_string(),
                line: 0,
                column: 0,
                message: "no sentinel.hcl (or other .hcl file) or sentinel.json in this folder".into(),
            });
        }
        let mut config = Config::load(&files[0])?;
        for f in &files[1..] {
            config.merge(Config::load(f)?)?;
        }
        Ok(config)
    }

    /// Adds another file's declarations; a name declared in both is an error.
    pub fn merge(&mut self, other: Config) -> Result<(), ConfigError> {
        fn join<T>(
            into: &mut IndexMap<String, T>,
            from: IndexMap<String, T>,
            kind: &str,
            pos: impl Fn(&T) -> Option<Position>,
        ) -> Result<(), ConfigError> {
            for (name, item) in from {
                if into.contains_key(&name) {
                    let p = pos(&item).unwrap_or_default();
                    return Err(ConfigError::at(&p, format!("duplicate {kind} {name:?}")));
                }
                into.insert(name, item);
            }
            Ok(())
        }
        let file_pos = Position { file: other.path.display().to_string(), line: 1, column: 1 };
        join(&mut self.policies, other.policies, "policy", |p| Some(p.pos.clone()))?;
        join(&mut self.modules, other.modules, "module", |m| Some(m.pos.clone()))?;
        join(&mut self.plugins, other.plugins, "import", |m| Some(m.pos.clone()))?;
        join(&mut self.statics, other.statics, "import", |m| Some(m.pos.clone()))?;
        join(&mut self.mocks, other.mocks, "mock", |m| Some(m.pos.clone()))?;
        join(&mut self.params, other.params, "param", |_| Some(file_pos.clone()))?;
        join(&mut self.globals, other.globals, "global", |_| Some(file_pos.clone()))?;
        for (k, v) in other.features {
            self.features.insert(k, v);
        }
        if let Some(t) = other.test {
            if self.test.is_some() {
                return Err(ConfigError::at(&t.pos, "duplicate test block"));
            }
            self.test = Some(t);
        }
        self.warnings.extend(other.warnings);
        Ok(())
    }

    /// The folder sources are relative to (the configuration file's).
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// A source as written, joined to [`Config::dir`] when relative.
    pub fn resolve(&self, source: &str) -> PathBuf {
        let p = Path::new(source);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir().join(p)
        }
    }

    /// Whether a source names something remote (`git::`, `https://` ...),
    /// which tfgate does not fetch.
    pub fn is_remote(source: &str) -> bool {
        source.contains("::") || source.contains("://")
    }

    fn check_unique_import(&self, name: &str, pos: &Position) -> Result<(), ConfigError> {
        if self.modules.contains_key(name) || self.plugins.contains_key(name) || self.statics.contains_key(name) {
            return Err(ConfigError::at(pos, format!("import {name:?} is configured more than once")));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Positions

struct Lines<'a> {
    file: String,
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(path: &Path, text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { file: path.display().to_string(), text, starts }
    }

    fn pos(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Position { file: self.file.clone(), line: line as u32, column: column as u32 }
    }
}

// ---------------------------------------------------------------------------
// HCL

fn parse_hcl(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let lines = Lines::new(path, text);
    // The HCL parser recurses once per nesting level: hostile nesting must
    // be refused before it can overflow the stack.
    if let Some(at) = too_deep(text) {
        return Err(ConfigError::at(&lines.pos(at), format!("nested more than {MAX_NESTING} levels deep")));
    }
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        ConfigError {
            file: lines.file.clone(),
            line: loc.line() as u32,
            column: loc.column() as u32,
            message: format!("invalid HCL: {}", e.message()),
        }
    })?;
    let mut config = Config::empty(path, ConfigFormat::Hcl);
    let whole = lines.pos(0);
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let pos = span_pos(&lines, a, &whole);
                return Err(ConfigError::at(
                    &pos,
                    format!("unsupported argument {:?}: a configuration file holds only blocks", a.key.as_str()),
                ));
            }
            Structure::Block(b) => {
                let pos = span_pos(&lines, b, &whole);
                let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
                let block = HclBlock { lines: &lines, body: &b.body, pos };
                add_block(&mut config, b.ident.as_str(), &labels, &block)?;
            }
        }
    }
    Ok(config)
}

/// Deeper nesting than this is refused (HCL and JSON alike).
const MAX_NESTING: u32 = 256;

/// The offset where brackets first nest deeper than [`MAX_NESTING`],
/// skipping strings and comments.
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0, 0u32);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn span_pos(lines: &Lines<'_>, s: &dyn hcl_edit::Span, fallback: &Position) -> Position {
    s.span().map_or_else(|| fallback.clone(), |r| lines.pos(r.start))
}

/// One block's body, for the schema checks shared by HCL and JSON.
trait BlockBody {
    fn pos(&self) -> &Position;
    /// Attribute names with their positions, and nested block names.
    fn attribute_names(&self) -> Vec<(String, Position)>;
    fn block_names(&self) -> Vec<(String, Position)>;
    fn attribute(&self, name: &str) -> Option<Result<(Value, Position), ConfigError>>;
    /// The one nested block of that name (no labels), as a body.
    fn nested<'s>(&'s self, name: &str) -> Result<Option<Box<dyn BlockBody + 's>>, ConfigError>;
}

struct HclBlock<'a> {
    lines: &'a Lines<'a>,
    body: &'a Body,
    pos: Position,
}

impl BlockBody for HclBlock<'_> {
    fn pos(&self) -> &Position {
        &self.pos
    }
    fn attribute_names(&self) -> Vec<(String, Position)> {
        self.body.attributes().map(|a| (a.key.as_str().to_string(), span_pos(self.lines, a, &self.pos))).collect()
    }
    fn block_names(&self) -> Vec<(String, Position)> {
        self.body.blocks().map(|b| (b.ident.as_str().to_string(), span_pos(self.lines, b, &self.pos))).collect()
    }
    fn attribute(&self, name: &str) -> Option<Result<(Value, Position), ConfigError>> {
        let a = self.body.get_attribute(name)?;
        let pos = span_pos(self.lines, &a.value, &self.pos);
        Some(hcl_value(self.lines, &a.value, &pos).map(|v| (v, pos)))
    }
    fn nested<'s>(&'s self, name: &str) -> Result<Option<Box<dyn BlockBody + 's>>, ConfigError> {
        let mut found = self.body.blocks().filter(|b| b.ident.as_str() == name);
        let Some(b) = found.next() else { return Ok(None) };
        let pos = span_pos(self.lines, b, &self.pos);
        if found.next().is_some() {
            return Err(ConfigError::at(&pos, format!("only one {name:?} block is allowed here")));
        }
        if !b.labels.is_empty() {
            return Err(ConfigError::at(&pos, format!("a {name:?} block takes no labels")));
        }
        Ok(Some(Box::new(HclBlock { lines: self.lines, body: &b.body, pos })))
    }
}

fn hcl_value(lines: &Lines<'_>, e: &Expression, fallback: &Position) -> Result<Value, ConfigError> {
    let pos = span_pos(lines, e, fallback);
    Ok(match e {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => number_value(n.value()),
        Expression::String(s) => Value::string(s.value().as_str()),
        Expression::Array(a) => Value::list(a.iter().map(|x| hcl_value(lines, x, &pos)).collect::<Result<_, _>>()?),
        Expression::Object(o) => {
            let mut map = IndexMap::new();
            for (k, v) in o.iter() {
                let (key, kpos) = match k {
                    ObjectKey::Ident(id) => (id.as_str().to_string(), span_pos(lines, id, &pos)),
                    ObjectKey::Expression(x) => {
                        let kpos = span_pos(lines, x, &pos);
                        match hcl_value(lines, x, &kpos)? {
                            Value::String(s) => (s.to_string(), kpos),
                            Value::Int(i) => (i.to_string(), kpos),
                            Value::Bool(b) => (b.to_string(), kpos),
                            _ => return Err(ConfigError::at(&kpos, "a map key must be a name or a string")),
                        }
                    }
                };
                if map.contains_key(&Key::from(key.as_str())) {
                    return Err(ConfigError::at(&kpos, format!("duplicate map key {key:?}")));
                }
                let value = hcl_value(lines, v.expr(), &kpos)?;
                map.insert(Key::from(key), value);
            }
            Value::Map(Map::from_pairs(map))
        }
        Expression::StringTemplate(t) => literal_template(t, &pos)?,
        Expression::HeredocTemplate(h) => literal_template(&h.template, &pos)?,
        Expression::Parenthesis(p) => hcl_value(lines, p.inner(), &pos)?,
        Expression::UnaryOp(u) if matches!(u.operator.value(), UnaryOperator::Neg) => {
            match hcl_value(lines, &u.expr, &pos)? {
                Value::Int(i) => Value::Int(-i),
                Value::Float(f) => Value::Float(-f),
                _ => return Err(ConfigError::at(&pos, "only a number can be negated")),
            }
        }
        Expression::Variable(v) => {
            return Err(ConfigError::at(
                &pos,
                format!("variables are not allowed here (found {:?}); use a literal value", v.as_str()),
            ))
        }
        Expression::FuncCall(_) => return Err(ConfigError::at(&pos, "function calls are not allowed here")),
        Expression::Traversal(_) => {
            return Err(ConfigError::at(&pos, "variables are not allowed here; use a literal value"))
        }
        _ => return Err(ConfigError::at(&pos, "only literal values are allowed here")),
    })
}

fn literal_template(t: &Template, pos: &Position) -> Result<Value, ConfigError> {
    let mut s = String::new();
    for el in t.iter() {
        match el {
            Element::Literal(l) => s.push_str(l.value()),
            _ => return Err(ConfigError::at(pos, "template interpolations and directives are not allowed here")),
        }
    }
    Ok(Value::String(s.into()))
}

fn number_value(n: &hcl_edit::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::Int(i)
    } else {
        Value::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

// ---------------------------------------------------------------------------
// The schema, shared by HCL and HCL-equivalent JSON

fn add_block(config: &mut Config, kind: &str, labels: &[&str], b: &dyn BlockBody) -> Result<(), ConfigError> {
    let pos = b.pos().clone();
    let want_labels = |n: usize, what: &str| -> Result<(), ConfigError> {
        if labels.len() != n {
            return Err(ConfigError::at(
                &pos,
                format!("a {kind:?} block takes {what}, found {} label(s)", labels.len()),
            ));
        }
        Ok(())
    };
    match kind {
        "policy" => {
            want_labels(1, "one label (its name)")?;
            only(b, &["source", "enforcement_level", "params"], &[])?;
            let name = labels[0].to_string();
            if config.policies.contains_key(&name) {
                return Err(ConfigError::at(&pos, format!("duplicate policy {name:?}")));
            }
            let source = required_string(b, "source")?;
            let enforcement_level = match optional(b, "enforcement_level")? {
                None => EnforcementLevel::default(),
                Some((v, vpos)) => {
                    let s = v.as_str().ok_or_else(|| ConfigError::at(&vpos, "enforcement_level must be a string"))?;
                    EnforcementLevel::parse(s).ok_or_else(|| {
                        ConfigError::at(
                            &vpos,
                            format!(
                                "invalid enforcement_level {s:?}: use \"advisory\", \"soft-mandatory\" or \"hard-mandatory\""
                            ),
                        )
                    })?
                }
            };
            let params = match optional(b, "params")? {
                None => IndexMap::new(),
                Some((v, vpos)) => string_keyed(&v, &vpos, "params")?,
            };
            config.policies.insert(name.clone(), PolicyConfig { name, source, enforcement_level, params, pos });
        }
        "module" => {
            want_labels(1, "one label (the import name)")?;
            add_module(config, labels[0], b)?;
        }
        "import" => {
            want_labels(2, "two labels (\"module\", \"plugin\" or \"static\", then the import name)")?;
            let name = labels[1];
            match labels[0] {
                "module" => add_module(config, name, b)?,
                "plugin" => {
                    only(b, &["source", "args", "env", "config"], &[])?;
                    config.check_unique_import(name, &pos)?;
                    let source = optional_string(b, "source")?;
                    let args = match optional(b, "args")? {
                        None => Vec::new(),
                        Some((v, vpos)) => string_list(&v, &vpos, "args")?,
                    };
                    let env = match optional(b, "env")? {
                        None => IndexMap::new(),
                        Some((v, vpos)) => string_keyed(&v, &vpos, "env")?
                            .into_iter()
                            .map(|(k, v)| match v.as_str() {
                                Some(s) => Ok((k, s.to_string())),
                                None => Err(ConfigError::at(&vpos, format!("env {k:?} must be a string"))),
                            })
                            .collect::<Result<_, _>>()?,
                    };
                    let config_map = match optional(b, "config")? {
                        None => Value::Map(Map::new()),
                        Some((v, _)) if v.as_map().is_some() => v,
                        Some((_, vpos)) => return Err(ConfigError::at(&vpos, "config must be a map")),
                    };
                    config.plugins.insert(
                        name.to_string(),
                        PluginConfig { name: name.to_string(), source, args, env, config: config_map, pos },
                    );
                }
                "static" => {
                    only(b, &["source", "format"], &[])?;
                    config.check_unique_import(name, &pos)?;
                    let source = required_string(b, "source")?;
                    let format = required_string(b, "format")?;
                    if format != "json" {
                        let fpos = optional(b, "format")?.map(|(_, p)| p).unwrap_or(pos.clone());
                        return Err(ConfigError::at(
                            &fpos,
                            format!("unsupported static import format {format:?}: only \"json\" exists"),
                        ));
                    }
                    config
                        .statics
                        .insert(name.to_string(), StaticConfig { name: name.to_string(), source, format, pos });
                }
                other => {
                    return Err(ConfigError::at(
                        &pos,
                        format!("unknown import kind {other:?}: use \"module\", \"plugin\" or \"static\""),
                    ))
                }
            }
        }
        "mock" => {
            want_labels(1, "one label (the import name)")?;
            only(b, &["data"], &["module"])?;
            let name = labels[0].to_string();
            if config.mocks.contains_key(&name) {
                return Err(ConfigError::at(&pos, format!("duplicate mock {name:?}")));
            }
            let data = optional(b, "data")?;
            let module = b.nested("module")?;
            let kind = match (data, module) {
                (Some(_), Some(_)) => {
                    return Err(ConfigError::at(&pos, "a mock takes either data or a module block, not both"))
                }
                (None, None) => return Err(ConfigError::at(&pos, "a mock needs data = {...} or a module block")),
                (Some((v, vpos)), None) => {
                    if v.as_map().is_none() {
                        return Err(ConfigError::at(&vpos, "mock data must be a map"));
                    }
                    MockKind::Data(v)
                }
                (None, Some(m)) => {
                    only(m.as_ref(), &["source"], &[])?;
                    MockKind::Module { source: required_string(m.as_ref(), "source")? }
                }
            };
            config.mocks.insert(name.clone(), MockConfig { name, kind, pos });
        }
        "param" | "global" => {
            want_labels(1, "one label (its name)")?;
            only(b, &["value"], &[])?;
            let name = labels[0].to_string();
            let (value, _) = optional(b, "value")?
                .ok_or_else(|| ConfigError::at(&pos, format!("the {kind} {name:?} needs a value")))?;
            let into = if kind == "param" { &mut config.params } else { &mut config.globals };
            if into.contains_key(&name) {
                return Err(ConfigError::at(&pos, format!("duplicate {kind} {name:?}")));
            }
            into.insert(name, value);
        }
        "test" => {
            want_labels(0, "no labels")?;
            only(b, &["rules"], &[])?;
            if config.test.is_some() {
                return Err(ConfigError::at(&pos, "duplicate test block"));
            }
            let rules = match optional(b, "rules")? {
                None => IndexMap::new(),
                Some((v, vpos)) => string_keyed(&v, &vpos, "rules")?,
            };
            config.test = Some(TestConfig { rules, pos });
        }
        "sentinel" => {
            want_labels(0, "no labels")?;
            only(b, &["features"], &[])?;
            if let Some((v, vpos)) = optional(b, "features")? {
                for (k, v) in string_keyed(&v, &vpos, "features")? {
                    let on = v.as_bool().ok_or_else(|| ConfigError::at(&vpos, format!("feature {k:?} must be true or false")))?;
                    config.features.insert(k, on);
                }
            }
        }
        other => {
            return Err(ConfigError::at(
                &pos,
                format!(
                    "unsupported block type {other:?}: a configuration holds policy, module, import, mock, param, global, test and sentinel blocks"
                ),
            ))
        }
    }
    Ok(())
}

fn add_module(config: &mut Config, name: &str, b: &dyn BlockBody) -> Result<(), ConfigError> {
    let pos = b.pos().clone();
    only(b, &["source"], &[])?;
    config.check_unique_import(name, &pos)?;
    let source = required_string(b, "source")?;
    config.modules.insert(name.to_string(), ModuleConfig { name: name.to_string(), source, pos });
    Ok(())
}

/// Fails on any attribute or nested block the block does not take.
fn only(b: &dyn BlockBody, attrs: &[&str], blocks: &[&str]) -> Result<(), ConfigError> {
    for (name, pos) in b.attribute_names() {
        if !attrs.contains(&name.as_str()) {
            let hint =
                if blocks.contains(&name.as_str()) { format!(" ({name} is a block here)") } else { String::new() };
            return Err(ConfigError::at(&pos, format!("unsupported argument {name:?}{hint}")));
        }
    }
    for (name, pos) in b.block_names() {
        if !blocks.contains(&name.as_str()) {
            return Err(ConfigError::at(&pos, format!("unsupported block type {name:?}")));
        }
    }
    Ok(())
}

fn optional(b: &dyn BlockBody, name: &str) -> Result<Option<(Value, Position)>, ConfigError> {
    b.attribute(name).transpose()
}

fn optional_string(b: &dyn BlockBody, name: &str) -> Result<Option<String>, ConfigError> {
    match optional(b, name)? {
        None => Ok(None),
        Some((v, pos)) => match v.as_str() {
            Some(s) => Ok(Some(s.to_string())),
            None => Err(ConfigError::at(&pos, format!("{name} must be a string"))),
        },
    }
}

fn required_string(b: &dyn BlockBody, name: &str) -> Result<String, ConfigError> {
    optional_string(b, name)?.ok_or_else(|| ConfigError::at(b.pos(), format!("missing required argument {name:?}")))
}

fn string_keyed(v: &Value, pos: &Position, what: &str) -> Result<IndexMap<String, Value>, ConfigError> {
    let m = v.as_map().ok_or_else(|| ConfigError::at(pos, format!("{what} must be a map")))?;
    m.iter()
        .map(|(k, v)| match k.as_str() {
            Some(s) => Ok((s.to_string(), v.clone())),
            None => Err(ConfigError::at(pos, format!("{what} keys must be strings"))),
        })
        .collect()
}

fn string_list(v: &Value, pos: &Position, what: &str) -> Result<Vec<String>, ConfigError> {
    let l = v.as_list().ok_or_else(|| ConfigError::at(pos, format!("{what} must be a list of strings")))?;
    l.as_slice()
        .iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| ConfigError::at(pos, format!("{what} must be a list of strings")))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// JSON (both forms), with positions

#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Array(Vec<JsonAt>),
    Object(Vec<(String, Position, JsonAt)>),
}

#[derive(Debug, Clone)]
struct JsonAt {
    json: Json,
    pos: Position,
}

impl JsonAt {
    fn to_value(&self) -> Value {
        match &self.json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => Value::Int(*i),
            Json::Float(f) => Value::Float(*f),
            Json::String(s) => Value::string(s),
            Json::Array(a) => Value::list(a.iter().map(JsonAt::to_value).collect()),
            Json::Object(o) => {
                Value::Map(Map::from_pairs(o.iter().map(|(k, _, v)| (Key::from(k.as_str()), v.to_value()))))
            }
        }
    }
    fn object(&self) -> Option<&[(String, Position, JsonAt)]> {
        match &self.json {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }
}

struct JsonParser<'a> {
    lines: &'a Lines<'a>,
    bytes: &'a [u8],
    at: usize,
    depth: u32,
}

impl JsonParser<'_> {
    fn err(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::at(&self.lines.pos(self.at), format!("invalid JSON: {}", message.into()))
    }
    fn skip_ws(&mut self) {
        while self.at < self.bytes.len() && matches!(self.bytes[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }
    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn value(&mut self) -> Result<JsonAt, ConfigError> {
        self.skip_ws();
        let pos = self.lines.pos(self.at);
        let json = match self.bytes.get(self.at) {
            None => return Err(self.err("unexpected end of input")),
            Some(b'{') => {
                self.enter()?;
                self.at += 1;
                let mut items: Vec<(String, Position, JsonAt)> = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.skip_ws();
                        let kpos = self.lines.pos(self.at);
                        if self.bytes.get(self.at) != Some(&b'"') {
                            return Err(self.err("expected a string key"));
                        }
                        let key = self.string()?;
                        if items.iter().any(|(k, _, _)| *k == key) {
                            return Err(ConfigError::at(&kpos, format!("duplicate key {key:?}")));
                        }
                        if !self.eat(b':') {
                            return Err(self.err("expected ':'"));
                        }
                        let v = self.value()?;
                        items.push((key, kpos, v));
                        if self.eat(b',') {
                            continue;
                        }
                        if self.eat(b'}') {
                            break;
                        }
                        return Err(self.err("expected ',' or '}'"));
                    }
                }
                self.depth -= 1;
                Json::Object(items)
            }
            Some(b'[') => {
                self.enter()?;
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b',') {
                            continue;
                        }
                        if self.eat(b']') {
                            break;
                        }
                        return Err(self.err("expected ',' or ']'"));
                    }
                }
                self.depth -= 1;
                Json::Array(items)
            }
            Some(b'"') => Json::String(self.string()?),
            Some(b't') => self.word("true", Json::Bool(true))?,
            Some(b'f') => self.word("false", Json::Bool(false))?,
            Some(b'n') => self.word("null", Json::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("unexpected character")),
        };
        Ok(JsonAt { json, pos })
    }
    fn enter(&mut self) -> Result<(), ConfigError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err("nested too deeply"));
        }
        Ok(())
    }
    fn word(&mut self, w: &str, j: Json) -> Result<Json, ConfigError> {
        if self.bytes[self.at..].starts_with(w.as_bytes()) {
            self.at += w.len();
            Ok(j)
        } else {
            Err(self.err("unexpected word"))
        }
    }
    fn number(&mut self) -> Result<Json, ConfigError> {
        let start = self.at;
        while self.at < self.bytes.len()
            && matches!(self.bytes[self.at], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        {
            self.at += 1;
        }
        let s = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or("");
        // Validate with serde_json, which knows JSON's number grammar.
        match serde_json::from_str::<serde_json::Number>(s) {
            Ok(n) => Ok(match n.as_i64() {
                Some(i) if !s.contains(['.', 'e', 'E']) => Json::Int(i),
                _ => Json::Float(n.as_f64().unwrap_or(f64::NAN)),
            }),
            Err(_) => {
                self.at = start;
                Err(self.err(format!("invalid number {s:?}")))
            }
        }
    }
    fn string(&mut self) -> Result<String, ConfigError> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.bytes.get(self.at) {
                None => {
                    self.at = start;
                    return Err(self.err("unterminated string"));
                }
                Some(b'"') => {
                    self.at += 1;
                    break;
                }
                Some(b'\\') => self.at += 2,
                Some(b) if *b < 0x20 => return Err(self.err("control character in a string")),
                Some(_) => self.at += 1,
            }
        }
        let raw = std::str::from_utf8(&self.bytes[start..self.at.min(self.bytes.len())]).unwrap_or("");
        serde_json::from_str::<String>(raw).map_err(|e| {
            self.at = start;
            self.err(format!("invalid string: {e}"))
        })
    }
}

fn parse_json_text(lines: &Lines<'_>) -> Result<JsonAt, ConfigError> {
    let mut p = JsonParser { lines, bytes: lines.text.as_bytes(), at: 0, depth: 0 };
    let v = p.value()?;
    p.skip_ws();
    if p.at != p.bytes.len() {
        return Err(p.err("unexpected text after the value"));
    }
    Ok(v)
}

/// The keys only the legacy form has, and those only the HCL-equivalent form has.
const LEGACY_ONLY: &[&str] = &["modules", "imports"];
const HCL_ONLY: &[&str] = &["policy", "module", "import", "sentinel"];

fn parse_json(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let lines = Lines::new(path, text);
    let root = parse_json_text(&lines)?;
    let Some(top) = root.object() else {
        return Err(ConfigError::at(&root.pos, "a configuration must be a JSON object"));
    };
    let has = |keys: &[&str]| top.iter().any(|(k, _, _)| keys.contains(&k.as_str()));
    if has(LEGACY_ONLY) {
        return parse_legacy_json(path, top);
    }
    if has(HCL_ONLY) {
        return parse_hcl_json(path, top);
    }
    // Only keys both forms share: the HCL-equivalent reading wins when it
    // fits; a file it does not fit is read as the legacy form.
    match parse_hcl_json(path, top) {
        Ok(c) => Ok(c),
        Err(hcl_err) => parse_legacy_json(path, top).map_err(|_| hcl_err),
    }
}

struct JsonBlock<'a> {
    items: &'a [(String, Position, JsonAt)],
    pos: Position,
}

impl BlockBody for JsonBlock<'_> {
    fn pos(&self) -> &Position {
        &self.pos
    }
    fn attribute_names(&self) -> Vec<(String, Position)> {
        // In JSON a nested block looks like an attribute holding an object;
        // `module` is the only nested block the schema has.
        self.items.iter().filter(|(k, _, _)| k != "module").map(|(k, p, _)| (k.clone(), p.clone())).collect()
    }
    fn block_names(&self) -> Vec<(String, Position)> {
        self.items.iter().filter(|(k, _, _)| k == "module").map(|(k, p, _)| (k.clone(), p.clone())).collect()
    }
    fn attribute(&self, name: &str) -> Option<Result<(Value, Position), ConfigError>> {
        self.items.iter().find(|(k, _, _)| k == name).map(|(_, _, v)| Ok((v.to_value(), v.pos.clone())))
    }
    fn nested<'s>(&'s self, name: &str) -> Result<Option<Box<dyn BlockBody + 's>>, ConfigError> {
        let Some((_, _, v)) = self.items.iter().find(|(k, _, _)| k == name) else { return Ok(None) };
        let body = match &v.json {
            Json::Object(o) => o,
            Json::Array(a) if a.len() == 1 && a[0].object().is_some() => {
                return Ok(Some(Box::new(JsonBlock {
                    items: a[0].object().unwrap_or_default(),
                    pos: a[0].pos.clone(),
                })))
            }
            _ => return Err(ConfigError::at(&v.pos, format!("{name:?} must be an object"))),
        };
        Ok(Some(Box::new(JsonBlock { items: body, pos: v.pos.clone() })))
    }
}

/// The bodies of a block written in JSON: an object, or a list of objects.
fn json_bodies<'a>(v: &'a JsonAt, what: &str) -> Result<Vec<JsonBlock<'a>>, ConfigError> {
    match &v.json {
        Json::Object(o) => Ok(vec![JsonBlock { items: o, pos: v.pos.clone() }]),
        Json::Array(a) => a
            .iter()
            .map(|x| match x.object() {
                Some(o) => Ok(JsonBlock { items: o, pos: x.pos.clone() }),
                None => Err(ConfigError::at(&x.pos, format!("a {what} block must be an object"))),
            })
            .collect(),
        _ => Err(ConfigError::at(&v.pos, format!("a {what} block must be an object"))),
    }
}

fn parse_hcl_json(path: &Path, top: &[(String, Position, JsonAt)]) -> Result<Config, ConfigError> {
    let mut config = Config::empty(path, ConfigFormat::Json);
    for (kind, kpos, v) in top {
        let labels_wanted = match kind.as_str() {
            "policy" | "module" | "mock" | "param" | "global" => 1,
            "import" => 2,
            "test" | "sentinel" => 0,
            other => {
                return Err(ConfigError::at(
                    kpos,
                    format!(
                        "unsupported block type {other:?}: a configuration holds policy, module, import, mock, param, global, test and sentinel blocks"
                    ),
                ))
            }
        };
        let mut stack: Vec<(Vec<&str>, &JsonAt)> = vec![(Vec::new(), v)];
        while let Some((labels, node)) = stack.pop() {
            if labels.len() == labels_wanted {
                for body in json_bodies(node, kind)? {
                    add_block(&mut config, kind, &labels, &body)?;
                }
                continue;
            }
            let Some(obj) = node.object() else {
                return Err(ConfigError::at(&node.pos, format!("a {kind:?} block needs a label here")));
            };
            // Reverse so the stack pops them in file order.
            for (label, _, child) in obj.iter().rev() {
                let mut l = labels.clone();
                l.push(label.as_str());
                stack.push((l, child));
            }
        }
    }
    Ok(config)
}

fn parse_legacy_json(path: &Path, top: &[(String, Position, JsonAt)]) -> Result<Config, ConfigError> {
    let mut config = Config::empty(path, ConfigFormat::LegacyJson);
    config.warnings.push(format!(
        "{}: legacy JSON configuration (modules, imports and a flat test map); HCL is the current format",
        path.display()
    ));
    let entries = |v: &JsonAt, what: &str| -> Result<Vec<(String, Position, JsonAt)>, ConfigError> {
        v.object().map(<[_]>::to_vec).ok_or_else(|| ConfigError::at(&v.pos, format!("{what} must be an object")))
    };
    for (key, kpos, v) in top {
        match key.as_str() {
            "mock" => {
                for (name, npos, m) in entries(v, "mock")? {
                    let kind = match &m.json {
                        Json::String(s) => MockKind::Module { source: s.clone() },
                        Json::Object(_) => MockKind::Data(m.to_value()),
                        _ => {
                            return Err(ConfigError::at(
                                &m.pos,
                                "a mock is a Sentinel file name (a string) or static data (an object)",
                            ))
                        }
                    };
                    config.mocks.insert(name.clone(), MockConfig { name, kind, pos: npos });
                }
            }
            "modules" => {
                for (name, npos, m) in entries(v, "modules")? {
                    let items = entries(&m, "a module")?;
                    let block = JsonBlock { items: &items, pos: npos.clone() };
                    only(&block, &["path"], &[])?;
                    let source = required_string(&block, "path")?;
                    config.check_unique_import(&name, &npos)?;
                    config.modules.insert(name.clone(), ModuleConfig { name, source, pos: npos });
                }
            }
            "imports" => {
                for (name, npos, m) in entries(v, "imports")? {
                    let items = entries(&m, "an import")?;
                    let block = JsonBlock { items: &items, pos: npos.clone() };
                    only(&block, &["path", "args", "env", "config"], &[])?;
                    config.check_unique_import(&name, &npos)?;
                    let source = optional_string(&block, "path")?;
                    let args = match optional(&block, "args")? {
                        None => Vec::new(),
                        Some((v, p)) => string_list(&v, &p, "args")?,
                    };
                    let env = match optional(&block, "env")? {
                        None => IndexMap::new(),
                        Some((v, p)) => string_keyed(&v, &p, "env")?
                            .into_iter()
                            .map(|(k, x)| match x.as_str() {
                                Some(s) => Ok((k, s.to_string())),
                                None => Err(ConfigError::at(&p, format!("env {k:?} must be a string"))),
                            })
                            .collect::<Result<_, _>>()?,
                    };
                    let map = match optional(&block, "config")? {
                        None => Value::Map(Map::new()),
                        Some((v, _)) if v.as_map().is_some() => v,
                        Some((_, p)) => return Err(ConfigError::at(&p, "config must be a map")),
                    };
                    config
                        .plugins
                        .insert(name.clone(), PluginConfig { name, source, args, env, config: map, pos: npos });
                }
            }
            "global" | "param" => {
                let into = if key == "global" { &mut config.globals } else { &mut config.params };
                for (name, _, x) in entries(v, key)? {
                    into.insert(name, x.to_value());
                }
            }
            "test" => {
                let rules = entries(v, "test")?.into_iter().map(|(k, _, x)| (k, x.to_value())).collect();
                config.test = Some(TestConfig { rules, pos: kpos.clone() });
            }
            other => {
                return Err(ConfigError::at(
                    kpos,
                    format!("unsupported key {other:?}: the legacy JSON form has mock, modules, imports, global, param and test"),
                ))
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("sentinel.hcl"), text)
    }
    fn json(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("case.json"), text)
    }

    #[test]
    fn every_documented_block_is_read() {
        let c = hcl(r#"
module "tfplan-functions" {
  source = "../common/tfplan-functions.sentinel"
}
import "module" "report" { source = "report.sentinel" }
import "plugin" "tfplan/v2" {
  config = { "plan_path": "./plan.json" }
}
import "plugin" "flipper" {
  source = "/path/to/flipper"
  args = ["-v"]
  env = { A = "b" }
}
import "static" "people" {
  source = "./data/people.json"
  format = "json"
}
policy "restrict" {
  source = "./restrict.sentinel"
  enforcement_level = "hard-mandatory"
  params = { "name" = "Sample", limit = -3 }
}
policy "advise" { source = "advise.sentinel" }
mock "time" {
  data = { now = { hour = 9, minute = 42.5 } }
}
mock "tfplan/v2" {
  module {
    source = "mock-tfplan.sentinel"
  }
}
param "token" { value = "" }
global "days" { value = [] }
test {
  rules = {
    main = true
    days = []
  }
}
sentinel {
  features = { apply-all = true, terraform = true }
}
"#)
        .unwrap();
        assert_eq!(c.format, ConfigFormat::Hcl);
        assert_eq!(c.modules.keys().collect::<Vec<_>>(), ["tfplan-functions", "report"]);
        assert_eq!(
            c.plugins["tfplan/v2"].config.as_map().unwrap().get_str("plan_path").and_then(Value::as_str),
            Some("./plan.json")
        );
        assert_eq!(c.plugins["flipper"].source.as_deref(), Some("/path/to/flipper"));
        assert_eq!(c.plugins["flipper"].env["A"], "b");
        assert_eq!(c.statics["people"].format, "json");
        let p = &c.policies["restrict"];
        assert_eq!(p.enforcement_level, EnforcementLevel::HardMandatory);
        assert_eq!(p.params["limit"].as_int(), Some(-3));
        assert_eq!((p.pos.line, p.pos.column), (18, 1));
        assert_eq!(c.policies["advise"].enforcement_level, EnforcementLevel::Advisory);
        match &c.mocks["time"].kind {
            MockKind::Data(v) => {
                let now = v.as_map().unwrap().get_str("now").unwrap();
                assert_eq!(now.as_map().unwrap().get_str("minute").and_then(Value::as_f64), Some(42.5));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&c.mocks["tfplan/v2"].kind, MockKind::Module { source } if source == "mock-tfplan.sentinel"));
        assert_eq!(c.params["token"].as_str(), Some(""));
        assert_eq!(c.test.as_ref().unwrap().rules["main"].as_bool(), Some(true));
        assert!(c.features["apply-all"]);
    }

    #[test]
    fn unknown_blocks_and_attributes_are_errors_with_positions() {
        let e = hcl("policy \"a\" {\n  source = \"a.sentinel\"\n  enforcement = \"advisory\"\n}\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 3), "{e}");
        assert!(e.message.contains("unsupported argument \"enforcement\""), "{e}");
        let e = hcl("\n\nrule \"x\" {}\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 1), "{e}");
        assert!(e.message.contains("unsupported block type \"rule\""), "{e}");
        let e = hcl("mock \"m\" {\n  module {\n    path = \"x\"\n  }\n}\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 5), "{e}");
        let e = hcl("policy \"a\" {\n  source = \"a\"\n  enforcement_level = \"mandatory\"\n}").unwrap_err();
        assert!(e.message.contains("invalid enforcement_level \"mandatory\""), "{e}");
        assert_eq!((e.line, e.column), (3, 23));
        assert_eq!(e.to_string(), format!("sentinel.hcl:3:23: {}", e.message));
    }

    #[test]
    fn structural_mistakes_are_errors() {
        for (text, want) in [
            ("policy \"a\" {}", "missing required argument \"source\""),
            ("policy {}", "one label"),
            ("policy \"a\" { source = \"x\" }\npolicy \"a\" { source = \"y\" }", "duplicate policy"),
            ("import \"remote\" \"x\" {}", "unknown import kind"),
            ("import \"static\" \"x\" {\n source = \"a.yaml\"\n format = \"yaml\"\n}", "only \"json\""),
            ("mock \"m\" {}", "needs data"),
            ("mock \"m\" {\n data = {}\n module { source = \"a\" }\n}", "not both"),
            ("param \"p\" {}", "needs a value"),
            ("param \"p\" { value = var.x }", "variables are not allowed"),
            ("param \"p\" { value = \"${x}\" }", "interpolations"),
            ("param \"p\" { value = upper(\"x\") }", "function calls"),
            ("test {}\ntest {}", "duplicate test"),
            ("x = 1", "only blocks"),
            ("sentinel { features = { terraform = \"yes\" } }", "true or false"),
            ("module \"m\" { source = \"a\" }\nimport \"module\" \"m\" { source = \"b\" }", "more than once"),
        ] {
            let e = hcl(text).unwrap_err();
            assert!(e.message.contains(want), "{text:?}: {e}");
            assert!(e.line >= 1 && e.column >= 1, "{text:?}: {e}");
        }
    }

    #[test]
    fn hostile_nesting_is_refused_before_parsing() {
        let deep = format!("param \"p\" {{\n  value = {}1{}\n}}\n", "[".repeat(100_000), "]".repeat(100_000));
        let e = hcl(&deep).unwrap_err();
        assert!(e.message.contains("nested more than 256 levels"), "{e}");
        assert_eq!(e.line, 2);
        // Brackets in strings and comments do not count.
        let fine = format!("# {}\nparam \"p\" {{ value = \"{}\" }}\n", "{".repeat(300), "[".repeat(300));
        assert!(hcl(&fine).is_ok());
    }

    #[test]
    fn hcl_syntax_errors_have_positions() {
        let e = hcl("policy \"a\" {\n  source = \n}\n").unwrap_err();
        assert!(e.message.starts_with("invalid HCL"), "{e}");
        assert!(e.line >= 2, "{e}");
    }

    #[test]
    fn legacy_json_cases_are_read() {
        // The form of cloud-agnostic/test/restrict-terraform-versions/*.json.
        let c = json(
            r#"{
    "mock": {
    "tfplan/v2": "mock-tfplan-fail.sentinel",
    "time": { "now": { "hour": 9 } }
  },
  "modules": { "m": { "path": "../../m.sentinel" } },
  "global": { "day": "monday" },
  "param": { "hour": 7 },
  "test": {
    "main": false
  }
}"#,
        )
        .unwrap();
        assert_eq!(c.format, ConfigFormat::LegacyJson);
        assert!(
            matches!(&c.mocks["tfplan/v2"].kind, MockKind::Module { source } if source == "mock-tfplan-fail.sentinel")
        );
        assert!(matches!(&c.mocks["time"].kind, MockKind::Data(_)));
        assert_eq!(c.modules["m"].source, "../../m.sentinel");
        assert_eq!(c.globals["day"].as_str(), Some("monday"));
        assert_eq!(c.params["hour"].as_int(), Some(7));
        assert_eq!(c.test.unwrap().rules["main"].as_bool(), Some(false));
        assert_eq!(c.warnings.len(), 1);
        // Without legacy-only keys, a flat test map still reads as legacy.
        let c = json(r#"{"mock": {"tfplan/v2": "a.sentinel"}, "test": {"main": true}}"#).unwrap();
        assert_eq!(c.format, ConfigFormat::LegacyJson);
    }

    #[test]
    fn hcl_equivalent_json_is_read() {
        let c = json(
            r#"{
  "policy": { "p": { "source": "p.sentinel", "enforcement_level": "soft-mandatory" } },
  "import": { "plugin": { "tfplan/v2": { "config": { "plan_path": "plan.json" } } } },
  "mock": { "tfrun": { "module": { "source": "mock-tfrun.sentinel" } }, "time": { "data": { "now": 1 } } },
  "param": { "limit": { "value": 3 } },
  "test": { "rules": { "main": true } }
}"#,
        )
        .unwrap();
        assert_eq!(c.format, ConfigFormat::Json);
        assert_eq!(c.policies["p"].enforcement_level, EnforcementLevel::SoftMandatory);
        assert!(c.plugins.contains_key("tfplan/v2"));
        assert!(matches!(&c.mocks["tfrun"].kind, MockKind::Module { source } if source == "mock-tfrun.sentinel"));
        assert_eq!(c.params["limit"].as_int(), Some(3));
        assert_eq!(c.test.unwrap().rules["main"].as_bool(), Some(true));
    }

    #[test]
    fn json_errors_have_positions() {
        let e = json("{\n  \"policy\": {\n    \"p\": { \"source\": \"p\", \"level\": 1 }\n  }\n}").unwrap_err();
        assert_eq!((e.line, e.column), (3, 27), "{e}");
        let e = json("{\n  \"mock\": {\n    \"a\": 1,\n  }\n}").unwrap_err();
        assert!(e.message.starts_with("invalid JSON"), "{e}");
        assert_eq!((e.line, e.column), (4, 3), "{e}");
        let e = json("{\"mock\": {}, \"mock\": {}}").unwrap_err();
        assert!(e.message.contains("duplicate key"), "{e}");
        let e = json("[1]").unwrap_err();
        assert!(e.message.contains("must be a JSON object"), "{e}");
        let e = json(&format!("{}1{}", "[".repeat(1000), "]".repeat(1000))).unwrap_err();
        assert!(e.message.contains("nested too deeply"), "{e}");
        let e = json("{\"modules\": {\"m\": {\"source\": \"x\"}}}").unwrap_err();
        assert!(e.message.contains("unsupported argument \"source\""), "{e}");
    }

    #[test]
    fn sources_resolve_beside_the_file_and_remote_ones_are_recognised() {
        let c =
            Config::parse(Path::new("/sets/aws/sentinel.hcl"), "policy \"p\" { source = \"./p.sentinel\" }").unwrap();
        assert_eq!(c.resolve("./p.sentinel"), Path::new("/sets/aws/./p.sentinel"));
        assert!(Config::is_remote("git::https://github.com/x/y.git//p.sentinel"));
        assert!(Config::is_remote("https://example.com/p.sentinel"));
        assert!(!Config::is_remote("../p.sentinel"));
    }

    #[test]
    fn merged_files_refuse_a_name_declared_twice() {
        let mut a = hcl("policy \"p\" { source = \"p.sentinel\" }").unwrap();
        let b = Config::parse(Path::new("more.hcl"), "\npolicy \"p\" { source = \"q.sentinel\" }").unwrap();
        let e = a.merge(b).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("more.hcl", 2), "{e}");
    }
}
