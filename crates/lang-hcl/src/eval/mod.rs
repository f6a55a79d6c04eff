//! The expression evaluator: Terraform's expression semantics over
//! [`Value`]s that may be unknown or sensitive.
//!
//! Rules beyond those of the operators (see [`values`]):
//! - Attribute access, indexing, splats, `for` and templates over an unknown
//!   value give unknown; a conditional with an unknown condition gives
//!   unknown; a `for` whose condition or key is unknown for some element gives
//!   unknown; `length` of a known list with unknown elements is known.
//! - `core::try` returns the first argument that evaluates without error,
//!   but unknown when that value is not wholly known (it could still fail
//!   after apply); `core::can` is `true`/`false`, or unknown when its
//!   argument is not wholly known. Neither makes unknown known.
//! - Everything derived from a sensitive value is sensitive: element access
//!   inherits the container's mark, `for` results inherit the collection's,
//!   conditionals the condition's, function results any argument's (but
//!   `lookup` only the marks of what it returns, as indexing; also
//!   `can`, which Terraform leaves unmarked: a yes/no about a secret is
//!   still about the secret). The mark stays on the container (no deep
//!   copy); every reader takes it along instead: `for` keys, indexes and
//!   elements, splat items, indexing and attribute access.
//! - Errors never quote a sensitive value, a sensitive index or the length
//!   of a sensitive list, and offer no "did you mean" from the keys of a
//!   sensitive object. An error that a sensitive value caused carries
//!   [`EvalError::sensitive`], so that a `try` fallback chosen after it, or
//!   `can`'s `false`, is marked.
//! - Evaluation counts steps (one per expression node, `for` iteration and
//!   resource scanned) and stops with [`EvalErrorKind::StepLimit`] past
//!   [`Limits::max_steps`]; nesting deeper than [`Limits::max_depth`] stops
//!   with [`EvalErrorKind::DepthLimit`].
//! - It also counts the size of the values it builds or copies (strings,
//!   list elements, object entries; see `budget::measure`) and stops with
//!   [`EvalErrorKind::ValueLimit`] past [`Limits::max_value_bytes`], checked
//!   before a large result is built where its size is predictable; and the
//!   work of costly functions (regular expressions, set operations, sorting),
//!   stopping with [`EvalErrorKind::WorkLimit`] past [`Limits::max_work`].
//!   Values read from the plan (`attrs`, `getresources`) are not counted:
//!   the plan bounds them.

pub mod budget;
mod resource_list;
pub mod values;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use tfgate_plan::{Kind, Object, Value, SENSITIVE_TEXT, UNKNOWN_TEXT};

use crate::ast::{BinaryOp, Call, Expr, ExprKind, ObjectKey, TemplatePart, TraversalOp, TraversalOpKind, UnaryOp};
use crate::diagnostic::Span;
use crate::functions::gethttprequest::{HttpAccess, HttpError};
use crate::model::LocalDef;

pub use resource_list::ResourceList;

/// Why an evaluation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalErrorKind {
    /// The expression is wrong for the values it met (null attribute, bad
    /// index, failing function, …).
    Invalid,
    /// The step limit was reached.
    StepLimit,
    /// Expressions (or local values) nested deeper than the depth limit.
    DepthLimit,
    /// The values built exceed the value size limit.
    ValueLimit,
    /// Costly functions exceed the work limit.
    WorkLimit,
    /// The run does not allow what the policy asked for (an HTTP request
    /// to a host not allowed, a plugin function): the message says how to
    /// allow it.
    NotAllowed,
}

impl EvalErrorKind {
    /// True for the limits (and what the run does not allow): such an
    /// error is never caught by `try` or `can` (the policy must not be able
    /// to continue past a limit, nor choose a fallback for a refusal that is
    /// the gate's configuration, not an answer).
    pub fn is_limit(self) -> bool {
        self != EvalErrorKind::Invalid
    }
}

/// An evaluation error at a place in the policy source.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    /// What kind of failure: invalid, a limit, not allowed in this run, …
    pub kind: EvalErrorKind,
    /// What went wrong, never quoting a sensitive value.
    pub message: String,
    /// Where in the policy source.
    pub span: Span,
    /// True when a sensitive value decided that the evaluation failed (a
    /// function, operator or index failed on a secret): what `try` and
    /// `can` make of such a failure is about the secret, so they mark it.
    pub sensitive: bool,
}

impl EvalError {
    /// An error of kind [`EvalErrorKind::Invalid`] at `span`.
    pub fn new(span: Span, message: impl Into<String>) -> EvalError {
        EvalError { kind: EvalErrorKind::Invalid, message: message.into(), span, sensitive: false }
    }

    /// An error for what the run does not allow (see [`EvalErrorKind::NotAllowed`]).
    pub fn not_allowed(span: Span, message: impl Into<String>) -> EvalError {
        EvalError { kind: EvalErrorKind::NotAllowed, message: message.into(), span, sensitive: false }
    }

    /// The same error, recorded as caused by a sensitive value when `mark` is true.
    #[must_use]
    pub fn sensitive_if(mut self, mark: bool) -> EvalError {
        self.sensitive |= mark;
        self
    }
}

/// Bounds on one evaluation (one policy against one target).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Expression nodes evaluated, `for` iterations and resources scanned.
    pub max_steps: u64,
    /// Nesting of expressions and values.
    pub max_depth: usize,
    /// Approximate bytes of values built or copied (see `budget::measure`).
    pub max_value_bytes: u64,
    /// Units of function work (about one per byte a regular expression
    /// scans, per element compared or sorted).
    pub max_work: u64,
}

impl Limits {
    /// The default of `max_steps` (`--max-steps`).
    pub const DEFAULT_MAX_STEPS: u64 = 1_000_000;
    /// The default of `max_depth`.
    pub const DEFAULT_MAX_DEPTH: usize = 128;
    /// The default of `max_value_bytes` (`--max-value-bytes`).
    pub const DEFAULT_MAX_VALUE_BYTES: u64 = 512 << 20;
    /// The default of `max_work` (`--max-work`).
    pub const DEFAULT_MAX_WORK: u64 = 256 << 20;
}

impl Default for Limits {
    /// A million steps is far beyond any sensible policy over a large plan
    /// and still stops a runaway nested `for` in well under a second. 512 MiB
    /// of values is room for a provider policy that walks every resource of
    /// a type in a 100,000-resource plan a couple of times; 256 Mi units of
    /// work is a regular expression over 256 MB of text.
    fn default() -> Limits {
        Limits {
            max_steps: Limits::DEFAULT_MAX_STEPS,
            max_depth: Limits::DEFAULT_MAX_DEPTH,
            max_value_bytes: Limits::DEFAULT_MAX_VALUE_BYTES,
            max_work: Limits::DEFAULT_MAX_WORK,
        }
    }
}

/// Gives `core::getresources` the resources of a plan.
///
/// Implemented by the caller over its plan model (and by the test runner over
/// mock resources).
pub trait ResourceSource {
    /// The attribute objects (planned after-values) of every resource
    /// instance of exactly this type, in plan order.
    fn resources(&self, resource_type: &str) -> Vec<Value>;

    /// The same resources, shared and indexed for filtered lookups. A source
    /// asked many times (one call per target) should build each list once
    /// and hand out the same one.
    fn resource_list(&self, resource_type: &str) -> Arc<ResourceList> {
        Arc::new(ResourceList::new(self.resources(resource_type)))
    }

    /// For `tfgate::resources`: every instance of this type as an object
    /// `{ address, attrs, meta }` (the `meta` a policy on it would see).
    fn resources_with_meta(&self, _resource_type: &str) -> Vec<Value> {
        Vec::new()
    }

    /// As [`ResourceSource::resources_with_meta`], for a caller that reads
    /// only `reads` of each element: the rest may be left out (a source may
    /// build more, never less).
    fn resources_reading(&self, resource_type: &str, reads: &crate::reads::ElementReads) -> Vec<Value> {
        let _ = reads;
        self.resources_with_meta(resource_type)
    }

    /// For `tfgate::referenced`: the instances, as `{ address, attrs, meta }`,
    /// that the configuration of the instance at `from_address` refers to in
    /// the argument at `argument` (argument and nested block names).
    fn referenced(&self, _from_address: &str, _argument: &[String]) -> Vec<Value> {
        Vec::new()
    }

    /// For `core::getdatasource`: the attribute objects of every data source
    /// of this type (partly unknown for a read deferred to apply). A source
    /// asked many times should build each list once.
    fn data_sources(&self, _data_type: &str) -> Arc<Vec<Value>> {
        Arc::new(Vec::new())
    }

