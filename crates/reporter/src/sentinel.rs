//! A trace in the style of a Sentinel run in HCP Terraform, for teams
//! moving off Sentinel: an overall `Sentinel Result`, then one section per
//! policy that failed, is unknown or errored (verbose: every policy), each
//! with a `## Policy N: NAME (LEVEL)` header, `Fail - NAME`, what the
//! policy checks, and the resource violations grouped by module
//! (`→ Module name: root`, `↳ Resource Address: …`).
//!
//! Naming: a policy is shown by its id (`TFG-EC2-006/instance`), unique in
//! a run, where its block label (`instance`) may name blocks of several
//! policies. A Sentinel policy (`tfgate check --sentinel`) keeps its file
//! name and, when the CLI passes its trace in
//! [`RenderOptions::sentinel_traces`], is shown in HCP Terraform's own
//! `trace:` layout. Levels use Sentinel's words: `advisory`,
//! `soft-mandatory`, `hard-mandatory`.
//!
//! Violations are findings that count against the gate (fail, error, and
//! unknown unless unknown is `warn`/`pass`); waived findings are listed
//! but not counted as violations.

use crate::text::{module_or_root, terminal_safe, Out, Push};
use crate::{plural, EnforcementLevel, Finding, PolicyInfo, RenderOptions, Report, Status, TargetKind};

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

    let sections: Vec<(&PolicyInfo, Vec<&Finding>)> = report
        .policies
        .iter()
        .map(|policy| (policy, report.findings.iter().filter(|f| *f.policy_id == *policy.id).collect::<Vec<_>>()))
        .filter(|(_, findings)| {
            options.verbose
                || findings.iter().any(|f| matches!(f.status, Status::Fail | Status::Unknown | Status::Error))
        })
        .collect();
    let mut evaluated = format!("{} evaluated", plural(report.policies.len(), "policy", "policies"));
    let hidden = report.policies.len() - sections.len();
    let (them, are) = if hidden == 1 { ("it", "is") } else { ("them", "are") };
    if hidden > 0 && hidden == report.policies.len() {
        let all = if hidden == 1 { "it" } else { "all" };
        evaluated.push_str(&format!("; {all} passed or matched no resources (-v shows {them})"));
    } else if hidden > 0 {
        evaluated
            .push_str(&format!("; {hidden} that passed or matched no resources {are} not shown (-v shows {them})"));
    }
    out.push_str(&format!("{evaluated}.\n"));

    for (n, (policy, findings)) in sections.into_iter().enumerate() {
        let violations = findings.iter().filter(|f| f.effect.is_violation()).count();
        let waived = findings.iter().filter(|f| f.status == Status::Waived).count();
        let overridden = findings.iter().any(|f| f.overridden);
        let passed = violations == 0;
        let name = terminal_safe(&shown_name(policy));

        out.push_str(&format!("\n## Policy {}: {name} ({})\n\n", n + 1, policy.enforcement_level.sentinel_name()));
        out.push_str(&format!("Result: {passed}{}\n\n", if overridden { " (overridden)" } else { "" }));

        // A Sentinel policy's own trace, one per plan, when the run kept it.
        let traces: Vec<(&Finding, &String)> = findings
            .iter()
            .filter(|f| f.target_kind == TargetKind::Plan)
            .filter_map(|f| {
                options.sentinel_traces.get(&(f.plan.to_string(), f.policy_id.to_string())).map(|t| (*f, t))
            })
            .collect();
        if !traces.is_empty() && traces.len() == findings.len() {
            for (f, trace) in traces {
                if several_plans {
                    out.push_str(&format!("Plan: {}\n\n", terminal_safe(&f.plan)));
                }
                out.push_str(&terminal_safe(trace));
                if let Some(by) = &f.waived_by {
                    let what = if f.overridden { "Overridden" } else { "Waived" };
                    out.push_str(&format!("\n{what}: {}\n", terminal_safe(by)));
                }
            }
            continue;
        }

        let verdict = if passed { paint(GREEN, "Pass") } else { paint(RED, "Fail") };
        out.push_str(&format!("{verdict} - {name}\n\n"));
        if let Some(description) = description(policy) {
            out.push_str("Description:\n");
            for line in terminal_safe(&description).lines() {
                out.push_str(&format!("  {line}\n"));
            }
            out.push('\n');
        }
        out.push_str("Print messages:\n\n");
        out.push_str(&format!("→ → Overall Result: {passed}\n\n"));
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
            out.push_str(&format!("Found {}", plural(violations, "resource violation", "resource violations")));
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

/// The name a section shows: a Sentinel policy's file name
/// (`restrict-instance-types.sentinel`), otherwise the policy id, which
/// unlike a block label is unique in a run.
fn shown_name(p: &PolicyInfo) -> String {
    if p.target_kind == TargetKind::Plan && !p.name.is_empty() {
        format!("{}.sentinel", p.name.strip_suffix(".sentinel").unwrap_or(&p.name))
    } else {
        p.id.clone()
    }
}

/// What the policy checks, in a line or two: its description when that
/// is short (the built-in library's run to pages, which a log does not
/// need), else its title; nothing when that would only repeat its name.
fn description(p: &PolicyInfo) -> Option<String> {
    let short = p.description.as_deref().map(str::trim).filter(|d| !d.contains("\n\n") && d.len() <= SHORT);
    let text = short.or(p.title.as_deref().map(str::trim)).unwrap_or("");
    (!text.is_empty() && text != p.name && text != p.id).then(|| text.to_string())
}

/// The longest description shown whole.
const SHORT: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(id: &str, name: &str) -> PolicyInfo {
        PolicyInfo { id: id.into(), name: name.into(), title: Some(format!("{id} title")), ..Default::default() }
    }

    fn finding(policy: &str, status: Status) -> Finding {
        // As the gate decides them for mandatory policies with unknown = fail.
        let effect = match status {
            Status::Fail | Status::Unknown => crate::Effect::Blocks,
            Status::Error => crate::Effect::Errors,
            _ => crate::Effect::None,
        };
        Finding { policy_id: policy.into(), status, effect, address: "aws_instance.a".into(), ..Default::default() }
    }

    fn render(report: &Report, options: &RenderOptions) -> String {
        crate::render(crate::Format::Sentinel, report, options).unwrap()
    }

    /// Two blocks labelled `instance` in two policies are two names.
    #[test]
    fn names_do_not_collide_and_only_failing_policies_get_a_section() {
        let report = Report {
            policies: vec![
                policy("TFG-EC2-001/instance", "instance"),
                policy("TFG-EC2-006/instance", "instance"),
                policy("TFG-EC2-007", "passes"),
                policy("TFG-EC2-008", "matches_nothing"),
            ],
            findings: vec![
                finding("TFG-EC2-001/instance", Status::Fail),
                finding("TFG-EC2-006/instance", Status::Unknown),
                finding("TFG-EC2-007", Status::Pass),
            ],
            ..Default::default()
        };
        let text = render(&report, &RenderOptions::default());
        assert!(text.contains("## Policy 1: TFG-EC2-001/instance (hard-mandatory)"), "{text}");
        assert!(text.contains("## Policy 2: TFG-EC2-006/instance (hard-mandatory)"), "{text}");
        assert!(!text.contains("instance.sentinel") && !text.contains("## Policy 3"), "{text}");
        assert!(
            text.contains("4 policies evaluated; 2 that passed or matched no resources are not shown (-v shows them).")
        );
        assert!(text.contains("Found 1 resource violation\n"), "{text}");
        assert!(text.contains("Description:\n  TFG-EC2-001/instance title\n"), "{text}");

        let verbose = render(&report, &RenderOptions { verbose: true, ..RenderOptions::default() });
        assert!(verbose.contains("## Policy 4: TFG-EC2-008 (hard-mandatory)"), "{verbose}");
    }

    #[test]
    fn a_short_description_is_shown_a_long_one_gives_way_to_the_title() {
        let mut p = policy("TFG-X-001", "rule");
        p.description = Some("Instances set http_tokens to \"required\".".into());
        assert_eq!(description(&p).as_deref(), Some("Instances set http_tokens to \"required\"."));
        p.description = Some("First paragraph.\n\nSecond paragraph.".into());
        assert_eq!(description(&p).as_deref(), Some("TFG-X-001 title"));
        p.title = None;
        p.description = Some("rule".into());
        assert_eq!(description(&p), None, "it would only repeat the name");
    }

    #[test]
    fn sentinel_policies_use_their_trace() {
        let mut p = policy("restrict-instance-types", "restrict-instance-types");
        p.target_kind = TargetKind::Plan;
        let mut f = finding("restrict-instance-types", Status::Fail);
        f.target_kind = TargetKind::Plan;
        f.plan = "plan.json".into();
        let report = Report { policies: vec![p], findings: vec![f], ..Default::default() };
        let trace = "trace:\n    Fail - restrict-instance-types.sentinel\n".to_string();
        let mut options = RenderOptions::default();
        options.sentinel_traces.insert(("plan.json".into(), "restrict-instance-types".into()), trace.clone());
        let text = render(&report, &options);
        assert!(text.contains("## Policy 1: restrict-instance-types.sentinel (hard-mandatory)\n\nResult: false\n\n"));
        assert!(text.contains(&trace) && !text.contains("Resource Address"), "{text}");
        // Without its trace, the generic layout.
        let text = render(&report, &RenderOptions::default());
        assert!(text.contains("Fail - restrict-instance-types.sentinel"), "{text}");
    }
}
