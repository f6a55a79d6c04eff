//! Parsing with hcl-edit, converted into our [`ast`](crate::ast) with spans.

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey as HclKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;
use tfgate_plan::{Number, Value};

use crate::ast::{
    BinaryOp, Call, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, TraversalOp, TraversalOpKind, UnaryOp,
};
use crate::diagnostic::{Diagnostic, SourceFile, Span};

/// A body as written: attributes and blocks, not yet checked against any schema.
#[derive(Clone, Debug, Default)]
pub struct RawBody {
    pub attrs: Vec<RawAttr>,
    pub blocks: Vec<RawBlock>,
}

#[derive(Clone, Debug)]
pub struct RawAttr {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
}

#[derive(Clone, Debug)]
pub struct RawBlock {
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<(String, Span)>,
    pub body: RawBody,
    pub span: Span,
}

/// Parses a whole file into a raw body, or the syntax error as a diagnostic.
pub fn parse_file(file: &SourceFile) -> Result<RawBody, Box<Diagnostic>> {
    match hcl_edit::parser::parse_body(file.text()) {
        Ok(body) => Ok(convert_body(&body, Span::new(0, file.text().len()))),
        Err(e) => Err(syntax_error(file, &e)),
    }
}

/// Parses one expression (used by tests and case files).
pub fn parse_expression(file: &SourceFile) -> Result<Expr, Box<Diagnostic>> {
    match hcl_edit::parser::parse_expr(file.text()) {
        Ok(e) => Ok(convert_expr(&e, Span::new(0, file.text().len()))),
        Err(e) => Err(syntax_error(file, &e)),
    }
}

fn syntax_error(file: &SourceFile, e: &hcl_edit::parser::Error) -> Box<Diagnostic> {
    let at = file.char_span(e.location().offset());
    Box::new(Diagnostic::error(file, at, "Invalid syntax").with_label(e.message().to_string()))
}

fn span_of(s: &dyn hcl_edit::Span, fallback: Span) -> Span {
    s.span().map_or(fallback, Span::from)
}

fn convert_body(body: &Body, fallback: Span) -> RawBody {
    let mut out = RawBody::default();
    for structure in body {
        match structure {
            Structure::Attribute(a) => {
                let span = span_of(a, fallback);
                let name_span = span_of(&a.key, span);
                out.attrs.push(RawAttr {
                    name: a.key.as_str().to_string(),
                    name_span,
                    expr: convert_expr(&a.value, span),
                });
            }
            Structure::Block(b) => {
                let span = span_of(b, fallback);
                out.blocks.push(RawBlock {
                    ident: b.ident.as_str().to_string(),
                    ident_span: span_of(&b.ident, span),
                    labels: b.labels.iter().map(|l| (l.as_str().to_string(), span_of(l, span))).collect(),
                    body: convert_body(&b.body, span),
                    span,
                });
            }
        }
    }
    out
}

fn number(n: &hcl_edit::Number) -> Value {
    let num = if let Some(i) = n.as_i64() {
        Number::Int(i)
    } else if let Some(u) = n.as_u64() {
        Number::from_literal(&u.to_string()).unwrap_or(Number::Float(u as f64))
    } else {
        Number::from(n.as_f64().unwrap_or(f64::NAN))
    };
    Value::number(num)
}

