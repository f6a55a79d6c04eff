//! Policy sets: a `sentinel.hcl` (or every `.hcl` in a folder, or a JSON
//! configuration) with its policies and modules, evaluated together.
//!
//! Imports resolve in layers, first match wins: mocks, then modules (a
//! module file run as a Sentinel program, its top-level names the import's
//! fields), then static data files, then whatever the caller gives
//! (standard imports, the Terraform imports built from a plan). Import
//! plugin executables are never run: importing one is an error.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::config::{Config, ConfigError, EnforcementLevel, MockKind, Position};
use crate::eval::format_value;
use crate::program::{evaluate_with_globals, load_module, Imports, Limits, Program};
use crate::scrub::Scrubber;
use crate::trace::{comment_above, ApplyReport, PolicyStatus, PolicyTrace, RuleTrace};
use crate::value::value_from_json;
use crate::value::{Key, List, Map, Value};

/// A policy set that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicySetError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A file the configuration names cannot be used.
    #[error("{pos}: {message}")]
    Source {
        /// Where the file is named.
        pos: Position,
        /// What is wrong.
        message: String,
    },
    /// A policy does not parse.
    #[error("{}", .diagnostics.join("\n"))]
    Parse {
        /// One `file:line:column: message` per problem.
        diagnostics: Vec<String>,
    },
}

/// Several import sources, asked in order; the first that answers wins
/// (for example the standard imports, then the Terraform imports).
pub struct ChainImports<'a>(pub Vec<&'a dyn Imports>);

impl Imports for ChainImports<'_> {
    fn resolve(&self, name: &str) -> Option<Value> {
        self.0.iter().find_map(|i| i.resolve(name))
    }
}

/// One policy of a set, parsed.
pub struct LoadedPolicy {
    /// Its name (the `policy` block's label, or the file stem).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// The name traces show (`restrict-ami-owners.sentinel`).
    pub display: String,
    /// Its text.
    pub source: String,
    /// The parsed program.
    pub program: Program,
    /// Its enforcement level.
    pub enforcement_level: EnforcementLevel,
    /// Parameter values from the configuration (`param` blocks, then the
    /// policy's own `params`).
    pub params: IndexMap<String, Value>,
}

/// A loaded policy set.
pub struct PolicySet {
    /// Its configuration.
    pub config: Config,
    /// Its policies, in configuration order.
    pub policies: Vec<LoadedPolicy>,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("policies", &self.policies.iter().map(|p| &p.name).collect::<Vec<_>>())
            .finish()
    }
}

/// Reads and parses a policy file; `display` is the name its positions use.
pub(crate) fn parse_policy(path: &Path, display: &str) -> Result<(String, Program), String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{display}: cannot read: {e}"))?;
    match Program::parse(display, &source) {
        Ok(p) => Ok((source, p)),
        Err(diags) => Err(diags
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message))
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

impl PolicySet {
    /// Loads a policy set from a folder (every `.hcl` in it, or
    /// `sentinel.json`) or from one configuration file.
    pub fn load(path: &Path) -> Result<PolicySet, PolicySetError> {
        let config = if path.is_dir() { Config::load_dir(path)? } else { Config::load(path)? };
        PolicySet::from_config(config)
    }

    /// Loads the policies a configuration names (and checks that its
    /// modules, mocks and static files exist).
    pub fn from_config(config: Config) -> Result<PolicySet, PolicySetError> {
        check_files(&config)?;
        let mut policies = Vec::new();
        let mut diagnostics = Vec::new();
        for p in config.policies.values() {
            let path = config.resolve(&p.source);
            let display = path.file_name().map_or_else(|| p.source.clone(), |n| n.to_string_lossy().into_owned());
            match parse_policy(&path, &display) {
                Ok((source, program)) => {
                    let mut params = config.params.clone();
                    params.extend(p.params.iter().map(|(k, v)| (k.clone(), v.clone())));
                    policies.push(LoadedPolicy {
                        name: p.name.clone(),
                        path,
                        display,
                        source,
                        program,
                        enforcement_level: p.enforcement_level,
                        params,
                    });
                }
                Err(e) => diagnostics.push(e),
            }
        }
        if !diagnostics.is_empty() {
            return Err(PolicySetError::Parse { diagnostics });
        }
        Ok(PolicySet { config, policies })
    }

