//! Mock attributes a policy reads but a test leaves out read as null.
//!
//! In a plan, a resource has every attribute of its provider schema (null
//! when not set); Terraform policy gives mocks the same shape from the
//! schemas of the providers a policy file declares in `required_providers`
//! (reference/test/resource: mocks are validated with those providers).
//! Without that declaration there is no schema, and an attribute the mock
//! leaves out is missing (an error that `try` catches: HashiCorp's own
//! `eks-cluster-log-enabled` relies on it). tfgate has no provider schemas,
//! so for a file that declares providers it finds the attribute paths the
//! file reads (`attrs.a.b`, `attrs.list[0].c`, through `for` variables and
//! locals that hold such a path) and fills each path a mock leaves out
//! with null, where the object above it exists.
//!
//! A top-level attribute the file reads anywhere inside `try` or `can` is
//! left out as the mock has it, so that the fallback is taken: HashiCorp's
//! library tests `core::try(attrs.encrypted, false)` and
//! `core::length(core::try(attrs.ebs_block_device, []))` with mocks that
//! leave the attribute out and expect the fallback, and they pass under
//! tfpolicy (a null there would fail or error instead).

use std::collections::{BTreeMap, BTreeSet};

use tfgate_plan::{Kind, Value};

use crate::ast::{Expr, ExprKind, TemplatePart, TraversalOpKind};
use crate::model::PolicyFile;

/// One step of an attribute path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Attr(String),
    /// Any element of a list or value of a map (an index, a splat, a `for`).
    Each,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Root {
    Attrs,
    Prior,
}

type Path = (Root, Vec<Step>);

/// The paths one policy file reads from `attrs` and `prior_attrs`.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReadPaths {
    paths: BTreeSet<Path>,
}

impl ReadPaths {
    pub fn of(file: &PolicyFile) -> ReadPaths {
        let mut out = ReadPaths::default();
        if !file.config.required_providers {
            return out;
        }
        // Locals that name a path, by name (file and block locals alike:
        // a name bound twice adds both paths, which only fills more nulls).
        let mut locals: BTreeMap<String, Vec<Path>> = BTreeMap::new();
        let all_locals: Vec<(&String, &Expr)> = file
            .locals
            .iter()
            .map(|(n, d)| (n, &d.expr))
            .chain(file.policies.iter().flat_map(|p| p.locals.iter().map(|(n, d)| (n, &d.expr))))
            .collect();
        // Two rounds: a local may name another local's path.
        for _ in 0..2 {
            for (name, e) in &all_locals {
                let env = Env { locals: &locals, vars: Vec::new(), guard: 0 };
                let paths = env.paths_of(e);
                if !paths.is_empty() {
                    locals.insert((*name).clone(), paths);
                }
            }
        }
        let mut exprs: Vec<&Expr> = all_locals.iter().map(|(_, e)| *e).collect();
        for p in &file.policies {
            exprs.extend(p.filter.iter());
            for en in &p.enforce {
                exprs.push(&en.condition);
                exprs.extend(en.error_message.iter().chain(en.info_message.iter()));
            }
        }
        let mut found = Found::default();
        for e in exprs {
            let mut env = Env { locals: &locals, vars: Vec::new(), guard: 0 };
            env.collect(e, &mut found);
        }
        out.paths = found
            .direct
            .into_iter()
            .filter(|(root, steps)| match steps.first() {
                Some(Step::Attr(name)) => !found.guarded.contains(&(*root, name.clone())),
                _ => false,
            })
            .collect();
        out
    }

    /// Fills the paths read from `attrs` (or `prior_attrs`) that `value`
    /// leaves out with null.
    pub fn fill(&self, value: &mut Value, prior: bool) {
        let root = if prior { Root::Prior } else { Root::Attrs };
        for (_, steps) in self.paths.iter().filter(|(r, _)| *r == root) {
            fill_path(value, steps);
        }
    }
}

fn fill_path(value: &mut Value, steps: &[Step]) {
    let Some((first, rest)) = steps.split_first() else { return };
    match (&mut value.kind, first) {
        (Kind::Object(obj), Step::Attr(name)) => match obj.get_mut(name) {
            Some(inner) => fill_path(inner, rest),
            None => {
                obj.insert(name.clone(), Value::null());
            }
        },
        (Kind::List(items), Step::Each) => items.iter_mut().for_each(|v| fill_path(v, rest)),
        (Kind::Object(obj), Step::Each) => obj.values_mut().for_each(|v| fill_path(v, rest)),
        _ => {}
    }
}

/// Paths read, and the top-level attributes read inside `try` or `can`.
#[derive(Default)]
struct Found {
    direct: BTreeSet<Path>,
    guarded: BTreeSet<(Root, String)>,
}

struct Env<'a> {
    locals: &'a BTreeMap<String, Vec<Path>>,
    /// `for` variables bound to a path (the value variable: an element).
    vars: Vec<(String, Vec<Path>)>,
    /// How many `try`/`can` calls the expression being walked is inside.
    guard: usize,
}