pub(crate) fn convert_expr(e: &Expression, fallback: Span) -> Expr {
    let span = span_of(e, fallback);
    let kind = match e {
        Expression::Null(_) => ExprKind::Literal(Value::null()),
        Expression::Bool(b) => ExprKind::Literal(Value::bool(*b.value())),
        Expression::Number(n) => ExprKind::Literal(number(n.value())),
        Expression::String(s) => ExprKind::Literal(Value::string(s.value().clone())),
        Expression::Array(a) => ExprKind::Tuple(a.iter().map(|x| convert_expr(x, span)).collect()),
        Expression::Object(o) => ExprKind::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        HclKey::Ident(id) => ObjectKey::Name(id.as_str().to_string(), span_of(id, span)),
                        HclKey::Expression(x) => ObjectKey::Expr(convert_expr(x, span)),
                    };
                    (key, convert_expr(v.expr(), span))
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => {
            let mode = LitMode { nested: false, quoted: true, indent: None };
            template_kind(convert_template(t, span, false, false, mode))
        }
        Expression::HeredocTemplate(h) => {
            let mode = LitMode { nested: false, quoted: false, indent: h.indent() };
            template_kind(convert_template(&h.template, span, false, false, mode))
        }
        Expression::Parenthesis(p) => ExprKind::Paren(Box::new(convert_expr(p.inner(), span))),
        Expression::Variable(v) => ExprKind::Variable(v.as_str().to_string()),
        Expression::Conditional(c) => ExprKind::Conditional {
            cond: Box::new(convert_expr(&c.cond_expr, span)),
            then: Box::new(convert_expr(&c.true_expr, span)),
            otherwise: Box::new(convert_expr(&c.false_expr, span)),
        },
        Expression::FuncCall(f) => {
            let name_span = f
                .name
                .namespace
                .first()
                .and_then(|n| n.span())
                .map(Span::from)
                .unwrap_or_else(|| span_of(&f.name.name, span))
                .to(span_of(&f.name.name, span));
            let namespace: Vec<String> = f.name.namespace.iter().map(|n| n.as_str().to_string()).collect();
            let name = f.name.name.as_str().to_string();
            let function =
                (namespace.is_empty() || namespace == ["core"]).then(|| crate::functions::position(&name)).flatten();
            ExprKind::Call(Box::new(Call {
                namespace,
                name,
                name_span,
                args: f.args.iter().map(|a| convert_expr(a, span)).collect(),
                expand_final: f.args.expand_final(),
                function,
                element_reads: None,
            }))
        }
        Expression::Traversal(t) => {
            let base = convert_expr(&t.expr, span);
            let ops = t
                .operators
                .iter()
                .map(|op| {
                    let op_span = span_of(op, span);
                    let kind = match op.value() {
                        TraversalOperator::AttrSplat(_) => TraversalOpKind::AttrSplat,
                        TraversalOperator::FullSplat(_) => TraversalOpKind::FullSplat,
                        TraversalOperator::GetAttr(id) => TraversalOpKind::GetAttr(id.as_str().to_string()),
                        TraversalOperator::Index(x) => TraversalOpKind::Index(convert_expr(x, op_span)),
                        TraversalOperator::LegacyIndex(i) => TraversalOpKind::Index(Expr {
                            kind: ExprKind::Literal(Value::number(
                                i64::try_from(*i.value()).map_or(Number::Float(*i.value() as f64), Number::Int),
                            )),
                            span: op_span,
                        }),
                    };
                    TraversalOp { kind, span: op_span }
                })
                .collect();
            ExprKind::Traversal { base: Box::new(base), ops }
        }
        Expression::UnaryOp(u) => ExprKind::Unary {
            op: match u.operator.value() {
                UnaryOperator::Neg => UnaryOp::Neg,
                UnaryOperator::Not => UnaryOp::Not,
            },
            operand: Box::new(convert_expr(&u.expr, span)),
        },
        Expression::BinaryOp(b) => ExprKind::Binary {
            op: match b.operator.value() {
                BinaryOperator::Eq => BinaryOp::Eq,
                BinaryOperator::NotEq => BinaryOp::NotEq,
                BinaryOperator::LessEq => BinaryOp::LessEq,
                BinaryOperator::GreaterEq => BinaryOp::GreaterEq,
                BinaryOperator::Less => BinaryOp::Less,
                BinaryOperator::Greater => BinaryOp::Greater,
                BinaryOperator::Plus => BinaryOp::Add,
                BinaryOperator::Minus => BinaryOp::Sub,
                BinaryOperator::Mul => BinaryOp::Mul,
                BinaryOperator::Div => BinaryOp::Div,
                BinaryOperator::Mod => BinaryOp::Mod,
                BinaryOperator::And => BinaryOp::And,
                BinaryOperator::Or => BinaryOp::Or,
            },
            lhs: Box::new(convert_expr(&b.lhs_expr, span)),
            rhs: Box::new(convert_expr(&b.rhs_expr, span)),
        },
        Expression::ForExpr(f) => {
            let mut fe = ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: convert_expr(&f.intro.collection_expr, span),
                key: f.key_expr.as_ref().map(|k| convert_expr(k, span)),
                value: convert_expr(&f.value_expr, span),
                cond: f.cond.as_ref().map(|c| convert_expr(&c.expr, span)),
                grouping: f.grouping,
            };
            // `for r in tfgate::resources(TYPE)`: the call builds only what the
            // expression reads of each `r`.
            if let ExprKind::Call(call) = &mut fe.collection.kind {
                if call.namespace == ["tfgate"] && call.name == "resources" {
                    let body = fe.key.iter().chain([&fe.value]).chain(&fe.cond);
                    call.element_reads = Some(Box::new(crate::reads::ElementReads::of_variable(&fe.value_var, body)));
                }
            }
            ExprKind::For(Box::new(fe))
        }
    };
    Expr { kind, span }
}

