//! Policy files end to end: the examples of the Terraform policy reference
//! pages, and evaluation of policy blocks against targets.

use std::collections::BTreeMap;

use tfgate_lang_hcl::{
    load_policy_source, EnforcementLevel, EvalErrorKind, Evaluator, Limits, NoResources, NotApplicable, PolicyFile,
    PolicyOutcome, ResourceSource, Status, Target, TargetKind,
};
use tfgate_plan::Value;

fn resource(ty: &str, attrs: Value, actions: &[&str]) -> Target {
    Target {
        kind: TargetKind::Resource,
        name: ty.to_string(),
        attrs,
        prior_attrs: Value::null(),
        meta: Value::object_from([("type", Value::string(ty)), ("address", Value::string(format!("{ty}.this")))]),
        actions: actions.iter().map(|a| a.to_string()).collect(),
    }
}

fn load(src: &str) -> PolicyFile {
    load_policy_source("example.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"))
}

fn outcome(file: &PolicyFile, name: &str, target: &Target) -> PolicyOutcome {
    let ev = Evaluator::new(file, &BTreeMap::new(), &NoResources, Limits::default()).expect("inputs");
    ev.evaluate(file.policy(name).expect("policy"), target)
}

fn statuses(o: &PolicyOutcome) -> Vec<Status> {
    match o {
        PolicyOutcome::Evaluated { results, .. } => results.iter().map(|r| r.status).collect(),
        other => panic!("not evaluated: {other:?}"),
    }
}

/// An example that calls functions of the function library: it always
/// loads (functions are resolved when called); on a branch without some of
/// them its only warnings are "unknown function" for those names, and it is
/// not evaluated.
fn load_needing(src: &str, functions: &[&str]) -> Option<PolicyFile> {
    let missing: Vec<&str> =
        functions.iter().copied().filter(|f| !tfgate_lang_hcl::function_names().any(|n| n == *f)).collect();
    let f = load_policy_source("example.policy.hcl", src).unwrap_or_else(|e| panic!("{e}"));
    for d in &f.warnings {
        assert!(d.message.starts_with("Call to unknown function"), "{}", d.render());
        assert!(missing.iter().any(|m| d.message.contains(m)), "{}", d.render());
    }
    missing.is_empty().then_some(f)
}

const RESOURCE_POLICY_EXAMPLE: &str = r#"
resource_policy "aws_instance" "testing" {
  operations = ["create", "update"]
  enforcement_level = "mandatory"
  filter = attrs.tags.env == "testing"
  locals {
    allowed_type = "t3.micro"
  }
  enforce {
    condition = attrs.instance_type == local.allowed_type
    error_message = "Only ${local.allowed_type} instances are allowed in testing environments."
    info_message = "Checking instance type: ${attrs.instance_type}"
  }
  enforce {
    condition = attrs.monitoring == true
    error_message = "Monitoring must be enabled for all instances."
  }
}
"#;

fn instance(instance_type: Value, env: &str, monitoring: bool) -> Value {
    Value::object_from([
        ("instance_type", instance_type),
        ("monitoring", Value::bool(monitoring)),
        ("tags", Value::object_from([("env", Value::string(env))])),
    ])
}

#[test]
fn reference_resource_policy_passes_and_fails() {
    let f = load(RESOURCE_POLICY_EXAMPLE);
    let p = &f.policies[0];
    assert_eq!((p.kind, p.target.as_str(), p.name.as_str()), (TargetKind::Resource, "aws_instance", "testing"));

    let ok = outcome(
        &f,
        "testing",
        &resource("aws_instance", instance(Value::string("t3.micro"), "testing", true), &["create"]),
    );
    assert_eq!(statuses(&ok), [Status::Pass, Status::Pass]);
    let PolicyOutcome::Evaluated { enforcement_level, results, .. } = &ok else { unreachable!() };
    assert_eq!(*enforcement_level, EnforcementLevel::Mandatory);
    assert_eq!(results[0].info_message.as_deref(), Some("Checking instance type: t3.micro"));
    assert_eq!(results[0].error_message, None);

    let bad = outcome(
        &f,
        "testing",
        &resource("aws_instance", instance(Value::string("t3.large"), "testing", false), &["update"]),
    );
    assert_eq!(statuses(&bad), [Status::Fail, Status::Fail]);
    let PolicyOutcome::Evaluated { results, .. } = &bad else { unreachable!() };
    assert_eq!(
        results[0].error_message.as_deref(),
        Some("Only t3.micro instances are allowed in testing environments.")
    );
    assert_eq!(results[1].error_message.as_deref(), Some("Monitoring must be enabled for all instances."));
    assert_eq!(bad.status(), Some(Status::Fail));
}

