//! Taint tracking: a value the plan marks sensitive is `Value::Sensitive`
//! in the Terraform imports, reading it through anything sets the
//! evaluation's `sensitive_read`, and printing it shows a placeholder.

use indexmap::IndexMap;
use tfgate_plan::Plan;
use tfgate_sentinel::StandardImports;
use tfgate_sentinel::{
    evaluate, format_value, load_module, pretty_value, value_json, ChainImports, Evaluation, Imports, Limits, Program,
    RunInfo, TerraformImports, Value,
};

/// `import "data"`: a map with a sensitive password, list element and map.
struct Data;

impl Imports for Data {
    fn resolve(&self, name: &str) -> Option<Value> {
        (name == "data").then(|| {
            Value::map_from([
                ("engine", Value::from("postgres")),
                ("password", Value::sensitive(Value::from("s3cret-pw"))),
                ("items", Value::list(vec![Value::from("plain"), Value::sensitive(Value::from("hidden-item"))])),
                ("labels", Value::sensitive(Value::map_from([("KeyOfSecretMap", Value::from("v"))]))),
                ("open", Value::list(vec![Value::from("a"), Value::from("b")])),
            ])
        })
    }
}

fn run(source: &str) -> Evaluation {
    run_with(source, &Data)
}

fn run_with(source: &str, imports: &dyn Imports) -> Evaluation {
    let program = Program::parse("p.sentinel", source).unwrap_or_else(|d| panic!("{d:?}"));
    evaluate(&program, imports, &IndexMap::new(), &Limits::default())
}

const PRELUDE: &str = "import \"data\"\n";

fn reads(body: &str) -> bool {
    let ev = run(&format!("{PRELUDE}{body}"));
    assert!(ev.outcome.is_ok(), "{body}: {:?}", ev.outcome);
    ev.sensitive_read
}

#[test]
fn reads_through_lists_maps_functions_and_quantifiers_are_recorded() {
    for body in [
        "main = rule { data.password is \"x\" }",
        "x = data.items[1] + \"!\"\nmain = true",
        "main = rule { keys(data.labels) contains \"k\" }",
        "main = rule { length(data.labels) is 1 }",
        "f = func(v) { return v + \"!\" }\ny = f(data.password)\nmain = true",
        "main = rule { all data.items as i { i is not \"\" } }",
        "main = rule { any data.labels as k, v { k is \"x\" } }",
        "main = rule { data.items contains \"hidden-item\" }",
        "m = {\"p\": data.password}\nmain = rule { m.p is \"\" }",
    ] {
        assert!(reads(body), "not recorded: {body}");
    }
}

#[test]
fn reads_of_other_fields_are_not_recorded() {
    for body in [
        "main = rule { data.engine is \"postgres\" }",
        "main = rule { all data.open as i { i is not \"\" } }",
        "main = rule { length(data) is 5 and keys(data) contains \"password\" }",
        "print(data)\nprint(data.password)\nmain = true",
    ] {
        assert!(!reads(body), "recorded: {body}");
    }
}

#[test]
fn the_flag_is_reset_between_evaluations() {
    assert!(run(&format!("{PRELUDE}main = rule {{ data.password is \"x\" }}")).sensitive_read);
    assert!(!run(&format!("{PRELUDE}main = rule {{ data.engine is \"x\" }}")).sensitive_read);
    assert!(run(&format!("{PRELUDE}main = rule {{ data.labels is {{}} }}")).sensitive_read);
    assert!(!run("main = true").sensitive_read);
}

#[test]
fn a_sensitive_value_prints_as_a_placeholder_without_being_read() {
    let ev = run(&format!("{PRELUDE}print(data.password)\nprint(data.labels)\nprint(data.items)\nmain = true"));
    assert!(!ev.sensitive_read);
    assert_eq!(ev.prints, "(sensitive value)\n(sensitive value)\n[\"plain\", (sensitive value)]\n");
    let v = Value::sensitive(Value::from("s3cret-pw"));
    assert_eq!(format_value(&v), "(sensitive value)");
    assert_eq!(pretty_value(&v), "(sensitive value)");
    assert_eq!(value_json(&v), serde_json::json!("(sensitive value)"));
    assert_eq!(format!("{v:?}"), "(sensitive value)");
    // Still the value itself for the policy.
    assert_eq!(v.as_str(), Some("s3cret-pw"));
}