    /// How many resource instances the plan holds: a file-level local
    /// gets a budget that grows with it (see `budget::file_local_steps`).
    fn instance_count(&self) -> u64 {
        0
    }
}

/// A source with no resources at all.
pub struct NoResources;

impl ResourceSource for NoResources {
    fn resources(&self, _resource_type: &str) -> Vec<Value> {
        Vec::new()
    }
}

/// File-level local values computed once and shared by every evaluation of
/// the file (they cannot depend on the target).
/// Each value is kept with the `tfgate::unknown` reasons its evaluation
/// recorded, so that a later reader of the cached value records them too.
pub(crate) type LocalCache = BTreeMap<String, OnceLock<(Result<Value, EvalError>, Vec<String>)>>;

pub(crate) fn new_cache(locals: &BTreeMap<String, LocalDef>) -> LocalCache {
    locals.keys().map(|k| (k.clone(), OnceLock::new())).collect()
}

/// Everything an expression can name.
pub(crate) struct Scope<'a> {
    pub attrs: Option<&'a Value>,
    pub prior_attrs: Option<&'a Value>,
    pub meta: Option<&'a Value>,
    pub inputs: &'a BTreeMap<String, Value>,
    pub file_locals: &'a BTreeMap<String, LocalDef>,
    pub file_cache: Option<&'a LocalCache>,
    pub block_locals: Option<&'a BTreeMap<String, LocalDef>>,
    pub source: &'a dyn ResourceSource,
    /// What `core::gethttprequest` may do; `None`: nothing.
    pub http: Option<&'a HttpAccess>,
}

/// One evaluation: a scope plus the counters and variables of this run.
pub(crate) struct Ctx<'a> {
    scope: Scope<'a>,
    limits: Limits,
    depth: Cell<usize>,
    /// The budget in force: the evaluation's, or that of the file-level
    /// local being computed ([`Ctx::with_file_local_budget`]). One value, so
    /// that it is swapped and restored whole.
    budget: Budget<'a>,
    /// `for` variables in scope; names inline (no allocation per iteration).
    vars: RefCell<Vec<(tfgate_plan::Key, Value)>>,
    /// The block locals of this run, each computed at its first read, by
    /// definition: a handful, so a short list compared by address beats a
    /// map keyed by name. The list is never resized, so that a reader can
    /// hold a value where it is kept (`local.x[i]` clones one element, not
    /// the list).
    block_cache: Vec<(*const LocalDef, OnceCell<Computed>)>,
    /// Locals being evaluated (by address), to report self-reference.
    in_progress: RefCell<Vec<*const LocalDef>>,
    /// The reasons of the `tfgate::unknown` calls evaluated so far (see
    /// [`Ctx::take_unknown_reasons`]).
    unknown_reasons: RefCell<Vec<String>>,
}

type R = Result<Value, EvalError>;

/// A local's result and the `tfgate::unknown` reasons recorded computing it.
type Computed = (R, Vec<String>);

/// A local's value, read where it is kept (the evaluator's cache of
/// file-level locals, this evaluation's of block locals), or computed for
/// this read only.
enum Held<'h> {
    Shared(&'h Value),
    Owned(Value),
}

/// A cached result, read in place.
fn shared(r: &R) -> Result<Held<'_>, EvalError> {
    match r {
        Ok(v) => Ok(Held::Shared(v)),
        Err(e) => Err(e.clone()),
    }
}

impl Held<'_> {
    fn value(&self) -> &Value {
        match self {
            Held::Shared(v) => v,
            Held::Owned(v) => v,
        }
    }
}

/// What an evaluation (or a file-level local, with a budget of its own) has
/// used and may use. Cells, so that the counters are updated in place on
/// every step; [`Budget::swap`] exchanges the whole budget at once.
struct Budget<'a> {
    steps: Cell<u64>,
    /// Approximate bytes of values built or copied so far.
    bytes: Cell<u64>,
    /// Function work so far.
    work: Cell<u64>,
    step_limit: Cell<u64>,
    work_limit: Cell<u64>,
    bytes_limit: Cell<u64>,
    /// The file-level local whose own budget this is; `None`: the evaluation's.
    of: Cell<Option<&'a str>>,
}

impl<'a> Budget<'a> {
    /// Nothing used yet.
    fn new(step_limit: u64, work_limit: u64, bytes_limit: u64, of: Option<&'a str>) -> Budget<'a> {
        Budget {
            steps: Cell::new(0),
            bytes: Cell::new(0),
            work: Cell::new(0),
            step_limit: Cell::new(step_limit),
            work_limit: Cell::new(work_limit),
            bytes_limit: Cell::new(bytes_limit),
            of: Cell::new(of),
        }
    }

    /// Exchanges every counter and limit with `other`'s.
    fn swap(&self, other: &Budget<'a>) {
        let Budget { steps, bytes, work, step_limit, work_limit, bytes_limit, of } = other;
        self.steps.swap(steps);
        self.bytes.swap(bytes);
        self.work.swap(work);
        self.step_limit.swap(step_limit);
        self.work_limit.swap(work_limit);
        self.bytes_limit.swap(bytes_limit);
        self.of.swap(of);
    }
}

impl<'a> Ctx<'a> {
    pub fn new(scope: Scope<'a>, limits: Limits) -> Ctx<'a> {
        let block_cache = scope
            .block_locals
            .map(|l| l.values().map(|d| (d as *const LocalDef, OnceCell::new())).collect())
            .unwrap_or_default();
        Ctx {
            scope,
            limits,
            depth: Cell::new(0),
            budget: Budget::new(limits.max_steps, limits.max_work, limits.max_value_bytes, None),
            vars: RefCell::new(Vec::new()),
            block_cache,
            in_progress: RefCell::new(Vec::new()),
            unknown_reasons: RefCell::new(Vec::new()),
        }
    }

    /// The reasons recorded by `tfgate::unknown` calls since the last call
    /// (including those inside local values read, even when cached), so that
    /// an unknown condition can say why it is unknown.
    pub fn take_unknown_reasons(&self) -> Vec<String> {
        std::mem::take(&mut *self.unknown_reasons.borrow_mut())
    }

    /// Adds root variables (used for standalone expressions and tests).
    pub fn with_vars(self, vars: impl IntoIterator<Item = (String, Value)>) -> Ctx<'a> {
        self.vars.borrow_mut().extend(vars.into_iter().map(|(k, v)| (tfgate_plan::Key::from(k), v)));
        self
    }

    fn step(&self, span: Span) -> Result<(), EvalError> {
        self.steps(1, span)
    }

    /// Charges `count` steps at once.
    fn steps(&self, count: u64, span: Span) -> Result<(), EvalError> {
        let b = &self.budget;
        let n = b.steps.get().saturating_add(count);
        b.steps.set(n);
        if n > b.step_limit.get() {
            let message = match b.of.get() {
                Some(name) => format!(
                    "Evaluation step limit exceeded: the file-level local value \"{name}\" took more than {} steps \
                     (its own budget: the step limit of {} plus {} per resource instance in the plan); \
                     simplify it or raise the limit",
                    b.step_limit.get(),
                    self.limits.max_steps,
                    budget::FILE_LOCAL_STEPS_PER_INSTANCE
                ),
                None => format!(
                    "Evaluation step limit exceeded: the policy took more than {} steps; \
                     simplify nested for expressions or raise the limit",
                    self.limits.max_steps
                ),
            };
            return Err(EvalError { kind: EvalErrorKind::StepLimit, message, span, sensitive: false });
        }
        Ok(())
    }

    fn value_limit(&self, span: Span) -> EvalError {
        let b = &self.budget;
        let message = match b.of.get() {
            Some(name) => format!(
                "Evaluation value size limit exceeded: the file-level local value \"{name}\" built more than {} bytes \
                 of values (its own budget: the value size limit of {} plus {} per resource instance in the plan); \
                 simplify it or raise the limit (--max-value-bytes)",
                b.bytes_limit.get(),
                self.limits.max_value_bytes,
                budget::FILE_LOCAL_BYTES_PER_INSTANCE
            ),
            None => format!(
                "Evaluation value size limit exceeded: the policy built more than {} bytes of values \
                 (strings, list elements, object entries); simplify it or raise the limit (--max-value-bytes)",
                self.limits.max_value_bytes
            ),
        };
        EvalError { kind: EvalErrorKind::ValueLimit, message, span, sensitive: false }
    }