#[test]
fn reference_resource_policy_applicability() {
    let f = load(RESOURCE_POLICY_EXAMPLE);
    let prod = resource("aws_instance", instance(Value::string("t3.large"), "prod", true), &["create"]);
    assert_eq!(outcome(&f, "testing", &prod), PolicyOutcome::NotApplicable(NotApplicable::Filtered));
    let deleting = resource("aws_instance", Value::null(), &["delete"]);
    assert_eq!(outcome(&f, "testing", &deleting), PolicyOutcome::NotApplicable(NotApplicable::Operation));
    let replacing =
        resource("aws_instance", instance(Value::string("t3.micro"), "testing", true), &["delete", "create"]);
    assert_eq!(statuses(&outcome(&f, "testing", &replacing)), [Status::Pass, Status::Pass]);
    let other = resource("aws_s3_bucket", Value::object_from([("bucket", Value::string("b"))]), &["create"]);
    assert_eq!(outcome(&f, "testing", &other), PolicyOutcome::NotApplicable(NotApplicable::Target));
    let mut module = other.clone();
    module.kind = TargetKind::Module;
    assert_eq!(outcome(&f, "testing", &module), PolicyOutcome::NotApplicable(NotApplicable::Kind));
}

#[test]
fn reference_resource_policy_with_unknown_values() {
    let f = load(RESOURCE_POLICY_EXAMPLE);
    let t = resource("aws_instance", instance(Value::unknown(), "testing", true), &["create"]);
    let o = outcome(&f, "testing", &t);
    assert_eq!(statuses(&o), [Status::Unknown, Status::Pass]);
    let PolicyOutcome::Evaluated { results, .. } = &o else { unreachable!() };
    assert_eq!(results[0].info_message.as_deref(), Some("Checking instance type: (known after apply)"));
    assert_eq!(
        results[0].error_message.as_deref(),
        Some("Only t3.micro instances are allowed in testing environments.")
    );

    // An unknown filter cannot rule the policy out: failures become unknown.
    let mut attrs = instance(Value::string("t3.large"), "x", true);
    if let tfgate_plan::Kind::Object(o) = &mut attrs.kind {
        o.insert("tags", Value::unknown());
    }
    let o = outcome(&f, "testing", &resource("aws_instance", attrs, &["create"]));
    let PolicyOutcome::Evaluated { filter_unknown, .. } = &o else { panic!("{o:?}") };
    assert!(filter_unknown);
    assert_eq!(statuses(&o), [Status::Unknown, Status::Pass]);
}