/// A template made only of literal text is a plain string.
fn template_kind(parts: Vec<TemplatePart>) -> ExprKind {
    if parts.iter().all(|p| matches!(p, TemplatePart::Literal(_))) {
        let s: String = parts
            .into_iter()
            .map(|p| match p {
                TemplatePart::Literal(s) => s,
                _ => String::new(),
            })
            .collect();
        ExprKind::Literal(Value::string(s))
    } else {
        ExprKind::Template(parts)
    }
}

fn trim_last(parts: &mut [TemplatePart]) {
    if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
        let t = s.trim_end().len();
        s.truncate(t);
    }
}

fn trim_first(parts: &mut [TemplatePart]) {
    if let Some(TemplatePart::Literal(s)) = parts.first_mut() {
        *s = s.trim_start().to_string();
    }
}

/// How literal text inside directives must be fixed up.
///
/// hcl-edit unescapes and dedents only the top level of a template: text
/// inside `%{if}`/`%{for}` of a quoted string keeps its escapes, and text
/// inside directives of a `<<-` heredoc keeps its indentation. We finish
/// the job for those nested literals.
#[derive(Clone, Copy)]
struct LitMode {
    nested: bool,
    quoted: bool,
    indent: Option<usize>,
}

fn fix_literal(s: &str, mode: LitMode) -> String {
    if !mode.nested {
        return s.to_string();
    }
    let mut s = if mode.quoted { unescape(s) } else { s.to_string() };
    if let Some(n) = mode.indent {
        let mut out = String::with_capacity(s.len());
        for (i, line) in s.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
                let spaces = line.len() - line.trim_start_matches(' ').len();
                out.push_str(&line[spaces.min(n)..]);
            } else {
                out.push_str(line);
            }
        }
        s = out;
    }
    s
}

