//! Evaluating policy blocks against targets: the API the plan walker calls.
//!
//! The caller turns each plan object into a [`Target`] (resource instance,
//! provider configuration or module call), implements [`ResourceSource`]
//! for `core::getresources`, and asks an [`Evaluator`] (one per file) for
//! the [`PolicyOutcome`] of each policy block. Outcomes are neutral data:
//! wording and gating happen elsewhere.

use std::collections::BTreeMap;
use std::sync::Arc;

use tfgate_plan::Value;

use crate::diagnostic::{Diagnostic, Span};
use crate::eval::{self, Ctx, EvalError, Limits, LocalCache, ResourceSource, Scope};
use crate::functions::gethttprequest::HttpAccess;
use crate::model::{EnforcementLevel, Policy, PolicyFile, TargetKind};
use crate::types;
pub use tfgate_core::Status;

/// One thing a policy block can be evaluated against.
///
/// `meta` is an object the caller fills; the keys a policy sees are those of
/// Terraform policy plus tfgate's documented extras:
///
/// - resources: `type`, `name`, `address`, `module_path` (`"."` for the
///   root module), `mode` (`managed`/`data`), `index` (null, number or
///   string), `provider_type` (e.g. `aws`), `provider` (full provider
///   address), `operation` (`create`, `update`, `delete`, …), `actions`
///   (the plan's action list);
/// - modules: `source`, `version`, `address`, `module_path`;
/// - providers: `name`, `type`, `alias`, `namespace`, `source`, `version`.
///
/// HCP Terraform context (`tfe_workspace`, `tfe_stack`) may be added when
/// known; policies should read it through `core::try`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// Resource, provider or module.
    pub kind: TargetKind,
    /// What the first label of a policy block is matched against: the
    /// resource type, the provider name (e.g. `aws`) or the module source.
    pub name: String,
    /// Planned after-values (`null` for a deletion).
    pub attrs: Value,
    /// Values before the change (`null` for a creation).
    pub prior_attrs: Value,
    /// What the policy reads as `meta` (address, operation, configuration, …).
    pub meta: Value,
    /// Terraform plan actions: `create`, `update`, `delete`, `read`, `no-op`
    /// (a replace is `["delete", "create"]` or `["create", "delete"]`).
    pub actions: Vec<String>,
}

/// The result of one `enforce` block.
#[derive(Clone, Debug, PartialEq)]
pub struct EnforceResult {
    /// Position of the block among the policy's `enforce` blocks.
    pub index: usize,
    /// Where the `enforce` block is written.
    pub span: Span,
    /// Pass, fail, unknown or error.
    pub status: Status,
    /// Rendered `error_message` (for fail and unknown), with sensitive parts
    /// as `(sensitive value)` and unknown parts as `(known after apply)`;
    /// for a condition made unknown by `tfgate::unknown(REASON)`, the
    /// reasons instead.
    pub error_message: Option<String>,
    /// Rendered `info_message` (for every status but error).
    pub info_message: Option<String>,
    /// For [`Status::Error`]: what went wrong, and where.
    pub error: Option<EvalError>,
}

/// Why a policy block did not apply to a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotApplicable {
    /// A different kind of target (e.g. a module for a resource policy).
    Kind,
    /// The first label does not match the target's name.
    Target,
    /// None of the target's actions is in `operations`.
    Operation,
    /// `filter` is false.
    Filtered,
}

/// What evaluating one policy block against one target gave.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyOutcome {
    /// The policy does not apply to the target, and why.
    NotApplicable(NotApplicable),
    /// The policy applied and its `enforce` blocks were evaluated.
    Evaluated {
        /// The level the block evaluated to (or was set to).
        enforcement_level: EnforcementLevel,
        /// True when `filter` was unknown: the policy may not apply, so a
        /// failing condition is reported as unknown instead.
        filter_unknown: bool,
        /// One result per `enforce` block.
        results: Vec<EnforceResult>,
    },
    /// `filter` or `enforcement_level` could not be evaluated.
    Error(EvalError),
}

impl PolicyOutcome {
    /// The worst status among the enforce blocks (error > fail > unknown > pass),
    /// `None` when not applicable.
    pub fn status(&self) -> Option<Status> {
        match self {
            PolicyOutcome::NotApplicable(_) => None,
            PolicyOutcome::Error(_) => Some(Status::Error),
            PolicyOutcome::Evaluated { results, .. } => {
                let has = |s| results.iter().any(|r| r.status == s);
                Some(if has(Status::Error) {
                    Status::Error
                } else if has(Status::Fail) {
                    Status::Fail
                } else if has(Status::Unknown) {
                    Status::Unknown
                } else {
                    Status::Pass
                })
            }
        }
    }
}

