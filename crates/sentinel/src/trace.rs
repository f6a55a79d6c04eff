//! How a policy's result is shown: the HCP Terraform policy-check trace,
//! the `sentinel apply` text output and its `-json` form.
//!
//! Everything written here goes through the [`Scrubber`] first.
//!
//! HCP Terraform layout (four-space indent under `trace:`):
//!
//! ```text
//! trace:
//!     Fail - policy.sentinel
//!
//!     Description:
//!     The policy's leading comment block.
//!
//!     Print messages:
//!
//!     what the policy printed
//!
//!     policy.sentinel:61:1 - Rule "main"
//!     Value:
//!         false
//! ```

use std::io::{self, Write};

use crate::config::EnforcementLevel;
use crate::scrub::Scrubber;
use crate::value::{Key, Value};

/// A policy's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyStatus {
    /// `main` is true.
    Pass,
    /// `main` is false (or not a bool).
    Fail,
    /// `main` is undefined: a failure, told apart as `sentinel apply` does.
    Undefined,
    /// The policy could not be evaluated (a runtime or load error).
    Error,
}

impl PolicyStatus {
    /// The word the traces use: `Pass`, `Fail` or `Error`.
    pub fn word(self) -> &'static str {
        match self {
            PolicyStatus::Pass => "Pass",
            PolicyStatus::Fail | PolicyStatus::Undefined => "Fail",
            PolicyStatus::Error => "Error",
        }
    }

    /// The `sentinel apply` exit code for this outcome: 0 pass, 1 fail,
    /// 2 undefined, 3 runtime error.
    pub fn exit_code(self) -> i32 {
        match self {
            PolicyStatus::Pass => 0,
            PolicyStatus::Fail => 1,
            PolicyStatus::Undefined => 2,
            PolicyStatus::Error => 3,
        }
    }

    /// The status of a `main` value.
    pub fn of_main(v: &Value) -> PolicyStatus {
        match v.resolved() {
            Value::Bool(true) => PolicyStatus::Pass,
            Value::Undefined => PolicyStatus::Undefined,
            _ => PolicyStatus::Fail,
        }
    }
}

/// One evaluated rule.
#[derive(Debug, Clone)]
pub struct RuleTrace {
    /// The rule's name.
    pub name: String,
    /// Its comment (the comment lines right above it), or empty.
    pub description: String,
    /// Its value.
    pub value: Value,
    /// Where it is declared.
    pub file: String,
    /// One-based line.
    pub line: u32,
    /// One-based column.
    pub column: u32,
    /// Zero-based byte offset of the declaration.
    pub offset: usize,
}

/// What replaces the prints, rule values and error of a policy that read a
/// value the plan marks sensitive: any of them may show it, whole or
/// transformed, so none is shown (the verdict is).
pub const WITHHELD: &str = "(withheld: this policy read values the plan marks sensitive)";

/// One policy's evaluated result.
#[derive(Debug, Clone)]
pub struct PolicyTrace {
    /// The policy's file name as shown (`restrict-ami-owners.sentinel`).
    pub policy: String,
    /// The outcome.
    pub status: PolicyStatus,
    /// The policy's leading comment block ([`Program::description`](crate::Program::description)).
    pub description: String,
    /// What the policy printed.
    pub prints: String,
    /// The rules evaluated, `main` first.
    pub rules: Vec<RuleTrace>,
    /// The error, for [`PolicyStatus::Error`].
    pub error: Option<String>,
    /// The policy's enforcement level.
    pub enforcement_level: EnforcementLevel,
    /// The value of `main` (undefined when the policy did not finish).
    pub main: Value,
}

/// A rule's description: the comment lines right above line `line`
/// (one-based).
pub fn comment_above(source: &str, line: u32) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let end = (line as usize).saturating_sub(1).min(lines.len());
    let start = lines[..end].iter().rposition(|l| !is_comment(l)).map_or(0, |i| i + 1);
    comment_block(lines[start..end].iter().copied())
}

fn is_comment(l: &str) -> bool {
    let t = l.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')
}

