//! `tfgate.hcl`: which policy sets run, per-policy enforcement levels and
//! inputs, how unknown results count, waivers, what HTTP requests policies
//! may make, and the HCP Terraform context.
//!
//! ```hcl
//! unknown = "fail"                      # or "warn" / "pass"; --unknown overrides
//!
//! policy_set "builtin" {}               # the built-in library (the default when no set is named)
//! policy_set "team" {
//!   source = "./policies"               # a directory or file, relative to this file
//! }
//!
//! policy "TFG-EC2-006" {                # a policy id (all its blocks) or one block: "TFG-EC2-006/instance"
//!   enforcement_level = "advisory"
//!   inputs            = { max_hop_limit = 2 }
//! }
//!
//! waiver {
//!   policy  = "TFG-EC2-010"             # policy id, one block (`ID/label`), or `*`
//!   address = "module.bastion.aws_security_group.*"   # glob over full addresses
//!   reason  = "SSH from the office VPN only; SEC-123"
//!   owner   = "platform@example.com"
//!   expires = "2026-12-31"              # optional; an expired waiver no longer applies
//! }
//!
//! http {                                # core::gethttprequest: off unless hosts are allowed
//!   allowed_hosts   = ["policy.internal", "10.0.0.5:8080"]
//!   timeout_seconds = 10                # optional
//!   max_bytes       = 1048576           # optional
//! }
//!
//! tfe {                                 # HCP Terraform context for meta.tfe_workspace / meta.tfe_stack
//!   workspace_tags   = { env = "prod" }
//!   stack_name       = ""
//!   deployment_name  = ""
//!   deployment_group = ""
//! }
//! ```
//!
//! The file is read with `hcl-edit` and its values are constant data, as in
//! a `.tfvars` file: no policy language is needed to read it. Ids are kept
//! as written, with their places: they are turned into policy blocks once
//! the policies are loaded, so that an id that names nothing is an error
//! instead of a setting silently skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template};
use tfgate_core::{Diagnostic, EnforcementLevel, SourceFile, Span, UnknownMode};
use tfgate_plan::{AddressPattern, Number, Object, Value};

use crate::source::{read_source_at_most, SourceError};
use crate::waivers::{Waiver, WaiverScope};

/// The default name of the configuration file.
pub const CONFIG_FILE: &str = "tfgate.hcl";

/// The largest configuration file read: a configuration is a page of
/// settings, and reading an arbitrary file whole would let it exhaust memory.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The largest single value (its source text) in a configuration file.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// The most diagnostics reported for a configuration file. Each one copies
/// its source line, so thousands of mistakes on one long line would
/// otherwise cost gigabytes.
pub const MAX_DIAGNOSTICS: usize = 20;

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read as text.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// Mistakes in the file (or ids that name nothing), each at its place.
    #[error("{}", .0.iter().map(Diagnostic::render).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
}

/// Says how many diagnostics past [`MAX_DIAGNOSTICS`] were left out.
pub(crate) fn note_dropped(diags: &mut Vec<Diagnostic>, source: &SourceFile, dropped: usize) {
    if dropped > 0 {
        let s = if dropped == 1 { "" } else { "s" };
        diags.push(Diagnostic::warning(
            source,
            Span::default(),
            format!("{dropped} further error{s} not shown: fix the ones above first"),
        ));
    }
}

/// A loaded configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where the file was, for relative paths.
    pub dir: PathBuf,
    /// The file, for diagnostics about ids found unknown later.
    pub source: Option<SourceFile>,
    /// How results known only after apply count (`unknown = "fail"`, …), when set.
    pub unknown: Option<UnknownMode>,
    /// The `policy_set` blocks, in file order: the built-in library or paths.
    pub policy_sets: Vec<PolicySetSource>,
    /// `policy "ID" { … }` blocks, in file order.
    pub policies: Vec<PolicySettings>,
    /// The `waiver` blocks, in file order.
    pub waivers: Vec<Waiver>,
    /// The `http` block.
    pub http: HttpSettings,
    /// The `tfe` block: what `meta.tfe_workspace` and `meta.tfe_stack` hold.
    pub tfe: TfeContext,
}

/// The `http` block: what `core::gethttprequest` may do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpSettings {
    /// Hosts (`HOST` or `HOST:PORT`) that may be fetched over plain `http://`.
    pub allowed_hosts: Vec<String>,
    /// How long one request may take, when set.
    pub timeout: Option<std::time::Duration>,
    /// How large one response body may be, when set.
    pub max_bytes: Option<u64>,
}

