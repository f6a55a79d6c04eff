//! Resource instance and module addresses, parsed and rendered exactly as
//! Terraform writes them.
//!
//! ```text
//! resource-instance = [module-path "."] ["data." | "ephemeral."] TYPE "." NAME [key]
//! module-path       = "module." NAME [key] { ".module." NAME [key] }
//! key               = "[" integer "]" | "[" quoted-string "]" | "[*]"
//! ```
//!
//! String keys are quoted in one of two styles: Terraform before 1.3 used Go's
//! `%q` ([`KeyStyle::Go`]); Terraform 1.3 and later and OpenTofu use HCL
//! quoting, which also doubles template introducers (`$${`, `%%{`)
//! ([`KeyStyle::Hcl`]).

use std::fmt;
use std::str::FromStr;

/// How string instance keys are quoted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum KeyStyle {
    /// Terraform 1.3+ and OpenTofu: HCL string syntax, `${` written `$${`.
    #[default]
    Hcl,
    /// Terraform before 1.3: Go's `%q` syntax.
    Go,
}

impl KeyStyle {
    /// The style a given `terraform_version` writes; HCL when unknown.
    pub fn for_terraform_version(version: Option<&str>) -> KeyStyle {
        let Some(v) = version else {
            return KeyStyle::Hcl;
        };
        let mut parts = v.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
        let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(1);
        let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(99);
        if major == 0 || (major == 1 && minor < 3) {
            KeyStyle::Go
        } else {
            KeyStyle::Hcl
        }
    }
}

/// An instance key: `[0]` for `count`, `["a"]` for `for_each`, `[*]` for a
/// deferred instance whose key is not known yet. `Int(0)` and `Str("0")` differ.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    /// A `count` index: `[0]`.
    Int(i64),
    /// A `for_each` key: `["a"]`.
    Str(String),
    /// A deferred instance whose key is not known yet: `[*]`.
    Wildcard,
}

impl InstanceKey {
    /// The key with its brackets, string keys quoted in `style`.
    pub fn render(&self, style: KeyStyle) -> String {
        let mut out = String::new();
        self.write(&mut out, style);
        out
    }
    fn write(&self, out: &mut String, style: KeyStyle) {
        match self {
            InstanceKey::Int(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            InstanceKey::Str(s) => {
                out.push('[');
                match style {
                    KeyStyle::Hcl => quote_hcl(s, out),
                    KeyStyle::Go => quote_go(s, out),
                }
                out.push(']');
            }
            InstanceKey::Wildcard => out.push_str("[*]"),
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(KeyStyle::Hcl))
    }
}

/// Resource mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// A `resource` block.
    Managed,
    /// A `data` block.
    Data,
    /// OpenTofu 1.11+ ephemeral resources.
    Ephemeral,
}

impl Mode {
    /// The plan's spelling of the mode (`managed`, `data`, `ephemeral`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
            Mode::Ephemeral => "ephemeral",
        }
    }
    /// Reads the plan's spelling back; `None` for any other word.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "managed" => Some(Mode::Managed),
            "data" => Some(Mode::Data),
            "ephemeral" => Some(Mode::Ephemeral),
            _ => None,
        }
    }
}

/// One module call step in a module instance path: `module.NAME[KEY]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    /// The call name `NAME` of `module "NAME"`.
    pub name: String,
    /// The instance key of a module called with `count` or `for_each`.
    pub key: Option<InstanceKey>,
}

/// A module instance path; empty for the root module.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModulePath {
    /// The calls from the root down; empty for the root module.
    pub steps: Vec<ModuleStep>,
}

impl ModulePath {
    /// The root module's (empty) path.
    pub fn root() -> ModulePath {
        ModulePath::default()
    }
    /// True for the root module.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }
    /// Parses `module.a["x"].module.b[0]` (the empty string is the root).
    pub fn parse(s: &str) -> Result<ModulePath, AddressError> {
        ModulePath::parse_styled(s, KeyStyle::Hcl)
    }
    /// Parses a module path whose string keys use the given quoting style.
    pub fn parse_styled(s: &str, style: KeyStyle) -> Result<ModulePath, AddressError> {
        let mut p = Parser { src: s, pos: 0, style };
        let path = p.module_path(true)?;
        if p.pos != s.len() {
            return Err(p.error("unexpected text after the module path"));
        }
        Ok(path)
    }
    /// The call names only, as the configuration keys modules: `a.b`.
    pub fn call_path(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.name.as_str()).collect()
    }
    /// The path without instance keys, as `configuration` writes it: `module.a.module.b`.
    pub fn without_keys(&self) -> ModulePath {
        ModulePath { steps: self.steps.iter().map(|s| ModuleStep { name: s.name.clone(), key: None }).collect() }
    }
    /// The calling module's path; `None` for the root module.
    pub fn parent(&self) -> Option<ModulePath> {
        let mut steps = self.steps.clone();
        steps.pop()?;
        Some(ModulePath { steps })
    }
    /// True when `self` is `other` or lies below it.
    pub fn starts_with(&self, other: &ModulePath) -> bool {
        self.steps.len() >= other.steps.len() && self.steps[..other.steps.len()] == other.steps[..]
    }
    /// Terraform's text of the path (`module.a["x"].module.b`), string keys
    /// quoted in `style`; the empty string for the root module.
    pub fn render(&self, style: KeyStyle) -> String {
        let mut out = String::new();
        self.write(&mut out, style);
        out
    }
    fn write(&self, out: &mut String, style: KeyStyle) {
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str("module.");
            out.push_str(&step.name);
            if let Some(k) = &step.key {
                k.write(out, style);
            }
        }
    }
}

