//! Hostile plans: files written to make tfgate show what Terraform hides.
//! Duplicate keys in masks never weaken a mark (a path is sensitive or
//! unknown when any occurrence says so; a duplicated value keeps the last
//! occurrence, as Go's encoding/json does); secrets that reach the plan
//! through variables, provider blocks and module sources never show.

use tfgate_plan::{resolve, Plan, Value};

const SECRET: &str = "hunter2-planted-secret";

fn plan_with_change(change: &str) -> String {
    format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.8","resource_changes":[
          {{"address":"aws_db_instance.db","mode":"managed","type":"aws_db_instance","name":"db",
            "change":{change}}}]}}"#
    )
}

fn after_of(change: &str) -> Value {
    let text = plan_with_change(change);
    let plan = Plan::parse(&text).unwrap();
    plan.resources[0].after().unwrap()
}

fn assert_hidden(v: &Value) {
    assert!(!v.to_string().contains(SECRET), "{v}");
    assert!(!v.to_redacted_json().to_string().contains(SECRET), "{v}");
}

#[test]
fn duplicate_key_in_after_sensitive_false_then_true_is_sensitive() {
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"password":"{SECRET}"}},"after_sensitive":{{"password":false,"password":true}}}}"#
    ));
    assert!(v.get("password").unwrap().sensitive);
    assert_hidden(&v);
}

#[test]
fn duplicate_key_in_after_sensitive_true_then_false_is_sensitive() {
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"password":"{SECRET}"}},"after_sensitive":{{"password":true,"password":false}}}}"#
    ));
    assert!(v.get("password").unwrap().sensitive);
    assert_hidden(&v);
}

#[test]
fn duplicate_key_in_after_unknown_is_unknown() {
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"id":"{SECRET}"}},"after_unknown":{{"id":false,"id":true}}}}"#
    ));
    assert!(v.get("id").unwrap().is_unknown());
    let v = after_of(r#"{"actions":["create"],"after":{},"after_unknown":{"arn":true,"arn":false}}"#);
    assert!(v.get("arn").unwrap().is_unknown());
}

#[test]
fn duplicate_keys_in_nested_masks_and_lists() {
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"auth":[{{"token":"{SECRET}","user":"u"}}],"tags":{{"k":"{SECRET}"}}}},
            "after_sensitive":{{"auth":[{{"token":false,"user":false,"token":true}}],"tags":{{"k":false,"k":true}}}}}}"#
    ));
    assert!(v.get("auth").unwrap().index(0).unwrap().get("token").unwrap().sensitive);
    assert!(!v.get("auth").unwrap().index(0).unwrap().get("user").unwrap().sensitive);
    assert!(v.get("tags").unwrap().get("k").unwrap().sensitive);
    assert_hidden(&v);
    // The same key twice at the outer level, its nested masks merged.
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"db":{{"a":"{SECRET}","b":"{SECRET}"}}}},
            "after_sensitive":{{"db":{{"a":true}},"db":{{"b":true}}}}}}"#
    ));
    assert!(v.get("db").unwrap().get("a").unwrap().sensitive);
    assert!(v.get("db").unwrap().get("b").unwrap().sensitive);
    assert_hidden(&v);
}

#[test]
fn duplicate_key_in_before_sensitive_is_sensitive() {
    let text = plan_with_change(&format!(
        r#"{{"actions":["delete"],"before":{{"password":"{SECRET}"}},"after":null,"before_sensitive":{{"password":false,"password":true}}}}"#
    ));
    let plan = Plan::parse(&text).unwrap();
    let v = plan.resources[0].before().unwrap();
    assert!(v.get("password").unwrap().sensitive);
    assert_hidden(&v);
}

#[test]
fn duplicate_key_in_sensitive_values_of_prior_state_is_sensitive() {
    let text = format!(
        r#"{{"format_version":"1.2","resource_changes":[],
          "prior_state":{{"format_version":"1.0","values":{{"root_module":{{"resources":[
            {{"address":"data.vault_generic_secret.s","mode":"data","type":"vault_generic_secret","name":"s",
              "values":{{"data":{{"pw":"{SECRET}"}}}},"sensitive_values":{{"data":{{"pw":false}},"data":true}}}}]}}}}}}}}"#
    );
    let plan = Plan::parse(&text).unwrap();
    let v = plan.data_sources().unwrap()[0].values().unwrap();
    assert!(v.get("data").unwrap().sensitive);
    assert_hidden(&v);
}

