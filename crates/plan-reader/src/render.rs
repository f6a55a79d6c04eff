//! Rendering resolved values the way `terraform plan` shows them: aligned
//! attributes, nested blocks, `(known after apply)` and `(sensitive value)`.
//!
//! Without provider schemas a list of objects cannot be told from a nested
//! block, so lists of objects are shown as repeated blocks, which is what
//! they are for every SDKv2 provider (the AWS EC2 types included).

use std::fmt::Write;

use crate::value::{object_key, quote, Kind, Object, Value, SENSITIVE_TEXT, UNKNOWN_TEXT};

/// Renders a resource's after-value as a `resource "TYPE" "NAME" { … }` body.
/// Null attributes are left out, as Terraform does for planned values.
pub fn render_resource(mode_keyword: &str, resource_type: &str, name: &str, value: &Value) -> String {
    let mut out = format!("{mode_keyword} {} {} ", quote(resource_type), quote(name));
    match (&value.kind, value.sensitive) {
        (_, true) => out.push_str(SENSITIVE_TEXT),
        (Kind::Object(obj), false) => render_body(obj, 0, &mut out),
        (Kind::Unknown, false) => out.push_str(UNKNOWN_TEXT),
        (Kind::Null, false) => out.push_str("{}"),
        _ => out.push_str(&value.to_string()),
    }
    out.push('\n');
    out
}

fn pad(depth: usize) -> String {
    "    ".repeat(depth)
}

/// The spaces that align `key` to `width` characters, written by hand:
/// keys come from the plan and `{:width$}` panics past 65,535.
fn fill(key: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(key.chars().count()))
}

fn is_block_list(v: &Value) -> bool {
    match &v.kind {
        Kind::List(items) if !v.sensitive && !items.is_empty() => {
            items.iter().all(|i| matches!(i.kind, Kind::Object(_)) && !i.sensitive)
        }
        _ => false,
    }
}

fn render_body(obj: &Object, depth: usize, out: &mut String) {
    if obj.values().all(Value::is_null) {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    let attrs: Vec<(&str, &Value)> = obj.iter().filter(|(_, v)| !v.is_null() && !is_block_list(v)).collect();
    let width = attrs.iter().map(|(k, _)| object_key(k).chars().count()).max().unwrap_or(0);
    for (k, v) in &attrs {
        let key = object_key(k);
        let _ = write!(out, "{}{key}{} = ", pad(depth + 1), fill(&key, width));
        render_value(v, depth + 1, out);
        out.push('\n');
    }
    for (k, v) in obj.iter().filter(|(_, v)| is_block_list(v)) {
        for item in v.as_list().unwrap_or_default() {
            if !attrs.is_empty() || out.ends_with("}\n") {
                out.push('\n');
            }
            let _ = write!(out, "{}{} ", pad(depth + 1), object_key(k));
            match &item.kind {
                Kind::Object(o) => render_body(o, depth + 1, out),
                _ => render_value(item, depth + 1, out),
            }
            out.push('\n');
        }
    }
    let _ = write!(out, "{}}}", pad(depth));
}

fn render_value(v: &Value, depth: usize, out: &mut String) {
    if v.sensitive {
        out.push_str(SENSITIVE_TEXT);
        return;
    }
    match &v.kind {
        Kind::String(s) if s.contains('\n') && !s.trim_end_matches('\n').is_empty() => {
            out.push_str("<<-EOT\n");
            for line in s.trim_end_matches('\n').lines() {
                let _ = writeln!(out, "{}{line}", pad(depth + 1));
            }
            let _ = write!(out, "{}EOT", pad(depth));
        }
        Kind::List(items)
            if !items.is_empty() && items.iter().any(|i| i.as_list().is_some() || i.as_object().is_some()) =>
        {
            out.push_str("[\n");
            for item in items {
                out.push_str(&pad(depth + 1));
                render_value(item, depth + 1, out);
                out.push_str(",\n");
            }
            let _ = write!(out, "{}]", pad(depth));
        }
        Kind::List(items) if !items.is_empty() => {
            out.push_str("[\n");
            for item in items {
                let _ = writeln!(out, "{}{item},", pad(depth + 1));
            }
            let _ = write!(out, "{}]", pad(depth));
        }
        Kind::Object(obj) if !obj.is_empty() => {
            out.push_str("{\n");
            let width = obj.keys().map(|k| quote(k).chars().count()).max().unwrap_or(0);
            for (k, item) in obj.iter() {
                let key = quote(k);
                let _ = write!(out, "{}{key}{} = ", pad(depth + 1), fill(&key, width));
                render_value(item, depth + 1, out);
                out.push('\n');
            }
            let _ = write!(out, "{}}}", pad(depth));
        }
        _ => {
            let _ = write!(out, "{v}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve;

    #[test]
    fn renders_like_terraform_plan() {
        let v = resolve(
            Some(
                r#"{"ami":"ami-1","instance_type":"t3.micro","user_data":null,"password":"hunter2","tags":{"Name":"web"},"metadata_options":[{"http_tokens":"required","http_put_response_hop_limit":1}],"vpc_security_group_ids":["sg-1","sg-2"]}"#,
            ),
            Some(r#"{"arn":true,"root_block_device":true}"#),
            Some(r#"{"password":true}"#),
        )
        .unwrap();
        let text = render_resource("resource", "aws_instance", "web", &v);
        assert_eq!(
            text,
            r#"resource "aws_instance" "web" {
    ami                    = "ami-1"
    arn                    = (known after apply)
    instance_type          = "t3.micro"
    password               = (sensitive value)
    root_block_device      = (known after apply)
    tags                   = {
        "Name" = "web"
    }
    vpc_security_group_ids = [
        "sg-1",
        "sg-2",
    ]

    metadata_options {
        http_put_response_hop_limit = 1
        http_tokens                 = "required"
    }
}
"#
        );
        assert!(!text.contains("hunter2"));
    }
}