impl fmt::Display for ModulePath {
    /// Terraform's rendering; the root module renders as the empty string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(KeyStyle::Hcl))
    }
}

impl FromStr for ModulePath {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModulePath::parse(s)
    }
}

/// An absolute resource instance address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// The module instance the resource belongs to.
    pub module: ModulePath,
    /// Managed, data or ephemeral resource.
    pub mode: Mode,
    /// The resource type, such as `aws_instance`.
    pub resource_type: String,
    /// The block's name label.
    pub name: String,
    /// The instance key; `None` for a resource without `count` or `for_each`.
    pub key: Option<InstanceKey>,
}

impl Address {
    /// Parses an address written in HCL key style (Terraform 1.3+, OpenTofu).
    pub fn parse(s: &str) -> Result<Address, AddressError> {
        Address::parse_styled(s, KeyStyle::Hcl)
    }
    /// Parses an address whose string keys use the given quoting style.
    pub fn parse_styled(s: &str, style: KeyStyle) -> Result<Address, AddressError> {
        let mut p = Parser { src: s, pos: 0, style };
        let module = p.module_path(false)?;
        if !module.is_root() {
            p.expect(".")?;
        }
        let mode = if p.eat("data.") {
            Mode::Data
        } else if p.eat("ephemeral.") {
            Mode::Ephemeral
        } else {
            Mode::Managed
        };
        let resource_type = p.ident("resource type")?;
        p.expect(".")?;
        let name = p.ident("resource name")?;
        let key = p.key()?;
        if p.pos != s.len() {
            return Err(p.error("unexpected text after the resource address"));
        }
        Ok(Address { module, mode, resource_type, name, key })
    }
    /// Terraform's text of the address, string keys quoted in `style`.
    pub fn render(&self, style: KeyStyle) -> String {
        let mut out = String::new();
        self.module.write(&mut out, style);
        if !self.module.is_root() {
            out.push('.');
        }
        match self.mode {
            Mode::Managed => {}
            Mode::Data => out.push_str("data."),
            Mode::Ephemeral => out.push_str("ephemeral."),
        }
        out.push_str(&self.resource_type);
        out.push('.');
        out.push_str(&self.name);
        if let Some(k) = &self.key {
            k.write(&mut out, style);
        }
        out
    }
    /// The resource address without the instance key: `module.a["x"].aws_instance.web`.
    pub fn resource(&self) -> Address {
        Address { key: None, ..self.clone() }
    }
    /// The module-relative address as `configuration` writes it: `aws_instance.web`.
    pub fn config_address(&self) -> String {
        let prefix = match self.mode {
            Mode::Managed => "",
            Mode::Data => "data.",
            Mode::Ephemeral => "ephemeral.",
        };
        format!("{prefix}{}.{}", self.resource_type, self.name)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(KeyStyle::Hcl))
    }
}

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Address::parse(s)
    }
}

