//! The plan document in its own shape, owned, for readers that must show it
//! as the file has it rather than as the resolved model: Sentinel's
//! `tfplan/v2` import hands policies `change.after` with unknown attributes
//! left out, `after_unknown` and `after_sensitive` as separate maps, and the
//! whole document as `raw`.
//!
//! A [`PlanDocument`] is an owned copy of the plan text plus the place of each
//! section in it ([`JsonSpan`]); a span is parsed only when asked, so a reader
//! that looks at one resource pays for that resource alone. Spans are `Send`,
//! `Sync` and `'static`, and may be kept after the [`Plan`] is gone.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::PlanError;
use crate::input::json_error_in;
use crate::plan::{Change, Plan};

/// A JSON value inside a [`PlanDocument`]'s text.
#[derive(Clone)]
pub struct JsonSpan {
    text: Arc<crate::PlanText>,
    start: usize,
    end: usize,
}

impl JsonSpan {
    /// The value's JSON text, exactly as the file writes it.
    pub fn as_str(&self) -> &str {
        &self.text[self.start..self.end]
    }

    /// The value parsed. The text was already checked when the plan was read,
    /// so this fails only if the plan reader itself is wrong.
    pub fn to_json(&self) -> Result<serde_json::Value, PlanError> {
        serde_json::from_str(self.as_str()).map_err(|e| json_error_in(&self.text, self.as_str(), &e))
    }

    /// Whether the value is JSON `null`.
    pub fn is_null(&self) -> bool {
        self.as_str() == "null"
    }

    /// The span of `part`, a slice of this span's own text (as a parser
    /// borrowing from [`JsonSpan::as_str`] hands out), sharing the text;
    /// `None` when `part` is not inside it.
    pub fn sub(&self, part: &str) -> Option<JsonSpan> {
        let whole = self.as_str();
        let offset = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
        let end = offset.checked_add(part.len())?;
        (end <= whole.len()).then(|| JsonSpan {
            text: self.text.clone(),
            start: self.start + offset,
            end: self.start + end,
        })
    }
}

impl std::fmt::Debug for JsonSpan {
    /// Only the position: the text may hold secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsonSpan({}..{})", self.start, self.end)
    }
}

/// An owned copy of a plan's text, with the place of its sections. A clone
/// shares the text.
#[derive(Clone)]
pub struct PlanDocument {
    text: Arc<crate::PlanText>,
    /// Address of the text the [`Plan`] borrows from: spans of values the
    /// plan hands out are found by their offset from it.
    origin: usize,
    sections: BTreeMap<String, (usize, usize)>,
}

/// The raw values of a change object (`resource_changes[].change`,
/// `output_changes.NAME`). `None` where the file has no such key; for a
/// resource change (read through the plan model) also where it is `null`.
#[derive(Clone, Debug, Default)]
pub struct ChangeSpans {
    /// The `actions` list as written.
    pub actions: Vec<String>,
    /// `before`: the object before the change.
    pub before: Option<JsonSpan>,
    /// `after`: the object after the change, unknown parts left out.
    pub after: Option<JsonSpan>,
    /// `after_unknown`: which parts of `after` are known only after apply.
    pub after_unknown: Option<JsonSpan>,
    /// `before_sensitive`: which parts of `before` are sensitive.
    pub before_sensitive: Option<JsonSpan>,
    /// `after_sensitive`: which parts of `after` are sensitive.
    pub after_sensitive: Option<JsonSpan>,
}

/// A state representation (`planned_values`, `prior_state`): its resources
/// across every module, and the root module's outputs.
#[derive(Clone, Debug, Default)]
pub struct StateView {
    /// `prior_state.terraform_version` (planned values have none).
    pub terraform_version: Option<String>,
    /// The resource objects of every module.
    pub resources: Vec<StateObject>,
    /// The root module's outputs.
    pub outputs: Vec<StateOutput>,
}

