//! What keeps `tfgate check` proportional to the plan and its findings on
//! very large plans: findings share the strings they repeat.

use std::sync::Arc;

use tfgate_lang_hcl::PolicySet;
use tfgate_lang_hcl::{check_plan, CheckOptions};
use tfgate_plan::Plan;
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

mod getresources {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use proptest::prelude::*;
    use tfgate_lang_hcl::{EvalErrorKind, Expression, Limits, ResourceList, ResourceSource, SourceFile};
    use tfgate_plan::{Kind, Object, Value};

    /// One shared, indexed list, as a plan source hands out.
    struct Shared(Arc<ResourceList>);

    impl ResourceSource for Shared {
        fn resources(&self, _t: &str) -> Vec<Value> {
            self.0.values().to_vec()
        }
        fn resource_list(&self, _t: &str) -> Arc<ResourceList> {
            self.0.clone()
        }
    }

    fn call(source: &Shared, filter: &Value, limits: Limits) -> Result<Value, tfgate_lang_hcl::EvalError> {
        let expr = Expression::parse(&SourceFile::new("t", r#"core::getresources("t", f)"#)).unwrap();
        let vars = BTreeMap::from([("f".to_string(), filter.clone())]);
        expr.evaluate(&vars, source, limits)
    }

    /// Equality as Terraform decides it, for the values generated here
    /// (unknown only at the top): undecided with an unknown, else plain
    /// equality without the sensitive marks.
    fn equals(a: &Value, b: &Value) -> Option<bool> {
        fn plain(v: &Value) -> Value {
            match &v.kind {
                Kind::List(items) => Value::list(items.iter().map(plain).collect()),
                kind => Value::new(kind.clone()),
            }
        }
        if a.is_unknown() || b.is_unknown() {
            return None;
        }
        Some(plain(a) == plain(b))
    }

    /// `getresources` as a scan of every resource, in order. Which resources
    /// match depends on the values a filter compares, so the result is
    /// marked when any resource, or any resource's value of a filtered
    /// attribute, is sensitive (matched or not, the result empty or not).
    fn linear(all: &[Value], filter: &Object) -> Value {
        let marked = all
            .iter()
            .any(|res| res.sensitive || filter.iter().any(|(k, _)| res.get(k).is_some_and(Value::contains_sensitive)));
        linear_unmarked(all, filter).mark_if(marked)
    }

    fn linear_unmarked(all: &[Value], filter: &Object) -> Value {
        let mut out = Vec::new();
        for res in all {
            let mut matched = Some(true);
            for (k, want) in filter.iter() {
                let have = if res.is_unknown() { None } else { res.get(k).map_or(Some(false), |h| equals(h, want)) };
                match have {
                    Some(false) => {
                        matched = Some(false);
                        break;
                    }
                    None => matched = None,
                    Some(true) => {}
                }
            }
            match matched {
                Some(true) => out.push(res.clone()),
                Some(false) => {}
                None => return Value::unknown(),
            }
        }
        Value::list(out)
    }

    fn scalar() -> impl Strategy<Value = Value> {
        let kind = prop_oneof![
            Just(Value::string("a")),
            Just(Value::string("b")),
            Just(Value::string("1")),
            Just(Value::bool(true)),
            Just(Value::bool(false)),
            Just(Value::null()),
            Just(Value::number(1)),
            Just(Value::unknown()),
            Just(Value::list(vec![Value::string("a")])),
        ];
        (kind, proptest::bool::weighted(0.1)).prop_map(|(v, s)| v.mark_if(s))
    }

    fn resource() -> impl Strategy<Value = Value> {
        let attrs = proptest::collection::btree_map(prop_oneof![Just("x"), Just("y")], scalar(), 0..3)
            .prop_map(Value::object_from);
        prop_oneof![8 => attrs, 1 => Just(Value::unknown()), 1 => Just(Value::null())]
    }

    fn filter() -> impl Strategy<Value = Value> {
        proptest::collection::btree_map(prop_oneof![Just("x"), Just("y"), Just("z")], scalar(), 0..3)
            .prop_map(Value::object_from)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Through the index, the same resources in the same order (marks
        /// and all), the same unknown, as a scan of every resource; and the
        /// same after the index is built (a second call).
        #[test]
        fn indexed_equals_linear_scan(
            resources in proptest::collection::vec(resource(), 0..40),
            filters in proptest::collection::vec(filter(), 1..4),
        ) {
            let source = Shared(Arc::new(ResourceList::new(resources.clone())));
            for f in filters.iter().chain(&filters) {
                let got = call(&source, f, Limits::default()).unwrap();
                let want = linear(&resources, f.as_object().unwrap()).mark_if(f.contains_sensitive());
                prop_assert_eq!(&got, &want, "filter {}", f);
            }
        }
    }

    /// Steps are charged as a scan of every resource would take them, so an
    /// index does not let a call past the step limit it stopped before.
    #[test]
    fn filtered_calls_count_every_resource_against_the_step_limit() {
        let resources: Vec<Value> =
            (0..5000).map(|i| Value::object_from([("x", Value::string(format!("v{}", i % 50)))])).collect();
        let source = Shared(Arc::new(ResourceList::new(resources)));
        let filter = Value::object_from([("x", Value::string("v7"))]);
        let small = Limits { max_steps: 1000, ..Limits::default() };
        let err = call(&source, &filter, small).unwrap_err();
        assert_eq!(err.kind, EvalErrorKind::StepLimit);
        let ok = call(&source, &filter, Limits::default()).unwrap();
        assert_eq!(ok.as_list().map(<[Value]>::len), Some(100));
    }
}

/// A plan's resources of a type are read once and shared by every call
/// (a call per target used to deep-copy them all each time).
#[test]
fn plan_resources_are_built_once_per_type() {
    use tfgate_lang_hcl::PlanResources;
    use tfgate_lang_hcl::ResourceSource;
    let afters: Vec<String> = (0..3).map(|i| format!(r#"{{"ami":"ami-{i}"}}"#)).collect();
    let text = plan_json(&afters, "");
    let plan = Plan::parse(&text).unwrap();
    let source = PlanResources::new(&plan);
    let first = source.resource_list("aws_instance");
    assert_eq!(first.values().len(), 3);
    assert_eq!(first.values()[2].get("ami").and_then(tfgate_plan::Value::as_str), Some("ami-2"));
    assert!(Arc::ptr_eq(&first, &source.resource_list("aws_instance")));
    assert_eq!(source.resources("aws_instance"), first.values());
}