/// The HCP Terraform context a policy reads in `meta.tfe_workspace.tags`
/// and `meta.tfe_stack.{stack_name, deployment_name, deployment_group}`.
/// Outside HCP Terraform all are empty, as Terraform policy documents for a
/// run that is not in a workspace or a stack; `--tfe-*` flags and the `tfe`
/// block of `tfgate.hcl` set them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TfeContext {
    /// The workspace's tags (`meta.tfe_workspace.tags`).
    pub workspace_tags: BTreeMap<String, String>,
    /// The Terraform Stacks stack name (`meta.tfe_stack.stack_name`).
    pub stack_name: String,
    /// The Stacks deployment name (`meta.tfe_stack.deployment_name`).
    pub deployment_name: String,
    /// The Stacks deployment group (`meta.tfe_stack.deployment_group`).
    pub deployment_group: String,
}

/// One `policy "ID" { … }` block, its id as written.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicySettings {
    /// The id (the label), as written.
    pub id: String,
    /// The label's place.
    pub span: Span,
    /// `enforcement_level`, when set.
    pub enforcement_level: Option<EnforcementLevel>,
    /// `inputs`, in the order written.
    pub inputs: Vec<InputSetting>,
}

/// One key of a `policy` block's `inputs`.
#[derive(Clone, Debug, PartialEq)]
pub struct InputSetting {
    /// The input's name.
    pub name: String,
    /// The key's place.
    pub span: Span,
    /// The value given.
    pub value: Value,
    /// The value's place.
    pub value_span: Span,
}

/// Where a policy set comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicySetSource {
    /// The built-in library (`source = "builtin"`).
    Builtin,
    /// A file or directory, resolved against the configuration's folder.
    Path(PathBuf),
}

/// Finds `tfgate.hcl` in `dir` (the working directory), if there is one.
pub fn discover_config(dir: &Path) -> Option<PathBuf> {
    let p = dir.join(CONFIG_FILE);
    p.is_file().then_some(p)
}

/// Reads and checks a configuration file (at most [`MAX_CONFIG_BYTES`]).
pub fn load_config(path: &Path) -> Result<Config, ConfigError> {
    let text = read_source_at_most(path, "tfgate configuration file", MAX_CONFIG_BYTES)?;
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    parse_config(SourceFile::new(path.display().to_string(), text), dir)
}

