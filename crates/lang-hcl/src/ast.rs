//! Our own syntax tree for Terraform's expression language, with spans.
//!
//! hcl-edit parses; [`crate::parse`] converts its tree into this one so that
//! the evaluator and the checker work on a small, closed set of nodes and
//! every node knows where it came from.

use tfgate_plan::Value;

use crate::diagnostic::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `null`, `true`, numbers and plain strings.
    Literal(Value),
    /// A string with interpolations or directives (quoted or heredoc).
    Template(Vec<TemplatePart>),
    Tuple(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    /// A root name: `attrs`, `local`, a `for` variable, …
    Variable(String),
    /// `base.a[0][*].b`
    Traversal {
        base: Box<Expr>,
        ops: Vec<TraversalOp>,
    },
    Call(Box<Call>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Conditional {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    For(Box<ForExpr>),
    /// `( … )`, kept so that `(a).b` spans and object keys behave.
    Paren(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ObjectKey {
    /// A bare identifier key: a literal string, never a variable.
    Name(String, Span),
    /// Any other key expression (quoted strings, `(expr)`).
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TraversalOp {
    pub kind: TraversalOpKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TraversalOpKind {
    GetAttr(String),
    Index(Expr),
    /// `.*`: applies the following attribute accesses to each element.
    AttrSplat,
    /// `[*]`: applies all following operations to each element.
    FullSplat,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// `["core"]` for `core::length`, empty for `length`.
    pub namespace: Vec<String>,
    pub name: String,
    /// Span of the whole name including its namespace.
    pub name_span: Span,
    pub args: Vec<Expr>,
    /// `f(a, b...)`: the last argument is expanded into arguments.
    pub expand_final: bool,
    /// Position of the library function in `functions::all()`, resolved
    /// when parsed so that evaluation does not look names up.
    pub function: Option<usize>,
    /// For `tfgate::resources(...)` as the collection of a `for`
    /// expression: what the expression reads of each element (set when
    /// parsed; `None` reads everything).
    pub element_reads: Option<Box<crate::reads::ElementReads>>,
}

impl Call {
    /// `core::length` or `length`, as written.
    pub fn full_name(&self) -> String {
        let mut s = String::new();
        for ns in &self.namespace {
            s.push_str(ns);
            s.push_str("::");
        }
        s.push_str(&self.name);
        s
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEq => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// Present for `{ for … : k => v }`, absent for `[ for … : v ]`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `v...`: group values with equal keys into lists.
    pub grouping: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    If { cond: Expr, then: Vec<TemplatePart>, otherwise: Vec<TemplatePart> },
    For { key_var: Option<String>, value_var: String, collection: Expr, body: Vec<TemplatePart> },
}

impl Expr {
    /// The direct sub-expressions of the plain composite forms (tuples,
    /// objects, calls, operators, conditionals, parentheses); empty for the
    /// forms that bind names or hold templates, which each walker handles
    /// itself.
    pub(crate) fn simple_children(&self) -> Vec<&Expr> {
        let mut children: Vec<&Expr> = Vec::new();
        match &self.kind {
            ExprKind::Tuple(items) => children.extend(items),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjectKey::Expr(k) = k {
                        children.push(k);
                    }
                    children.push(v);
                }
            }
            ExprKind::Call(c) => children.extend(&c.args),
            ExprKind::Unary { operand, .. } => children.push(operand),
            ExprKind::Binary { lhs, rhs, .. } => children.extend([&**lhs, &**rhs]),
            ExprKind::Conditional { cond, then, otherwise } => children.extend([&**cond, &**then, &**otherwise]),
            ExprKind::Paren(x) => children.push(x),
            _ => {}
        }
        children
    }

    /// Calls `f` on this expression and every sub-expression, outermost first.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::Variable(_) => {}
            ExprKind::Template(parts) => walk_parts(parts, f),
            ExprKind::Tuple(items) => items.iter().for_each(|e| e.walk(f)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjectKey::Expr(k) = k {
                        k.walk(f);
                    }
                    v.walk(f);
                }
            }
            ExprKind::Traversal { base, ops } => {
                base.walk(f);
                for op in ops {
                    if let TraversalOpKind::Index(e) = &op.kind {
                        e.walk(f);
                    }
                }
            }
            ExprKind::Call(c) => c.args.iter().for_each(|e| e.walk(f)),
            ExprKind::Unary { operand, .. } => operand.walk(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.walk(f);
                rhs.walk(f);
            }
            ExprKind::Conditional { cond, then, otherwise } => {
                cond.walk(f);
                then.walk(f);
                otherwise.walk(f);
            }
            ExprKind::For(fe) => {
                fe.collection.walk(f);
                if let Some(k) = &fe.key {
                    k.walk(f);
                }
                fe.value.walk(f);
                if let Some(c) = &fe.cond {
                    c.walk(f);
                }
            }
            ExprKind::Paren(e) => e.walk(f),
        }
    }

    /// The literal value when the expression is a constant literal.
    pub fn as_literal(&self) -> Option<&Value> {
        match &self.kind {
            ExprKind::Literal(v) => Some(v),
            ExprKind::Paren(e) => e.as_literal(),
            _ => None,
        }
    }
}

fn walk_parts(parts: &[TemplatePart], f: &mut dyn FnMut(&Expr)) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => e.walk(f),
            TemplatePart::If { cond, then, otherwise } => {
                cond.walk(f);
                walk_parts(then, f);
                walk_parts(otherwise, f);
            }
            TemplatePart::For { collection, body, .. } => {
                collection.walk(f);
                walk_parts(body, f);
            }
        }
    }
}