    fn work_limit(&self, span: Span) -> EvalError {
        let b = &self.budget;
        let message = match b.of.get() {
            Some(name) => format!(
                "Evaluation work limit exceeded: the function calls of the file-level local value \"{name}\" did more \
                 than {} units of work (its own budget: the work limit of {} plus {} per resource instance in the \
                 plan); simplify it or raise the limit (--max-work)",
                b.work_limit.get(),
                self.limits.max_work,
                budget::FILE_LOCAL_WORK_PER_INSTANCE
            ),
            None => format!(
                "Evaluation work limit exceeded: the policy's function calls did more than {} units of work \
                 (regular expressions, set operations, sorting); simplify it or raise the limit (--max-work)",
                self.limits.max_work
            ),
        };
        EvalError { kind: EvalErrorKind::WorkLimit, message, span, sensitive: false }
    }

    fn depth_limit(&self, span: Span, what: &str) -> EvalError {
        EvalError { kind: EvalErrorKind::DepthLimit, message: what.to_string(), span, sensitive: false }
    }

    fn bytes_left(&self) -> u64 {
        let b = &self.budget;
        b.bytes_limit.get().saturating_sub(b.bytes.get())
    }

    /// Counts `n` bytes of a value about to be built.
    fn charge_bytes(&self, n: u64, span: Span) -> Result<(), EvalError> {
        let b = &self.budget;
        let total = b.bytes.get().saturating_add(n);
        b.bytes.set(total);
        if total > b.bytes_limit.get() {
            return Err(self.value_limit(span));
        }
        Ok(())
    }

    /// Counts a copy of (or a newly built) `v`, whole.
    fn charge_value(&self, v: &Value, span: Span) -> Result<(), EvalError> {
        match &v.kind {
            // The common cases, without a walk.
            Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::Unknown => self.charge_bytes(budget::SLOT, span),
            Kind::String(s) => self.charge_bytes(budget::SLOT + s.len() as u64, span),
            _ => match budget::measure(v, self.bytes_left()) {
                Ok(n) => self.charge_bytes(n, span),
                Err(budget::TooBig::Size) => Err(self.value_limit(span)),
                Err(budget::TooBig::Depth) => Err(self.too_deep_value(span)),
            },
        }
    }

    fn too_deep_value(&self, span: Span) -> EvalError {
        self.depth_limit(span, &format!("Value nested deeper than {} levels", budget::MAX_VALUE_DEPTH))
    }

    fn work_left(&self) -> u64 {
        let b = &self.budget;
        b.work_limit.get().saturating_sub(b.work.get())
    }

    fn charge_work(&self, n: u64, span: Span) -> Result<(), EvalError> {
        let b = &self.budget;
        let total = b.work.get().saturating_add(n);
        b.work.set(total);
        if total > b.work_limit.get() {
            return Err(self.work_limit(span));
        }
        Ok(())
    }

    pub fn eval(&self, e: &Expr) -> R {
        self.step(e.span)?;
        let d = self.depth.get() + 1;
        if d > self.limits.max_depth {
            return Err(self.depth_limit(
                e.span,
                &format!(
                    "Expression nesting deeper than {} levels (expressions, or local values that refer to each other)",
                    self.limits.max_depth
                ),
            ));
        }
        self.depth.set(d);
        let r = self.eval_inner(e);
        self.depth.set(d - 1);
        r
    }