/// Parses configuration text; `dir` resolves relative paths.
pub fn parse_config(source: SourceFile, dir: PathBuf) -> Result<Config, ConfigError> {
    let parsed = hcl_edit::parser::parse_body(source.text()).map_err(|e| {
        let at = source.char_span(e.location().offset());
        ConfigError::Invalid(vec![Diagnostic::error(&source, at, "Invalid syntax").with_label(e.message().to_string())])
    })?;
    let body = RawBody::of(&parsed, Span::new(0, source.text().len()));
    let mut c = Checker { file: &source, diags: Vec::new(), dropped: 0 };
    c.schema(&body, "the tfgate configuration", &["unknown"], &["policy_set", "policy", "waiver", "http", "tfe"]);
    let mut config = Config { dir: dir.clone(), source: Some(source.clone()), ..Config::default() };

    for a in &body.attrs {
        if a.name == "unknown" {
            if let Some(s) = c.string(a) {
                match s.parse::<UnknownMode>() {
                    Ok(m) => config.unknown = Some(m),
                    Err(e) => c.error(a.expr.span, e.to_string()),
                }
            }
        }
    }
    let mut configured = BTreeSet::new();
    for b in &body.blocks {
        match b.ident {
            "policy_set" => {
                c.schema(&b.body, "a policy_set block", &["source"], &[]);
                let label = b.labels.first().map(|(l, _)| *l).unwrap_or("");
                let source = b.body.attrs.iter().find(|a| a.name == "source").and_then(|a| c.string(a));
                match source.as_deref() {
                    None | Some("builtin") if label == "builtin" || source.is_some() => {
                        config.policy_sets.push(PolicySetSource::Builtin)
                    }
                    Some(p) => config.policy_sets.push(PolicySetSource::Path(dir.join(p))),
                    None => c.error(b.ident_span, "a policy_set needs a source: \"builtin\" or a path".into()),
                }
            }
            "policy" => {
                c.schema(&b.body, "a policy block", &["enforcement_level", "inputs"], &[]);
                let Some(&(id, span)) = b.labels.first() else {
                    c.error(b.ident_span, "a policy block needs the policy id as its label".into());
                    continue;
                };
                if !configured.insert(id) {
                    c.error(span, format!("policy {id:?} is configured twice: merge the two blocks"));
                    continue;
                }
                let mut settings =
                    PolicySettings { id: id.to_string(), span, enforcement_level: None, inputs: Vec::new() };
                for a in &b.body.attrs {
                    match a.name {
                        "enforcement_level" => {
                            if let Some(s) = c.string(a) {
                                match EnforcementLevel::parse(&s) {
                                    Some(level) => settings.enforcement_level = Some(level),
                                    None => c.error(
                                        a.expr.span,
                                        format!(
                                            "unknown enforcement level {s:?}: {}",
                                            EnforcementLevel::NAMES.join(", ")
                                        ),
                                    ),
                                }
                            }
                        }
                        "inputs" => settings.inputs = c.inputs(a),
                        _ => {}
                    }
                }
                config.policies.push(settings);
            }
            "http" => {
                c.schema(&b.body, "the http block", &["allowed_hosts", "timeout_seconds", "max_bytes"], &[]);
                for a in &b.body.attrs {
                    let Some(v) = c.constant(a.expr) else { continue };
                    match a.name {
                        "allowed_hosts" => {
                            match v.as_list().map(|l| l.iter().map(Value::as_str).collect::<Option<Vec<_>>>()) {
                                Some(Some(hosts))
                                    if hosts.iter().all(|h| !h.is_empty() && !h.contains(['/', '@', ' '])) =>
                                {
                                    config.http.allowed_hosts = hosts.into_iter().map(str::to_string).collect()
                                }
                                _ => c.error(
                                    a.expr.span,
                                    "allowed_hosts must be a list of host names (or host:port)".into(),
                                ),
                            }
                        }
                        _ => match v.as_number().and_then(|n| n.as_i64()).filter(|n| *n > 0) {
                            Some(n) if a.name == "timeout_seconds" => {
                                config.http.timeout = Some(std::time::Duration::from_secs(n as u64))
                            }
                            Some(n) => config.http.max_bytes = Some(n as u64),
                            None => c.error(a.expr.span, format!("{} must be a whole number above 0", a.name)),
                        },
                    }
                }
            }
            "tfe" => {
                c.schema(
                    &b.body,
                    "the tfe block",
                    &["workspace_tags", "stack_name", "deployment_name", "deployment_group"],
                    &[],
                );
                for a in &b.body.attrs {
                    if a.name == "workspace_tags" {
                        let Some(v) = c.constant(a.expr) else { continue };
                        let tags = v.as_object().map(|o| {
                            o.iter()
                                .map(|(k, v)| v.as_str().map(|s| (k.to_string(), s.to_string())))
                                .collect::<Option<_>>()
                        });
                        match tags {
                            Some(Some(tags)) => config.tfe.workspace_tags = tags,
                            _ => c.error(a.expr.span, "workspace_tags must be a map of strings".into()),
                        }
                        continue;
                    }
                    let Some(text) = c.string(a) else { continue };
                    match a.name {
                        "stack_name" => config.tfe.stack_name = text,
                        "deployment_name" => config.tfe.deployment_name = text,
                        _ => config.tfe.deployment_group = text,
                    }
                }
            }
            "waiver" => {
                c.schema(&b.body, "a waiver block", &["policy", "address", "reason", "owner", "expires"], &[]);
                let attr = |name: &str| b.body.attrs.iter().find(|a| a.name == name);
                let get = |c: &mut Checker, name: &str| attr(name).and_then(|a| c.string(a));
                let policy = get(&mut c, "policy");
                let address = get(&mut c, "address");
                let reason = get(&mut c, "reason");
                let owner = get(&mut c, "owner");
                let expires = get(&mut c, "expires");
                if let Some(e) = &expires {
                    if !is_date(e) {
                        let span = attr("expires").map_or(b.span, |a| a.expr.span);
                        c.error(span, format!("expires must be a date YYYY-MM-DD that exists, found {e:?}"));
                    }
                }
                match (policy, address, reason) {
                    (Some(policy), Some(address), Some(reason)) if !reason.trim().is_empty() => {
                        let policy_is_star = policy == "*";
                        config.waivers.push(Waiver {
                            policy,
                            policy_at: {
                                let at = attr("policy").map_or(b.span, |a| a.expr.span);
                                at.start..at.end
                            },
                            address: AddressPattern::new(&address),
                            reason,
                            owner,
                            expires,
                            scope: if policy_is_star { WaiverScope::All } else { WaiverScope::Unresolved },
                        })
                    }
                    _ => c.error(b.ident_span, "a waiver needs policy, address and a non-empty reason".into()),
                }
            }
            _ => {}
        }
    }
    if c.diags.iter().any(Diagnostic::is_error) {
        let mut diags = c.diags;
        note_dropped(&mut diags, &source, c.dropped);
        return Err(ConfigError::Invalid(diags));
    }
    Ok(config)
}