/// Resolves HCL string escapes (`\n`, `\"`, `\u00e9`, `$${`, `%%{`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(u @ ('u' | 'U')) => {
                    let len = if u == 'u' { 4 } else { 8 };
                    let hex: String = chars.by_ref().take(len).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => {
                            out.push('\\');
                            out.push(u);
                            out.push_str(&hex);
                        }
                    }
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                // `$${` and `%%{` are a literal `${` and `%{`.
                let mut look = chars.clone();
                look.next();
                if look.peek() == Some(&'{') {
                    chars.next();
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Converts template elements, applying the `~` strip markers to the
/// neighbouring literal text as HCL does.
fn convert_template(t: &Template, span: Span, trim_lead: bool, trim_trail: bool, mode: LitMode) -> Vec<TemplatePart> {
    let inner = LitMode { nested: true, ..mode };
    let mut out: Vec<TemplatePart> = Vec::new();
    let mut strip_next = false;
    for el in t {
        match el {
            Element::Literal(s) => {
                let fixed = fix_literal(s.value(), mode);
                let text = if strip_next { fixed.trim_start().to_string() } else { fixed };
                strip_next = false;
                match out.last_mut() {
                    Some(TemplatePart::Literal(prev)) => prev.push_str(&text),
                    _ => out.push(TemplatePart::Literal(text)),
                }
            }
            Element::Interpolation(i) => {
                if i.strip.strip_start() {
                    trim_last(&mut out);
                }
                out.push(TemplatePart::Interpolation(convert_expr(&i.expr, span_of(i, span))));
                strip_next = i.strip.strip_end();
            }
            Element::Directive(d) => match d.as_ref() {
                Directive::If(ifd) => {
                    let dspan = span_of(ifd, span);
                    if ifd.if_expr.strip.strip_start() {
                        trim_last(&mut out);
                    }
                    let then_trail = match &ifd.else_expr {
                        Some(e) => e.strip.strip_start(),
                        None => ifd.endif_expr.strip.strip_start(),
                    };
                    let then = convert_template(
                        &ifd.if_expr.template,
                        dspan,
                        ifd.if_expr.strip.strip_end(),
                        then_trail,
                        inner,
                    );
                    let otherwise = match &ifd.else_expr {
                        Some(e) => convert_template(
                            &e.template,
                            dspan,
                            e.strip.strip_end(),
                            ifd.endif_expr.strip.strip_start(),
                            inner,
                        ),
                        None => Vec::new(),
                    };
                    out.push(TemplatePart::If { cond: convert_expr(&ifd.if_expr.cond_expr, dspan), then, otherwise });
                    strip_next = ifd.endif_expr.strip.strip_end();
                }
                Directive::For(ford) => {
                    let dspan = span_of(ford, span);
                    if ford.for_expr.strip.strip_start() {
                        trim_last(&mut out);
                    }
                    let body = convert_template(
                        &ford.for_expr.template,
                        dspan,
                        ford.for_expr.strip.strip_end(),
                        ford.endfor_expr.strip.strip_start(),
                        inner,
                    );
                    out.push(TemplatePart::For {
                        key_var: ford.for_expr.key_var.as_ref().map(|k| k.as_str().to_string()),
                        value_var: ford.for_expr.value_var.as_str().to_string(),
                        collection: convert_expr(&ford.for_expr.collection_expr, dspan),
                        body,
                    });
                    strip_next = ford.endfor_expr.strip.strip_end();
                }
            },
        }
    }
    if trim_lead {
        trim_first(&mut out);
    }
    if trim_trail {
        trim_last(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(src: &str) -> Expr {
        parse_expression(&SourceFile::new("t", src)).expect("parses")
    }

    #[test]
    fn namespaced_calls_keep_their_namespace_and_span() {
        let e = expr("core::length(x)");
        let ExprKind::Call(c) = &e.kind else { panic!("{e:?}") };
        assert_eq!(c.namespace, ["core"]);
        assert_eq!(c.name, "length");
        assert_eq!(c.name_span, Span::new(0, 12));
    }

    #[test]
    fn precedence_follows_terraform() {
        // 1 + 2 * 3 == 7 || false  parses as ((1 + (2 * 3)) == 7) || false
        let e = expr("1 + 2 * 3 == 7 || false");
        let ExprKind::Binary { op: BinaryOp::Or, lhs, .. } = &e.kind else { panic!("{e:?}") };
        let ExprKind::Binary { op: BinaryOp::Eq, lhs, .. } = &lhs.kind else { panic!() };
        let ExprKind::Binary { op: BinaryOp::Add, rhs, .. } = &lhs.kind else { panic!() };
        assert!(matches!(rhs.kind, ExprKind::Binary { op: BinaryOp::Mul, .. }));
    }

    #[test]
    fn strip_markers_trim_neighbouring_text() {
        let e = expr("\"a  ${~ \"b\" ~}  c\"");
        let ExprKind::Template(parts) = &e.kind else { panic!("{e:?}") };
        assert_eq!(parts[0], TemplatePart::Literal("a".into()));
        assert_eq!(parts[2], TemplatePart::Literal("c".into()));
    }

    #[test]
    fn syntax_errors_point_at_the_position() {
        let f = SourceFile::new("bad.policy.hcl", "a = 1\nb = (2 +\n");
        let d = parse_file(&f).unwrap_err();
        assert_eq!(d.message, "Invalid syntax");
        assert!(d.location.line >= 2, "{d:?}");
        // The parser may stop inside a multi-byte character.
        let f = SourceFile::new("bad.policy.hcl", "a = (\né");
        let d = parse_file(&f).unwrap_err();
        assert_eq!((d.message.as_str(), d.location.line, d.location.column), ("Invalid syntax", 2, 1), "{d:?}");
    }
}
