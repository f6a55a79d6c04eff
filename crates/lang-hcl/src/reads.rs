//! Which parts of a target a policy set reads, found in its expressions, so
//! that the plan walker builds only those: on a large plan, resolving the
//! sixty attributes of every instance when the policies read three of them
//! is most of the cost of a check.
//!
//! The analysis is conservative. `attrs.name`, `attrs["name"]` and
//! `core::lookup(attrs, "name", default)` (and the same for `prior_attrs` and
//! `meta`) read one top-level attribute; any other use
//! of the root (`attrs` passed whole to a function, a computed index, a
//! splat, `(attrs).name`) reads all of it. A name also bound by a `for`
//! expression only ever adds to what is read.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tfgate_plan::{Kind, Value};

use crate::ast::{Expr, ExprKind, ObjectKey, TemplatePart, TraversalOpKind};
use crate::model::{LocalDef, Policy, PolicyFile};

/// What is read of one root variable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Fields {
    /// Never named.
    #[default]
    Nothing,
    /// Only these top-level attributes.
    Some(BTreeSet<String>),
    /// The whole value.
    All,
}

impl Fields {
    /// Whether the attribute `name` is read.
    pub fn includes(&self, name: &str) -> bool {
        match self {
            Fields::Nothing => false,
            Fields::Some(names) => names.contains(name),
            Fields::All => true,
        }
    }
    /// A fast test for [`Fields::includes`], for the hot path of resolving
    /// every instance: names grouped by length, so most attributes are
    /// turned away without comparing a byte; `None` when everything is read.
    pub fn matcher(&self) -> Option<impl Fn(&str) -> bool + Sync + '_> {
        let names: Vec<&str> = match self {
            Fields::All => return None,
            Fields::Nothing => Vec::new(),
            Fields::Some(names) => names.iter().map(String::as_str).collect(),
        };
        let mut by_len: Vec<Vec<&str>> = vec![Vec::new(); names.iter().map(|n| n.len() + 1).max().unwrap_or(0)];
        for n in names {
            by_len[n.len()].push(n);
        }
        Some(move |key: &str| by_len.get(key.len()).is_some_and(|same| same.contains(&key)))
    }
    pub fn is_nothing(&self) -> bool {
        matches!(self, Fields::Nothing)
    }
    /// What either reads.
    fn union(&mut self, other: &Fields) {
        match (&mut *self, other) {
            (Fields::All, _) | (_, Fields::Nothing) => {}
            (_, Fields::All) => *self = Fields::All,
            (Fields::Some(names), Fields::Some(more)) => names.extend(more.iter().cloned()),
            (Fields::Nothing, Fields::Some(more)) => *self = Fields::Some(more.clone()),
        }
    }
    fn add(&mut self, name: &str) {
        match self {
            Fields::All => {}
            Fields::Some(names) => {
                names.insert(name.to_string());
            }
            Fields::Nothing => *self = Fields::Some(BTreeSet::from([name.to_string()])),
        }
    }
}

/// What the policies of a set read of a resource target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetReads {
    pub attrs: Fields,
    pub prior_attrs: Fields,
    pub meta: Fields,
}

const ROOTS: [&str; 3] = ["attrs", "prior_attrs", "meta"];

impl TargetReads {
    /// Everything every expression of these files may read.
    pub fn of_files<'f>(files: impl IntoIterator<Item = &'f PolicyFile>) -> TargetReads {
        let mut reads = TargetReads::default();
        // Per root: how often it is named, and how often as the base of a
        // traversal already accounted for; any other naming reads it all.
        let mut named = [0usize; 3];
        let mut accounted = [0usize; 3];
        let mut visit = |e: &crate::ast::Expr| match &e.kind {
            ExprKind::Variable(v) => {
                if let Some(i) = ROOTS.iter().position(|r| r == v) {
                    named[i] += 1;
                }
            }
            ExprKind::Traversal { base, ops } => {
                let ExprKind::Variable(v) = &base.kind else { return };
                let Some(i) = ROOTS.iter().position(|r| r == v) else { return };
                accounted[i] += 1;
                let field = step_name(ops.first());
                let fields = reads.root_mut(i);
                match field {
                    Some(name) => fields.add(name),
                    None => *fields = Fields::All,
                }
            }
            // tfgate's own functions find the target by its address.
            ExprKind::Call(c) if c.namespace.iter().any(|ns| ns == "tfgate") => reads.meta.add("address"),
            // `lookup(attrs, "name", default)` reads one attribute too.
            ExprKind::Call(c) if c.name == "lookup" && c.namespace.iter().all(|ns| ns == "core") && !c.expand_final => {
                let [map, key, ..] = c.args.as_slice() else { return };
                let ExprKind::Variable(v) = &map.kind else { return };
                let Some(i) = ROOTS.iter().position(|r| r == v) else { return };
                if let Some(name) = key.as_literal().and_then(|l| l.as_str()) {
                    accounted[i] += 1;
                    reads.root_mut(i).add(name);
                }
            }
            _ => {}
        };
        for file in files {
            for e in file_expressions(file) {
                e.walk(&mut visit);
            }
        }
        for i in 0..ROOTS.len() {
            if named[i] > accounted[i] {
                *reads.root_mut(i) = Fields::All;
            }
        }
        reads
    }

    fn root_mut(&mut self, i: usize) -> &mut Fields {
        match i {
            0 => &mut self.attrs,
            1 => &mut self.prior_attrs,
            _ => &mut self.meta,
        }
    }
}

