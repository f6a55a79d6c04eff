//! What policies need to know about the configuration, read by the plan
//! reader as typed values: the arguments a resource block sets, a module
//! call's arguments as values, and whether a JSON file is a plan at all.

use tfgate_plan::{clearly_not_a_plan, Kind, Plan};

const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.8",
  "resource_changes":[
    {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web",
     "change":{"actions":["create"],"before":null,"after":{"ami":"a"},"after_unknown":{}}}],
  "configuration":{"root_module":{
    "resources":[{"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web",
      "expressions":{"ami":{"constant_value":"a"},"subnet_id":{"references":["aws_subnet.x.id","aws_subnet.x"]},
                     "metadata_options":[{"http_tokens":{"constant_value":"required"}}]}}],
    "module_calls":{"app":{"source":"./modules/app",
      "expressions":{"size":{"constant_value":12345678901234567890123},"name":{"constant_value":"x"},
                     "vpc":{"references":["module.vpc.id"]},"tags":{"constant_value":{"team":"a"}},
                     "blocks":[{"n":{"constant_value":1}},{"n":{"references":["var.n"]}}],
                     "password":{"references":["var.secret"]}},
      "module":{"variables":{"password":{"sensitive":true}}}}}}}}"#;

#[test]
fn configured_arguments_of_a_resource_block() {
    let plan = Plan::parse(PLAN).unwrap();
    let block = plan.config_resource(&plan.resources[0].address).unwrap();
    assert_eq!(block.configured_arguments().unwrap(), ["ami", "metadata_options", "subnet_id"]);
}

#[test]
fn module_call_arguments_as_values() {
    let plan = Plan::parse(PLAN).unwrap();
    let args = plan.modules["module.app"].argument_values();
    assert_eq!(args.get("name").unwrap().as_str(), Some("x"));
    assert!(matches!(args.get("vpc").unwrap().kind, Kind::Unknown), "a reference is known only after apply");
    assert_eq!(args.get("tags").unwrap().get("team").unwrap().as_str(), Some("a"));
    let blocks = args.get("blocks").unwrap();
    assert!(matches!(blocks.index(1).unwrap().get("n").unwrap().kind, Kind::Unknown));
    // The constant read from its own text: all its digits, not a float's.
    assert_eq!(args.get("size").unwrap().to_string(), "12345678901234567890123");
    assert!(args.get("password").unwrap().sensitive, "sets a sensitive variable");
}

#[test]
fn json_that_is_clearly_not_a_plan() {
    assert!(clearly_not_a_plan(r#"{"Modules":[]}"#));
    assert!(clearly_not_a_plan("[1, 2]"));
    assert!(!clearly_not_a_plan(r#"{"format_version":"0.1"}"#), "a plan of another version is still a plan");
    assert!(!clearly_not_a_plan("{ broken"), "broken JSON is an error, not a note");
}