#[test]
fn design_example_imdsv2() {
    let f = load(
        r#"
resource_policy "aws_instance" "imdsv2_required" {
  enforcement_level = "mandatory"
  filter            = attrs.instance_type != null
  locals { tokens = core::try(attrs.metadata_options[0].http_tokens, null) }
  enforce {
    condition     = local.tokens == "required"
    error_message = "IMDSv2 must be required (http_tokens = \"required\"), found ${local.tokens}."
  }
}
"#,
    );
    let with = |opts: Value| {
        resource(
            "aws_instance",
            Value::object_from([("instance_type", Value::string("t3.micro")), ("metadata_options", opts)]),
            &["create"],
        )
    };
    let opt = |t: &str| Value::list(vec![Value::object_from([("http_tokens", Value::string(t))])]);
    assert_eq!(statuses(&outcome(&f, "imdsv2_required", &with(opt("required")))), [Status::Pass]);
    let o = outcome(&f, "imdsv2_required", &with(opt("optional")));
    let PolicyOutcome::Evaluated { results, .. } = &o else { unreachable!() };
    assert_eq!(results[0].status, Status::Fail);
    assert_eq!(
        results[0].error_message.as_deref(),
        Some("IMDSv2 must be required (http_tokens = \"required\"), found optional.")
    );
    let o = outcome(&f, "imdsv2_required", &with(Value::list(vec![])));
    let PolicyOutcome::Evaluated { results, .. } = &o else { unreachable!() };
    assert_eq!(
        results[0].error_message.as_deref(),
        Some("IMDSv2 must be required (http_tokens = \"required\"), found null.")
    );
    assert_eq!(statuses(&outcome(&f, "imdsv2_required", &with(Value::unknown()))), [Status::Unknown]);
}

#[test]
fn reference_policy_block_example_loads() {
    let f = load(
        r#"
policy {
  terraform_config {
    required_version = ">= 1.16.0"
  }
  plugins {
    example = {
      source = "../plugins/bin/example"
    }
    custom_validator = {
      source = "../plugins/bin/custom-validator"
    }
  }
}
"#,
    );
    assert!(f.policies.is_empty());
}

#[test]
fn reference_provider_policy_example() {
    let src = r#"
provider_policy "aws" "standard_configuration" {
  enforcement_level = "mandatory"
  filter = meta.alias == null
  locals {
    version_constraint = core::semverconstraint(meta.version, ">= 5.0.0")
  }
  enforce {
    condition = attrs.region == "us-east-1"
    error_message = "All AWS resources must be deployed in the us-east-1 region."
    info_message = "Checking provider region: ${attrs.region}"
  }
  enforce {
    condition = meta.source == "hashicorp/aws"
    error_message = "Only the official HashiCorp AWS provider is permitted."
  }
  enforce {
    condition = local.version_constraint
    error_message = "The AWS provider version must be at least 5.0.0."
  }
}
"#;
    let Some(f) = load_needing(src, &["semverconstraint"]) else {
        return;
    };
    let t = Target {
        kind: TargetKind::Provider,
        name: "aws".into(),
        attrs: Value::object_from([("region", Value::string("eu-west-1"))]),
        prior_attrs: Value::null(),
        meta: Value::object_from([
            ("alias", Value::null()),
            ("source", Value::string("hashicorp/aws")),
            ("version", Value::string("5.1.0")),
        ]),
        actions: vec![],
    };
    assert_eq!(statuses(&outcome(&f, "standard_configuration", &t)), [Status::Fail, Status::Pass, Status::Pass]);
}

#[test]
fn reference_module_policy_example() {
    let src = r#"
module_policy "*" "version_and_source_check" {
  enforcement_level = "mandatory"
  filter = meta.version != null
  locals {
    min_version = "1.0.0"
  }
  enforce {
    condition = core::semverconstraint(meta.version, ">= ${local.min_version}")
    error_message = "Module version must be at least ${local.min_version}."
  }
}
"#;
    let Some(f) = load_needing(src, &["semverconstraint"]) else {
        return;
    };
    let module = |v: Value| Target {
        kind: TargetKind::Module,
        name: "terraform-aws-modules/vpc/aws".into(),
        attrs: Value::object_from(Vec::<(String, Value)>::new()),
        prior_attrs: Value::null(),
        meta: Value::object_from([("source", Value::string("terraform-aws-modules/vpc/aws")), ("version", v)]),
        actions: vec![],
    };
    assert_eq!(statuses(&outcome(&f, "version_and_source_check", &module(Value::string("0.9.0")))), [Status::Fail]);
    assert_eq!(
        outcome(&f, "version_and_source_check", &module(Value::null())),
        PolicyOutcome::NotApplicable(NotApplicable::Filtered)
    );
}

