//! The plan document as serde sees it: borrowed, typed, values kept raw.
//!
//! Only what the model uses is declared; serde skips everything else
//! (unknown fields are never an error). Large value sections stay
//! `&RawValue` and are resolved only on demand.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::plan::{BadAddress, ResourceInstance};

pub type Str<'a> = Cow<'a, str>;

#[derive(Deserialize)]
pub struct RawPlan<'a> {
    #[serde(borrow)]
    pub format_version: Option<Str<'a>>,
    #[serde(borrow)]
    pub terraform_version: Option<Str<'a>>,
    #[serde(borrow)]
    pub variables: Option<BTreeMap<Str<'a>, RawVariable<'a>>>,
    #[serde(borrow)]
    pub planned_values: Option<&'a RawValue>,
    #[serde(borrow)]
    pub resource_changes: Option<Instances<'a>>,
    #[serde(borrow)]
    pub resource_drift: Option<Instances<'a>>,
    #[serde(borrow)]
    pub deferred_changes: Option<Vec<RawDeferred<'a>>>,
    #[serde(borrow, default, deserialize_with = "merged_map")]
    pub output_changes: Option<BTreeMap<Str<'a>, RawChange<'a>>>,
    #[serde(borrow)]
    pub prior_state: Option<&'a RawValue>,
    #[serde(borrow)]
    pub configuration: Option<RawConfiguration<'a>>,
    #[serde(borrow)]
    pub checks: Option<Vec<RawCheck<'a>>>,
    #[serde(borrow)]
    pub timestamp: Option<Str<'a>>,
    pub applyable: Option<bool>,
    pub complete: Option<bool>,
    pub errored: Option<bool>,
    #[serde(borrow)]
    pub relevant_attributes: Option<Vec<RawRelevantAttribute<'a>>>,

    // Present in state files, never in plans: used to say "this is a state".
    pub values: Option<IgnoredAny>,
    pub lineage: Option<IgnoredAny>,
    pub serial: Option<IgnoredAny>,
    pub version: Option<IgnoredAny>,
    pub resources: Option<IgnoredAny>,
}

#[derive(Deserialize)]
pub struct RawVariable<'a> {
    #[serde(borrow)]
    pub value: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub struct RawResourceChange<'a> {
    #[serde(borrow)]
    pub address: Option<Str<'a>>,
    #[serde(borrow)]
    pub previous_address: Option<Str<'a>>,
    #[serde(borrow)]
    pub module_address: Option<Str<'a>>,
    #[serde(borrow)]
    pub mode: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    pub resource_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub index: Option<&'a RawValue>,
    pub index_unknown: Option<bool>,
    #[serde(borrow)]
    pub provider_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub deposed: Option<Str<'a>>,
    #[serde(borrow)]
    pub action_reason: Option<Str<'a>>,
    #[serde(borrow)]
    pub change: RawChange<'a>,
}

#[derive(Deserialize)]
pub struct RawChange<'a> {
    #[serde(borrow, default)]
    pub actions: Vec<Str<'a>>,
    #[serde(borrow)]
    pub before: Option<&'a RawValue>,
    #[serde(borrow)]
    pub after: Option<&'a RawValue>,
    #[serde(borrow)]
    pub after_unknown: Option<&'a RawValue>,
    #[serde(borrow)]
    pub before_sensitive: Option<&'a RawValue>,
    #[serde(borrow)]
    pub after_sensitive: Option<&'a RawValue>,
    #[serde(borrow)]
    pub replace_paths: Option<&'a RawValue>,
    #[serde(borrow)]
    pub importing: Option<RawImporting<'a>>,
    #[serde(borrow)]
    pub generated_config: Option<Str<'a>>,
    /// `(after_unknown, after_sensitive)` of earlier occurrences of the
    /// same entry (an output written twice): their marks still count.
    #[serde(skip)]
    pub earlier_masks: Vec<(Option<&'a RawValue>, Option<&'a RawValue>)>,
}

impl MergeDuplicate for RawChange<'_> {
    fn merge_duplicate(&mut self, mut earlier: Self) {
        // Values: the last occurrence wins, as in Go's encoding/json.
        self.earlier_masks.append(&mut earlier.earlier_masks);
        self.earlier_masks.push((earlier.after_unknown, earlier.after_sensitive));
    }
}

