//! Type constraints of `input` blocks: parsing `list(string)` and friends,
//! and converting values to them as Terraform converts variable values.

use std::collections::BTreeMap;

use tfgate_plan::{Kind, Object, Value};

use crate::ast::{Expr, ExprKind, ObjectKey};
use crate::eval::values;
use crate::model::TypeConstraint;

/// Reads a type expression; `Err` holds a message for a diagnostic.
pub fn parse_type(e: &Expr) -> Result<TypeConstraint, String> {
    match &e.kind {
        ExprKind::Paren(inner) => parse_type(inner),
        ExprKind::Variable(n) => match n.as_str() {
            "any" => Ok(TypeConstraint::Any),
            "string" => Ok(TypeConstraint::String),
            "number" => Ok(TypeConstraint::Number),
            "bool" => Ok(TypeConstraint::Bool),
            other => Err(format!("\"{other}\" is not a type; use string, number, bool, any, list(…), set(…), map(…), tuple([…]) or object({{…}})")),
        },
        ExprKind::Call(c) if c.namespace.is_empty() && c.args.len() == 1 => {
            let arg = &c.args[0];
            match c.name.as_str() {
                "list" => Ok(TypeConstraint::List(Box::new(parse_type(arg)?))),
                "set" => Ok(TypeConstraint::Set(Box::new(parse_type(arg)?))),
                "map" => Ok(TypeConstraint::Map(Box::new(parse_type(arg)?))),
                "tuple" => match &arg.kind {
                    ExprKind::Tuple(items) => Ok(TypeConstraint::Tuple(items.iter().map(parse_type).collect::<Result<_, _>>()?)),
                    _ => Err("tuple(…) takes a list of types, e.g. tuple([string, number])".into()),
                },
                "object" => match &arg.kind {
                    ExprKind::Object(items) => {
                        let mut attrs = BTreeMap::new();
                        for (k, v) in items {
                            let name = match k {
                                ObjectKey::Name(n, _) => n.clone(),
                                ObjectKey::Expr(ke) => match ke.as_literal().and_then(|v| v.as_str()) {
                                    Some(s) => s.to_string(),
                                    None => return Err("object attribute names must be names or strings".into()),
                                },
                            };
                            attrs.insert(name, parse_type(v)?);
                        }
                        Ok(TypeConstraint::Object(attrs))
                    }
                    _ => Err("object(…) takes an object of attribute types, e.g. object({ name = string })".into()),
                },
                other => Err(format!("\"{other}(…)\" is not a type constructor")),
            }
        }
        _ => Err("not a type expression; use string, number, bool, any, list(…), set(…), map(…), tuple([…]) or object({…})".into()),
    }
}

/// Converts a value to a type as Terraform does for variables. Null and
/// unknown pass through; marks are kept.
pub fn convert(v: &Value, ty: &TypeConstraint) -> Result<Value, String> {
    if matches!(v.kind, Kind::Null | Kind::Unknown) || *ty == TypeConstraint::Any {
        return Ok(v.clone());
    }
    let mark = v.sensitive;
    let out = match ty {
        TypeConstraint::Any => v.clone(),
        TypeConstraint::String => Value::string(values::to_string(v)?.unwrap_or_default()),
        TypeConstraint::Number => Value::number(values::to_number(v)?.ok_or("unknown")?),
        TypeConstraint::Bool => Value::bool(values::to_bool(v)?.ok_or("unknown")?),
        TypeConstraint::List(t) | TypeConstraint::Set(t) => match &v.kind {
            Kind::List(items) => Value::list(items.iter().map(|i| convert(i, t)).collect::<Result<_, _>>()?),
            _ => return Err(format!("a list is required, but the value is a {}", v.type_name())),
        },
        TypeConstraint::Tuple(ts) => match &v.kind {
            Kind::List(items) if items.len() == ts.len() => {
                Value::list(items.iter().zip(ts).map(|(i, t)| convert(i, t)).collect::<Result<_, _>>()?)
            }
            Kind::List(items) => {
                return Err(format!("a tuple of {} elements is required, but the list has {}", ts.len(), items.len()))
            }
            _ => return Err(format!("a tuple is required, but the value is a {}", v.type_name())),
        },
        TypeConstraint::Map(t) => match &v.kind {
            Kind::Object(obj) => {
                let mut out = Object::with_capacity(obj.len());
                for (k, x) in obj.iter() {
                    out.insert(k, convert(x, t).map_err(|e| format!("element \"{k}\": {e}"))?);
                }
                Value::object(out)
            }
            _ => return Err(format!("a map is required, but the value is a {}", v.type_name())),
        },
        TypeConstraint::Object(attrs) => match &v.kind {
            Kind::Object(obj) => {
                let mut out = Object::with_capacity(attrs.len());
                for (name, t) in attrs {
                    let x = obj.get(name).ok_or_else(|| format!("attribute \"{name}\" is required"))?;
                    out.insert(name.clone(), convert(x, t).map_err(|e| format!("attribute \"{name}\": {e}"))?);
                }
                Value::object(out)
            }
            _ => return Err(format!("an object is required, but the value is a {}", v.type_name())),
        },
    };
    Ok(out.mark_if(mark))
}