#[test]
fn reference_locals_example() {
    let src = r#"
locals {
  approved_regions = ["us-east-1", "us-west-2", "eu-west-1"]
  version_constraint = ">= 5.0.0"
}
provider_policy "aws" "region_and_version" {
  locals {
    meets_version = core::semverconstraint(meta.version, local.version_constraint)
  }
  enforce {
    condition = core::contains(local.approved_regions, attrs.region)
    error_message = "AWS provider region must be one of: ${core::join(", ", local.approved_regions)}"
  }
  enforce {
    condition = local.meets_version
    error_message = "The AWS provider version must be at least ${local.version_constraint}."
  }
}
"#;
    let Some(f) = load_needing(src, &["semverconstraint", "contains", "join"]) else {
        return;
    };
    assert_eq!(f.locals.len(), 2);
    assert_eq!(f.policies[0].locals.len(), 1);
}

#[test]
fn reference_input_example() {
    let src = r#"
input "allowed_instance_types" {
  type = list(string)
  description = "List of allowed EC2 instance types"
  default = ["t3.micro", "t3.small"]
  sensitive = false
  nullable = false
}
input "environment" {
  type = string
  description = "The environment name (For example: dev, staging, prod)"
  default = "dev"
}
resource_policy "aws_instance" "instance_type_check" {
  enforce {
    condition = core::contains(input.allowed_instance_types, attrs.instance_type)
    error_message = "Instance type ${attrs.instance_type} is not in the allowed list for the ${input.environment} environment: ${core::join(", ", input.allowed_instance_types)}"
  }
}
"#;
    let Some(f) = load_needing(src, &["contains", "join"]) else {
        return;
    };
    let o = outcome(
        &f,
        "instance_type_check",
        &resource("aws_instance", instance(Value::string("m5.large"), "x", true), &["create"]),
    );
    let PolicyOutcome::Evaluated { results, .. } = &o else { panic!("{o:?}") };
    assert_eq!(
        results[0].error_message.as_deref(),
        Some("Instance type m5.large is not in the allowed list for the dev environment: t3.micro, t3.small")
    );
}

const INPUTS: &str = r#"
input "max_size" {
  type    = number
  default = 100
}
input "level" {
  type    = string
  default = "advisory"
}
input "token" {
  type      = string
  default   = "s3cr3t"
  sensitive = true
}
resource_policy "aws_ebs_volume" "size" {
  enforcement_level = input.level
  enforce {
    condition     = attrs.size <= input.max_size
    error_message = "Volume of ${attrs.size} GiB exceeds ${input.max_size} GiB (token ${input.token})."
  }
}
"#;

#[test]
fn inputs_have_defaults_and_can_be_overridden() {
    let f = load(INPUTS);
    let vol = resource("aws_ebs_volume", Value::object_from([("size", Value::number(500))]), &["create"]);
    let ev = Evaluator::new(&f, &BTreeMap::new(), &NoResources, Limits::default()).unwrap();
    let o = ev.evaluate(&f.policies[0], &vol);
    let PolicyOutcome::Evaluated { enforcement_level, results, .. } = &o else { panic!("{o:?}") };
    assert_eq!(*enforcement_level, EnforcementLevel::Advisory);
    assert_eq!(results[0].status, Status::Fail);
    // A sensitive input never shows in a message.
    assert_eq!(
        results[0].error_message.as_deref(),
        Some("Volume of 500 GiB exceeds 100 GiB (token (sensitive value)).")
    );

    // Values from outside are converted to the declared type.
    let given = BTreeMap::from([
        ("max_size".to_string(), Value::string("1000")),
        ("level".to_string(), Value::string("soft-mandatory")),
    ]);
    let ev = Evaluator::new(&f, &given, &NoResources, Limits::default()).unwrap();
    let o = ev.evaluate(&f.policies[0], &vol);
    let PolicyOutcome::Evaluated { enforcement_level, results, .. } = &o else { panic!("{o:?}") };
    assert_eq!(*enforcement_level, EnforcementLevel::MandatoryOverridable);
    assert_eq!(results[0].status, Status::Pass);

    let bad = BTreeMap::from([("max_sise".to_string(), Value::number(1))]);
    let err = Evaluator::new(&f, &bad, &NoResources, Limits::default()).err().expect("undeclared input");
    assert!(err.to_string().contains("input \"max_sise\" is not declared"), "{err}");
    let bad = BTreeMap::from([("max_size".to_string(), Value::string("big"))]);
    assert!(Evaluator::new(&f, &bad, &NoResources, Limits::default()).is_err());
    let bad = BTreeMap::from([("level".to_string(), Value::string("strict"))]);
    let ev = Evaluator::new(&f, &bad, &NoResources, Limits::default()).unwrap();
    let PolicyOutcome::Error(e) = ev.evaluate(&f.policies[0], &vol) else { panic!() };
    assert!(e.message.contains("Invalid enforcement level"), "{}", e.message);
}

