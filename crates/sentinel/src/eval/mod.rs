//! The evaluator: a tree-walker over the parsed program. Lists and maps are
//! shared and copied on write, so reading a variable or passing the plan's
//! resources to a function costs a reference count, not a copy.

mod format;
pub(crate) mod ops;
pub(crate) mod scope;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub(crate) use format::format_float;
pub use format::format_value;

use crate::ast::*;
use crate::program::{EvalError, Imports, Limits, RuleResult};
use crate::value::{Key, List, Map, Value};
use scope::Scope;

/// A function value: its definition and the scope it closes over.
pub(crate) struct FuncVal {
    pub(crate) def: Arc<FuncDef>,
    pub(crate) env: Arc<Scope>,
    pub(crate) file: Arc<str>,
}

/// A built-in function value (`length`, `append`, ...).
pub(crate) struct Builtin(pub(crate) crate::builtins::Builtin);

/// A rule value: evaluated once, when first needed.
pub(crate) struct RuleVal {
    pub(crate) def: Arc<RuleDef>,
    pub(crate) env: Arc<Scope>,
    pub(crate) file: Arc<str>,
    /// The variable the rule is first assigned to, and where.
    pub(crate) name: OnceLock<(Arc<str>, Pos)>,
    pub(crate) memo: OnceLock<Value>,
}

pub(crate) type EResult<T> = Result<T, Box<EvalError>>;

/// How a statement ended.
pub(crate) enum Flow {
    Next,
    Break,
    Continue,
    Return(Value),
}

/// One run: limits, counters and what the policy printed.
pub(crate) struct Interp<'a> {
    pub(crate) imports: &'a dyn Imports,
    pub(crate) limits: &'a Limits,
    steps: u64,
    depth: u32,
    nest: u32,
    max_nest: u32,
    /// The rules being evaluated, innermost last (to report cycles).
    evaluating: Vec<usize>,
    pub(crate) prints: String,
    pub(crate) rules: Vec<RuleResult>,
    pub(crate) file: Arc<str>,
    regexes: HashMap<Arc<str>, regex::Regex>,
}

/// A value as a boolean expression sees it: anything but a bool is
/// `undefined` (spec: Boolean Expressions).
fn truth(v: &Value) -> Option<bool> {
    v.as_bool()
}

fn from_truth(b: Option<bool>) -> Value {
    match b {
        Some(b) => Value::Bool(b),
        None => Value::Undefined,
    }
}

