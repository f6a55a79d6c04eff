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

use std::collections::BTreeSet;

use crate::ast::{ExprKind, TraversalOpKind};
use crate::model::{Policy, PolicyFile};

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
}
