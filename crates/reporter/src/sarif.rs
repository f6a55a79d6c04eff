//! SARIF 2.1.0, for code scanning: one rule per policy, one result per
//! finding that is not a pass, located by the `.tf` block of its target when
//! the finding has a source location (else by the plan file), and by the
//! resource address (logical, with its module as the parent).
//!
//! Every URI is relative, against `%SRCROOT%` (the directory tfgate ran in:
//! the checkout's root in CI), as code scanning resolves them.
//!
//! Hand-written serde structs cover only what tfgate fills in; a test
//! validates the output against the OASIS schema.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::text::{local_address, module_prefixes};
use crate::{
    Effect, EnforcementLevel, Finding, PolicyInfo, RenderOptions, Report, ReportError, Severity, Status, TargetKind,
    UnknownMode,
};

const SCHEMA_URI: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/tfgate/tfgate";
/// Where the built-in policies' pages are (`TFG-EC2-001.md`).
const POLICY_DOCS: &str = "https://github.com/tfgate/tfgate/blob/main/docs/policies/";
/// The base every relative URI is resolved against.
const SRCROOT: &str = "%SRCROOT%";
/// The key of our partial fingerprint; bump the suffix if its inputs change.
pub const FINGERPRINT_KEY: &str = "tfgateFinding/v1";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, BaseId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

/// What `%SRCROOT%` stands for; no absolute path (it would differ per runner).
#[derive(Serialize)]
struct BaseId {
    description: Message,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    version: String,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties {
    tags: Vec<String>,
    /// GitHub code scanning ranks security alerts by this CVSS-like score.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    enforcement_level: &'static str,
    target: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    source: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    exit_code: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_configuration_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocationRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    /// Only with a relative `uri` (the specification forbids it otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocationRef {
    index: usize,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    status: &'static str,
    enforcement_level: &'static str,
    plan: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    module_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    module_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute_path: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    overridden: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    gate_passed: bool,
    unknown_mode: UnknownMode,
    summary: String,
}

/// Writes `report` as a SARIF 2.1.0 log into `writer`.
pub fn write(report: &Report, options: &RenderOptions, writer: &mut dyn std::io::Write) -> Result<(), ReportError> {
    let mut rules = Rules::default();
    for p in &report.policies {
        rules.add(p);
    }
    let mut locations = LogicalLocations::default();
    let mut results = Vec::new();
    let base = options.base_dir.as_deref();
    for f in &report.findings {
        if f.status == Status::Pass && !options.verbose {
            continue;
        }
        let rule_index = rules.index_of(f);
        results.push(result(f, rule_index, &mut locations, base));
    }
    let mut rules = rules.rules;
    unique_names(&mut rules);

    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: if report.tool.name.is_empty() { "tfgate".to_string() } else { report.tool.name.clone() },
                    version: report.tool.version.clone(),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            invocations: vec![invocation(report, base)],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseId {
                    description: Message {
                        text: "The directory tfgate ran in (the repository's root in CI).".to_string(),
                    },
                },
            )]),
            logical_locations: locations.list,
            results,
            properties: RunProperties {
                gate_passed: report.gate.passed,
                unknown_mode: report.gate.unknown_mode,
                summary: report.gate.summary.clone(),
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *writer, &log).map_err(|e| match e.io_error_kind() {
        // A failed writer is a write error, not a serialization one.
        Some(_) => ReportError::Io(e.into()),
        None => ReportError::Json(e),
    })?;
    writer.write_all(b"\n")?;
    Ok(())
}

/// Rules by policy id; a finding whose policy is missing from the report
/// still gets a (minimal) rule, so every result has one.
#[derive(Default)]
struct Rules {
    rules: Vec<Rule>,
    by_id: HashMap<String, usize>,
}

