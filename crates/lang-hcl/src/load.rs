//! Loading a `.policy.hcl` file: parse, check every block, attribute and
//! reference, and build the [`PolicyFile`] model.
//!
//! All problems are collected, not just the first: a file with three typos
//! gets three diagnostics, each pointing at its typo with a suggestion.

use std::collections::{BTreeMap, BTreeSet};

use tfgate_plan::{Kind, Value};

use crate::ast::{Expr, ExprKind, TemplatePart, TraversalOpKind};
use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::eval::{Ctx, Limits, NoResources, Scope};
use crate::model::{
    Enforce, EnforcementLevel, InputDecl, LocalDef, Policy, PolicyConfig, PolicyFile, Severity, TargetKind, TfgateMeta,
    OPERATIONS,
};
use crate::parse::{self, RawAttr, RawBlock, RawBody};
use crate::types;

/// Special forms the evaluator implements itself, with their argument counts.
pub const SPECIAL_FORMS: [(&str, usize, Option<usize>); 5] = [
    ("try", 1, None),
    ("can", 1, Some(1)),
    ("getresources", 1, Some(2)),
    ("getdatasource", 2, Some(2)),
    ("gethttprequest", 1, Some(2)),
];

/// tfgate's extension functions (`tfgate::NAME`): `resources` and
/// `unknown` take one argument, `referenced` one or two (the second: the
/// address whose configuration is read, e.g. a resource found by an earlier
/// call).
pub const TFGATE_FUNCTIONS: [&str; 3] = ["referenced", "resources", "unknown"];

/// Why an unknown function is only a warning. Terraform policy resolves
/// functions when a call is evaluated: a call in a branch that is never
/// taken does not stop a policy from loading (HashiCorp's own
/// `eks-cluster-log-enabled` calls `core::contain` in a dead branch and
/// passes its tests).
const REACHED: &str = "the policy fails with an error if this call is evaluated";

const TOP_BLOCKS: [&str; 6] = ["policy", "input", "locals", "resource_policy", "provider_policy", "module_policy"];

/// Loads and checks one policy file. `Err` holds every error found (and
/// any warnings); `Ok` carries warnings in [`PolicyFile::warnings`].
pub fn load_policy(source: SourceFile) -> Result<PolicyFile, Vec<Diagnostic>> {
    let body = parse::parse_file(&source).map_err(|d| vec![*d])?;
    let mut l = Loader { file: &source, diags: Vec::new() };
    let model = l.file(&body);
    if l.diags.iter().any(Diagnostic::is_error) {
        return Err(l.diags);
    }
    let (config, inputs, locals, policies) = model;
    Ok(PolicyFile { source: source.clone(), config, inputs, locals, policies, warnings: l.diags })
}

pub(crate) struct Loader<'a> {
    pub file: &'a SourceFile,
    pub diags: Vec<Diagnostic>,
}

type FileParts = (PolicyConfig, Vec<InputDecl>, BTreeMap<String, LocalDef>, Vec<Policy>);

