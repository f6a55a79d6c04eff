//! The Sentinel parser: a hand-written recursive-descent parser over the
//! lexer's tokens, with the specification's operator precedence and an
//! explicit nesting limit so hostile input cannot overflow the stack.

use std::sync::Arc;

use crate::ast::*;
use crate::lexer::{Kw, Tok, Token};

/// How deeply expressions and blocks may nest: the depth of the syntax
/// tree along any path, so evaluating or dropping it stays within the stack.
pub const MAX_NESTING: u32 = 500;

/// A parse error: place and message.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

type PResult<T> = Result<T, ParseError>;

/// Parses a whole file.
pub fn parse_file(tokens: Vec<Token>) -> PResult<File> {
    let mut p = Parser { toks: tokens, i: 0, depth: 0, loops: 0, funcs: 0 };
    p.file()
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: u32,
    /// `for` loops around the current statement, within its function.
    loops: u32,
    /// Functions around the current statement.
    funcs: u32,
}

// Binding powers, lowest first (spec: Operator Precedence).
const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_CMP: u8 = 3;
const P_ELSE: u8 = 4;
const P_ADD: u8 = 5;
const P_MUL: u8 = 6;

impl Parser {
    fn tok(&self) -> &Tok {
        &self.toks[self.i].tok
    }
    fn peek_tok(&self, n: usize) -> &Tok {
        let j = (self.i + n).min(self.toks.len() - 1);
        &self.toks[j].tok
    }
    fn pos(&self) -> Pos {
        let t = &self.toks[self.i];
        Pos { line: t.line, col: t.col }
    }
    fn advance(&mut self) -> Tok {
        let t = self.toks[self.i].tok.clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }
    fn err<T>(&self, message: impl Into<String>) -> PResult<T> {
        let p = self.pos();
        Err(ParseError { line: p.line, col: p.col, message: message.into() })
    }
    fn unexpected<T>(&self, what: &str) -> PResult<T> {
        self.err(format!("expected {what}, found {}", self.tok().describe()))
    }
    fn is_kw(&self, k: Kw) -> bool {
        matches!(self.tok(), Tok::Kw(x) if *x == k)
    }
    fn eat(&mut self, t: &Tok) -> bool {
        if self.tok() == t {
            self.advance();
            true
        } else {
            false
        }
    }
    fn eat_kw(&mut self, k: Kw) -> bool {
        if self.is_kw(k) {
            self.advance();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: Tok) -> PResult<()> {
        if self.eat(&t) {
            Ok(())
        } else {
            self.unexpected(&t.describe())
        }
    }
    fn expect_kw(&mut self, k: Kw) -> PResult<()> {
        if self.eat_kw(k) {
            Ok(())
        } else {
            self.unexpected(&format!("{:?}", k.as_str()))
        }
    }
    /// Skips line-end semicolons: inside brackets a newline is only space.
    fn skip_nl(&mut self) {
        while matches!(self.tok(), Tok::Semi { auto: true }) {
            self.advance();
        }
    }
    fn skip_semis(&mut self) {
        while matches!(self.tok(), Tok::Semi { .. }) {
            self.advance();
        }
    }
    fn ident(&mut self) -> PResult<Arc<str>> {
        match self.tok().clone() {
            Tok::Ident(s) => {
                self.advance();
                Ok(s)
            }
            _ => self.unexpected("identifier"),
        }
    }
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.err(format!("nesting too deep (more than {MAX_NESTING} levels)"));
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Ends a statement: a semicolon, or the `}` / end of file that follows.
    fn end_stmt(&mut self) -> PResult<()> {
        match self.tok() {
            Tok::Semi { .. } => {
                self.skip_semis();
                Ok(())
            }
            Tok::RBrace | Tok::Eof => Ok(()),
            _ => self.unexpected("end of statement"),
        }
    }

    fn file(&mut self) -> PResult<File> {
        let mut file = File { imports: Vec::new(), params: Vec::new(), body: Vec::new() };
        self.skip_semis();
        while self.is_kw(Kw::Import) {
            let pos = self.pos();
            self.advance();
            let name = match self.tok().clone() {
                Tok::Str(s) => {
                    self.advance();
                    s
                }
                _ => return self.unexpected("import name string"),
            };
            let alias = if self.eat_kw(Kw::As) { self.ident()? } else { name.clone() };
            file.imports.push(Import { name, alias, pos });
            self.end_stmt()?;
        }
        while self.is_kw(Kw::Param) {
            let pos = self.pos();
            self.advance();
            let name = self.ident()?;
            let default = if self.eat_kw(Kw::Default) { Some(self.expr()?) } else { None };
            file.params.push(Param { name, default, pos });
            self.end_stmt()?;
        }
        while !matches!(self.tok(), Tok::Eof) {
            if self.is_kw(Kw::Import) {
                return self.err("imports must appear at the top of the file, before any other statement");
            }
            if self.is_kw(Kw::Param) {
                return self.err("parameters must appear at the top of the file, after imports");
            }
            let s = self.stmt()?;
            file.body.push(s);
            if matches!(self.tok(), Tok::RBrace) {
                return self.unexpected("statement");
            }
            self.end_stmt()?;
        }
        Ok(file)
    }

    fn block(&mut self) -> PResult<Vec<Stmt>> {
        self.enter()?;
        self.expect(Tok::LBrace)?;
        let mut out = Vec::new();
        self.skip_semis();
        while !matches!(self.tok(), Tok::RBrace) {
            if matches!(self.tok(), Tok::Eof) {
                return self.unexpected("\"}\"");
            }
            out.push(self.stmt()?);
            self.end_stmt()?;
        }
        self.advance();
        self.leave();
        Ok(out)
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        let pos = self.pos();
        let kind = match self.tok().clone() {
            Tok::Kw(Kw::If) => return self.if_stmt(),
            Tok::Kw(Kw::For) => {
                self.advance();
                let coll = self.expr()?;
                self.expect_kw(Kw::As)?;
                let (first, second) = self.as_names()?;
                self.loops += 1;
                let body = self.block();
                self.loops -= 1;
                StmtKind::For { coll, first, second, body: body? }
            }
            Tok::Kw(Kw::Case) => self.case_stmt()?,
            Tok::Kw(Kw::Break) => {
                if self.loops == 0 {
                    return self.err("break outside a for loop");
                }
                self.advance();
                StmtKind::Break
            }
            Tok::Kw(Kw::Continue) => {
                if self.loops == 0 {
                    return self.err("continue outside a for loop");
                }
                self.advance();
                StmtKind::Continue
            }
            Tok::Kw(Kw::Return) => {
                if self.funcs == 0 {
                    return self.err("return outside a function");
                }
                self.advance();
                if matches!(self.tok(), Tok::Semi { .. } | Tok::RBrace | Tok::Eof) {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.expr()?))
                }
            }
            Tok::Kw(Kw::Func) if matches!(self.peek_tok(1), Tok::Ident(_)) => {
                // `func name(params) { }` declares `name`.
                self.advance();
                let name_pos = self.pos();
                let name = self.ident()?;
                let f = self.func_rest(pos)?;
                StmtKind::Assign { target: Expr { kind: ExprKind::Ident(name), pos: name_pos }, op: None, value: f }
            }
            _ => {
                let e = self.expr()?;
                let op = match self.tok() {
                    Tok::Assign => Some(None),
                    Tok::PlusEq => Some(Some(BinOp::Add)),
                    Tok::MinusEq => Some(Some(BinOp::Sub)),
                    Tok::StarEq => Some(Some(BinOp::Mul)),
                    Tok::SlashEq => Some(Some(BinOp::Div)),
                    Tok::PercentEq => Some(Some(BinOp::Mod)),
                    _ => None,
                };
                match op {
                    Some(op) => {
                        match &e.kind {
                            ExprKind::Ident(_) | ExprKind::Index(..) => {}
                            ExprKind::Selector(..) => {
                                return Err(ParseError {
                                    line: e.pos.line,
                                    col: e.pos.col,
                                    message:
                                        "cannot assign to a selector expression; use an index (m[\"key\"] = value)"
                                            .into(),
                                })
                            }
                            ExprKind::Bool(_) | ExprKind::Null | ExprKind::Undefined => {
                                return Err(ParseError {
                                    line: e.pos.line,
                                    col: e.pos.col,
                                    message: "cannot assign to a pre-declared constant".into(),
                                })
                            }
                            _ => {
                                return Err(ParseError {
                                    line: e.pos.line,
                                    col: e.pos.col,
                                    message: "cannot assign to this expression".into(),
                                })
                            }
                        }
                        self.advance();
                        let value = self.expr()?;
                        StmtKind::Assign { target: e, op, value }
                    }
                    None => StmtKind::Expr(e),
                }
            }
        };
        Ok(Stmt { kind, pos })
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        let pos = self.pos();
        self.expect_kw(Kw::If)?;
        let cond = self.expr()?;
        let then = self.block()?;
        // Tolerate `}` and `else` on different lines.
        if matches!(self.tok(), Tok::Semi { auto: true }) && matches!(self.peek_tok(1), Tok::Kw(Kw::Else)) {
            self.advance();
        }
        let els = if self.eat_kw(Kw::Else) {
            if self.is_kw(Kw::If) {
                self.enter()?;
                let s = self.if_stmt()?;
                self.leave();
                Some(vec![s])
            } else {
                Some(self.block()?)
            }
        } else {
            None
        };
        Ok(Stmt { kind: StmtKind::If { cond, then, els }, pos })
    }

    fn case_stmt(&mut self) -> PResult<StmtKind> {
        self.expect_kw(Kw::Case)?;
        let subject = if matches!(self.tok(), Tok::LBrace) { None } else { Some(self.expr()?) };
        self.enter()?;
        self.expect(Tok::LBrace)?;
        self.skip_semis();
        let mut clauses = Vec::new();
        let mut default = None;
        loop {
            match self.tok() {
                Tok::RBrace => {
                    self.advance();
                    break;
                }
                Tok::Kw(Kw::When) => {
                    self.advance();
                    let mut exprs = vec![self.expr()?];
                    while self.eat(&Tok::Comma) {
                        self.skip_nl();
                        exprs.push(self.expr()?);
                    }
                    self.expect(Tok::Colon)?;
                    let body = self.clause_body()?;
                    clauses.push(CaseClause { exprs, body });
                }
                Tok::Kw(Kw::Else) => {
                    if default.is_some() {
                        return self.err("case statement has more than one else clause");
                    }
                    self.advance();
                    self.expect(Tok::Colon)?;
                    default = Some(self.clause_body()?);
                }
                _ => return self.unexpected("\"when\", \"else\" or \"}\""),
            }
        }
        self.leave();
        Ok(StmtKind::Case { subject, clauses, default })
    }

    fn clause_body(&mut self) -> PResult<Vec<Stmt>> {
        let mut out = Vec::new();
        self.skip_semis();
        while !matches!(self.tok(), Tok::RBrace | Tok::Kw(Kw::When) | Tok::Kw(Kw::Else) | Tok::Eof) {
            out.push(self.stmt()?);
            self.end_stmt()?;
        }
        Ok(out)
    }

    fn as_names(&mut self) -> PResult<(Option<Arc<str>>, Arc<str>)> {
        let a = self.ident()?;
        if self.eat(&Tok::Comma) {
            let b = self.ident()?;
            Ok((Some(a), b))
        } else {
            Ok((None, a))
        }
    }

    /// An expression.
    pub fn expr(&mut self) -> PResult<Expr> {
        self.binary(0)
    }

    fn binary_op(&self) -> Option<(BinOp, u8, usize)> {
        // (operator, precedence, tokens it takes)
        Some(match self.tok() {
            Tok::Kw(Kw::Or) => (BinOp::Or, P_OR, 1),
            Tok::Kw(Kw::Xor) => (BinOp::Xor, P_OR, 1),
            Tok::Kw(Kw::And) => (BinOp::And, P_AND, 1),
            Tok::EqEq => (BinOp::Eq, P_CMP, 1),
            Tok::NotEq => (BinOp::Ne, P_CMP, 1),
            Tok::Lt => (BinOp::Lt, P_CMP, 1),
            Tok::Le => (BinOp::Le, P_CMP, 1),
            Tok::Gt => (BinOp::Gt, P_CMP, 1),
            Tok::Ge => (BinOp::Ge, P_CMP, 1),
            Tok::Kw(Kw::Is) => match self.peek_tok(1) {
                Tok::Kw(Kw::Not) => (BinOp::Ne, P_CMP, 2),
                _ => (BinOp::Eq, P_CMP, 1),
            },
            Tok::Kw(Kw::Contains) => (BinOp::Contains, P_CMP, 1),
            Tok::Kw(Kw::In) => (BinOp::In, P_CMP, 1),
            Tok::Kw(Kw::Matches) => (BinOp::Matches, P_CMP, 1),
            Tok::Kw(Kw::Not) => match self.peek_tok(1) {
                Tok::Kw(Kw::Contains) => (BinOp::NotContains, P_CMP, 2),
                Tok::Kw(Kw::In) => (BinOp::NotIn, P_CMP, 2),
                Tok::Kw(Kw::Matches) => (BinOp::NotMatches, P_CMP, 2),
                _ => return None,
            },
            Tok::Kw(Kw::Else) => (BinOp::Else, P_ELSE, 1),
            Tok::Plus => (BinOp::Add, P_ADD, 1),
            Tok::Minus => (BinOp::Sub, P_ADD, 1),
            Tok::Star => (BinOp::Mul, P_MUL, 1),
            Tok::Slash => (BinOp::Div, P_MUL, 1),
            Tok::Percent => (BinOp::Mod, P_MUL, 1),
            _ => return None,
        })
    }

    /// `is [not] empty` / `is [not] defined` at the current token, if any.
    fn postfix_is(&self) -> Option<(bool, bool, usize)> {
        if !self.is_kw(Kw::Is) {
            return None;
        }
        let (negated, at) = if matches!(self.peek_tok(1), Tok::Kw(Kw::Not)) { (true, 2) } else { (false, 1) };
        match self.peek_tok(at) {
            Tok::Ident(w) if &**w == "empty" => Some((true, negated, at + 1)),
            Tok::Ident(w) if &**w == "defined" => Some((false, negated, at + 1)),
            _ => None,
        }
    }

    fn binary(&mut self, min: u8) -> PResult<Expr> {
        self.enter()?;
        // Each operator applied to `left` makes the tree one level deeper.
        let mut levels = 1;
        let r = self.binary_chain(min, &mut levels);
        self.depth -= levels;
        r
    }

    fn binary_chain(&mut self, min: u8, levels: &mut u32) -> PResult<Expr> {
        let mut left = self.unary()?;
        loop {
            if let Some((is_empty, negated, n)) = self.postfix_is() {
                let pos = left.pos;
                for _ in 0..n {
                    self.advance();
                }
                self.enter()?;
                *levels += 1;
                let expr = Box::new(left);
                left = Expr {
                    kind: if is_empty {
                        ExprKind::IsEmpty { expr, negated }
                    } else {
                        ExprKind::IsDefined { expr, negated }
                    },
                    pos,
                };
                continue;
            }
            let Some((op, prec, n)) = self.binary_op() else { break };
            if prec <= min {
                break;
            }
            let pos = self.pos();
            for _ in 0..n {
                self.advance();
            }
            self.skip_nl();
            // Left-associative chains are built in this loop; only the right
            // operand recurses.
            let right = self.binary(prec)?;
            self.enter()?;
            *levels += 1;
            left = Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), pos };
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        let op = match self.tok() {
            Tok::Minus => Some(UnOp::Neg),
            Tok::Plus => Some(UnOp::Plus),
            Tok::Bang => Some(UnOp::Not),
            Tok::Kw(Kw::Not) => Some(UnOp::Not),
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            self.enter()?;
            let e = self.unary()?;
            self.leave();
            return Ok(Expr { kind: ExprKind::Unary(op, Box::new(e)), pos });
        }
        let operand = self.operand()?;
        self.postfix(operand)
    }

    fn postfix(&mut self, e: Expr) -> PResult<Expr> {
        let mut levels = 0;
        let r = self.postfix_chain(e, &mut levels);
        self.depth -= levels;
        r
    }

    fn postfix_chain(&mut self, mut e: Expr, levels: &mut u32) -> PResult<Expr> {
        loop {
            if matches!(self.tok(), Tok::Dot | Tok::LBrack | Tok::LParen) {
                self.enter()?;
                *levels += 1;
            }
            match self.tok() {
                Tok::Dot => {
                    self.advance();
                    let name: Arc<str> = match self.tok().clone() {
                        Tok::Ident(s) => s,
                        Tok::Kw(k) => k.as_str().into(),
                        _ => return self.unexpected("field name after \".\""),
                    };
                    self.advance();
                    let pos = e.pos;
                    e = Expr { kind: ExprKind::Selector(Box::new(e), name), pos };
                }
                Tok::LBrack => {
                    let pos = e.pos;
                    self.advance();
                    self.skip_nl();
                    let low = if matches!(self.tok(), Tok::Colon) { None } else { Some(self.expr()?) };
                    self.skip_nl();
                    if self.eat(&Tok::Colon) {
                        self.skip_nl();
                        let high = if matches!(self.tok(), Tok::RBrack) { None } else { Some(Box::new(self.expr()?)) };
                        self.skip_nl();
                        self.expect(Tok::RBrack)?;
                        e = Expr { kind: ExprKind::Slice(Box::new(e), low.map(Box::new), high), pos };
                    } else {
                        let Some(idx) = low else { return self.unexpected("index") };
                        self.expect(Tok::RBrack)?;
                        e = Expr { kind: ExprKind::Index(Box::new(e), Box::new(idx)), pos };
                    }
                }
                Tok::LParen => {
                    let pos = e.pos;
                    self.advance();
                    let args = self.call_args()?;
                    e = Expr { kind: ExprKind::Call(Box::new(e), args), pos };
                }
                _ => return Ok(e),
            }
        }
    }

    /// A call's arguments up to `)` (consumed). The spec's `Arguments`
    /// production allows `...` after the last one.
    fn call_args(&mut self) -> PResult<Vec<Expr>> {
        let mut out = Vec::new();
        self.skip_nl();
        while *self.tok() != Tok::RParen {
            let arg = self.expr()?;
            if matches!(self.tok(), Tok::Ellipsis) {
                let pos = arg.pos;
                self.advance();
                out.push(Expr { kind: ExprKind::Spread(Box::new(arg)), pos });
                self.skip_nl();
                self.eat(&Tok::Comma);
                self.skip_nl();
                break;
            }
            out.push(arg);
            self.skip_nl();
            if !self.eat(&Tok::Comma) {
                break;
            }
            self.skip_nl();
        }
        self.skip_nl();
        self.expect(Tok::RParen)?;
        Ok(out)
    }

    /// Comma-separated expressions up to `close` (consumed); newlines are space.
    fn list_of(&mut self, close: Tok) -> PResult<Vec<Expr>> {
        let mut out = Vec::new();
        self.skip_nl();
        while *self.tok() != close {
            out.push(self.expr()?);
            self.skip_nl();
            if !self.eat(&Tok::Comma) {
                break;
            }
            self.skip_nl();
        }
        self.skip_nl();
        self.expect(close)?;
        Ok(out)
    }

    fn is_quantifier_word(&self) -> Option<Quant> {
        match self.tok() {
            Tok::Kw(Kw::All) => Some(Quant::All),
            Tok::Kw(Kw::Any) => Some(Quant::Any),
            Tok::Ident(w) if &**w == "filter" || &**w == "map" => {
                // `filter` and `map` are quantifiers when an operand follows;
                // otherwise they are plain names.
                let starts_operand = matches!(
                    self.peek_tok(1),
                    Tok::Ident(_) | Tok::Str(_) | Tok::Int(_) | Tok::Float(_) | Tok::LBrack | Tok::LBrace
                ) || matches!(self.peek_tok(1), Tok::Kw(Kw::Func | Kw::Rule | Kw::All | Kw::Any));
                if !starts_operand {
                    None
                } else if &**w == "filter" {
                    Some(Quant::Filter)
                } else {
                    Some(Quant::Map)
                }
            }
            _ => None,
        }
    }

    fn operand(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        if let Some(op) = self.is_quantifier_word() {
            self.advance();
            let coll = self.expr()?;
            self.expect_kw(Kw::As)?;
            let (first, second) = self.as_names()?;
            let body = self.brace_expr()?;
            return Ok(Expr {
                kind: ExprKind::Quant { op, coll: Box::new(coll), first, second, body: Box::new(body) },
                pos,
            });
        }
        let kind = match self.tok().clone() {
            Tok::Int(i) => {
                self.advance();
                ExprKind::Int(i)
            }
            Tok::Float(f) => {
                self.advance();
                ExprKind::Float(f)
            }
            Tok::Str(s) => {
                self.advance();
                ExprKind::Str(s)
            }
            Tok::Ident(name) => {
                self.advance();
                match &*name {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "null" => ExprKind::Null,
                    "undefined" => ExprKind::Undefined,
                    _ => ExprKind::Ident(name),
                }
            }
            Tok::LParen => {
                self.advance();
                self.skip_nl();
                let e = self.expr()?;
                self.skip_nl();
                self.expect(Tok::RParen)?;
                return Ok(e);
            }
            Tok::LBrack => {
                self.advance();
                self.enter()?;
                let items = self.list_of(Tok::RBrack)?;
                self.leave();
                ExprKind::List(items)
            }
            Tok::LBrace => {
                self.advance();
                self.enter()?;
                let mut pairs = Vec::new();
                self.skip_nl();
                while !matches!(self.tok(), Tok::RBrace) {
                    let k = self.expr()?;
                    self.skip_nl();
                    self.expect(Tok::Colon)?;
                    self.skip_nl();
                    let v = self.expr()?;
                    pairs.push((k, v));
                    self.skip_nl();
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                    self.skip_nl();
                }
                self.skip_nl();
                self.expect(Tok::RBrace)?;
                self.leave();
                ExprKind::Map(pairs)
            }
            Tok::Kw(Kw::Func) => {
                self.advance();
                return self.func_rest(pos);
            }
            Tok::Kw(Kw::Rule) => {
                self.advance();
                let when = if self.eat_kw(Kw::When) { Some(self.expr()?) } else { None };
                let body = self.brace_expr()?;
                ExprKind::Rule(Arc::new(RuleDef { when, body, pos }))
            }
            _ => return self.unexpected("expression"),
        };
        Ok(Expr { kind, pos })
    }

    /// `{ expression }`, the body of a rule or quantifier.
    fn brace_expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        self.expect(Tok::LBrace)?;
        self.skip_nl();
        let e = self.expr()?;
        self.skip_nl();
        self.expect(Tok::RBrace)?;
        self.leave();
        Ok(e)
    }

    /// After `func` (and a declaration's name): `(params) { body }`.
    fn func_rest(&mut self, pos: Pos) -> PResult<Expr> {
        self.expect(Tok::LParen)?;
        let mut params = Vec::new();
        self.skip_nl();
        while !matches!(self.tok(), Tok::RParen) {
            let name = self.ident()?;
            if params.contains(&name) {
                return self.err(format!("duplicate parameter {name:?}"));
            }
            params.push(name);
            self.skip_nl();
            if !self.eat(&Tok::Comma) {
                break;
            }
            self.skip_nl();
        }
        self.expect(Tok::RParen)?;
        // break and continue do not reach a loop outside the function.
        let loops = std::mem::replace(&mut self.loops, 0);
        self.funcs += 1;
        let body = self.block();
        self.funcs -= 1;
        self.loops = loops;
        Ok(Expr { kind: ExprKind::Func(Arc::new(FuncDef { params, body: body?, pos })), pos })
    }
}