/// Invalid input values given for a file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("{file}: input \"{name}\" is not declared")]
    /// A value is given for an input the file does not declare.
    Undeclared {
        /// The policy file.
        file: String,
        /// The input.
        name: String,
    },
    #[error("{file}: input \"{name}\" has no default and no value was given")]
    /// An input without a default has no value.
    Missing {
        /// The policy file.
        file: String,
        /// The input.
        name: String,
    },
    #[error("{file}: invalid value for input \"{name}\": {message}")]
    /// A value does not fit the input's type or validation.
    Invalid {
        /// The policy file.
        file: String,
        /// The input.
        name: String,
        /// What is wrong with the value.
        message: String,
    },
}

/// Evaluates the policies of one file. File-level locals are computed once
/// and shared by all evaluations; the evaluator is `Sync` so that targets
/// can be evaluated in parallel.
pub struct Evaluator<'a> {
    file: &'a PolicyFile,
    inputs: BTreeMap<String, Value>,
    source: &'a (dyn ResourceSource + Sync),
    limits: Limits,
    cache: LocalCache,
    /// What `core::gethttprequest` may do (nothing unless given).
    http: Option<Arc<HttpAccess>>,
}

impl<'a> Evaluator<'a> {
    /// Prepares a file for evaluation with input values given from outside
    /// (they override defaults; undeclared names are an error, so a typo in
    /// a configuration file does not go unnoticed).
    pub fn new(
        file: &'a PolicyFile,
        given: &BTreeMap<String, Value>,
        source: &'a (dyn ResourceSource + Sync),
        limits: Limits,
    ) -> Result<Evaluator<'a>, InputError> {
        Ok(Evaluator {
            file,
            inputs: resolve_inputs(file, given)?,
            source,
            limits,
            cache: eval::new_cache(&file.locals),
            http: None,
        })
    }

    /// Lets `core::gethttprequest` make the requests `access` allows.
    #[must_use]
    pub fn with_http(mut self, access: Option<Arc<HttpAccess>>) -> Evaluator<'a> {
        self.http = access;
        self
    }

    /// The file the evaluator runs.
    pub fn file(&self) -> &PolicyFile {
        self.file
    }
    /// The input values in force (defaults merged with given values).
    pub fn inputs(&self) -> &BTreeMap<String, Value> {
        &self.inputs
    }

    /// Evaluates every policy block of the file against one target.
    pub fn evaluate_all(&self, target: &Target) -> Vec<(&'a Policy, PolicyOutcome)> {
        self.file.policies.iter().map(|p| (p, self.evaluate(p, target))).collect()
    }

    /// Evaluates one policy block (of this file) against one target.
    pub fn evaluate(&self, policy: &Policy, target: &Target) -> PolicyOutcome {
        if policy.kind != target.kind {
            return PolicyOutcome::NotApplicable(NotApplicable::Kind);
        }
        if !policy.matches_target(&target.name) {
            return PolicyOutcome::NotApplicable(NotApplicable::Target);
        }
        if policy.kind == TargetKind::Resource {
            if is_replacement(&target.actions) {
                return self.evaluate_replacement(policy, target);
            }
            if !policy.matches_actions(&target.actions) {
                return PolicyOutcome::NotApplicable(NotApplicable::Operation);
            }
        }
        self.evaluate_one(policy, target)
    }

    /// A replacement is two operations, delete then create (Terraform
    /// policy): the delete half sees `prior_attrs` and a null `attrs`, the
    /// create half `attrs` and a null `prior_attrs`, and `meta.operation`
    /// names the half. Only the halves the policy's operations select run;
    /// when both do (`operations = []`), their results are joined in order.
    fn evaluate_replacement(&self, policy: &Policy, target: &Target) -> PolicyOutcome {
        let mut outcomes = Vec::new();
        for op in ["delete", "create"] {
            if !policy.matches_operation(op) {
                continue;
            }
            let (attrs, prior_attrs) = if op == "delete" {
                (Value::null(), target.prior_attrs.clone())
            } else {
                (target.attrs.clone(), Value::null())
            };
            let half = Target {
                kind: target.kind,
                name: target.name.clone(),
                attrs,
                prior_attrs,
                meta: with_operation(&target.meta, op),
                actions: vec![op.to_string()],
            };
            outcomes.push(self.evaluate_one(policy, &half));
        }
        let mut joined: Option<PolicyOutcome> = None;
        for o in outcomes {
            joined = Some(match (joined, o) {
                (None, o) => o,
                (Some(e @ PolicyOutcome::Error(_)), _) | (Some(PolicyOutcome::NotApplicable(_)), e) => e,
                (Some(a), PolicyOutcome::NotApplicable(_)) => a,
                (Some(PolicyOutcome::Evaluated { .. }), e @ PolicyOutcome::Error(_)) => e,
                (
                    Some(PolicyOutcome::Evaluated { enforcement_level, filter_unknown, mut results }),
                    PolicyOutcome::Evaluated { filter_unknown: u2, results: more, .. },
                ) => {
                    results.extend(more);
                    PolicyOutcome::Evaluated { enforcement_level, filter_unknown: filter_unknown || u2, results }
                }
            });
        }
        joined.unwrap_or(PolicyOutcome::NotApplicable(NotApplicable::Operation))
    }

    /// Evaluates a policy block against a target already selected by kind,
    /// label and operation.
    fn evaluate_one(&self, policy: &Policy, target: &Target) -> PolicyOutcome {
        let ctx = self.ctx(policy, Some(target));
        let level = match self.level(policy, &ctx) {
            Ok(l) => l,
            Err(e) => return PolicyOutcome::Error(e),
        };
        let mut filter_unknown = false;
        if let Some(f) = &policy.filter {
            match ctx.eval(f).map(|v| eval::values::to_bool(&v).map_err(|m| (v, m))) {
                Err(e) => return PolicyOutcome::Error(e),
                Ok(Err((_, m))) => {
                    return PolicyOutcome::Error(EvalError::new(f.span, format!("Invalid filter value: {m}")))
                }
                Ok(Ok(Some(false))) => return PolicyOutcome::NotApplicable(NotApplicable::Filtered),
                Ok(Ok(Some(true))) => {}
                Ok(Ok(None)) => filter_unknown = true,
            }
        }
        let results = policy
            .enforce
            .iter()
            .enumerate()
            .map(|(index, en)| {
                // Only the reasons this condition met count for its message.
                ctx.take_unknown_reasons();
                let (mut status, error) = match ctx.eval(&en.condition) {
                    Err(e) => (Status::Error, Some(e)),
                    Ok(v) => match eval::values::to_bool(&v) {
                        Ok(Some(true)) => (Status::Pass, None),
                        Ok(Some(false)) => (Status::Fail, None),
                        Ok(None) => (Status::Unknown, None),
                        Err(m) => (
                            Status::Error,
                            Some(EvalError::new(en.condition.span, format!("Invalid condition value: {m}"))),
                        ),
                    },
                };
                // Why the condition is unknown, when the policy said so with
                // `tfgate::unknown` (an unknown filter is not such a reason).
                let said_unknown = (status == Status::Unknown)
                    .then(|| crate::functions::unknown::message(&ctx.take_unknown_reasons()))
                    .flatten();
                if filter_unknown && status == Status::Fail {
                    status = Status::Unknown;
                }
                let render = |e: &Option<crate::ast::Expr>| {
                    e.as_ref().map(|m| {
                        ctx.render_message(m).unwrap_or_else(|err| format!("(message could not be rendered: {err})"))
                    })
                };
                let error_message = match said_unknown {
                    Some(reason) => Some(reason),
                    None => {
                        matches!(status, Status::Fail | Status::Unknown).then(|| render(&en.error_message)).flatten()
                    }
                };
                let info_message = (status != Status::Error).then(|| render(&en.info_message)).flatten();
                EnforceResult { index, span: en.span, status, error_message, info_message, error }
            })
            .collect();
        PolicyOutcome::Evaluated { enforcement_level: level, filter_unknown, results }
    }

    /// The enforcement level of a policy block, evaluated with the inputs in
    /// force (it may be `input.level`). The default is `mandatory`.
    pub fn enforcement_level(&self, policy: &Policy) -> Result<EnforcementLevel, EvalError> {
        self.level(policy, &self.ctx(policy, None))
    }

    fn level(&self, policy: &Policy, ctx: &Ctx) -> Result<EnforcementLevel, EvalError> {
        let Some(e) = &policy.enforcement_level else {
            return Ok(EnforcementLevel::DEFAULT);
        };
        let v = ctx.eval(e)?;
        v.as_str().and_then(EnforcementLevel::parse).ok_or_else(|| {
            EvalError::new(
                e.span,
                format!(
                    "Invalid enforcement level {}: must be one of {}",
                    eval::display_in_message(&v),
                    EnforcementLevel::NAMES.join(", ")
                ),
            )
        })
    }

    /// Computes one file-level local into the cache every target of the
    /// file reads, as its first reader would (with the budget of its own a
    /// file-level local gets, and the same recorded reasons): see
    /// `file_locals.rs`.
    pub(crate) fn compute_file_local(&self, name: &str) {
        self.ctx_in(None, None).compute_file_local(name);
    }

    fn ctx(&self, policy: &'a Policy, target: Option<&'a Target>) -> Ctx<'_> {
        self.ctx_in(Some(&policy.locals), target)
    }

    /// A context of this file: inside a policy block (its locals) and with a
    /// target, or neither (a file-level local).
    fn ctx_in(
        &self,
        block_locals: Option<&'a BTreeMap<String, crate::model::LocalDef>>,
        target: Option<&'a Target>,
    ) -> Ctx<'_> {
        Ctx::new(
            Scope {
                attrs: target.map(|t| &t.attrs),
                prior_attrs: target.map(|t| &t.prior_attrs),
                meta: target.map(|t| &t.meta),
                inputs: &self.inputs,
                file_locals: &self.file.locals,
                file_cache: Some(&self.cache),
                block_locals,
                source: self.source,
                http: self.http.as_deref(),
            },
            self.limits,
        )
    }

    /// A diagnostic for an evaluation error of this file.
    pub fn diagnostic(&self, err: &EvalError) -> Diagnostic {
        self.file.diagnostic(err)
    }
}

