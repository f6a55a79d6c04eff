//! No output ever shows a sensitive value. Plans carry random secrets in
//! sensitive attributes (at the top, nested, in lists), in sensitive root
//! variables and in sensitive outputs; policies try hard to print them
//! (interpolation, functions, `jsonencode` of everything, error messages);
//! every report format and the plan renderers must redact them.

use proptest::prelude::*;
use serde_json::json;
use tfgate_plan::render::render_resource;
use tfgate_plan::Plan;
use tfgate_policy::check::{check_plan, describe_policies, CheckOptions};
use tfgate_policy::gate::{decide, UnknownMode};
use tfgate_policy::PolicySet;
use tfgate_report::{render, Format, RenderOptions, Report, SCHEMA_VERSION};

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

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{16,24}".prop_map(|s| format!("S3CR3T{s}"))
}

fn plan_with(secrets: &[String]) -> String {
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
                },
                "after_unknown": {"id": true, "auth": [{}], "keys": [false, false]},
                "before_sensitive": false,
                "after_sensitive": {"password": true, "auth": [{"token": true}], "keys": [false, true]}
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
    fn secrets_never_appear_in_any_output(secrets in prop::collection::vec(secret(), 4)) {
        let text = plan_with(&secrets);
        let plan = Plan::parse(&text).unwrap();
        let set = PolicySet::from_sources([("leak.policy.hcl", LEAKY)]).unwrap();
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
        report.gate = decide(&report.findings, &report.errors, UnknownMode::Fail);

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
        for (name, text) in &outputs {
            for s in &secrets {
                prop_assert!(!text.contains(s.as_str()), "{} shows a secret:\n{}", name, text);
                prop_assert!(!text.contains(&s.to_uppercase()), "{} shows a secret in upper case", name);
            }
        }
        prop_assert!(outputs.iter().any(|(_, t)| t.contains("(sensitive value)")));
    }
}
