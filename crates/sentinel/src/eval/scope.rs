//! Scopes: the program block, function bodies and the implicit blocks of
//! `for` and quantifiers. A scope is shared (`Arc`) because functions and
//! rules close over the scope they were created in.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::value::Value;

/// A block's variables: few, so a scan beats hashing. The lexer interns
/// identifiers, so a name usually matches by pointer before its text is
/// compared.
#[derive(Default)]
struct Vars(Vec<(Arc<str>, Value)>);

impl Vars {
    fn slot(&mut self, name: &str) -> Option<&mut Value> {
        self.0
            .iter_mut()
            .find(|(k, _)| std::ptr::eq(k.as_ptr(), name.as_ptr()) && k.len() == name.len() || **k == *name)
            .map(|(_, v)| v)
    }
    fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| std::ptr::eq(k.as_ptr(), name.as_ptr()) && k.len() == name.len() || **k == *name)
            .map(|(_, v)| v)
    }
    fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.slot(name)
    }
    fn insert(&mut self, name: Arc<str>, v: Value) {
        match self.slot(&name) {
            Some(slot) => *slot = v,
            None => self.0.push((name, v)),
        }
    }
    fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// One block's variables and its enclosing block.
pub(crate) struct Scope {
    vars: Mutex<Vars>,
    parent: Option<Arc<Scope>>,
}

impl Scope {
    pub(crate) fn new(parent: Option<Arc<Scope>>) -> Arc<Scope> {
        Arc::new(Scope { vars: Mutex::new(Vars::default()), parent })
    }

    fn lock(&self) -> MutexGuard<'_, Vars> {
        // A panic elsewhere cannot leave a map half-updated, so a poisoned
        // lock is still usable.
        self.vars.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The variable `name` here or in an enclosing block.
    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        let mut s = self;
        loop {
            if let Some(v) = s.lock().get(name) {
                return Some(v.clone());
            }
            s = s.parent.as_deref()?;
        }
    }

    /// Sets `name` where it is declared; a first assignment declares it
    /// here (spec: Declarations and Scope).
    pub(crate) fn assign(&self, name: &Arc<str>, v: Value) {
        let mut s = self;
        loop {
            {
                let mut vars = s.lock();
                if let Some(slot) = vars.get_mut(name) {
                    *slot = v;
                    return;
                }
            }
            match s.parent.as_deref() {
                Some(p) => s = p,
                None => break,
            }
        }
        self.declare(name.clone(), v);
    }

    /// Declares (or replaces) `name` in this block.
    pub(crate) fn declare(&self, name: Arc<str>, v: Value) {
        self.lock().insert(name, v);
    }

    /// Takes `name`'s value out (leaving `undefined`) so it can be changed
    /// in place without copying a shared list or map; the caller puts it
    /// back with [`Scope::assign`].
    pub(crate) fn take(&self, name: &str) -> Option<Value> {
        let mut s = self;
        loop {
            if let Some(slot) = s.lock().get_mut(name) {
                return Some(std::mem::replace(slot, Value::Undefined));
            }
            s = s.parent.as_deref()?;
        }
    }

    /// This block's variables, in declaration order.
    pub(crate) fn entries(&self) -> Vec<(Arc<str>, Value)> {
        self.lock().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}