/// Whether plan actions are a replacement (delete and create, either order).
fn is_replacement(actions: &[String]) -> bool {
    actions.len() == 2 && actions.iter().any(|a| a == "delete") && actions.iter().any(|a| a == "create")
}

/// `meta` with `operation` set to one half of a replacement (when `meta`
/// carries an operation at all: the walker builds only the keys policies read).
fn with_operation(meta: &Value, op: &str) -> Value {
    let mut meta = meta.clone();
    if let tfgate_plan::Kind::Object(o) = &mut meta.kind {
        if o.get("operation").is_some() {
            o.insert("operation".to_string(), Value::str(op));
        }
    }
    meta
}

/// Defaults merged with given values, converted to the declared types.
pub fn resolve_inputs(
    file: &PolicyFile,
    given: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, InputError> {
    let fname = || file.name().to_string();
    if let Some(name) = given.keys().find(|n| file.input(n).is_none()) {
        return Err(InputError::Undeclared { file: fname(), name: name.clone() });
    }
    let mut out = BTreeMap::new();
    for decl in &file.inputs {
        let v = match (given.get(&decl.name), &decl.default) {
            (Some(v), _) => types::convert(v, &decl.ty).map_err(|message| InputError::Invalid {
                file: fname(),
                name: decl.name.clone(),
                // The conversion error quotes the value (and map keys): not for a secret.
                message: if decl.sensitive || v.contains_sensitive() {
                    "the value does not match the declared type (details hidden: the input is sensitive)".to_string()
                } else {
                    message
                },
            })?,
            (None, Some(d)) => d.clone(),
            (None, None) => return Err(InputError::Missing { file: fname(), name: decl.name.clone() }),
        };
        if v.is_null() && !decl.nullable {
            return Err(InputError::Invalid {
                file: fname(),
                name: decl.name.clone(),
                message: "the input is not nullable".into(),
            });
        }
        out.insert(decl.name.clone(), v.mark_if(decl.sensitive));
    }
    Ok(out)
}

/// Evaluates a standalone expression with the given root variables (used by
/// the data-driven tests and by tooling such as a `tfgate console`).
pub fn evaluate_expression(
    expr: &crate::ast::Expr,
    vars: &BTreeMap<String, Value>,
    source: &dyn ResourceSource,
    limits: Limits,
) -> Result<Value, EvalError> {
    let empty_inputs = BTreeMap::new();
    let empty_locals = BTreeMap::new();
    let scope = Scope {
        attrs: vars.get("attrs"),
        prior_attrs: vars.get("prior_attrs"),
        meta: vars.get("meta"),
        inputs: &empty_inputs,
        file_locals: &empty_locals,
        file_cache: None,
        block_locals: None,
        source,
        http: None,
    };
    Ctx::new(scope, limits)
        .with_vars(
            vars.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "attrs" | "prior_attrs" | "meta"))
                .map(|(k, v)| (k.clone(), v.clone())),
        )
        .eval(expr)
}

/// Renders a message expression the way `error_message` is rendered.
pub fn render_message(
    expr: &crate::ast::Expr,
    vars: &BTreeMap<String, Value>,
    limits: Limits,
) -> Result<String, EvalError> {
    let empty_inputs = BTreeMap::new();
    let empty_locals = BTreeMap::new();
    let scope = Scope {
        attrs: vars.get("attrs"),
        prior_attrs: None,
        meta: vars.get("meta"),
        inputs: &empty_inputs,
        file_locals: &empty_locals,
        file_cache: None,
        block_locals: None,
        source: &eval::NoResources,
        http: None,
    };
    Ctx::new(scope, limits).with_vars(vars.iter().map(|(k, v)| (k.clone(), v.clone()))).render_message(expr)
}