impl Rules {
    fn add(&mut self, p: &PolicyInfo) -> usize {
        if let Some(&i) = self.by_id.get(&p.id) {
            return i;
        }
        self.rules.push(rule(p));
        self.by_id.insert(p.id.clone(), self.rules.len() - 1);
        self.rules.len() - 1
    }

    fn index_of(&mut self, f: &Finding) -> usize {
        match self.by_id.get(&*f.policy_id) {
            Some(&i) => i,
            None => self.add(&PolicyInfo {
                id: f.policy_id.to_string(),
                name: f.policy_name.to_string(),
                severity: f.severity,
                enforcement_level: f.enforcement_level,
                target_kind: f.target_kind,
                ..PolicyInfo::default()
            }),
        }
    }
}

fn rule(p: &PolicyInfo) -> Rule {
    let title = p.title.clone().unwrap_or_else(|| p.name.clone());
    let description = p.description.clone().unwrap_or_else(|| title.clone());

    let mut text = description.clone();
    let mut markdown = format!("**{title}**\n\n{description}");
    if !p.controls.is_empty() {
        text.push_str(&format!("\n\nControls: {}", p.controls.join(", ")));
        markdown.push_str(&format!("\n\nControls: {}", p.controls.join(", ")));
    }
    if let Some(uri) = p.help_uri.clone().or_else(|| help_uri(p)) {
        text.push_str(&format!("\n\nMore: {uri}"));
        markdown.push_str(&format!("\n\n[Documentation]({uri})"));
    }

    // Tags must be distinct (the schema says so); keep the policy's order.
    let mut tags: Vec<String> = Vec::new();
    for tag in std::iter::once("terraform".to_string()).chain(p.controls.iter().cloned()) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }

    Rule {
        id: p.id.clone(),
        name: p.name.clone(),
        short_description: Message { text: title },
        full_description: Message { text: description },
        help: Help { text, markdown },
        help_uri: help_uri(p),
        default_configuration: Configuration { level: level_of(p.enforcement_level, p.severity) },
        properties: RuleProperties {
            tags,
            security_severity: p.severity.map(security_severity),
            enforcement_level: p.enforcement_level.as_str(),
            target: format!("{}:{}", p.target_kind.as_str(), p.target),
            source: p.source.clone(),
        },
    }
}

/// The policy's own documentation link when it is an absolute URI (the
/// schema wants one; anything else stays in the help text), else, for a
/// built-in policy, its page in `docs/policies/` (named by the policy id
/// without the block label: `TFG-EC2-001.md`).
fn help_uri(p: &PolicyInfo) -> Option<String> {
    if let Some(uri) = p.help_uri.as_deref().filter(|u| is_absolute_uri(u)) {
        return Some(uri.to_string());
    }
    if !p.source.starts_with("builtin:") {
        return None;
    }
    let page = p.id.split('/').next().unwrap_or(&p.id);
    let uri = format!("{POLICY_DOCS}{}.md", path_to_uri(page));
    is_absolute_uri(&uri).then_some(uri)
}

/// Rule names are the policy blocks' labels, which repeat across policies
/// (`TFG-EC2-010/ingress_rule`, `TFG-EC2-011/ingress_rule`): a name two
/// rules share becomes the rule's id, which is unique.
fn unique_names(rules: &mut [Rule]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for r in rules.iter() {
        *count.entry(r.name.clone()).or_default() += 1;
    }
    for r in rules.iter_mut() {
        if r.name.is_empty() || count[&r.name] > 1 {
            r.name = r.id.clone();
        }
    }
}

/// Mandatory levels block the gate: `error`. Advisory is a `warning`,
/// or a `note` for informational policies.
fn level_of(level: EnforcementLevel, severity: Option<Severity>) -> &'static str {
    match (level, severity) {
        (EnforcementLevel::Advisory, Some(Severity::Info)) => "note",
        (EnforcementLevel::Advisory, _) => "warning",
        _ => "error",
    }
}

