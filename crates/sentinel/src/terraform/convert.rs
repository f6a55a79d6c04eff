//! Plan JSON text converted straight into Sentinel values, marked as it is
//! read: no intermediate `serde_json::Value` is built (on a large plan that
//! intermediate form was about a fifth of a policy's run).
//!
//! The result is the very value that parsing the text and then converting
//! the parsed value ([`Marks::convert`], [`super::from_json`]) gives: map
//! keys in the same (sorted) order with the last of a repeated key kept,
//! numbers read the same way, and the same parts marked sensitive.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use tfgate_plan::JsonSpan;

use super::Marks;
use crate::value::{Key, Map, Value};

static JSON_NULL: serde_json::Value = serde_json::Value::Null;

/// How one value of the text is converted: `marks` and its `mask` (the
/// plan's sensitivity mask for it), or plainly when `marks` is `None`.
#[derive(Clone, Copy)]
struct Seed<'m> {
    marks: Option<&'m Marks>,
    mask: &'m serde_json::Value,
}

impl<'m> Seed<'m> {
    /// The seed for a part of this value, marked by `mask`.
    fn part(self, mask: Option<&'m serde_json::Value>) -> Seed<'m> {
        Seed { marks: self.marks, mask: mask.unwrap_or(&JSON_NULL) }
    }

    fn leaf(self, v: Value, secret: impl FnOnce(&Marks) -> bool) -> Value {
        if self.marks.is_some_and(secret) {
            Value::sensitive(v)
        } else {
            v
        }
    }

    fn number(self, n: serde_json::Number) -> Value {
        let v = match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        };
        self.leaf(v, |m| m.secret_number(&n))
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match self.marks {
            // A part the mask marks is sensitive whole, keys included.
            Some(_) if self.mask.as_bool() == Some(true) => {
                Ok(Value::sensitive(d.deserialize_any(Seed { marks: None, mask: &JSON_NULL })?))
            }
            _ => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(self.number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(self.number(u.into()))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        // As serde_json's own value: a float it cannot hold is null.
        Ok(serde_json::Number::from_f64(f).map_or(Value::Null, |n| self.number(n)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(self.leaf(Value::string(s), |m| m.secret_str(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(self.part(self.mask.get(items.len())))? {
            items.push(v);
        }
        // A plan's lists are mostly of one element; growing left room for four.
        items.shrink_to_fit();
        Ok(Value::list(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut pairs: Vec<(String, Value)> = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(self.part(self.mask.get(k.as_str())))?;
            pairs.push((k, v));
        }
        // serde_json's map is sorted by key and keeps the last of a
        // repeated key: so is this one.
        let kept = sorted_last_kept(pairs);
        let mut names = KEYS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        let kept = kept.into_iter().map(|(k, v)| (Key::String(intern(&mut names, &k)), v)).collect();
        // Distinct: repeated keys were dropped above.
        Ok(Value::Map(Map::from_distinct(kept)))
    }
}

/// Map keys already seen, shared: the attribute names of every resource of
/// a type repeat, and one copy of each is enough (on a large plan a policy
/// reads tens of thousands of resources' values). Bounded, so that a plan
/// with endless distinct keys (tags, say) cannot grow it without limit.
static KEYS: OnceLock<Mutex<HashSet<Arc<str>>>> = OnceLock::new();
const MAX_KEYS: usize = 1 << 16;
const MAX_KEY_LEN: usize = 64;

fn intern(names: &mut HashSet<Arc<str>>, k: &str) -> Arc<str> {
    if let Some(name) = names.get(k) {
        return name.clone();
    }
    let name: Arc<str> = Arc::from(k);
    if k.len() <= MAX_KEY_LEN && names.len() < MAX_KEYS {
        names.insert(name.clone());
    }
    name
}

/// `text` converted, every part `mask` marks `true` and every sensitive leaf
/// wrapped: [`Marks::convert`] of the parsed text.
pub(crate) fn marked(text: &str, marks: &Marks, mask: &serde_json::Value) -> serde_json::Result<Value> {
    read(text, Seed { marks: Some(marks), mask })
}

/// The least text length of an attribute's list or map that
/// [`marked_shallow`] leaves to convert when first read: below it, the
/// converted value is no larger than the lazy one.
const DEFER_AT: usize = 48;

/// As [`marked`], for a resource's value (an object of attributes): the
/// top level is converted now, and each attribute holding a larger list or
/// map is converted when first read. A policy reads a few attributes of
/// each of tens of thousands of resources (`metadata_options`, `tags`) and
/// keeps what it read; the rest then stays as text. The result is the same
/// value: an attribute is deferred only when its mask marks nothing inside
/// it, so that it is converted with the same marks (the sensitive texts).
pub(crate) fn marked_shallow(span: &JsonSpan, marks: &Marks, mask: &serde_json::Value) -> serde_json::Result<Value> {
    let text = span.as_str();
    if mask.as_bool() == Some(true) || !text.trim_start().starts_with('{') {
        return marked(text, marks, mask);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let pairs = de.deserialize_map(RawPairs)?;
    de.end()?;
    let mut values: Vec<(String, Value)> = Vec::with_capacity(pairs.len());
    for (k, raw) in sorted_last_kept(pairs) {
        let part = raw.get();
        let part_mask = mask.get(k.as_str()).unwrap_or(&JSON_NULL);
        let deferred =
            (part.len() >= DEFER_AT && (part.starts_with('{') || part.starts_with('[')) && !marks_any(part_mask))
                .then(|| span.sub(part))
                .flatten();
        let v = match deferred {
            Some(part) => {
                let marks = marks.clone();
                // The text was read whole just above: converting it cannot
                // fail (undefined, which fails a rule, if it ever did).
                Value::lazy(move || marked(part.as_str(), &marks, &JSON_NULL).unwrap_or(Value::Undefined))
            }
            None => marked(part, marks, part_mask)?,
        };
        values.push((k, v));
    }
    let mut names = KEYS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let kept = values.into_iter().map(|(k, v)| (Key::String(intern(&mut names, &k)), v)).collect();
    Ok(Value::Map(Map::from_distinct(kept)))
}

/// Whether a mask marks anything (a `true` anywhere in it).
fn marks_any(mask: &serde_json::Value) -> bool {
    match mask {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Array(items) => items.iter().any(marks_any),
        serde_json::Value::Object(m) => m.values().any(marks_any),
        _ => false,
    }
}

/// Pairs sorted by key, the last of a repeated key kept (the sort is
/// stable): serde_json's map order.
fn sorted_last_kept<V>(mut pairs: Vec<(String, V)>) -> Vec<(String, V)> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut kept: Vec<(String, V)> = Vec::with_capacity(pairs.len());
    for p in pairs {
        match kept.last_mut() {
            Some(last) if last.0 == p.0 => *last = p,
            _ => kept.push(p),
        }
    }
    kept
}

/// An object's members, their values as the text writes them.
struct RawPairs;

impl<'de> Visitor<'de> for RawPairs {
    type Value = Vec<(String, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            pairs.push((k, map.next_value::<&'de RawValue>()?));
        }
        Ok(pairs)
    }
}

/// `text` converted with no marks: [`super::from_json`] of the parsed text.
pub(crate) fn plain(text: &str) -> serde_json::Result<Value> {
    read(text, Seed { marks: None, mask: &JSON_NULL })
}

fn read(text: &str, seed: Seed<'_>) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value's whole shape, sensitive wrappers included (Debug hides
    /// what they wrap).
    fn shape(v: &Value) -> String {
        match v {
            Value::Sensitive(inner) => format!("S({})", shape(inner)),
            Value::List(l) => format!("[{}]", l.as_slice().iter().map(shape).collect::<Vec<_>>().join(",")),
            Value::Map(m) => {
                format!(
                    "{{{}}}",
                    m.iter().map(|(k, x)| format!("{}:{}", key(k), shape(x))).collect::<Vec<_>>().join(",")
                )
            }
            Value::Float(f) => format!("F{f:?}"),
            Value::Int(i) => format!("I{i}"),
            // A value converted when read shows as the value it converts to.
            Value::Lazy(_) => v.unsensitive().map_or_else(|| "lazy sensitive".to_string(), shape),
            other => format!("{other:?}"),
        }
    }

    fn key(k: &Key) -> String {
        match k {
            Key::String(s) => format!("{s:?}"),
            other => format!("{other:?}"),
        }
    }

    fn marks(texts: &[&str]) -> Marks {
        Marks {
            texts: Arc::new(texts.iter().map(|t| t.to_string()).collect()),
            variables: Arc::new(Default::default()),
        }
    }

    const VALUES: &[&str] = &[
        r#"{"b":1,"a":"x","c":{"z":[1,2.5,"s3cr3t",null,true]}}"#,
        r#"{"k":1,"k":"s3cr3t","a":{"k":2},"k":3}"#,
        r#"[18446744073709551615, -9223372036854775808, 9223372036854775808, -0, 0.1, 1.0, 1e20, 42]"#,
        r#""s3cr3t""#,
        r#""s3\u0063r3t""#,
        r#"{"password":"s3cr3t","port":5432,"nested":[{"token":"abc","ok":"fine"}],"e":{},"l":[]}"#,
        r#"{"é":"ü","":"","a\"b":"\\n"}"#,
        r#"12345"#,
        r#"1.5"#,
        r#"null"#,
        r#" {"sp" : [ 1 , 2 ] } "#,
    ];

    const MASKS: &[&str] = &[
        "null",
        "true",
        "false",
        r#"{"password":true,"nested":[{"token":true}],"c":{"z":[false,true]}}"#,
        r#"{"k":true}"#,
        r#"[false,true,false,false,true]"#,
        r#"{"nested":true,"e":true,"l":true}"#,
    ];

    #[test]
    fn converting_the_text_gives_what_converting_the_parsed_text_gives() {
        for texts in [&[][..], &["s3cr3t", "5432", "42", "1.5", "12345", "abc", "1e20", "0.1", "2.5"][..]] {
            let marks = marks(texts);
            for text in VALUES {
                let j: serde_json::Value = serde_json::from_str(text).unwrap();
                assert_eq!(shape(&plain(text).unwrap()), shape(&super::super::from_json(&j)), "{text}");
                for mask in MASKS {
                    let m: serde_json::Value = serde_json::from_str(mask).unwrap();
                    let want = shape(&marks.convert(&j, &m));
                    assert_eq!(shape(&marked(text, &marks, &m).unwrap()), want, "{text} with {mask}, {texts:?}");
                }
            }
        }
    }

    /// Resource-like values with lists and maps long enough to be deferred.
    const RESOURCES: &[&str] = &[
        r#"{"password":"s3cr3t","nested":[{"token":"abc","ok":"fine","more":"text to make this longer"}],"port":5432}"#,
        r#"{"tags":{"Name":"web","env":"prod","owner":"platform","secret":"s3cr3t"},"l":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],"e":[],"m":{}}"#,
        r#"{"k":{"a":"first value of a repeated key, long enough"},"k":{"b":"second value of the repeated key, long enough"}}"#,
        r#"{"c":{"z":[1,2.5,"s3cr3t",null,true,"padding to make it longer than the limit"]},"a":"x","b":1}"#,
        r#" { "sp" : [ 1 , 2 , 3 , 4 , 5 , 6 , 7 , 8 , 9 , 10 , 11 , 12 , 13 , 14 , 15 ] } "#,
        r#"[{"in":"a list at the top is converted whole, as it always was"}]"#,
        r#"{}"#,
        r#""s3cr3t""#,
    ];

    const RESOURCE_MASKS: &[&str] = &[
        "null",
        "true",
        "{}",
        r#"{"nested":[{"token":true}],"tags":{"secret":true}}"#,
        r#"{"nested":true,"l":true,"k":{"b":true}}"#,
        r#"{"c":{"z":[false,false,false,false,false,false]},"tags":{},"sp":[]}"#,
        r#"{"nested":[{}],"c":{"z":[false,true]}}"#,
    ];

    #[test]
    fn converting_a_resource_s_attributes_when_read_gives_what_converting_it_whole_gives() {
        for texts in [&[][..], &["s3cr3t", "5432", "abc", "2.5", "web"][..]] {
            let marks = marks(texts);
            for text in RESOURCES.iter().chain(VALUES) {
                let plan = format!(r#"{{"format_version":"1.2","resource_changes":[],"value":{text}}}"#);
                let doc = tfgate_plan::Plan::parse(&plan).unwrap().document().unwrap();
                let span = doc.section("value").unwrap();
                for mask in RESOURCE_MASKS.iter().chain(MASKS) {
                    let m: serde_json::Value = serde_json::from_str(mask).unwrap();
                    let want = shape(&marked(text, &marks, &m).unwrap());
                    let got = marked_shallow(&span, &marks, &m).unwrap();
                    assert_eq!(shape(&got), want, "{text} with {mask}, {texts:?}");
                }
            }
        }
        // The long nested parts are indeed left as text until read.
        let plan = format!(r#"{{"format_version":"1.2","resource_changes":[],"value":{}}}"#, RESOURCES[1]);
        let doc = tfgate_plan::Plan::parse(&plan).unwrap().document().unwrap();
        let v = marked_shallow(&doc.section("value").unwrap(), &marks(&[]), &JSON_NULL).unwrap();
        let lazy: Vec<bool> = v.as_map().unwrap().iter().map(|(_, x)| matches!(x, Value::Lazy(_))).collect();
        assert_eq!(lazy, [false, true, false, true], "e, l, m, tags");
    }

    #[test]
    fn secrets_are_marked_where_the_mask_or_their_text_says() {
        let marks = marks(&["s3cr3t", "5432"]);
        let mask = serde_json::json!({"nested": [{"token": true}]});
        let v = marked(VALUES[5], &marks, &mask).unwrap();
        assert_eq!(
            shape(&v),
            r#"{"e":{},"l":[],"nested":[{"ok":"fine","token":S("abc")}],"password":S("s3cr3t"),"port":S(I5432)}"#
        );
    }

    #[test]
    fn map_keys_are_shared_between_values_and_their_store_is_bounded() {
        let a = plain(r#"{"sperf2_shared_key":1}"#).unwrap();
        let b = plain(r#"{"sperf2_shared_key":2}"#).unwrap();
        let key = |v: &Value| match v.as_map().and_then(|m| m.iter().next().map(|(k, _)| k.clone())) {
            Some(Key::String(s)) => s,
            _ => panic!("a map with a string key"),
        };
        assert!(Arc::ptr_eq(&key(&a), &key(&b)), "one copy of a repeated key");
        // A long key is not kept, nor is any key once the store is full.
        let mut names = HashSet::new();
        let long = "k".repeat(MAX_KEY_LEN + 1);
        let _ = intern(&mut names, &long);
        assert!(names.is_empty());
        for i in 0..MAX_KEYS + 10 {
            let _ = intern(&mut names, &i.to_string());
        }
        assert_eq!(names.len(), MAX_KEYS);
    }

    #[test]
    fn text_that_is_not_one_json_value_is_an_error() {
        for bad in ["", "{", "[1,]", "1 2", r#"{"a":}"#, "1e400"] {
            assert!(plain(bad).is_err(), "{bad}");
            assert!(marked(bad, &marks(&[]), &JSON_NULL).is_err(), "{bad}");
        }
    }
}
