//! The rules tools get wrong, one plan each: deposed objects, replacement
//! orders, forget actions, data sources, deferred keys, drift without
//! addresses, key quoting in both styles, `count` versus `for_each`.

use tfgate_plan::{Action, InstanceKey, KeyStyle, Mode, Plan};

/// A create_before_destroy replacement whose old object is deposed.
#[test]
fn deposed_objects_and_replacement_orders() {
    let text = r#"{"format_version":"1.2","terraform_version":"1.9.8","resource_changes":[
      {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web",
       "change":{"actions":["create","delete"],"before":{"ami":"old"},"after":{"ami":"new"},"after_unknown":{"id":true}}},
      {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web","deposed":"00000001",
       "change":{"actions":["delete"],"before":{"ami":"older"},"after":null}},
      {"address":"aws_instance.db","mode":"managed","type":"aws_instance","name":"db",
       "change":{"actions":["delete","create"],"before":{"ami":"a"},"after":{"ami":"b"}},"action_reason":"replace_because_cannot_update"}
    ]}"#;
    let plan = Plan::parse(text).unwrap();
    assert_eq!(plan.resources.len(), 3, "the same address twice: the new object and the deposed one");
    let [new, deposed, db] = [&plan.resources[0], &plan.resources[1], &plan.resources[2]];
    assert_eq!(new.action, Action::CreateThenDelete);
    assert!(new.action.is_replace() && new.exists_after_apply());
    assert_eq!(deposed.deposed(), Some("00000001"));
    assert!(!deposed.exists_after_apply(), "a deposed object never exists after apply");
    assert_eq!(deposed.before().unwrap().get("ami").unwrap().as_str(), Some("older"));
    assert_eq!(db.action, Action::DeleteThenCreate);
    assert_eq!(db.action_reason.as_deref(), Some("replace_because_cannot_update"));
    let after_apply: Vec<&str> = plan.instances_after_apply().map(|r| r.address_text.as_ref()).collect();
    assert_eq!(after_apply, ["aws_instance.web", "aws_instance.db"]);
}

#[test]
fn forget_in_terraform_and_opentofu() {
    let text = r#"{"format_version":"1.2","resource_changes":[
      {"address":"aws_s3_bucket.kept","mode":"managed","type":"aws_s3_bucket","name":"kept",
       "provider_name":"registry.opentofu.org/hashicorp/aws","change":{"actions":["forget"],"before":{"bucket":"b"},"after":null}},
      {"address":"aws_s3_bucket.tofu","mode":"managed","type":"aws_s3_bucket","name":"tofu",
       "provider_name":"registry.opentofu.org/hashicorp/aws","change":{"actions":["forget","create"],"before":{"bucket":"x"},"after":{"bucket":"y"}}},
      {"address":"aws_s3_bucket.tf","mode":"managed","type":"aws_s3_bucket","name":"tf",
       "change":{"actions":["create","forget"],"before":{"bucket":"x"},"after":{"bucket":"y"}}}
    ]}"#;
    let plan = Plan::parse(text).unwrap();
    assert_eq!(plan.producer, tfgate_plan::Producer::OpenTofu);
    let actions: Vec<&Action> = plan.resources.iter().map(|r| &r.action).collect();
    assert_eq!(actions, [&Action::Forget, &Action::ForgetThenCreate, &Action::CreateThenForget]);
    assert!(!plan.resources[0].exists_after_apply());
    assert!(plan.resources[1].exists_after_apply() && plan.resources[2].exists_after_apply());
    assert_eq!(plan.resources[1].action.summary_word(), "replace-forget");
}

