//! A trace in the style of a Sentinel run in HCP Terraform, for teams
//! moving off Sentinel: an overall `Sentinel Result`, then per policy a
//! `## Policy N: NAME.sentinel (LEVEL)` header, `Pass - NAME.sentinel` or
//! `Fail - NAME.sentinel`, the description, and the resource violations
//! grouped by module (`→ Module name: root`, `↳ Resource Address: …`).
//!
//! Naming: a policy is shown as its name (the policy block's label, e.g.
//! `imdsv2_required`) plus `.sentinel`, as a Sentinel policy is named by
//! its file; the stable policy id follows on its own line. Levels use
//! Sentinel's words: `advisory`, `soft-mandatory`, `hard-mandatory`.
//!
//! Violations are findings that count against the gate (fail, error, and
//! unknown unless unknown is `warn`/`pass`); waived findings are listed
//! but not counted as violations.

use crate::text::{module_or_root, terminal_safe, Out, Push};
use crate::{plural, EnforcementLevel, Finding, PolicyInfo, RenderOptions, Report, Status};

const RESET: &str = "\x1b[0m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

/// Writes the Sentinel-style trace of `report` into `writer`.
pub fn write(report: &Report, options: &RenderOptions, writer: &mut dyn std::io::Write) -> std::io::Result<()> {
    let paint = |code: &str, text: &str| {
        if options.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let several_plans = report.plans.len() > 1;
    let mut out = Out::new(writer);

    out.push_str(&format!("Sentinel Result: {}\n\n", report.gate.passed));
    out.push_str(if report.gate.passed {
        "This result means that every policy that can block the run passed.\n\n"
    } else {
        "This result means that one or more policies failed. The resource violations\n\
         of each policy are listed below.\n\n"
    });
    out.push_str(&format!("{} evaluated.\n", plural(report.policies.len(), "policy", "policies")));

    for (n, policy) in report.policies.iter().enumerate() {
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| *f.policy_id == *policy.id).collect();
        let violations = findings.iter().filter(|f| f.effect.is_violation()).count();
        let waived = findings.iter().filter(|f| f.status == Status::Waived).count();
        let overridden = findings.iter().any(|f| f.overridden);
        let passed = violations == 0;
        let file = format!("{}.sentinel", terminal_safe(&policy_file_name(policy)));

        out.push_str(&format!("\n## Policy {}: {file} ({})\n\n", n + 1, policy.enforcement_level.sentinel_name()));
        out.push_str(&format!("Result: {passed}{}\n\n", if overridden { " (overridden)" } else { "" }));
        let verdict = if passed { paint(GREEN, "Pass") } else { paint(RED, "Fail") };
        out.push_str(&format!("{verdict} - {file}\n\n"));
        out.push_str(&format!("Policy ID: {}\n\n", terminal_safe(&policy.id)));

        out.push_str("Description:\n");
        let description = policy.description.as_deref().or(policy.title.as_deref()).unwrap_or(&policy.name);
        for line in terminal_safe(description).lines() {
            out.push_str(&format!("  {line}\n"));
        }
        out.push_str("\nPrint messages:\n\n");
        out.push_str(&format!("→ → Overall Result: {passed}\n\n"));
        let name = terminal_safe(&policy.name);
        if passed {
            out.push_str(&format!("All resources passed the policy check of {name}.\n\n"));
            out.push_str(&paint(GREEN, "✓"));
            out.push_str(" Found 0 resource violations");
        } else {
            let consequence = if policy.enforcement_level == EnforcementLevel::Advisory {
                "it is advisory, so the change is still allowed"
            } else if overridden {
                "the failure was overridden for this run"
            } else {
                "the change is not allowed by it"
            };
            out.push_str(&format!("Not all resources passed the policy check of {name}; {consequence}.\n\n"));
            out.push_str(&format!("Found {violations} resource violations"));
        }
        if waived > 0 {
            out.push_str(&format!(" ({waived} waived)"));
        }
        out.push('\n');

        // Violations and waived findings (and, verbose, passes), by module.
        let shown: Vec<&Finding> =
            findings.into_iter().filter(|f| f.status != Status::Pass || options.verbose).collect();
        let mut groups: Vec<((&str, &str), Vec<&Finding>)> = Vec::new();
        for f in shown {
            let key = (&*f.plan, module_or_root(f));
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(f),
                None => groups.push((key, vec![f])),
            }
        }
        for ((plan, module), list) in groups {
            out.push_str(&format!("\n→ Module name: {}", terminal_safe(module)));
            if several_plans {
                out.push_str(&format!(" (plan {})", terminal_safe(plan)));
            }
            out.push('\n');
            for f in list {
                out.push_str(&format!("  ↳ Resource Address: {}\n", terminal_safe(&f.address)));
                let marker = match f.status {
                    Status::Fail if f.overridden => paint(RED, "✗ failed (overridden)"),
                    Status::Fail => paint(RED, "✗ failed"),
                    Status::Error => paint(RED, "✗ error"),
                    Status::Unknown => paint(YELLOW, "? unknown until apply"),
                    Status::Waived => paint(CYAN, "✓ waived"),
                    Status::Pass => paint(GREEN, "✓ passed"),
                };
                out.push_str(&format!("    | {marker}\n"));
                for line in terminal_safe(&f.message).lines() {
                    out.push_str(&format!("    | {line}\n"));
                }
                if let Some(by) = &f.waived_by {
                    let what = if f.overridden { "overridden" } else { "waived" };
                    for line in terminal_safe(&format!("{what}: {by}")).lines() {
                        out.push_str(&format!("    | {line}\n"));
                    }
                }
            }
        }
    }

    if !report.errors.is_empty() {
        out.push_str("\nErrors:\n\n");
        for e in &report.errors {
            let mut line = e.message.clone();
            if let Some(p) = &e.policy_id {
                line.push_str(&format!(" (policy {p})"));
            }
            if let Some(p) = &e.plan {
                line.push_str(&format!(" (plan {p})"));
            }
            out.push_str(&format!("  {}\n", terminal_safe(&line)));
        }
    }
    out.finish()
}

/// The name shown as `NAME.sentinel`: the policy's name, or its id when the
/// policy has no name.
fn policy_file_name(p: &PolicyInfo) -> String {
    if p.name.is_empty() {
        p.id.clone()
    } else {
        p.name.clone()
    }
}
