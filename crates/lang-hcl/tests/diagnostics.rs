//! Load-time diagnostics: each points at the offending text with line,
//! column, the source line, a caret and, for typos, a suggestion.

use tfgate_lang_hcl::{load_policy_source, Diagnostic};

fn errors(src: &str) -> Vec<Diagnostic> {
    match load_policy_source("typo.policy.hcl", src) {
        Ok(_) => panic!("expected diagnostics"),
        Err(e) => e.diagnostics().to_vec(),
    }
}

/// Finds the diagnostic whose caret starts at `needle` (first occurrence
/// at or after `from_line`) and checks its position against the source.
fn at<'a>(diags: &'a [Diagnostic], src: &str, needle: &str) -> &'a Diagnostic {
    let offset = src.find(needle).unwrap_or_else(|| panic!("{needle:?} not in source"));
    let line = src[..offset].matches('\n').count() + 1;
    let column = offset - src[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    diags.iter().find(|d| d.location.line == line && d.location.column == column).unwrap_or_else(|| {
        panic!(
            "no diagnostic at {line}:{column} ({needle:?}); got:\n{}",
            diags.iter().map(Diagnostic::render).collect::<String>()
        )
    })
}

const TYPOS: &str = r#"input "region" {
  type    = string
  default = "us-east-1"
}

locals {
  token = "required"
}

resource_policy "aws_instance" "imds" {
  enforcment_level = "mandatory"
  enforce {
    condition     = local.tokn == "required" && core::lenght(attrs.tags) > 0
    error_message = "region ${input.regoin}"
  }
}
"#;

#[test]
fn typos_get_positions_and_suggestions() {
    let d = errors(TYPOS);
    assert_eq!(d.len(), 4, "{}", d.iter().map(Diagnostic::render).collect::<String>());

    let level = at(&d, TYPOS, "enforcment_level");
    assert_eq!(level.message, "Unsupported argument");
    assert_eq!((level.location.line, level.location.column), (11, 3));
    assert_eq!(level.help.as_deref(), Some("did you mean \"enforcement_level\"?"));
    assert_eq!(level.source_line, "  enforcment_level = \"mandatory\"");

    let local = at(&d, TYPOS, "local.tokn");
    assert_eq!(local.message, "Reference to undeclared local value");
    assert_eq!((local.location.line, local.location.column), (13, 21));
    assert_eq!(local.end_location.column, 31, "the caret covers local.tokn");
    assert_eq!(local.help.as_deref(), Some("did you mean \"token\"?"));

    let func = at(&d, TYPOS, "core::lenght");
    assert_eq!(func.message, "Call to unknown function \"core::lenght\"");
    // Functions are resolved when called (Terraform policy): a warning, not an error.
    assert!(!func.is_error());
    assert_eq!(func.help.as_deref(), Some("did you mean \"core::length\"?"));

    let input = at(&d, TYPOS, "input.regoin");
    assert_eq!(input.message, "Reference to undeclared input");
    assert_eq!(input.help.as_deref(), Some("did you mean \"region\"?"));
}

#[test]
fn render_looks_like_rustc() {
    let d = errors(TYPOS);
    let r = at(&d, TYPOS, "local.tokn").render();
    let expected = concat!(
        "error: Reference to undeclared local value\n",
        "  --> typo.policy.hcl:13:21\n",
        "   |\n",
        "13 |     condition     = local.tokn == \"required\" && core::lenght(attrs.tags) > 0\n",
        "   |                     ^^^^^^^^^^ no local value named \"tokn\" is declared in resource_policy\n",
        "   |\n",
        "   = help: did you mean \"token\"?\n",
    );
    assert_eq!(r, expected);
}

#[test]
fn structural_errors() {
    let src = r#"resource_polcy "aws_instance" "x" {
}

resource_policy "aws_instance" "no_enforce" {
  filter = true
}

resource_policy "aws_instance" "missing_condition" {
  enforce {
    error_message = "x"
  }
}

resource_policy "aws_instance" "missing_condition" {
  operations        = ["creat"]
  enforcement_level = "mandatroy"
  enforce {
    condition = true
  }
}

module_policy "x" {
  enforce {
    condition = true
  }
}

input "no_type" {
  default = 1
}
"#;
    let d = errors(src);
    let block = at(&d, src, "resource_polcy");
    assert_eq!(block.message, "Unsupported block type");
    assert_eq!(block.help.as_deref(), Some("did you mean \"resource_policy\"?"));

    let no_enforce = d.iter().find(|x| x.message == "Missing enforce block").expect("missing enforce");
    assert_eq!(no_enforce.location.line, 4);

    let cond = d.iter().find(|x| x.message == "Missing required argument" && x.location.line == 9).expect("condition");
    assert!(cond.label.as_deref().unwrap().contains("\"condition\""));

    let dup = d.iter().find(|x| x.message.starts_with("Duplicate policy name")).expect("duplicate");
    assert_eq!(dup.location.line, 14);
    assert!(dup.label.as_deref().unwrap().contains("line 8"));

    let op = at(&d, src, "\"creat\"");
    assert_eq!(op.help.as_deref(), Some("did you mean \"create\"?"));
    let level = at(&d, src, "\"mandatroy\"");
    assert_eq!(level.help.as_deref(), Some("did you mean \"mandatory\"?"));

    assert!(d.iter().any(|x| x.message == "Missing or extra labels for module_policy" && x.location.line == 22));
    assert!(d.iter().any(|x| x.message == "Missing required argument" && x.location.line == 28));
}