#[test]
fn duplicate_value_keys_keep_the_last_occurrence_and_its_mark() {
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"password":"decoy","password":"{SECRET}"}},"after_sensitive":{{"password":true}}}}"#
    ));
    let pw = v.get("password").unwrap();
    assert!(pw.sensitive);
    let mut unmarked = pw.clone();
    unmarked.sensitive = false;
    assert_eq!(unmarked.as_str(), Some(SECRET), "the last occurrence wins, as in Go's encoding/json");
    assert_hidden(&v);
}

#[test]
fn masks_whose_duplicates_disagree_on_shape_mark_the_whole_path() {
    let v =
        resolve(Some(&format!(r#"{{"a":{{"x":"{SECRET}"}}}}"#)), None, Some(r#"{"a":{"y":true},"a":[true]}"#)).unwrap();
    assert!(v.get("a").unwrap().sensitive);
    assert_hidden(&v);
}

#[test]
fn selected_resolution_keeps_merged_marks() {
    let after = format!(r#"{{"a":1,"password":"{SECRET}","z":2}}"#);
    let keep = |k: &str| k == "password";
    let v =
        tfgate_plan::resolve_selected(Some(&after), None, Some(r#"{"password":false,"password":true}"#), Some(&keep))
            .unwrap();
    assert!(v.get("password").unwrap().sensitive);
    assert!(v.get("a").is_none());
    assert_hidden(&v);
}

#[test]
fn a_variable_declared_twice_is_sensitive_when_either_declaration_says_so() {
    for decls in [r#"{"pw":{"sensitive":true},"pw":{}}"#, r#"{"pw":{},"pw":{"sensitive":true}}"#] {
        let text = format!(
            r#"{{"format_version":"1.2","variables":{{"pw":{{"value":"decoy"}},"pw":{{"value":"{SECRET}"}}}},
              "configuration":{{"root_module":{{"variables":{decls}}}}}}}"#
        );
        let plan = Plan::parse(&text).unwrap();
        let var = plan.variable("pw").unwrap();
        assert!(var.sensitive, "{decls}");
        let v = var.value().unwrap();
        assert!(v.sensitive);
        let mut unmarked = v.clone();
        unmarked.sensitive = false;
        assert_eq!(unmarked.as_str(), Some(SECRET), "the last value wins");
        assert_hidden(&v);
    }
}

#[test]
fn an_output_written_twice_is_sensitive_when_either_occurrence_says_so() {
    let sensitive =
        format!(r#"{{"actions":["create"],"after":"{SECRET}","after_unknown":false,"after_sensitive":true}}"#);
    let open = format!(r#"{{"actions":["create"],"after":"{SECRET}","after_unknown":false,"after_sensitive":false}}"#);
    for (first, second) in [(&sensitive, &open), (&open, &sensitive)] {
        let text = format!(
            r#"{{"format_version":"1.2","resource_changes":[],"output_changes":{{"pw":{first},"pw":{second}}}}}"#
        );
        let plan = Plan::parse(&text).unwrap();
        assert_eq!(plan.outputs.len(), 1);
        assert!(plan.outputs[0].is_sensitive());
        let v = plan.outputs[0].after().unwrap();
        assert!(v.sensitive);
        assert_hidden(&v);
    }
    // Unknown marks merge too.
    let text = r#"{"format_version":"1.2","resource_changes":[],"output_changes":{
        "id":{"actions":["create"],"after":null,"after_unknown":true},
        "id":{"actions":["create"],"after":"x","after_unknown":false}}}"#;
    let plan = Plan::parse(text).unwrap();
    assert!(plan.outputs[0].after().unwrap().is_unknown());
}

#[test]
fn an_output_the_configuration_declares_sensitive_is_sensitive() {
    let text = format!(
        r#"{{"format_version":"1.2",
          "output_changes":{{"pw":{{"actions":["create"],"after":{{"v":"{SECRET}"}},"after_sensitive":false}},
                             "obj":{{"actions":["create"],"after":{{"v":"{SECRET}","w":1}},"after_sensitive":{{"v":true}}}}}},
          "configuration":{{"root_module":{{"outputs":{{"pw":{{"expression":{{}},"sensitive":false}},"pw":{{"expression":{{}},"sensitive":true}}}}}}}}}}"#
    );
    let plan = Plan::parse(&text).unwrap();
    for o in &plan.outputs {
        assert!(o.is_sensitive(), "{}: holds a sensitive value", o.name);
        assert_hidden(&o.after().unwrap());
    }
    assert!(plan.outputs.iter().find(|o| o.name == "pw").unwrap().after().unwrap().sensitive);
}

fn provider_plan(region_expr: &str, decls: &str) -> String {
    format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.8",
          "variables":{{"region":{{"value":"{SECRET}"}}}},
          "resource_changes":[],
          "configuration":{{
            "provider_config":{{"aws":{{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws",
              "expressions":{{"region":{region_expr},"access_key":{{"constant_value":"{SECRET}"}}}}}}}},
            "root_module":{{"variables":{decls}}}}}}}"#
    )
}

