//! `strings`: common string operations (imports/strings.mdx).

use super::{any_undefined, arity, fail, int_arg, no_such, scalar_text, str_arg, type_err};
use crate::value::{Object, ObjectError, Value};

pub(super) struct Strings;

impl Object for Strings {
    fn type_name(&self) -> &str {
        "strings"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("strings.{name}");
        let f = f.as_str();
        let (min, max) = match name {
            "has_prefix" | "has_suffix" | "join" | "trim_prefix" | "trim_suffix" | "split" | "trim" => (2, 2),
            "to_lower" | "to_upper" => (1, 1),
            "replace" => (3, 4),
            _ => return Err(no_such("strings", name)),
        };
        arity(f, &args, min, max)?;
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        Ok(match name {
            "has_prefix" => Value::Bool(str_arg(f, &args, 0)?.starts_with(str_arg(f, &args, 1)?)),
            "has_suffix" => Value::Bool(str_arg(f, &args, 0)?.ends_with(str_arg(f, &args, 1)?)),
            "trim_prefix" => {
                let (s, p) = (str_arg(f, &args, 0)?, str_arg(f, &args, 1)?);
                Value::string(s.strip_prefix(p).unwrap_or(s))
            }
            "trim_suffix" => {
                let (s, p) = (str_arg(f, &args, 0)?, str_arg(f, &args, 1)?);
                Value::string(s.strip_suffix(p).unwrap_or(s))
            }
            "trim" => {
                let (s, cut) = (str_arg(f, &args, 0)?, str_arg(f, &args, 1)?);
                Value::string(s.trim_matches(|c| cut.contains(c)))
            }
            "to_lower" => Value::string(str_arg(f, &args, 0)?.to_lowercase()),
            "to_upper" => Value::string(str_arg(f, &args, 0)?.to_uppercase()),
            "split" => {
                // A list is returned as it is, so callers need not know
                // whether they hold a list already.
                if args[0].as_list().is_some() {
                    return Ok(args[0].clone());
                }
                let (s, sep) = (str_arg(f, &args, 0)?, str_arg(f, &args, 1)?);
                Value::list(split(s, sep).into_iter().map(Value::string).collect())
            }
            "join" => {
                let list = args[0].as_list().ok_or_else(|| type_err(f, 1, "a list", &args[0]))?;
                let sep = str_arg(f, &args, 1)?;
                let mut parts = Vec::new();
                flatten(f, list.as_slice(), &mut parts, 0)?;
                Value::string(parts.join(sep))
            }
            "replace" => {
                let (s, old, new) = (str_arg(f, &args, 0)?, str_arg(f, &args, 1)?, str_arg(f, &args, 2)?);
                let times = if args.len() == 4 { int_arg(f, &args, 3)? } else { -1 };
                Value::string(replace(s, old, new, times))
            }
            _ => unreachable!("arity table covers every name"),
        })
    }
}

/// Go's `strings.Split`: an empty separator splits into characters.
fn split<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    if sep.is_empty() {
        return s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]).collect();
    }
    s.split(sep).collect()
}

/// Replaces the first `times` occurrences (all when negative).
fn replace(s: &str, old: &str, new: &str, times: i64) -> String {
    if times < 0 {
        return s.replace(old, new);
    }
    s.replacen(old, new, times as usize)
}

/// Joins nested lists' scalars in order; maps and other non-list values are
/// refused.
fn flatten(f: &str, items: &[Value], out: &mut Vec<String>, depth: usize) -> Result<(), ObjectError> {
    if depth > 64 {
        return Err(fail(format!("{f}: lists nested too deeply")));
    }
    for item in items {
        if let Some(inner) = item.as_list() {
            flatten(f, inner.as_slice(), out, depth + 1)?;
        } else if let Some(t) = scalar_text(item) {
            out.push(t);
        } else {
            return Err(fail(format!("{f}: cannot join a value of type {}", item.type_name())));
        }
    }
    Ok(())
}
