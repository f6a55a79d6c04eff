//! Glob patterns over full addresses, as users write them on the command
//! line and in waivers: `module.app["blue"].aws_instance.*`, `*.aws_instance.web[*`.
//!
//! `*` matches any run of characters (dots, brackets and quotes included), `?`
//! one character, `\` makes the next character literal; everything else,
//! including `[`, `]` and `"`, is literal so that instance keys can be written
//! as Terraform writes them.

/// A compiled address glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressPattern {
    text: String,
    tokens: Vec<Token>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyOne,
    AnyRun,
}

impl AddressPattern {
    /// Compiles `pattern`; every text is a valid pattern (a trailing `\` is
    /// a literal backslash).
    pub fn new(pattern: &str) -> AddressPattern {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '*' => Token::AnyRun,
                '?' => Token::AnyOne,
                '\\' => Token::Literal(chars.next().unwrap_or('\\')),
                c => Token::Literal(c),
            });
        }
        tokens.dedup_by(|a, b| *a == Token::AnyRun && *b == Token::AnyRun);
        AddressPattern { text: pattern.to_string(), tokens }
    }

    /// True when the pattern has no wildcard (an exact address).
    pub fn is_literal(&self) -> bool {
        self.tokens.iter().all(|t| matches!(t, Token::Literal(_)))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Matches the whole of `address`. Linear-time for practical patterns
    /// (classic backtracking over the last `*` only).
    pub fn matches(&self, address: &str) -> bool {
        let text: Vec<char> = address.chars().collect();
        let (mut t, mut p) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            match self.tokens.get(p) {
                Some(Token::Literal(c)) if *c == text[t] => {
                    t += 1;
                    p += 1;
                }
                Some(Token::AnyOne) => {
                    t += 1;
                    p += 1;
                }
                Some(Token::AnyRun) => {
                    star = Some((p, t));
                    p += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        p = sp + 1;
                        t = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        self.tokens[p..].iter().all(|tok| *tok == Token::AnyRun)
    }
}

impl std::fmt::Display for AddressPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_over_addresses() {
        let p = AddressPattern::new(r#"module.app["blue"].aws_instance.*"#);
        assert!(p.matches(r#"module.app["blue"].aws_instance.web["jobs-0000"]"#));
        assert!(!p.matches(r#"module.app["green"].aws_instance.web"#));
        assert!(AddressPattern::new("*aws_instance*").matches("module.a.module.b[0].aws_instance.x[3]"));
        assert!(AddressPattern::new("aws_instance.web[?]").matches("aws_instance.web[3]"));
        assert!(!AddressPattern::new("aws_instance.web[?]").matches("aws_instance.web[13]"));
        assert!(AddressPattern::new("aws_instance.web").matches("aws_instance.web"));
        assert!(!AddressPattern::new("aws_instance.web").matches("aws_instance.web[0]"));
        assert!(AddressPattern::new(r"a\*b").matches("a*b"));
        assert!(!AddressPattern::new(r"a\*b").matches("axb"));
        assert!(AddressPattern::new("*").matches(""));
        assert!(AddressPattern::new("a*b*c").matches("aXbYbZc"));
        assert!(AddressPattern::new("aws_instance.web").is_literal());
    }
}
