//! `tfgate check --sentinel SET --format sentinel`: the Sentinel policies
//! of the set are shown in HCP Terraform's `trace:` layout, beside the
//! sections of tfgate's own policies.

use crate::common;

use common::{stderr_of, stdout_of, tfgate};

const PLAN: &str = "../../../../examples/plans/web-tier.json";
const SET: &str = "../../../../examples/sentinel";
const POLICIES: &str = "../../../../examples/policies";

#[test]
fn sentinel_policies_are_shown_by_their_trace() {
    let out = tfgate(&["check", PLAN, "--sentinel", SET, "-p", POLICIES, "--format", "sentinel"]).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        text.contains(
            "## Policy 2: require-imdsv2.sentinel (hard-mandatory)\n\nResult: false\n\ntrace:\n    Fail - require-imdsv2.sentinel\n"
        ),
        "{text}"
    );
    assert!(text.contains("    require-imdsv2.sentinel:25:1 - Rule \"main\"\n    Value:\n        false\n"), "{text}");
    // tfgate's own policy keeps its layout, named by its id.
    assert!(
        text.contains("## Policy 1: EXAMPLE-IMDSV2 (hard-mandatory)\n\nResult: false\n\nFail - EXAMPLE-IMDSV2\n"),
        "{text}"
    );
    assert!(!text.contains("\n\n\n"), "one blank line between sections:\n{text}");
}