    /// The plan file the Terraform imports' `import "plugin"` blocks name
    /// (`config = { plan_path = "./plan.json" }`, the Sentinel CLI's way to
    /// evaluate a plan JSON), resolved beside the configuration. Blocks
    /// that name different files are an error: one run sees one plan.
    pub fn plan_path(&self) -> Result<Option<PathBuf>, PolicySetError> {
        let mut found: Option<(PathBuf, &str)> = None;
        for p in self.config.plugins.values() {
            if !TERRAFORM_IMPORTS.contains(&p.name.as_str()) {
                continue;
            }
            let Some(v) = p.config.as_map().and_then(|m| m.get_str("plan_path").cloned()) else { continue };
            let Some(text) = v.as_str() else {
                return Err(PolicySetError::Source {
                    pos: p.pos.clone(),
                    message: "plan_path must be a string".into(),
                });
            };
            let path = self.config.resolve(text);
            match &found {
                Some((other, name)) if *other != path => {
                    return Err(PolicySetError::Source {
                        pos: p.pos.clone(),
                        message: format!(
                            "{:?} names plan {}, but {name:?} names {}: one run evaluates one plan",
                            p.name,
                            path.display(),
                            other.display()
                        ),
                    })
                }
                Some(_) => {}
                None => found = Some((path, p.name.as_str())),
            }
        }
        Ok(found.map(|(p, _)| p))
    }

    /// Evaluates every policy (or only `opts.only`) with these fallback
    /// imports, as `sentinel apply` does.
    pub fn apply(&self, fallback: &dyn Imports, opts: &ApplyOptions) -> ApplyReport {
        let mut traces = Vec::new();
        for p in &self.policies {
            if opts.only.as_ref().is_some_and(|o| *o != p.name) {
                continue;
            }
            let imports = LayeredImports::new(&self.config, fallback, &opts.limits);
            let mut params = p.params.clone();
            params.extend(opts.params.iter().map(|(k, v)| (k.clone(), v.clone())));
            let mut trace = run_policy(p, &imports, &params, &self.config.globals, &opts.limits, &opts.scrubber);
            trace.enforcement_level = p.enforcement_level;
            // As the verdict counts it: a policy that could not run blocks
            // whatever its level.
            let blocking = trace.status != PolicyStatus::Pass
                && (p.enforcement_level != EnforcementLevel::Advisory || trace.status == PolicyStatus::Error);
            traces.push(trace);
            // Without the `apply-all` feature the Sentinel CLI stops at the
            // first blocking failure; the verdict is the same either way.
            if blocking && !(opts.apply_all || self.config.features.get("apply-all").copied().unwrap_or(false)) {
                break;
            }
        }
        ApplyReport { policies: traces, trace: opts.trace }
    }
}

/// Options for [`PolicySet::apply`].
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Parameter values that override the configuration's (`-param`).
    pub params: IndexMap<String, Value>,
    /// Evaluation budgets.
    pub limits: Limits,
    /// What to hide in every text the run produces.
    pub scrubber: Scrubber,
    /// Show the trace of passing policies too (`-trace`).
    pub trace: bool,
    /// Evaluate only the policy of this name.
    pub only: Option<String>,
    /// Evaluate every policy even after a blocking failure (as the
    /// `apply-all` feature of the `sentinel` block does).
    pub apply_all: bool,
}

/// Fails when a file the configuration names is remote or missing.
pub(crate) fn check_files(config: &Config) -> Result<(), PolicySetError> {
    let mut named: Vec<(&str, &Position)> = Vec::new();
    named.extend(config.policies.values().map(|p| (p.source.as_str(), &p.pos)));
    named.extend(config.modules.values().map(|m| (m.source.as_str(), &m.pos)));
    named.extend(config.statics.values().map(|s| (s.source.as_str(), &s.pos)));
    for m in config.mocks.values() {
        if let MockKind::Module { source } = &m.kind {
            named.push((source.as_str(), &m.pos));
        }
    }
    for (source, pos) in named {
        if Config::is_remote(source) {
            return Err(PolicySetError::Source {
                pos: pos.clone(),
                message: format!(
                    "remote source {source:?} is not fetched by tfgate: download it and name the local file"
                ),
            });
        }
        let path = config.resolve(source);
        if !path.is_file() {
            return Err(PolicySetError::Source { pos: pos.clone(), message: format!("{source:?}: no such file") });
        }
    }
    Ok(())
}