#[test]
fn a_region_from_a_sensitive_variable_stays_sensitive() {
    let text = provider_plan(r#"{"references":["var.region"]}"#, r#"{"region":{"sensitive":true}}"#);
    let plan = Plan::parse(&text).unwrap();
    let region = plan.providers["aws"].region.as_ref().expect("the region is known");
    assert!(region.is_sensitive());
    let v = region.value();
    assert!(v.sensitive);
    assert_hidden(&v);
    assert!(!region.to_string().contains(SECRET));
    assert!(!format!("{:?}", plan.providers["aws"]).contains(SECRET), "not even in debug output");
    // A constant, or a variable not declared sensitive, is shown.
    let text = provider_plan(r#"{"references":["var.region"]}"#, r#"{"region":{}}"#);
    let plan = Plan::parse(&text).unwrap();
    let region = plan.providers["aws"].region.as_ref().unwrap();
    assert!(!region.is_sensitive());
    assert_eq!(region.to_string(), SECRET);
    // Undeclared: its sensitivity is unknown, so it is hidden.
    let text = provider_plan(r#"{"references":["var.region"]}"#, r#"{}"#);
    let plan = Plan::parse(&text).unwrap();
    assert!(plan.providers["aws"].region.as_ref().unwrap().is_sensitive());
    let text = provider_plan(r#"{"constant_value":"eu-west-1"}"#, r#"{"region":{"sensitive":true}}"#);
    let plan = Plan::parse(&text).unwrap();
    assert_eq!(plan.providers["aws"].region.as_ref().unwrap().value().as_str(), Some("eu-west-1"));
}

#[test]
fn credentials_in_module_sources_are_redacted_where_the_reader_exposes_them() {
    let text = format!(
        r#"{{"format_version":"1.2","resource_changes":[],"configuration":{{"root_module":{{"module_calls":{{
          "a":{{"source":"git::https://user:{SECRET}@example.com/org/vpc.git//modules/a?ref=v1.2.0",
               "module":{{"module_calls":{{"b":{{"source":"s3::https://s3.amazonaws.com/b/m.zip?X-Amz-Signature={SECRET}&X-Amz-Date=20240101"}}}}}}}},
          "c":{{"source":"git::https://gitlab.com/g/p.git?ref=main&access_token={SECRET}"}},
          "d":{{"source":"terraform-aws-modules/vpc/aws","version_constraint":"~> 5.0"}}}}}}}}}}"#
    );
    let plan = Plan::parse(&text).unwrap();
    let sources: Vec<&str> = plan.modules.values().map(|m| m.source.as_deref().unwrap()).collect();
    assert_eq!(
        sources,
        [
            "git::https://REDACTED@example.com/org/vpc.git//modules/a?ref=v1.2.0",
            "s3::https://s3.amazonaws.com/b/m.zip?X-Amz-Signature=REDACTED&X-Amz-Date=20240101",
            "git::https://gitlab.com/g/p.git?ref=main&access_token=REDACTED",
            "terraform-aws-modules/vpc/aws",
        ]
    );
}