fn comment_block<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_block = false;
    for l in lines {
        let t = l.trim();
        let text = if in_block {
            let (body, ends) = match t.find("*/") {
                Some(i) => (&t[..i], true),
                None => (t, false),
            };
            in_block = !ends;
            body.trim_start_matches('*').trim()
        } else if let Some(r) = t.strip_prefix("//") {
            r.strip_prefix(' ').unwrap_or(r).trim_end()
        } else if let Some(r) = t.strip_prefix('#') {
            r.strip_prefix(' ').unwrap_or(r).trim_end()
        } else if let Some(r) = t.strip_prefix("/*") {
            match r.find("*/") {
                Some(i) => r[..i].trim(),
                None => {
                    in_block = true;
                    r.trim()
                }
            }
        } else {
            break;
        };
        out.push(text.to_string());
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// A value as the traces show it: scalars in literal form (strings
/// quoted), lists and maps over several lines, two spaces per level, one
/// element a line, as the Sentinel CLI's trace does.
pub fn pretty_value(v: &Value) -> String {
    let mut out = String::new();
    pretty_into(&mut out, v, 0);
    out
}

fn pretty_into(out: &mut String, v: &Value, depth: usize) {
    let pad = "  ".repeat(depth + 1);
    // A sensitive value shows as a placeholder and is not read.
    let Some(v) = v.unsensitive() else {
        out.push_str(crate::REDACTED);
        return;
    };
    match v {
        Value::List(l) if !l.is_empty() => {
            out.push_str("[\n");
            for x in l.as_slice() {
                out.push_str(&pad);
                pretty_into(out, x, depth + 1);
                out.push('\n');
            }
            out.push_str(&"  ".repeat(depth));
            out.push(']');
        }
        Value::Map(m) if !m.is_empty() => {
            out.push_str("{\n");
            for (k, x) in m.iter() {
                out.push_str(&pad);
                out.push_str(&scalar(&k.to_value()));
                out.push_str(": ");
                pretty_into(out, x, depth + 1);
                out.push('\n');
            }
            out.push_str(&"  ".repeat(depth));
            out.push('}');
        }
        other => out.push_str(&scalar(other)),
    }
}

fn scalar(v: &Value) -> String {
    let Some(v) = v.unsensitive() else {
        return crate::REDACTED.to_string();
    };
    match v {
        Value::String(s) => serde_json::to_string(&**s).unwrap_or_default(),
        Value::List(_) => "[]".into(),
        Value::Map(_) => "{}".into(),
        other => crate::format_value(other),
    }
}

/// Writes the HCP Terraform policy-check trace of one policy.
pub fn write_hcp_trace(w: &mut dyn Write, t: &PolicyTrace, scrub: &Scrubber) -> io::Result<()> {
    let mut text = String::new();
    hcp_trace_text(&mut text, t);
    w.write_all(scrub.scrub(&text).as_bytes())
}

fn hcp_trace_text(out: &mut String, t: &PolicyTrace) {
    use std::fmt::Write as _;
    const I: &str = "    ";
    let _ = writeln!(out, "trace:");
    let _ = writeln!(out, "{I}{} - {}", t.status.word(), t.policy);
    if !t.description.is_empty() {
        let _ = writeln!(out, "\n{I}Description:");
        push_indented(out, &t.description, I);
    }
    if !t.prints.is_empty() {
        let _ = writeln!(out, "\n{I}Print messages:\n");
        push_indented(out, t.prints.trim_end_matches('\n'), I);
    }
    if let Some(e) = &t.error {
        let _ = writeln!(out, "\n{I}Error:");
        push_indented(out, e, &format!("{I}  "));
    }
    for r in &t.rules {
        let _ = writeln!(out, "\n{I}{}:{}:{} - Rule {:?}", r.file, r.line, r.column, r.name);
        if !r.description.is_empty() {
            let _ = writeln!(out, "{I}Description:");
            push_indented(out, &r.description, &format!("{I}    "));
        }
        let _ = writeln!(out, "{I}Value:");
        push_indented(out, &pretty_value(&r.value), &format!("{I}    "));
    }
}

fn push_indented(out: &mut String, text: &str, indent: &str) {
    for l in text.lines() {
        if !l.is_empty() {
            out.push_str(indent);
            out.push_str(l);
        }
        out.push('\n');
    }
}

/// How `sentinel apply` decides and reports a run over a policy set.
#[derive(Debug, Clone)]
pub struct ApplyReport {
    /// Each policy's result, in configuration order.
    pub policies: Vec<PolicyTrace>,
    /// Show the trace of passing policies too (`-trace`).
    pub trace: bool,
}

impl ApplyReport {
    /// Whether a failure is allowed (advisory).
    fn allowed_failure(t: &PolicyTrace) -> bool {
        // A policy that could not run (a missing import, a runtime error)
        // says nothing about the plan: it blocks at every level, advisory
        // included, so a broken policy set can never pass a gate silently.
        t.enforcement_level == EnforcementLevel::Advisory && t.status != PolicyStatus::Error
    }

    /// The overall result: true unless a mandatory policy did not pass.
    pub fn result(&self) -> bool {
        self.policies.iter().all(|t| t.status == PolicyStatus::Pass || ApplyReport::allowed_failure(t))
    }

    /// Whether every blocking failure may be overridden (all soft-mandatory).
    pub fn can_override(&self) -> bool {
        !self.result()
            && self
                .policies
                .iter()
                .all(|t| t.status == PolicyStatus::Pass || t.enforcement_level != EnforcementLevel::HardMandatory)
    }

    /// The exit code `sentinel apply` gives: 0 when the result is true;
    /// otherwise the most serious blocking outcome: 3 runtime error, 2
    /// undefined, 1 fail.
    pub fn exit_code(&self) -> i32 {
        self.policies
            .iter()
            .filter(|t| !ApplyReport::allowed_failure(t))
            .map(|t| t.status.exit_code())
            .max()
            .unwrap_or(0)
    }

    /// The text output: `Pass - x.sentinel` per policy, and the trace of
    /// each policy that did not pass (of all with `trace`).
    pub fn write_text(&self, w: &mut dyn Write, scrub: &Scrubber) -> io::Result<()> {
        use std::fmt::Write as _;
        let mut out = String::new();
        let any_failed = self.policies.iter().any(|t| t.status != PolicyStatus::Pass);
        if self.trace || any_failed {
            out.push_str(
                "Execution trace. The information below will show the values of all\n\
                 the rules evaluated. Note that some rules may be missing if\n\
                 short-circuit logic was taken.\n\n\
                 Note that for collection types and long strings, output may be\n\
                 truncated; re-run \"sentinel apply\" with the -json flag to see the\n\
                 full contents of these values.\n\n",
            );
            if !self.trace {
                out.push_str("The trace is displayed due to a failed policy.\n\n");
            }
        }
        for (i, t) in self.policies.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "{} - {}", t.status.word(), t.policy);
            if !(self.trace || t.status != PolicyStatus::Pass) {
                continue;
            }
            if !t.description.is_empty() {
                out.push_str("\nDescription:\n");
                push_indented(&mut out, &t.description, "  ");
            }
            if !t.prints.is_empty() {
                out.push_str("\nPrint messages:\n\n");
                push_indented(&mut out, t.prints.trim_end_matches('\n'), "");
            }
            if let Some(e) = &t.error {
                out.push_str("\nError:\n");
                push_indented(&mut out, e, "  ");
            }
            for r in &t.rules {
                let _ = writeln!(out, "\n{}:{}:{} - Rule {:?}", r.file, r.line, r.column, r.name);
                if !r.description.is_empty() {
                    out.push_str("  Description:\n");
                    push_indented(&mut out, &r.description, "    ");
                    out.push('\n');
                }
                out.push_str("  Value:\n");
                push_indented(&mut out, &pretty_value(&r.value), "    ");
            }
        }
        w.write_all(scrub.scrub(&out).as_bytes())
    }

    /// The `-json` output: `{can_override, error, policies: [...], result}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "can_override": self.can_override(),
            "error": null,
            "policies": self.policies.iter().map(|t| serde_json::json!({
                "allowed_failure": ApplyReport::allowed_failure(t),
                "error": t.error,
                "policy": t.policy,
                "result": t.status == PolicyStatus::Pass,
                "trace": trace_json(t),
            })).collect::<Vec<_>>(),
            "result": self.result(),
        })
    }

    /// Writes [`ApplyReport::to_json`], indented, scrubbed.
    pub fn write_json(&self, w: &mut dyn Write, scrub: &Scrubber) -> io::Result<()> {
        let text = serde_json::to_string_pretty(&self.to_json()).map_err(io::Error::other)?;
        w.write_all(scrub.scrub(&text).as_bytes())?;
        writeln!(w)
    }
}