impl<'a> Interp<'a> {
    pub(crate) fn new(imports: &'a dyn Imports, limits: &'a Limits, file: Arc<str>) -> Interp<'a> {
        Interp {
            imports,
            limits,
            steps: 0,
            depth: 0,
            nest: 0,
            evaluating: Vec::new(),
            max_nest: limits.max_depth.saturating_mul(4).max(64),
            prints: String::new(),
            rules: Vec::new(),
            file,
            regexes: HashMap::new(),
        }
    }

    pub(crate) fn error(&self, pos: Pos, message: impl Into<String>) -> Box<EvalError> {
        Box::new(EvalError { file: self.file.to_string(), line: pos.line, column: pos.col, message: message.into() })
    }

    fn step(&mut self, pos: Pos) -> EResult<()> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(self
                .error(pos, format!("execution limit reached: more than {} evaluation steps", self.limits.max_steps)));
        }
        Ok(())
    }

    pub(crate) fn check_size(&self, pos: Pos, v: &Value) -> EResult<()> {
        let size = match v.resolved() {
            Value::String(s) => s.len() as u64,
            Value::List(l) => l.len() as u64 * 24,
            Value::Map(m) => m.len() as u64 * 64,
            _ => 0,
        };
        if size > self.limits.max_value_bytes {
            return Err(self.error(
                pos,
                format!("value too large: about {size} bytes, the limit is {}", self.limits.max_value_bytes),
            ));
        }
        Ok(())
    }

    // ---- program ---------------------------------------------------------

    /// Runs a file's imports, parameters and statements in `env`.
    pub(crate) fn run_file(
        &mut self,
        file: &File,
        env: &Arc<Scope>,
        params: &indexmap::IndexMap<String, Value>,
    ) -> EResult<()> {
        let mut seen: Vec<&str> = Vec::new();
        for imp in &file.imports {
            if seen.contains(&&*imp.alias) {
                return Err(self.error(imp.pos, format!("import {:?} is declared more than once", &*imp.alias)));
            }
            seen.push(&imp.alias);
            match self.imports.resolve(&imp.name) {
                Some(v) => env.declare(imp.alias.clone(), v),
                None => return Err(self.error(imp.pos, format!("import {:?} is not available", &*imp.name))),
            }
        }
        for p in &file.params {
            if crate::builtins::Builtin::from_name(&p.name).is_some() || seen.contains(&&*p.name) {
                return Err(self.error(p.pos, format!("parameter {:?} conflicts with an existing name", &*p.name)));
            }
            seen.push(&p.name);
            let v = match params.get(&*p.name) {
                Some(v) => v.clone(),
                None => match &p.default {
                    Some(e) => self.eval(e, env)?,
                    None => {
                        return Err(self.error(p.pos, format!("missing value for required parameter {:?}", &*p.name)))
                    }
                },
            };
            env.declare(p.name.clone(), v);
        }
        match self.exec_block(&file.body, env)? {
            Flow::Next => Ok(()),
            Flow::Return(_) => Err(self.error(Pos::default(), "return outside a function")),
            Flow::Break | Flow::Continue => Err(self.error(Pos::default(), "break or continue outside a for loop")),
        }
    }

    // ---- statements ------------------------------------------------------

    pub(crate) fn exec_block(&mut self, stmts: &[Stmt], env: &Arc<Scope>) -> EResult<Flow> {
        for s in stmts {
            match self.exec(s, env)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    fn exec(&mut self, s: &Stmt, env: &Arc<Scope>) -> EResult<Flow> {
        self.step(s.pos)?;
        match &s.kind {
            StmtKind::Expr(e) => {
                self.eval(e, env)?;
            }
            StmtKind::Assign { target, op, value } => {
                let rhs = self.eval(value, env)?;
                let v = match op {
                    None => rhs,
                    Some(op) => {
                        let cur = self.eval(target, env)?;
                        if let ExprKind::Ident(name) = &target.kind {
                            if env.get(name).is_none() {
                                return Err(self.error(target.pos, format!("{:?} is not defined", &**name)));
                            }
                        }
                        let r = ops::arith(*op, &cur, &rhs).map_err(|m| self.error(s.pos, m))?;
                        self.check_size(s.pos, &r)?;
                        r
                    }
                };
                self.assign_place(target, v, env)?;
            }
            StmtKind::If { cond, then, els } => {
                let c = self.eval(cond, env)?;
                match c.resolved() {
                    Value::Bool(true) => return self.exec_block(then, env),
                    Value::Bool(false) | Value::Undefined => {
                        // An undefined condition is not true: the else branch
                        // runs, as for `false`.
                        if let Some(els) = els {
                            return self.exec_block(els, env);
                        }
                    }
                    other => {
                        return Err(
                            self.error(cond.pos, format!("if condition must be a bool, got {}", other.type_name()))
                        )
                    }
                }
            }
            StmtKind::Case { subject, clauses, default } => {
                let subj = match subject {
                    Some(e) => self.eval(e, env)?,
                    None => Value::Bool(true),
                };
                for c in clauses {
                    for e in &c.exprs {
                        let v = self.eval(e, env)?;
                        if ops::equals(&subj, &v) == Some(true) {
                            return self.exec_block(&c.body, env);
                        }
                    }
                }
                if let Some(d) = default {
                    return self.exec_block(d, env);
                }
            }
            StmtKind::For { coll, first, second, body } => {
                let c = self.eval(coll, env)?;
                let inner = Scope::new(Some(env.clone()));
                let run = |this: &mut Self, a: Option<Value>, b: Value| -> EResult<Option<Flow>> {
                    if let (Some(n), Some(a)) = (first, a) {
                        inner.declare(n.clone(), a);
                    }
                    inner.declare(second.clone(), b);
                    match this.exec_block(body, &inner)? {
                        Flow::Break => Ok(Some(Flow::Next)),
                        r @ Flow::Return(_) => Ok(Some(r)),
                        Flow::Next | Flow::Continue => Ok(None),
                    }
                };
                match c.resolved() {
                    Value::List(l) => {
                        for (i, v) in l.as_slice().iter().enumerate() {
                            let (a, b) = if first.is_some() {
                                (Some(Value::Int(i as i64)), v.clone())
                            } else {
                                (None, v.clone())
                            };
                            if let Some(f) = run(self, a, b)? {
                                return Ok(f);
                            }
                        }
                    }
                    Value::Map(m) => {
                        for (k, v) in m.iter() {
                            let (a, b) =
                                if first.is_some() { (Some(k.to_value()), v.clone()) } else { (None, k.to_value()) };
                            if let Some(f) = run(self, a, b)? {
                                return Ok(f);
                            }
                        }
                    }
                    other => {
                        return Err(self.error(
                            coll.pos,
                            format!("for: cannot iterate over {}; it must be a list or a map", other.type_name()),
                        ))
                    }
                }
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, env)?,
                    None => Value::Undefined,
                };
                return Ok(Flow::Return(v));
            }
        }
        Ok(Flow::Next)
    }

    /// `target = v`: a variable, or an element of a list or map held by one.
    pub(crate) fn assign_place(&mut self, target: &Expr, v: Value, env: &Arc<Scope>) -> EResult<()> {
        match &target.kind {
            ExprKind::Ident(name) => {
                if let Value::Rule(r) = &v {
                    if let Some(r) = r.downcast_ref::<RuleVal>() {
                        let _ = r.name.set((name.clone(), target.pos));
                    }
                }
                env.assign(name, v);
                Ok(())
            }
            ExprKind::Index(..) | ExprKind::Selector(..) => {
                // Collect the keys from the variable outwards.
                let mut keys = Vec::new();
                let mut cur = target;
                loop {
                    match &cur.kind {
                        ExprKind::Index(base, idx) => {
                            keys.push((self.eval(idx, env)?, idx.pos));
                            cur = base;
                        }
                        ExprKind::Selector(base, name) => {
                            keys.push((Value::String(name.clone()), cur.pos));
                            cur = base;
                        }
                        ExprKind::Ident(_) => break,
                        _ => return Err(self.error(cur.pos, "cannot assign to this expression")),
                    }
                }
                keys.reverse();
                let ExprKind::Ident(root) = &cur.kind else { unreachable!("loop ends at an identifier") };
                let Some(original) = env.take(root) else {
                    return Err(self.error(cur.pos, format!("{:?} is not defined", &**root)));
                };
                // The variable's own value, not a second reference to it:
                // with one owner, changing an element changes it in place
                // instead of copying the whole map or list each time (a
                // loop filling a map was quadratic). An error stops the
                // policy, so there is nothing to roll back to.
                let mut value = match original {
                    Value::Lazy(_) => original.resolved().clone(),
                    owned => owned,
                };
                let result = self.set_in(&mut value, &keys, v).and_then(|()| self.check_size(target.pos, &value));
                env.assign(root, value);
                result
            }
            _ => Err(self.error(target.pos, "cannot assign to this expression")),
        }
    }

    fn set_in(&mut self, container: &mut Value, keys: &[(Value, Pos)], v: Value) -> EResult<()> {
        let Some(((key, pos), rest)) = keys.split_first() else {
            *container = v;
            return Ok(());
        };
        if matches!(container, Value::Lazy(_) | Value::Sensitive(_)) {
            *container = container.resolved().clone();
        }
        match container {
            Value::Map(m) => {
                let Some(k) = Key::from_value(key) else {
                    return Err(self.error(*pos, format!("a map key cannot be of type {}", key.type_name())));
                };
                let slot = m.make_mut().entry(k).or_insert(Value::Undefined);
                if rest.is_empty() {
                    *slot = v;
                    Ok(())
                } else {
                    if slot.is_undefined() {
                        return Err(self.error(*pos, "cannot assign into a missing map element"));
                    }
                    self.set_in(slot, rest, v)
                }
            }
            Value::List(l) => {
                let Some(i) = key.as_int() else {
                    return Err(self.error(*pos, format!("a list index must be an int, got {}", key.type_name())));
                };
                let len = l.len() as i64;
                let j = if i < 0 { i + len } else { i };
                if j < 0 || j >= len {
                    return Err(self.error(*pos, format!("list index {i} out of range (length {len})")));
                }
                self.set_in(&mut l.make_mut()[j as usize], rest, v)
            }
            other => {
                Err(self.error(*pos, format!("cannot assign to an element of a value of type {}", other.type_name())))
            }
        }
    }

    // ---- expressions -----------------------------------------------------

    /// Evaluates `e`.
    pub(crate) fn eval(&mut self, e: &Expr, env: &Arc<Scope>) -> EResult<Value> {
        self.step(e.pos)?;
        // Every nested evaluation counts against one budget, so deep
        // expressions inside deep recursion cannot exhaust the stack.
        self.nest += 1;
        if self.nest > self.max_nest {
            self.nest -= 1;
            return Err(
                self.error(e.pos, format!("nesting limit reached: more than {} nested evaluations", self.max_nest))
            );
        }
        let r = self.eval_kind(e, env);
        self.nest -= 1;
        r
    }

    // The arms live in their own functions so this frame stays small: it is
    // on the stack once per nesting level.
    #[inline(never)]
    fn eval_kind(&mut self, e: &Expr, env: &Arc<Scope>) -> EResult<Value> {
        match &e.kind {
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::String(s.clone())),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Undefined => Ok(Value::Undefined),
            ExprKind::Ident(name) => self.eval_ident(name, env, e.pos),
            ExprKind::List(items) => self.eval_list(items, env),
            ExprKind::Map(pairs) => self.eval_map(pairs, env),
            ExprKind::Func(def) => {
                Ok(Value::Func(Arc::new(FuncVal { def: def.clone(), env: env.clone(), file: self.file.clone() })))
            }
            ExprKind::Rule(def) => Ok(Value::Rule(Arc::new(RuleVal {
                def: def.clone(),
                env: env.clone(),
                file: self.file.clone(),
                name: OnceLock::new(),
                memo: OnceLock::new(),
            }))),
            ExprKind::Index(base, idx) => self.eval_index(base, idx, env, e.pos),
            ExprKind::Selector(base, name) => self.eval_selector(base, name, env, e.pos),
            ExprKind::Slice(base, lo, hi) => self.eval_slice(base, lo.as_deref(), hi.as_deref(), env, e.pos),
            ExprKind::Call(callee, args) => self.call_expr(callee, args, env, e.pos),
            // The parser puts `...` only after a call's last argument.
            ExprKind::Spread(_) => Err(self.error(e.pos, "\"...\" is allowed only after a call's last argument")),
            ExprKind::Unary(op, x) => self.eval_unary(*op, x, env, e.pos),
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, env, e.pos),
            ExprKind::IsEmpty { expr, negated } => self.eval_is_empty(expr, *negated, env, e.pos),
            ExprKind::IsDefined { expr, negated } => {
                let v = self.eval(expr, env)?;
                Ok(Value::Bool(v.is_undefined() == *negated))
            }
            ExprKind::Quant { op, coll, first, second, body } => {
                self.quantifier(*op, coll, first.as_ref(), second, body, env, e.pos)
            }
        }
    }

    #[inline(never)]
    fn eval_ident(&mut self, name: &Arc<str>, env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
        match env.get(name) {
            Some(v) => self.force(v, pos),
            None => match crate::builtins::Builtin::from_name(name) {
                Some(b) => Ok(Value::Func(Arc::new(Builtin(b)))),
                None => Err(self.error(pos, format!("{:?} is not defined", &**name))),
            },
        }
    }

    #[inline(never)]
    fn eval_list(&mut self, items: &[Expr], env: &Arc<Scope>) -> EResult<Value> {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            out.push(self.eval(i, env)?);
        }
        Ok(Value::List(List::new(out)))
    }

    #[inline(never)]
    fn eval_map(&mut self, pairs: &[(Expr, Expr)], env: &Arc<Scope>) -> EResult<Value> {
        let mut m = indexmap::IndexMap::with_capacity(pairs.len());
        for (k, v) in pairs {
            let kv = self.eval(k, env)?;
            let Some(key) = Key::from_value(&kv) else {
                return Err(self.error(k.pos, format!("a map key cannot be of type {}", kv.type_name())));
            };
            let vv = self.eval(v, env)?;
            m.insert(key, vv);
        }
        Ok(Value::Map(Map::from_pairs(m)))
    }

    #[inline(never)]
    fn eval_index(&mut self, base: &Expr, idx: &Expr, env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
        let b = self.eval(base, env)?;
        let i = self.eval(idx, env)?;
        let v = self.index(&b, &i, pos)?;
        self.force(v, pos)
    }

    #[inline(never)]
    fn eval_selector(&mut self, base: &Expr, name: &str, env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
        let b = self.eval(base, env)?;
        let v = self.select(&b, name, pos)?;
        self.force(v, pos)
    }

    #[inline(never)]
    fn eval_slice(
        &mut self,
        base: &Expr,
        lo: Option<&Expr>,
        hi: Option<&Expr>,
        env: &Arc<Scope>,
        pos: Pos,
    ) -> EResult<Value> {
        let b = self.eval(base, env)?;
        let lo = match lo {
            Some(x) => Some(self.eval(x, env)?),
            None => None,
        };
        let hi = match hi {
            Some(x) => Some(self.eval(x, env)?),
            None => None,
        };
        self.slice(&b, lo, hi, pos)
    }

    #[inline(never)]
    fn eval_unary(&mut self, op: UnOp, x: &Expr, env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
        let v = self.eval(x, env)?;
        Ok(match (op, v.resolved()) {
            (_, Value::Undefined) => Value::Undefined,
            (UnOp::Not, Value::Bool(b)) => Value::Bool(!b),
            (UnOp::Neg, Value::Int(i)) => Value::Int(i.wrapping_neg()),
            (UnOp::Neg, Value::Float(f)) => Value::Float(-f),
            (UnOp::Plus, Value::Int(_) | Value::Float(_)) => v.resolved().clone(),
            (UnOp::Not, other) => {
                return Err(self.error(pos, format!("not: operand must be a bool, got {}", other.type_name())))
            }
            (_, other) => {
                return Err(self.error(pos, format!("unary minus or plus on a value of type {}", other.type_name())))
            }
        })
    }

    #[inline(never)]
    fn eval_is_empty(&mut self, expr: &Expr, negated: bool, env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
        let v = self.eval(expr, env)?;
        let len = match v.resolved() {
            Value::Undefined => return Ok(Value::Undefined),
            Value::String(s) => s.len(),
            Value::List(l) => l.len(),
            Value::Map(m) => m.len(),
            other => {
                return Err(self
                    .error(pos, format!("is empty: cannot take the length of a value of type {}", other.type_name())))
            }
        };
        Ok(Value::Bool((len == 0) != negated))
    }

    /// A rule read as a value is evaluated (once); anything else is itself.
    fn force(&mut self, v: Value, pos: Pos) -> EResult<Value> {
        if let Value::Rule(r) = &v {
            if let Some(r) = r.downcast_ref::<RuleVal>() {
                return self.eval_rule(r, pos);
            }
        }
        Ok(v)
    }

    /// Evaluates a rule once and remembers the result (spec: Rule Expressions).
    pub(crate) fn eval_rule(&mut self, r: &RuleVal, pos: Pos) -> EResult<Value> {
        if let Some(v) = r.memo.get() {
            return Ok(v.clone());
        }
        // A cycle is a rule this run is already evaluating. Another run (a
        // policy on another thread sharing a module) may evaluate the same
        // rule at the same time: both get the same value, the first is kept.
        let id = r as *const RuleVal as usize;
        if self.evaluating.contains(&id) {
            return Err(self.error(pos, "rule refers to itself"));
        }
        self.enter_call(pos)?;
        self.evaluating.push(id);
        // Whether this rule's own evaluation reads a sensitive value: its
        // memo may be shared (a module's rule, read by other policies on
        // other threads), so a value derived from one is kept marked.
        let outer_read = crate::value::reset_sensitive_read();
        let saved = std::mem::replace(&mut self.file, r.file.clone());
        let result: EResult<Value> = (|| {
            if let Some(w) = &r.def.when {
                let c = self.eval(w, &r.env)?;
                match truth(&c) {
                    Some(true) => {}
                    // The predicate is false: the rule is not evaluated and is true.
                    Some(false) => return Ok(Value::Bool(true)),
                    None => return Ok(Value::Undefined),
                }
            }
            // The body is any expression (spec v0.18: RuleExpr); a rule may
            // hold a list or map. `main` that is not `true` fails.
            self.eval(&r.def.body, &r.env)
        })();
        self.file = saved;
        self.depth -= 1;
        self.evaluating.pop();
        let read = crate::value::reset_sensitive_read();
        if outer_read || read {
            crate::value::mark_sensitive_read();
        }
        let v = result?;
        let v = if read { Value::sensitive(v) } else { v };
        let _ = r.memo.set(v.clone());
        self.rules.push(RuleResult {
            name: r.name.get().map(|(n, _)| n.to_string()).unwrap_or_default(),
            value: v.clone(),
            file: r.file.to_string(),
            // Where the rule is declared (`main = rule ...` is at `main`).
            line: r.name.get().map_or(r.def.pos.line, |(_, p)| p.line),
            column: r.name.get().map_or(r.def.pos.col, |(_, p)| p.col),
        });
        Ok(v)
    }

    fn enter_call(&mut self, pos: Pos) -> EResult<()> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            self.depth -= 1;
            return Err(
                self.error(pos, format!("call depth limit reached: more than {} nested calls", self.limits.max_depth))
            );
        }
        Ok(())
    }

    fn index(&mut self, b: &Value, i: &Value, pos: Pos) -> EResult<Value> {
        match b.resolved() {
            Value::Undefined | Value::Null => Ok(Value::Undefined),
            _ if i.is_undefined() => Ok(Value::Undefined),
            Value::Map(m) => Ok(Key::from_value(i).and_then(|k| m.get(&k).cloned()).unwrap_or(Value::Undefined)),
            Value::List(l) => {
                let Some(ix) = i.as_int() else {
                    return Err(self.error(pos, format!("a list index must be an int, got {}", i.type_name())));
                };
                let len = l.len() as i64;
                let j = if ix < 0 { ix + len } else { ix };
                Ok(if j < 0 || j >= len { Value::Undefined } else { l.as_slice()[j as usize].clone() })
            }
            Value::String(s) => {
                let Some(ix) = i.as_int() else {
                    return Err(self.error(pos, format!("a string index must be an int, got {}", i.type_name())));
                };
                let len = s.len() as i64;
                let j = if ix < 0 { ix + len } else { ix };
                Ok(if j < 0 || j >= len {
                    Value::Undefined
                } else {
                    let byte = [s.as_bytes()[j as usize]];
                    Value::string(String::from_utf8_lossy(&byte))
                })
            }
            Value::Object(o) => match i.as_str() {
                Some(name) => o.get(name).map_err(|err| self.error(pos, err.to_string())),
                None => Ok(Value::Undefined),
            },
            other => Err(self.error(pos, format!("cannot index a value of type {}", other.type_name()))),
        }
    }

    fn select(&mut self, b: &Value, name: &str, pos: Pos) -> EResult<Value> {
        match b.resolved() {
            Value::Undefined | Value::Null => Ok(Value::Undefined),
            Value::Map(m) => Ok(m.get_str(name).cloned().unwrap_or(Value::Undefined)),
            Value::Object(o) => o.get(name).map_err(|err| self.error(pos, err.to_string())),
            other => {
                Err(self.error(pos, format!("cannot read field {name:?} of a value of type {}", other.type_name())))
            }
        }
    }

    fn slice(&mut self, b: &Value, lo: Option<Value>, hi: Option<Value>, pos: Pos) -> EResult<Value> {
        let len = match b.resolved() {
            Value::Undefined | Value::Null => return Ok(Value::Undefined),
            Value::List(l) => l.len() as i64,
            Value::String(s) => s.len() as i64,
            other => return Err(self.error(pos, format!("cannot slice a value of type {}", other.type_name()))),
        };
        let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>, String> {
            match v {
                None => Ok(Some(default)),
                Some(v) if v.is_undefined() => Ok(None),
                Some(v) => {
                    v.as_int().map(Some).ok_or_else(|| format!("slice index must be an int, got {}", v.type_name()))
                }
            }
        };
        let lo = bound(lo, 0).map_err(|m| self.error(pos, m))?;
        let hi = bound(hi, len).map_err(|m| self.error(pos, m))?;
        let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(Value::Undefined) };
        if !(0 <= lo && lo <= hi && hi <= len) {
            return Ok(Value::Undefined);
        }
        let (lo, hi) = (lo as usize, hi as usize);
        Ok(match b.resolved() {
            Value::List(l) => Value::list(l.as_slice()[lo..hi].to_vec()),
            Value::String(s) => Value::string(String::from_utf8_lossy(&s.as_bytes()[lo..hi])),
            _ => Value::Undefined,
        })
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
        match op {
            BinOp::And => {
                let a = self.eval(l, env)?;
                match truth(&a) {
                    Some(false) => Ok(Value::Bool(false)),
                    Some(true) => {
                        let b = self.eval(r, env)?;
                        Ok(from_truth(truth(&b)))
                    }
                    None => Ok(Value::Undefined),
                }
            }
            BinOp::Or => {
                let a = self.eval(l, env)?;
                match truth(&a) {
                    Some(true) => Ok(Value::Bool(true)),
                    Some(false) => {
                        let b = self.eval(r, env)?;
                        Ok(from_truth(truth(&b)))
                    }
                    // `undefined or true` is true; otherwise undefined.
                    None => {
                        let b = self.eval(r, env)?;
                        Ok(if truth(&b) == Some(true) { Value::Bool(true) } else { Value::Undefined })
                    }
                }
            }
            BinOp::Xor => {
                let a = self.eval(l, env)?;
                let b = self.eval(r, env)?;
                Ok(match (truth(&a), truth(&b)) {
                    (Some(x), Some(y)) => Value::Bool(x != y),
                    _ => Value::Undefined,
                })
            }
            BinOp::Else => {
                let a = self.eval(l, env)?;
                if a.is_undefined() {
                    self.eval(r, env)
                } else {
                    Ok(a)
                }
            }
            _ => {
                let a = self.eval(l, env)?;
                let b = self.eval(r, env)?;
                self.binary_values(op, &a, &b, pos)
            }
        }
    }

    pub(crate) fn binary_values(&mut self, op: BinOp, a: &Value, b: &Value, pos: Pos) -> EResult<Value> {
        Ok(match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                let v = ops::arith(op, a, b).map_err(|m| self.error(pos, m))?;
                self.check_size(pos, &v)?;
                v
            }
            BinOp::Eq => from_truth(ops::equals(a, b)),
            BinOp::Ne => from_truth(ops::equals(a, b).map(|x| !x)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                if a.is_undefined() || b.is_undefined() {
                    return Ok(Value::Undefined);
                }
                match ops::compare(a, b) {
                    None => Value::Undefined,
                    Some(o) => Value::Bool(match op {
                        BinOp::Lt => o.is_lt(),
                        BinOp::Le => o.is_le(),
                        BinOp::Gt => o.is_gt(),
                        _ => o.is_ge(),
                    }),
                }
            }
            BinOp::Contains | BinOp::NotContains | BinOp::In | BinOp::NotIn => {
                let (coll, item) = if matches!(op, BinOp::Contains | BinOp::NotContains) { (a, b) } else { (b, a) };
                let r = ops::contains(coll, item).map_err(|m| self.error(pos, m))?;
                let negate = matches!(op, BinOp::NotContains | BinOp::NotIn);
                from_truth(r.map(|x| x != negate))
            }
            BinOp::Matches | BinOp::NotMatches => {
                if a.is_undefined() || b.is_undefined() {
                    return Ok(Value::Undefined);
                }
                let (Some(s), Some(pat)) = (a.as_str(), b.as_str()) else {
                    return Err(self.error(
                        pos,
                        format!("matches: both operands must be strings, got {} and {}", a.type_name(), b.type_name()),
                    ));
                };
                let m = self.regex(pat, pos)?.is_match(s);
                Value::Bool(m != (op == BinOp::NotMatches))
            }
            BinOp::And | BinOp::Or | BinOp::Xor | BinOp::Else => unreachable!("handled by binary()"),
        })
    }

    fn regex(&mut self, pat: &str, pos: Pos) -> EResult<&regex::Regex> {
        if !self.regexes.contains_key(pat) {
            // Patterns may come from data; keep the cache bounded.
            if self.regexes.len() >= 1024 {
                self.regexes.clear();
            }
            let re = regex::Regex::new(pat)
                // The pattern may come from plan data: the message does not quote it.
                .map_err(|_| self.error(pos, "matches: the right-hand string is not a valid regular expression"))?;
            self.regexes.insert(pat.into(), re);
        }
        Ok(&self.regexes[pat])
    }

    #[allow(clippy::too_many_arguments)]
    fn quantifier(
        &mut self,
        op: Quant,
        coll: &Expr,
        first: Option<&Arc<str>>,
        second: &Arc<str>,
        body: &Expr,
        env: &Arc<Scope>,
        pos: Pos,
    ) -> EResult<Value> {
        let c = self.eval(coll, env)?;
        let inner = Scope::new(Some(env.clone()));
        // Returns Some(result) to stop early.
        let mut saw_undefined = false;
        let mut list_out: Vec<Value> = Vec::new();
        let mut map_out: indexmap::IndexMap<Key, Value> = indexmap::IndexMap::new();
        let mut visit =
            |this: &mut Self, a: Option<Value>, b: Value, key: Option<&Key>, elem: &Value| -> EResult<Option<Value>> {
                if let (Some(n), Some(a)) = (first, a) {
                    inner.declare(n.clone(), a);
                }
                inner.declare(second.clone(), b);
                let v = this.eval(body, &inner)?;
                match op {
                    Quant::All => match truth(&v) {
                        Some(true) => Ok(None),
                        Some(false) => Ok(Some(Value::Bool(false))),
                        None => Ok(Some(Value::Undefined)),
                    },
                    Quant::Any => match truth(&v) {
                        Some(true) => Ok(Some(Value::Bool(true))),
                        Some(false) => Ok(None),
                        None => {
                            saw_undefined = true;
                            Ok(None)
                        }
                    },
                    Quant::Filter => match truth(&v) {
                        Some(true) => {
                            match key {
                                Some(k) => {
                                    map_out.insert(k.clone(), elem.clone());
                                }
                                None => list_out.push(elem.clone()),
                            }
                            Ok(None)
                        }
                        Some(false) => Ok(None),
                        None => Ok(Some(Value::Undefined)),
                    },
                    Quant::Map => {
                        list_out.push(v);
                        Ok(None)
                    }
                }
            };
        let is_map = match c.resolved() {
            Value::Undefined => return Ok(Value::Undefined),
            Value::List(l) => {
                for (i, v) in l.as_slice().iter().enumerate() {
                    let (a, b) =
                        if first.is_some() { (Some(Value::Int(i as i64)), v.clone()) } else { (None, v.clone()) };
                    if let Some(r) = visit(self, a, b, None, v)? {
                        return Ok(r);
                    }
                }
                false
            }
            Value::Map(m) => {
                for (k, v) in m.iter() {
                    let (a, b) = if first.is_some() { (Some(k.to_value()), v.clone()) } else { (None, k.to_value()) };
                    if let Some(r) = visit(self, a, b, Some(k), v)? {
                        return Ok(r);
                    }
                }
                true
            }
            other => {
                return Err(self.error(
                    pos,
                    format!("cannot iterate over a value of type {}; it must be a list or a map", other.type_name()),
                ))
            }
        };
        Ok(match op {
            Quant::All => Value::Bool(true),
            Quant::Any => {
                if saw_undefined {
                    Value::Undefined
                } else {
                    Value::Bool(false)
                }
            }
            Quant::Filter if is_map => Value::Map(Map::from_pairs(map_out)),
            Quant::Filter | Quant::Map => Value::List(List::new(list_out)),
        })
    }

    fn call_expr(&mut self, callee: &Expr, args: &[Expr], env: &Arc<Scope>, pos: Pos) -> EResult<Value> {
        // `obj.method(...)` on an import object calls the method.
        if let ExprKind::Selector(base, name) = &callee.kind {
            let b = self.eval(base, env)?;
            if let Value::Object(o) = b.resolved() {
                let o = o.clone();
                let Some(vals) = self.eval_args(args, env)? else { return Ok(Value::Undefined) };
                // Imports that take functions (collection.filter) call them
                // back through the evaluator; an error inside keeps its place.
                let mut inner: Option<Box<EvalError>> = None;
                let r = crate::stdlib::call_method(&o, name, vals, &mut |f: &Value, a: Vec<Value>| {
                    self.call_value(f, a, pos, None).map_err(|e| inner.insert(e).message.clone())
                });
                if let Some(e) = inner {
                    return Err(e);
                }
                return r.map_err(|err| self.error(pos, err.to_string()));
            }
            let f = self.select(&b, name, callee.pos)?;
            let Some(vals) = self.eval_args(args, env)? else { return Ok(Value::Undefined) };
            return self.call_value(&f, vals, pos, Some(name));
        }
        // `append` and `delete` change the variable they are given.
        if let ExprKind::Ident(name) = &callee.kind {
            if env.get(name).is_none() {
                if let Some(b) = crate::builtins::Builtin::from_name(name) {
                    return crate::builtins::call_builtin(self, b, args, env, pos);
                }
            }
        }
        let f = self.eval(callee, env)?;
        let Some(vals) = self.eval_args(args, env)? else { return Ok(Value::Undefined) };
        self.call_value(&f, vals, pos, None)
    }

    /// A call's arguments, left to right, a final `list...` expanded into
    /// its elements. `None` when that list is undefined: the call is then
    /// undefined, as any operation on undefined is (spec: Undefined).
    pub(crate) fn eval_args(&mut self, args: &[Expr], env: &Arc<Scope>) -> EResult<Option<Vec<Value>>> {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            let ExprKind::Spread(list) = &a.kind else {
                out.push(self.eval(a, env)?);
                continue;
            };
            let v = self.eval(list, env)?;
            match v.resolved() {
                Value::Undefined => return Ok(None),
                Value::List(items) => out.extend(items.as_slice().iter().cloned()),
                other => {
                    return Err(self.error(a.pos, format!("\"...\" expands a list, not {}", other.type_name())));
                }
            }
        }
        Ok(Some(out))
    }

    /// Calls a function value with evaluated arguments.
    pub(crate) fn call_value(&mut self, f: &Value, args: Vec<Value>, pos: Pos, name: Option<&str>) -> EResult<Value> {
        match f.resolved() {
            // language/undefined: calling a function that is undefined is undefined.
            Value::Undefined => Ok(Value::Undefined),
            Value::Func(any) => {
                if let Some(fv) = any.downcast_ref::<FuncVal>() {
                    return self.call_func(fv, args, pos);
                }
                if let Some(Builtin(b)) = any.downcast_ref::<Builtin>() {
                    return crate::builtins::call_builtin_values(self, *b, args, pos);
                }
                Err(self.error(pos, "cannot call this value"))
            }
            other => Err(self.error(
                pos,
                match name {
                    Some(n) => format!("cannot call {n:?}: it is {}, not a function", other.type_name()),
                    None => format!("cannot call a value of type {}", other.type_name()),
                },
            )),
        }
    }

    pub(crate) fn call_func(&mut self, f: &FuncVal, args: Vec<Value>, pos: Pos) -> EResult<Value> {
        if args.len() != f.def.params.len() {
            return Err(self.error(
                pos,
                format!("wrong number of arguments: the function takes {}, got {}", f.def.params.len(), args.len()),
            ));
        }
        self.enter_call(pos)?;
        let scope = Scope::new(Some(f.env.clone()));
        for (p, a) in f.def.params.iter().zip(args) {
            scope.declare(p.clone(), a);
        }
        let saved = std::mem::replace(&mut self.file, f.file.clone());
        let r = self.exec_block(&f.def.body, &scope);
        self.file = saved;
        self.depth -= 1;
        match r? {
            Flow::Return(v) => Ok(v),
            Flow::Next => Err(self.error(f.def.pos, "function ended without a return statement")),
            Flow::Break | Flow::Continue => Err(self.error(f.def.pos, "break or continue outside a for loop")),
        }
    }
}