#[test]
fn sensitive_attributes_never_reach_messages_or_errors() {
    let f = load(
        r#"
resource_policy "aws_db_instance" "password" {
  enforce {
    condition     = length(attrs.password) >= 16
    error_message = "Password ${attrs.password} of ${attrs.username} is too short."
    info_message  = "Checked ${attrs.username}: ${attrs.password}"
  }
  enforce {
    condition     = attrs.password.foo == 1
    error_message = "unreachable"
  }
  enforce {
    condition     = { a = 1 }[attrs.password] == 1
    error_message = "unreachable"
  }
}
"#,
    );
    let t = resource(
        "aws_db_instance",
        Value::object_from([
            ("password", Value::string("hunter2").into_sensitive()),
            ("username", Value::string("admin")),
        ]),
        &["create"],
    );
    let o = outcome(&f, "password", &t);
    let PolicyOutcome::Evaluated { results, .. } = &o else { panic!("{o:?}") };
    assert_eq!(results[0].status, Status::Fail);
    assert_eq!(results[0].error_message.as_deref(), Some("Password (sensitive value) of admin is too short."));
    assert_eq!(results[0].info_message.as_deref(), Some("Checked admin: (sensitive value)"));
    assert_eq!(results[1].status, Status::Error);
    assert_eq!(results[2].status, Status::Error);
    let everything = format!("{o:?}");
    assert!(!everything.contains("hunter2"), "{everything}");
}

#[test]
fn step_limit_stops_a_runaway_policy() {
    let xs: Vec<String> = (0..60).map(|i| i.to_string()).collect();
    let src = format!(
        r#"
locals {{ xs = [{}] }}
resource_policy "aws_instance" "runaway" {{
  enforce {{
    condition     = length([for a in local.xs : [for b in local.xs : [for c in local.xs : a + b + c]]]) > 0
    error_message = "never"
  }}
}}
"#,
        xs.join(", ")
    );
    let f = load(&src);
    let t = resource("aws_instance", Value::object_from([("id", Value::string("i"))]), &["create"]);
    let ev =
        Evaluator::new(&f, &BTreeMap::new(), &NoResources, Limits { max_steps: 50_000, ..Limits::default() }).unwrap();
    let o = ev.evaluate(&f.policies[0], &t);
    let PolicyOutcome::Evaluated { results, .. } = &o else { panic!("{o:?}") };
    assert_eq!(results[0].status, Status::Error);
    let err = results[0].error.as_ref().expect("error");
    assert_eq!(err.kind, EvalErrorKind::StepLimit);
    let d = ev.diagnostic(err).render();
    assert!(d.contains("Evaluation step limit exceeded"), "{d}");
    assert!(d.contains("example.policy.hcl:"), "{d}");

    // The default limit is generous enough for a smaller version of it.
    let t2 = resource("aws_instance", Value::object_from([("id", Value::string("i"))]), &["create"]);
    let small = load(&src.replace(&xs.join(", "), "1, 2, 3"));
    assert_eq!(statuses(&outcome(&small, "runaway", &t2)), [Status::Pass]);
}