/// The name a traversal step reads: `.name` or `["name"]`; `None` for any
/// other step (a computed index, a splat) or none.
fn step_name(op: Option<&crate::ast::TraversalOp>) -> Option<&str> {
    match op.map(|op| &op.kind) {
        Some(TraversalOpKind::GetAttr(name)) => Some(name.as_str()),
        Some(TraversalOpKind::Index(ix)) => ix.as_literal().and_then(|l| l.as_str()),
        _ => None,
    }
}

/// What a `for` expression over `tfgate::resources(TYPE)` reads of each of
/// its `{ address, attrs, meta }` elements, so that a policy reading two
/// attributes of every instance gets those two built, not all sixty.
///
/// Sound by construction: the element variable may only be the base of
/// `v.address`, `v.attrs.NAME`, `v.attrs["NAME"]`, `v.meta.NAME` and
/// `v.meta["NAME"]`; any other use of it (passed whole, a computed index,
/// a splat, `v.attrs` alone) reads everything. A name a nested `for` binds
/// again only ever adds to what is read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ElementReads {
    /// The top-level attributes read of `attrs`.
    pub attrs: Fields,
    /// The fields read of `meta`.
    pub meta: Fields,
}

impl ElementReads {
    /// Everything: what a call outside such a `for` expression returns.
    pub const ALL: ElementReads = ElementReads { attrs: Fields::All, meta: Fields::All };

    /// What `var` reads in these expressions (a `for` expression's key,
    /// value and condition).
    pub fn of_variable<'e>(var: &str, exprs: impl IntoIterator<Item = &'e crate::ast::Expr>) -> ElementReads {
        let mut reads = ElementReads::default();
        let (mut named, mut accounted) = (0usize, 0usize);
        // `v.attrs` / `v.meta` as the map of a `core::lookup` with a literal
        // key: read by that name (the walk reaches the call before its map).
        let mut looked_up: Vec<*const crate::ast::Expr> = Vec::new();
        let mut visit = |e: &crate::ast::Expr| match &e.kind {
            ExprKind::Variable(v) if v == var => named += 1,
            ExprKind::Call(c) if c.name == "lookup" && c.namespace.iter().all(|ns| ns == "core") && !c.expand_final => {
                let [map, key, ..] = c.args.as_slice() else { return };
                let ExprKind::Traversal { base, ops } = &map.kind else { return };
                let (true, [op]) = (matches!(&base.kind, ExprKind::Variable(v) if v == var), ops.as_slice()) else {
                    return;
                };
                let Some(name) = key.as_literal().and_then(|l| l.as_str()) else { return };
                match step_name(Some(op)) {
                    Some("attrs") => reads.attrs.add(name),
                    Some("meta") => reads.meta.add(name),
                    _ => return,
                }
                looked_up.push(map as *const _);
            }
            ExprKind::Traversal { .. } if looked_up.contains(&(e as *const _)) => accounted += 1,
            ExprKind::Traversal { base, ops } if matches!(&base.kind, ExprKind::Variable(v) if v == var) => {
                accounted += 1;
                let field = step_name(ops.get(1));
                match step_name(ops.first()) {
                    Some("address") => {}
                    Some("attrs") => match field {
                        Some(f) => reads.attrs.add(f),
                        None => reads.attrs = Fields::All,
                    },
                    Some("meta") => match field {
                        Some(f) => reads.meta.add(f),
                        None => reads.meta = Fields::All,
                    },
                    _ => reads = ElementReads::ALL,
                }
            }
            _ => {}
        };
        for e in exprs {
            e.walk(&mut visit);
        }
        if named > accounted {
            reads = ElementReads::ALL;
        }
        reads
    }
}

