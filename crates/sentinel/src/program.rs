//! The public API: parse a policy, module or mock file; evaluate a policy;
//! load a module's namespace.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::ast::{File, Pos};
use crate::diagnostic::Diagnostic;
use crate::eval::scope::Scope;
use crate::eval::{Interp, RuleVal};
use crate::value::{Key, Map, Value};

/// A parsed policy, module or mock file.
#[derive(Debug, Clone)]
pub struct Program {
    file: Arc<str>,
    ast: Arc<File>,
    description: Option<String>,
}

/// The leading comment block of `source`, markers removed.
fn leading_comment(source: &str) -> Option<String> {
    let mut lines = Vec::new();
    let mut rest = source.trim_start_matches('\u{feff}');
    loop {
        let t = rest.trim_start();
        if let Some(body) = t.strip_prefix("/*") {
            let end = body.find("*/")?;
            lines.extend(body[..end].lines().map(|l| l.trim().trim_start_matches('*').trim().to_string()));
            rest = &body[end + 2..];
            continue;
        }
        let marker = if t.starts_with("//") {
            2
        } else if t.starts_with('#') {
            1
        } else {
            break;
        };
        let (line, next) = t.split_once('\n').unwrap_or((t, ""));
        lines.push(line[marker..].trim().to_string());
        rest = next;
        // A blank line ends the block.
        if next.starts_with('\n') || next.starts_with("\r\n") {
            break;
        }
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

impl Program {
    /// Parses `source`; `path` names the file in diagnostics and errors.
    pub fn parse(path: &str, source: &str) -> Result<Program, Vec<Diagnostic>> {
        let diag = |line, column, message| vec![Diagnostic { file: path.to_string(), line, column, message }];
        let tokens = crate::lexer::lex(source).map_err(|e| diag(e.line, e.col, e.message))?;
        // The parser recurses once per nesting level (bounded by
        // MAX_NESTING); it runs on the large evaluation stack too.
        let parsed = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("sentinel-parse".into())
                .stack_size(EVALUATION_STACK)
                .spawn_scoped(scope, move || crate::parser::parse_file(tokens))
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        });
        let ast = match parsed {
            Ok(r) => r.map_err(|e| diag(e.line, e.col, e.message))?,
            Err(e) => return Err(diag(0, 0, format!("could not start the parser thread: {e}"))),
        };
        Ok(Program { file: path.into(), ast: Arc::new(ast), description: leading_comment(source) })
    }

    /// The file name given to [`Program::parse`].
    pub fn path(&self) -> &str {
        &self.file
    }

    /// The file's description: the comment block it starts with (`#`, `//`
    /// or `/* */`), without the comment markers, as `sentinel apply` shows
    /// it. `None` when the file does not start with a comment.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The names of the imports the file declares (`import "name"`), in order.
    pub fn import_names(&self) -> Vec<String> {
        self.ast.imports.iter().map(|i| i.name.to_string()).collect()
    }

    /// The parameters the file declares, with whether each has a default.
    pub fn param_names(&self) -> Vec<(String, bool)> {
        self.ast.params.iter().map(|p| (p.name.to_string(), p.default.is_some())).collect()
    }
}

/// Answers `import "name"`: modules, mocks, standard imports, Terraform
/// imports. An import is a value, usually an object (fields and methods) or
/// a map.
pub trait Imports {
    /// The value for the import `name`, or `None` when there is none.
    fn resolve(&self, name: &str) -> Option<Value>;
}

/// No imports at all.
pub struct NoImports;

impl Imports for NoImports {
    fn resolve(&self, _name: &str) -> Option<Value> {
        None
    }
}

/// Execution limits: a policy that exceeds one stops with an error naming
/// the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Evaluation steps (expressions and statements) per run.
    pub max_steps: u64,
    /// Nested function calls and rule evaluations. Nested expression
    /// evaluation is bounded too, at four times this.
    pub max_depth: u32,
    /// The largest string, list or map a policy may build, in approximate
    /// bytes (a string's length; 24 per list element, 64 per map entry).
    pub max_value_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_steps: 500_000_000, max_depth: 500, max_value_bytes: 256 * 1024 * 1024 }
    }
}

/// The result of running a policy.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The value of `main` (a bool, or `undefined`, which is a failure), or
    /// the error that stopped the run.
    pub outcome: Result<Value, EvalError>,
    /// Every rule evaluated, in the order each finished.
    pub rules: Vec<RuleResult>,
    /// Everything `print` wrote, a newline after each call.
    pub prints: String,
    /// Whether the run read a value the plan marks sensitive (through
    /// `Value::Sensitive`): its prints, rule values and error may then hold
    /// the secret in any form, so outputs withhold them.
    pub sensitive_read: bool,
}

impl Evaluation {
    /// Whether the policy passed: `main` is `true`.
    pub fn passed(&self) -> bool {
        matches!(&self.outcome, Ok(v) if v.as_bool() == Some(true))
    }
}

/// A rule's name, value and place.
#[derive(Debug, Clone)]
pub struct RuleResult {
    /// The variable the rule was assigned to (empty for an unnamed rule).
    pub name: String,
    /// What the rule evaluated to.
    pub value: Value,
    /// The policy or module file the rule is in.
    pub file: String,
    /// The rule's line (from 1).
    pub line: u32,
    /// The rule's column (from 1).
    pub column: u32,
}

/// A runtime error: place and a short message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// The file where evaluation failed.
    pub file: String,
    /// The line (from 1) of the failing expression.
    pub line: u32,
    /// The column (from 1) of the failing expression.
    pub column: u32,
    /// What went wrong, in Sentinel's words.
    pub message: String,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl std::error::Error for EvalError {}