/// A policy's trace as the `-json` outputs give it:
/// `{description, error, print, result, rules: {name: {desc, ident, position, value}}}`.
pub fn trace_json(t: &PolicyTrace) -> serde_json::Value {
    let rules: serde_json::Map<String, serde_json::Value> = t
        .rules
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                serde_json::json!({
                    "desc": r.description,
                    "ident": r.name,
                    "position": {"filename": r.file, "offset": r.offset, "line": r.line, "column": r.column},
                    "value": value_json(&r.value),
                }),
            )
        })
        .collect();
    serde_json::json!({
        "description": t.description,
        "error": t.error,
        "print": t.prints,
        "result": t.status == PolicyStatus::Pass,
        "rules": rules,
    })
}

/// A value as JSON (undefined as null; non-string keys as their text;
/// functions and rules as their type name).
pub fn value_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    let Some(v) = v.unsensitive() else {
        return J::String(crate::REDACTED.to_string());
    };
    match v {
        Value::Undefined | Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.to_string()),
        Value::List(l) => J::Array(l.as_slice().iter().map(value_json).collect()),
        Value::Map(m) => J::Object(
            m.iter()
                .map(|(k, x)| {
                    let key = match k {
                        Key::String(s) => s.to_string(),
                        other => crate::format_value(&other.to_value()),
                    };
                    (key, value_json(x))
                })
                .collect(),
        ),
        Value::Object(o) => o.as_plain().map_or_else(|| J::String(o.type_name().to_string()), |p| value_json(&p)),
        other => J::String(other.type_name().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, line: u32, value: Value) -> RuleTrace {
        RuleTrace {
            name: name.into(),
            description: String::new(),
            value,
            file: "ec2-metadata-imdsv2-required.sentinel".into(),
            line,
            column: 1,
            offset: 0,
        }
    }

    fn failing() -> PolicyTrace {
        PolicyTrace {
            policy: "ec2-metadata-imdsv2-required.sentinel".into(),
            status: PolicyStatus::Fail,
            description: "This policy requires resources of type 'aws_instance' or\n'aws_ec2_instance_metadata_defaults' to have 'http_tokens' attribute set to\n'required'.".into(),
            prints: "→ → Overall Result: false\n".into(),
            rules: vec![rule("main", 61, Value::Bool(false))],
            error: None,
            enforcement_level: EnforcementLevel::HardMandatory,
            main: Value::Bool(false),
        }
    }

    #[test]
    fn the_hcp_trace_has_the_issue_layout() {
        let mut out = Vec::new();
        write_hcp_trace(&mut out, &failing(), &Scrubber::none()).unwrap();
        let want = "trace:
    Fail - ec2-metadata-imdsv2-required.sentinel

    Description:
    This policy requires resources of type 'aws_instance' or
    'aws_ec2_instance_metadata_defaults' to have 'http_tokens' attribute set to
    'required'.

    Print messages:

    → → Overall Result: false

    ec2-metadata-imdsv2-required.sentinel:61:1 - Rule \"main\"
    Value:
        false
";
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    #[test]
    fn collections_are_shown_one_element_a_line() {
        let v = Value::list(vec![
            Value::map_from([("weekday", Value::from("Sunday")), ("weather", Value::from("clouds"))]),
            Value::list(vec![]),
        ]);
        assert_eq!(pretty_value(&v), "[\n  {\n    \"weekday\": \"Sunday\"\n    \"weather\": \"clouds\"\n  }\n  []\n]");
    }

    #[test]
    fn descriptions_come_from_the_leading_comment_block() {
        let src = "\n# This policy uses the Sentinel tfstatev2 import to restrict the owners set on\n# all instances of the aws_ami data source in all modules\n\n# Import common-functions\nimport \"x\"\n";
        let description =
            |src: &str| crate::Program::parse("p.sentinel", src).unwrap().description().unwrap_or_default().to_string();
        assert_eq!(
            description(src),
            "This policy uses the Sentinel tfstatev2 import to restrict the owners set on\nall instances of the aws_ami data source in all modules"
        );
        assert_eq!(description("/*\n * A block\n * comment.\n */\nmain = true"), "A block\ncomment.");
        assert_eq!(description("main = rule { true }"), "");
        let src = "x = 1\n// Passes if run during business hours.\nis_open = rule { true }\n";
        assert_eq!(comment_above(src, 3), "Passes if run during business hours.");
        assert_eq!(comment_above(src, 1), "");
    }

    #[test]
    fn apply_decides_by_enforcement_level_and_exits_as_documented() {
        let mut advisory = failing();
        advisory.enforcement_level = EnforcementLevel::Advisory;
        let r = ApplyReport { policies: vec![advisory.clone()], trace: false };
        assert!(r.result());
        assert_eq!(r.exit_code(), 0);
        let mut soft = failing();
        soft.enforcement_level = EnforcementLevel::SoftMandatory;
        soft.status = PolicyStatus::Undefined;
        let r = ApplyReport { policies: vec![advisory.clone(), soft.clone()], trace: false };
        assert!(!r.result());
        assert!(r.can_override());
        assert_eq!(r.exit_code(), 2);
        let mut errored = failing();
        errored.status = PolicyStatus::Error;
        errored.error = Some("p.sentinel:3:5: undefined variable".into());
        let r = ApplyReport { policies: vec![soft, errored], trace: false };
        assert!(!r.can_override());
        assert_eq!(r.exit_code(), 3);
        let json = r.to_json();
        assert_eq!(json["policies"][1]["error"], "p.sentinel:3:5: undefined variable");
        assert_eq!(json["policies"][0]["trace"]["rules"]["main"]["position"]["line"], 61);
    }

    #[test]
    fn apply_text_shows_traces_of_failures_only_unless_asked() {
        let mut pass = failing();
        pass.status = PolicyStatus::Pass;
        pass.policy = "ok.sentinel".into();
        let r = ApplyReport { policies: vec![pass.clone()], trace: false };
        let mut out = Vec::new();
        r.write_text(&mut out, &Scrubber::none()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "Pass - ok.sentinel\n");
        let r = ApplyReport { policies: vec![pass, failing()], trace: false };
        let mut out = Vec::new();
        r.write_text(&mut out, &Scrubber::none()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("The trace is displayed due to a failed policy."), "{text}");
        assert!(
            text.contains(
                "Pass - ok.sentinel\n\nFail - ec2-metadata-imdsv2-required.sentinel\n\nDescription:\n  This policy"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("ec2-metadata-imdsv2-required.sentinel:61:1 - Rule \"main\"\n  Value:\n    false\n"),
            "{text}"
        );
    }

    #[test]
    fn traces_are_scrubbed() {
        let mut t = failing();
        t.prints = "token is hunter2-long\n".into();
        t.rules.push(rule("leak", 3, Value::map_from([("password", Value::from("hunter2-long"))])));
        let s = Scrubber::new(["hunter2-long"]);
        let mut out = Vec::new();
        write_hcp_trace(&mut out, &t, &s).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("hunter2-long"), "{text}");
        assert!(text.contains("token is (sensitive value)"), "{text}");
        let mut out = Vec::new();
        ApplyReport { policies: vec![t], trace: true }.write_json(&mut out, &s).unwrap();
        assert!(!String::from_utf8(out).unwrap().contains("hunter2-long"));
    }
}