/// One resource object of a state representation.
#[derive(Clone, Debug, Default)]
pub struct StateObject {
    /// The instance address as written.
    pub address: String,
    /// The `address` of the module the object is in (empty for the root).
    pub module_address: String,
    /// `managed`, `data` or `ephemeral`.
    pub mode: String,
    /// The resource type (`aws_instance`).
    pub resource_type: String,
    /// The block's name label.
    pub name: String,
    /// The instance key as JSON (a number or a string), if any.
    pub index: Option<JsonSpan>,
    /// The provider's source address.
    pub provider_name: String,
    /// The object's attribute values.
    pub values: Option<JsonSpan>,
    /// Which attribute values are sensitive.
    pub sensitive_values: Option<JsonSpan>,
    /// The addresses this object depends on.
    pub depends_on: Vec<String>,
    /// The object is tainted: the next apply replaces it.
    pub tainted: bool,
    /// For an old object kept by a `create_before_destroy` replacement.
    pub deposed_key: Option<String>,
}

/// A root module output of a state representation.
#[derive(Clone, Debug, Default)]
pub struct StateOutput {
    /// The output's name.
    pub name: String,
    /// The output is marked sensitive.
    pub sensitive: bool,
    /// The output's value (left out when it is unknown).
    pub value: Option<JsonSpan>,
}

/// A root module variable set in the plan.
#[derive(Clone, Debug)]
pub struct VariableSpan {
    /// The variable's name.
    pub name: String,
    /// `variables.NAME.value`.
    pub value: Option<JsonSpan>,
}

/// An entry of `output_changes`.
#[derive(Clone, Debug)]
pub struct OutputSpans {
    /// The output's name.
    pub name: String,
    /// The output's change object.
    pub change: ChangeSpans,
}

type Str<'a> = Cow<'a, str>;

/// A change object as a map of raw values, so that a key written as `null`
/// (a `Some` span of `null`) differs from a missing one (`None`): an output
/// wholly unknown until apply has no `after` at all.
type RawChangeView<'a> = BTreeMap<Str<'a>, &'a RawValue>;

#[derive(Deserialize)]
struct RawVariableView<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawPriorState<'a> {
    #[serde(borrow)]
    terraform_version: Option<Str<'a>>,
    #[serde(borrow)]
    values: Option<RawStateValues<'a>>,
}

#[derive(Deserialize)]
struct RawStateValues<'a> {
    #[serde(borrow, default)]
    outputs: BTreeMap<Str<'a>, RawStateOutput<'a>>,
    #[serde(borrow)]
    root_module: Option<RawModule<'a>>,
}

/// An output as a map of raw values: `value` is missing when unknown.
type RawStateOutput<'a> = BTreeMap<Str<'a>, &'a RawValue>;

#[derive(Deserialize)]
struct RawModule<'a> {
    #[serde(borrow)]
    address: Option<Str<'a>>,
    #[serde(borrow, default)]
    resources: Vec<RawObject<'a>>,
    #[serde(borrow, default)]
    child_modules: Vec<RawModule<'a>>,
}

#[derive(Deserialize)]
struct RawObject<'a> {
    #[serde(borrow)]
    address: Option<Str<'a>>,
    #[serde(borrow)]
    mode: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    resource_type: Option<Str<'a>>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    index: Option<&'a RawValue>,
    #[serde(borrow)]
    provider_name: Option<Str<'a>>,
    #[serde(borrow)]
    values: Option<&'a RawValue>,
    #[serde(borrow)]
    sensitive_values: Option<&'a RawValue>,
    #[serde(borrow, default)]
    depends_on: Vec<Str<'a>>,
    #[serde(default)]
    tainted: bool,
    #[serde(borrow)]
    deposed_key: Option<Str<'a>>,
}

impl Plan<'_> {
    /// An owned copy of the plan's text with its sections located. Costs one
    /// copy of the text and one scan of its top level.
    pub fn document(&self) -> Result<PlanDocument, PlanError> {
        self.document_of(Arc::new(crate::PlanText::from(self.source.to_string())))
    }

    /// The document of this plan without copying its text, when `text` is
    /// the very text the plan was parsed from (kept alive by the caller in an
    /// `Arc`); a copy otherwise. A large plan then sits in memory once.
    pub fn document_sharing(&self, text: Arc<crate::PlanText>) -> Result<PlanDocument, PlanError> {
        if std::ptr::eq(text.as_ptr(), self.source.as_ptr()) && text.len() == self.source.len() {
            self.document_of(text)
        } else {
            self.document()
        }
    }

    fn document_of(&self, text: Arc<crate::PlanText>) -> Result<PlanDocument, PlanError> {
        // Spans of the plan's values are offsets from the text it was parsed
        // from, whether `text` is that text or a copy of it.
        let origin = self.source.as_ptr() as usize;
        let sections = text.sections()?.clone();
        Ok(PlanDocument { text, origin, sections })
    }
}