#[derive(Deserialize)]
pub struct RawImporting<'a> {
    #[serde(borrow)]
    pub id: Option<Str<'a>>,
    pub unknown: Option<bool>,
}

#[derive(Deserialize)]
pub struct RawDeferred<'a> {
    #[serde(borrow)]
    pub reason: Option<Str<'a>>,
    #[serde(borrow)]
    pub resource_change: RawResourceChange<'a>,
}

#[derive(Deserialize)]
pub struct RawRelevantAttribute<'a> {
    #[serde(borrow)]
    pub resource: Str<'a>,
    #[serde(borrow)]
    pub attribute: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub struct RawCheck<'a> {
    #[serde(borrow)]
    pub address: RawCheckAddress<'a>,
    #[serde(borrow)]
    pub status: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub instances: Vec<RawCheckInstance<'a>>,
}

#[derive(Deserialize)]
pub struct RawCheckAddress<'a> {
    #[serde(borrow)]
    pub kind: Option<Str<'a>>,
    #[serde(borrow)]
    pub to_display: Option<Str<'a>>,
}

#[derive(Deserialize)]
pub struct RawCheckInstance<'a> {
    #[serde(borrow)]
    pub address: RawCheckAddress<'a>,
    #[serde(borrow)]
    pub status: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub problems: Vec<RawProblem<'a>>,
}

#[derive(Deserialize)]
pub struct RawProblem<'a> {
    #[serde(borrow)]
    pub message: Option<Str<'a>>,
}

#[derive(Deserialize, Default)]
pub struct RawConfiguration<'a> {
    #[serde(borrow)]
    pub provider_config: Option<BTreeMap<Str<'a>, RawProviderConfig<'a>>>,
    #[serde(borrow)]
    pub root_module: Option<RawConfigModule<'a>>,
}

#[derive(Deserialize)]
pub struct RawProviderConfig<'a> {
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub full_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub alias: Option<Str<'a>>,
    #[serde(borrow)]
    pub module_address: Option<Str<'a>>,
    #[serde(borrow)]
    pub version_constraint: Option<Str<'a>>,
    #[serde(borrow)]
    pub expressions: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
pub struct RawConfigModule<'a> {
    #[serde(borrow)]
    pub resources: Option<Vec<RawConfigResource<'a>>>,
    #[serde(borrow)]
    pub module_calls: Option<BTreeMap<Str<'a>, RawModuleCall<'a>>>,
    #[serde(borrow, default, deserialize_with = "merged_map")]
    pub variables: Option<BTreeMap<Str<'a>, RawConfigVariable>>,
    #[serde(borrow, default, deserialize_with = "merged_map")]
    pub outputs: Option<BTreeMap<Str<'a>, RawConfigOutput<'a>>>,
}

#[derive(Deserialize)]
pub struct RawConfigResource<'a> {
    #[serde(borrow)]
    pub address: Option<Str<'a>>,
    #[serde(borrow)]
    pub mode: Option<Str<'a>>,
    #[serde(borrow, rename = "type")]
    pub resource_type: Option<Str<'a>>,
    #[serde(borrow)]
    pub name: Option<Str<'a>>,
    #[serde(borrow)]
    pub provider_config_key: Option<Str<'a>>,
    #[serde(borrow)]
    pub expressions: Option<&'a RawValue>,
    #[serde(borrow)]
    pub count_expression: Option<&'a RawValue>,
    #[serde(borrow)]
    pub for_each_expression: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub struct RawModuleCall<'a> {
    #[serde(borrow)]
    pub source: Option<Str<'a>>,
    #[serde(borrow)]
    pub version_constraint: Option<Str<'a>>,
    #[serde(borrow)]
    pub expressions: Option<&'a RawValue>,
    #[serde(borrow)]
    pub count_expression: Option<&'a RawValue>,
    #[serde(borrow)]
    pub for_each_expression: Option<&'a RawValue>,
    #[serde(borrow)]
    pub module: Option<Box<RawConfigModule<'a>>>,
}

#[derive(Deserialize)]
pub struct RawConfigVariable {
    pub sensitive: Option<bool>,
}

