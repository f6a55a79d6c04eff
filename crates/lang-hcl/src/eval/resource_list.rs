//! The resources of one type as `core::getresources` reads them, built once
//! per source and shared by every call, with an index per filter attribute
//! so that a call per target (`getresources("aws_instance", { subnet_id =
//! attrs.subnet_id })`) looks at the few resources that can match instead of
//! all of them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tfgate_plan::{Key, Kind, Object, Value};

use super::values;

/// The attribute objects of every resource of one type, in source order.
#[derive(Debug, Default)]
pub struct ResourceList {
    values: Vec<Value>,
    /// One index per attribute a filter named, each built on first use.
    indexes: Mutex<HashMap<String, Arc<OnceLock<AttrIndex>>>>,
    /// Whether any resource object is itself marked sensitive.
    any_marked: OnceLock<bool>,
}

/// Positions of the resources by the value of one attribute.
#[derive(Debug, Default)]
struct AttrIndex {
    /// Resources whose attribute is a string, a bool or null, by that value.
    by_value: HashMap<IndexKey, Vec<u32>>,
    /// Resources whose match no known value can rule out: the resource
    /// object or the attribute is unknown.
    undecided: Vec<u32>,
    /// Whether any resource's value of this attribute holds a sensitive
    /// value: which resources match then depends on a secret.
    sensitive: bool,
    // The rest (attribute absent, not an object, a number, list or object)
    // never equals a string, bool or null: they are in neither list.
}

/// The values an index holds: those whose equality is plain equality of
/// the key (the sensitive mark does not take part in equality).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IndexKey {
    Null,
    Bool(bool),
    Str(Key),
}

impl IndexKey {
    fn of(v: &Value) -> Option<IndexKey> {
        match &v.kind {
            Kind::Null => Some(IndexKey::Null),
            Kind::Bool(b) => Some(IndexKey::Bool(*b)),
            Kind::String(s) => Some(IndexKey::Str(s.clone())),
            _ => None,
        }
    }
}

impl ResourceList {
    /// A list of resources; its indexes are built on first use.
    pub fn new(values: Vec<Value>) -> ResourceList {
        ResourceList { values, indexes: Mutex::new(HashMap::new()), any_marked: OnceLock::new() }
    }

    /// The resources, in plan order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The positions, ascending, of the resources that may match `filter`:
    /// every resource its first string, bool or null value does not rule
    /// out. `None` when the filter has no such value (all must be scanned).
    pub fn candidates(&self, filter: &Object) -> Option<Vec<u32>> {
        let (attr, key) = filter.iter().find_map(|(k, want)| IndexKey::of(want).map(|key| (k, key)))?;
        let cell = self.index(attr);
        let index = cell.get_or_init(|| self.build(attr));
        let hits = index.by_value.get(&key).map_or(&[][..], Vec::as_slice);
        Some(merge(hits, &index.undecided))
    }

    /// Whether the result of filtering by `filter` depends on a sensitive
    /// value: a resource marked as a whole, or a sensitive value of any
    /// attribute the filter compares (whether or not it matched). The
    /// result is marked then, even when it is empty.
    pub fn filter_is_marked(&self, filter: &Object) -> bool {
        *self.any_marked.get_or_init(|| self.values.iter().any(|v| v.sensitive))
            || filter.iter().any(|(attr, _)| self.index(attr).get_or_init(|| self.build(attr)).sensitive)
    }

    fn index(&self, attr: &str) -> Arc<OnceLock<AttrIndex>> {
        let cell = {
            let mut indexes = self.indexes.lock().unwrap_or_else(|e| e.into_inner());
            indexes.entry(attr.to_string()).or_default().clone()
        };
        // Built by the caller outside the map's lock: another attribute's
        // index can be built at the same time; the same one is built once.
        cell
    }

    fn build(&self, attr: &str) -> AttrIndex {
        let mut index = AttrIndex::default();
        for (i, res) in self.values.iter().enumerate() {
            let i = i as u32;
            if res.is_unknown() {
                index.undecided.push(i);
                continue;
            }
            let Some(have) = res.get(attr) else { continue };
            index.sensitive |= have.contains_sensitive();
            if have.is_unknown() {
                index.undecided.push(i);
            } else if let Some(key) = IndexKey::of(have) {
                index.by_value.entry(key).or_default().push(i);
            }
        }
        index
    }
}

/// Whether `res` matches every attribute of `filter`: `None` when that is
/// only known after apply. Any attribute that does not match decides `false`.
pub fn matches(res: &Value, filter: &Object) -> Option<bool> {
    let mut matched = Some(true);
    for (k, want) in filter.iter() {
        let have = match &res.kind {
            Kind::Unknown => None,
            _ => res.get(k).map(|h| values::equals(h, want)).unwrap_or(Some(false)),
        };
        match have {
            Some(true) => {}
            Some(false) => return Some(false),
            None => matched = None,
        }
    }
    matched
}

/// Two ascending lists of positions as one ascending list (a resource is in
/// at most one of an index's lists, so no position repeats).
fn merge(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}
