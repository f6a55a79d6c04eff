//! No output ever shows a sensitive value. Plans carry random secrets in
//! sensitive attributes (at the top, nested, in lists), in sensitive root
//! variables and in sensitive outputs; policies try hard to print them
//! (interpolation, functions, `jsonencode` of everything, error messages);
//! every report format and the plan renderers must redact them.
//!
//! A second policy launders the secrets through every construct that reads
//! out of a marked value (`for` keys and elements, splats, indexes,
//! attributes, conditionals, template directives, `try`/`can`) and through
//! the collection, string and encoding functions, and drives the error paths
//! that quote values (failed `tonumber`, operators, out-of-range indexes,
//! "did you mean" over the keys of a sensitive map). Nothing may show a
//! secret, its upper-case, base64 or hex form.

use proptest::prelude::*;
use serde_json::json;
use tfgate_core::UnknownMode;
use tfgate_engine::decide;
use tfgate_lang_hcl::PolicySet;
use tfgate_lang_hcl::{check_plan, describe_policies, CheckOptions};
use tfgate_plan::render_resource;
use tfgate_plan::Plan;
use tfgate_report::{render, Format, RenderOptions, Report, SCHEMA_VERSION};
use tfgate_test_support::{base64, hex};

const LEAKY: &str = r#"
policy {
  tfgate {
    id    = "LEAK"
    title = "Tries to print secrets"
  }
}

resource_policy "aws_db_instance" "everything" {
  enforcement_level = "mandatory"
  locals {
    all = jsonencode(attrs)
  }
  enforce {
    condition     = length(local.all) < 0
    error_message = "attrs=${local.all} pw=${attrs.password} up=${upper(attrs.password)} nested=${attrs.auth[0].token} list=${join(",", attrs.keys)}"
    info_message  = "info ${attrs.password}"
  }
  enforce {
    condition     = attrs.password == "x"
    error_message = "compared ${attrs.password}"
  }
  enforce {
    # An evaluation error whose message could quote the value.
    condition     = tonumber(attrs.password) > 1
    error_message = "never rendered"
  }
}
"#;

/// Laundering attempts. `TYPO_PW` and `TYPO_KEY` are replaced by a secret
/// and a sensitive map key minus their last character, so that a "did you
/// mean" hint would name them.
const LAUNDER: &str = r#"
resource_policy "aws_db_instance" "launder" {
  enforcement_level = "mandatory"
  locals {
    parts   = split(",", attrs.password)
    decoded = jsondecode(jsonencode({ (attrs.password) = [attrs.password] }))
  }
  # Error paths: each condition fails on a value read out of a secret.
  enforce { condition = length([for c in local.parts : tonumber(c)]) > 0 }
  enforce { condition = length([for c in regexall("[A-Za-z0-9]+", attrs.password) : tonumber(c)]) > 0 }
  enforce { condition = length([for k, v in attrs.labels : tonumber(k)]) > 0 }
  enforce { condition = length([for k in keys(attrs.labels) : k + 1]) > 0 }
  enforce { condition = length([for k in sort(keys(attrs.labels)) : -k]) > 0 }
  enforce { condition = length([for v in values(local.decoded) : tonumber(v[0])]) > 0 }
  enforce { condition = length([for k, v in local.decoded : k < 1]) > 0 }
  enforce { condition = length([for x in attrs.auth[*].token : x * 2]) > 0 }
  enforce { condition = length([for x in attrs.keys : tonumber(x)]) > 0 }
  enforce { condition = attrs.labels.TYPO_KEY == "x" }
  enforce { condition = local.decoded.TYPO_PW == ["x"] }
  enforce { condition = jsondecode(jsonencode([local.decoded]))[*].TYPO_PW == ["x"] }
  enforce { condition = { for c in local.parts : c => 1 }.TYPO_PW == 1 }
  enforce { condition = [1, 2][attrs.pin] == 1 }
  enforce { condition = local.parts[7] == "x" }
  enforce { condition = tonumber(lookup(attrs.labels, "team", "x")) > 0 }
  enforce { condition = tonumber(element(local.parts, 0)) > 0 }
  enforce { condition = length([for c in flatten([local.parts]) : tonumber(c)]) > 0 }
  enforce { condition = length([for k, v in merge(attrs.labels, {}) : tonumber(k)]) > 0 }
  enforce { condition = length([for k, v in zipmap(local.parts, [1]) : tonumber(k)]) > 0 }
  enforce { condition = length([for k, v in transpose({ a = local.parts }) : tonumber(k)]) > 0 }
  enforce { condition = length([for p in setproduct(local.parts, ["y"]) : tonumber(p[0])]) > 0 }
  enforce { condition = length([for ch in chunklist(local.parts, 1) : tonumber(ch[0])]) > 0 }
  enforce { condition = length([for c in tolist(local.parts) : tonumber(c)]) > 0 }
  enforce { condition = length([for k, v in tomap(attrs.labels) : tonumber(k)]) > 0 }
  enforce { condition = length([for c in split(",", format("%s,%s", attrs.password, upper(attrs.password))) : tonumber(c)]) > 0 }
  enforce { condition = length([for c in [base64encode(attrs.password), lower(attrs.password)] : c * 2]) > 0 }
  enforce { condition = length([for c in (attrs.pin > 0 ? local.parts : []) : tonumber(c)]) > 0 }
  enforce { condition = length("%{for c in local.parts}${tonumber(c)}%{endfor}") > 0 }
  enforce { condition = core::try([for c in local.parts : tonumber(c)]) == [] }
  enforce { condition = tonumber("${attrs.pin}x") > 0 }
  # Fail paths: the messages try to show laundered values.
  enforce {
    condition     = false
    error_message = "try=${core::try(tonumber(attrs.password), "fallback")} can=${core::can(tonumber(attrs.password))} for=${join(";", [for c in local.parts : c])} keys=%{for k, v in attrs.labels}${k};%{endfor} b64=${base64encode(attrs.password)} tokens=%{for t in attrs.auth[*].token}${t}%{endfor} pin=${attrs.pin + 0}"
    info_message  = "info %{for k, v in local.decoded}${k}%{endfor}"
  }
}
"#;

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{16,24}".prop_map(|s| format!("S3CR3T{s}"))
}

