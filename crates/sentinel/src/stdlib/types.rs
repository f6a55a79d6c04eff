//! `types`: the type of a value (imports/types.mdx).

use super::{arity, no_such};
use crate::value::{Object, ObjectError, Value};

pub(super) struct Types;

impl Object for Types {
    fn type_name(&self) -> &str {
        "types"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        match name {
            // `undefined` is a type like any other here: it is not propagated.
            "type_of" => {
                arity("types.type_of", &args, 1, 1)?;
                Ok(Value::string(args[0].type_name()))
            }
            _ => Err(no_such("types", name)),
        }
    }
}
