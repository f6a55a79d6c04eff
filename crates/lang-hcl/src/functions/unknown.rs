//! `tfgate::unknown(REASON)`: lets a policy say that the plan cannot decide.
//!
//! The policy language has no other way to be unknown than reading a value
//! known only after apply; but a plan can also leave a question open by
//! what it lacks (an attribute the provider's schema predates, attachments
//! that may live outside the plan). The call evaluates to an unknown value,
//! so a condition that depends on it is `unknown`, and the evaluator keeps
//! the reason: when an enforce condition comes out unknown, the reasons of
//! the `tfgate::unknown` calls evaluated for it become the finding's message
//! (see [`crate::run`]).
//!
//! The evaluator implements the call itself (it records the reason); this
//! module says what a reason may be and how it is shown.

use tfgate_plan::{Kind, Value, SENSITIVE_TEXT, UNKNOWN_TEXT};

/// The reason as a finding shows it: a secret never appears (a reason built
/// from a sensitive value shows as `(sensitive value)`), and a reason that is
/// itself known only after apply shows as `(known after apply)`. Numbers and
/// bools are converted as in a template; anything else is an error, whose
/// text never quotes the value.
pub(crate) fn reason_text(v: &Value) -> Result<String, String> {
    let text = match &v.kind {
        Kind::String(s) => s.to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::Bool(b) => b.to_string(),
        Kind::Unknown => UNKNOWN_TEXT.to_string(),
        Kind::Null => return Err("the reason must be a string, but the value is null".into()),
        _ => return Err(format!("the reason must be a string, but the value is a {}", v.type_name())),
    };
    Ok(if v.contains_sensitive() { SENSITIVE_TEXT.to_string() } else { text })
}

/// The value of the call: unknown, and sensitive when the reason is (what
/// follows from a secret stays marked).
pub(crate) fn result(reason: &Value) -> Value {
    Value::unknown().mark_if(reason.contains_sensitive())
}

/// The message of an unknown enforce block from the reasons recorded while
/// its condition was evaluated: each distinct reason once, in order.
pub(crate) fn message(reasons: &[String]) -> Option<String> {
    let mut distinct: Vec<&str> = Vec::new();
    for r in reasons {
        if !distinct.contains(&r.as_str()) {
            distinct.push(r);
        }
    }
    (!distinct.is_empty()).then(|| distinct.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_reason_is_shown_as_written() {
        assert_eq!(
            reason_text(&Value::string("no metadata_options in the plan")).unwrap(),
            "no metadata_options in the plan"
        );
        assert_eq!(reason_text(&Value::number(3.0)).unwrap(), "3");
        assert_eq!(reason_text(&Value::bool(true)).unwrap(), "true");
    }

    #[test]
    fn a_sensitive_reason_is_hidden() {
        let secret = Value::string("hunter2").into_sensitive();
        assert_eq!(reason_text(&secret).unwrap(), SENSITIVE_TEXT);
        assert!(result(&secret).sensitive);
        assert!(result(&secret).is_unknown());
    }

    #[test]
    fn an_unknown_reason_is_a_placeholder() {
        assert_eq!(reason_text(&Value::unknown()).unwrap(), UNKNOWN_TEXT);
        assert_eq!(reason_text(&Value::unknown().into_sensitive()).unwrap(), SENSITIVE_TEXT);
    }

    #[test]
    fn a_reason_that_is_not_a_string_is_an_error_that_does_not_quote_it() {
        let err = reason_text(&Value::list(vec![Value::string("hunter2")]).into_sensitive()).unwrap_err();
        assert!(err.contains("must be a string"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(reason_text(&Value::NULL).is_err());
    }

    #[test]
    fn the_result_is_unknown_and_unmarked_for_a_plain_reason() {
        let v = result(&Value::string("why"));
        assert!(v.is_unknown());
        assert!(!v.sensitive);
    }

    #[test]
    fn the_message_lists_each_reason_once() {
        assert_eq!(message(&[]), None);
        let rs = ["a".to_string(), "b".to_string(), "a".to_string()];
        assert_eq!(message(&rs).as_deref(), Some("a; b"));
    }
}
