//! Property tests for the plan reader: addresses round-trip, resolution never
//! panics and agrees with a plain model of Terraform's rules, and reading any
//! bytes never panics.

use proptest::prelude::*;
use serde_json::{json, Value as Json};
use tfgate_plan::{
    resolve, resolve_selected, Address, InstanceKey, KeyStyle, Kind, Mode, ModulePath, ModuleStep, Plan, Value,
};

fn ident() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_-]{0,8}"
}

fn key() -> impl Strategy<Value = Option<InstanceKey>> {
    prop_oneof![
        Just(None),
        (-5i64..100_000).prop_map(|i| Some(InstanceKey::Int(i))),
        // Any text: dots, quotes, brackets, backslashes, template introducers, controls, emoji.
        "(\\PC|[.\"\\\\\\[\\]$%{}\\n\\t\\r\\x01\\x7f]){0,12}".prop_map(|s| Some(InstanceKey::Str(s))),
    ]
}

fn address() -> impl Strategy<Value = Address> {
    (
        prop::collection::vec((ident(), key()), 0..4),
        prop_oneof![Just(Mode::Managed), Just(Mode::Data), Just(Mode::Ephemeral)],
        ident(),
        ident(),
        key(),
    )
        .prop_filter("`module` is not a resource type", |(_, _, t, _, _)| {
            t != "module" && t != "data" && t != "ephemeral"
        })
        .prop_map(|(steps, mode, resource_type, name, key)| Address {
            module: ModulePath { steps: steps.into_iter().map(|(name, key)| ModuleStep { name, key }).collect() },
            mode,
            resource_type,
            name,
            key,
        })
}

proptest! {
    #[test]
    fn addresses_round_trip_in_both_styles(addr in address()) {
        for style in [KeyStyle::Hcl, KeyStyle::Go] {
            let text = addr.render(style);
            let back = Address::parse_styled(&text, style).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&back, &addr);
            prop_assert_eq!(back.render(style), text);
        }
        let module = addr.module.render(KeyStyle::Hcl);
        prop_assert_eq!(ModulePath::parse(&module).unwrap(), addr.module.clone());
    }

    #[test]
    fn address_parsing_never_panics(s in "\\PC{0,40}") {
        let _ = Address::parse(&s);
        let _ = Address::parse_styled(&s, KeyStyle::Go);
        let _ = ModulePath::parse(&s);
    }
}

/// Arbitrary JSON, biased towards the shapes plans have.
fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        "[a-z0-9 ]{0,6}".prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::btree_map("[a-e]", inner, 0..5).prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// A mask shaped like `v` (mostly), with `true` leaves sprinkled in.
fn mask_for(v: Json) -> BoxedStrategy<Json> {
    match v {
        Json::Array(items) => {
            let n = items.len();
            prop_oneof![
                1 => Just(json!(true)),
                1 => Just(json!(false)),
                6 => items.into_iter().map(mask_for).collect::<Vec<_>>()
                    .prop_flat_map(move |ms| prop::collection::vec(prop_oneof![Just(json!(false)), Just(json!(true))], 0..2)
                        .prop_map(move |extra| { let mut m = ms.clone(); if m.len() == n { m.extend(extra); } Json::Array(m) })),
            ]
            .boxed()
        }
        Json::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let children: Vec<BoxedStrategy<Json>> = map.into_iter().map(|(_, v)| mask_for(v)).collect();
            prop_oneof![
                1 => Just(json!(true)),
                6 => (children, prop::collection::btree_map("[f-h]", prop_oneof![Just(json!(true)), Just(json!([true]))], 0..2))
                    .prop_map(move |(ms, extra)| {
                        let mut obj: serde_json::Map<String, Json> = keys.iter().cloned().zip(ms).filter(|(_, m)| m != &json!(false)).collect();
                        obj.extend(extra);
                        Json::Object(obj)
                    }),
            ]
            .boxed()
        }
        _ => prop_oneof![3 => Just(json!(false)), 1 => Just(json!(true))].boxed(),
    }
}