#[test]
fn a_module_that_read_a_secret_taints_its_users() {
    let module = Program::parse("m.sentinel", "import \"data\"\nupper = data.password + \"-x\"\nplain = 1\n").unwrap();
    let ns = load_module(&module, &Data, &Limits::default()).unwrap();
    assert!(ns.is_sensitive(), "a namespace holding a derived secret is marked");
    let clean = Program::parse("c.sentinel", "import \"data\"\nplain = data.engine\n").unwrap();
    assert!(!load_module(&clean, &Data, &Limits::default()).unwrap().is_sensitive());
}

const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.8",
  "variables":{"db_pass":{"value":"var-secret-1"},"region":{"value":"eu-west-1"}},
  "resource_changes":[{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main",
    "provider_name":"registry.terraform.io/hashicorp/aws",
    "change":{"actions":["update"],"before":{"engine":"postgres","password":"old-secret-9","labels":{"KeyOfSecretMap":"v"}},
      "after":{"engine":"postgres","password":"917364,Tr0ub4dorSecret,42","labels":{"KeyOfSecretMap":"v","team":"db"}},
      "after_unknown":{},"before_sensitive":{"password":true,"labels":true},"after_sensitive":{"password":true,"labels":true}}}],
  "output_changes":{"conn":{"actions":["create"],"before":null,"after":"conn-secret-7","after_unknown":false,"before_sensitive":false,"after_sensitive":true}},
  "prior_state":{"values":{"outputs":{"conn":{"sensitive":true,"value":"conn-secret-7"}},"root_module":{"resources":[
    {"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main","provider_name":"registry.terraform.io/hashicorp/aws",
     "values":{"engine":"postgres","password":"old-secret-9","labels":{"KeyOfSecretMap":"v"}},"sensitive_values":{"password":true,"labels":true}}]}}},
  "configuration":{"root_module":{"variables":{"db_pass":{"sensitive":true},"region":{}}}}}"#;

/// Runs `body` against the Terraform imports of [`PLAN`] and the standard imports.
fn on_plan(body: &str) -> Evaluation {
    let plan = Plan::parse(PLAN).unwrap();
    let tf = TerraformImports::new(&plan, RunInfo::default()).unwrap();
    let std = StandardImports::default();
    let chain = ChainImports(vec![&tf, &std]);
    let ev = run_with(body, &chain);
    assert!(ev.outcome.is_ok(), "{body}: {:?}", ev.outcome);
    ev
}