#[test]
fn reference_errors() {
    let src = r#"locals {
  a = attrs.id
  b = local.c
  c = local.b
}

resource_policy "aws_instance" "refs" {
  locals {
    a = 1
  }
  enforce {
    condition = atrs.id == 1 && core::length(1, 2) == 1 && [for x in [1] : y] == [] && local
    error_message = "${provider::aws::arn_parse("x")}"
  }
}
"#;
    let d = errors(src);
    let attrs = at(&d, src, "attrs.id");
    assert_eq!(attrs.message, "Invalid reference to \"attrs\"");
    assert!(attrs.label.as_deref().unwrap().contains("file-level local"));

    let cycle = d.iter().find(|x| x.message == "Cycle in local values").expect("cycle");
    assert_eq!(cycle.label.as_deref(), Some("b -> c -> b"));

    let dup = d.iter().find(|x| x.message == "Duplicate local value \"a\"").expect("shadowing local");
    assert_eq!(dup.location.line, 9);

    let root = at(&d, src, "atrs");
    assert_eq!(root.message, "Unknown variable \"atrs\"");
    assert_eq!(root.help.as_deref(), Some("did you mean \"attrs\"?"));

    let args = at(&d, src, "core::length(1, 2)");
    assert_eq!(args.message, "Wrong number of arguments");
    assert_eq!(args.label.as_deref(), Some("core::length takes 1 argument, 2 given"));

    let y = at(&d, src, "y]");
    assert_eq!(y.message, "Unknown variable \"y\"");
    assert_eq!(y.help.as_deref(), Some("did you mean \"x\"?"), "for variables are candidates");

    assert!(d.iter().any(|x| x.message == "Invalid reference to \"local\""));
    let ns = at(&d, src, "provider::aws::arn_parse");
    assert!(ns.label.as_deref().unwrap().contains("namespace"));
}

#[test]
fn referenced_without_an_address_outside_a_policy_block() {
    // A file-level local is computed once for every target: tfgate::referenced there has no
    // target to follow unless it is given one (it used to take whichever target read it first).
    let src = r#"locals {
  one = tfgate::referenced("role")
  two = tfgate::referenced("role", "aws_iam_instance_profile.p")
}

resource_policy "aws_instance" "ok" {
  locals {
    three = tfgate::referenced("iam_instance_profile")
  }
  enforce {
    condition = core::length(local.one) + core::length(local.two) + core::length(local.three) >= 0
  }
}
"#;
    let d = errors(src);
    let one = at(&d, src, "tfgate::referenced(\"role\")");
    assert_eq!(one.message, "tfgate::referenced needs the address of the resource to follow");
    assert!(one.label.as_deref().unwrap().contains("a file-level local"), "{:?}", one.label);
    assert_eq!(d.len(), 1, "the two-argument call and the block local are fine: {d:?}");
}

#[test]
fn syntax_error_points_at_the_problem() {
    let src = "resource_policy \"aws_instance\" \"x\" {\n  enforce {\n    condition = attrs.a ==\n  }\n}\n";
    let d = errors(src);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "Invalid syntax");
    assert!(d[0].location.line >= 3, "{}", d[0].render());
    assert!(d[0].render().contains("--> typo.policy.hcl:"));
}

#[test]
fn tfgate_metadata_is_checked() {
    let ok = load_policy_source(
        "meta.policy.hcl",
        r#"
policy {
  tfgate {
    id       = "TFG-AWS-001"
    title    = "IMDSv2 required"
    severity = "high"
    controls = ["CIS 5.6"]
    docs     = "https://example.invalid/imds"
    aliases  = ["AWS001"]
  }
}
"#,
    )
    .unwrap();
    let m = &ok.config.tfgate;
    assert_eq!(m.id.as_deref(), Some("TFG-AWS-001"));
    assert_eq!(m.severity, Some(tfgate_lang_hcl::Severity::High));
    assert_eq!(m.controls, ["CIS 5.6"]);
    assert_eq!(m.aliases, ["AWS001"]);

    let src = "policy {\n  tfgate {\n    severity = \"hihg\"\n    titel = \"x\"\n    id = attrs.id\n  }\n}\n";
    let d = errors(src);
    assert_eq!(at(&d, src, "\"hihg\"").help.as_deref(), Some("did you mean \"high\"?"));
    assert_eq!(at(&d, src, "titel").help.as_deref(), Some("did you mean \"title\"?"));
    assert!(at(&d, src, "attrs").label.as_deref().unwrap().contains("must be a constant"));
}