/// Evaluates one policy and shapes the result as a trace. Every text in it
/// (prints, the error, string values of rules) is scrubbed.
pub(crate) fn run_policy(
    p: &LoadedPolicy,
    imports: &LayeredImports<'_>,
    params: &IndexMap<String, Value>,
    globals: &IndexMap<String, Value>,
    limits: &Limits,
    scrubber: &Scrubber,
) -> PolicyTrace {
    let description = p.program.description().unwrap_or_default().to_string();
    let mut trace = PolicyTrace {
        policy: p.display.clone(),
        status: PolicyStatus::Error,
        description: description.clone(),
        prints: String::new(),
        rules: Vec::new(),
        error: None,
        enforcement_level: p.enforcement_level,
        main: Value::Undefined,
    };
    let ev = evaluate_with_globals(&p.program, imports, params, globals, limits);
    // A policy that read a sensitive value may show it in anything it
    // produced, in any form (split, upper-cased, encoded): withhold it all.
    let withheld = ev.sensitive_read;
    let withhold = |v: &Value| if withheld { Value::sensitive(v.clone()) } else { scrub_value(v, scrubber) };
    trace.prints = if withheld { format!("{}\n", crate::WITHHELD) } else { scrubber.scrub_string(ev.prints) };
    let mut rules: Vec<RuleTrace> = Vec::new();
    for r in ev.rules {
        let in_policy = r.file == p.display;
        // The evaluator places a rule at its variable, as the Sentinel CLI's traces do.
        let column = r.column;
        let rule = RuleTrace {
            description: if in_policy { comment_above(&p.source, r.line) } else { String::new() },
            offset: if in_policy { offset_of(&p.source, r.line, column) } else { 0 },
            // `main`'s bool is the verdict, shown in any case.
            value: match r.value.as_bool() {
                Some(b) if r.name == "main" && in_policy => Value::Bool(b),
                _ => withhold(&r.value),
            },
            name: r.name,
            file: r.file,
            line: r.line,
            column,
        };
        // A rule evaluated twice (it cannot change) is shown once.
        rules.retain(|x| !(x.name == rule.name && x.file == rule.file));
        rules.push(rule);
    }
    // `main` first, the others in the order they were evaluated.
    if let Some(i) = rules.iter().position(|r| r.name == "main" && r.file == p.display) {
        let main = rules.remove(i);
        rules.insert(0, main);
    }
    trace.rules = rules;
    match ev.outcome {
        Ok(v) => {
            trace.status = PolicyStatus::of_main(&v);
            // A bool `main` is the verdict, shown in any case.
            trace.main = match v.as_bool() {
                Some(b) => Value::Bool(b),
                None => withhold(&v),
            };
        }
        Err(e) => {
            let text = if withheld { crate::WITHHELD } else { &e.message };
            let mut message = format!("{}:{}:{}: {}", e.file, e.line, e.column, text);
            for extra in imports.take_errors() {
                if !withheld {
                    message.push('\n');
                    message.push_str(&extra);
                }
            }
            trace.error = Some(scrubber.scrub_string(message));
        }
    }
    trace
}

/// The byte offset of a one-based line and column (in characters).
fn offset_of(source: &str, line: u32, column: u32) -> usize {
    let start: usize = source.split_inclusive('\n').take(line.saturating_sub(1) as usize).map(str::len).sum();
    let rest = &source[start.min(source.len())..];
    start + rest.chars().take(column.saturating_sub(1) as usize).map(char::len_utf8).sum::<usize>()
}

/// A value with every string (and string key) scrubbed.
pub(crate) fn scrub_value(v: &Value, s: &Scrubber) -> Value {
    if s.is_empty() {
        return v.clone();
    }
    // A sensitive value stays wrapped (it shows as a placeholder).
    let Some(plain) = v.unsensitive() else {
        return v.clone();
    };
    match plain {
        Value::String(x) => match s.scrub(x) {
            std::borrow::Cow::Borrowed(_) => v.clone(),
            std::borrow::Cow::Owned(o) => Value::String(o.into()),
        },
        Value::List(l) => Value::List(List::new(l.as_slice().iter().map(|x| scrub_value(x, s)).collect())),
        Value::Map(m) => Value::Map(Map::from_pairs(m.iter().map(|(k, x)| {
            let k = match k {
                Key::String(ks) => Key::String(s.scrub(ks).into_owned().into()),
                other => other.clone(),
            };
            (k, scrub_value(x, s))
        }))),
        other => other.clone(),
    }
}

/// The Terraform imports, whose `plan_path` configuration tfgate reads.
const TERRAFORM_IMPORTS: &[&str] =
    &["tfplan/v2", "tfplan", "tfconfig/v2", "tfconfig", "tfstate/v2", "tfstate", "tfrun"];

