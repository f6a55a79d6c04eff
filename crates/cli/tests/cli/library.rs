//! The built-in library: its own tests pass, it runs over the showcase plan
//! and over every real plan in `$TFGATE_CORPUS` without an evaluation error,
//! and its findings on the corpus's EC2 plans are kept as reviewed snapshots.

use crate::common;

use std::path::{Path, PathBuf};

use common::{assert_expected, stderr_of, stdout_of, tfgate};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_library_tests_pass() {
    let out = tfgate(&["test", workspace().join("policies").to_str().unwrap()]).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr_of(&out));
    let last = text.lines().last().unwrap();
    assert!(last.contains(" passed, 0 failed"), "{last}");
    // At least a failing, a passing and a plan test per policy file: about 30 test files.
    let files: usize =
        last.split(" in ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap();
    assert!(files >= 25, "{last}");
}

#[test]
fn the_embedded_library_tests_pass() {
    let out = tfgate(&["test"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
}

#[test]
fn a_single_test_file_can_be_run() {
    let file = workspace().join("policies/aws/ec2/imdsv2-instance.policytest.hcl");
    let out = tfgate(&["test", file.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout_of(&out), stderr_of(&out));
}

#[test]
fn the_showcase_plan() {
    let plan = workspace().join("examples/plans/web-tier.json");
    let out = tfgate(&["check", plan.to_str().unwrap(), "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "mandatory policies fail on the showcase");
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(report["counts"]["error"], 0);
    let lines = verdict_lines(report["findings"].as_array().unwrap());
    assert_expected("expected/library-web-tier.txt", &(lines.join("\n") + "\n"));
}

/// `STATUS POLICY ADDRESS` for every finding that does not pass, sorted.
fn verdict_lines(findings: &[serde_json::Value]) -> Vec<String> {
    let mut lines: Vec<String> = findings
        .iter()
        .filter(|f| f["status"] != "pass")
        .map(|f| {
            format!(
                "{} {} {}",
                f["status"].as_str().unwrap(),
                f["policy_id"].as_str().unwrap(),
                f["address"].as_str().unwrap()
            )
        })
        .collect();
    lines.sort();
    lines
}

fn corpus() -> Option<Vec<PathBuf>> {
    tfgate_test_support::corpus_plans()
}

#[test]
fn the_library_over_every_corpus_plan() {
    let Some(files) = corpus() else {
        return;
    };
    let root = std::fs::canonicalize(files[0].parent().unwrap().parent().unwrap()).unwrap();
    // In-process and in parallel: one run per plan, each plan's part of the
    // snapshot kept in the corpus's (sorted) order.
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut parts: Vec<(usize, (String, Vec<String>))> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break done };
                        done.push((i, corpus_plan_verdicts(path, &root)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(parts.len(), files.len());
    parts.sort_by_key(|(i, _)| *i);
    // Every unknown EC2 finding names the value that is not known.
    let unnamed: Vec<&String> = parts.iter().flat_map(|(_, (_, bad))| bad).collect();
    assert!(unnamed.is_empty(), "{unnamed:#?}");
    let snapshot: String = parts.into_iter().map(|(_, (part, _))| part).collect();
    assert_expected("expected/library-corpus.txt", &snapshot);
}

/// One corpus plan checked with the built-in library: no evaluation or run
/// error; its snapshot part when a finding does not pass (the plans with EC2
/// resources, reviewed by hand); and its unknown EC2 findings whose message
/// does not name what is not known (one run of the plan for both).
fn corpus_plan_verdicts(path: &Path, root: &Path) -> (String, Vec<String>) {
    let out = tfgate(&["check", path.to_str().unwrap(), "--format", "json", "-v"]).output().unwrap();
    let code = out.status.code();
    assert!(code == Some(0) || code == Some(1), "{}: exit {code:?}: {}", path.display(), stderr_of(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(report["counts"]["error"], 0, "{}: evaluation errors", path.display());
    assert_eq!(report["errors"].as_array().map_or(0, Vec::len), 0, "{}: run errors", path.display());
    let findings = report["findings"].as_array().unwrap();
    let name = std::fs::canonicalize(path).unwrap();
    let name = name.strip_prefix(root).unwrap().display().to_string();
    let mut part = String::new();
    if findings.iter().any(|f| f["status"] != "pass") {
        part.push_str(&format!("## {name}\n"));
        for l in verdict_lines(findings) {
            part.push_str(&l);
            part.push('\n');
        }
    }
    (part, unnamed_unknowns_of(&by_policy_and_address(findings), &name))
}

/// `(policy id, address) -> (status, message)`.
type Findings = std::collections::BTreeMap<(String, String), (String, String)>;

/// `(policy id, address) -> (status, message)` of every finding of the library on a plan.
fn findings_of(path: &Path) -> Findings {
    let out = tfgate(&["check", path.to_str().unwrap(), "--format", "json", "-v"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    by_policy_and_address(report["findings"].as_array().unwrap())
}

/// `(policy id, address) -> (status, message)` of findings of a JSON report.
fn by_policy_and_address(findings: &[serde_json::Value]) -> Findings {
    findings
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            ((s("policy_id"), s("address")), (s("status"), s("message")))
        })
        .collect()
}

/// The findings on a corpus plan (`None` without `$TFGATE_CORPUS`).
fn corpus_findings(rel: &str) -> Option<Findings> {
    Some(findings_of(&tfgate_test_support::corpus_dir()?.join(rel)))
}

/// Asserts the status of one finding, and returns its message.
fn verdict_of(rel: &str, policy: &str, address: &str, status: &str) -> Option<String> {
    let findings = corpus_findings(rel)?;
    let (got, message) = findings
        .get(&(policy.to_string(), address.to_string()))
        .unwrap_or_else(|| panic!("{rel}: no {policy} finding for {address}"));
    assert_eq!(got, status, "{rel}: {policy} {address}: {message}");
    Some(message.clone())
}

#[test]
fn inline_rules_are_judged_in_every_terraform_version_family() {
    // Block-syntax `ingress { }` is not in `configuration.expressions` before Terraform 1.1:
    // the planned rules decide all the same. One plan per version family in the corpus.
    let open = [
        ("regula/tfplan.0.12.json", "aws_security_group.invalid_sg_1"), // 0.12.20
        ("regula/tfplan.0.13.json", "aws_security_group.invalid_sg_1"), // 0.13.5
        ("regula/tfplan.0.14.json", "aws_security_group.invalid_sg_1"), // 0.14.11
        ("regula/tfplan.0.15.json", "aws_security_group.invalid_sg_1"), // 0.15.3
        ("terracost/testdata__aws__terraform-noprior-plan.json", "module.nexus.aws_security_group.nexus"), // 1.0.5
        (
            "checkov/common__runner_registry__plan_with_for_each_for_enrichment__tf_plan.json",
            "module.sg[\"bad_example\"].aws_security_group.bad",
        ), // 1.9.5
    ];
    for (plan, address) in open {
        let Some(message) = verdict_of(plan, "TFG-EC2-010/inline_ingress", address, "fail") else {
            return;
        };
        assert!(message.contains("ingress["), "{plan}: {message}");
    }
    // Judged, not waved through: a known rule that opens nothing else passes on its merits.
    for plan in ["regula/tfplan.0.12.json", "regula/tfplan.0.15.json"] {
        verdict_of(plan, "TFG-EC2-010/inline_ingress", "aws_security_group.valid_sg_2", "pass");
    }
}

#[test]
fn open_ssh_groups_of_the_issue_fail() {
    for (plan, address) in [
        ("regula/tfplan.0.12.json", "aws_security_group.invalid_sg_1"),
        ("checkov/runner__resources__plan__tfplan.json", "aws_security_group.web-node"),
        ("terracost/testdata__aws__terraform-noprior-plan.json", "module.nexus.aws_security_group.nexus"),
    ] {
        let Some(message) = verdict_of(plan, "TFG-EC2-010/inline_ingress", address, "fail") else {
            return;
        };
        assert!(message.contains("0.0.0.0/0"), "{message}");
    }
}

#[test]
fn a_provider_without_metadata_options_is_unknown_not_a_failure() {
    let plan = "terraform-compliance/test_counting_repeatable_argument_blocks__plan.out.json";
    let Some(message) = verdict_of(plan, "TFG-EC2-001/instance", "aws_instance.one", "unknown") else {
        return;
    };
    assert!(message.contains("metadata_options is not in the plan"), "{message}");
    verdict_of(
        "terraform-compliance/test_issue-127__plan.out.json",
        "TFG-EC2-003",
        "aws_launch_configuration.example",
        "unknown",
    );
}

#[test]
fn an_existing_instance_without_metadata_options_is_unknown_not_a_failure() {
    // An update or no-op whose provider predates metadata_options: the plan does not show the
    // instance's setting, so nothing decides (it failed before `tfgate::unknown`).
    let plan = "terracost/testdata__aws__terraform-plan.json";
    let Some(message) = verdict_of(plan, "TFG-EC2-001/instance", "module.instance.aws_instance.example", "unknown")
    else {
        return;
    };
    assert!(message.contains("metadata_options is not in the plan"), "{message}");
    assert!(message.contains("existing instance"), "{message}");
}

#[test]
fn imds_messages_of_pre_015_plans_show_http_tokens() {
    // Terraform 0.13 marks nothing sensitive: `http_tokens` merely looks like a secret's name.
    let plan = "terraform-compliance/actions_regular__plan.out.json";
    let Some(message) = verdict_of(plan, "TFG-EC2-001/instance", "aws_instance.changed", "fail") else {
        return;
    };
    assert!(message.contains("http_tokens is \"optional\""), "{message}");
    assert!(!message.contains("(sensitive value)"), "{message}");
}

#[test]
fn pre_015_volume_messages_are_not_hidden_by_a_secret_beside_them() {
    // Terraform 0.12 marks nothing: `password_data` is marked by its name, and used to hide
    // every block device that `core::lookup(attrs, ...)` read beside it.
    let plan = "infracost/terraform_v0.12_plan.json";
    let Some(message) = verdict_of(plan, "TFG-EC2-020/instance_volumes_encrypted", "aws_instance.instance_1", "fail")
    else {
        return;
    };
    assert!(message.contains("root_block_device.encrypted is false"), "{message}");
    assert!(!message.contains("(sensitive value)"), "{message}");
}

/// Unknown findings of the EC2 policies whose message is not built to name what is unknown.
fn unnamed_unknowns_of(findings: &Findings, name: &str) -> Vec<String> {
    let ours = [
        "TFG-EC2-001",
        "TFG-EC2-002",
        "TFG-EC2-003",
        "TFG-EC2-004",
        "TFG-EC2-005",
        "TFG-EC2-006",
        "TFG-EC2-010",
        "TFG-EC2-011",
        "TFG-EC2-012",
        "TFG-EC2-013",
        "TFG-EC2-014",
        "TFG-EC2-020",
        "TFG-EC2-022",
        "TFG-EC2-023",
        "TFG-EC2-024",
        "TFG-EC2-032",
        "TFG-EC2-040",
        "TFG-EC2-041",
        "TFG-EC2-050",
    ];
    findings
        .iter()
        .filter(|((policy, _), (status, message))| {
            status == "unknown"
                && ours.contains(&policy.split('/').next().unwrap())
                && (!message.contains("known only after apply") || message.contains("(known after apply)"))
        })
        .map(|((policy, address), (_, message))| format!("{name}: {policy} {address}: {message}"))
        .collect()
}

#[test]
fn unknown_ec2_findings_of_the_fixtures_name_what_is_not_known() {
    let mut bad = Vec::new();
    for dir in ["policies/testdata", "examples/plans"] {
        for e in std::fs::read_dir(workspace().join(dir)).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "json") {
                bad.extend(unnamed_unknowns_of(&findings_of(&path), &path.display().to_string()));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn unchanged_resources_are_judged_on_their_state() {
    // `aws_instance.unchanged` is a no-op whose state has http_tokens = "optional": it runs
    // with IMDSv1 whether or not this plan touches it.
    let plan = "terraform-compliance/actions_regular__plan.out.json";
    let Some(message) = verdict_of(plan, "TFG-EC2-001/instance", "aws_instance.unchanged", "fail") else {
        return;
    };
    assert!(message.contains("http_tokens is \"optional\""), "{message}");
    verdict_of(
        "infracost/terraform_v0.12_plan.json",
        "TFG-EC2-032/instance_public_ip",
        "aws_instance.instance_1",
        "fail",
    );
}

#[test]
fn rules_attached_to_the_default_security_group_fail() {
    let plan = workspace().join("policies/testdata/default-security-group-rules.json");
    let findings = findings_of(&plan);
    for (policy, address) in [
        ("TFG-EC2-012/security_group_rule", "aws_security_group_rule.default_ssh"),
        ("TFG-EC2-012/egress_rule", "aws_vpc_security_group_egress_rule.default_out"),
        ("TFG-EC2-012/ingress_rule", "aws_vpc_security_group_ingress_rule.default_vpc_https"),
    ] {
        let (status, message) = &findings[&(policy.to_string(), address.to_string())];
        assert_eq!(status, "fail", "{address}: {message}");
        assert!(message.contains("default security group"), "{message}");
    }
    assert!(!findings.keys().any(|(p, a)| p.starts_with("TFG-EC2-012") && a.contains("app_")));
}

#[test]
fn network_messages_name_the_rule_that_fails_and_the_value_not_known() {
    // A fail names the open rule even when another rule of the resource holds a value known
    // only after apply (the message used to say the unknown rule decides, or was a bare
    // placeholder); an unknown names the value.
    let plan = workspace().join("crates/cli/tests/fixtures/plans/network-messages.json");
    let findings = findings_of(&plan);
    for (policy, address, status, names) in [
        (
            "TFG-EC2-010/inline_ingress",
            "aws_security_group.mixed",
            "fail",
            "ingress[0] (protocol tcp, ports 22-22, from 0.0.0.0/0)",
        ),
        (
            "TFG-EC2-011/inline_ingress",
            "aws_security_group.mixed_all",
            "fail",
            "ingress[0] (protocol -1) from 0.0.0.0/0",
        ),
        (
            "TFG-EC2-013/inline_egress",
            "aws_security_group.mixed",
            "fail",
            "egress[0] (protocol -1, ports 0-0, to 0.0.0.0/0)",
        ),
        (
            "TFG-EC2-014/acl_ingress",
            "aws_network_acl.mixed",
            "fail",
            "ingress rule 100 (protocol 6, ports 22-22, from 0.0.0.0/0) reaches port 22",
        ),
        (
            "TFG-EC2-012/default_security_group",
            "aws_default_security_group.one_side",
            "fail",
            "has 1 ingress and (unknown) egress rule(s)",
        ),
        // A rule whose values are partly known only after apply is still a rule.
        (
            "TFG-EC2-012/default_security_group",
            "aws_default_security_group.partly_unknown",
            "fail",
            "has 1 ingress and 0 egress rule(s)",
        ),
        (
            "TFG-EC2-014/default_acl_ingress",
            "aws_default_network_acl.partly_unknown",
            "unknown",
            "ingress[0].cidr_block is known only after apply",
        ),
    ] {
        let (got, message) = &findings[&(policy.to_string(), address.to_string())];
        assert_eq!(got, status, "{policy} {address}: {message}");
        assert!(message.contains(names), "{policy} {address}: {message}");
        assert!(!message.contains("(known after apply)"), "{policy} {address}: {message}");
        if status == "fail" {
            assert!(!message.contains("decide"), "{policy} {address}: {message}");
        }
    }
}