/// The top-level sections of a plan's text: where each key's value is.
pub(crate) fn locate_sections(source: &str) -> Result<BTreeMap<String, (usize, usize)>, PlanError> {
    match scan_sections(source) {
        Some(sections) => Ok(sections),
        None => parse_sections(source),
    }
}

/// The top-level sections of a plan's text, each key with the place of its
/// value (the last of a repeated key wins), found by a full parse.
fn parse_sections(source: &str) -> Result<BTreeMap<String, (usize, usize)>, PlanError> {
    let top: BTreeMap<Str<'_>, &RawValue> =
        serde_json::from_str(source).map_err(|e| json_error_in(source, source, &e))?;
    let origin = source.as_ptr() as usize;
    Ok(top
        .into_iter()
        .map(|(k, v)| {
            let start = v.get().as_ptr() as usize - origin;
            (k.into_owned(), (start, start + v.get().len()))
        })
        .collect())
}

/// As [`parse_sections`], by a lean scan that only finds where each value
/// ends (a plan's text has already been parsed whole, so it is valid JSON:
/// brackets need only be counted, not matched). `None` for anything it does
/// not expect (a key with an escape, text that is not an object), which the
/// full parse then reads or refuses.
fn scan_sections(source: &str) -> Option<BTreeMap<String, (usize, usize)>> {
    let s = source.as_bytes();
    let mut sections = BTreeMap::new();
    let mut i = skip_ws(s, 0);
    (s.get(i) == Some(&b'{')).then_some(())?;
    i = skip_ws(s, i + 1);
    if s.get(i) == Some(&b'}') {
        return (skip_ws(s, i + 1) == s.len()).then_some(sections);
    }
    loop {
        (s.get(i) == Some(&b'"')).then_some(())?;
        let key_end = string_end(s, i)?;
        let key = source.get(i + 1..key_end - 1)?;
        if key.contains('\\') {
            return None;
        }
        i = skip_ws(s, key_end);
        (s.get(i) == Some(&b':')).then_some(())?;
        let start = skip_ws(s, i + 1);
        let end = value_end(s, start)?;
        sections.insert(key.to_string(), (start, end));
        i = skip_ws(s, end);
        match s.get(i) {
            Some(b',') => i = skip_ws(s, i + 1),
            Some(b'}') => return (skip_ws(s, i + 1) == s.len()).then_some(sections),
            _ => return None,
        }
    }
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while s.get(i).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Just past the closing quote of the string that opens at `i`.
fn string_end(s: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        j += memchr::memchr2(b'"', b'\\', s.get(j..)?)?;
        if s[j] == b'"' {
            return Some(j + 1);
        }
        j += 2;
    }
}