impl MergeDuplicate for RawConfigVariable {
    fn merge_duplicate(&mut self, earlier: Self) {
        if earlier.sensitive == Some(true) {
            self.sensitive = Some(true);
        }
    }
}

#[derive(Deserialize)]
pub struct RawConfigOutput<'a> {
    #[serde(borrow)]
    pub expression: Option<&'a RawValue>,
    pub sensitive: Option<bool>,
}

impl MergeDuplicate for RawConfigOutput<'_> {
    fn merge_duplicate(&mut self, earlier: Self) {
        if earlier.sensitive == Some(true) {
            self.sensitive = Some(true);
        }
    }
}

/// An entry that a map may hold twice under one key: the later occurrence
/// is kept (Go's encoding/json and serde_json do so) after taking over the
/// marks of the earlier one, so that a duplicate never hides a secret.
pub trait MergeDuplicate {
    fn merge_duplicate(&mut self, earlier: Self);
}

/// Deserializes an optional map whose duplicated keys are merged with
/// [`MergeDuplicate`] (serde's own map keeps the last and drops the rest).
fn merged_map<'de, D, K, V>(deserializer: D) -> Result<Option<BTreeMap<K, V>>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de> + MergeDuplicate,
{
    struct Visit<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de> + MergeDuplicate> serde::de::Visitor<'de> for Visit<K, V> {
        type Value = Option<BTreeMap<K, V>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, mut v)) = map.next_entry::<K, V>()? {
                if let Some(earlier) = out.remove(&k) {
                    v.merge_duplicate(earlier);
                }
                out.insert(k, v);
            }
            Ok(Some(out))
        }
    }
    deserializer.deserialize_option(Visit(std::marker::PhantomData))
}

/// `prior_state` / `planned_values` as a state representation.
#[derive(Deserialize)]
pub struct RawStateValues<'a> {
    #[serde(borrow)]
    pub values: Option<RawValuesRepr<'a>>,
}

#[derive(Deserialize)]
pub struct RawValuesRepr<'a> {
    #[serde(borrow)]
    pub root_module: Option<RawStateModule<'a>>,
}

#[derive(Deserialize)]
pub struct RawStateModule<'a> {
    #[serde(borrow, default)]
    pub resources: Vec<RawStateResource<'a>>,
    #[serde(borrow, default)]
    pub child_modules: Vec<RawStateModule<'a>>,
}

#[derive(Deserialize)]
pub struct RawStateResource<'a> {
    #[serde(borrow)]
    pub address: Option<Str<'a>>,
    #[serde(borrow)]
    pub provider_name: Option<Str<'a>>,
    #[serde(borrow)]
    pub values: Option<&'a RawValue>,
    #[serde(borrow)]
    pub sensitive_values: Option<&'a RawValue>,
    #[serde(borrow)]
    pub deposed_key: Option<Str<'a>>,
}

/// A `resource_changes` (or `resource_drift`) array, turned into the model
/// one element at a time so that no intermediate vector of raw entries
/// exists: for plans of hundreds of thousands of resources that vector would
/// be a large share of the memory used.
///
/// An entry whose address cannot be read is kept aside with its index and
/// the rest is skipped: an error raised inside the array would be located
/// where the reader stands, past the entry (at the next one).
pub struct Instances<'a>(pub Vec<ResourceInstance<'a>>, pub Option<(usize, BadAddress)>);

impl<'a> Instances<'a> {
    /// The instances, or the error of the first bad entry of `section`.
    pub(crate) fn into_vec(self, section: &str) -> Result<Vec<ResourceInstance<'a>>, crate::PlanError> {
        match self.1 {
            Some((i, bad)) => Err(bad.at(&format!("$.{section}[{i}]"))),
            None => Ok(self.0),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Instances<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Instances<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of resource changes")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(rc) = seq.next_element::<RawResourceChange<'de>>()? {
                    match ResourceInstance::from_raw(rc) {
                        Ok(instance) => out.push(instance),
                        Err(bad) => {
                            let index = out.len();
                            while seq.next_element::<IgnoredAny>()?.is_some() {}
                            return Ok(Instances(out, Some((index, bad))));
                        }
                    }
                }
                Ok(Instances(out, None))
            }
        }
        deserializer.deserialize_seq(Visit(std::marker::PhantomData))
    }
}