fn plan_with(secrets: &[String], pin: i64) -> String {
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "variables": {"db_password": {"value": secrets[0]}},
        "resource_changes": [{
            "address": "aws_db_instance.main",
            "mode": "managed", "type": "aws_db_instance", "name": "main",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["create"],
                "before": null,
                "after": {
                    "engine": "postgres",
                    "password": secrets[0],
                    "auth": [{"token": secrets[1], "kind": "iam"}],
                    "keys": ["public", secrets[2]],
                    "labels": {secrets[4].as_str(): "v", "team": "db"},
                    "pin": pin,
                },
                "after_unknown": {"id": true, "auth": [{}], "keys": [false, false]},
                "before_sensitive": false,
                "after_sensitive": {"password": true, "auth": [{"token": true}], "keys": [false, true],
                                    "labels": true, "pin": true}
            }
        }],
        "output_changes": {
            "db_password": {"actions": ["create"], "before": null, "after": secrets[3], "after_unknown": false,
                            "before_sensitive": true, "after_sensitive": true}
        },
        "configuration": {"root_module": {"variables": {"db_password": {"sensitive": true}}}}
    })
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn secrets_never_appear_in_any_output(
        secrets in prop::collection::vec(secret(), 5),
        pin in 100_000_000_000i64..999_999_999_999,
    ) {
        let text = plan_with(&secrets, pin);
        let plan = Plan::parse(&text).unwrap();
        let typo = |s: &str| s[..s.len() - 1].to_string();
        let launder = LAUNDER.replace("TYPO_PW", &typo(&secrets[0])).replace("TYPO_KEY", &typo(&secrets[4]));
        let set = PolicySet::from_sources([("leak.policy.hcl", LEAKY), ("launder.policy.hcl", launder.as_str())])
            .unwrap();
        let options = CheckOptions::default();
        let out = check_plan(&set, &plan, "plan.json", &options);
        prop_assert!(!out.findings.is_empty());
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            policies: describe_policies(&set, &options, |f| f.name().to_string()),
            findings: out.findings,
            errors: out.errors,
            ..Report::default()
        };
        report.gate = decide(&mut report.findings, &report.errors, UnknownMode::Fail);

        let mut outputs = Vec::new();
        for format in Format::ALL {
            for verbose in [false, true] {
                let opts = RenderOptions { verbose, ..RenderOptions::default() };
                outputs.push((format.name().to_string(), render(format, &report, &opts).unwrap()));
            }
        }
        // The plan's own renderers (inspect).
        for r in &plan.resources {
            let after = r.after().unwrap();
            outputs.push(("inspect".into(), render_resource("resource", r.resource_type(), r.name(), &after)));
            outputs.push(("inspect-json".into(), after.to_redacted_json().to_string()));
            outputs.push(("display".into(), after.to_string()));
        }
        for v in &plan.variables {
            outputs.push(("variable".into(), v.value().unwrap().to_string()));
        }
        for o in &plan.outputs {
            outputs.push(("output".into(), o.after().unwrap().to_redacted_json().to_string()));
        }
        let mut forbidden = vec![pin.to_string()];
        for s in &secrets {
            forbidden.extend([s.clone(), s.to_uppercase(), s.to_lowercase(), base64(s.as_bytes()), hex(s.as_bytes())]);
        }
        for (name, text) in &outputs {
            for f in &forbidden {
                prop_assert!(!text.contains(f.as_str()), "{} shows a secret ({}):\n{}", name, f, text);
            }
        }
        // The laundering policy was evaluated: its errors are in the report.
        prop_assert!(report.findings.iter().any(|f| &*f.policy_name == "launder" && f.message.contains("details hidden")));
        prop_assert!(outputs.iter().any(|(_, t)| t.contains("(sensitive value)")));
    }
}