/// An expression with its place (a part without one of its own takes its
/// parent's).
#[derive(Clone, Copy)]
struct Expr<'a> {
    e: &'a Expression,
    span: Span,
}

impl<'a> Expr<'a> {
    fn child(self, e: &'a Expression) -> Expr<'a> {
        Expr { e, span: span_of(e, self.span) }
    }
}

/// An attribute as written.
struct RawAttr<'a> {
    name: &'a str,
    name_span: Span,
    expr: Expr<'a>,
}

/// A block as written.
struct RawBlock<'a> {
    ident: &'a str,
    ident_span: Span,
    labels: Vec<(&'a str, Span)>,
    body: RawBody<'a>,
    span: Span,
}

/// A body's attributes and blocks, in file order, before any schema.
struct RawBody<'a> {
    attrs: Vec<RawAttr<'a>>,
    blocks: Vec<RawBlock<'a>>,
}

impl<'a> RawBody<'a> {
    fn of(body: &'a Body, fallback: Span) -> RawBody<'a> {
        let mut out = RawBody { attrs: Vec::new(), blocks: Vec::new() };
        for structure in body {
            match structure {
                Structure::Attribute(a) => {
                    let span = span_of(a, fallback);
                    out.attrs.push(RawAttr {
                        name: a.key.as_str(),
                        name_span: span_of(&a.key, span),
                        expr: Expr { e: &a.value, span: span_of(&a.value, span) },
                    });
                }
                Structure::Block(b) => {
                    let span = span_of(b, fallback);
                    out.blocks.push(RawBlock {
                        ident: b.ident.as_str(),
                        ident_span: span_of(&b.ident, span),
                        labels: b.labels.iter().map(|l| (l.as_str(), span_of(l, span))).collect(),
                        body: RawBody::of(&b.body, span),
                        span,
                    });
                }
            }
        }
        out
    }
}

fn span_of(s: &dyn hcl_edit::Span, fallback: Span) -> Span {
    s.span().map_or(fallback, Span::from)
}

/// Collects the diagnostics of one file.
struct Checker<'a> {
    file: &'a SourceFile,
    diags: Vec<Diagnostic>,
    /// Errors past [`MAX_DIAGNOSTICS`], counted only.
    dropped: usize,
}

impl Checker<'_> {
    fn error(&mut self, span: Span, message: String) {
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags.push(Diagnostic::error(self.file, span, message));
        } else {
            self.dropped += 1;
        }
    }

    /// Reports attributes and blocks that the schema does not know, and
    /// duplicate attributes (every one: there are at most as many as lines).
    fn schema(&mut self, body: &RawBody, what: &str, attrs: &[&str], blocks: &[&str]) {
        let mut seen = BTreeSet::new();
        for a in &body.attrs {
            if !attrs.contains(&a.name) {
                let d = Diagnostic::error(self.file, a.name_span, "Unsupported argument")
                    .with_label(format!("an argument named \"{}\" is not expected in {what}", a.name))
                    .with_suggestion(a.name, attrs.iter().copied().chain(blocks.iter().copied()));
                self.diags.push(d);
            } else if !seen.insert(a.name) {
                self.diags.push(
                    Diagnostic::error(self.file, a.name_span, "Duplicate argument")
                        .with_label(format!("\"{}\" is already set in this block", a.name)),
                );
            }
        }
        for b in &body.blocks {
            if !blocks.contains(&b.ident) {
                let d = Diagnostic::error(self.file, b.ident_span, "Unsupported block type")
                    .with_label(format!("blocks of type \"{}\" are not expected in {what}", b.ident))
                    .with_suggestion(b.ident, blocks.iter().copied().chain(attrs.iter().copied()));
                self.diags.push(d);
            }
        }
    }

    /// A value: constant data only (like a `.tfvars` file), and not too big.
    /// Computed expressions are refused because a short one (`join` over a
    /// `range`) can build a value of any size.
    fn constant(&mut self, e: Expr) -> Option<Value> {
        if e.span.end.saturating_sub(e.span.start) > MAX_VALUE_BYTES {
            self.error(
                Span::new(e.span.start, e.span.start),
                format!("this value is larger than the {} KiB a configuration value may be", MAX_VALUE_BYTES / 1024),
            );
            return None;
        }
        let data = match Data::of(e) {
            Ok(data) => data,
            Err(computed) => {
                self.error(
                    computed,
                    "a configuration value must be constant: no references, function calls, operators or interpolation"
                        .into(),
                );
                return None;
            }
        };
        match data.value() {
            Ok(v) => Some(v),
            Err(message) => {
                self.error(e.span, message);
                None
            }
        }
    }

    fn string(&mut self, a: &RawAttr) -> Option<String> {
        let v = self.constant(a.expr)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(a.expr.span, format!("\"{}\" must be a string", a.name));
                None
            }
        }
    }

    /// `inputs = { name = value, … }`, each key with its place.
    fn inputs(&mut self, a: &RawAttr) -> Vec<InputSetting> {
        let object = unparen(a.expr);
        let Expression::Object(items) = object.e else {
            self.error(a.expr.span, "inputs must be an object of input values: inputs = { name = value }".into());
            return Vec::new();
        };
        let mut out: Vec<InputSetting> = Vec::new();
        for (key, value) in items.iter() {
            let (name, span) = match key {
                ObjectKey::Ident(n) => (Some(n.as_str().to_string()), span_of(n, object.span)),
                ObjectKey::Expression(k) => {
                    let k = object.child(k);
                    (self.constant(k).and_then(|v| v.as_str().map(str::to_string)), k.span)
                }
            };
            let Some(name) = name else {
                self.error(span, "an input name must be a name or a quoted string".into());
                continue;
            };
            if out.iter().any(|i| i.name == name) {
                self.error(span, format!("input {name:?} is set twice"));
                continue;
            }
            let value = object.child(value.expr());
            if let Some(v) = self.constant(value) {
                out.push(InputSetting { name, span, value: v, value_span: value.span });
            }
        }
        out
    }
}

