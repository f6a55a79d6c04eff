//! The syntax tree the parser builds and the evaluator walks.

use std::sync::Arc;

/// A place in the source: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// An expression with its place.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    NotContains,
    In,
    NotIn,
    Matches,
    NotMatches,
    And,
    Or,
    Xor,
    Else,
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Plus,
    Not,
}

/// The quantifiers `all`, `any`, `filter` and `map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    All,
    Any,
    Filter,
    Map,
}

/// The expression kinds.
#[derive(Debug, Clone)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    Bool(bool),
    Null,
    Undefined,
    Ident(Arc<str>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    Func(Arc<FuncDef>),
    Rule(Arc<RuleDef>),
    Index(Box<Expr>, Box<Expr>),
    Selector(Box<Expr>, Arc<str>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// Arguments; only the last may be [`ExprKind::Spread`].
    Call(Box<Expr>, Vec<Expr>),
    /// `list...` as a call's last argument: the list's elements are the
    /// remaining arguments.
    Spread(Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `x is empty` (`negated`: `is not empty`).
    IsEmpty {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `x is defined` (`negated`: `is not defined`).
    IsDefined {
        expr: Box<Expr>,
        negated: bool,
    },
    Quant {
        op: Quant,
        coll: Box<Expr>,
        first: Option<Arc<str>>,
        second: Arc<str>,
        body: Box<Expr>,
    },
}

/// A function literal or declaration.
#[derive(Debug)]
pub struct FuncDef {
    pub params: Vec<Arc<str>>,
    pub body: Vec<Stmt>,
    pub pos: Pos,
}

/// A rule literal: `rule [when cond] { body }`.
#[derive(Debug)]
pub struct RuleDef {
    pub when: Option<Expr>,
    pub body: Expr,
    pub pos: Pos,
}

/// A statement with its place.
#[derive(Debug, Clone)]
pub struct Stmt {
    pub kind: StmtKind,
    pub pos: Pos,
}

/// A `when` clause of a `case` statement (no expressions: `else`).
#[derive(Debug, Clone)]
pub struct CaseClause {
    pub exprs: Vec<Expr>,
    pub body: Vec<Stmt>,
}

/// The statement kinds.
#[derive(Debug, Clone)]
pub enum StmtKind {
    Expr(Expr),
    /// `target = value` or `target op= value`; target is an identifier or an
    /// index expression.
    Assign {
        target: Expr,
        op: Option<BinOp>,
        value: Expr,
    },
    If {
        cond: Expr,
        then: Vec<Stmt>,
        els: Option<Vec<Stmt>>,
    },
    Case {
        subject: Option<Expr>,
        clauses: Vec<CaseClause>,
        default: Option<Vec<Stmt>>,
    },
    For {
        coll: Expr,
        first: Option<Arc<str>>,
        second: Arc<str>,
        body: Vec<Stmt>,
    },
    Break,
    Continue,
    Return(Option<Expr>),
}

/// `import "name" [as alias]`.
#[derive(Debug, Clone)]
pub struct Import {
    pub name: Arc<str>,
    pub alias: Arc<str>,
    pub pos: Pos,
}

/// `param name [default expr]`.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: Arc<str>,
    pub default: Option<Expr>,
    pub pos: Pos,
}

/// A parsed file.
#[derive(Debug, Clone)]
pub struct File {
    pub imports: Vec<Import>,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
}