impl ElementReads {
    /// What either reads.
    pub fn union(&mut self, other: &ElementReads) {
        self.attrs.union(&other.attrs);
        self.meta.union(&other.meta);
    }
}

/// What all the `tfgate::resources` calls of a policy set read of the
/// elements of each type's list. A list is built once per type with what
/// every call reads, not once per call with what that call reads: each
/// build resolves every instance of the type again, and the attributes a
/// call does not read are ones it never sees (see [`ElementReads`]).
///
/// A call's type is known when it is a literal string, or a name bound by
/// an enclosing `for` over literal strings (`for t in ["a", "b"]`) or over
/// the keys of an object literal, written there or in a local
/// (`for t, args in local.arguments_by_type`). A call of any other type may
/// read any type's list. Nothing depends on the analysis being complete: a
/// call still gets what it reads itself ([`ListReads::widen`]).
#[derive(Clone, Debug, Default)]
pub struct ListReads {
    /// Calls whose types are known.
    by_type: HashMap<String, ElementReads>,
    /// Calls whose type is not known: any type may be theirs.
    any_type: ElementReads,
}

/// The strings a name bound by a `for` can only be (`None`: any value).
type Binding<'e> = (&'e str, Option<Vec<String>>);

impl ListReads {
    /// Every `tfgate::resources` call of these files.
    pub fn of_files<'f>(files: impl IntoIterator<Item = &'f PolicyFile>) -> ListReads {
        let mut out = ListReads::default();
        for file in files {
            for local in file.locals.values() {
                out.visit(&local.expr, &[&file.locals], &mut Vec::new());
            }
            for policy in &file.policies {
                for e in policy_expressions(policy) {
                    out.visit(e, &[&policy.locals, &file.locals], &mut Vec::new());
                }
            }
        }
        out
    }

    /// What a list of `resource_type` is built with for a call that reads
    /// `reads` of it: that and what every other call of the set may read.
    pub fn widen(&self, resource_type: &str, reads: &ElementReads) -> ElementReads {
        let mut wide = reads.clone();
        wide.union(&self.any_type);
        if let Some(more) = self.by_type.get(resource_type) {
            wide.union(more);
        }
        wide
    }

    fn visit<'e>(&mut self, e: &'e Expr, locals: &[&'e BTreeMap<String, LocalDef>], bound: &mut Vec<Binding<'e>>) {
        match &e.kind {
            ExprKind::Call(c) if c.namespace == ["tfgate"] && c.name == "resources" => {
                let reads = c.element_reads.as_deref().unwrap_or(&ElementReads::ALL);
                match c.args.as_slice() {
                    [ty] if !c.expand_final => match strings_of(ty, bound) {
                        Some(types) => {
                            for ty in types {
                                self.by_type.entry(ty).or_default().union(reads);
                            }
                        }
                        None => self.any_type.union(reads),
                    },
                    // A call the evaluator rejects builds nothing.
                    _ => {}
                }
                c.args.iter().for_each(|a| self.visit(a, locals, bound));
            }
            ExprKind::For(f) => {
                self.visit(&f.collection, locals, bound);
                let (keys, values) = for_bindings(&f.collection, locals);
                let pushed = bound.len();
                if let Some(k) = &f.key_var {
                    bound.push((k, keys));
                    bound.push((&f.value_var, values));
                } else {
                    // One name over an object binds its values.
                    bound.push((&f.value_var, values));
                }
                for part in f.key.iter().chain([&f.value]).chain(&f.cond) {
                    self.visit(part, locals, bound);
                }
                bound.truncate(pushed);
            }
            ExprKind::Traversal { base, ops } => {
                self.visit(base, locals, bound);
                for op in ops {
                    if let TraversalOpKind::Index(i) = &op.kind {
                        self.visit(i, locals, bound);
                    }
                }
            }
            ExprKind::Template(parts) => self.visit_parts(parts, locals, bound),
            _ => e.simple_children().into_iter().for_each(|c| self.visit(c, locals, bound)),
        }
    }

    fn visit_parts<'e>(
        &mut self,
        parts: &'e [TemplatePart],
        locals: &[&'e BTreeMap<String, LocalDef>],
        bound: &mut Vec<Binding<'e>>,
    ) {
        for part in parts {
            match part {
                TemplatePart::Literal(_) => {}
                TemplatePart::Interpolation(e) => self.visit(e, locals, bound),
                TemplatePart::If { cond, then, otherwise } => {
                    self.visit(cond, locals, bound);
                    self.visit_parts(then, locals, bound);
                    self.visit_parts(otherwise, locals, bound);
                }
                TemplatePart::For { key_var, value_var, collection, body } => {
                    self.visit(collection, locals, bound);
                    let pushed = bound.len();
                    bound.extend(key_var.as_deref().map(|k| (k, None)));
                    bound.push((value_var, None));
                    self.visit_parts(body, locals, bound);
                    bound.truncate(pushed);
                }
            }
        }
    }
}