struct Plan;
impl ResourceSource for Plan {
    fn resources(&self, t: &str) -> Vec<Value> {
        let versioning = |bucket: &str, status: &str| {
            Value::object_from([("bucket", Value::string(bucket)), ("status", Value::string(status))])
        };
        match t {
            "aws_s3_bucket_versioning" => vec![versioning("logs", "Enabled"), versioning("www", "Suspended")],
            _ => vec![],
        }
    }
}

#[test]
fn getresources_joins_across_resources() {
    let f = load(
        r#"
locals {
  all_versioning = core::getresources("aws_s3_bucket_versioning", {})
}
resource_policy "aws_s3_bucket" "versioned" {
  locals {
    mine = [for v in local.all_versioning : v if v.bucket == attrs.bucket]
    enabled = core::getresources("aws_s3_bucket_versioning", { bucket = attrs.bucket, status = "Enabled" })
  }
  enforce {
    condition     = length(local.mine) > 0 && length(local.enabled) > 0
    error_message = "Bucket ${attrs.bucket} must have versioning enabled."
  }
}
"#,
    );
    let ev = Evaluator::new(&f, &BTreeMap::new(), &Plan, Limits::default()).unwrap();
    let bucket = |b: &str| resource("aws_s3_bucket", Value::object_from([("bucket", Value::string(b))]), &["create"]);
    assert_eq!(ev.evaluate(&f.policies[0], &bucket("logs")).status(), Some(Status::Pass));
    assert_eq!(ev.evaluate(&f.policies[0], &bucket("www")).status(), Some(Status::Fail));
    assert_eq!(ev.evaluate(&f.policies[0], &bucket("none")).status(), Some(Status::Fail));
    let unknown = resource("aws_s3_bucket", Value::object_from([("bucket", Value::unknown())]), &["create"]);
    assert_eq!(ev.evaluate(&f.policies[0], &unknown).status(), Some(Status::Unknown));
}

#[test]
fn wildcard_targets_and_errors_stay_separate_statuses() {
    let f = load(
        r#"
resource_policy "aws_*" "tags" {
  filter = attrs != null
  enforce {
    condition     = attrs.tags.owner != ""
    error_message = "Resources need an owner tag."
  }
}
"#,
    );
    let ev = Evaluator::new(&f, &BTreeMap::new(), &NoResources, Limits::default()).unwrap();
    let p = &f.policies[0];
    let tagged = |tags: Value| resource("aws_vpc", Value::object_from([("tags", tags)]), &["create"]);
    assert_eq!(
        ev.evaluate(p, &tagged(Value::object_from([("owner", Value::string("me"))]))).status(),
        Some(Status::Pass)
    );
    assert_eq!(
        ev.evaluate(p, &tagged(Value::object_from([("owner", Value::string(""))]))).status(),
        Some(Status::Fail)
    );
    assert_eq!(ev.evaluate(p, &tagged(Value::unknown())).status(), Some(Status::Unknown));
    assert_eq!(ev.evaluate(p, &tagged(Value::null())).status(), Some(Status::Error));
    let google = resource("google_compute_instance", Value::object_from([("tags", Value::null())]), &["create"]);
    assert_eq!(ev.evaluate(p, &google), PolicyOutcome::NotApplicable(NotApplicable::Target));
    // Deletions are out of the default operations.
    let del = resource("aws_vpc", Value::null(), &["delete"]);
    assert_eq!(ev.evaluate(p, &del), PolicyOutcome::NotApplicable(NotApplicable::Operation));
}

#[test]
fn evaluator_is_shareable_across_threads() {
    fn assert_sync<T: Sync>() {}
    assert_sync::<Evaluator<'static>>();
}
