//! One expression of the policy language on its own, outside any policy
//! file: what a console, a case-file test harness or a tool that checks a
//! single condition needs, without reaching into the parser or evaluator.

use std::collections::BTreeMap;

use tfgate_plan::Value;

use crate::ast::Expr;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::eval::{EvalError, Limits, ResourceSource};

/// A parsed expression, ready to evaluate any number of times.
#[derive(Clone, Debug)]
pub struct Expression {
    expr: Expr,
}

impl Expression {
    /// Parses the whole of `source` as one expression (HCL syntax, functions
    /// written `core::name(...)` or bare). A syntax error is a diagnostic
    /// with the place in `source`.
    pub fn parse(source: &SourceFile) -> Result<Expression, Box<Diagnostic>> {
        crate::parse::parse_expression(source).map(Expression::from)
    }

    /// Evaluates the expression. `vars` are its root variables: `attrs`,
    /// `prior_attrs` and `meta` play their policy roles, any other name is a
    /// plain variable. `core::getresources` and `tfgate::resources` read
    /// `resources`; every limit of `limits` applies as in a policy.
    pub fn evaluate(
        &self,
        vars: &BTreeMap<String, Value>,
        resources: &dyn ResourceSource,
        limits: Limits,
    ) -> Result<Value, EvalError> {
        crate::run::evaluate_expression(&self.expr, vars, resources, limits)
    }

    /// Renders the expression the way an `error_message` is rendered (a
    /// sensitive part redacted, unknowns shown as known only after apply).
    pub fn render_message(&self, vars: &BTreeMap<String, Value>, limits: Limits) -> Result<String, EvalError> {
        crate::run::render_message(&self.expr, vars, limits)
    }

    /// The value of an expression that refers to nothing (literals,
    /// operators and functions only), as settings in `tfgate.hcl` and test
    /// files are read; a reference is an error.
    pub fn constant_value(&self) -> Result<Value, EvalError> {
        crate::load::const_eval(&self.expr)
    }
}

impl From<Expr> for Expression {
    fn from(expr: Expr) -> Expression {
        Expression { expr }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::NoResources;

    fn parse(text: &str) -> Expression {
        Expression::parse(&SourceFile::new("e.hcl", text)).unwrap_or_else(|d| panic!("{}", d.render()))
    }

    #[test]
    fn an_expression_evaluates_with_its_variables() {
        let vars = BTreeMap::from([("n".to_string(), Value::number(41))]);
        let v = parse("n + 1").evaluate(&vars, &NoResources, Limits::default()).unwrap();
        assert_eq!(v, Value::number(42));
    }

    #[test]
    fn a_constant_may_call_functions_but_not_refer_to_anything() {
        assert_eq!(parse(r#"core::upper("a")"#).constant_value().unwrap(), Value::string("A"));
        assert!(parse("attrs.x").constant_value().is_err());
    }

    #[test]
    fn a_syntax_error_says_where() {
        let d = Expression::parse(&SourceFile::new("e.hcl", "1 +")).unwrap_err();
        assert!(d.render().contains("e.hcl"), "{}", d.render());
    }

    #[test]
    fn a_message_redacts_what_is_sensitive() {
        let vars = BTreeMap::from([("s".to_string(), Value::string("hunter2").into_sensitive())]);
        let text = parse(r#""x=${s}""#).render_message(&vars, Limits::default()).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
    }
}