#[test]
fn every_terraform_import_marks_what_the_plan_marks_sensitive() {
    let secret_reads = [
        "import \"tfplan/v2\" as p\nmain = rule { p.resource_changes[\"aws_db_instance.main\"].change.after.password is \"\" }",
        "import \"tfplan/v2\" as p\nmain = rule { p.resource_changes[\"aws_db_instance.main\"].change.before.password is \"\" }",
        "import \"tfplan/v2\" as p\nmain = rule { keys(p.resource_changes[\"aws_db_instance.main\"].change.after.labels) is [] }",
        "import \"tfplan/v2\" as p\nmain = rule { p.output_changes.conn.change.after is \"\" }",
        "import \"tfplan/v2\" as p\nmain = rule { p.variables.db_pass.value is \"\" }",
        "import \"tfplan/v2\" as p\nmain = rule { p.raw.resource_changes[0].change.after.password is \"\" }",
        "import \"tfplan/v2\" as p\nmain = rule { keys(p.raw.resource_changes[0].change.after.labels) is [] }",
        "import \"tfplan/v2\" as p\nmain = rule { p.raw.variables.db_pass.value is \"\" }",
        "import \"tfplan/v2\" as p\nmain = rule { p.raw.prior_state.values.outputs.conn.value is \"\" }",
        "import \"tfstate/v2\" as s\nmain = rule { s.resources[\"aws_db_instance.main\"].values.password is \"\" }",
        "import \"tfstate/v2\" as s\nmain = rule { s.outputs.conn.value is \"\" }",
        "import \"tfplan\" as p\nmain = rule { p.resources.aws_db_instance.main[0].applied.password is \"\" }",
        "import \"tfplan\" as p\nmain = rule { keys(p.resources.aws_db_instance.main[0].diff) is [] }",
        "import \"tfplan\" as p\nmain = rule { p.variables.db_pass is \"\" }",
        "import \"tfstate\" as s\nmain = rule { s.resources.aws_db_instance.main[0].attr.password is \"\" }",
        "import \"tfstate\" as s\nmain = rule { s.outputs.conn.value is \"\" }",
    ];
    for body in secret_reads {
        assert!(on_plan(body).sensitive_read, "not marked: {body}");
    }
    let plain_reads = [
        "import \"tfplan/v2\" as p\nmain = rule { p.resource_changes[\"aws_db_instance.main\"].change.after.engine is \"postgres\" }",
        "import \"tfplan/v2\" as p\nmain = rule { p.variables.region.value is \"eu-west-1\" }",
        "import \"tfplan/v2\" as p\nmain = rule { p.raw.resource_changes[0].change.after.engine is \"postgres\" }",
        "import \"tfstate/v2\" as s\nmain = rule { s.resources[\"aws_db_instance.main\"].values.engine is \"postgres\" }",
        "import \"tfplan\" as p\nmain = rule { p.resources.aws_db_instance.main[0].applied.engine is \"postgres\" }",
        "import \"tfstate\" as s\nmain = rule { s.resources.aws_db_instance.main[0].attr.engine is \"postgres\" }",
    ];
    for body in plain_reads {
        assert!(!on_plan(body).sensitive_read, "marked: {body}");
    }
}

#[test]
fn transformed_secrets_are_caught_by_the_flag_not_by_text() {
    // What the scrubber could never see: pieces, case, encodings.
    let ev = on_plan(
        "import \"tfplan/v2\" as p\nimport \"strings\"\nimport \"base64\"\n\
         pw = p.resource_changes[\"aws_db_instance.main\"].change.after.password\n\
         print(strings.split(pw, \",\"), strings.to_upper(pw), base64.encode(pw))\nmain = true",
    );
    assert!(ev.sensitive_read);
}

/// `import "m"`: a module namespace loaded once, shared by every run.
struct Shared(Value);

impl Imports for Shared {
    fn resolve(&self, name: &str) -> Option<Value> {
        match name {
            "m" => Some(self.0.clone()),
            other => Data.resolve(other),
        }
    }
}

#[test]
fn a_shared_rule_derived_from_a_secret_taints_every_reader() {
    // The module's rule is evaluated by the first policy that reads it and
    // memoised; a later policy gets the memo without reading the secret.
    let module = Program::parse("m.sentinel", "import \"data\"\nr = rule { data.password + \"-x\" }\n").unwrap();
    let ns = load_module(&module, &Data, &Limits::default()).unwrap();
    assert!(!ns.is_sensitive(), "the rule is not evaluated at load");
    let imports = Shared(ns);
    let first = run_with("import \"m\"\nprint(m.r)\nmain = true", &imports);
    assert!(first.sensitive_read);
    // The memo is still marked: printed, it is the placeholder; used, the
    // run is marked.
    let second = run_with("import \"m\"\nprint(m.r)\nmain = true", &imports);
    assert_eq!(second.prints, "(sensitive value)\n");
    let third = run_with("import \"m\"\nprint(m.r + \"!\")\nmain = true", &imports);
    assert!(third.sensitive_read, "{}", third.prints);
}
