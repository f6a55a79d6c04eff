//! What keeps `tfgate check` proportional to the plan and its findings on
//! very large plans: findings share the strings they repeat.

use std::sync::Arc;

use tfgate_plan::Plan;
use tfgate_policy::check::{check_plan, CheckOptions};
use tfgate_policy::PolicySet;
use tfgate_report::Status;

const TWO_POLICIES: &str = r#"
policy {
  tfgate {
    id = "SCALE"
  }
}

resource_policy "aws_instance" "tokens" {
  enforcement_level = "mandatory"
  enforce {
    condition     = core::try(attrs.metadata_options[0].http_tokens, null) == "required"
    error_message = "IMDSv2 is not required"
  }
}

resource_policy "aws_instance" "ami" {
  enforcement_level = "advisory"
  enforce {
    condition = attrs.ami != ""
  }
}
"#;

/// A plan of `n` aws_instance entries `aws_instance.w[i]` with the given
/// after-values (as JSON), in module `module` ("" for the root).
fn plan_json(afters: &[String], module: &str) -> String {
    let prefix = if module.is_empty() { String::new() } else { format!("{module}.") };
    let changes: Vec<String> = afters
        .iter()
        .enumerate()
        .map(|(i, after)| {
            let module_address =
                if module.is_empty() { String::new() } else { format!(r#""module_address":"{module}","#) };
            format!(
                r#"{{"address":"{prefix}aws_instance.w[{i}]",{module_address}"mode":"managed","type":"aws_instance","name":"w","index":{i},
                "provider_name":"registry.terraform.io/hashicorp/aws",
                "change":{{"actions":["create"],"before":null,"after":{after},"after_unknown":{{}},"after_sensitive":{{}}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"format_version":"1.2","planned_values":{{"root_module":{{}}}},"resource_changes":[{}],
        "configuration":{{"root_module":{{}}}}}}"#,
        changes.join(",")
    )
}

#[test]
fn findings_share_the_strings_they_repeat() {
    let set = PolicySet::from_sources([("scale.policy.hcl", TWO_POLICIES)]).unwrap();
    let afters: Vec<String> = (0..3)
        .map(|i| {
            if i == 1 {
                r#"{"ami":"ami-1","metadata_options":[{"http_tokens":"required"}]}"#.to_string()
            } else {
                r#"{"ami":"ami-1"}"#.to_string()
            }
        })
        .collect();
    let text = plan_json(&afters, "module.app");
    let plan = Plan::parse(&text).unwrap();
    let out = check_plan(&set, &plan, "plan.json", &CheckOptions::default());
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(out.findings.len(), 6);

    let of = |policy: &str, address: &str| {
        out.findings
            .iter()
            .find(|f| &*f.policy_name == policy && &*f.address == address)
            .unwrap_or_else(|| panic!("no finding of {policy} on {address}"))
    };
    let a = of("tokens", "module.app.aws_instance.w[0]");
    let b = of("ami", "module.app.aws_instance.w[0]");
    let c = of("tokens", "module.app.aws_instance.w[2]");
    // The right values first, then that they are one allocation each.
    assert_eq!((a.status, b.status, c.status), (Status::Fail, Status::Pass, Status::Fail));
    assert_eq!(&*a.policy_id, "SCALE/tokens");
    assert_eq!(&*a.module_path, "module.app");
    assert_eq!(a.resource_type.as_deref(), Some("aws_instance"));
    assert_eq!(a.message, "IMDSv2 is not required");
    // One target's findings share its address; one policy's findings its id
    // and name; every finding the plan's name, resource type and module.
    assert!(Arc::ptr_eq(&a.address, &b.address));
    assert!(Arc::ptr_eq(&a.policy_id, &c.policy_id));
    assert!(Arc::ptr_eq(&a.policy_name, &c.policy_name));
    assert!(Arc::ptr_eq(&a.plan, &b.plan) && Arc::ptr_eq(&a.plan, &c.plan));
    assert!(Arc::ptr_eq(a.resource_type.as_ref().unwrap(), c.resource_type.as_ref().unwrap()));
    assert!(Arc::ptr_eq(&a.module_path, &c.module_path));
    // A pass without info messages carries no text of its own.
    assert!(b.message.is_empty() && b.message.capacity() == 0);
}
