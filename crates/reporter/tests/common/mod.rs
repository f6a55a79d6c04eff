//! The shared fixture report: a realistic mix of everything a report can hold.
#![allow(dead_code)]

use tfgate_report::*;

pub const APP: &str = "plans/app.tfplan.json";
pub const NETWORK: &str = "plans/network.tfplan.json";

const EC2: &str = "TFG-EC2-001";
const MODSRC: &str = "TFG-MOD-001";
const RDS: &str = "TFG-RDS-001";
const S3: &str = "TFG-S3-002";
const TAGS: &str = "TFG-TAG-001";
const TEAM: &str = "policies/team.policy.hcl/no_public_ingress";

fn policy(id: &str, name: &str, level: EnforcementLevel, severity: Option<Severity>) -> PolicyInfo {
    PolicyInfo { id: id.into(), name: name.into(), severity, enforcement_level: level, ..PolicyInfo::default() }
}

/// A finding in the root module; chain the `in_module` helper for others.
fn finding(plan: &str, p: &PolicyInfo, status: Status, address: &str, message: &str) -> Finding {
    Finding {
        policy_id: p.id.as_str().into(),
        policy_name: p.name.as_str().into(),
        status,
        enforcement_level: p.enforcement_level,
        severity: p.severity,
        plan: plan.into(),
        target_kind: p.target_kind,
        address: address.into(),
        resource_type: match p.target_kind {
            TargetKind::Resource => address.split('.').next().map(Into::into),
            _ => None,
        },
        message: message.into(),
        ..Finding::default()
    }
}

fn in_module(mut f: Finding, path: &str, source: &str, version: Option<&str>) -> Finding {
    f.module_path = path.into();
    f.module_source = Some(source.into());
    f.module_version = version.map(Into::into);
    if f.target_kind == TargetKind::Resource {
        let local = f.address[path.len() + 1..].to_string();
        f.resource_type = local.split('.').next().map(Into::into);
    }
    f
}

/// Places a finding on the lines of its block in a `.tf` file.
fn at(mut f: Finding, file: &str, start_line: u32, end_line: u32) -> Finding {
    f.location = Some(std::sync::Arc::new(SourceLocation { file: file.into(), start_line, end_line }));
    f
}

fn attr(mut f: Finding, path: &str) -> Finding {
    f.attribute_path = Some(path.into());
    f
}