/// The strings `e` can only be: a literal string, or a name bound to known strings.
fn strings_of(e: &Expr, bound: &[Binding<'_>]) -> Option<Vec<String>> {
    match &e.kind {
        ExprKind::Variable(v) => {
            bound.iter().rev().find(|(name, _)| name == v).and_then(|(_, strings)| strings.clone())
        }
        ExprKind::Paren(inner) => strings_of(inner, bound),
        _ => e.as_literal().and_then(Value::as_str).map(|s| vec![s.to_string()]),
    }
}

/// What a `for` over `collection` binds its key and its value to, when
/// known: over literal strings the values, over an object literal the keys
/// (either written there or as a local).
fn for_bindings(
    collection: &Expr,
    locals: &[&BTreeMap<String, LocalDef>],
) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let collection = match &collection.kind {
        ExprKind::Traversal { base, ops } => match (&base.kind, ops.as_slice()) {
            (ExprKind::Variable(v), [op]) if v == "local" => match &op.kind {
                TraversalOpKind::GetAttr(name) => match locals.iter().find_map(|l| l.get(name)) {
                    Some(local) => &local.expr,
                    None => return (None, None),
                },
                _ => return (None, None),
            },
            _ => return (None, None),
        },
        _ => collection,
    };
    match &collection.kind {
        ExprKind::Tuple(items) => {
            let strings: Option<Vec<String>> =
                items.iter().map(|i| i.as_literal().and_then(Value::as_str).map(str::to_string)).collect();
            (None, strings)
        }
        ExprKind::Object(items) => {
            let keys: Option<Vec<String>> = items
                .iter()
                .map(|(k, _)| match k {
                    ObjectKey::Name(name, _) => Some(name.clone()),
                    ObjectKey::Expr(e) => e.as_literal().and_then(Value::as_str).map(str::to_string),
                })
                .collect();
            (keys, None)
        }
        ExprKind::Literal(v) => match &v.kind {
            Kind::List(items) => (None, items.iter().map(|i| i.as_str().map(str::to_string)).collect()),
            Kind::Object(o) => (Some(o.keys().map(|k| k.to_string()).collect()), None),
            _ => (None, None),
        },
        _ => (None, None),
    }
}

/// Whether a policy block's own expressions (filter, level, block locals,
/// enforce blocks) name `prior_attrs`; file-level locals cannot.
/// Conservative: a `for` variable of that name counts too.
pub fn policy_reads_prior_attrs(p: &Policy) -> bool {
    let mut found = false;
    let mut visit = |e: &crate::ast::Expr| {
        if matches!(&e.kind, ExprKind::Variable(v) if v == "prior_attrs") {
            found = true;
        }
    };
    for e in policy_expressions(p) {
        e.walk(&mut visit);
    }
    found
}

fn policy_expressions(p: &Policy) -> impl Iterator<Item = &crate::ast::Expr> {
    let own = p.filter.iter().chain(&p.enforcement_level).chain(p.locals.values().map(|l| &l.expr));
    let enforce =
        p.enforce.iter().flat_map(|en| std::iter::once(&en.condition).chain(&en.error_message).chain(&en.info_message));
    own.chain(enforce)
}