/// An address that does not follow Terraform's grammar.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid address {input:?} at character {position}: {message}")]
pub struct AddressError {
    /// The text that was parsed.
    pub input: String,
    /// Byte offset into `input`.
    pub position: usize,
    /// What was expected at `position`.
    pub message: String,
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    style: KeyStyle,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }
    fn error(&self, message: impl Into<String>) -> AddressError {
        AddressError { input: self.src.to_string(), position: self.pos, message: message.into() }
    }
    fn eat(&mut self, lit: &str) -> bool {
        if self.rest().starts_with(lit) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, lit: &str) -> Result<(), AddressError> {
        if self.eat(lit) {
            Ok(())
        } else {
            Err(self.error(format!("expected {lit:?}")))
        }
    }
    /// Terraform identifiers: a letter or `_`, then letters, digits, `_` and `-`.
    fn ident(&mut self, what: &str) -> Result<String, AddressError> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|&(i, c)| !(c.is_alphanumeric() || c == '_' || (i > 0 && c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(self.error(format!("expected a {what}")));
        }
        let id = rest[..len].to_string();
        self.pos += len;
        Ok(id)
    }
    /// `module.NAME[KEY]` steps. With `whole`, the path is the entire input;
    /// otherwise a resource follows and a step is only taken when `module.` is
    /// followed by another `.` after the name.
    fn module_path(&mut self, whole: bool) -> Result<ModulePath, AddressError> {
        let mut steps = Vec::new();
        loop {
            let save = self.pos;
            if !steps.is_empty() && !self.eat(".") {
                break;
            }
            if !self.eat("module.") {
                self.pos = save;
                break;
            }
            let name = self.ident("module name")?;
            let key = self.key()?;
            // In a resource address `module.x` could in principle be a resource of
            // type `module`; Terraform forbids that type name, so no ambiguity.
            steps.push(ModuleStep { name, key });
            if whole && self.pos == self.src.len() {
                break;
            }
        }
        Ok(ModulePath { steps })
    }
    fn key(&mut self) -> Result<Option<InstanceKey>, AddressError> {
        if !self.eat("[") {
            return Ok(None);
        }
        let key = if self.eat("*") {
            InstanceKey::Wildcard
        } else if self.rest().starts_with('"') {
            InstanceKey::Str(self.quoted()?)
        } else {
            let rest = self.rest();
            let len = rest
                .char_indices()
                .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
                .map_or(rest.len(), |(i, _)| i);
            let n = rest[..len].parse::<i64>().map_err(|_| self.error("expected an integer or a quoted string key"))?;
            self.pos += len;
            InstanceKey::Int(n)
        };
        self.expect("]")?;
        Ok(Some(key))
    }
    fn quoted(&mut self) -> Result<String, AddressError> {
        self.expect("\"")?;
        let mut out = String::new();
        loop {
            let Some(c) = self.rest().chars().next() else {
                return Err(self.error("unterminated string key"));
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => self.escape(&mut out)?,
                '$' | '%'
                    if self.style == KeyStyle::Hcl
                        && self.rest().starts_with(c)
                        && self.rest()[1..].starts_with('{') =>
                {
                    // `$${` is the escaped form of `${` (and `%%{` of `%{`).
                    self.pos += 1;
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    fn escape(&mut self, out: &mut String) -> Result<(), AddressError> {
        let Some(c) = self.rest().chars().next() else {
            return Err(self.error("unterminated escape"));
        };
        self.pos += c.len_utf8();
        let simple = match c {
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            'a' if self.style == KeyStyle::Go => Some('\u{7}'),
            'b' if self.style == KeyStyle::Go => Some('\u{8}'),
            'f' if self.style == KeyStyle::Go => Some('\u{c}'),
            'v' if self.style == KeyStyle::Go => Some('\u{b}'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            return Ok(());
        }
        let digits = match c {
            'x' if self.style == KeyStyle::Go => 2,
            'u' => 4,
            'U' => 8,
            _ => return Err(self.error(format!("unknown escape \\{c}"))),
        };
        let hex = self.rest().get(..digits).ok_or_else(|| self.error("short escape"))?;
        let code = u32::from_str_radix(hex, 16).map_err(|_| self.error("bad hex escape"))?;
        let ch = char::from_u32(code).ok_or_else(|| self.error("escape is not a Unicode scalar value"))?;
        self.pos += digits;
        out.push(ch);
        Ok(())
    }
}

/// Go's `unicode.IsPrint`, approximated: letters, marks, numbers, punctuation,
/// symbols and the ASCII space are printable; other spaces, controls and
/// format characters are not.
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}')
}

fn quote_hcl(s: &str, out: &mut String) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            c if !is_print(c) => push_unicode_escape(c, out),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn quote_go(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if !is_print(c) => push_unicode_escape(c, out),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_unicode_escape(c: char, out: &mut String) {
    let code = c as u32;
    if code < 0x10000 {
        out.push_str(&format!("\\u{code:04x}"));
    } else {
        out.push_str(&format!("\\U{code:08x}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str, style: KeyStyle) -> Address {
        let a = Address::parse_styled(s, style).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.render(style), s);
        a
    }

    #[test]
    fn parses_nested_module_with_dotted_key() {
        let a = round_trip(
            r#"module.apigw_test_1.module.acm_cert_regional[0].aws_route53_record.cert_validation["testapi.cc.aws.cmclabs.io"]"#,
            KeyStyle::Hcl,
        );
        assert_eq!(a.module.steps.len(), 2);
        assert_eq!(a.module.steps[1].key, Some(InstanceKey::Int(0)));
        assert_eq!(a.resource_type, "aws_route53_record");
        assert_eq!(a.key, Some(InstanceKey::Str("testapi.cc.aws.cmclabs.io".into())));
        assert_eq!(a.module.to_string(), "module.apigw_test_1.module.acm_cert_regional[0]");
    }

    #[test]
    fn count_and_for_each_keys_differ() {
        let a = round_trip("aws_instance.web[0]", KeyStyle::Hcl);
        let b = round_trip("aws_instance.web[\"0\"]", KeyStyle::Hcl);
        assert_ne!(a, b);
        assert_eq!(a.key, Some(InstanceKey::Int(0)));
        assert_eq!(b.key, Some(InstanceKey::Str("0".into())));
    }

    #[test]
    fn data_and_ephemeral_modes() {
        let a = round_trip(r#"module.poc.data.aws_iam_policy_document.r4["p1"]"#, KeyStyle::Hcl);
        assert_eq!(a.mode, Mode::Data);
        assert_eq!(a.config_address(), "data.aws_iam_policy_document.r4");
        assert_eq!(round_trip("ephemeral.random_password.p", KeyStyle::Hcl).mode, Mode::Ephemeral);
    }

    #[test]
    fn template_introducers_are_doubled_in_hcl_style_only() {
        let a = round_trip(r#"null_resource.x["$${x}"]"#, KeyStyle::Hcl);
        assert_eq!(a.key, Some(InstanceKey::Str("${x}".into())));
        assert_eq!(a.render(KeyStyle::Go), r#"null_resource.x["${x}"]"#);
        let b = round_trip(r#"null_resource.x["${x}"]"#, KeyStyle::Go);
        assert_eq!(a, b);
        let c = round_trip(r#"null_resource.x["%%{if}"]"#, KeyStyle::Hcl);
        assert_eq!(c.key, Some(InstanceKey::Str("%{if}".into())));
        // A lone `$` is not an introducer.
        round_trip(r#"null_resource.x["a$b%"]"#, KeyStyle::Hcl);
    }

    #[test]
    fn quotes_backslashes_and_brackets_in_keys() {
        let a = round_trip(r#"module.m["a\"b"].null_resource.x["c\\d[0]"]"#, KeyStyle::Hcl);
        assert_eq!(a.module.steps[0].key, Some(InstanceKey::Str("a\"b".into())));
        assert_eq!(a.key, Some(InstanceKey::Str("c\\d[0]".into())));
        round_trip(r#"module.m["a\"b"].null_resource.x["c\\d[0]"]"#, KeyStyle::Go);
    }

    #[test]
    fn control_characters_in_both_styles() {
        let addr = Address {
            module: ModulePath::root(),
            mode: Mode::Managed,
            resource_type: "t".into(),
            name: "n".into(),
            key: Some(InstanceKey::Str("a\u{1}b\u{a0}c\u{7}".into())),
        };
        assert_eq!(addr.render(KeyStyle::Hcl), r#"t.n["a\u0001b\u00a0c\u0007"]"#);
        assert_eq!(addr.render(KeyStyle::Go), r#"t.n["a\x01b\u00a0c\a"]"#);
        for style in [KeyStyle::Hcl, KeyStyle::Go] {
            assert_eq!(Address::parse_styled(&addr.render(style), style).unwrap(), addr);
        }
    }

    #[test]
    fn wildcard_key_for_deferred_instances() {
        let a = round_trip("module.m[*].aws_instance.x[*]", KeyStyle::Hcl);
        assert_eq!(a.key, Some(InstanceKey::Wildcard));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "aws_instance",
            "aws_instance.",
            "module.x",
            "aws_instance.x[",
            "aws_instance.x[\"a]",
            "aws_instance.x[1a]",
            "x.y z",
        ] {
            assert!(Address::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn module_paths() {
        assert!(ModulePath::parse("").unwrap().is_root());
        let m = ModulePath::parse(r#"module.a["x.y"].module.b[0]"#).unwrap();
        assert_eq!(m.call_path(), ["a", "b"]);
        assert_eq!(m.without_keys().to_string(), "module.a.module.b");
        assert!(ModulePath::parse("module.a.").is_err());
    }

    #[test]
    fn style_from_version() {
        assert_eq!(KeyStyle::for_terraform_version(Some("0.12.31")), KeyStyle::Go);
        assert_eq!(KeyStyle::for_terraform_version(Some("1.2.9")), KeyStyle::Go);
        assert_eq!(KeyStyle::for_terraform_version(Some("1.3.0")), KeyStyle::Hcl);
        assert_eq!(KeyStyle::for_terraform_version(Some("1.10.0-dev")), KeyStyle::Hcl);
        assert_eq!(KeyStyle::for_terraform_version(None), KeyStyle::Hcl);
    }
}