impl Env<'_> {
    /// The paths an expression stands for, when it is a path (through
    /// parentheses and `try`/`can`, whose first argument is the value).
    fn paths_of(&self, e: &Expr) -> Vec<Path> {
        match &e.kind {
            ExprKind::Variable(v) => self.var(v),
            ExprKind::Paren(x) => self.paths_of(x),
            ExprKind::Call(c) if c.name == "try" && c.namespace.iter().all(|n| n == "core") && !c.args.is_empty() => {
                self.paths_of(&c.args[0])
            }
            ExprKind::Traversal { base, ops } => {
                let (mut paths, rest) = match (&base.kind, ops.first().map(|o| &o.kind)) {
                    (ExprKind::Variable(r), Some(TraversalOpKind::GetAttr(n)))
                        if r == "local" && !self.vars.iter().any(|(v, _)| v == "local") =>
                    {
                        (self.locals.get(n).cloned().unwrap_or_default(), &ops[1..])
                    }
                    _ => (self.paths_of(base), &ops[..]),
                };
                if paths.is_empty() {
                    return paths;
                }
                for op in rest {
                    let step = match &op.kind {
                        TraversalOpKind::GetAttr(n) => Step::Attr(n.clone()),
                        TraversalOpKind::Index(ix) => match ix.as_literal().and_then(|l| l.as_str()) {
                            Some(s) => Step::Attr(s.to_string()),
                            None => Step::Each,
                        },
                        TraversalOpKind::AttrSplat | TraversalOpKind::FullSplat => Step::Each,
                    };
                    for (_, steps) in &mut paths {
                        steps.push(step.clone());
                    }
                }
                paths
            }
            _ => Vec::new(),
        }
    }

    fn var(&self, v: &str) -> Vec<Path> {
        if let Some((_, p)) = self.vars.iter().rev().find(|(n, _)| n == v) {
            return p.clone();
        }
        match v {
            "attrs" => vec![(Root::Attrs, Vec::new())],
            "prior_attrs" => vec![(Root::Prior, Vec::new())],
            _ => Vec::new(),
        }
    }

    /// Every path read anywhere in `e`.
    fn collect(&mut self, e: &Expr, out: &mut Found) {
        if matches!(e.kind, ExprKind::Traversal { .. }) {
            for (root, steps) in self.paths_of(e) {
                match (self.guard, steps.first()) {
                    (0, Some(_)) => {
                        out.direct.insert((root, steps));
                    }
                    (_, Some(Step::Attr(name))) => {
                        out.guarded.insert((root, name.clone()));
                    }
                    _ => {}
                }
            }
        }
        match &e.kind {
            ExprKind::Call(c) if (c.name == "try" || c.name == "can") && c.namespace.iter().all(|n| n == "core") => {
                self.guard += 1;
                for a in &c.args {
                    self.collect(a, out);
                }
                self.guard -= 1;
            }
            ExprKind::For(f) => {
                self.collect(&f.collection, out);
                let elements: Vec<Path> = self
                    .paths_of(&f.collection)
                    .into_iter()
                    .map(|(r, mut s)| {
                        s.push(Step::Each);
                        (r, s)
                    })
                    .collect();
                let n = self.vars.len();
                if let Some(k) = &f.key_var {
                    self.vars.push((k.clone(), Vec::new()));
                }
                self.vars.push((f.value_var.clone(), elements));
                for x in f.key.iter().chain(std::iter::once(&f.value)).chain(f.cond.iter()) {
                    self.collect(x, out);
                }
                self.vars.truncate(n);
            }
            ExprKind::Traversal { base, ops } => {
                self.collect(base, out);
                for op in ops {
                    if let TraversalOpKind::Index(x) = &op.kind {
                        self.collect(x, out);
                    }
                }
            }
            ExprKind::Template(parts) => self.collect_parts(parts, out),
            ExprKind::Literal(_) | ExprKind::Variable(_) => {}
            _ => {
                for c in e.simple_children() {
                    self.collect(c, out);
                }
            }
        }
    }

    fn collect_parts(&mut self, parts: &[TemplatePart], out: &mut Found) {
        for p in parts {
            match p {
                TemplatePart::Literal(_) => {}
                TemplatePart::Interpolation(x) => self.collect(x, out),
                TemplatePart::If { cond, then, otherwise } => {
                    self.collect(cond, out);
                    self.collect_parts(then, out);
                    self.collect_parts(otherwise, out);
                }
                TemplatePart::For { key_var, value_var, collection, body } => {
                    self.collect(collection, out);
                    let elements: Vec<Path> = self
                        .paths_of(collection)
                        .into_iter()
                        .map(|(r, mut s)| {
                            s.push(Step::Each);
                            (r, s)
                        })
                        .collect();
                    let n = self.vars.len();
                    if let Some(k) = key_var {
                        self.vars.push((k.clone(), Vec::new()));
                    }
                    self.vars.push((value_var.clone(), elements));
                    self.collect_parts(body, out);
                    self.vars.truncate(n);
                }
            }
        }
    }
}