impl Loader<'_> {
    pub fn error(&mut self, span: Span, msg: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(self.file, span, msg));
        self.diags.last_mut().expect("just pushed")
    }

    /// Reports attributes and blocks that the schema does not know, and
    /// duplicate attributes.
    pub fn check_schema(&mut self, body: &RawBody, what: &str, attrs: &[&str], blocks: &[&str]) {
        let mut seen = BTreeSet::new();
        for a in &body.attrs {
            if !attrs.contains(&a.name.as_str()) {
                let d = Diagnostic::error(self.file, a.name_span, "Unsupported argument")
                    .with_label(format!("an argument named \"{}\" is not expected in {what}", a.name))
                    .with_suggestion(&a.name, attrs.iter().copied().chain(blocks.iter().copied()));
                self.diags.push(d);
            } else if !seen.insert(a.name.as_str()) {
                self.error(a.name_span, "Duplicate argument").label =
                    Some(format!("\"{}\" is already set in this block", a.name));
            }
        }
        for b in &body.blocks {
            if !blocks.contains(&b.ident.as_str()) {
                let d = Diagnostic::error(self.file, b.ident_span, "Unsupported block type")
                    .with_label(format!("blocks of type \"{}\" are not expected in {what}", b.ident))
                    .with_suggestion(&b.ident, blocks.iter().copied().chain(attrs.iter().copied()));
                self.diags.push(d);
            }
        }
    }

    fn labels(&mut self, b: &RawBlock, n: usize, names: &str) -> bool {
        if b.labels.len() == n {
            return true;
        }
        let msg = if n == 0 {
            format!("Extraneous label for {}", b.ident)
        } else {
            format!("Missing or extra labels for {}", b.ident)
        };
        let span = b.labels.last().map_or(b.ident_span, |l| l.1);
        self.error(span, msg).label = Some(format!("a {} block takes {names}", b.ident));
        false
    }

    fn file(&mut self, body: &RawBody) -> FileParts {
        self.check_schema(body, "a policy file", &[], &TOP_BLOCKS);
        let mut config = PolicyConfig::default();
        let mut inputs: Vec<InputDecl> = Vec::new();
        let mut locals: BTreeMap<String, LocalDef> = BTreeMap::new();
        let mut seen_policy_block = false;

        for b in &body.blocks {
            match b.ident.as_str() {
                "policy" => {
                    if seen_policy_block {
                        self.error(b.ident_span, "Duplicate policy block").label =
                            Some("a file has at most one policy block".into());
                    }
                    seen_policy_block = true;
                    if self.labels(b, 0, "no labels") {
                        config = self.policy_config(b);
                    }
                }
                "input" if self.labels(b, 1, "one label, the input name") => {
                    if let Some(i) = self.input(b) {
                        if inputs.iter().any(|x| x.name == i.name) {
                            self.error(b.labels[0].1, format!("Duplicate input \"{}\"", i.name));
                        } else {
                            inputs.push(i);
                        }
                    }
                }
                "locals" if self.labels(b, 0, "no labels") => {
                    self.locals(b, &mut locals, None);
                }
                _ => {}
            }
        }

        let mut policies: Vec<Policy> = Vec::new();
        for b in &body.blocks {
            let kind = match b.ident.as_str() {
                "resource_policy" => TargetKind::Resource,
                "provider_policy" => TargetKind::Provider,
                "module_policy" => TargetKind::Module,
                _ => continue,
            };
            if !self.labels(b, 2, "two labels: the target and a policy name") {
                continue;
            }
            if let Some(p) = self.policy(kind, b, &locals) {
                // A block is identified by kind, target and label, as in
                // Terraform policy: HashiCorp's own library gives one label to
                // an `aws_db_snapshot` and an `aws_db_cluster_snapshot` block.
                if let Some(prev) =
                    policies.iter().find(|q| q.kind == p.kind && q.target == p.target && q.name == p.name)
                {
                    let at = self.file.location(prev.span.start);
                    self.error(b.labels[1].1, format!("Duplicate policy name \"{}\"", p.name)).label = Some(format!(
                        "already used by the {} for \"{}\" at line {}",
                        crate::model::block_name(prev.kind),
                        prev.target,
                        at.line
                    ));
                } else {
                    policies.push(p);
                }
            }
        }

        // References in file-level locals: inputs and file locals only.
        let input_names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
        let file_scope = CheckScope {
            allow_target: false,
            context: "a file-level local",
            block_locals: None,
            file_locals: &locals,
            inputs: &input_names,
        };
        for def in locals.values() {
            self.check_expr(&def.expr, &file_scope, &mut Vec::new());
        }
        self.check_cycles(&locals, None);
        for p in &policies {
            let scope = CheckScope {
                allow_target: true,
                context: crate::model::block_name(p.kind),
                block_locals: Some(&p.locals),
                file_locals: &locals,
                inputs: &input_names,
            };
            for e in p.filter.iter().chain(p.enforcement_level.iter()) {
                self.check_expr(e, &scope, &mut Vec::new());
            }
            for def in p.locals.values() {
                self.check_expr(&def.expr, &scope, &mut Vec::new());
            }
            for en in &p.enforce {
                for e in std::iter::once(&en.condition).chain(en.error_message.iter()).chain(en.info_message.iter()) {
                    self.check_expr(e, &scope, &mut Vec::new());
                }
            }
            self.check_cycles(&p.locals, Some(&locals));
        }
        (config, inputs, locals, policies)
    }

    fn policy_config(&mut self, b: &RawBlock) -> PolicyConfig {
        self.check_schema(
            &b.body,
            "the policy block",
            &[],
            &["required_providers", "plugins", "terraform_config", "tfgate"],
        );
        let mut config = PolicyConfig {
            required_providers: b.body.blocks.iter().any(|x| x.ident == "required_providers"),
            ..PolicyConfig::default()
        };
        for t in b.body.blocks.iter().filter(|x| x.ident == "tfgate") {
            self.labels(t, 0, "no labels");
            config.tfgate = self.tfgate_meta(t);
        }
        config
    }

    fn tfgate_meta(&mut self, b: &RawBlock) -> TfgateMeta {
        const ATTRS: [&str; 12] = [
            "id",
            "title",
            "description",
            "severity",
            "controls",
            "docs",
            "aliases",
            "rationale",
            "violating_example",
            "compliant_example",
            "unknown_values",
            "references",
        ];
        self.check_schema(&b.body, "the tfgate block", &ATTRS, &[]);
        let mut meta = TfgateMeta::default();
        for a in &b.body.attrs {
            let Some(v) = self.constant(a) else { continue };
            match a.name.as_str() {
                "id" | "title" | "description" | "docs" | "rationale" | "violating_example" | "compliant_example"
                | "unknown_values" => {
                    let Some(s) = self.const_string(a, &v) else {
                        continue;
                    };
                    match a.name.as_str() {
                        "id" => meta.id = Some(s),
                        "title" => meta.title = Some(s),
                        "description" => meta.description = Some(s),
                        "rationale" => meta.rationale = Some(s),
                        "violating_example" => meta.violating_example = Some(s),
                        "compliant_example" => meta.compliant_example = Some(s),
                        "unknown_values" => meta.unknown_values = Some(s),
                        _ => meta.docs = Some(s),
                    }
                }
                "severity" => {
                    let Some(s) = self.const_string(a, &v) else {
                        continue;
                    };
                    match Severity::parse(&s) {
                        Some(sev) => meta.severity = Some(sev),
                        None => {
                            let d = Diagnostic::error(self.file, a.expr.span, "Invalid severity")
                                .with_label(format!("must be one of {}", Severity::NAMES.join(", ")))
                                .with_suggestion(&s, Severity::NAMES);
                            self.diags.push(d);
                        }
                    }
                }
                "controls" | "aliases" | "references" => {
                    let Some(list) = self.const_string_list(a, &v) else {
                        continue;
                    };
                    match a.name.as_str() {
                        "controls" => meta.controls = list,
                        "aliases" => meta.aliases = list,
                        _ => meta.references = list,
                    }
                }
                _ => {}
            }
        }
        meta
    }

    /// Evaluates an attribute that must be a constant.
    pub fn constant(&mut self, a: &RawAttr) -> Option<Value> {
        match const_eval(&a.expr) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(e.span, format!("Invalid value for \"{}\"", a.name)).label =
                    Some(format!("must be a constant: {}", e.message));
                None
            }
        }
    }

    pub fn const_string(&mut self, a: &RawAttr, v: &Value) -> Option<String> {
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(a.expr.span, format!("Invalid value for \"{}\"", a.name)).label =
                    Some(format!("a string is required, found a {}", v.type_name()));
                None
            }
        }
    }

    fn const_string_list(&mut self, a: &RawAttr, v: &Value) -> Option<Vec<String>> {
        let list =
            v.as_list().and_then(|l| l.iter().map(|x| x.as_str().map(str::to_string)).collect::<Option<Vec<_>>>());
        if list.is_none() {
            self.error(a.expr.span, format!("Invalid value for \"{}\"", a.name)).label =
                Some("a list of strings is required".into());
        }
        list
    }

    fn input(&mut self, b: &RawBlock) -> Option<InputDecl> {
        self.check_schema(&b.body, "an input block", &["type", "default", "description", "sensitive", "nullable"], &[]);
        let (name, name_span) = b.labels[0].clone();
        let mut decl = InputDecl {
            name,
            span: name_span,
            ty: crate::model::TypeConstraint::Any,
            default: None,
            description: None,
            sensitive: false,
            nullable: true,
        };
        let mut ok = true;
        if !b.body.attrs.iter().any(|a| a.name == "type") {
            self.error(b.ident_span, "Missing required argument").label =
                Some("the argument \"type\" is required in an input block".into());
            ok = false;
        }
        if let Some(a) = b.body.attrs.iter().find(|a| a.name == "type") {
            match types::parse_type(&a.expr) {
                Ok(t) => decl.ty = t,
                Err(m) => {
                    self.error(a.expr.span, "Invalid type specification").label = Some(m);
                    ok = false;
                }
            }
        }
        for a in &b.body.attrs {
            match a.name.as_str() {
                "default" => match self.constant(a) {
                    Some(v) => match types::convert(&v, &decl.ty) {
                        Ok(v) => decl.default = Some(v),
                        Err(m) => {
                            self.error(a.expr.span, "Invalid default value for input").label = Some(m);
                            ok = false;
                        }
                    },
                    None => ok = false,
                },
                "description" => {
                    if let Some(v) = self.constant(a) {
                        decl.description = self.const_string(a, &v);
                    }
                }
                "sensitive" | "nullable" => {
                    if let Some(v) = self.constant(a) {
                        match v.as_bool() {
                            Some(x) if a.name == "nullable" => decl.nullable = x,
                            Some(s) => decl.sensitive = s,
                            None => {
                                self.error(a.expr.span, format!("Invalid value for \"{}\"", a.name)).label =
                                    Some("must be true or false".into());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if decl.sensitive {
            decl.default = decl.default.map(Value::into_sensitive);
        }
        ok.then_some(decl)
    }

    fn locals(
        &mut self,
        b: &RawBlock,
        into: &mut BTreeMap<String, LocalDef>,
        outer: Option<&BTreeMap<String, LocalDef>>,
    ) {
        for blk in &b.body.blocks {
            self.error(blk.ident_span, "Unsupported block type").label =
                Some("locals blocks hold only name = value pairs".into());
        }
        for a in &b.body.attrs {
            let clash = into.get(&a.name).or_else(|| outer.and_then(|o| o.get(&a.name)));
            if let Some(prev) = clash {
                let line = self.file.location(prev.name_span.start).line;
                self.error(a.name_span, format!("Duplicate local value \"{}\"", a.name)).label =
                    Some(format!("already defined at line {line}"));
                continue;
            }
            into.insert(
                a.name.clone(),
                LocalDef { name: a.name.clone(), name_span: a.name_span, expr: a.expr.clone() },
            );
        }
    }

    fn policy(&mut self, kind: TargetKind, b: &RawBlock, file_locals: &BTreeMap<String, LocalDef>) -> Option<Policy> {
        let attrs: &[&str] = match kind {
            TargetKind::Resource => &["filter", "operations", "enforcement_level"],
            _ => &["filter", "enforcement_level"],
        };
        let what = format!("a {} block", crate::model::block_name(kind));
        self.check_schema(&b.body, &what, attrs, &["locals", "enforce"]);
        let mut p = Policy {
            kind,
            target: b.labels[0].0.clone(),
            name: b.labels[1].0.clone(),
            span: b.span,
            filter: None,
            operations: None,
            operations_span: None,
            enforcement_level: None,
            locals: BTreeMap::new(),
            enforce: Vec::new(),
        };
        for a in &b.body.attrs {
            match a.name.as_str() {
                "filter" => p.filter = Some(a.expr.clone()),
                "operations" => {
                    let Some(v) = self.constant(a) else { continue };
                    let Some(ops) = self.const_string_list(a, &v) else {
                        continue;
                    };
                    for (i, op) in ops.iter().enumerate() {
                        if !OPERATIONS.contains(&op.as_str()) {
                            let span = match &a.expr.kind {
                                ExprKind::Tuple(items) => items.get(i).map_or(a.expr.span, |x| x.span),
                                _ => a.expr.span,
                            };
                            let d = Diagnostic::error(self.file, span, format!("Invalid operation \"{op}\""))
                                .with_label(format!("operations are {}", OPERATIONS.join(", ")))
                                .with_suggestion(op, OPERATIONS);
                            self.diags.push(d);
                        }
                    }
                    // A deletion has no after-state, a creation or an
                    // unchanged resource no change: such lists are mistakes.
                    let has = |o: &str| ops.iter().any(|x| x == o);
                    for other in ["no-op", "create"] {
                        if has("delete") && has(other) {
                            self.error(a.expr.span, "Invalid operations").label =
                                Some(format!("\"delete\" cannot be combined with \"{other}\" in one policy"));
                        }
                    }
                    p.operations = Some(ops);
                    p.operations_span = Some(a.expr.span);
                }
                "enforcement_level" => {
                    if let Some(Kind::String(s)) = a.expr.as_literal().map(|v| &v.kind) {
                        if EnforcementLevel::parse(s).is_none() {
                            let d =
                                Diagnostic::error(self.file, a.expr.span, format!("Invalid enforcement level \"{s}\""))
                                    .with_label(format!("must be one of {}", EnforcementLevel::NAMES.join(", ")))
                                    .with_suggestion(s, EnforcementLevel::NAMES);
                            self.diags.push(d);
                        }
                    }
                    p.enforcement_level = Some(a.expr.clone());
                }
                _ => {}
            }
        }
        for blk in &b.body.blocks {
            match blk.ident.as_str() {
                "locals" if self.labels(blk, 0, "no labels") => {
                    let mut into = std::mem::take(&mut p.locals);
                    self.locals(blk, &mut into, Some(file_locals));
                    p.locals = into;
                }
                "enforce" => {
                    if !self.labels(blk, 0, "no labels") {
                        continue;
                    }
                    self.check_schema(
                        &blk.body,
                        "an enforce block",
                        &["condition", "error_message", "info_message"],
                        &[],
                    );
                    let get = |n: &str| blk.body.attrs.iter().find(|a| a.name == n).map(|a| a.expr.clone());
                    let Some(condition) = get("condition") else {
                        self.error(blk.ident_span, "Missing required argument").label =
                            Some("the argument \"condition\" is required in an enforce block".into());
                        continue;
                    };
                    p.enforce.push(Enforce {
                        span: blk.span,
                        condition,
                        error_message: get("error_message"),
                        info_message: get("info_message"),
                    });
                }
                _ => {}
            }
        }
        if kind == TargetKind::Resource && crate::reads::policy_reads_prior_attrs(&p) {
            // No prior state exists for the default operations' creations.
            const WHY: &str = "this policy reads prior_attrs, so operations must list \"update\" and/or \"delete\"";
            match (&p.operations, p.operations_span) {
                (None, _) => {
                    self.error(b.ident_span, "Missing operations").label = Some(WHY.into());
                }
                (Some(ops), Some(span)) if !ops.is_empty() && !ops.iter().any(|o| o == "update" || o == "delete") => {
                    self.error(span, "Invalid operations").label = Some(WHY.into());
                }
                _ => {}
            }
        }
        if p.enforce.is_empty() && !b.body.blocks.iter().any(|x| x.ident == "enforce") {
            self.error(b.ident_span, "Missing enforce block").label =
                Some(format!("a {} needs at least one enforce block", crate::model::block_name(kind)));
        }
        Some(p)
    }

    fn check_cycles(&mut self, locals: &BTreeMap<String, LocalDef>, outer: Option<&BTreeMap<String, LocalDef>>) {
        // Dependencies among this level's locals only: file locals cannot
        // refer back to block locals, so cycles never cross levels.
        let deps: BTreeMap<&str, Vec<String>> = locals
            .iter()
            .map(|(n, d)| (n.as_str(), local_refs(&d.expr).into_iter().filter(|r| locals.contains_key(r)).collect()))
            .collect();
        let _ = outer;
        let mut done: BTreeSet<&str> = BTreeSet::new();
        for start in locals.keys() {
            if let Some(cycle) = find_cycle(start, &deps, &mut done) {
                let def = &locals[cycle[0].as_str()];
                self.error(def.name_span, "Cycle in local values").label = Some(cycle.join(" -> "));
                return;
            }
        }
    }

    /// Checks every reference and call in an expression.
    pub fn check_expr(&mut self, e: &Expr, s: &CheckScope, vars: &mut Vec<String>) {
        match &e.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Variable(name) => self.check_root(name, e.span, s, vars),
            ExprKind::Traversal { base, ops } => {
                let mut rest = &ops[..];
                match (&base.kind, ops.first()) {
                    (ExprKind::Variable(root), Some(op))
                        if (root == "local" || root == "input") && !vars.contains(root) =>
                    {
                        if let TraversalOpKind::GetAttr(name) = &op.kind {
                            self.check_reference(root, name, base.span.to(op.span), s);
                            rest = &ops[1..];
                        } else {
                            self.check_root(root, base.span, s, vars);
                        }
                    }
                    _ => self.check_expr(base, s, vars),
                }
                for op in rest {
                    if let TraversalOpKind::Index(x) = &op.kind {
                        self.check_expr(x, s, vars);
                    }
                }
            }
            ExprKind::Call(c) => {
                self.check_call(c, e.span);
                // Without its second argument, tfgate::referenced follows the target's
                // configuration: outside a policy block (a file-level local, computed once
                // for every target) there is none.
                if !s.allow_target && c.namespace == ["tfgate"] && c.name == "referenced" && c.args.len() == 1 {
                    self.error(e.span, "tfgate::referenced needs the address of the resource to follow").label =
                        Some(format!(
                            "in {} there is no target: pass the address as the second argument, \
                             tfgate::referenced(ARGUMENT, ADDRESS)",
                            s.context
                        ));
                }
                for a in &c.args {
                    self.check_expr(a, s, vars);
                }
            }
            ExprKind::Template(parts) => self.check_parts(parts, s, vars),
            ExprKind::For(f) => {
                self.check_expr(&f.collection, s, vars);
                let n = vars.len();
                vars.extend(f.key_var.iter().cloned());
                vars.push(f.value_var.clone());
                for x in f.key.iter().chain(std::iter::once(&f.value)).chain(f.cond.iter()) {
                    self.check_expr(x, s, vars);
                }
                vars.truncate(n);
            }
            _ => {
                // Other nodes: check direct children.
                for c in e.simple_children() {
                    self.check_expr(c, s, vars);
                }
            }
        }
    }

    fn check_parts(&mut self, parts: &[TemplatePart], s: &CheckScope, vars: &mut Vec<String>) {
        for p in parts {
            match p {
                TemplatePart::Literal(_) => {}
                TemplatePart::Interpolation(x) => self.check_expr(x, s, vars),
                TemplatePart::If { cond, then, otherwise } => {
                    self.check_expr(cond, s, vars);
                    self.check_parts(then, s, vars);
                    self.check_parts(otherwise, s, vars);
                }
                TemplatePart::For { key_var, value_var, collection, body } => {
                    self.check_expr(collection, s, vars);
                    let n = vars.len();
                    vars.extend(key_var.iter().cloned());
                    vars.push(value_var.clone());
                    self.check_parts(body, s, vars);
                    vars.truncate(n);
                }
            }
        }
    }

    fn check_root(&mut self, name: &str, span: Span, s: &CheckScope, vars: &[String]) {
        if vars.iter().any(|v| v == name) {
            return;
        }
        let target_roots = ["attrs", "prior_attrs", "meta"];
        if target_roots.contains(&name) {
            if !s.allow_target {
                self.error(span, format!("Invalid reference to \"{name}\"")).label = Some(format!(
                    "\"{name}\" is not available in {}: it belongs to the target of a policy block",
                    s.context
                ));
            }
            return;
        }
        if name == "local" || name == "input" {
            self.error(span, format!("Invalid reference to \"{name}\"")).label =
                Some(format!("\"{name}\" must be followed by a name, e.g. {name}.example"));
            return;
        }
        let mut candidates: Vec<&str> = vars.iter().map(String::as_str).collect();
        candidates.extend(["local", "input"]);
        if s.allow_target {
            candidates.extend(target_roots);
        }
        let d = Diagnostic::error(self.file, span, format!("Unknown variable \"{name}\""))
            .with_label(format!("there is no variable named \"{name}\""))
            .with_suggestion(name, candidates);
        self.diags.push(d);
    }

    fn check_reference(&mut self, root: &str, name: &str, span: Span, s: &CheckScope) {
        if root == "local" {
            let found = s.block_locals.is_some_and(|b| b.contains_key(name)) || s.file_locals.contains_key(name);
            if !found {
                let candidates =
                    s.block_locals.into_iter().flat_map(|b| b.keys()).chain(s.file_locals.keys()).map(String::as_str);
                let d = Diagnostic::error(self.file, span, "Reference to undeclared local value")
                    .with_label(format!("no local value named \"{name}\" is declared in {}", s.context))
                    .with_suggestion(name, candidates.collect::<Vec<_>>());
                self.diags.push(d);
            }
        } else if !s.inputs.iter().any(|i| i == name) {
            let d = Diagnostic::error(self.file, span, "Reference to undeclared input")
                .with_label(format!("no input named \"{name}\" is declared in this file"))
                .with_suggestion(name, s.inputs.iter().map(String::as_str));
            self.diags.push(d);
        }
    }

    fn check_call(&mut self, c: &crate::ast::Call, span: Span) {
        let full = c.full_name();
        if c.namespace == ["tfgate"] {
            if !TFGATE_FUNCTIONS.contains(&c.name.as_str()) {
                let d = Diagnostic::warning(self.file, c.name_span, format!("Call to unknown function \"{full}\""))
                    .with_label(format!(
                        "tfgate's own functions are tfgate::resources, tfgate::referenced and tfgate::unknown; {REACHED}"
                    ))
                    .with_suggestion(&c.name, TFGATE_FUNCTIONS);
                self.diags.push(d);
            } else {
                let max = if c.name == "referenced" { 2 } else { 1 };
                if c.args.is_empty() || c.args.len() > max {
                    let takes = if max == 1 { "1 argument".to_string() } else { format!("1 or {max} arguments") };
                    self.error(span, "Wrong number of arguments").label =
                        Some(format!("{full} takes {takes}, {} given", c.args.len()));
                }
            }
            return;
        }
        if c.namespace.first().is_some_and(|n| n == "plugin") {
            let plugin = c.namespace.get(1).map_or("", String::as_str);
            let d = Diagnostic::warning(self.file, c.name_span, format!("Call to plugin function \"{full}\""))
                .with_label(format!(
                    "function \"{}\" of plugin \"{plugin}\": tfgate does not run policy plugins; {REACHED}",
                    c.name
                ));
            self.diags.push(d);
            return;
        }
        if !(c.namespace.is_empty() || c.namespace == ["core"]) {
            let d = Diagnostic::warning(self.file, c.name_span, format!("Call to unknown function \"{full}\""))
                .with_label(format!(
                "the namespace \"{}::\" is not supported; functions live in \"core::\" (and \"tfgate::\"); {REACHED}",
                c.namespace.join("::")
            ));
            let known = crate::functions::lookup(&c.name).map(|f| format!("core::{}", f.name));
            let d = match known {
                Some(k) => d.with_help(format!("did you mean \"{k}\"?")),
                None => d,
            };
            self.diags.push(d);
            return;
        }
        let n = c.args.len();
        let arity_msg = if let Some((_, min, max)) = SPECIAL_FORMS.iter().find(|(f, _, _)| *f == c.name) {
            let ok = n >= *min && max.is_none_or(|m| n <= m) || (c.expand_final && max.is_none_or(|m| n <= m));
            (!ok).then(|| match max {
                Some(m) if m == min => format!("{full} takes {min} argument{}", if *min == 1 { "" } else { "s" }),
                Some(m) => format!("{full} takes {min} to {m} arguments"),
                None => format!("{full} takes at least {min} argument{}", if *min == 1 { "" } else { "s" }),
            })
        } else if let Some(f) = crate::functions::lookup(&c.name) {
            (!c.expand_final && !f.arity.accepts(n)).then(|| match f.arity {
                crate::functions::Arity::Exact(k) => {
                    format!("{full} takes {k} argument{}", if k == 1 { "" } else { "s" })
                }
                crate::functions::Arity::Range(lo, hi) => {
                    format!("{full} takes {lo} to {hi} arguments")
                }
                crate::functions::Arity::AtLeast(lo) => {
                    format!("{full} takes at least {lo} arguments")
                }
            })
        } else {
            let prefix = if c.namespace.is_empty() { "" } else { "core::" };
            let names: Vec<String> = SPECIAL_FORMS
                .iter()
                .map(|(f, _, _)| *f)
                .chain(crate::functions::all().iter().map(|f| f.name))
                .map(|f| format!("{prefix}{f}"))
                .collect();
            let d = Diagnostic::warning(self.file, c.name_span, format!("Call to unknown function \"{full}\""))
                .with_label(format!("there is no function with this name; {REACHED}"))
                .with_suggestion(&full, names.iter().map(String::as_str));
            self.diags.push(d);
            return;
        };
        if let Some(m) = arity_msg {
            self.error(span, "Wrong number of arguments").label = Some(format!("{m}, {n} given"));
        }
    }
}

/// Where an expression sits, for reference checks.
pub struct CheckScope<'a> {
    pub allow_target: bool,
    pub context: &'a str,
    pub block_locals: Option<&'a BTreeMap<String, LocalDef>>,
    pub file_locals: &'a BTreeMap<String, LocalDef>,
    pub inputs: &'a [String],
}

/// The names of the locals an expression refers to.
pub(crate) fn local_refs(e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    e.walk(&mut |x| out.extend(local_named(x).map(str::to_string)));
    out
}

/// `NAME` when `e` is a reference to a local (`local.NAME…`).
pub(crate) fn local_named(e: &Expr) -> Option<&str> {
    let ExprKind::Traversal { base, ops } = &e.kind else { return None };
    match (&base.kind, ops.first().map(|o| &o.kind)) {
        (ExprKind::Variable(root), Some(TraversalOpKind::GetAttr(name))) if root == "local" => Some(name),
        _ => None,
    }
}

/// Depth-first search for a cycle from `start`, iterative with an explicit
/// stack: a chain of tens of thousands of locals must not overflow the
/// thread's stack, and "is it on the path?" is a set lookup, not a scan.
fn find_cycle<'a>(
    start: &'a str,
    deps: &'a BTreeMap<&'a str, Vec<String>>,
    done: &mut BTreeSet<&'a str>,
) -> Option<Vec<String>> {
    if done.contains(start) {
        return None;
    }
    // Each frame: a node on the path and the position of its next dependency.
    let mut stack: Vec<(&'a str, usize)> = vec![(start, 0)];
    let mut on_path: BTreeMap<&'a str, usize> = BTreeMap::from([(start, 0)]);
    while let Some((node, next)) = stack.last_mut() {
        let node: &'a str = node;
        let Some(dep) = deps.get(node).and_then(|d| d.get(*next)) else {
            on_path.remove(node);
            done.insert(node);
            stack.pop();
            continue;
        };
        *next += 1;
        let Some((dep, _)) = deps.get_key_value(dep.as_str()) else { continue };
        if let Some(&i) = on_path.get(dep) {
            let mut cycle: Vec<String> = stack[i..].iter().map(|(n, _)| n.to_string()).collect();
            cycle.push(dep.to_string());
            return Some(cycle);
        }
        if !done.contains(dep) {
            on_path.insert(dep, stack.len());
            stack.push((dep, 0));
        }
    }
    None
}

/// Evaluates an expression that may not refer to anything.
pub fn const_eval(e: &Expr) -> Result<Value, crate::eval::EvalError> {
    let empty_inputs = BTreeMap::new();
    let empty_locals = BTreeMap::new();
    let scope = Scope {
        attrs: None,
        prior_attrs: None,
        meta: None,
        inputs: &empty_inputs,
        file_locals: &empty_locals,
        file_cache: None,
        block_locals: None,
        source: &NoResources,
        http: None,
    };
    Ctx::new(scope, Limits::default()).eval(e)
}
