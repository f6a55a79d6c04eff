//! A given value for a sensitive input that does not match the declared
//! type is an error that never quotes the value (nor keys of a map value).

use std::collections::BTreeMap;

use tfgate_lang_hcl::resolve_inputs;
use tfgate_lang_hcl::PolicySet;
use tfgate_plan::Value;

const POLICY: &str = r#"
input "pin" {
  type      = number
  sensitive = true
}
input "ports" {
  type      = map(number)
  sensitive = true
  default   = {}
}
input "plain" {
  type    = number
  default = 1
}
"#;

fn error_for(name: &str, value: Value) -> String {
    let set = PolicySet::from_sources([("inputs.policy.hcl", POLICY)]).unwrap();
    let file = &set.files()[0];
    let mut given = BTreeMap::from([("pin".to_string(), Value::number(1))]);
    given.insert(name.to_string(), value);
    resolve_inputs(file, &given).expect_err("the value does not convert").to_string()
}

#[test]
fn a_sensitive_input_of_the_wrong_type_is_not_quoted() {
    let e = error_for("pin", Value::string("hunter2"));
    assert!(e.contains("invalid value for input \"pin\""), "{e}");
    assert!(!e.contains("hunter2"), "{e}");
}

#[test]
fn a_sensitive_map_input_does_not_name_its_keys() {
    let e = error_for("ports", Value::object_from([("hunter2", Value::string("x"))]));
    assert!(e.contains("invalid value for input \"ports\""), "{e}");
    assert!(!e.contains("hunter2"), "{e}");
}

#[test]
fn a_plain_input_error_still_says_what_is_wrong() {
    let e = error_for("plain", Value::string("abc"));
    assert!(e.contains("\"abc\" is not a number"), "{e}");
}