/// Scores GitHub maps back to critical/high/medium/low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn result(f: &Finding, rule_index: usize, locations: &mut LogicalLocations, base: Option<&Path>) -> SarifResult {
    let (kind, level) = match f.status {
        Status::Pass => (Some("pass"), "none"),
        Status::Error => (None, "error"),
        // What blocks the gate is an error, whatever the status says.
        _ if f.effect == Effect::Blocks => (None, "error"),
        // Overridden: accepted for this run, so it warns and never errors.
        Status::Fail if f.overridden => (None, "warning"),
        Status::Fail | Status::Waived => (None, level_of(f.enforcement_level, f.severity)),
        // An unknown that does not block (`--unknown warn` or `pass`).
        Status::Unknown => (None, "warning"),
    };
    let suppressions = if f.status == Status::Waived {
        vec![Suppression {
            kind: "external",
            status: "accepted",
            justification: f.waived_by.clone().unwrap_or_else(|| "waived".to_string()),
        }]
    } else {
        Vec::new()
    };
    let mut text = format!("{}: {}", f.address, f.message);
    if f.status == Status::Unknown {
        text.push_str(" (unknown until apply)");
    }
    SarifResult {
        rule_id: f.policy_id.to_string(),
        rule_index,
        kind,
        level,
        message: Message { text },
        locations: vec![Location {
            physical_location: match &f.location {
                Some(at) => PhysicalLocation {
                    artifact_location: artifact(&at.file, base),
                    region: Some(Region {
                        start_line: at.start_line.max(1),
                        end_line: Some(at.end_line.max(at.start_line).max(1)),
                    }),
                },
                None => plan_location(&f.plan, base),
            },
            logical_locations: vec![locations.for_finding(f)],
        }],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(f))]),
        suppressions,
        properties: ResultProperties {
            status: f.status.as_str(),
            enforcement_level: f.enforcement_level.as_str(),
            plan: f.plan.to_string(),
            module_path: f.module_path.to_string(),
            module_source: f.module_source.as_deref().map(str::to_string),
            module_version: f.module_version.as_deref().map(str::to_string),
            attribute_path: f.attribute_path.clone(),
            overridden: f.overridden,
        },
    }
}

/// Identifies a finding across runs: the policy, the plan file and the
/// address, never the message (which may change wording or values).
pub fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    for part in [&f.policy_id, &f.plan, &f.address] {
        h.update(part.as_bytes());
        h.update([0u8]); // separator: ("ab","c") and ("a","bc") differ
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn plan_location(plan: &str, base: Option<&Path>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: artifact(plan, base),
        // A plan has no meaningful line for a resource, but code scanning
        // needs `startLine` to place an alert: use the file's first line.
        region: Some(Region { start_line: 1, end_line: None }),
    }
}

/// A file's location: relative to `%SRCROOT%`. An absolute path is made
/// relative to `base` (the directory tfgate ran in); without one it can
/// only be an absolute `file` URI, which takes no base.
fn artifact(path: &str, base: Option<&Path>) -> ArtifactLocation {
    let absolute = Path::new(path).is_absolute() || path.starts_with('/') || path.starts_with('\\');
    match (absolute, base) {
        (false, _) => ArtifactLocation { uri: path_to_uri(path), uri_base_id: Some(SRCROOT) },
        (true, Some(base)) => {
            ArtifactLocation { uri: path_to_uri(&relative_to(base, Path::new(path))), uri_base_id: Some(SRCROOT) }
        }
        (true, None) => {
            let uri = path_to_uri(path);
            let uri = if uri.starts_with('/') { format!("file://{uri}") } else { format!("file:///{uri}") };
            ArtifactLocation { uri, uri_base_id: None }
        }
    }
}

