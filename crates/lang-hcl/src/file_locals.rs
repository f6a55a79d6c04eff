//! File-level locals computed before the targets are evaluated.
//!
//! A file-level local (an index over the whole plan, say) is computed once,
//! at its first read, and every target of the file shares it. Left to the
//! targets, the first one to read it computes it on one core while every
//! other thread that needs it waits. The locals that every evaluation of a
//! policy reads are computed here instead, before the targets, the locals of
//! all files side by side (leaves first: a thread that meets a local another
//! one is computing waits for it).
//!
//! Only locals read whatever the target are computed early ([`certain_refs`]:
//! not in a branch of a conditional, the right side of `&&`/`||`, a `try`
//! fallback or a `for` body), of policies that have a target in the plan:
//! a local no evaluation would read is not computed at all, as before. The
//! values are the same as when a target computes them: a file-level local
//! cannot read its target, and keeps its own budget and recorded reasons
//! whoever computes it.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use tfgate_engine::PlanTargets;

use crate::ast::{BinaryOp, Expr, ExprKind, TemplatePart, TraversalOpKind};
use crate::model::{LocalDef, Policy, PolicyFile, TargetKind};
use crate::run::Evaluator;

/// Computes, in parallel, the file-level locals that every evaluation of a
/// policy with a target in `targets` reads.
pub(crate) fn compute_read_by_every_target<'e>(
    evaluators: impl Iterator<Item = (&'e PolicyFile, &'e Evaluator<'e>)>,
    targets: &PlanTargets<'_, '_>,
) {
    // The (type, actions) pairs of the plan's targets: few, whatever its size.
    let kinds: HashSet<(&str, &tfgate_plan::Action)> =
        targets.resources.iter().map(|r| (r.resource_type(), &r.action)).collect();
    let has_targets = |p: &Policy| match p.kind {
        TargetKind::Resource => kinds
            .iter()
            .any(|(ty, action)| p.matches_target(ty) && action.as_list().iter().any(|op| p.matches_operation(op))),
        TargetKind::Provider => !targets.providers.is_empty(),
        TargetKind::Module => !targets.modules.is_empty(),
        TargetKind::Plan => false,
    };
    let mut work: Vec<(usize, &Evaluator<'_>, &str)> = Vec::new();
    for (file, ev) in evaluators {
        let policies: Vec<&Policy> = file.policies.iter().filter(|p| has_targets(p)).collect();
        if policies.is_empty() {
            continue;
        }
        let depths = depths_and_requests(&file.locals);
        let mut names: Vec<&str> =
            policies.into_iter().flat_map(|p| read_by_every_evaluation(p, &file.locals)).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            if let Some(&(depth, false)) = depths.get(name) {
                work.push((depth, ev, name));
            }
        }
    }
    work.sort_by_key(|(depth, _, _)| *depth);
    // A queue in that order, one taker per thread (rayon's halving of a
    // list would start one thread on the deepest locals).
    let next = AtomicUsize::new(0);
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().min(work.len()) {
            s.spawn(|_| {
                while let Some((_, ev, name)) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                    ev.compute_file_local(name);
                }
            });
        }
    });
}

/// The file-level locals every evaluation of `policy` reads: through its
/// enforcement level, and its filter (or, without one, its conditions),
/// following block locals and file-level locals read by those in turn.
fn read_by_every_evaluation<'f>(policy: &'f Policy, file_locals: &'f BTreeMap<String, LocalDef>) -> Vec<&'f str> {
    let mut entries: Vec<&Expr> = policy.enforcement_level.iter().collect();
    match &policy.filter {
        Some(filter) => entries.push(filter),
        None => entries.extend(policy.enforce.iter().map(|e| &e.condition)),
    }
    let mut pending: Vec<(bool, String)> = Vec::new();
    for e in entries {
        pending.extend(certain_refs(e).into_iter().map(|n| (true, n)));
    }
    let (mut seen_block, mut seen_file): (HashSet<String>, Vec<&'f str>) = (HashSet::new(), Vec::new());
    while let Some((in_block, name)) = pending.pop() {
        // In a policy block, a block local of that name comes first.
        if in_block {
            if let Some(def) = policy.locals.get(&name) {
                if seen_block.insert(name) {
                    pending.extend(certain_refs(&def.expr).into_iter().map(|n| (true, n)));
                }
                continue;
            }
        }
        if let Some((key, def)) = file_locals.get_key_value(&name) {
            if !seen_file.contains(&key.as_str()) {
                seen_file.push(key);
                pending.extend(certain_refs(&def.expr).into_iter().map(|n| (false, n)));
            }
        }
    }
    seen_file
}

/// For each file-level local: how many file-level locals deep its
/// definition reads (0: none), and whether it makes an HTTP request
/// (`core::gethttprequest`, itself or through a local it reads). Such a
/// local is left to its first reader, so that no request is made earlier
/// than it would be, or by a run whose evaluation stops before it. Each
/// local is visited once; the loader rejects cycles, and a name being
/// visited is not followed.
fn depths_and_requests(locals: &BTreeMap<String, LocalDef>) -> BTreeMap<&str, (usize, bool)> {
    fn visit<'l>(
        name: &'l str,
        locals: &'l BTreeMap<String, LocalDef>,
        done: &mut BTreeMap<&'l str, Option<(usize, bool)>>,
    ) -> (usize, bool) {
        match done.get(name) {
            Some(Some(known)) => return *known,
            Some(None) => return (0, false),
            None => {}
        }
        let Some((key, def)) = locals.get_key_value(name) else { return (0, false) };
        done.insert(key, None);
        let mut requests = false;
        def.expr.walk(&mut |e| requests |= matches!(&e.kind, ExprKind::Call(c) if c.name == "gethttprequest"));
        let mut deepest = 0;
        for r in crate::load::local_refs(&def.expr) {
            if let Some((other, _)) = locals.get_key_value(&r) {
                let (d, q) = visit(other, locals, done);
                deepest = deepest.max(d + 1);
                requests |= q;
            }
        }
        done.insert(key, Some((deepest, requests)));
        (deepest, requests)
    }
    let mut done = BTreeMap::new();
    for name in locals.keys() {
        visit(name, locals, &mut done);
    }
    done.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
}

