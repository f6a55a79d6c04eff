//! The value resolver on three arbitrary texts (value, unknown mask,
//! sensitive mask), split from the input at NUL bytes. Only texts that are
//! valid JSON are tried, as in a real plan, where serde_json checked them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\0');
    let (a, u, s) = (parts.next(), parts.next(), parts.next());
    let valid = |t: Option<&str>| t.is_none_or(|t| serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok());
    if !(valid(a) && valid(u) && valid(s)) {
        return;
    }
    if let Ok(v) = tfgate_plan::resolve(a, u, s) {
        if s.is_some_and(|s| s.trim() == "true") {
            assert_eq!(v.to_string(), "(sensitive value)");
        }
    }
});
