//! `.policytest.hcl`: Terraform policy's test format, and a runner that
//! checks a policy file against it.
//!
//! Blocks:
//! - `policytest { targets = [...] }`: which policy files or directories the
//!   tests are for (kept in [`PolicyTestFile::targets`] for the caller to
//!   select files); `plugins` and `terraform_config` are accepted and ignored.
//! - `inputs { name = value }`: input values for every test case.
//! - `locals { … }`: constants usable as `local.x` in the mocks.
//! - `resource "TYPE" "LABEL"`, `provider "NAME" "LABEL"`,
//!   `module "SOURCE" "LABEL"`: mocks, each a test case, with `attrs`,
//!   `prior_attrs` and `operation` (resources), `meta`, `expect_failure`,
//!   `skip` and an `inputs {}` block overriding file inputs. A label used
//!   twice is a warning (tfpolicy runs such files); each case still runs.
//! - `data "TYPE" "LABEL" { attrs }`: data source mocks, not test cases:
//!   what `core::getdatasource` finds (the mock whose `attrs` match the
//!   call's filter), and `data.TYPE.LABEL.ATTR` in the mocks that follow.
//!
//! A case passes when no policy that applies to it fails (or, with
//! `expect_failure = true`, when at least one does). An evaluation error or
//! an unknown condition always fails the case, with the reason. Every
//! resource mock, skipped or not, is visible to `core::getresources`.
//! A policy's `operations` is honoured: a mock whose operation is outside
//! them is not evaluated by it. A resource mock's operation is
//! `meta.operation` (or `operation`); without one it is inferred as
//! Terraform policy documents (reference/test/resource, test/test-blocks):
//! `create` with `attrs` only, `update` with `attrs` and `prior_attrs`, and
//! `delete` with `prior_attrs` only (`prior_attrs = { id = null }` is the
//! documented delete fixture); `no-op` is never inferred. A delete's
//! `attrs` is an object whose attributes are all null. An attribute a
//! policy reads that a mock leaves out reads as null, as it would with the
//! provider schema.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use tfgate_plan::{Kind, Object, Value};

use crate::diagnostic::{Diagnostic, Location, SourceFile, Span};
use crate::eval::{Ctx, Limits, NoResources, ResourceList, ResourceSource, Scope};
use crate::functions::gethttprequest::HttpAccess;
use crate::load::Loader;
use crate::mock_fill::ReadPaths;
use crate::model::{LocalDef, PolicyFile, TargetKind};
use crate::parse::{self, RawBlock};
use crate::run::{Evaluator, PolicyOutcome, Status, Target};
use crate::tfe::TfeMeta;
use crate::PolicyError;

/// A loaded test file.
#[derive(Clone, Debug)]
pub struct PolicyTestFile {
    /// The file as read.
    pub source: SourceFile,
    /// `policytest { targets }`, empty when not given.
    pub targets: Vec<String>,
    /// Input values for the policy file (`policytest { inputs }`).
    pub inputs: BTreeMap<String, Value>,
    /// Mocked resources for `core::getresources`, in file order.
    pub mocks: Vec<Mock>,
    /// Non-fatal findings: a mock label used twice.
    pub warnings: Vec<Diagnostic>,
}

/// One mock block.
#[derive(Clone, Debug)]
pub struct Mock {
    /// `resource`, `provider`, `module` or `data`.
    pub block: String,
    /// The first label: resource type, provider name or module source.
    pub target: String,
    /// The second label: the mock's name.
    pub label: String,
    /// Where the block is written.
    pub span: Span,
    /// The `attrs` given to the policy, if any.
    pub attrs: Option<Value>,
    /// The `prior_attrs` given to the policy, if any.
    pub prior_attrs: Option<Value>,
    /// The `meta` keys the test sets; the rest are filled in.
    pub meta: Object,
    /// The operation written (`meta.operation` or `operation`), if any.
    pub operation: Option<String>,
    /// Whether the policy is expected to fail.
    pub expect_failure: bool,
    /// Whether the test is skipped.
    pub skip: bool,
    /// Input values for this mock only, over the file's.
    pub inputs: BTreeMap<String, Value>,
}