/// Runs a policy: the file top to bottom, then its `main` rule. `params`
/// override the file's `param` declarations by name.
pub fn evaluate(
    program: &Program,
    imports: &dyn Imports,
    params: &IndexMap<String, Value>,
    limits: &Limits,
) -> Evaluation {
    evaluate_with_globals(program, imports, params, &IndexMap::new(), limits)
}

/// As [`evaluate`], with `globals` (a configuration's `global` blocks)
/// declared in the policy's own scope before it runs, as the Sentinel CLI
/// injects them: a policy reads them without an import. The policy's
/// imports and parameters are declared after them, so they win on a clash.
pub fn evaluate_with_globals(
    program: &Program,
    imports: &dyn Imports,
    params: &IndexMap<String, Value>,
    globals: &IndexMap<String, Value>,
    limits: &Limits,
) -> Evaluation {
    let run = on_evaluation_stack(imports, |imports| evaluate_here(program, imports, params, globals, limits));
    run.unwrap_or_else(|e| Evaluation {
        outcome: Err(e),
        rules: Vec::new(),
        prints: String::new(),
        sensitive_read: false,
    })
}

/// The stack evaluation runs on: deep (but limited) recursion in a policy
/// must not overflow the caller's thread, which may be a 2 MiB worker.
const EVALUATION_STACK: usize = 64 * 1024 * 1024;

/// Answers imports for code on the evaluation thread by asking the calling
/// thread, which owns the (possibly not thread-safe) [`Imports`].
struct ProxyImports {
    requests: std::sync::mpsc::Sender<(String, std::sync::mpsc::Sender<Option<Value>>)>,
}

impl Imports for ProxyImports {
    fn resolve(&self, name: &str) -> Option<Value> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.requests.send((name.to_string(), tx)).ok()?;
        rx.recv().ok()?
    }
}

/// Runs `f` on a thread with a large stack (only reserved, not committed),
/// serving its import requests from this thread until it finishes.
fn on_evaluation_stack<T: Send>(
    imports: &dyn Imports,
    f: impl FnOnce(&dyn Imports) -> T + Send,
) -> Result<T, EvalError> {
    let (tx, rx) = std::sync::mpsc::channel::<(String, std::sync::mpsc::Sender<Option<Value>>)>();
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("sentinel-eval".into())
            .stack_size(EVALUATION_STACK)
            .spawn_scoped(scope, move || f(&ProxyImports { requests: tx }));
        let worker = worker.map_err(|e| EvalError {
            file: String::new(),
            line: 0,
            column: 0,
            message: format!("could not start the evaluation thread: {e}"),
        })?;
        // The loop ends when the worker drops its sender, that is, when it is done.
        for (name, reply) in rx {
            let _ = reply.send(imports.resolve(&name));
        }
        worker.join().map_err(|p| std::panic::resume_unwind(p))
    })
}

fn evaluate_here(
    program: &Program,
    imports: &dyn Imports,
    params: &IndexMap<String, Value>,
    globals: &IndexMap<String, Value>,
    limits: &Limits,
) -> Evaluation {
    // The flag lives on this (the evaluating) thread; an earlier run's
    // reads must not count, and this run's are handed back below.
    let outer = crate::value::reset_sensitive_read();
    let mut it = Interp::new(imports, limits, program.file.clone());
    let env = Scope::new(None);
    for (name, v) in globals {
        env.declare(Arc::from(name.as_str()), v.clone());
    }
    let outcome = (|| {
        it.run_file(&program.ast, &env, params)?;
        let Some(main) = env.get("main") else {
            return Err(it.error(Pos { line: 1, col: 1 }, "policy has no main rule"));
        };
        match &main {
            Value::Rule(r) => match r.downcast_ref::<RuleVal>() {
                Some(r) => it.eval_rule(r, r.def.pos),
                None => Ok(Value::Undefined),
            },
            other => Ok(other.resolved().clone()),
        }
    })();
    let sensitive_read = crate::value::reset_sensitive_read();
    if outer {
        crate::value::mark_sensitive_read();
    }
    Evaluation { outcome: outcome.map_err(|e| *e), rules: it.rules, prints: it.prints, sensitive_read }
}

/// Runs a module or mock file and returns its namespace (its top-level
/// variables, functions and rules, not its imports) as a map.
pub fn load_module(program: &Program, imports: &dyn Imports, limits: &Limits) -> Result<Value, EvalError> {
    on_evaluation_stack(imports, |imports| load_module_here(program, imports, limits))?
}

fn load_module_here(program: &Program, imports: &dyn Imports, limits: &Limits) -> Result<Value, EvalError> {
    let outer = crate::value::reset_sensitive_read();
    let mut it = Interp::new(imports, limits, program.file.clone());
    let env = Scope::new(None);
    let run = it.run_file(&program.ast, &env, &IndexMap::new()).map_err(|e| *e);
    let read = crate::value::reset_sensitive_read();
    if outer {
        crate::value::mark_sensitive_read();
    }
    if let Err(mut e) = run {
        if read {
            // The message may quote what the module read.
            e.message = crate::WITHHELD.to_string();
        }
        return Err(e);
    }
    let hidden: Vec<&str> = program.ast.imports.iter().map(|i| &*i.alias).collect();
    let pairs = env.entries().into_iter().filter(|(k, _)| !hidden.contains(&&**k)).map(|(k, v)| (Key::String(k), v));
    let namespace = Value::Map(Map::from_pairs(pairs));
    // A module whose top-level code read a sensitive value may hold what it
    // derived from it anywhere (variables, closures): a policy that uses
    // the module reads it too.
    Ok(if read { Value::sensitive(namespace) } else { namespace })
}