fn unparen(e: Expr) -> Expr {
    match e.e {
        Expression::Parenthesis(p) => unparen(e.child(p.inner())),
        _ => e,
    }
}

/// A value written as data: literals, lists and objects of them, and
/// negated literals (parentheses are only read through).
enum Data {
    Literal(Value),
    /// `-` and its operand, a literal.
    Negated(Value),
    List(Vec<Data>),
    Object(Vec<(DataKey, Data)>),
}

/// An object key: a name, or a value that must turn into a string.
enum DataKey {
    Name(String),
    Value(Data),
}

impl Data {
    /// The data `e` writes, or the place of its first part that is computed
    /// (a reference, call, operator, interpolation or directive).
    fn of(e: Expr) -> Result<Data, Span> {
        if let Some(v) = literal(e.e) {
            return Ok(Data::Literal(v));
        }
        Ok(match e.e {
            Expression::Array(items) => {
                Data::List(items.iter().map(|x| Data::of(e.child(x))).collect::<Result<_, _>>()?)
            }
            Expression::Object(items) => Data::Object(
                items
                    .iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(n) => DataKey::Name(n.as_str().to_string()),
                            ObjectKey::Expression(k) => DataKey::Value(Data::of(e.child(k))?),
                        };
                        Ok::<_, Span>((key, Data::of(e.child(v.expr()))?))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Expression::Parenthesis(p) => Data::of(e.child(p.inner()))?,
            Expression::UnaryOp(u) if *u.operator.value() == UnaryOperator::Neg => {
                Data::Negated(literal(&u.expr).ok_or(e.span)?)
            }
            _ => return Err(e.span),
        })
    }

    /// The value, or why there is none, as the `.policy.hcl` evaluator
    /// says it (an object key that is no string, a negated value that is no
    /// number). Nesting needs no limit here: `hcl-edit` refuses to parse
    /// more than 64 levels.
    fn value(&self) -> Result<Value, String> {
        Ok(match self {
            Data::Literal(v) => v.clone(),
            Data::Negated(operand) => negate(operand)?,
            Data::List(items) => Value::list(items.iter().map(Data::value).collect::<Result<_, _>>()?),
            Data::Object(items) => {
                let mut object = Object::new();
                for (key, value) in items {
                    let key = match key {
                        DataKey::Name(n) => n.clone(),
                        DataKey::Value(k) => key_string(&k.value()?)?,
                    };
                    object.insert(key, value.value()?);
                }
                Value::object(object)
            }
        })
    }
}