/// Just past the end of the value that starts at `i`.
fn value_end(s: &[u8], i: usize) -> Option<usize> {
    match *s.get(i)? {
        b'"' => string_end(s, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *s.get(j)? {
                    b'"' => {
                        j = string_end(s, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            // A number, `true`, `false` or `null`: up to the next delimiter.
            let len = s[i..].iter().position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))?;
            (len > 0).then_some(i + len)
        }
    }
}

impl PlanDocument {
    /// The document of a plan's text before (or without) its parse: for a
    /// reader that only needs the sections as the file has them. The text
    /// must be a plan's (the caller parses it too, or already did): its
    /// sections are found by a lean scan that assumes valid JSON.
    pub fn of_text(text: Arc<crate::PlanText>) -> Result<PlanDocument, PlanError> {
        let sections = text.sections()?.clone();
        Ok(PlanDocument { origin: text.as_ptr() as usize, text, sections })
    }

    /// Hands the resident pages of a mapped text back to the file cache
    /// ([`crate::PlanText::release_resident`]): for a reader that has just
    /// passed over much of the text and will now read little of it.
    pub fn release_resident(&self) {
        self.text.release_resident();
    }

    /// The whole document.
    pub fn whole(&self) -> JsonSpan {
        JsonSpan { text: self.text.clone(), start: 0, end: self.text.len() }
    }

    /// A top-level section (`planned_values`, `configuration`, ...).
    pub fn section(&self, name: &str) -> Option<JsonSpan> {
        self.sections.get(name).map(|&(start, end)| JsonSpan { text: self.text.clone(), start, end })
    }

    /// The span of a value the [`Plan`] this document was made from hands
    /// out (its [`Change`] fields). `None` for text from elsewhere.
    pub fn span(&self, raw: &RawValue) -> Option<JsonSpan> {
        let start = (raw.get().as_ptr() as usize).checked_sub(self.origin)?;
        let end = start + raw.get().len();
        (end <= self.text.len() && self.text.is_char_boundary(start) && self.text.is_char_boundary(end))
            .then(|| JsonSpan { text: self.text.clone(), start, end })
    }

    /// The raw values of a change of the plan.
    pub fn change(&self, change: &Change<'_>, actions: Vec<String>) -> ChangeSpans {
        let span = |r: Option<&RawValue>| r.and_then(|r| self.span(r));
        ChangeSpans {
            actions,
            before: span(change.before),
            after: span(change.after),
            after_unknown: span(change.after_unknown),
            before_sensitive: span(change.before_sensitive),
            after_sensitive: span(change.after_sensitive),
        }
    }

    fn parse_section<'s, T: Deserialize<'s>>(&'s self, name: &str) -> Result<Option<T>, PlanError> {
        let Some(&(start, end)) = self.sections.get(name) else {
            return Ok(None);
        };
        let part = &self.text[start..end];
        if part == "null" {
            return Ok(None);
        }
        serde_json::from_str(part).map(Some).map_err(|e| json_error_in(&self.text, part, &e))
    }

    fn own(&self, raw: Option<&RawValue>) -> Option<JsonSpan> {
        let raw = raw?;
        let start = raw.get().as_ptr() as usize - self.text.as_ptr() as usize;
        Some(JsonSpan { text: self.text.clone(), start, end: start + raw.get().len() })
    }

    /// The root module variables set in the plan (`variables`), by name.
    pub fn variables(&self) -> Result<Vec<VariableSpan>, PlanError> {
        let vars: Option<BTreeMap<Str<'_>, RawVariableView<'_>>> = self.parse_section("variables")?;
        Ok(vars
            .unwrap_or_default()
            .into_iter()
            .map(|(name, v)| VariableSpan { name: name.into_owned(), value: self.own(v.value) })
            .collect())
    }

    /// `output_changes`, by name. A name written twice keeps its last entry.
    pub fn output_changes(&self) -> Result<Vec<OutputSpans>, PlanError> {
        let outs: Option<BTreeMap<Str<'_>, RawChangeView<'_>>> = self.parse_section("output_changes")?;
        Ok(outs
            .unwrap_or_default()
            .into_iter()
            .map(|(name, c)| {
                let actions = c
                    .get("actions")
                    .and_then(|a| serde_json::from_str::<Vec<String>>(a.get()).ok())
                    .unwrap_or_default();
                let span = |k: &str| self.own(c.get(k).copied());
                OutputSpans {
                    name: name.into_owned(),
                    change: ChangeSpans {
                        actions,
                        before: span("before"),
                        after: span("after"),
                        after_unknown: span("after_unknown"),
                        before_sensitive: span("before_sensitive"),
                        after_sensitive: span("after_sensitive"),
                    },
                }
            })
            .collect())
    }

    /// `planned_values` as a state representation (empty when absent).
    pub fn planned_values(&self) -> Result<StateView, PlanError> {
        let values: Option<RawStateValues<'_>> = self.parse_section("planned_values")?;
        Ok(values.map(|v| self.state_view(None, v)).unwrap_or_default())
    }

    /// `prior_state` as a state representation (empty when absent).
    pub fn prior_state(&self) -> Result<StateView, PlanError> {
        let prior: Option<RawPriorState<'_>> = self.parse_section("prior_state")?;
        Ok(prior
            .map(|p| {
                let version = p.terraform_version.map(Cow::into_owned);
                match p.values {
                    Some(v) => self.state_view(version, v),
                    None => StateView { terraform_version: version, ..StateView::default() },
                }
            })
            .unwrap_or_default())
    }

    fn state_view(&self, terraform_version: Option<String>, v: RawStateValues<'_>) -> StateView {
        let mut resources = Vec::new();
        let mut stack: Vec<(String, RawModule<'_>)> =
            v.root_module.into_iter().map(|m| (m.address.as_deref().unwrap_or("").to_string(), m)).collect();
        while let Some((module_address, m)) = stack.pop() {
            for r in m.resources {
                resources.push(StateObject {
                    address: r.address.as_deref().unwrap_or("").to_string(),
                    module_address: module_address.clone(),
                    mode: r.mode.as_deref().unwrap_or("managed").to_string(),
                    resource_type: r.resource_type.as_deref().unwrap_or("").to_string(),
                    name: r.name.as_deref().unwrap_or("").to_string(),
                    index: self.own(r.index),
                    provider_name: r.provider_name.as_deref().unwrap_or("").to_string(),
                    values: self.own(r.values),
                    sensitive_values: self.own(r.sensitive_values),
                    depends_on: r.depends_on.iter().map(|d| d.to_string()).collect(),
                    tainted: r.tainted,
                    deposed_key: r.deposed_key.map(Cow::into_owned),
                });
            }
            for c in m.child_modules.into_iter().rev() {
                stack.push((c.address.as_deref().unwrap_or("").to_string(), c));
            }
        }
        let outputs = v
            .outputs
            .into_iter()
            .map(|(name, o)| StateOutput {
                name: name.into_owned(),
                sensitive: o.get("sensitive").is_some_and(|s| s.get() == "true"),
                value: self.own(o.get("value").copied()),
            })
            .collect();
        StateView { terraform_version, resources, outputs }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.6.0",
      "variables":{"region":{"value":"eu-west-1"}},
      "planned_values":{"outputs":{"o":{"sensitive":true,"value":"s3cr3t"}},
        "root_module":{"resources":[{"address":"a.b","mode":"managed","type":"a","name":"b","provider_name":"p","values":{"x":1},"sensitive_values":{}}],
          "child_modules":[{"address":"module.m","resources":[{"address":"module.m.a.c[0]","mode":"managed","type":"a","name":"c","index":0,"values":{},"depends_on":["a.b"]}]}]}},
      "resource_changes":[{"address":"a.b","mode":"managed","type":"a","name":"b","provider_name":"p",
        "change":{"actions":["create"],"before":null,"after":{"x":1},"after_unknown":{"id":true},"before_sensitive":false,"after_sensitive":{}}}],
      "output_changes":{"o":{"actions":["create"],"before":null,"after_unknown":true}},
      "prior_state":{"format_version":"1.0","terraform_version":"1.6.0","values":{"root_module":{}}},
      "configuration":{"root_module":{}}}"#;

    #[test]
    fn a_document_shares_the_plan_s_own_text_and_a_copy_is_located_alike() {
        let text = Arc::new(crate::PlanText::from(PLAN.to_string()));
        let plan = Plan::parse(&text).unwrap();
        let shared = plan.document_sharing(text.clone()).unwrap();
        // The document holds the caller's text, not a copy of it.
        assert_eq!(Arc::strong_count(&text), 2);
        let copied = plan.document_sharing(Arc::new(crate::PlanText::from(PLAN.to_string()))).unwrap();
        for doc in [&shared, &copied] {
            assert_eq!(doc.section("configuration").unwrap().as_str(), r#"{"root_module":{}}"#);
            let c = doc.change(plan.resources[0].change(), vec!["create".into()]);
            assert_eq!(c.after.unwrap().as_str(), r#"{"x":1}"#);
        }
    }

    #[test]
    fn sections_located_while_parsing_are_the_ones_the_document_uses() {
        let text = Arc::new(crate::PlanText::from(PLAN.to_string()));
        let plan = Plan::parse_locating_sections(&text).unwrap();
        assert!(text.sections.get().is_some(), "located with the parse");
        let doc = plan.document_sharing(text.clone()).unwrap();
        assert_eq!(doc.section("variables").unwrap().as_str(), r#"{"region":{"value":"eu-west-1"}}"#);
        assert_eq!(doc.sections, parse_sections(PLAN).unwrap());
        // A text that is not a plan fails the parse, whatever the scan found.
        let broken = crate::PlanText::from(r#"{"format_version":"1.2","resource_changes":[}"#.to_string());
        assert!(matches!(Plan::parse_locating_sections(&broken), Err(PlanError::Syntax { .. })));
    }

    #[test]
    fn a_part_of_a_span_is_a_span_of_the_same_text_and_anything_else_is_none() {
        let doc = Plan::parse(PLAN).unwrap().document().unwrap();
        let config = doc.section("configuration").unwrap();
        let inner = &config.as_str()[1..config.as_str().len() - 1];
        let sub = config.sub(inner).unwrap();
        assert_eq!(sub.as_str(), r#""root_module":{}"#);
        assert_eq!(sub.sub(&sub.as_str()[14..]).unwrap().as_str(), "{}");
        assert_eq!(config.sub(&config.as_str()[3..3]).unwrap().as_str(), "");
        // Text outside the span, even of the same document, is refused.
        let variables = doc.section("variables").unwrap();
        assert!(config.sub(variables.as_str()).is_none());
        assert!(sub.sub(config.as_str()).is_none());
        assert!(config.sub("root_module").is_none());
    }

    #[test]
    fn the_lean_section_scan_finds_what_the_full_parse_finds() {
        let docs = [
            PLAN,
            "{}",
            " { } ",
            r#"{"a":1}"#,
            "{\"a\" :\t[1, {\"b\": \"]}\\\"{[\"}, -2.5e3] ,\n \"c\":\"x\\\\\" , \"d\":null,\"e\":true ,\"f\":{}}\n",
            r#"{"a":1,"b":[],"a":{"x":"y"}}"#,
            r#"{"é":"ü","k":"\u00e9"}"#,
        ];
        for doc in docs {
            assert_eq!(scan_sections(doc), Some(parse_sections(doc).unwrap()), "{doc}");
        }
        // What the scan does not read is left to the full parse.
        assert_eq!(scan_sections(r#"{"a\u0062":1}"#), None);
        assert_eq!(parse_sections(r#"{"a\u0062":1}"#).unwrap().keys().collect::<Vec<_>>(), ["ab"]);
        for odd in ["", "[]", "1", r#"{"a"}"#, r#"{"a":1"#, r#"{"a":1}x"#, r#"{"a":[1}"#, r#"{"a":"#, r#"{"a":"x"#] {
            assert_eq!(scan_sections(odd), None, "{odd}");
        }
    }

    #[test]
    fn sections_and_change_spans_are_the_file_s_own_text() {
        let plan = Plan::parse(PLAN).unwrap();
        let doc = plan.document().unwrap();
        assert_eq!(doc.section("configuration").unwrap().as_str(), r#"{"root_module":{}}"#);
        assert!(doc.section("resource_drift").is_none());
        let c = doc.change(plan.resources[0].change(), vec!["create".into()]);
        assert_eq!(c.after.unwrap().as_str(), r#"{"x":1}"#);
        assert_eq!(c.after_unknown.unwrap().as_str(), r#"{"id":true}"#);
        // The plan model reads `"before": null` as no value.
        assert!(c.before.is_none());
        assert_eq!(doc.whole().to_json().unwrap()["terraform_version"], "1.6.0");
    }

    #[test]
    fn state_views_walk_child_modules_and_keep_absent_values_absent() {
        let plan = Plan::parse(PLAN).unwrap();
        let doc = plan.document().unwrap();
        let pv = doc.planned_values().unwrap();
        let addrs: Vec<_> = pv.resources.iter().map(|r| (r.address.as_str(), r.module_address.as_str())).collect();
        assert_eq!(addrs, [("a.b", ""), ("module.m.a.c[0]", "module.m")]);
        assert_eq!(pv.resources[1].index.as_ref().unwrap().as_str(), "0");
        assert_eq!(pv.resources[1].depends_on, ["a.b"]);
        assert!(pv.outputs[0].sensitive);
        let outs = doc.output_changes().unwrap();
        assert!(outs[0].change.after.is_none(), "a wholly unknown output has no `after`");
        assert!(outs[0].change.before.as_ref().is_some_and(JsonSpan::is_null), "`null` is kept as a value");
        assert_eq!(outs[0].change.actions, ["create"]);
        assert_eq!(doc.prior_state().unwrap().terraform_version.as_deref(), Some("1.6.0"));
        assert_eq!(doc.variables().unwrap()[0].value.as_ref().unwrap().as_str(), "\"eu-west-1\"");
    }
}