/// Every expression of a file: its locals and those of its policy blocks,
/// filters, enforcement levels, conditions and messages.
fn file_expressions(file: &PolicyFile) -> impl Iterator<Item = &crate::ast::Expr> {
    let file_locals = file.locals.values().map(|l| &l.expr);
    let blocks = file.policies.iter().flat_map(policy_expressions);
    file_locals.chain(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_policy_source;

    fn reads(src: &str) -> TargetReads {
        let file = load_policy_source("t.policy.hcl", src).expect("policy loads");
        TargetReads::of_files([&file])
    }

    fn some(names: &[&str]) -> Fields {
        Fields::Some(names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn attribute_reads_are_named_ones() {
        let r = reads(
            r#"
            resource_policy "aws_instance" "p" {
              locals {
                tokens = core::try(attrs.metadata_options[0].http_tokens, null)
                root   = core::lookup(attrs, "root_block_device", [])
              }
              filter = attrs["instance_type"] != "t2.nano"
              enforce {
                condition     = local.tokens == "required" && meta.operation != "delete"
                error_message = "${meta.address}: ${attrs.ami}"
              }
            }
            "#,
        );
        assert_eq!(r.attrs, some(&["ami", "instance_type", "metadata_options", "root_block_device"]));
        assert_eq!(r.meta, some(&["address", "operation"]));
        assert_eq!(r.prior_attrs, Fields::Nothing);
        let matches = r.attrs.matcher().expect("a selection");
        assert!(matches("ami") && matches("root_block_device") && !matches("arn") && !matches("amx"));
        assert!(Fields::All.matcher().is_none());
        assert!(!Fields::Nothing.matcher().expect("a selection")("ami"));
    }

    #[test]
    fn any_other_use_reads_everything() {
        let whole = reads(
            r#"resource_policy "x" "p" {
                 enforce { condition = core::length(core::keys(attrs)) > 0 }
               }"#,
        );
        assert_eq!(whole.attrs, Fields::All);
        let computed = reads(
            r#"resource_policy "x" "p" {
                 operations = ["update"]
                 locals { k = "tags" }
                 enforce { condition = prior_attrs[local.k] == null && attrs.tags == null }
               }"#,
        );
        assert_eq!(computed.prior_attrs, Fields::All);
        assert_eq!(computed.attrs, some(&["tags"]));
        let splat = reads(
            r#"resource_policy "x" "p" {
                 enforce { condition = core::length(meta[*]) > 0 }
               }"#,
        );
        assert_eq!(splat.meta, Fields::All);
        let computed_lookup = reads(
            r#"resource_policy "x" "p" {
                 enforce { condition = core::lookup(attrs, meta.type, null) == null }
               }"#,
        );
        assert_eq!(computed_lookup.attrs, Fields::All);
    }

    #[test]
    fn tfgate_functions_read_the_address() {
        let r = reads(
            r#"resource_policy "x" "p" {
                 enforce { condition = core::length(tfgate::referenced("launch_template")) == 0 }
               }"#,
        );
        assert_eq!(r.meta, some(&["address"]));
    }

    /// What the `for` expression over `tfgate::resources` in the local `l` reads.
    fn element_reads(src: &str) -> Option<ElementReads> {
        let file = load_policy_source("t.policy.hcl", src).expect("policy loads");
        let mut found = None;
        file.locals["l"].expr.walk(&mut |e| {
            if let ExprKind::Call(c) = &e.kind {
                if c.name == "resources" {
                    found = c.element_reads.as_deref().cloned();
                }
            }
        });
        found
    }

    #[test]
    fn a_for_over_tfgate_resources_builds_what_it_reads() {
        let r = element_reads(
            r#"locals {
                 l = [for i, r in tfgate::resources("aws_instance") : {
                   a = r.address
                   t = core::try(r.attrs.metadata_options[0].http_tokens, null)
                   g = r.attrs["vpc_security_group_ids"]
                   c = r.meta.configured
                 } if r.meta["operation"] != "delete" && i >= 0]
               }"#,
        )
        .expect("annotated");
        assert_eq!(r.attrs, some(&["metadata_options", "vpc_security_group_ids"]));
        assert_eq!(r.meta, some(&["configured", "operation"]));
        let address_only = element_reads(r#"locals { l = [for r in tfgate::resources("x") : r.address] }"#);
        assert_eq!(address_only, Some(ElementReads::default()));
    }

    #[test]
    fn any_other_use_of_an_element_reads_all_of_it() {
        for body in [
            "r",                             // the element itself
            "core::jsonencode(r)",           // passed whole
            "r.attrs",                       // attrs whole
            "r.attrs[core::lower(\"AMI\")]", // a computed name
            "[for r in [r] : r.attrs.ami]",  // bound again, used whole
            "r[*].attrs.ami",                // a splat
        ] {
            let src = format!("locals {{ l = [for r in tfgate::resources(\"x\") : {body}] }}");
            let r = element_reads(&src).expect("annotated");
            assert!(r.attrs == Fields::All, "{body}: {r:?}");
        }
        // So is `core::lookup` of a literal name; of a computed one, all of attrs.
        let r =
            element_reads(r#"locals { l = [for r in tfgate::resources("x") : core::lookup(r.attrs, "ami", null)] }"#);
        assert_eq!(r.map(|r| r.attrs), Some(some(&["ami"])));
        let r = element_reads(
            r#"locals { l = [for r in tfgate::resources("x") : core::lookup(r.attrs, core::lower("AMI"), null)] }"#,
        );
        assert_eq!(r.map(|r| r.attrs), Some(Fields::All));
        // An index by a literal name is the same read as the name.
        let r = element_reads(r#"locals { l = [for r in tfgate::resources("x") : r["attrs"]["ami"]] }"#);
        assert_eq!(r.map(|r| r.attrs), Some(some(&["ami"])));
        // `r.meta` whole reads all of meta, and only meta.
        let r = element_reads(r#"locals { l = [for r in tfgate::resources("x") : [r.meta, r.attrs.ami]] }"#);
        assert_eq!(r, Some(ElementReads { attrs: some(&["ami"]), meta: Fields::All }));
        // A call that is not a `for` collection is not annotated: it builds everything.
        assert_eq!(element_reads(r#"locals { l = tfgate::resources("x") }"#), None);
    }

    fn list_reads(src: &str) -> ListReads {
        let file = load_policy_source("t.policy.hcl", src).expect("policy loads");
        ListReads::of_files([&file])
    }

    #[test]
    fn each_type_list_is_built_with_what_every_call_reads_of_it() {
        let r = list_reads(
            r#"locals {
                 kinds = { aws_lb = ["security_groups"], aws_db_instance = ["vpc_security_group_ids"] }
                 a = [for x in tfgate::resources("aws_instance") : x.attrs.ami]
                 b = [for t in ["aws_instance", "aws_spot_instance_request"] : [
                       for x in tfgate::resources(t) : x.meta.configured]]
                 c = [for t, args in local.kinds : [for x in tfgate::resources(t) : x.attrs.tags]]
                 d = [for i, t in ["aws_ebs_volume"] : [for x in tfgate::resources(t) : x.attrs.encrypted]]
               }
               resource_policy "aws_instance" "p" {
                 locals { profiles = tfgate::resources("aws_iam_instance_profile") }
                 enforce { condition = core::length(local.profiles) >= 0 }
               }"#,
        );
        let mut types: Vec<&str> = r.by_type.keys().map(String::as_str).collect();
        types.sort_unstable();
        assert_eq!(
            types,
            [
                "aws_db_instance",
                "aws_ebs_volume",
                "aws_iam_instance_profile",
                "aws_instance",
                "aws_lb",
                "aws_spot_instance_request"
            ]
        );
        let instance = r.widen("aws_instance", &ElementReads::default());
        assert_eq!(instance.attrs, some(&["ami"]));
        assert_eq!(instance.meta, some(&["configured"]));
        assert_eq!(r.widen("aws_lb", &ElementReads::default()).attrs, some(&["tags"]));
        assert_eq!(r.widen("aws_ebs_volume", &ElementReads::default()).attrs, some(&["encrypted"]));
        // Used whole, outside a `for`: everything.
        assert_eq!(r.widen("aws_iam_instance_profile", &ElementReads::default()), ElementReads::ALL);
        // A type no call names gets only what its caller reads.
        let own = ElementReads { attrs: some(&["arn"]), meta: Fields::Nothing };
        assert_eq!(r.widen("aws_vpc", &own), own);
    }

    #[test]
    fn a_call_of_a_type_not_known_widens_every_list() {
        let r = list_reads(
            r#"input "kinds" {
                 type    = list(string)
                 default = ["aws_vpc"]
               }
               locals {
                 a = [for t in input.kinds : [for x in tfgate::resources(t) : x.attrs.cidr_block]]
                 b = [for x in tfgate::resources("aws_instance") : x.attrs.ami]
                 shadowed = [for t in ["aws_lb"] : [for t in input.kinds : [for x in tfgate::resources(t) : x.attrs.tags]]]
               }"#,
        );
        assert_eq!(r.by_type.keys().collect::<Vec<_>>(), ["aws_instance"]);
        assert_eq!(r.widen("aws_instance", &ElementReads::default()).attrs, some(&["ami", "cidr_block", "tags"]));
        assert_eq!(r.widen("aws_vpc", &ElementReads::default()).attrs, some(&["cidr_block", "tags"]));
    }
}