pub fn fixture() -> Report {
    let mut ec2 = policy(EC2, "imdsv2_required", EnforcementLevel::Mandatory, Some(Severity::High));
    ec2.title = Some("EC2 instances require IMDSv2".into());
    ec2.description = Some(
        "Instance metadata must require session tokens (IMDSv2), so that a server-side request \
         forgery cannot read instance credentials."
            .into(),
    );
    ec2.target = "aws_instance".into();
    ec2.controls = vec!["AWS FSBP EC2.8".into(), "CIS AWS 5.6".into()];
    ec2.source = "builtin:ec2/imdsv2.policy.hcl".into();
    ec2.help_uri = Some("https://tfgate.dev/policies/TFG-EC2-001".into());

    let mut modsrc = policy(MODSRC, "approved_module_sources", EnforcementLevel::Mandatory, Some(Severity::Medium));
    modsrc.title = Some("Modules come from the approved registry".into());
    modsrc.description = Some("Every module call uses a source from `app.terraform.io/acme` or `./modules`.".into());
    modsrc.target_kind = TargetKind::Module;
    modsrc.target = "*".into();
    modsrc.source = "builtin:modules/approved-sources.policy.hcl".into();
    modsrc.help_uri = Some("https://tfgate.dev/policies/TFG-MOD-001".into());

    let mut rds = policy(RDS, "rds_storage_encrypted", EnforcementLevel::Mandatory, Some(Severity::Critical));
    rds.title = Some("RDS storage is encrypted".into());
    rds.description = Some("Database instances set storage_encrypted = true.".into());
    rds.target = "aws_db_instance".into();
    rds.controls = vec!["AWS FSBP RDS.3".into()];
    rds.source = "builtin:rds/storage-encrypted.policy.hcl".into();

    let mut s3 = policy(S3, "bucket_kms_encryption", EnforcementLevel::MandatoryOverridable, Some(Severity::Medium));
    s3.title = Some("S3 buckets are encrypted with KMS".into());
    s3.description = Some("Buckets use SSE-KMS, not SSE-S3 (AES256).".into());
    s3.target = "aws_s3_bucket".into();
    s3.controls = vec!["AWS FSBP S3.17".into()];
    s3.source = "builtin:s3/kms.policy.hcl".into();
    s3.help_uri = Some("https://tfgate.dev/policies/TFG-S3-002".into());

    let mut tags = policy(TAGS, "required_tags", EnforcementLevel::Advisory, Some(Severity::Low));
    tags.title = Some("Resources carry the required tags".into());
    tags.description = Some("Tags `owner` and `cost-center` are set on taggable resources.".into());
    tags.target = "*".into();
    tags.source = "builtin:tags/required.policy.hcl".into();

    // A user policy: no title, severity, controls or help.
    let mut team = policy(TEAM, "no_public_ingress", EnforcementLevel::Mandatory, None);
    team.description =
        Some("Security group rules must not allow ingress from 0.0.0.0/0 | except <443> & \"approved\" ports.".into());
    team.target = "aws_security_group_rule".into();
    team.source = "policies/team.policy.hcl".into();

    let blue = r#"module.app["blue"]"#;
    let green = r#"module.app["green"]"#;
    let app_src = "app.terraform.io/acme/app/aws";
    let sg = r#"module.app["blue"].module.sg"#;
    let sg_src = "terraform-aws-modules/security-group/aws";
    let vpc_src = "terraform-aws-modules/vpc/aws";
    let legacy_src = "git::https://example.com/legacy.git?ref=v0.1";
    let imds_msg = r#"IMDSv2 must be required (http_tokens = "required"), found "optional"."#;

    let mut findings = vec![
        // plans/app.tfplan.json
        finding(APP, &ec2, Status::Pass, "aws_instance.bastion", "IMDSv2 is required."),
        attr(
            in_module(
                finding(APP, &ec2, Status::Fail, &format!("{blue}.aws_instance.web[0]"), imds_msg),
                blue,
                app_src,
                Some("2.3.1"),
            ),
            "metadata_options[0].http_tokens",
        ),
        attr(
            in_module(
                finding(APP, &ec2, Status::Fail, &format!("{blue}.aws_instance.web[1]"), imds_msg),
                blue,
                app_src,
                Some("2.3.1"),
            ),
            "metadata_options[0].http_tokens",
        ),
        attr(
            in_module(
                finding(
                    APP,
                    &ec2,
                    Status::Unknown,
                    &format!("{green}.aws_instance.web[0]"),
                    "http_tokens is (known after apply); the condition cannot be decided at plan time.",
                ),
                green,
                app_src,
                Some("2.3.1"),
            ),
            "metadata_options[0].http_tokens",
        ),
        {
            let mut f = in_module(
                finding(APP, &ec2, Status::Waived, &format!("{green}.aws_instance.web[1]"), imds_msg),
                green,
                app_src,
                Some("2.3.1"),
            );
            f.waived_by = Some(
                "waiver TFG-EC2-001 module.app[\"green\"].*: legacy AMI without IMDSv2 support; \
                 migration tracked in OPS-1234"
                    .into(),
            );
            f
        },
        in_module(
            finding(APP, &modsrc, Status::Pass, blue, "Source is approved."),
            blue,
            app_src,
            Some("2.3.1"),
        ),
        in_module(
            finding(APP, &modsrc, Status::Pass, green, "Source is approved."),
            green,
            app_src,
            Some("2.3.1"),
        ),
        at(in_module(
            finding(
                APP,
                &modsrc,
                Status::Fail,
                "module.legacy",
                r#"Module source "git::https://example.com/legacy.git?ref=v0.1" is not in the approved registry & must be replaced."#,
            ),
            "module.legacy",
            legacy_src,
            None,
        ), "infra/app/main.tf", 31, 34),
        finding(APP, &tags, Status::Pass, "aws_instance.bastion", "All required tags are set."),
        attr(
            in_module(
                finding(
                    APP,
                    &tags,
                    Status::Fail,
                    &format!("{blue}.aws_instance.web[0]"),
                    r#"Missing required tags: "owner", "cost-center" — expected <team> & 100% coverage."#,
                ),
                blue,
                app_src,
                Some("2.3.1"),
            ),
            "tags",
        ),
        in_module(
            finding(
                APP,
                &team,
                Status::Error,
                &format!(r#"{sg}.aws_security_group_rule.ingress["https|443"]"#),
                "evaluation error: step limit of 100000 exceeded while evaluating the condition",
            ),
            sg,
            sg_src,
            Some("5.1.0"),
        ),
        // plans/network.tfplan.json
        finding(NETWORK, &rds, Status::Pass, "aws_db_instance.main", "Storage is encrypted."),
        {
            let mut f = attr(
                at(finding(
                    NETWORK,
                    &s3,
                    Status::Fail,
                    "aws_s3_bucket.logs",
                    "Bucket encryption uses AES256; KMS is required.\nSet sse_algorithm = \"aws:kms\".",
                ), "infra/network/s3.tf", 1, 12),
                "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].sse_algorithm",
            );
            f.overridden = true;
            f.waived_by = Some("override by alice: accepted until the KMS key rollout (CHG-2291)".into());
            f
        },
        finding(NETWORK, &s3, Status::Pass, "aws_s3_bucket.state", "Bucket uses SSE-KMS."),
        attr(
            in_module(
                finding(
                    NETWORK,
                    &s3,
                    Status::Unknown,
                    "module.vpc.aws_s3_bucket.flow_logs",
                    "kms_master_key_id is (known after apply).",
                ),
                "module.vpc",
                vpc_src,
                Some("5.8.1"),
            ),
            "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id",
        ),
        {
            let mut f = finding(
                NETWORK,
                &tags,
                Status::Waived,
                "aws_s3_bucket.logs",
                r#"Missing required tags: "cost-center"."#,
            );
            f.waived_by = Some(
                "waiver TFG-TAG-001 aws_s3_bucket.logs: tags managed by the AWS Organizations tag policy"
                    .into(),
            );
            f
        },
        at(attr(
            finding(
                NETWORK,
                &team,
                Status::Fail,
                "aws_security_group_rule.admin_ssh",
                "Ingress from 0.0.0.0/0 on port 22 | cidr_blocks = [\"0.0.0.0/0\"], description = (sensitive value), 100% exposed\r\nfix: restrict to the VPN range 10.8.0.0/16",
            ),
            "cidr_blocks",
        ), "infra/network/security groups.tf", 14, 22),
        in_module(
            finding(
                NETWORK,
                &team,
                Status::Pass,
                "module.vpc.aws_security_group_rule.default_egress",
                "No public ingress.",
            ),
            "module.vpc",
            vpc_src,
            Some("5.8.1"),
        ),
    ];
    // The same sort the evaluator promises: plan, policy id, address.
    findings.sort_by(|a, b| (&a.plan, &a.policy_id, &a.address).cmp(&(&b.plan, &b.policy_id, &b.address)));
    // What the engine records on each finding before a report is rendered.
    for f in &mut findings {
        f.effect = tfgate_engine::effect_of(f, UnknownMode::Fail);
    }

    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "tfgate".into(), version: "0.1.0".into() },
        plans: vec![
            PlanInfo {
                path: APP.into(),
                format_version: "1.2".into(),
                terraform_version: Some("1.8.3".into()),
                producer: "OpenTofu".into(),
                resources: 17,
                warnings: vec!["resource_drift lists 2 changes made outside of OpenTofu".into()],
            },
            PlanInfo {
                path: NETWORK.into(),
                format_version: "1.2".into(),
                terraform_version: Some("1.9.5".into()),
                producer: "Terraform".into(),
                resources: 42,
                warnings: vec![],
            },
        ],
        policies: vec![ec2, modsrc, rds, s3, tags, team],
        findings,
        waivers: vec![
            WaiverInfo {
                policy: EC2.into(),
                address: r#"module.app["green"].*"#.into(),
                reason: "legacy AMI without IMDSv2 support; migration tracked in OPS-1234".into(),
                owner: Some("platform-team".into()),
                expires: Some("2026-12-31".into()),
                state: "active".into(),
                matched: 1,
            },
            WaiverInfo {
                policy: TAGS.into(),
                address: "aws_s3_bucket.logs".into(),
                reason: "tags managed by the AWS Organizations tag policy".into(),
                owner: None,
                expires: None,
                state: "active".into(),
                matched: 1,
            },
            WaiverInfo {
                policy: S3.into(),
                address: "aws_s3_bucket.archive*".into(),
                reason: "archive bucket retired in Q3".into(),
                owner: Some("data-team".into()),
                expires: Some("2025-06-30".into()),
                state: "expired".into(),
                matched: 0,
            },
            WaiverInfo {
                policy: TEAM.into(),
                address: "aws_security_group_rule.vpn_*".into(),
                reason: "VPN endpoints are public by design".into(),
                owner: Some("netops".into()),
                expires: Some("2027-01-31".into()),
                state: "unused".into(),
                matched: 0,
            },
        ],
        overrides: vec![OverrideInfo {
            policy: S3.into(),
            reason: Some("accepted until the KMS key rollout (CHG-2291)".into()),
            by: Some("alice".into()),
        }],
        errors: vec![RunError {
            message: "policies/broken.policy.hcl:3,15-16: unexpected token `|`; expected an expression".into(),
            plan: None,
            policy_id: Some("policies/broken.policy.hcl/broken".into()),
        }],
        gate: Gate {
            passed: false,
            exit_code: 2,
            unknown_mode: UnknownMode::Fail,
            summary: "3 mandatory policies failed, 1 policy could not be loaded".into(),
        },
    }
}

/// A small report whose gate passes: one policy, two passing resources.
pub fn passing() -> Report {
    let mut p = policy("TFG-RDS-001", "rds_storage_encrypted", EnforcementLevel::Mandatory, Some(Severity::Critical));
    p.title = Some("RDS storage is encrypted".into());
    p.description = Some("Database instances set storage_encrypted = true.".into());
    p.target = "aws_db_instance".into();
    let findings = vec![
        finding(NETWORK, &p, Status::Pass, "aws_db_instance.main", "Storage is encrypted."),
        finding(NETWORK, &p, Status::Pass, "aws_db_instance.replica", "Storage is encrypted."),
    ];
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "tfgate".into(), version: "0.1.0".into() },
        plans: vec![PlanInfo {
            path: NETWORK.into(),
            format_version: "1.2".into(),
            terraform_version: Some("1.9.5".into()),
            producer: "Terraform".into(),
            resources: 2,
            warnings: vec![],
        }],
        policies: vec![p],
        findings,
        gate: Gate {
            passed: true,
            exit_code: 0,
            unknown_mode: UnknownMode::Fail,
            summary: "all policies passed".into(),
        },
        ..Report::default()
    }
}