/// The `local.NAME` references an evaluation of `e` always reads: not those
/// in a conditional's branches, on the right of `&&` or `||` (short-circuit),
/// in the fallbacks of `try` or the argument of `can` (errors are part of
/// their answer), in a `for`'s body or condition (the collection may be
/// empty) or in a template's `if` or `for` directive bodies.
pub(crate) fn certain_refs(e: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    collect(e, &mut out);
    out
}

fn collect(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Variable(_) => {}
        ExprKind::Traversal { base, ops } => {
            out.extend(crate::load::local_named(e).map(str::to_string));
            collect(base, out);
            for op in ops {
                if let TraversalOpKind::Index(k) = &op.kind {
                    collect(k, out);
                }
            }
        }
        ExprKind::Conditional { cond, .. } => collect(cond, out),
        ExprKind::Binary { op: BinaryOp::And | BinaryOp::Or, lhs, .. } => collect(lhs, out),
        ExprKind::Call(call) if call.name == "try" => call.args.iter().take(1).for_each(|a| collect(a, out)),
        ExprKind::Call(call) if call.name == "can" => {}
        ExprKind::For(f) => collect(&f.collection, out),
        ExprKind::Template(parts) => parts.iter().for_each(|p| match p {
            TemplatePart::Interpolation(x) => collect(x, out),
            TemplatePart::If { cond, .. } => collect(cond, out),
            TemplatePart::For { collection, .. } => collect(collection, out),
            TemplatePart::Literal(_) => {}
        }),
        _ => e.simple_children().into_iter().for_each(|c| collect(c, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(src: &str) -> Vec<String> {
        let e = crate::parse::parse_expression(&crate::diagnostic::SourceFile::new("t.hcl", src))
            .unwrap_or_else(|d| panic!("{}", d.render()));
        let mut r = certain_refs(&e);
        r.sort();
        r
    }

    #[test]
    fn only_references_every_evaluation_reads() {
        assert_eq!(refs("local.a"), ["a"]);
        assert_eq!(refs("local.a[local.b].c"), ["a", "b"]);
        assert_eq!(refs("local.a ? local.b : local.c"), ["a"]);
        assert_eq!(refs("local.a && local.b"), ["a"]);
        assert_eq!(refs("local.a || local.b"), ["a"]);
        assert_eq!(refs("local.a == local.b"), ["a", "b"]);
        assert_eq!(refs("!local.a"), ["a"]);
        assert_eq!(refs("core::try(local.a, local.b)"), ["a"]);
        assert_eq!(refs("core::can(local.a)"), Vec::<String>::new());
        assert_eq!(refs("core::length(local.a) + core::max(1, local.b)"), ["a", "b"]);
        assert_eq!(refs("[for x in local.a : local.b if local.c]"), ["a"]);
        assert_eq!(refs("{ k = local.a, (local.b) = 1 }"), ["a", "b"]);
        assert_eq!(refs("[local.a, (local.b)]"), ["a", "b"]);
        assert_eq!(refs("\"${local.a} %{if local.b}${local.c}%{endif}\""), ["a", "b"]);
        assert_eq!(refs("attrs.x"), Vec::<String>::new());
    }

    #[test]
    fn a_policy_reads_the_file_locals_its_filter_reads_through_its_block_locals() {
        let file = crate::load_policy_source(
            "t.policy.hcl",
            r#"
            locals {
              index   = { for x in [1, 2] : x => true }
              table   = core::merge(local.index, {})
              message = "m"
              other   = "o"
              spare   = local.table
            }
            resource_policy "aws_instance" "with_filter" {
              filter = local.known && core::length(local.spare) > 0
              locals {
                known  = core::length(local.table) > 0 ? local.other : false
              }
              enforce {
                condition     = local.message == ""
                error_message = local.message
              }
            }
            resource_policy "aws_instance" "without_filter" {
              enforce {
                condition     = core::try(local.message, null) == null
                error_message = "x"
              }
            }
            "#,
        )
        .expect("policy loads");
        let read = |p: usize| {
            let mut names = read_by_every_evaluation(&file.policies[p], &file.locals);
            names.sort_unstable();
            names
        };
        // Not `spare` (right of &&), not `other` (in a branch), not
        // `message` (conditions run only when the filter holds).
        assert_eq!(read(0), ["index", "table"]);
        assert_eq!(read(1), ["message"]);
        let depths = depths_and_requests(&file.locals);
        assert_eq!((depths["table"], depths["spare"], depths["message"]), ((1, false), (2, false), (0, false)));
    }
}