/// JSON text with every object's keys in reverse order.
fn reversed(j: &Json) -> String {
    match j {
        Json::Object(m) => {
            let parts: Vec<String> =
                m.iter().rev().map(|(k, v)| format!("{}:{}", Json::String(k.clone()), reversed(v))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Json::Array(items) => format!("[{}]", items.iter().map(reversed).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// JSON text in which some object members of a mask are written twice, the
/// extra occurrence marking nothing (`false`), before or after the real
/// one: whichever occurrence a reader keeps, no mark may be lost.
fn with_weaker_duplicates(j: &Json, choices: &mut impl Iterator<Item = u8>) -> String {
    match j {
        Json::Object(m) => {
            let mut parts = Vec::new();
            for (k, v) in m {
                let key = Json::String(k.clone());
                let member = format!("{key}:{}", with_weaker_duplicates(v, choices));
                match choices.next().unwrap_or(0) % 4 {
                    1 => parts.extend([format!("{key}:false"), member]),
                    2 => parts.extend([member, format!("{key}:false")]),
                    3 => parts.extend([member.clone(), member]),
                    _ => parts.push(member),
                }
            }
            format!("{{{}}}", parts.join(","))
        }
        Json::Array(items) => {
            format!("[{}]", items.iter().map(|i| with_weaker_duplicates(i, choices)).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

/// JSON text in which some object members are preceded by a decoy member
/// of the same key: the last occurrence is the value (Go's encoding/json).
fn with_decoy_values(j: &Json, choices: &mut impl Iterator<Item = u8>) -> String {
    match j {
        Json::Object(m) => {
            let mut parts = Vec::new();
            for (k, v) in m {
                let key = Json::String(k.clone());
                match choices.next().unwrap_or(0) % 3 {
                    1 => parts.push(format!("{key}:\"decoy\"")),
                    2 => parts.push(format!("{key}:{{\"decoy\":[1,{{\"z\":null}}]}}")),
                    _ => {}
                }
                parts.push(format!("{key}:{}", with_decoy_values(v, choices)));
            }
            format!("{{{}}}", parts.join(","))
        }
        Json::Array(items) => {
            format!("[{}]", items.iter().map(|i| with_decoy_values(i, choices)).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

/// The combination rule written plainly over serde_json values, as an oracle.
fn model(a: Option<&Json>, u: Option<&Json>, s: Option<&Json>, inherited: bool) -> Value {
    let mark = inherited || s == Some(&json!(true));
    if u == Some(&json!(true)) {
        return Value::unknown().mark_if(mark);
    }
    let su = |k: &str| s.and_then(|s| s.get(k));
    let si = |i: usize| s.and_then(|s| s.get(i));
    match (a, u) {
        (Some(Json::Object(am)), u) => {
            let mut out = tfgate_plan::Object::new();
            for (k, av) in am {
                out.insert(k.clone(), model(Some(av), u.and_then(|u| u.get(k)), su(k), mark));
            }
            if let Some(Json::Object(um)) = u {
                for (k, uv) in um {
                    if !am.contains_key(k) && uv != &json!(false) {
                        out.insert(k.clone(), model(None, Some(uv), su(k), mark));
                    }
                }
            }
            Value::object(out).mark_if(mark)
        }
        (Some(Json::Array(items)), u) => {
            let ulen = u.and_then(|u| u.as_array()).map_or(0, Vec::len);
            let n = items.len().max(ulen);
            Value::list((0..n).map(|i| model(items.get(i), u.and_then(|u| u.get(i)), si(i), mark)).collect())
                .mark_if(mark)
        }
        (Some(Json::Null) | None, Some(Json::Object(um))) => Value::object(
            um.iter()
                .filter(|(_, m)| *m != &json!(false))
                .map(|(k, m)| (k.clone(), model(None, Some(m), su(k), mark)))
                .collect(),
        )
        .mark_if(mark),
        (Some(Json::Null) | None, Some(Json::Array(ms))) => {
            Value::list(ms.iter().enumerate().map(|(i, m)| model(None, Some(m), si(i), mark)).collect()).mark_if(mark)
        }
        (Some(Json::Null) | None, _) => Value::null().mark_if(mark),
        (Some(Json::Bool(b)), _) => Value::bool(*b).mark_if(mark),
        (Some(Json::Number(n)), _) => {
            Value::new(Kind::Number(tfgate_plan::Number::from_literal(&n.to_string()).unwrap())).mark_if(mark)
        }
        (Some(Json::String(st)), _) => Value::string(st.clone()).mark_if(mark),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn resolution_matches_the_model(
        (after, unknown, sensitive) in json_value().prop_flat_map(|a| (Just(a.clone()), mask_for(a.clone()), mask_for(a)))
    ) {
        let got = resolve(Some(&after.to_string()), Some(&unknown.to_string()), Some(&sensitive.to_string()))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want = model(Some(&after), Some(&unknown), Some(&sensitive), false);
        prop_assert_eq!(got, want);
    }

    #[test]
    fn key_order_does_not_matter(
        (after, unknown, sensitive) in json_value().prop_flat_map(|a| (Just(a.clone()), mask_for(a.clone()), mask_for(a))),
        flips in prop::collection::vec(any::<bool>(), 3)
    ) {
        // Terraform writes keys sorted; other writers may not. Reversing the
        // key order of any of the three texts must not change the value.
        let text = |j: &Json, flip: bool| if flip { reversed(j) } else { j.to_string() };
        let got = resolve(Some(&text(&after, flips[0])), Some(&text(&unknown, flips[1])), Some(&text(&sensitive, flips[2])))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got, model(Some(&after), Some(&unknown), Some(&sensitive), false));
    }

    #[test]
    fn duplicate_mask_keys_never_weaken_a_mark(
        (after, unknown, sensitive) in json_value().prop_flat_map(|a| (Just(a.clone()), mask_for(a.clone()), mask_for(a))),
        choices in prop::collection::vec(any::<u8>(), 0..64),
        kept in "[a-h]{0,4}",
    ) {
        // Terraform's decoder keeps the last of duplicated keys, tfgate once
        // kept the first; a `false` duplicate on either side changes nothing.
        let (mut cu, mut cs) = (choices.clone().into_iter(), choices.into_iter().rev());
        let (u, s) = (with_weaker_duplicates(&unknown, &mut cu), with_weaker_duplicates(&sensitive, &mut cs));
        let got = resolve(Some(&after.to_string()), Some(&u), Some(&s)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want = model(Some(&after), Some(&unknown), Some(&sensitive), false);
        prop_assert_eq!(&got, &want);
        // The same through the selective builder and with `after` absent.
        let keep = |k: &str| kept.contains(k);
        let got = resolve_selected(Some(&after.to_string()), Some(&u), Some(&s), Some(&keep))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut want = want;
        if let Kind::Object(obj) = &mut want.kind {
            *obj = obj.iter().filter(|(k, _)| keep(k)).map(|(k, v)| (k, v.clone())).collect();
        }
        prop_assert_eq!(got, want);
        let got = resolve(None, Some(&u), Some(&s)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got, model(None, Some(&unknown), Some(&sensitive), false));
    }

    #[test]
    fn duplicate_value_keys_keep_the_last_occurrence(
        (after, unknown, sensitive) in json_value().prop_flat_map(|a| (Just(a.clone()), mask_for(a.clone()), mask_for(a))),
        choices in prop::collection::vec(any::<u8>(), 0..64),
        kept in "[a-h]{0,4}",
    ) {
        let a = with_decoy_values(&after, &mut choices.into_iter());
        let (u, s) = (unknown.to_string(), sensitive.to_string());
        let got = resolve(Some(&a), Some(&u), Some(&s)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want = model(Some(&after), Some(&unknown), Some(&sensitive), false);
        prop_assert_eq!(&got, &want);
        let keep = |k: &str| kept.contains(k);
        let got = resolve_selected(Some(&a), Some(&u), Some(&s), Some(&keep)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut want = want;
        if let Kind::Object(obj) = &mut want.kind {
            *obj = obj.iter().filter(|(k, _)| keep(k)).map(|(k, v)| (k, v.clone())).collect();
        }
        prop_assert_eq!(got, want);
    }

    #[test]
    fn selected_resolution_is_full_resolution_without_the_rejected_keys(
        (after, unknown, sensitive) in json_value().prop_flat_map(|a| (Just(a.clone()), mask_for(a.clone()), mask_for(a))),
        kept in "[a-h]{0,4}",
        flips in prop::collection::vec(any::<bool>(), 3)
    ) {
        // Keys a..e come from `after`, f..h only from the unknown mask; the
        // reversed texts take the fallback path for unsorted input.
        let text = |j: &Json, flip: bool| if flip { reversed(j) } else { j.to_string() };
        let (a, u, s) = (text(&after, flips[0]), text(&unknown, flips[1]), text(&sensitive, flips[2]));
        let keep = |k: &str| kept.contains(k);
        let got = resolve_selected(Some(&a), Some(&u), Some(&s), Some(&keep))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut want = resolve(Some(&a), Some(&u), Some(&s)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if let Kind::Object(obj) = &mut want.kind {
            *obj = obj.iter().filter(|(k, _)| keep(k)).map(|(k, v)| (k, v.clone())).collect();
        }
        prop_assert_eq!(got, want);
    }

    #[test]
    fn resolution_never_panics_whatever_the_shapes(a in json_value(), u in json_value(), s in json_value()) {
        let a_text = a.to_string();
        let v = resolve(Some(&a_text), Some(&u.to_string()), Some(&s.to_string()));
        // Shapes that disagree are not an error: the value simply follows `after`.
        prop_assert!(v.is_ok());
        let _ = resolve(None, Some(&u.to_string()), Some(&s.to_string())).unwrap();
    }

    #[test]
    fn sensitive_leaves_never_print(a in json_value()) {
        let text = a.to_string();
        let v = resolve(Some(&text), None, Some("true")).unwrap();
        prop_assert_eq!(v.to_string(), "(sensitive value)");
        prop_assert_eq!(v.to_redacted_json(), json!("(sensitive value)"));
    }

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(text) = Plan::decode(&bytes) {
            let _ = Plan::parse(&text).map(|p| p.validate());
        }
    }

    #[test]
    fn reading_plan_shaped_json_never_panics(rc in prop::collection::vec(json_value(), 0..4), extra in json_value()) {
        let doc = json!({"format_version": "1.2", "resource_changes": rc, "planned_values": extra, "configuration": extra});
        if let Ok(plan) = Plan::parse(&doc.to_string()) {
            let _ = plan.validate();
        }
    }
}