impl Mock {
    /// `resource.aws_instance.label`
    pub fn name(&self) -> String {
        format!("{}.{}.{}", self.block, self.target, self.label)
    }
    /// The operation the mock stands for: the one written, else inferred
    /// from `attrs` and `prior_attrs` as Terraform policy documents.
    pub fn operation(&self) -> &str {
        match (&self.operation, &self.attrs, &self.prior_attrs) {
            (Some(op), _, _) => op,
            (None, Some(_), Some(_)) => "update",
            (None, None, Some(_)) => "delete",
            _ => "create",
        }
    }
    fn kind(&self) -> Option<TargetKind> {
        match self.block.as_str() {
            "resource" => Some(TargetKind::Resource),
            "provider" => Some(TargetKind::Provider),
            "module" => Some(TargetKind::Module),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// What one test case gave.
pub enum TestOutcome {
    /// The policy did what the case expected.
    Pass,
    /// It did not.
    Fail,
    /// The case is skipped.
    Skip,
}

#[derive(Clone, Debug, PartialEq)]
/// The result of one test case.
pub struct TestCaseResult {
    /// `resource.aws_instance.label`
    pub name: String,
    /// Where the case is written.
    pub location: Location,
    /// Pass, fail or skip.
    pub outcome: TestOutcome,
    /// Why it failed (or what was checked when it passed).
    pub reason: String,
    /// The policy blocks that applied to the mock.
    pub policies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
/// The results of one test file against one policy file.
pub struct TestReport {
    /// The policy file, as loaded.
    pub policy_file: String,
    /// The test file, as loaded.
    pub test_file: String,
    /// One result per case, in file order.
    pub cases: Vec<TestCaseResult>,
}

impl TestReport {
    /// How many cases had outcome `o`.
    pub fn count(&self, o: TestOutcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == o).count()
    }
    /// True when no case failed.
    pub fn passed(&self) -> bool {
        self.count(TestOutcome::Fail) == 0
    }
}

const MOCK_BLOCKS: [&str; 4] = ["resource", "provider", "module", "data"];

/// Parses and checks a test file.
pub fn load_policy_tests(source: SourceFile) -> Result<PolicyTestFile, PolicyError> {
    let body = parse::parse_file(&source).map_err(|d| PolicyError::Invalid(vec![*d]))?;
    let mut l = Loader { file: &source, diags: Vec::new() };
    let mut top: Vec<&str> = vec!["policytest", "inputs", "locals"];
    top.extend(MOCK_BLOCKS);
    l.check_schema(&body, "a policy test file", &[], &top);

    // Test-level locals: constants that may refer to each other.
    let mut locals: BTreeMap<String, LocalDef> = BTreeMap::new();
    for b in body.blocks.iter().filter(|b| b.ident == "locals") {
        for a in &b.body.attrs {
            locals.insert(
                a.name.clone(),
                LocalDef { name: a.name.clone(), name_span: a.name_span, expr: a.expr.clone() },
            );
        }
    }
    let empty = BTreeMap::new();
    let new_ctx = |data: &Object| {
        let scope = Scope {
            attrs: None,
            prior_attrs: None,
            meta: None,
            inputs: &empty,
            file_locals: &locals,
            file_cache: None,
            block_locals: None,
            source: &NoResources,
            http: None,
        };
        Ctx::new(scope, Limits::default()).with_vars([("data".to_string(), Value::object(data.clone()))])
    };
    // `data.TYPE.LABEL` is a data mock's attrs, in file order: a data mock
    // may use the ones before it (a subnet's `vpc_id` from a VPC).
    let mut data = Object::new();
    for b in body.blocks.iter().filter(|b| b.ident == "data" && b.labels.len() == 2) {
        let Some(a) = b.body.attrs.iter().find(|a| a.name == "attrs") else { continue };
        // Errors are reported when the block is read below.
        if let Ok(v) = new_ctx(&data).eval(&a.expr) {
            let (ty, label) = (&b.labels[0].0, &b.labels[1].0);
            let mut of_type = data.get(ty).and_then(Value::as_object).cloned().unwrap_or_default();
            of_type.insert(label.as_str(), v);
            data.insert(ty.as_str(), Value::object(of_type));
        }
    }
    let ctx = new_ctx(&data);
    let value_of = |l: &mut Loader, a: &parse::RawAttr| match ctx.eval(&a.expr) {
        Ok(v) => Some(v),
        Err(e) => {
            l.error(e.span, format!("Invalid value for \"{}\"", a.name)).label = Some(e.message);
            None
        }
    };
    let inputs_of = |l: &mut Loader, b: &RawBlock| -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for a in &b.body.attrs {
            if let Some(v) = value_of(l, a) {
                out.insert(a.name.clone(), v);
            }
        }
        out
    };

    let mut file = PolicyTestFile {
        source: source.clone(),
        targets: Vec::new(),
        inputs: BTreeMap::new(),
        mocks: Vec::new(),
        warnings: Vec::new(),
    };
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    for b in &body.blocks {
        match b.ident.as_str() {
            "policytest" => {
                l.check_schema(&b.body, "the policytest block", &["targets"], &["plugins", "terraform_config"]);
                if let Some(a) = b.body.attrs.iter().find(|a| a.name == "targets") {
                    match value_of(&mut l, a).and_then(|v| v.as_list().map(|x| x.to_vec())) {
                        Some(list) => {
                            file.targets = list.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()
                        }
                        None => {
                            l.error(a.expr.span, "Invalid value for \"targets\"").label =
                                Some("a list of paths is required".into());
                        }
                    }
                }
            }
            "inputs" => file.inputs.extend(inputs_of(&mut l, b)),
            "resource" | "provider" | "module" | "data" => {
                if b.labels.len() != 2 {
                    l.error(b.ident_span, format!("Missing or extra labels for {}", b.ident)).label =
                        Some("a mock takes two labels: the target and a test name".into());
                    continue;
                }
                let attrs: &[&str] = match b.ident.as_str() {
                    "resource" => &["attrs", "prior_attrs", "operation", "meta", "expect_failure", "skip"],
                    "data" => &["attrs", "skip"],
                    _ => &["attrs", "meta", "expect_failure", "skip"],
                };
                let blocks: &[&str] = &["inputs"];
                l.check_schema(&b.body, &format!("a {} mock", b.ident), attrs, blocks);
                let mut mock = Mock {
                    block: b.ident.clone(),
                    target: b.labels[0].0.clone(),
                    label: b.labels[1].0.clone(),
                    span: b.ident_span.to(b.labels[1].1),
                    attrs: None,
                    prior_attrs: None,
                    meta: Object::new(),
                    operation: None,
                    expect_failure: false,
                    skip: false,
                    inputs: BTreeMap::new(),
                };
                for a in &b.body.attrs {
                    let Some(v) = value_of(&mut l, a) else {
                        continue;
                    };
                    let want = |l: &mut Loader, ok: bool, what: &str| {
                        if !ok {
                            l.error(a.expr.span, format!("Invalid value for \"{}\"", a.name)).label =
                                Some(format!("{what} is required"));
                        }
                        ok
                    };
                    match a.name.as_str() {
                        "attrs" if want(&mut l, matches!(v.kind, Kind::Object(_)), "an object") => mock.attrs = Some(v),
                        "prior_attrs" if want(&mut l, matches!(v.kind, Kind::Object(_)), "an object") => {
                            mock.prior_attrs = Some(v)
                        }
                        "meta" => {
                            if let Kind::Object(o) = v.kind {
                                if let Some(op) = o.get("operation") {
                                    mock.operation = check_operation(&mut l, a.expr.span, op, &mock.operation);
                                }
                                mock.meta = o;
                            } else {
                                want(&mut l, false, "an object");
                            }
                        }
                        "operation" => mock.operation = check_operation(&mut l, a.expr.span, &v, &mock.operation),
                        "expect_failure" | "skip" => {
                            if let Some(x) = v.as_bool() {
                                if a.name == "skip" {
                                    mock.skip = x;
                                } else {
                                    mock.expect_failure = x;
                                }
                            } else {
                                want(&mut l, false, "true or false");
                            }
                        }
                        _ => {}
                    }
                }
                for ib in b.body.blocks.iter().filter(|x| x.ident == "inputs") {
                    mock.inputs.extend(inputs_of(&mut l, ib));
                }
                // Looked up by name: a scan per mock made large test files quadratic.
                let key = (mock.block.clone(), mock.target.clone(), mock.label.clone());
                if let Some(&prev) = seen.get(&key) {
                    // tfpolicy runs such files; both cases run, told apart by line.
                    let line = source.location(file.mocks[prev].span.start).line;
                    let d = Diagnostic::warning(&source, b.labels[1].1, format!("Duplicate test case {}", mock.name()))
                        .with_label(format!("already defined at line {line}; both cases run"));
                    l.diags.push(d);
                } else {
                    seen.insert(key, file.mocks.len());
                }
                file.mocks.push(mock);
            }
            _ => {}
        }
    }
    if l.diags.iter().any(Diagnostic::is_error) {
        return Err(PolicyError::Invalid(l.diags));
    }
    file.warnings = l.diags;
    Ok(file)
}

/// The operations a mock can stand for (reference/test/resource: `meta.operation`).
const MOCK_OPERATIONS: [&str; 4] = ["create", "update", "delete", "no-op"];

/// Checks an operation written in a mock; `meta.operation` and
/// `operation` may both be given only when they agree.
fn check_operation(l: &mut Loader, span: Span, v: &Value, before: &Option<String>) -> Option<String> {
    let Some(op) = v.as_str().filter(|s| MOCK_OPERATIONS.contains(s)) else {
        let d = Diagnostic::error(l.file, span, "Invalid operation")
            .with_label(format!("the operation must be one of {}", MOCK_OPERATIONS.join(", ")))
            .with_suggestion(v.as_str().unwrap_or_default(), MOCK_OPERATIONS);
        l.diags.push(d);
        return before.clone();
    };
    if let Some(b) = before.as_deref().filter(|b| *b != op) {
        l.error(span, "Conflicting operations").label =
            Some(format!("the mock's operation is already \"{b}\"; meta.operation and operation must agree"));
    }
    Some(op.to_string())
}

/// Every resource mock, for `core::getresources`, by type and by address,
/// built once per test file: every case may look them up.
struct MockResources<'a> {
    by_type: HashMap<&'a str, Vec<&'a Mock>>,
    /// Resource mocks by address, in file order.
    by_address: HashMap<String, Vec<&'a Mock>>,
    lists: HashMap<&'a str, Arc<ResourceList>>,
    /// Data mocks' attrs by type, for `core::getdatasource`.
    data: HashMap<&'a str, Arc<Vec<Value>>>,
}

impl<'a> MockResources<'a> {
    fn new(mocks: &'a [Mock]) -> MockResources<'a> {
        let mut by_type: HashMap<&str, Vec<&Mock>> = HashMap::new();
        let mut by_address: HashMap<String, Vec<&Mock>> = HashMap::new();
        for m in mocks.iter().filter(|m| m.block == "resource") {
            by_type.entry(m.target.as_str()).or_default().push(m);
            by_address.entry(Self::address_of(m)).or_default().push(m);
        }
        let lists = by_type
            .iter()
            .map(|(ty, ms)| (*ty, Arc::new(ResourceList::new(ms.iter().filter_map(|m| m.attrs.clone()).collect()))))
            .collect();
        let mut data: HashMap<&str, Vec<Value>> = HashMap::new();
        for m in mocks.iter().filter(|m| m.block == "data") {
            data.entry(m.target.as_str())
                .or_default()
                .push(m.attrs.clone().unwrap_or_else(|| Value::object(Object::new())));
        }
        let data = data.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        MockResources { by_type, by_address, lists, data }
    }

    fn address_of(m: &Mock) -> String {
        m.meta
            .get("address")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{}.{}", m.target, m.label), str::to_string)
    }

    fn described(m: &Mock) -> Value {
        let t = mock_target(m, TargetKind::Resource);
        let address = t.meta.get("address").cloned().unwrap_or_else(Value::null);
        Value::object_from([("address", address), ("attrs", t.attrs), ("meta", t.meta)])
    }
}

impl ResourceSource for MockResources<'_> {
    fn resources(&self, resource_type: &str) -> Vec<Value> {
        self.resource_list(resource_type).values().to_vec()
    }