#[test]
fn data_sources_read_during_planning_and_deferred_reads() {
    let text = r#"{"format_version":"1.2",
      "resource_changes":[
        {"address":"data.aws_iam_policy_document.p","mode":"data","type":"aws_iam_policy_document","name":"p",
         "change":{"actions":["read"],"before":null,"after":{"statement":[{"resources":[null,null]}]},
                   "after_unknown":{"json":true,"statement":[{"resources":[true,true]}]}},
         "action_reason":"read_because_config_unknown"}],
      "prior_state":{"format_version":"1.0","values":{"root_module":{
        "resources":[{"address":"data.aws_ami.ubuntu","mode":"data","type":"aws_ami","name":"ubuntu",
                      "values":{"id":"ami-1","name":"ubuntu-22.04"},"sensitive_values":{}}],
        "child_modules":[{"address":"module.m","resources":[
          {"address":"module.m.data.aws_caller_identity.me","mode":"data","type":"aws_caller_identity","name":"me",
           "values":{"account_id":"123456789012"},"sensitive_values":{}},
          {"address":"module.m.aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{}}]}]}}}
    }"#;
    let plan = Plan::parse(text).unwrap();
    let read = &plan.resources[0];
    assert_eq!((read.mode(), &read.action), (Mode::Data, &Action::Read));
    let after = read.after().unwrap();
    let resources = after.get("statement").unwrap().index(0).unwrap().get("resources").unwrap();
    assert!(resources.as_list().unwrap().iter().all(|v| v.is_unknown()), "null placeholders are unknown elements");
    let data: Vec<String> = plan.data_sources().unwrap().iter().map(|d| d.address_text.to_string()).collect();
    assert_eq!(
        data,
        ["data.aws_ami.ubuntu", "module.m.data.aws_caller_identity.me"],
        "managed state objects are not data sources"
    );
    assert_eq!(plan.data_sources().unwrap()[0].values().unwrap().get("name").unwrap().as_str(), Some("ubuntu-22.04"));
}

#[test]
fn deferred_instances_with_unknown_keys() {
    let text = r#"{"format_version":"1.2","terraform_version":"1.10.0","resource_changes":[
      {"address":"module.m[*].aws_instance.x[*]","module_address":"module.m[*]","mode":"managed","type":"aws_instance",
       "name":"x","index_unknown":true,"change":{"actions":["create"],"after":{},"after_unknown":{"id":true}}}]}"#;
    let plan = Plan::parse(text).unwrap();
    let r = &plan.resources[0];
    assert!(r.index_unknown);
    assert_eq!(r.key(), Some(&InstanceKey::Wildcard));
    assert!(plan.warnings.iter().any(|w| w.contains("instance key not known until apply")));
}

#[test]
fn drift_without_addresses_is_rebuilt() {
    // Terraform 0.15.4 to 1.0.0 wrote drift entries without an address.
    let text = r#"{"format_version":"0.1","terraform_version":"1.0.0","resource_changes":[],
      "resource_drift":[
        {"module_address":"module.a[\"x.y\"]","mode":"managed","type":"aws_s3_bucket","name":"b","index":"k",
         "change":{"actions":["update"],"before":{"acl":"private"},"after":{"acl":"public-read"}}},
        {"mode":"managed","type":"aws_instance","name":"c","index":0,"change":{"actions":["delete"],"before":{},"after":null}}]}"#;
    let plan = Plan::parse(text).unwrap();
    let drift: Vec<&str> = plan.drift.iter().map(|d| d.address_text.as_ref()).collect();
    assert_eq!(drift, [r#"module.a["x.y"].aws_s3_bucket.b["k"]"#, "aws_instance.c[0]"]);
    assert!(plan.warnings.iter().any(|w| w.contains("2 drift entries have no address")));
}

#[test]
fn key_quoting_before_and_after_terraform_1_3() {
    // Terraform 1.2 (Go quoting): `${` is written as is, control characters as \x.
    let go = r#"{"format_version":"1.1","terraform_version":"1.2.9","resource_changes":[
      {"address":"null_resource.x[\"${tpl}\"]","mode":"managed","type":"null_resource","name":"x","index":"${tpl}","change":{"actions":["create"],"after":{}}},
      {"address":"null_resource.x[\"a\\x01b\"]","mode":"managed","type":"null_resource","name":"x","index":"a\u0001b","change":{"actions":["create"],"after":{}}}]}"#;
    let plan = Plan::parse(go).unwrap();
    assert_eq!(plan.key_style, KeyStyle::Go);
    assert_eq!(plan.resources[0].key(), Some(&InstanceKey::Str("${tpl}".into())));
    assert_eq!(plan.resources[1].key(), Some(&InstanceKey::Str("a\u{1}b".into())));
    // Terraform 1.3+ (HCL quoting): `$${` stands for `${`.
    let hcl = r#"{"format_version":"1.2","terraform_version":"1.9.0","resource_changes":[
      {"address":"null_resource.x[\"$${tpl}\"]","mode":"managed","type":"null_resource","name":"x","index":"${tpl}","change":{"actions":["create"],"after":{}}}]}"#;
    let plan = Plan::parse(hcl).unwrap();
    assert_eq!(plan.resources[0].key(), Some(&InstanceKey::Str("${tpl}".into())));
    assert_eq!(plan.resources[0].address.render(KeyStyle::Hcl), r#"null_resource.x["$${tpl}"]"#);
}

#[test]
fn count_and_for_each_keys_stay_apart() {
    let text = r#"{"format_version":"1.2","resource_changes":[
      {"address":"aws_instance.a[0]","mode":"managed","type":"aws_instance","name":"a","index":0,"change":{"actions":["create"],"after":{"n":1}}},
      {"address":"aws_instance.a[\"0\"]","mode":"managed","type":"aws_instance","name":"a","index":"0","change":{"actions":["create"],"after":{"n":2}}},
      {"address":"module.m[\"a.b\"].aws_instance.a[0]","module_address":"module.m[\"a.b\"]","mode":"managed","type":"aws_instance","name":"a","index":0,"change":{"actions":["create"],"after":{"n":3}}}]}"#;
    let plan = Plan::parse(text).unwrap();
    let keys: Vec<Option<&InstanceKey>> = plan.resources.iter().map(|r| r.key()).collect();
    assert_eq!(keys, [Some(&InstanceKey::Int(0)), Some(&InstanceKey::Str("0".into())), Some(&InstanceKey::Int(0))]);
    assert_ne!(plan.resources[0].address, plan.resources[1].address);
    assert_eq!(plan.resources[2].module().to_string(), r#"module.m["a.b"]"#);
    assert_eq!(plan.module_instances().len(), 1);
}

#[test]
fn sensitive_inside_lists_and_whole_unknown_blocks() {
    let text = r#"{"format_version":"1.2","resource_changes":[
      {"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","change":{"actions":["create"],
       "after":{"ebs_block_device":[{"device_name":"/dev/sdf","kms_key_id":"k1"},{"device_name":"/dev/sdg","kms_key_id":"k2"}]},
       "after_unknown":{"metadata_options":true,"ebs_block_device":[{"volume_id":true},{"volume_id":true}]},
       "after_sensitive":{"ebs_block_device":[{},{"kms_key_id":true}]}}}]}"#;
    let plan = Plan::parse(text).unwrap();
    let after = plan.resources[0].after().unwrap();
    assert!(
        after.get("metadata_options").unwrap().is_unknown(),
        "an unset Optional+Computed block is unknown as a whole"
    );
    let devices = after.get("ebs_block_device").unwrap().as_list().unwrap();
    assert!(!devices[0].get("kms_key_id").unwrap().sensitive);
    assert!(devices[1].get("kms_key_id").unwrap().sensitive);
    assert!(devices[1].get("volume_id").unwrap().is_unknown());
    assert!(!after.to_string().contains("k2"));
}

/// A bad address is reported at its own element, not the one after it
/// (the JSON reader's position is past the element when it is checked).
#[test]
fn a_bad_address_is_located_at_its_own_element() {
    let text = r#"{"format_version":"1.2","resource_changes":[
      {"address":"aws_instance.ok","change":{"actions":["create"]}},
      {"address":"aws_instance..bad","change":{"actions":["create"]}},
      {"address":"aws_instance.next","change":{"actions":["create"]}}
    ]}"#;
    let e = Plan::parse(text).err().expect("a bad address").to_string();
    assert!(e.contains("$.resource_changes[1].address"), "{e}");
    assert!(e.contains(r#""aws_instance..bad""#), "{e}");
    let drift = r#"{"format_version":"1.2","resource_changes":[],"resource_drift":[
      {"address":"aws_instance..bad","change":{"actions":["update"]}},
      {"address":"aws_instance.next","change":{"actions":["update"]}}
    ]}"#;
    let e = Plan::parse(drift).err().expect("a bad address").to_string();
    assert!(e.contains("$.resource_drift[0].address"), "{e}");
}