    fn eval_inner(&self, e: &Expr) -> R {
        let span = e.span;
        match &e.kind {
            ExprKind::Literal(v) => {
                self.charge_value(v, span)?;
                Ok(v.clone())
            }
            ExprKind::Paren(inner) => self.eval(inner),
            ExprKind::Template(parts) => self.template(parts, span),
            ExprKind::Tuple(items) => {
                self.charge_bytes(budget::SLOT * (items.len() as u64 + 1), span)?;
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(i)?);
                }
                Ok(Value::list(out))
            }
            ExprKind::Object(items) => {
                let mut obj = Object::new();
                let mut marked = false;
                for (k, v) in items {
                    let key = match k {
                        ObjectKey::Name(n, _) => n.clone(),
                        ObjectKey::Expr(ke) => {
                            let kv = self.eval(ke)?;
                            marked |= kv.sensitive;
                            match values::to_string(&kv) {
                                Ok(Some(s)) => s,
                                // An unknown key makes the whole object unknown.
                                Ok(None) => return Ok(Value::unknown().mark_if(marked)),
                                Err(m) => {
                                    return Err(EvalError::new(ke.span, format!("Invalid object key: {m}"))
                                        .sensitive_if(kv.sensitive))
                                }
                            }
                        }
                    };
                    let val = self.eval(v)?;
                    self.charge_bytes(budget::SLOT + key.len() as u64, span)?;
                    obj.insert(key, val);
                }
                Ok(Value::object(obj).mark_if(marked))
            }
            ExprKind::Variable(name) => self.variable(name, span),
            ExprKind::Traversal { base, ops } => self.traversal(base, ops),
            ExprKind::Call(call) => self.call(call, span),
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand)?;
                match op {
                    UnaryOp::Neg => values::negate(&v),
                    UnaryOp::Not => values::not(&v),
                }
                .map_err(|m| EvalError::new(span, format!("Invalid operand: {m}")).sensitive_if(v.contains_sensitive()))
            }
            ExprKind::Binary { op: op @ (BinaryOp::And | BinaryOp::Or), lhs, rhs } => {
                // Short-circuit: `x == null || x <= 1` must not evaluate the
                // right side when the left one decides. A deciding left
                // operand keeps only its own mark: the right one was never read.
                let a = self.eval(lhs)?;
                let deciding = *op == BinaryOp::Or;
                match values::to_bool(&a) {
                    Ok(Some(x)) if x == deciding => return Ok(Value::bool(x).mark_if(a.contains_sensitive())),
                    Err(m) => {
                        return Err(EvalError::new(
                            span,
                            format!("Invalid operand: Unsuitable value for left operand: {m}"),
                        )
                        .sensitive_if(a.contains_sensitive()))
                    }
                    // Unknown or not deciding: the right side is needed
                    // (cty: a known deciding right operand beats an unknown left one).
                    Ok(_) => {}
                }
                let b = self.eval(rhs)?;
                values::binary(*op, &a, &b).map_err(|m| {
                    EvalError::new(span, format!("Invalid operand: {m}"))
                        .sensitive_if(a.contains_sensitive() || b.contains_sensitive())
                })
            }
            ExprKind::Binary { op, lhs, rhs } => {
                // Both sides are evaluated.
                let a = self.eval(lhs)?;
                let b = self.eval(rhs)?;
                values::binary(*op, &a, &b).map_err(|m| {
                    EvalError::new(span, format!("Invalid operand: {m}"))
                        .sensitive_if(a.contains_sensitive() || b.contains_sensitive())
                })
            }
            ExprKind::Conditional { cond, then, otherwise } => {
                let c = self.eval(cond)?;
                let marked = c.contains_sensitive();
                match values::to_bool(&c) {
                    Err(m) => Err(EvalError::new(cond.span, format!("Invalid condition: {m}")).sensitive_if(marked)),
                    Ok(None) => Ok(Value::unknown().mark_if(marked)),
                    Ok(Some(true)) => Ok(self.eval(then)?.mark_if(marked)),
                    Ok(Some(false)) => Ok(self.eval(otherwise)?.mark_if(marked)),
                }
            }
            ExprKind::For(f) => self.for_expr(f, span),
        }
    }

    fn var(&self, name: &str) -> Option<Value> {
        self.vars.borrow().iter().rev().find(|(n, _)| n.as_str() == name).map(|(_, v)| v.clone())
    }

    fn variable(&self, name: &str, span: Span) -> R {
        if let Some(v) = self.var(name) {
            // A copy: `[for x in xs : [x, x]]` nested doubles a value per level.
            self.charge_value(&v, span)?;
            return Ok(v);
        }
        if let Some(v) = self.target_value(name, span)? {
            self.charge_plan_copy(&v, span)?;
            return Ok(v);
        }
        match name {
            "local" | "input" => Err(EvalError::new(
                span,
                format!("Invalid reference: \"{name}\" must be followed by an attribute name, e.g. {name}.example"),
            )),
            _ => Err(EvalError::new(span, format!("Unknown variable: there is no variable named \"{name}\""))),
        }
    }

    /// `attrs`, `prior_attrs` or `meta` (not shadowed by a variable), uncounted.
    fn target_value(&self, name: &str, span: Span) -> Result<Option<Value>, EvalError> {
        let missing = |what: &str| EvalError::new(span, format!("{what} is not available here"));
        let v = match name {
            "attrs" => self.scope.attrs,
            "prior_attrs" => self.scope.prior_attrs,
            "meta" => self.scope.meta,
            _ => return Ok(None),
        };
        v.cloned().map(Some).ok_or_else(|| missing(name))
    }

    /// Counts a copy of (part of) a plan value as work: the plan bounds its
    /// size, not how often a policy copies it (`length(attrs.list)` in a
    /// `for` over a range copies the list every time).
    fn charge_plan_copy(&self, v: &Value, span: Span) -> Result<(), EvalError> {
        let n = match &v.kind {
            Kind::List(_) | Kind::Object(_) => {
                let left = self.work_left();
                match budget::measure(v, left) {
                    Ok(n) => n,
                    Err(budget::TooBig::Size) => return Err(self.work_limit(span)),
                    Err(budget::TooBig::Depth) => return Err(self.too_deep_value(span)),
                }
            }
            Kind::String(s) => s.len() as u64,
            _ => 0,
        };
        self.charge_work(n, span)
    }

    fn traversal(&self, base: &Expr, ops: &[TraversalOp]) -> R {
        // `attrs.a.b`: only the part reached is counted, not all of `attrs`.
        if let ExprKind::Variable(root) = &base.kind {
            if matches!(root.as_str(), "attrs" | "prior_attrs" | "meta") && self.var(root).is_none() {
                self.step(base.span)?;
                if let Some(v) = self.target_value(root, base.span)? {
                    let out = self.apply_ops(v, ops)?;
                    let end = ops.last().map_or(base.span, |o| o.span);
                    self.charge_plan_copy(&out, base.span.to(end))?;
                    return Ok(out);
                }
            }
        }
        // `local.x` and `input.x` are references, not attribute accesses.
        if let (ExprKind::Variable(root), Some(TraversalOp { kind: TraversalOpKind::GetAttr(name), span })) =
            (&base.kind, ops.first())
        {
            if self.var(root).is_none() && (root == "local" || root == "input") {
                self.step(base.span)?;
                let full = base.span.to(*span);
                return if root == "local" {
                    let held = self.local(name, full)?;
                    self.counted_ops(held.value(), &ops[1..], full)
                } else {
                    self.counted_ops(self.input(name, full)?, &ops[1..], full)
                };
            }
        }
        // `x.a` for a `for` variable: as for a local. Read in place (no copy
        // of the variable, no reference count touched on an object that
        // other threads read) when no operation evaluates an expression,
        // which could bind variables while they are borrowed.
        if let ExprKind::Variable(root) = &base.kind {
            let literal = ops.iter().all(|o| match &o.kind {
                TraversalOpKind::GetAttr(_) => true,
                TraversalOpKind::Index(k) => k.as_literal().is_some(),
                TraversalOpKind::FullSplat | TraversalOpKind::AttrSplat => false,
            });
            if literal {
                let vars = self.vars.borrow();
                if let Some((_, v)) = vars.iter().rev().find(|(n, _)| n.as_str() == root.as_str()) {
                    self.step(base.span)?;
                    return self.counted_ops(v, ops, base.span);
                }
            } else if let Some(v) = self.var(root) {
                self.step(base.span)?;
                return self.counted_ops(&v, ops, base.span);
            }
        }
        let v = self.eval(base)?;
        self.apply_ops(v, ops)
    }

    /// Applies `ops` to a copy of a local's or a variable's value. Counted:
    /// what copying it cost (a list is copied element by element, an object
    /// is shared) and the whole size of the part reached, which the policy
    /// may go on to copy or walk (`[local.a, local.a]` in a chain of locals
    /// doubles a value per local).
    ///
    /// The value is read in place: only the part reached is cloned (the
    /// charges are those of the copy the language describes).
    fn counted_ops(&self, v: &Value, ops: &[TraversalOp], span: Span) -> R {
        let end = ops.last().map_or(span, |o| span.to(o.span));
        if ops.is_empty() {
            // The copy is the result.
            self.charge_value(v, end)?;
            return Ok(v.clone());
        }
        match budget::copy_cost(v, self.bytes_left()) {
            Ok(n) => self.charge_bytes(n, span)?,
            Err(budget::TooBig::Size) => return Err(self.value_limit(span)),
            Err(budget::TooBig::Depth) => return Err(self.too_deep_value(span)),
        }
        let out = self.apply_ops_ref(v, ops)?;
        self.charge_value(&out, end)?;
        Ok(out)
    }

    fn input(&self, name: &str, span: Span) -> Result<&'a Value, EvalError> {
        let inputs: &'a BTreeMap<String, Value> = self.scope.inputs;
        inputs.get(name).ok_or_else(|| EvalError::new(span, format!("Reference to undeclared input \"{name}\"")))
    }

    /// The value of a local, held where it is cached (not copied).
    fn local(&self, name: &str, span: Span) -> Result<Held<'_>, EvalError> {
        if let Some(def) = self.scope.block_locals.and_then(|l| l.get(name)) {
            let id: *const LocalDef = def;
            if let Some((_, cell)) = self.block_cache.iter().find(|(d, _)| *d == id) {
                if let Some((r, reasons)) = cell.get() {
                    self.unknown_reasons.borrow_mut().extend(reasons.iter().cloned());
                    return shared(r);
                }
                let computed = self.eval_local_with_reasons(def, span);
                // A reference to itself met inside stored its error first:
                // later reads get that, this one what it computed.
                return match cell.set(computed) {
                    Ok(()) => match cell.get() {
                        Some((r, _)) => shared(r),
                        // Not reached: the cell was just set.
                        None => Err(EvalError::new(span, format!("Local value \"{name}\" was not kept"))),
                    },
                    Err((r, _)) => r.map(Held::Owned),
                };
            }
        }
        let file_locals: &'a BTreeMap<String, LocalDef> = self.scope.file_locals;
        let Some(def) = file_locals.get(name) else {
            return Err(EvalError::new(span, format!("Reference to undeclared local value \"{name}\"")));
        };
        match self.scope.file_cache.and_then(|c| c.get(name)) {
            Some(cell) => {
                let mut fresh = false;
                let (r, reasons) = cell.get_or_init(|| {
                    fresh = true;
                    self.with_file_local_budget(&def.name, || self.eval_local_with_reasons(def, span))
                });
                // A fresh evaluation has recorded its reasons already.
                if !fresh {
                    self.unknown_reasons.borrow_mut().extend(reasons.iter().cloned());
                }
                shared(r)
            }
            None => self.eval_local(def, span).map(Held::Owned),
        }
    }

    /// Computes the file-level local `name` into the file's cache, as its
    /// first reader would, without handing the value to anyone
    /// ([`crate::run::Evaluator::compute_file_local`]).
    pub(crate) fn compute_file_local(&self, name: &str) {
        if let Some(def) = self.scope.file_locals.get(name) {
            let _ = self.local(name, def.name_span);
        }
    }

    /// Runs `f` (the computation of a file-level local) with a step, work
    /// and value-bytes budget of its own. The local is computed once for every target of the
    /// file (an index over the whole plan, say), so it is not charged to the
    /// target that happens to read it first, and its budget grows with the
    /// plan; still bounded, and the error names the local. Its value is kept
    /// for the whole run, so the memory it holds is bounded by that budget.
    fn with_file_local_budget<T>(&self, name: &'a str, f: impl FnOnce() -> T) -> T {
        let n = self.scope.source.instance_count();
        let own = Budget::new(
            budget::file_local_steps(self.limits.max_steps, n),
            budget::file_local_work(self.limits.max_work, n),
            budget::file_local_bytes(self.limits.max_value_bytes, n),
            Some(name),
        );
        // In, then out again: the evaluation's budget is as it was.
        self.budget.swap(&own);
        let out = f();
        self.budget.swap(&own);
        out
    }

    /// Evaluates a local for a cache: its value, and the `tfgate::unknown`
    /// reasons recorded meanwhile (which stay recorded here too).
    fn eval_local_with_reasons(&self, def: &LocalDef, span: Span) -> (R, Vec<String>) {
        let before = self.unknown_reasons.borrow().len();
        let r = self.eval_local(def, span);
        let reasons = self.unknown_reasons.borrow()[before..].to_vec();
        (r, reasons)
    }

    /// Evaluates a local's definition in its own scope: no `for` variables
    /// of the referencing expression leak into it.
    fn eval_local(&self, def: &LocalDef, span: Span) -> R {
        let id: *const LocalDef = def;
        if self.in_progress.borrow().contains(&id) {
            return Err(EvalError::new(span, format!("Local value \"{}\" refers to itself", def.name)));
        }
        self.in_progress.borrow_mut().push(id);
        let saved = std::mem::take(&mut *self.vars.borrow_mut());
        let r = self.eval(&def.expr);
        *self.vars.borrow_mut() = saved;
        self.in_progress.borrow_mut().pop();
        r
    }

    pub fn apply_ops(&self, v: Value, ops: &[TraversalOp]) -> R {
        let (reached, marked, i) = self.literal_prefix(&v, ops)?;
        if i == 0 {
            return self.apply_ops_from(v, ops);
        }
        let v = reached.clone().mark_if(marked);
        self.apply_ops_from(v, &ops[i..])
    }

    /// [`Ctx::apply_ops`] on a value read in place: only what the
    /// operations reach is cloned (`local.list[i]` clones one element, not
    /// the list).
    fn apply_ops_ref(&self, v: &Value, ops: &[TraversalOp]) -> R {
        let (reached, marked, i) = self.literal_prefix(v, ops)?;
        let rest = &ops[i..];
        // The next step reads the part reached in place when it carries the
        // marks met on the way (as the copy would).
        match rest.first() {
            None => Ok(reached.clone().mark_if(marked)),
            Some(TraversalOp { kind: TraversalOpKind::GetAttr(name), span, .. }) if marked == reached.sensitive => {
                self.step(*span)?;
                let next = get_attr(reached, name, *span).map_err(|e| e.sensitive_if(reached.sensitive))?;
                self.apply_ops_from(next, &rest[1..])
            }
            Some(TraversalOp { kind: TraversalOpKind::Index(k), span, .. }) if marked == reached.sensitive => {
                self.step(*span)?;
                let key = self.eval(k)?;
                let next =
                    index(reached, &key, *span).map_err(|e| e.sensitive_if(reached.sensitive || key.sensitive))?;
                self.apply_ops_from(next, &rest[1..])
            }
            Some(_) => self.apply_ops_from(reached.clone().mark_if(marked), rest),
        }
    }

    /// The leading run of attribute names and constant indexes that all
    /// exist, followed by reference (not every list and object on the way
    /// is cloned: `attrs.block[0].name`): the value reached, whether a mark
    /// was met on the way, and how many operations were followed.
    fn literal_prefix<'v>(&self, v: &'v Value, ops: &[TraversalOp]) -> Result<(&'v Value, bool, usize), EvalError> {
        let mut reached = v;
        let mut marked = v.sensitive;
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            let next = match (&op.kind, &reached.kind) {
                (TraversalOpKind::GetAttr(name), Kind::Object(obj)) => obj.get(name),
                (TraversalOpKind::Index(k), Kind::Object(obj)) => {
                    k.as_literal().and_then(Value::as_str).and_then(|key| obj.get(key))
                }
                (TraversalOpKind::Index(k), Kind::List(items)) => k
                    .as_literal()
                    .and_then(Value::as_number)
                    .and_then(|n| if n.is_integer() { n.as_i64() } else { None })
                    .and_then(|n| usize::try_from(n).ok())
                    .and_then(|n| items.get(n)),
                _ => None,
            };
            let Some(next) = next else { break };
            self.step(op.span)?;
            if let TraversalOpKind::Index(k) = &op.kind {
                self.step(k.span)?;
            }
            marked |= next.sensitive;
            reached = next;
            i += 1;
        }
        Ok((reached, marked, i))
    }

    fn apply_ops_from(&self, mut v: Value, ops: &[TraversalOp]) -> R {
        let mut i = 0;
        while i < ops.len() {
            let op = &ops[i];
            self.step(op.span)?;
            match &op.kind {
                TraversalOpKind::GetAttr(name) => {
                    v = get_attr(&v, name, op.span).map_err(|e| e.sensitive_if(v.sensitive))?;
                }
                TraversalOpKind::Index(k) => {
                    let key = self.eval(k)?;
                    v = index(&v, &key, op.span).map_err(|e| e.sensitive_if(v.sensitive || key.sensitive))?;
                }
                TraversalOpKind::FullSplat => return self.splat(v, &ops[i + 1..], op.span),
                TraversalOpKind::AttrSplat => {
                    // `.*` carries only the attribute names that follow it.
                    let end = ops[i + 1..]
                        .iter()
                        .position(|o| !matches!(o.kind, TraversalOpKind::GetAttr(_)))
                        .map_or(ops.len(), |p| i + 1 + p);
                    v = self.splat(v, &ops[i + 1..end], op.span)?;
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn splat(&self, v: Value, rest: &[TraversalOp], _span: Span) -> R {
        let marked = v.sensitive;
        match v.kind {
            Kind::Unknown => Ok(Value::unknown().mark_if(marked)),
            Kind::Null => Ok(Value::list(Vec::new()).mark_if(marked)),
            Kind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    // An item of a marked list is as sensitive as the list.
                    out.push(self.apply_ops(item.mark_if(marked), rest)?);
                }
                Ok(Value::list(out).mark_if(marked))
            }
            // A single value splats as a one-element list.
            kind => {
                let single = self.apply_ops(Value { kind, sensitive: marked }, rest)?;
                Ok(Value::list(vec![single]).mark_if(marked))
            }
        }
    }

    fn template(&self, parts: &[TemplatePart], span: Span) -> R {
        // A template that is exactly one interpolation yields the value itself.
        if let [TemplatePart::Interpolation(e)] = parts {
            return self.eval(e);
        }
        let mut out = String::new();
        let mut marked = false;
        let mut unknown = false;
        self.render_parts(parts, &mut out, &mut marked, &mut unknown, span)?;
        if unknown {
            return Ok(Value::unknown().mark_if(marked));
        }
        Ok(Value::string(out).mark_if(marked))
    }

    fn render_parts(
        &self,
        parts: &[TemplatePart],
        out: &mut String,
        marked: &mut bool,
        unknown: &mut bool,
        span: Span,
    ) -> Result<(), EvalError> {
        for p in parts {
            self.step(span)?;
            match p {
                TemplatePart::Literal(s) => {
                    self.charge_bytes(s.len() as u64, span)?;
                    out.push_str(s)
                }
                TemplatePart::Interpolation(e) => {
                    let v = self.eval(e)?;
                    *marked |= v.contains_sensitive();
                    match values::to_string(&v) {
                        Ok(Some(s)) => {
                            // Counted before the string grows.
                            self.charge_bytes(s.len() as u64, e.span)?;
                            out.push_str(&s)
                        }
                        Ok(None) => *unknown = true,
                        Err(m) => {
                            return Err(EvalError::new(e.span, format!("Invalid template interpolation value: {m}"))
                                .sensitive_if(v.contains_sensitive()))
                        }
                    }
                }
                TemplatePart::If { cond, then, otherwise } => {
                    let c = self.eval(cond)?;
                    *marked |= c.contains_sensitive();
                    match values::to_bool(&c) {
                        Err(m) => {
                            return Err(EvalError::new(cond.span, format!("Invalid template if condition: {m}"))
                                .sensitive_if(c.contains_sensitive()))
                        }
                        Ok(None) => *unknown = true,
                        Ok(Some(true)) => self.render_parts(then, out, marked, unknown, span)?,
                        Ok(Some(false)) => self.render_parts(otherwise, out, marked, unknown, span)?,
                    }
                }
                TemplatePart::For { key_var, value_var, collection, body } => {
                    let c = self.eval(collection)?;
                    *marked |= c.sensitive;
                    let Some(items) = self.iterate(&c, collection.span)? else {
                        *unknown = true;
                        continue;
                    };
                    for (k, v) in items {
                        self.step(span)?;
                        self.push_vars(key_var.as_deref(), value_var, k, v);
                        let r = self.render_parts(body, out, marked, unknown, span);
                        self.pop_vars(key_var.is_some());
                        r?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The (key, value) pairs of a collection, `None` when it is unknown.
    /// Keys and values read out of a marked collection carry its mark (the
    /// keys of a sensitive map, the elements of a sensitive list and even
    /// their positions are all derived from the secret).
    fn iterate(&self, c: &Value, span: Span) -> Result<Option<Vec<(Value, Value)>>, EvalError> {
        let mark = c.sensitive;
        match &c.kind {
            Kind::Unknown => Ok(None),
            Kind::List(items) => Ok(Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::number(i).mark_if(mark), v.clone().mark_if(mark)))
                    .collect(),
            )),
            Kind::Object(obj) => {
                Ok(Some(obj.iter().map(|(k, v)| (Value::string(k).mark_if(mark), v.clone().mark_if(mark))).collect()))
            }
            Kind::Null => Err(EvalError::new(
                span,
                "Iteration over null value: a null value cannot be used as the collection in a for expression",
            )
            .sensitive_if(mark)),
            _ => Err(EvalError::new(
                span,
                format!(
                    "Iteration over non-iterable value: a {} cannot be used as the collection in a for expression",
                    c.type_name()
                ),
            )
            .sensitive_if(mark)),
        }
    }

    fn push_vars(&self, key_var: Option<&str>, value_var: &str, k: Value, v: Value) {
        let mut vars = self.vars.borrow_mut();
        if let Some(kv) = key_var {
            vars.push((tfgate_plan::Key::from(kv), k));
        }
        vars.push((tfgate_plan::Key::from(value_var), v));
    }

    fn pop_vars(&self, with_key: bool) {
        let mut vars = self.vars.borrow_mut();
        vars.pop();
        if with_key {
            vars.pop();
        }
    }

    fn for_expr(&self, f: &crate::ast::ForExpr, span: Span) -> R {
        let c = self.eval(&f.collection)?;
        let marked = c.sensitive;
        let Some(items) = self.iterate(&c, f.collection.span)? else {
            return Ok(Value::unknown().mark_if(marked));
        };
        let mut list = Vec::new();
        let mut obj: Vec<(String, Value)> = Vec::new();
        let mut unknown = false;
        let mut extra_mark = false;
        for (k, v) in items {
            self.step(span)?;
            self.push_vars(f.key_var.as_deref(), &f.value_var, k, v);
            let r = (|| -> Result<(), EvalError> {
                if let Some(cond) = &f.cond {
                    let cv = self.eval(cond)?;
                    extra_mark |= cv.contains_sensitive();
                    match values::to_bool(&cv) {
                        Err(m) => {
                            return Err(EvalError::new(cond.span, format!("Invalid for condition: {m}"))
                                .sensitive_if(cv.contains_sensitive()))
                        }
                        Ok(None) => {
                            unknown = true;
                            return Ok(());
                        }
                        Ok(Some(false)) => return Ok(()),
                        Ok(Some(true)) => {}
                    }
                }
                match &f.key {
                    None => {
                        let v = self.eval(&f.value)?;
                        self.charge_bytes(budget::SLOT, span)?;
                        list.push(v)
                    }
                    Some(ke) => {
                        let kv = self.eval(ke)?;
                        extra_mark |= kv.sensitive;
                        let key = match values::to_string(&kv) {
                            Ok(Some(s)) => s,
                            Ok(None) => {
                                unknown = true;
                                return Ok(());
                            }
                            Err(m) => {
                                return Err(EvalError::new(ke.span, format!("Invalid object key: {m}"))
                                    .sensitive_if(kv.sensitive))
                            }
                        };
                        let val = self.eval(&f.value)?;
                        self.charge_bytes(budget::SLOT + key.len() as u64, span)?;
                        obj.push((key, val));
                    }
                }
                Ok(())
            })();
            self.pop_vars(f.key_var.is_some());
            r?;
        }
        let marked = marked || extra_mark;
        if unknown {
            return Ok(Value::unknown().mark_if(marked));
        }
        if f.key.is_none() {
            return Ok(Value::list(list).mark_if(marked));
        }
        let mut out = Object::new();
        if f.grouping {
            let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for (k, v) in obj {
                groups.entry(k).or_default().push(v);
            }
            for (k, vs) in groups {
                out.insert(k, Value::list(vs));
            }
        } else {
            // Sorted once: inserting one by one is quadratic. (With several
            // duplicates, the smallest key is the one reported.)
            obj.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(w) = obj.windows(2).find(|w| w[0].0 == w[1].0) {
                let k = &w[0].0;
                let shown = if marked { SENSITIVE_TEXT.to_string() } else { format!("{k:?}") };
                return Err(EvalError::new(
                    span,
                    format!("Duplicate object key: two elements produce the key {shown}; use `...` after the value to group them"),
                )
                .sensitive_if(marked));
            }
            out = obj.into_iter().collect();
        }
        Ok(Value::object(out).mark_if(marked))
    }

    fn call(&self, call: &Call, span: Span) -> R {
        if call.namespace == ["tfgate"] {
            return self.call_tfgate(call, span);
        }
        if call.namespace.first().is_some_and(|n| n == "plugin") {
            // The loader warned; reaching the call is an error that names it.
            let plugin = call.namespace.get(1).map_or("", String::as_str);
            return Err(EvalError::not_allowed(
                call.name_span,
                format!(
                    "Call to plugin function \"{}\": function \"{}\" of plugin \"{plugin}\" cannot run: \
                     tfgate does not run policy plugins (go-plugin executables)",
                    call.full_name(),
                    call.name
                ),
            ));
        }
        let framework = call.namespace.is_empty() || call.namespace == ["core"];
        match call.name.as_str() {
            "try" => return self.call_try(call, span),
            "can" => return self.call_can(call, span),
            "getresources" => return self.call_getresources(call, span),
            "getdatasource" if framework => return self.call_getdatasource(call, span),
            "gethttprequest" if framework => return self.call_gethttprequest(call, span),
            _ => {}
        }
        let func = match call.function {
            Some(i) => crate::functions::all().get(i),
            // Only `core::` (or no namespace) names the library: `foo::length` is unknown.
            None => {
                crate::functions::lookup(&call.name).filter(|_| call.namespace.is_empty() || call.namespace == ["core"])
            }
        };
        let Some(func) = func else {
            // The loader only warned about it: reaching it is an error.
            return Err(EvalError::new(call.name_span, format!("Call to unknown function \"{}\"", call.full_name())));
        };
        let mut args = Vec::with_capacity(call.args.len());
        for a in &call.args {
            args.push(self.eval(a)?);
        }
        if call.expand_final {
            let last = args.pop().unwrap_or_else(Value::null);
            match last.kind {
                Kind::Unknown => return Ok(Value::unknown().mark_if(last.sensitive)),
                Kind::List(items) => args.extend(items.into_iter().map(|i| i.mark_if(last.sensitive))),
                _ => {
                    return Err(EvalError::new(
                        call.args.last().map_or(span, |a| a.span),
                        "Invalid expanding argument value: the expanding argument (indicated by ...) must be a list",
                    ))
                }
            }
        }
        if !func.arity.accepts(args.len()) {
            return Err(EvalError::new(
                span,
                format!("Wrong number of arguments: {} does not take {} arguments", call.full_name(), args.len()),
            ));
        }
        let marked = args.iter().any(Value::contains_sensitive);
        let work_left = self.work_left();
        let (result, used) = budget::lend(self.bytes_left(), work_left, || (func.call)(&args));
        self.charge_work(used.work, span)?;
        match used.exhausted {
            Some(budget::Exhausted::Bytes) => return Err(self.value_limit(span)),
            Some(budget::Exhausted::Work) => return Err(self.work_limit(span)),
            None => {}
        }
        match result {
            Ok(v) => {
                self.charge_value(&v, span)?;
                // A function that marks its result itself keeps the marks it gave.
                Ok(if crate::functions::marks_its_result(func.name) { v } else { v.mark_if(marked) })
            }
            Err(e) => {
                let at = e.argument.and_then(|i| call.args.get(i.min(call.args.len().saturating_sub(1))));
                let detail = if marked { "(details hidden: an argument is sensitive)".to_string() } else { e.message };
                Err(EvalError::new(
                    at.map_or(span, |a| a.span),
                    format!("Error in function call: {}: {detail}", call.full_name()),
                )
                .sensitive_if(marked))
            }
        }
    }

    /// tfgate's own functions, for what the policy framework has no word for:
    /// - `tfgate::resources(TYPE)`: every instance of a type as
    ///   `{ address, attrs, meta }`, so that a policy can relate resources by
    ///   provider configuration, module or address (plain `getresources`
    ///   gives attributes only);
    /// - `tfgate::referenced(ARGUMENT)`: the resources the target's
    ///   configuration refers to in an argument (`"launch_template"`,
    ///   `"iam_instance_profile"`), followed through module outputs and
    ///   inputs, as `{ address, attrs, meta }`;
    /// - `tfgate::referenced(ARGUMENT, FROM)`: the same for the resource at
    ///   address `FROM` (e.g. one that an earlier call returned), so that a
    ///   policy can follow a chain of references: instance → instance
    ///   profile → role.
    fn call_tfgate(&self, call: &Call, span: Span) -> R {
        if call.name == "unknown" {
            return self.call_unknown(call, span);
        }
        let (arg, from_arg) = match (call.name.as_str(), call.args.as_slice()) {
            (_, [arg]) => (arg, None),
            ("referenced", [arg, from]) => (arg, Some(from)),
            _ => {
                let takes = if call.name == "referenced" { "1 or 2 arguments" } else { "1 argument" };
                return Err(EvalError::new(
                    span,
                    format!("Wrong number of arguments: {} takes {takes}", call.full_name()),
                ));
            }
        };
        let v = self.eval(arg)?;
        let from_value = from_arg.map(|f| self.eval(f)).transpose()?;
        let marked = v.contains_sensitive() || from_value.as_ref().is_some_and(Value::contains_sensitive);
        if v.is_unknown() || from_value.as_ref().is_some_and(Value::is_unknown) {
            return Ok(Value::unknown().mark_if(marked));
        }
        let out = match call.name.as_str() {
            "resources" => {
                let Some(ty) = v.as_str() else {
                    return Err(EvalError::new(arg.span, "Invalid argument: the resource type must be a string"));
                };
                let reads = call.element_reads.as_deref().unwrap_or(&crate::reads::ElementReads::ALL);
                self.scope.source.resources_reading(ty, reads)
            }
            "referenced" => {
                let path: Vec<String> = match &v.kind {
                    Kind::String(s) => s.split('.').map(str::to_string).collect(),
                    Kind::List(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
                    _ => {
                        return Err(EvalError::new(
                            arg.span,
                            "Invalid argument: the argument path must be a string like \"launch_template.id\"",
                        ))
                    }
                };
                let from = match (&from_value, from_arg) {
                    (Some(f), Some(expr)) => match f.as_str() {
                        Some(a) => Some(a),
                        None => {
                            return Err(EvalError::new(
                                expr.span,
                                "Invalid argument: the second argument must be a resource address (a string)",
                            ))
                        }
                    },
                    _ => self.scope.meta.and_then(|m| m.get("address")).and_then(Value::as_str),
                };
                match from {
                    Some(address) => self.scope.source.referenced(address, &path),
                    None => {
                        return Err(EvalError::new(span, "tfgate::referenced can only be used in a resource policy"))
                    }
                }
            }
            other => {
                return Err(EvalError::new(call.name_span, format!("Call to unknown function \"tfgate::{other}\"")))
            }
        };
        self.step(span)?;
        Ok(Value::list(out).mark_if(marked))
    }

    /// `tfgate::unknown(REASON)`: an unknown value, with the reason
    /// recorded for the finding's message (see [`crate::functions::unknown`]).
    fn call_unknown(&self, call: &Call, span: Span) -> R {
        let [arg] = call.args.as_slice() else {
            return Err(EvalError::new(
                span,
                format!("Wrong number of arguments: {} takes 1 argument", call.full_name()),
            ));
        };
        let reason = self.eval(arg)?;
        let text = crate::functions::unknown::reason_text(&reason).map_err(|m| {
            EvalError::new(arg.span, format!("Invalid argument: {m}")).sensitive_if(reason.contains_sensitive())
        })?;
        self.charge_bytes(text.len() as u64, arg.span)?;
        self.unknown_reasons.borrow_mut().push(text);
        Ok(crate::functions::unknown::result(&reason))
    }

    fn call_try(&self, call: &Call, span: Span) -> R {
        let mut last_err = None;
        // An argument that failed on a secret makes the choice of a later
        // one, and so its value, depend on the secret.
        let mut failed_on_secret = false;
        for a in &call.args {
            match self.eval(a) {
                Ok(v) if v.is_wholly_known() => return Ok(v.mark_if(failed_on_secret)),
                // Not wholly known: it may still fail after apply.
                Ok(v) => return Ok(Value::unknown().mark_if(failed_on_secret || v.contains_sensitive())),
                Err(e) if e.kind.is_limit() => return Err(e),
                Err(e) => {
                    failed_on_secret |= e.sensitive;
                    last_err = Some(e);
                }
            }
        }
        Err(EvalError::new(
            span,
            match last_err {
                Some(e) => format!(
                    "Error in function call: core::try: no expression succeeded; the last error was: {}",
                    e.message
                ),
                None => "Error in function call: core::try needs at least one argument".to_string(),
            },
        )
        .sensitive_if(failed_on_secret))
    }

    fn call_can(&self, call: &Call, span: Span) -> R {
        let [arg] = call.args.as_slice() else {
            return Err(EvalError::new(span, "Wrong number of arguments: core::can takes exactly 1 argument"));
        };
        match self.eval(arg) {
            Ok(v) if v.is_wholly_known() => Ok(Value::bool(true).mark_if(v.contains_sensitive())),
            Ok(v) => Ok(Value::unknown().mark_if(v.contains_sensitive())),
            Err(e) if e.kind.is_limit() => Err(e),
            // `false` because of a secret is about the secret.
            Err(e) => Ok(Value::bool(false).mark_if(e.sensitive)),
        }
    }

    fn call_getresources(&self, call: &Call, span: Span) -> R {
        if call.args.is_empty() || call.args.len() > 2 {
            return Err(EvalError::new(
                span,
                "Wrong number of arguments: core::getresources takes a resource type and an optional filter object",
            ));
        }
        let ty = self.eval(&call.args[0])?;
        let filter = match call.args.get(1) {
            Some(f) => self.eval(f)?,
            None => Value::null(),
        };
        let mut marked = ty.contains_sensitive() || filter.contains_sensitive();
        let ty_name = match &ty.kind {
            Kind::String(s) => s.clone(),
            Kind::Unknown => return Ok(Value::unknown().mark_if(marked)),
            _ => return Err(EvalError::new(call.args[0].span, "Invalid argument: the resource type must be a string")),
        };
        let filter_obj = match &filter.kind {
            Kind::Null => Object::new(),
            Kind::Object(o) => o.clone(),
            Kind::Unknown => return Ok(Value::unknown().mark_if(marked)),
            _ => {
                return Err(EvalError::new(
                    call.args[1].span,
                    "Invalid argument: the filter must be an object of attribute values",
                ))
            }
        };
        // Only the resources the filter's index leaves can match; steps are
        // charged as a scan of every resource would be (up to the first
        // undecided one), so the step limit holds exactly as before.
        let list = self.scope.source.resource_list(&ty_name);
        let all = list.values();
        let candidates = list.candidates(&filter_obj);
        let positions: Box<dyn Iterator<Item = usize>> = match &candidates {
            Some(c) => Box::new(c.iter().map(|&i| i as usize)),
            None => Box::new(0..all.len()),
        };
        // Which resources match depends on the values compared: a sensitive
        // one marks the result (even an empty one).
        marked |= list.filter_is_marked(&filter_obj);
        let mut out = Vec::new();
        for i in positions {
            let res = &all[i];
            match resource_list::matches(res, &filter_obj) {
                Some(true) => out.push(res.clone()),
                Some(false) => {}
                // Whether this resource matches is only known after apply.
                None => {
                    self.steps(i as u64 + 1, span)?;
                    return Ok(Value::unknown().mark_if(marked));
                }
            }
        }
        self.steps(all.len() as u64, span)?;
        Ok(Value::list(out).mark_if(marked))
    }

    fn call_getdatasource(&self, call: &Call, span: Span) -> R {
        use crate::functions::getdatasource::{lookup, Lookup};
        let [ty_arg, filter_arg] = call.args.as_slice() else {
            return Err(EvalError::new(
                span,
                "Wrong number of arguments: core::getdatasource takes a data source type and a filter object",
            ));
        };
        let ty = self.eval(ty_arg)?;
        let filter = self.eval(filter_arg)?;
        let marked = ty.contains_sensitive() || filter.contains_sensitive();
        let ty_name = match &ty.kind {
            Kind::String(s) => s.to_string(),
            Kind::Unknown => return Ok(Value::unknown().mark_if(marked)),
            _ => return Err(EvalError::new(ty_arg.span, "Invalid argument: the data source type must be a string")),
        };
        let filter_obj = match &filter.kind {
            Kind::Object(o) => o.clone(),
            Kind::Unknown => return Ok(Value::unknown().mark_if(marked)),
            _ => {
                return Err(EvalError::new(
                    filter_arg.span,
                    "Invalid argument: the filter must be an object of data source arguments",
                ))
            }
        };
        let candidates = self.scope.source.data_sources(&ty_name);
        self.steps(candidates.len() as u64 + 1, span)?;
        let (found, chosen_on_secret) = lookup(&candidates, &filter_obj);
        let marked = marked || chosen_on_secret;
        let shown = if filter.contains_sensitive() { SENSITIVE_TEXT.to_string() } else { filter.to_string() };
        match found {
            Lookup::One(v) => Ok(v.mark_if(marked)),
            Lookup::Unknown => Ok(Value::unknown().mark_if(marked)),
            Lookup::None => Err(EvalError::new(
                span,
                format!(
                    "Error in function call: core::getdatasource: no data source \"{ty_name}\" matches {shown}: \
                     tfgate reads data sources from the plan (it calls no provider), so the configuration \
                     must declare a matching data block (in tests: a data mock)"
                ),
            )
            .sensitive_if(marked)),
            Lookup::Many(n) => Err(EvalError::new(
                span,
                format!(
                    "Error in function call: core::getdatasource: {n} different data sources \"{ty_name}\" match \
                     {shown}; give more arguments in the filter so that one matches"
                ),
            )
            .sensitive_if(marked)),
        }
    }

    fn call_gethttprequest(&self, call: &Call, span: Span) -> R {
        let (url_arg, headers_arg) = match call.args.as_slice() {
            [u] => (u, None),
            [u, h] => (u, Some(h)),
            _ => {
                return Err(EvalError::new(
                    span,
                    "Wrong number of arguments: core::gethttprequest takes a URL and an optional headers object",
                ))
            }
        };
        let url = self.eval(url_arg)?;
        let headers = headers_arg.map(|h| self.eval(h)).transpose()?.unwrap_or_else(Value::null);
        let marked = url.contains_sensitive() || headers.contains_sensitive();
        if !url.is_wholly_known() || !headers.is_wholly_known() {
            return Ok(Value::unknown().mark_if(marked));
        }
        let Some(url_text) = url.as_str() else {
            return Err(EvalError::new(url_arg.span, "Invalid argument: the URL must be a string"));
        };
        // The reference shows both `{ headers = { … } }` and a plain map of headers.
        let map = match &headers.kind {
            Kind::Null => None,
            Kind::Object(o) => match o.get("headers") {
                Some(Value { kind: Kind::Object(inner), .. }) => Some(inner),
                _ => Some(o),
            },
            _ => {
                return Err(EvalError::new(
                    headers_arg.map_or(span, |h| h.span),
                    "Invalid argument: the headers must be an object of strings",
                ))
            }
        };
        let mut pairs = Vec::new();
        for (k, v) in map.into_iter().flat_map(|m| m.iter()) {
            match values::to_string(v) {
                Ok(Some(text)) => pairs.push((k.to_string(), text)),
                _ => {
                    return Err(EvalError::new(
                        headers_arg.map_or(span, |h| h.span),
                        format!("Invalid argument: header \"{k}\" must be a string"),
                    ))
                }
            }
        }
        // A secret URL is not quoted.
        let shown = if url.contains_sensitive() { SENSITIVE_TEXT.to_string() } else { format!("{url_text:?}") };
        let Some(access) = self.scope.http else {
            return Err(EvalError::not_allowed(
                call.name_span,
                format!("core::gethttprequest({shown}): {}", crate::functions::gethttprequest::not_enabled()),
            ));
        };
        self.step(span)?;
        // The reasons name the host: not for a secret URL.
        let hidden =
            |m: String| if url.contains_sensitive() { "(details hidden: the URL is sensitive)".to_string() } else { m };
        match access.get(url_text, &pairs) {
            Ok(r) => {
                let v = r.value();
                self.charge_value(&v, span)?;
                Ok(v.mark_if(marked))
            }
            Err(HttpError::NotAllowed(m)) => {
                Err(EvalError::not_allowed(call.name_span, format!("core::gethttprequest({shown}): {}", hidden(m))))
            }
            Err(HttpError::Failed(m)) => Err(EvalError::new(
                span,
                format!("Error in function call: core::gethttprequest({shown}): {}", hidden(m)),
            )
            .sensitive_if(marked)),
        }
    }

    /// Renders an `error_message`/`info_message`: sensitive parts become
    /// `(sensitive value)`, unknown parts `(known after apply)`, null `null`.
    pub fn render_message(&self, e: &Expr) -> Result<String, EvalError> {
        let mut out = String::new();
        match &e.kind {
            ExprKind::Template(parts) => self.render_message_parts(parts, &mut out, e.span)?,
            _ => {
                let v = self.eval(e)?;
                let shown = display_in_message(&v);
                self.charge_bytes(shown.len() as u64, e.span)?;
                out.push_str(&shown);
            }
        }
        Ok(out)
    }

    fn render_message_parts(&self, parts: &[TemplatePart], out: &mut String, span: Span) -> Result<(), EvalError> {
        for p in parts {
            self.step(span)?;
            match p {
                TemplatePart::Literal(s) => {
                    self.charge_bytes(s.len() as u64, span)?;
                    out.push_str(s)
                }
                TemplatePart::Interpolation(e) => {
                    let v = self.eval(e)?;
                    let shown = display_in_message(&v);
                    self.charge_bytes(shown.len() as u64, e.span)?;
                    out.push_str(&shown);
                }
                TemplatePart::If { cond, then, otherwise } => {
                    let c = self.eval(cond)?;
                    if c.contains_sensitive() {
                        out.push_str(SENSITIVE_TEXT);
                        continue;
                    }
                    match values::to_bool(&c) {
                        Err(m) => return Err(EvalError::new(cond.span, format!("Invalid template if condition: {m}"))),
                        Ok(None) => out.push_str(UNKNOWN_TEXT),
                        Ok(Some(true)) => self.render_message_parts(then, out, span)?,
                        Ok(Some(false)) => self.render_message_parts(otherwise, out, span)?,
                    }
                }
                TemplatePart::For { key_var, value_var, collection, body } => {
                    let c = self.eval(collection)?;
                    if c.sensitive {
                        out.push_str(SENSITIVE_TEXT);
                        continue;
                    }
                    let Some(items) = self.iterate(&c, collection.span)? else {
                        out.push_str(UNKNOWN_TEXT);
                        continue;
                    };
                    for (k, v) in items {
                        self.push_vars(key_var.as_deref(), value_var, k, v);
                        let r = self.render_message_parts(body, out, span);
                        self.pop_vars(key_var.is_some());
                        r?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// How a value reads inside a message.
pub fn display_in_message(v: &Value) -> String {
    if v.sensitive {
        return SENSITIVE_TEXT.to_string();
    }
    match &v.kind {
        Kind::String(s) => s.to_string(),
        Kind::Unknown => UNKNOWN_TEXT.to_string(),
        _ => v.to_string(),
    }
}

fn get_attr(v: &Value, name: &str, span: Span) -> R {
    match &v.kind {
        Kind::Unknown => Ok(Value::unknown().mark_if(v.sensitive)),
        Kind::Null => Err(EvalError::new(
            span,
            format!("Attempt to get attribute from null value: \"{name}\" cannot be read from null"),
        )),
        Kind::Object(obj) => match obj.get(name) {
            Some(x) => Ok(x.clone().mark_if(v.sensitive)),
            None => {
                let mut msg = format!("Unsupported attribute: this object does not have an attribute named \"{name}\"");
                // The keys of a sensitive object are part of the secret: no hint from them.
                let hint = if v.sensitive { None } else { crate::diagnostic::suggest(name, obj.keys()) };
                if let Some(s) = hint {
                    msg.push_str(&format!(" (did you mean \"{s}\"?)"));
                }
                Err(EvalError::new(span, msg))
            }
        },
        Kind::List(_) => Err(EvalError::new(
            span,
            format!("Unsupported attribute: a list has no attribute \"{name}\"; use an index such as [0] or a splat [*].{name}"),
        )),
        _ => Err(EvalError::new(
            span,
            format!("Unsupported attribute: a {} has no attribute \"{name}\"", v.type_name()),
        )),
    }
}

fn index(v: &Value, key: &Value, span: Span) -> R {
    let marked = v.sensitive || key.sensitive;
    match &v.kind {
        Kind::Unknown => return Ok(Value::unknown().mark_if(marked)),
        Kind::Null => return Err(EvalError::new(span, "Attempt to index null value")),
        _ => {}
    }
    if key.is_unknown() {
        return Ok(Value::unknown().mark_if(marked));
    }
    match &v.kind {
        Kind::List(items) => {
            let n = values::to_number(key).map_err(|m| EvalError::new(span, format!("Invalid index: {m}")))?;
            let i = n
                .and_then(|n| n.as_i64())
                .ok_or_else(|| EvalError::new(span, "Invalid index: a list index must be a whole number"))?;
            usize::try_from(i).ok().and_then(|i| items.get(i)).map(|x| x.clone().mark_if(marked)).ok_or_else(|| {
                // A sensitive index, or the length of a sensitive list, is not shown.
                let detail = if marked {
                    format!("{SENSITIVE_TEXT} is out of range for this list")
                } else {
                    format!("the list has {} elements, so index {i} is out of range", items.len())
                };
                EvalError::new(span, format!("Invalid index: {detail}"))
            })
        }
        Kind::Object(obj) => {
            let k = values::to_string(key)
                .map_err(|m| EvalError::new(span, format!("Invalid index: {m}")))?
                .unwrap_or_default();
            obj.get(&k).map(|x| x.clone().mark_if(marked)).ok_or_else(|| {
                let shown = if marked { SENSITIVE_TEXT.to_string() } else { format!("{k:?}") };
                EvalError::new(
                    span,
                    format!("Invalid index: the given key {shown} does not identify an element in this collection"),
                )
            })
        }
        _ => Err(EvalError::new(span, format!("Invalid index: a {} cannot be indexed", v.type_name()))),
    }
}