    fn resource_list(&self, resource_type: &str) -> Arc<ResourceList> {
        self.lists.get(resource_type).cloned().unwrap_or_default()
    }

    fn data_sources(&self, data_type: &str) -> Arc<Vec<Value>> {
        self.data.get(data_type).cloned().unwrap_or_default()
    }

    fn resources_with_meta(&self, resource_type: &str) -> Vec<Value> {
        self.by_type.get(resource_type).map_or_else(Vec::new, |ms| ms.iter().map(|m| Self::described(m)).collect())
    }

    /// Mocks state their references in `meta.references`, an object from an
    /// argument path to the addresses it refers to:
    /// `meta = { references = { "launch_template.id" = ["aws_launch_template.web"] } }`.
    /// As in a plan, an address without a key (`aws_ebs_volume.data`) names
    /// every instance of the block, a trailing attribute (`….arn`) says what
    /// the reference reads (`id` otherwise), and the candidates are narrowed
    /// by the referring mock's value ([`tfgate_plan::narrow_candidates`]).
    fn referenced(&self, from_address: &str, argument: &[String]) -> Vec<Value> {
        let Some(from) = self.by_address.get(from_address).and_then(|ms| ms.first()) else { return Vec::new() };
        let Some(refs) = from.meta.get("references").and_then(Value::as_object) else { return Vec::new() };
        let query = argument.join(".");
        let mut hits: Vec<&Mock> = Vec::new();
        for (k, v) in refs.iter().filter(|(k, _)| *k == query || k.starts_with(&format!("{query}."))) {
            let mut candidates: Vec<(&Mock, tfgate_plan::ReadAttributes)> = Vec::new();
            for address in v.as_list().unwrap_or_default().iter().filter_map(Value::as_str) {
                for (m, attribute) in self.named(address) {
                    match candidates.iter_mut().find(|(c, _)| std::ptr::eq(*c, m)) {
                        Some((_, attrs)) => {
                            attrs.insert(attribute);
                        }
                        None => candidates.push((m, [attribute].into())),
                    }
                }
            }
            let path: Vec<String> = k.split('.').map(str::to_string).collect();
            let views: Vec<_> = candidates.iter().map(|(m, attrs)| (m.attrs.as_ref(), attrs)).collect();
            match tfgate_plan::narrow_candidates(from.attrs.as_ref(), &path, &views) {
                Some(kept) => hits.extend(kept.into_iter().map(|i| candidates[i].0)),
                None => hits.extend(candidates.iter().map(|(m, _)| *m)),
            }
        }
        // Every mock referred to, once, in file order.
        hits.sort_by_key(|m| m.span.start);
        hits.dedup_by(|a, b| std::ptr::eq(*a, *b));
        hits.into_iter().map(Self::described).collect()
    }
}

impl<'a> MockResources<'a> {
    /// The mocks a reference names, with the attribute it reads: an address,
    /// a block without a key (every instance), either followed by an attribute.
    fn named(&self, reference: &str) -> Vec<(&'a Mock, Vec<String>)> {
        let id = || vec!["id".to_string()];
        if let Some(ms) = self.by_address.get(reference) {
            return ms.iter().map(|m| (*m, id())).collect();
        }
        let block = format!("{reference}[");
        let mut of_block: Vec<&'a Mock> = self
            .by_address
            .iter()
            .filter(|(a, _)| a.starts_with(&block))
            .flat_map(|(_, ms)| ms.iter().copied())
            .collect();
        if !of_block.is_empty() {
            of_block.sort_by_key(|m| m.span.start);
            return of_block.into_iter().map(|m| (m, id())).collect();
        }
        match reference.rsplit_once('.') {
            Some((target, attribute)) if !attribute.contains(['[', ']', '"']) => {
                self.named(target).into_iter().map(|(m, _)| (m, vec![attribute.to_string()])).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Runs every test case of a test file against one policy file.
pub fn run_policy_tests(policy: &PolicyFile, tests: &PolicyTestFile) -> TestReport {
    run_policy_tests_with(policy, tests, Limits::default())
}

/// [`run_policy_tests`] with evaluation limits other than the defaults.
pub fn run_policy_tests_with(policy: &PolicyFile, tests: &PolicyTestFile, limits: Limits) -> TestReport {
    run_policy_tests_with_http(policy, tests, limits, None)
}

/// `run_policy_tests_with`, letting `core::gethttprequest` make the
/// requests `http` allows.
pub fn run_policy_tests_with_http(
    policy: &PolicyFile,
    tests: &PolicyTestFile,
    limits: Limits,
    http: Option<Arc<HttpAccess>>,
) -> TestReport {
    run_policy_tests_on_with_http(&[policy], tests, limits, http)
}

/// Runs every test case of a test file against several policy files
/// (`targets` with several entries, or every policy under the policy path):
/// a case is judged by every policy of them all that applies to it.
pub fn run_policy_tests_on(policies: &[&PolicyFile], tests: &PolicyTestFile, limits: Limits) -> TestReport {
    run_policy_tests_on_with_http(policies, tests, limits, None)
}

/// [`run_policy_tests_on`], letting `core::gethttprequest` make the
/// requests `http` allows.
pub fn run_policy_tests_on_with_http(
    policies: &[&PolicyFile],
    tests: &PolicyTestFile,
    limits: Limits,
    http: Option<Arc<HttpAccess>>,
) -> TestReport {
    let source = MockResources::new(&tests.mocks);
    let reads: Vec<ReadPaths> = policies.iter().map(|p| ReadPaths::of(p)).collect();
    let cases = tests
        .mocks
        .iter()
        .filter(|m| m.kind().is_some())
        .map(|m| run_case(policies, &reads, tests, m, &source, limits, &http))
        .collect();
    let names: Vec<&str> = policies.iter().map(|p| p.name()).collect();
    TestReport { policy_file: names.join(", "), test_file: tests.source.name().to_string(), cases }
}

/// Reads both files and runs the tests.
pub fn run_policy_test_files(
    policy_path: impl AsRef<Path>,
    test_path: impl AsRef<Path>,
) -> Result<TestReport, PolicyError> {
    let policy = crate::load_policy_file(policy_path)?;
    let path = test_path.as_ref();
    let text = tfgate_engine::read_source(path, "policy test file")?;
    let tests = load_policy_tests(SourceFile::new(path.display().to_string(), text))?;
    Ok(run_policy_tests(&policy, &tests))
}

fn mock_target(m: &Mock, kind: TargetKind) -> Target {
    let operation = m.operation().to_string();
    let mut meta = Object::new();
    match kind {
        TargetKind::Resource => {
            meta.insert("type", Value::string(&m.target));
            meta.insert("name", Value::string(&m.label));
            meta.insert("address", Value::string(format!("{}.{}", m.target, m.label)));
            meta.insert("module_path", Value::string("."));
            meta.insert("mode", Value::string("managed"));
            meta.insert("index", Value::null());
            let provider = m.target.split('_').next().unwrap_or(&m.target);
            meta.insert("provider_type", Value::string(provider));
            meta.insert("operation", Value::string(&operation));
            meta.insert("actions", Value::list(vec![Value::string(&operation)]));
        }
        TargetKind::Module => {
            meta.insert("source", Value::string(&m.target));
            meta.insert("version", Value::null());
            meta.insert("address", Value::string(format!("module.{}", m.label)));
            meta.insert("module_path", Value::string("."));
        }
        TargetKind::Provider => {
            meta.insert("name", Value::string(&m.target));
            meta.insert("alias", Value::null());
            meta.insert("version", Value::null());
        }
        // Mocks are resources, providers or modules: a plan-wide kind has no mock.
        TargetKind::Plan => {}
    }
    // Outside HCP Terraform, unless the mock's meta says otherwise.
    let tfe = tfgate_engine::TfeContext::default();
    meta.insert("tfe_workspace", tfe.workspace());
    meta.insert("tfe_stack", tfe.stack());
    for (k, v) in m.meta.iter() {
        meta.insert(k, v.clone());
    }
    let name = match kind {
        TargetKind::Module => meta.get("source").and_then(Value::as_str).unwrap_or(&m.target).to_string(),
        _ => m.target.clone(),
    };
    // A delete's target state has every attribute null (reference/test/resource).
    let attrs = match (&m.attrs, operation.as_str()) {
        (_, "delete") => Value::object(Object::new()),
        (Some(a), _) => a.clone(),
        (None, _) => Value::object(Object::new()),
    };
    Target {
        kind,
        name,
        attrs,
        prior_attrs: m.prior_attrs.clone().unwrap_or_else(Value::null),
        meta: Value::object(meta),
        actions: vec![operation],
    }
}

fn run_case(
    policies: &[&PolicyFile],
    reads: &[ReadPaths],
    tests: &PolicyTestFile,
    m: &Mock,
    source: &MockResources,
    limits: Limits,
    http: &Option<Arc<HttpAccess>>,
) -> TestCaseResult {
    let location = tests.source.location(m.span.start);
    let mut result = TestCaseResult {
        name: m.name(),
        location,
        outcome: TestOutcome::Fail,
        reason: String::new(),
        policies: Vec::new(),
    };
    if m.skip {
        result.outcome = TestOutcome::Skip;
        result.reason = "skip = true".into();
        return result;
    }
    let Some(kind) = m.kind() else {
        result.reason = "not a test case".into();
        return result;
    };
    let mut inputs = tests.inputs.clone();
    inputs.extend(m.inputs.clone());
    // With several policy files, each takes the inputs it declares; an
    // input no file declares is still an error.
    if policies.len() > 1 {
        if let Some(name) = inputs.keys().find(|n| !policies.iter().any(|p| p.input(n).is_some())) {
            let names: Vec<&str> = policies.iter().map(|p| p.name()).collect();
            result.reason = format!("input \"{name}\" is not declared in any of {}", names.join(", "));
            return result;
        }
    }
    let mut failures = Vec::new();
    let mut problems = Vec::new();
    for (policy, reads) in policies.iter().zip(reads) {
        let mut own = inputs.clone();
        if policies.len() > 1 {
            own.retain(|n, _| policy.input(n).is_some());
        }
        let ev = match Evaluator::new(policy, &own, source, limits).map(|ev| ev.with_http(http.clone())) {
            Ok(ev) => ev,
            Err(e) => {
                result.reason = e.to_string();
                return result;
            }
        };
        let mut target = mock_target(m, kind);
        reads.fill(&mut target.attrs, false);
        if !target.prior_attrs.is_null() {
            reads.fill(&mut target.prior_attrs, true);
        }
        evaluate_case(policy, &ev, &target, &mut failures, &mut problems, &mut result.policies);
    }
    let (outcome, reason) = verdict(m, &failures, &problems, &result.policies);
    result.outcome = outcome;
    result.reason = reason;
    result
}

/// Evaluates one mock with the blocks of one policy file, collecting
/// failures, problems (errors, unknown conditions) and the blocks applied.
fn evaluate_case(
    policy: &PolicyFile,
    ev: &Evaluator,
    target: &Target,
    failures: &mut Vec<String>,
    problems: &mut Vec<String>,
    applied: &mut Vec<String>,
) {
    for (p, outcome) in ev.evaluate_all(target) {
        let at = |span: Span| {
            let l = policy.source.location(span.start);
            format!("{}:{}:{}", policy.name(), l.line, l.column)
        };
        match outcome {
            PolicyOutcome::NotApplicable(_) => continue,
            PolicyOutcome::Error(e) => problems.push(format!(
                "{} \"{}\": error at {}: {}",
                crate::model::block_name(p.kind),
                p.name,
                at(e.span),
                e.message
            )),
            PolicyOutcome::Evaluated { results, .. } => {
                for r in results {
                    match r.status {
                        // Enforce blocks are never waived.
                        Status::Pass | Status::Waived => {}
                        Status::Fail => failures.push(format!(
                            "{} \"{}\" failed: {}",
                            crate::model::block_name(p.kind),
                            p.name,
                            r.error_message.as_deref().unwrap_or("(no error_message)")
                        )),
                        Status::Unknown => problems.push(format!(
                            "{} \"{}\": condition at {} is unknown",
                            crate::model::block_name(p.kind),
                            p.name,
                            at(r.span)
                        )),
                        Status::Error => {
                            let e = r.error.as_ref();
                            problems.push(format!(
                                "{} \"{}\": error at {}: {}",
                                crate::model::block_name(p.kind),
                                p.name,
                                at(e.map_or(r.span, |e| e.span)),
                                e.map_or("", |e| e.message.as_str())
                            ))
                        }
                    }
                }
            }
        }
        applied.push(p.name.clone());
    }
}

/// The distinct texts, in their first order, joined: an error in a local that
/// several `enforce` blocks read is reported once.
fn distinct(texts: &[String]) -> String {
    let mut seen = std::collections::HashSet::new();
    texts.iter().filter(|t| seen.insert(t.as_str())).map(String::as_str).collect::<Vec<_>>().join("; ")
}

fn verdict(m: &Mock, failures: &[String], problems: &[String], applied: &[String]) -> (TestOutcome, String) {
    if !problems.is_empty() {
        (TestOutcome::Fail, distinct(problems))
    } else if applied.is_empty() {
        if m.expect_failure {
            (TestOutcome::Fail, "expected a failure, but no policy applies to this mock".to_string())
        } else {
            (TestOutcome::Pass, "no policy applies to this mock".to_string())
        }
    } else if m.expect_failure {
        if failures.is_empty() {
            (
                TestOutcome::Fail,
                format!("expected a failure, but every applicable policy passed ({})", applied.join(", ")),
            )
        } else {
            (TestOutcome::Pass, format!("failed as expected: {}", distinct(failures)))
        }
    } else if failures.is_empty() {
        (TestOutcome::Pass, format!("passed: {}", applied.join(", ")))
    } else {
        (TestOutcome::Fail, distinct(failures))
    }
}