/// Where an import comes from, before it is first used.
enum Source {
    Data(Value),
    File(PathBuf, String),
    Static(PathBuf, String),
    Plugin(String),
}

/// The layered imports of one run: mocks, modules, static files, then the
/// fallback. Module and mock files are run on first use and kept.
pub struct LayeredImports<'a> {
    sources: IndexMap<String, Source>,
    fallback: &'a dyn Imports,
    limits: Limits,
    cache: RefCell<HashMap<String, Option<Value>>>,
    loading: RefCell<Vec<String>>,
    errors: RefCell<Vec<String>>,
}

impl<'a> LayeredImports<'a> {
    /// The imports a configuration declares, over `fallback`.
    pub fn new(config: &Config, fallback: &'a dyn Imports, limits: &Limits) -> LayeredImports<'a> {
        let mut sources = IndexMap::new();
        let shown = |source: &str| source.to_string();
        // Lowest layer first, so a higher layer replaces a name.
        for p in config.plugins.values() {
            if let Some(exe) = &p.source {
                sources.insert(
                    p.name.clone(),
                    Source::Plugin(format!("an import plugin ({exe}); tfgate does not run plugin executables")),
                );
                continue;
            }
            // A standard or Terraform import's configuration: only the
            // plan file of the Terraform imports is understood (the caller
            // reads it through `PolicySet::plan_path`). Anything else would
            // change what the import answers, so it must not be ignored.
            let keys: Vec<String> = p
                .config
                .as_map()
                .map(|m| m.iter().filter_map(|(k, _)| k.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let understood = TERRAFORM_IMPORTS.contains(&p.name.as_str());
            // `schemas_path` (first-generation imports) only helps the real
            // plugin type values; the plan JSON carries what tfgate needs.
            let unknown: Vec<String> =
                keys.into_iter().filter(|k| !(understood && (k == "plan_path" || k == "schemas_path"))).collect();
            if !unknown.is_empty() {
                sources.insert(
                    p.name.clone(),
                    Source::Plugin(format!("configured with {} which tfgate does not support", unknown.join(", "))),
                );
            }
        }
        for s in config.statics.values() {
            sources.insert(s.name.clone(), Source::Static(config.resolve(&s.source), shown(&s.source)));
        }
        for m in config.modules.values() {
            sources.insert(m.name.clone(), Source::File(config.resolve(&m.source), shown(&m.source)));
        }
        for m in config.mocks.values() {
            let src = match &m.kind {
                MockKind::Data(v) => Source::Data(v.clone()),
                MockKind::Module { source } => Source::File(config.resolve(source), shown(source)),
            };
            sources.insert(m.name.clone(), src);
        }
        LayeredImports {
            sources,
            fallback,
            limits: limits.clone(),
            cache: RefCell::new(HashMap::new()),
            loading: RefCell::new(Vec::new()),
            errors: RefCell::new(Vec::new()),
        }
    }

    /// The problems met while loading imports (a module that does not parse
    /// or fails), oldest first; taken, so each is reported once.
    pub fn take_errors(&self) -> Vec<String> {
        std::mem::take(&mut *self.errors.borrow_mut())
    }

    fn fail(&self, message: String) -> Option<Value> {
        self.errors.borrow_mut().push(message);
        None
    }

    fn build(&self, name: &str, source: &Source) -> Option<Value> {
        match source {
            Source::Data(v) => Some(v.clone()),
            Source::Plugin(why) => self.fail(format!("import {name:?} is {why}")),
            Source::Static(path, shown) => {
                let text = match std::fs::read_to_string(path) {
                    Ok(t) => t,
                    Err(e) => return self.fail(format!("{shown}: cannot read static import {name:?}: {e}")),
                };
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(j) => Some(value_from_json(&j)),
                    Err(e) => self.fail(format!("{shown}:{}:{}: invalid JSON: {e}", e.line(), e.column())),
                }
            }
            Source::File(path, shown) => {
                let (_, program) = match parse_policy(path, shown) {
                    Ok(x) => x,
                    Err(e) => return self.fail(e),
                };
                match load_module(&program, self, &self.limits) {
                    Ok(v) => Some(v),
                    Err(e) => self.fail(format!("{}:{}:{}: {}", e.file, e.line, e.column, e.message)),
                }
            }
        }
    }
}

impl Imports for LayeredImports<'_> {
    fn resolve(&self, name: &str) -> Option<Value> {
        let Some(source) = self.sources.get(name) else {
            return self.fallback.resolve(name);
        };
        if let Some(v) = self.cache.borrow().get(name) {
            return v.clone();
        }
        if self.loading.borrow().iter().any(|n| n == name) {
            let chain = self.loading.borrow().join(" -> ");
            return self.fail(format!("import cycle: {chain} -> {name}"));
        }
        self.loading.borrow_mut().push(name.to_string());
        let v = self.build(name, source);
        self.loading.borrow_mut().pop();
        self.cache.borrow_mut().insert(name.to_string(), v.clone());
        v
    }
}

/// How a value is written in an expectation message: strings quoted,
/// everything else as Sentinel prints it.
pub(crate) fn shown(v: &Value) -> String {
    // A withheld (sensitive) value is shown as the placeholder, unread.
    let Some(v) = v.unsensitive() else {
        return crate::REDACTED.to_string();
    };
    match v {
        Value::String(s) => serde_json::to_string(&**s).unwrap_or_default(),
        other => format_value(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::NoImports;

    #[test]
    fn offsets_count_bytes_up_to_the_column() {
        let src = "a = 1\nmain = rule { true }\n";
        assert_eq!(offset_of(src, 2, 1), 6);
        assert_eq!(offset_of(src, 2, 8), 13);
        assert_eq!(offset_of("é = 1\nx", 1, 3), 3);
    }

    #[test]
    fn rules_are_placed_at_their_assignment() {
        // The Sentinel CLI's traces place a rule at its variable
        // (`policy.sentinel:2:1 - Rule "main"`), not at the `rule` keyword.
        let src = "x = 1\nmain = rule { is_ok }\n  is_ok = rule when x is 1 { true }\n";
        let program = Program::parse("p.sentinel", src).unwrap();
        let ev = crate::evaluate(&program, &crate::NoImports, &IndexMap::new(), &Limits::default());
        let mut placed: Vec<_> = ev.rules.iter().map(|r| (r.name.as_str(), r.line, r.column)).collect();
        placed.sort();
        assert_eq!(placed, [("is_ok", 3, 3), ("main", 2, 1)]);
    }

    #[test]
    fn json_values_keep_integers() {
        let v = value_from_json(&serde_json::json!({"n": 3, "f": 1.5, "l": [true, null]}));
        let m = v.as_map().unwrap();
        assert_eq!(m.get_str("n").and_then(Value::as_int), Some(3));
        assert_eq!(m.get_str("f").and_then(Value::as_f64), Some(1.5));
        assert_eq!(m.get_str("l").and_then(Value::as_list).map(List::len), Some(2));
    }

    #[test]
    fn a_withheld_rule_value_is_shown_as_a_placeholder() {
        // `sentinel test`'s "expected ..., got: X" message uses `shown`.
        let v = Value::sensitive(Value::list(vec![Value::from("s3cret-long")]));
        assert_eq!(shown(&v), "(sensitive value)");
        let s = Scrubber::new(["other-secret"]);
        assert!(scrub_value(&v, &s).is_sensitive(), "scrubbing keeps the mark");
    }

    #[test]
    fn scrubbed_values_lose_secrets_in_strings_and_keys() {
        let s = Scrubber::new(["hunter2-long"]);
        let v = Value::map_from([("hunter2-long", Value::list(vec![Value::from("pw hunter2-long")]))]);
        let out = format!("{:?}", scrub_value(&v, &s));
        assert!(!out.contains("hunter2-long"), "{out}");
    }

    #[test]
    fn remote_and_missing_sources_are_refused() {
        let c = Config::parse(
            Path::new("/nonexistent/sentinel.hcl"),
            "policy \"p\" {\n  source = \"git::https://example.com/p.git//p.sentinel\"\n}",
        )
        .unwrap();
        let e = PolicySet::from_config(c).unwrap_err();
        assert!(e.to_string().starts_with("/nonexistent/sentinel.hcl:1:1: remote source"), "{e}");
        let c = Config::parse(Path::new("/nonexistent/sentinel.hcl"), "\nmodule \"m\" { source = \"m.sentinel\" }")
            .unwrap();
        let e = PolicySet::from_config(c).unwrap_err();
        assert_eq!(e.to_string(), "/nonexistent/sentinel.hcl:2:1: \"m.sentinel\": no such file");
    }

    #[test]
    fn a_plugin_executable_is_never_run_and_the_plan_path_is_found() {
        let c = Config::parse(
            Path::new("/sets/sentinel.hcl"),
            "import \"plugin\" \"flip\" { source = \"/bin/flip\" }\nimport \"plugin\" \"tfplan/v2\" {\n  config = { plan_path = \"./plan.json\" }\n}",
        )
        .unwrap();
        let set = PolicySet { config: c, policies: Vec::new() };
        assert_eq!(set.plan_path().unwrap(), Some(PathBuf::from("/sets/./plan.json")));
        let imports = LayeredImports::new(&set.config, &NoImports, &Limits::default());
        assert!(imports.resolve("flip").is_none());
        assert!(imports.take_errors()[0].contains("does not run plugin executables"));
        // tfplan/v2 has no executable: it falls through to the fallback.
        assert!(imports.resolve("tfplan/v2").is_none());
        assert!(imports.take_errors().is_empty());
    }

    #[test]
    fn terraform_imports_must_agree_on_the_plan() {
        let c = Config::parse(
            Path::new("/sets/sentinel.hcl"),
            "import \"plugin\" \"tfplan/v2\" {\n  config = { plan_path = \"a.json\" }\n}\nimport \"plugin\" \"tfconfig/v2\" {\n  config = { plan_path = \"b.json\" }\n}\n",
        )
        .unwrap();
        let e = PolicySet { config: c, policies: Vec::new() }.plan_path().unwrap_err();
        assert!(e.to_string().starts_with("/sets/sentinel.hcl:4:1: \"tfconfig/v2\" names plan"), "{e}");
        let c = Config::parse(
            Path::new("/sets/sentinel.hcl"),
            "import \"plugin\" \"tfplan/v2\" {\n  config = { plan_path = \"a.json\" }\n}\nimport \"plugin\" \"tfstate/v2\" {\n  config = { plan_path = \"a.json\" }\n}\n",
        )
        .unwrap();
        assert_eq!(
            PolicySet { config: c, policies: Vec::new() }.plan_path().unwrap(),
            Some(PathBuf::from("/sets/a.json"))
        );
    }

    #[test]
    fn a_standard_import_configuration_tfgate_does_not_understand_is_refused() {
        struct Std;
        impl Imports for Std {
            fn resolve(&self, _: &str) -> Option<Value> {
                Some(Value::from("standard"))
            }
        }
        let c = Config::parse(
            Path::new("sentinel.hcl"),
            "import \"plugin\" \"time\" {\n  config = { timezone = \"Australia/Brisbane\" }\n}\nimport \"plugin\" \"tfrun\" {\n  config = { plan_path = \"p.json\", organization = \"x\" }\n}\nimport \"plugin\" \"strings\" {}",
        )
        .unwrap();
        let imports = LayeredImports::new(&c, &Std, &Limits::default());
        assert!(imports.resolve("time").is_none());
        assert!(imports.take_errors()[0].contains("configured with timezone which tfgate does not support"));
        assert!(imports.resolve("tfrun").is_none());
        assert!(imports.take_errors()[0].contains("configured with organization"));
        // A block without configuration changes nothing.
        assert_eq!(imports.resolve("strings").unwrap().as_str(), Some("standard"));
    }

    #[test]
    fn chained_imports_answer_in_order() {
        struct One(&'static str, &'static str);
        impl Imports for One {
            fn resolve(&self, name: &str) -> Option<Value> {
                (name == self.0).then(|| Value::from(self.1))
            }
        }
        let (a, b, c) = (One("x", "first"), One("x", "second"), One("y", "third"));
        let chain = ChainImports(vec![&a, &b, &c]);
        assert_eq!(chain.resolve("x").unwrap().as_str(), Some("first"));
        assert_eq!(chain.resolve("y").unwrap().as_str(), Some("third"));
        assert!(chain.resolve("z").is_none());
    }

    #[test]
    fn mock_data_wins_over_modules_and_the_fallback() {
        struct Std;
        impl Imports for Std {
            fn resolve(&self, name: &str) -> Option<Value> {
                (name == "time" || name == "strings").then(|| Value::from("standard"))
            }
        }
        let c = Config::parse(Path::new("case.hcl"), "mock \"time\" {\n  data = { now = 1 }\n}").unwrap();
        let imports = LayeredImports::new(&c, &Std, &Limits::default());
        assert!(imports.resolve("time").unwrap().as_map().is_some());
        assert_eq!(imports.resolve("strings").unwrap().as_str(), Some("standard"));
        assert!(imports.resolve("nothing").is_none());
    }
}