/// `path` relative to `base`, lexically (`..` where it lies outside),
/// `/`-separated; both absolute.
fn relative_to(base: &Path, path: &Path) -> String {
    fn parts(p: &Path) -> Vec<Component<'_>> {
        let mut out = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    }
    let (base, path) = (parts(base), parts(path));
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".to_string(); base.len() - common];
    out.extend(path[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if out.is_empty() {
        ".".to_string()
    } else {
        out.join("/")
    }
}

/// A scheme, a colon and no characters a URI cannot hold unescaped.
fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\' | '^' | '`' | '{' | '|' | '}'))
}

/// A relative (or absolute-path) URI reference for a file path:
/// backslashes become slashes and everything outside the unreserved set is
/// percent-encoded.
fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// How deep a module may be and still be listed with its chain of parent
/// modules. Every entry holds its module's whole path, so the chain of a
/// module N calls deep costs N² bytes: 10,000 nested calls made a 450 MB
/// report for one finding. Deeper modules are listed alone (the finding's
/// own address and module path still name every call).
const MAX_CHAIN_DEPTH: usize = 16;

/// The run's table of logical locations: modules (each pointing at its
/// parent module) and the resources, providers or modules findings are about.
#[derive(Default)]
struct LogicalLocations {
    list: Vec<LogicalLocation>,
    index: HashMap<(&'static str, String), usize>,
}

impl LogicalLocations {
    fn get_or_add(&mut self, kind: &'static str, fqn: &str, name: &str, parent: Option<usize>) -> usize {
        if let Some(&i) = self.index.get(&(kind, fqn.to_string())) {
            return i;
        }
        self.list.push(LogicalLocation {
            name: name.to_string(),
            fully_qualified_name: fqn.to_string(),
            kind,
            parent_index: parent,
        });
        self.index.insert((kind, fqn.to_string()), self.list.len() - 1);
        self.list.len() - 1
    }

    /// The module chain of `path`; returns the innermost module's index.
    /// A module deeper than [`MAX_CHAIN_DEPTH`] is listed alone.
    fn module(&mut self, path: &str) -> Option<usize> {
        let prefixes = module_prefixes(path);
        if prefixes.len() > MAX_CHAIN_DEPTH {
            let (innermost, outer) = prefixes.split_last()?;
            let name =
                outer.last().and_then(|p| innermost.strip_prefix(p)).map_or(*innermost, |s| s.trim_start_matches('.'));
            return Some(self.get_or_add("module", innermost, name, None));
        }
        let mut parent = None;
        let mut parent_path = "";
        for prefix in prefixes {
            let name = prefix.strip_prefix(parent_path).map(|s| s.trim_start_matches('.')).unwrap_or(prefix);
            parent = Some(self.get_or_add("module", prefix, name, parent));
            parent_path = prefix;
        }
        parent
    }

    fn for_finding(&mut self, f: &Finding) -> LogicalLocationRef {
        let module = self.module(&f.module_path);
        let (kind, index) = match f.target_kind {
            TargetKind::Module if f.address == f.module_path && module.is_some() => {
                ("module", module.unwrap_or_default())
            }
            kind => {
                let kind = kind.as_str();
                let name = local_address(&f.address, &f.module_path);
                (kind, self.get_or_add(kind, &f.address, name, module))
            }
        };
        LogicalLocationRef { index, fully_qualified_name: f.address.to_string(), kind }
    }
}

fn invocation(report: &Report, base: Option<&Path>) -> Invocation {
    let mut execution = Vec::new();
    for e in &report.errors {
        let mut text = e.message.clone();
        if let Some(p) = &e.policy_id {
            text.push_str(&format!(" (policy {p})"));
        }
        execution.push(Notification {
            level: "error",
            message: Message { text },
            locations: e
                .plan
                .iter()
                .map(|p| Location {
                    physical_location: PhysicalLocation { artifact_location: artifact(p, base), region: None },
                    logical_locations: Vec::new(),
                })
                .collect(),
        });
    }
    for plan in &report.plans {
        for w in &plan.warnings {
            execution.push(Notification {
                level: "warning",
                message: Message { text: w.clone() },
                locations: vec![Location {
                    physical_location: PhysicalLocation { artifact_location: artifact(&plan.path, base), region: None },
                    logical_locations: Vec::new(),
                }],
            });
        }
    }
    let configuration = report
        .waivers
        .iter()
        .filter(|w| w.state != "active")
        .map(|w| Notification {
            level: if w.state == "expired" { "warning" } else { "note" },
            message: Message {
                text: format!(
                    "waiver {} {} is {}: {}{}",
                    w.policy,
                    w.address,
                    w.state,
                    w.reason,
                    w.expires.as_deref().map(|e| format!(" (expires {e})")).unwrap_or_default()
                ),
            },
            locations: Vec::new(),
        })
        .collect();
    Invocation {
        execution_successful: report.errors.is_empty() && report.gate.exit_code < 2,
        exit_code: report.gate.exit_code,
        tool_execution_notifications: execution,
        tool_configuration_notifications: configuration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uris() {
        assert!(is_absolute_uri("https://tfgate.dev/policies/TFG-EC2-001"));
        assert!(!is_absolute_uri("tfgate.dev/policies"));
        assert!(!is_absolute_uri("https://x/a b"));
        assert!(!is_absolute_uri("1http://x"));
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(path_to_uri("plans/app.json"), "plans/app.json");
        assert_eq!(path_to_uri(r"C:\plans\my plan.json"), "C%3A/plans/my%20plan.json");
        assert_eq!(path_to_uri("ü#?.json"), "%C3%BC%23%3F.json");
    }

    #[test]
    fn deep_modules_are_listed_without_their_chain() {
        let path = |depth: usize| vec!["module.m"; depth].join(".");
        let finding = |depth: usize| Finding {
            policy_id: "P".into(),
            plan: "p.json".into(),
            status: Status::Fail,
            address: format!("{}.aws_instance.x", path(depth)).into(),
            module_path: path(depth).into(),
            message: "bad".into(),
            ..Finding::default()
        };
        let mut locations = LogicalLocations::default();
        // Within the limit, every ancestor with its parent.
        let shallow = locations.for_finding(&finding(MAX_CHAIN_DEPTH));
        assert_eq!(locations.list.len(), MAX_CHAIN_DEPTH + 1);
        assert_eq!(locations.list[shallow.index].parent_index, Some(MAX_CHAIN_DEPTH - 1));
        assert_eq!(locations.list[0].parent_index, None);
        assert_eq!(locations.list[0].fully_qualified_name, "module.m");
        // Deeper, the module alone: its whole path, its own name, no parent.
        let mut locations = LogicalLocations::default();
        let deep = locations.for_finding(&finding(2000));
        assert_eq!(locations.list.len(), 2);
        let module = &locations.list[locations.list[deep.index].parent_index.unwrap()];
        assert_eq!((module.fully_qualified_name.as_str(), module.name.as_str()), (path(2000).as_str(), "module.m"));
        assert_eq!(module.parent_index, None);
        // The report grows with the finding, not with the depth squared.
        let report = Report { findings: vec![finding(5000)], ..Report::default() };
        let text = crate::render(crate::Format::Sarif, &report, &RenderOptions::default()).unwrap();
        assert!(text.len() < 10 * finding(5000).address.len(), "{} bytes", text.len());
    }

    #[test]
    fn fingerprint_ignores_message() {
        let a = Finding {
            policy_id: "P".into(),
            plan: "p.json".into(),
            address: "aws_instance.a".into(),
            message: "one".into(),
            ..Finding::default()
        };
        let b = Finding { message: "two".into(), status: Status::Unknown, ..a.clone() };
        assert_eq!(fingerprint(&a), fingerprint(&b));
        let c = Finding { address: "aws_instance.b".into(), ..a.clone() };
        assert_ne!(fingerprint(&a), fingerprint(&c));
        assert_eq!(fingerprint(&a).len(), 64);
    }
}
