//! The language reference (`docs/policy-language.md`) names every library function.

#[test]
fn every_function_is_documented() {
    let doc = include_str!("../../../docs/policy-language.md");
    let library = doc.split("Library:").nth(1).expect("the reference has a Library: list");
    let words: std::collections::BTreeSet<&str> =
        library.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).collect();
    let missing: Vec<&str> = tfgate_lang_hcl::function_names().filter(|n| !words.contains(n)).collect();
    assert!(missing.is_empty(), "docs/policy-language.md does not list {missing:?}");
}