#[test]
fn module_arguments_fed_to_or_from_sensitive_variables_are_sensitive() {
    let text = format!(
        r#"{{"format_version":"1.2","resource_changes":[],"variables":{{"tok":{{"value":"{SECRET}"}}}},
          "configuration":{{"root_module":{{
            "variables":{{"tok":{{"sensitive":true}},"env":{{}}}},
            "module_calls":{{"vault":{{"source":"./vault","module":{{"outputs":{{"pw":{{"sensitive":true}},"name":{{}}}}}}}},
              "db":{{"source":"./db",
              "expressions":{{"password":{{"constant_value":"{SECRET}"}},"token":{{"references":["var.tok"]}},
                             "from_out":{{"references":["module.vault[\"a.b\"].pw","module.vault"]}},
                             "from_open_out":{{"references":["module.vault.name","module.vault"]}},
                             "nested_tok":{{"references":["var.tok.value","var.tok"]}},
                             "env":{{"references":["var.env"]}},"name":{{"constant_value":"main"}}}},
              "module":{{"variables":{{"password":{{"sensitive":true}},"token":{{}},"name":{{}}}},
                "module_calls":{{"inner":{{"source":"./inner",
                  "expressions":{{"pw":{{"references":["var.password"]}},"label":{{"references":["var.name"]}},
                                 "tok":{{"references":["var.token"]}}}}}}}}}}}}}}}}}}}}"#
    );
    let plan = Plan::parse(&text).unwrap();
    let db = &plan.modules["module.db"];
    for arg in ["password", "token", "nested_tok", "from_out"] {
        assert!(db.is_sensitive_argument(arg), "{arg}");
    }
    for arg in ["env", "name", "absent", "from_open_out"] {
        assert!(!db.is_sensitive_argument(arg), "{arg}");
    }
    let inner = &plan.modules["module.db.module.inner"];
    assert!(inner.is_sensitive_argument("pw"), "fed from the module's sensitive variable");
    assert!(!inner.is_sensitive_argument("label"));
    assert!(inner.is_sensitive_argument("tok"), "db's `token` is not declared sensitive but set from one");
    let attrs = Value::object_from([("password", Value::str(SECRET)), ("name", Value::str("main"))]);
    let marked = db.mark_sensitive_arguments(attrs);
    assert!(marked.get("password").unwrap().sensitive);
    assert!(!marked.get("name").unwrap().sensitive);
    assert_hidden(&marked);
}

#[test]
fn a_mask_field_written_twice_in_one_change_is_refused() {
    // `"after_sensitive": {...}, "after_sensitive": false`: no reading may
    // drop the first mask; the plan is refused with a clear error.
    for field in ["after_sensitive", "after_unknown", "before_sensitive"] {
        let text = plan_with_change(&format!(
            r#"{{"actions":["update"],"before":{{"password":"{SECRET}"}},"after":{{"password":"{SECRET}"}},
                "{field}":{{"password":true}},"{field}":false}}"#
        ));
        let err = Plan::parse(&text).err().unwrap_or_else(|| panic!("{field}: a duplicated mask is an error"));
        let message = err.to_string();
        assert!(message.contains(&format!("duplicate field `{field}`")), "{message}");
        assert!(!message.contains(SECRET));
    }
    // The same for a state resource's sensitive_values, read on demand.
    let text = format!(
        r#"{{"format_version":"1.2","resource_changes":[],
          "prior_state":{{"format_version":"1.0","values":{{"root_module":{{"resources":[
            {{"address":"data.x.s","mode":"data","type":"x","name":"s",
              "values":{{"pw":"{SECRET}"}},"sensitive_values":{{"pw":true}},"sensitive_values":{{}}}}]}}}}}}}}"#
    );
    let plan = Plan::parse(&text).unwrap();
    assert!(plan.data_sources().is_err());
}

#[test]
fn duplicate_keys_spelt_with_escapes_are_the_same_key() {
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"pass\u0077ord":"{SECRET}"}},"after_sensitive":{{"password":false,"pass\u0077ord":true}}}}"#
    ));
    assert!(v.get("password").unwrap().sensitive);
    assert_hidden(&v);
    let v = after_of(&format!(
        r#"{{"actions":["create"],"after":{{"password":"{SECRET}"}},"after_sensitive":{{"pass\u0077ord":true,"password":false}}}}"#
    ));
    assert!(v.get("password").unwrap().sensitive);
    assert_hidden(&v);
}