/// The value of a literal: `null`, a boolean, a number, or a string
/// (quoted or heredoc) without interpolation or directives.
fn literal(e: &Expression) -> Option<Value> {
    Some(match e {
        Expression::Null(_) => Value::null(),
        Expression::Bool(b) => Value::bool(*b.value()),
        Expression::Number(n) => Value::number(number(n.value())),
        Expression::String(s) => Value::string(s.value().clone()),
        Expression::StringTemplate(t) => Value::string(literal_text(t)?),
        Expression::HeredocTemplate(h) => Value::string(literal_text(&h.template)?),
        _ => return None,
    })
}

/// A template's text when it is all literal text.
fn literal_text(t: &Template) -> Option<String> {
    t.iter()
        .map(|el| match el {
            Element::Literal(s) => Some(s.value().as_str()),
            _ => None,
        })
        .collect()
}

/// A number as the `.policy.hcl` language reads it: exact when `i64` holds
/// it, otherwise by its literal text (never silently rounded).
fn number(n: &hcl_edit::Number) -> Number {
    if let Some(i) = n.as_i64() {
        Number::Int(i)
    } else if let Some(u) = n.as_u64() {
        Number::from_literal(&u.to_string()).unwrap_or(Number::Float(u as f64))
    } else {
        Number::from(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// `-v` for a literal `v`: a number, or a string holding one (Terraform
/// converts an operand as it does in a `.tfvars` file).
fn negate(v: &Value) -> Result<Value, String> {
    let n = if let Some(n) = v.as_number() {
        n.clone()
    } else if let Some(s) = v.as_str() {
        let t = s.trim();
        let bad = || format!("a number is required, but the string {v} is not a number");
        if t.is_empty() || t.contains(|c: char| c.is_alphabetic() && c != 'e' && c != 'E') {
            return Err(unsuitable(bad()));
        }
        Number::from_literal(t).ok_or_else(|| unsuitable(bad()))?
    } else if v.is_null() {
        return Err(unsuitable("a number is required, but the value is null".into()));
    } else {
        return Err(unsuitable(format!("a number is required, but the value is a {}", v.type_name())));
    };
    if let Number::Int(i) = n {
        if let Some(negated) = 0i64.checked_sub(i) {
            return Ok(Value::number(Number::Int(negated)));
        }
    }
    let r = 0.0 - n.as_f64();
    if !r.is_finite() {
        return Err("Invalid operand: the result is out of range".into());
    }
    Ok(Value::number(Number::from(r)))
}

fn unsuitable(why: String) -> String {
    format!("Invalid operand: Unsuitable value for unary operand: {why}")
}

/// An object key's text: a string, or a number or boolean written out.
fn key_string(v: &Value) -> Result<String, String> {
    if let Some(s) = v.as_str() {
        Ok(s.to_string())
    } else if let Some(n) = v.as_number() {
        Ok(n.to_string())
    } else if let Some(b) = v.as_bool() {
        Ok(b.to_string())
    } else if v.is_null() {
        Err("Invalid object key: the value is null".into())
    } else {
        Err(format!("Invalid object key: a string is required, but the value is a {}", v.type_name()))
    }
}

/// A real calendar date `YYYY-MM-DD` (`2027-02-30` is not one).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if !(b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()))
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::waivers::{apply_waivers, today};

    fn parse(text: &str) -> Result<Config, ConfigError> {
        parse_config(SourceFile::new("tfgate.hcl", text), PathBuf::from("/repo"))
    }

    #[test]
    fn a_full_configuration() {
        let c = parse(
            r#"
unknown = "warn"
policy_set "builtin" {}
policy_set "team" { source = "./policies" }
policy "TFG-EC2-006" {
  enforcement_level = "soft-mandatory"
  inputs = { max_hop_limit = 2 }
}
waiver {
  policy  = "TFG-EC2-010"
  address = "module.bastion.*"
  reason  = "office VPN only"
  owner   = "platform"
  expires = "2099-12-31"
}
"#,
        )
        .unwrap();
        assert_eq!(c.unknown, Some(UnknownMode::Warn));
        assert_eq!(
            c.policy_sets,
            vec![PolicySetSource::Builtin, PolicySetSource::Path(PathBuf::from("/repo/./policies"))]
        );
        assert_eq!(c.policies.len(), 1);
        assert_eq!(c.policies[0].id, "TFG-EC2-006");
        assert_eq!(c.policies[0].enforcement_level, Some(EnforcementLevel::MandatoryOverridable));
        assert_eq!(c.policies[0].inputs[0].name, "max_hop_limit");
        assert_eq!(c.policies[0].inputs[0].value, Value::number(2));
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.waivers[0].scope, WaiverScope::Unresolved, "ids are resolved against a policy set later");
    }

    #[test]
    fn mistakes_are_reported_with_places() {
        let e = parse("unkown = \"warn\"\nwaiver {\n  policy = \"X\"\n  address = \"a\"\n  reason = \"\"\n  expires = \"31/12/2026\"\n}\n").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("did you mean \"unknown\""), "{text}");
        assert!(text.contains("expires must be a date YYYY-MM-DD"), "{text}");
        assert!(text.contains("non-empty reason"), "{text}");
    }

    #[test]
    fn waivers_active_expired_unused() {
        let c = parse(
            r#"
waiver {
  policy = "P"
  address = "module.a[\"x\"].*"
  reason = "r"
  expires = "2030-01-01"
}
waiver {
  policy = "P"
  address = "*"
  reason = "old"
  expires = "2020-01-01"
}
waiver {
  policy = "Q"
  address = "*"
  reason = "nothing"
}
"#,
        )
        .unwrap();
        let mut c = c;
        for w in &mut c.waivers {
            w.scope = WaiverScope::Blocks(vec![w.policy.clone()]);
        }
        let f = |addr: &str, status| tfgate_core::Finding {
            policy_id: "P".into(),
            address: addr.into(),
            status,
            ..tfgate_core::Finding::default()
        };
        let mut findings = vec![
            f(r#"module.a["x"].aws_instance.web"#, tfgate_core::Status::Fail),
            f(r#"module.a["y"].aws_instance.web"#, tfgate_core::Status::Fail),
            f(r#"module.a["x"].aws_instance.ok"#, tfgate_core::Status::Pass),
        ];
        let infos = apply_waivers(&c.waivers, &mut findings, "2026-11-23");
        assert_eq!(findings[0].status, tfgate_core::Status::Waived);
        assert!(findings[0].waived_by.as_deref().unwrap().contains("expires 2030-01-01"));
        assert_eq!(findings[1].status, tfgate_core::Status::Fail, "the expired waiver no longer applies");
        assert_eq!(findings[2].status, tfgate_core::Status::Pass);
        let states: Vec<&str> = infos.iter().map(|i| i.state.as_str()).collect();
        assert_eq!(states, ["active", "expired", "unused"]);
    }

    #[test]
    fn the_example_configuration_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/config/tfgate.hcl");
        let c = load_config(&path).unwrap();
        assert_eq!(c.policy_sets.len(), 2);
        assert_eq!(c.waivers.len(), 1);
        let level = |id: &str| c.policies.iter().find(|p| p.id == id).unwrap().enforcement_level;
        assert_eq!(level("TFG-EC2-032"), Some(EnforcementLevel::MandatoryOverridable));
        assert_eq!(level("TFG-EC2-032/subnet_map_public_ip"), Some(EnforcementLevel::Advisory));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for good in ["2027-02-28", "2028-02-29", "2000-02-29", "2026-12-31", "2026-04-30"] {
            assert!(is_date(good), "{good}");
        }
        for bad in ["2027-02-30", "2027-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"] {
            assert!(!is_date(bad), "{bad}");
        }
        let e =
            parse("waiver {\n  policy = \"X\"\n  address = \"*\"\n  reason = \"r\"\n  expires = \"2027-02-30\"\n}\n")
                .unwrap_err()
                .to_string();
        assert!(e.contains("expires must be a date") && e.contains("tfgate.hcl:5:13"), "{e}");
    }

    #[test]
    fn values_are_constant_data() {
        let c = parse("policy \"P\" {\n  inputs = { a = [1, -2, \"x\"], \"b\" = { c = null } }\n}\n").unwrap();
        assert_eq!(c.policies[0].inputs.len(), 2);
        for computed in ["join(\"\", [\"a\"])", "\"${1}\"", "1 + 1", "[for i in [1] : i]", "local.x"] {
            let e = parse(&format!("policy \"P\" {{\n  inputs = {{ a = {computed} }}\n}}\n")).unwrap_err().to_string();
            assert!(e.contains("must be constant"), "{computed}: {e}");
        }
        let e = parse("policy \"P\" {\n  inputs = 3\n}\n").unwrap_err().to_string();
        assert!(e.contains("inputs must be an object"), "{e}");
        let e = parse("policy \"P\" {\n  inputs = { a = 1, \"a\" = 2 }\n}\n").unwrap_err().to_string();
        assert!(e.contains("set twice"), "{e}");
        let e = parse("policy \"P\" {}\npolicy \"P\" {}\n").unwrap_err().to_string();
        assert!(e.contains("configured twice"), "{e}");
    }

    #[test]
    fn a_huge_value_is_refused_before_it_is_built() {
        let big = "x".repeat(MAX_VALUE_BYTES + 1);
        let e = parse(&format!("policy \"P\" {{\n  inputs = {{ a = \"{big}\" }}\n}}\n")).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("larger than the 64 KiB"), "{}", &text[..200.min(text.len())]);
        assert!(text.len() < 2 * MAX_VALUE_BYTES, "the message does not repeat the value many times");
    }

    #[test]
    fn a_huge_file_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tfgate.hcl");
        let mut text = String::from("unknown = \"");
        text.push_str(&"x".repeat(MAX_CONFIG_BYTES as usize));
        text.push_str("\"\n");
        std::fs::write(&path, text).unwrap();
        let e = load_config(&path).unwrap_err().to_string();
        assert!(e.contains("tfgate.hcl") && e.contains("at most 1024 KiB (1 MiB)"), "{e}");
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert!(is_date(&t), "{t}");
        assert!(t.as_str() >= "2024-01-01");
    }

    /// What each form of value reads as, and the messages for values that
    /// are not data: the same as when the `.policy.hcl` evaluator read them.
    #[test]
    fn values_read_as_the_policy_language_reads_them() {
        let read = |v: &str| match parse(&format!("policy \"P\" {{\n  inputs = {{ a = {v} }}\n}}\n")) {
            Ok(c) => Ok(c.policies[0].inputs[0].value.to_string()),
            Err(e) => Err(e.to_string()),
        };
        for (written, value) in [
            ("-1", "-1"),
            ("-1.5", "-1.5"),
            ("18446744073709551615", "18446744073709551615"),
            ("-\"5\"", "-5"),
            ("(\"x\")", "\"x\""),
            ("{ 1 = 2, true = 3, \"k\" = null }", "{\"1\" = 2, k = null, true = 3}"),
            ("<<EOT\nhello\nEOT\n", "\"hello\\n\""),
            ("\"a$${b}\"", "\"a${b}\""),
        ] {
            assert_eq!(read(written).as_deref(), Ok(value), "{written}");
        }
        for (written, message) in [
            ("-\"x\"", "Invalid operand: Unsuitable value for unary operand: a number is required, but the string \"x\" is not a number"),
            ("-true", "Invalid operand: Unsuitable value for unary operand: a number is required, but the value is a bool"),
            ("-null", "Invalid operand: Unsuitable value for unary operand: a number is required, but the value is null"),
            ("{ null = 1 }", "Invalid object key: the value is null"),
            ("{ [1] = 1 }", "Invalid object key: a string is required, but the value is a list"),
            ("-(1)", "a configuration value must be constant"),
            ("!true", "a configuration value must be constant"),
        ] {
            let e = read(written).unwrap_err();
            assert!(e.starts_with(&format!("error: {message}")) && e.contains("tfgate.hcl:2:18"), "{written}: {e}");
        }
        // A computed part is pointed at where it is.
        let e = read("[1, f()]").unwrap_err();
        assert!(e.contains("must be constant") && e.contains("tfgate.hcl:2:22\n"), "{e}");
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(read(&deep).unwrap_err().contains("invalid nesting depth"), "hcl-edit bounds the nesting");
    }

    /// `tfgate.hcl`: a `tfe` block sets the context; an `http` block allows hosts.
    #[test]
    fn tfgate_hcl_sets_tfe_context_and_http_hosts() {
        let text = r#"tfe {
  workspace_tags   = { env = "prod" }
  stack_name       = "infra"
  deployment_name  = "production"
  deployment_group = "us-east-1"
}
http {
  allowed_hosts   = ["policy.internal", "10.0.0.5:8080"]
  timeout_seconds = 5
  max_bytes       = 4096
}
"#;
        let c = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.tfe.workspace_tags["env"], "prod");
        assert_eq!((c.tfe.stack_name.as_str(), c.tfe.deployment_name.as_str()), ("infra", "production"));
        assert_eq!(c.tfe.deployment_group, "us-east-1");
        assert_eq!(c.http.allowed_hosts, vec!["policy.internal".to_string(), "10.0.0.5:8080".to_string()]);
        assert_eq!(c.http.timeout, Some(std::time::Duration::from_secs(5)));
        assert_eq!(c.http.max_bytes, Some(4096));

        for bad in [
            "tfe {\n  workspace_tags = { env = 1 }\n}\n",
            "http {\n  allowed_hosts = [\"http://x/\"]\n}\n",
            "http {\n  timeout_seconds = 0\n}\n",
            "tfe {\n  workspace = \"x\"\n}\n",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
