//! The Sentinel lexer: source text to tokens, with the specification's
//! automatic semicolons (after a line's final identifier, literal, `break`,
//! `continue`, `return`, `)`, `]` or `}`).

use std::sync::Arc;

/// A keyword (reserved word or word operator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    All,
    And,
    Any,
    As,
    Break,
    Case,
    Contains,
    Continue,
    Default,
    Else,
    For,
    Func,
    If,
    Import,
    In,
    Is,
    Matches,
    Not,
    Or,
    Param,
    Return,
    Rule,
    When,
    Xor,
}

impl Kw {
    fn from_word(w: &str) -> Option<Kw> {
        Some(match w {
            "all" => Kw::All,
            "and" => Kw::And,
            "any" => Kw::Any,
            "as" => Kw::As,
            "break" => Kw::Break,
            "case" => Kw::Case,
            "contains" => Kw::Contains,
            "continue" => Kw::Continue,
            "default" => Kw::Default,
            "else" => Kw::Else,
            "for" => Kw::For,
            "func" => Kw::Func,
            "if" => Kw::If,
            "import" => Kw::Import,
            "in" => Kw::In,
            "is" => Kw::Is,
            "matches" => Kw::Matches,
            "not" => Kw::Not,
            "or" => Kw::Or,
            "param" => Kw::Param,
            "return" => Kw::Return,
            "rule" => Kw::Rule,
            "when" => Kw::When,
            "xor" => Kw::Xor,
            _ => return None,
        })
    }

    /// The keyword's text.
    pub fn as_str(self) -> &'static str {
        match self {
            Kw::All => "all",
            Kw::And => "and",
            Kw::Any => "any",
            Kw::As => "as",
            Kw::Break => "break",
            Kw::Case => "case",
            Kw::Contains => "contains",
            Kw::Continue => "continue",
            Kw::Default => "default",
            Kw::Else => "else",
            Kw::For => "for",
            Kw::Func => "func",
            Kw::If => "if",
            Kw::Import => "import",
            Kw::In => "in",
            Kw::Is => "is",
            Kw::Matches => "matches",
            Kw::Not => "not",
            Kw::Or => "or",
            Kw::Param => "param",
            Kw::Return => "return",
            Kw::Rule => "rule",
            Kw::When => "when",
            Kw::Xor => "xor",
        }
    }
}

/// A token's kind and payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(Arc<str>),
    Kw(Kw),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    /// `;`, written or inserted at a line end (`auto`).
    Semi {
        auto: bool,
    },
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    PlusEq,
    MinusEq,
    StarEq,
    SlashEq,
    PercentEq,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Assign,
    Bang,
    LParen,
    RParen,
    LBrack,
    RBrack,
    LBrace,
    RBrace,
    Comma,
    Dot,
    /// `...` after a call's last argument (spec: Primary Expressions, `Arguments`).
    Ellipsis,
    Colon,
    Eof,
}

impl Tok {
    /// How the token is shown in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier {s:?}"),
            Tok::Kw(k) => format!("{:?}", k.as_str()),
            Tok::Int(i) => format!("number {i}"),
            Tok::Float(f) => format!("number {f}"),
            Tok::Str(_) => "string".to_string(),
            Tok::Semi { auto: true } => "newline".to_string(),
            Tok::Semi { auto: false } => "\";\"".to_string(),
            Tok::Eof => "end of file".to_string(),
            other => format!("{:?}", other.punct()),
        }
    }

    fn punct(&self) -> &'static str {
        match self {
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::PlusEq => "+=",
            Tok::MinusEq => "-=",
            Tok::StarEq => "*=",
            Tok::SlashEq => "/=",
            Tok::PercentEq => "%=",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Assign => "=",
            Tok::Bang => "!",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrack => "[",
            Tok::RBrack => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Ellipsis => "...",
            Tok::Colon => ":",
            _ => "?",
        }
    }
}

/// A token and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
}

/// A lexical error: place and message.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    col: u32,
    out: Vec<Token>,
    /// One shared string per distinct identifier, so scopes can match
    /// names by pointer.
    names: std::collections::HashMap<&'a str, Arc<str>>,
}

/// Splits `source` into tokens, ending with [`Tok::Eof`].
pub fn lex(source: &str) -> Result<Vec<Token>, LexError> {
    // Editors on Windows may start a file with a byte-order mark.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lx = Lexer {
        src: source.as_bytes(),
        text: source,
        pos: 0,
        line: 1,
        col: 1,
        out: Vec::new(),
        names: std::collections::HashMap::new(),
    };
    lx.run()?;
    Ok(lx.out)
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }
    fn peek_at(&self, n: usize) -> Option<u8> {
        self.src.get(self.pos + n).copied()
    }

    /// Moves past one character (a whole UTF-8 sequence).
    fn bump(&mut self) -> Option<char> {
        let c = self.text[self.pos..].chars().next()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn err<T>(&self, line: u32, col: u32, message: impl Into<String>) -> Result<T, LexError> {
        Err(LexError { line, col, message: message.into() })
    }

    /// Whether a newline after the last token ends the statement.
    fn wants_semi(&self) -> bool {
        matches!(
            self.out.last().map(|t| &t.tok),
            Some(
                Tok::Ident(_)
                    | Tok::Int(_)
                    | Tok::Float(_)
                    | Tok::Str(_)
                    | Tok::Kw(Kw::Break | Kw::Continue | Kw::Return)
                    | Tok::RParen
                    | Tok::RBrack
                    | Tok::RBrace
            )
        )
    }

    fn newline(&mut self, line: u32, col: u32) {
        if self.wants_semi() {
            self.out.push(Token { tok: Tok::Semi { auto: true }, line, col });
        }
    }

    fn push(&mut self, tok: Tok, line: u32, col: u32) {
        self.out.push(Token { tok, line, col });
    }

    fn run(&mut self) -> Result<(), LexError> {
        while let Some(c) = self.peek() {
            let (line, col) = (self.line, self.col);
            match c {
                b'\n' => {
                    self.newline(line, col);
                    self.bump();
                }
                b' ' | b'\t' | b'\r' => {
                    self.bump();
                }
                b'#' => self.line_comment(),
                b'/' if self.peek_at(1) == Some(b'/') => self.line_comment(),
                b'/' if self.peek_at(1) == Some(b'*') => {
                    self.bump();
                    self.bump();
                    let mut saw_newline = false;
                    loop {
                        match self.peek() {
                            None => return self.err(line, col, "comment not terminated"),
                            Some(b'*') if self.peek_at(1) == Some(b'/') => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            Some(b'\n') => {
                                saw_newline = true;
                                self.bump();
                            }
                            Some(_) => {
                                self.bump();
                            }
                        }
                    }
                    // A comment spanning lines ends the line it starts on.
                    if saw_newline {
                        self.newline(line, col);
                    }
                }
                b'"' => {
                    let s = self.string(line, col)?;
                    self.push(Tok::Str(s.into()), line, col);
                }
                b'`' => {
                    self.bump();
                    let start = self.pos;
                    loop {
                        match self.peek() {
                            None => return self.err(line, col, "raw string literal not terminated"),
                            Some(b'`') => break,
                            Some(_) => {
                                self.bump();
                            }
                        }
                    }
                    // Carriage returns are dropped from raw strings, as in Go.
                    let s: String = self.text[start..self.pos].chars().filter(|&c| c != '\r').collect();
                    self.bump();
                    self.push(Tok::Str(s.into()), line, col);
                }
                b'0'..=b'9' => {
                    let t = self.number(line, col)?;
                    self.push(t, line, col);
                }
                b'.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => {
                    let t = self.number(line, col)?;
                    self.push(t, line, col);
                }
                _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                    let start = self.pos;
                    while let Some(ch) = self.text[self.pos..].chars().next() {
                        if ch == '_' || ch.is_alphanumeric() {
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    if self.pos == start {
                        let ch = self.text[self.pos..].chars().next().unwrap_or('?');
                        return self.err(line, col, format!("unexpected character {ch:?}"));
                    }
                    let text = self.text;
                    let word = &text[start..self.pos];
                    // After `.` a keyword is a field name (`var.default`).
                    let after_dot = matches!(self.out.last(), Some(Token { tok: Tok::Dot, .. }));
                    let tok = match Kw::from_word(word) {
                        Some(k) if !after_dot => Tok::Kw(k),
                        _ => Tok::Ident(self.names.entry(word).or_insert_with(|| word.into()).clone()),
                    };
                    self.push(tok, line, col);
                }
                _ => {
                    let two = |a: u8| self.peek_at(1) == Some(a);
                    let (tok, n) = match c {
                        b'+' if two(b'=') => (Tok::PlusEq, 2),
                        b'-' if two(b'=') => (Tok::MinusEq, 2),
                        b'*' if two(b'=') => (Tok::StarEq, 2),
                        b'/' if two(b'=') => (Tok::SlashEq, 2),
                        b'%' if two(b'=') => (Tok::PercentEq, 2),
                        b'=' if two(b'=') => (Tok::EqEq, 2),
                        b'!' if two(b'=') => (Tok::NotEq, 2),
                        b'<' if two(b'=') => (Tok::Le, 2),
                        b'>' if two(b'=') => (Tok::Ge, 2),
                        b'+' => (Tok::Plus, 1),
                        b'-' => (Tok::Minus, 1),
                        b'*' => (Tok::Star, 1),
                        b'/' => (Tok::Slash, 1),
                        b'%' => (Tok::Percent, 1),
                        b'=' => (Tok::Assign, 1),
                        b'!' => (Tok::Bang, 1),
                        b'<' => (Tok::Lt, 1),
                        b'>' => (Tok::Gt, 1),
                        b'(' => (Tok::LParen, 1),
                        b')' => (Tok::RParen, 1),
                        b'[' => (Tok::LBrack, 1),
                        b']' => (Tok::RBrack, 1),
                        b'{' => (Tok::LBrace, 1),
                        b'}' => (Tok::RBrace, 1),
                        b',' => (Tok::Comma, 1),
                        b'.' if two(b'.') && self.peek_at(2) == Some(b'.') => (Tok::Ellipsis, 3),
                        b'.' => (Tok::Dot, 1),
                        b':' => (Tok::Colon, 1),
                        b';' => (Tok::Semi { auto: false }, 1),
                        _ => {
                            let ch = self.text[self.pos..].chars().next().unwrap_or('?');
                            return self.err(line, col, format!("unexpected character {ch:?}"));
                        }
                    };
                    for _ in 0..n {
                        self.bump();
                    }
                    self.push(tok, line, col);
                }
            }
        }
        let (line, col) = (self.line, self.col);
        self.newline(line, col);
        self.push(Tok::Eof, line, col);
        Ok(())
    }

    fn line_comment(&mut self) {
        while let Some(c) = self.peek() {
            if c == b'\n' {
                break;
            }
            self.bump();
        }
    }

    fn number(&mut self, line: u32, col: u32) -> Result<Tok, LexError> {
        let start = self.pos;
        if self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X')) {
            self.bump();
            self.bump();
            let digits = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.bump();
            }
            let text = &self.text[digits..self.pos];
            if text.is_empty() {
                return self.err(line, col, "hexadecimal literal has no digits");
            }
            return match u64::from_str_radix(text, 16) {
                Ok(v) if v <= i64::MAX as u64 => Ok(Tok::Int(v as i64)),
                _ => self.err(line, col, format!("integer literal {} out of range", &self.text[start..self.pos])),
            };
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let mut is_float = false;
        if self.peek() == Some(b'.')
            && !self.peek_at(1).is_some_and(|c| c == b'_' || c.is_ascii_alphabetic() && c != b'e' && c != b'E')
        {
            is_float = true;
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let save = (self.pos, self.line, self.col);
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            } else {
                (self.pos, self.line, self.col) = save;
            }
        }
        let text = &self.text[start..self.pos];
        if is_float {
            return match text.parse::<f64>() {
                Ok(f) => Ok(Tok::Float(f)),
                Err(_) => self.err(line, col, format!("invalid float literal {text}")),
            };
        }
        if text.len() > 1 && text.starts_with('0') {
            if let Some(bad) = text.bytes().find(|c| !(b'0'..=b'7').contains(c)) {
                return self.err(line, col, format!("invalid digit {:?} in octal literal {text}", bad as char));
            }
            return match i64::from_str_radix(&text[1..], 8) {
                Ok(v) => Ok(Tok::Int(v)),
                Err(_) => self.err(line, col, format!("integer literal {text} out of range")),
            };
        }
        match text.parse::<i64>() {
            Ok(v) => Ok(Tok::Int(v)),
            Err(_) => self.err(line, col, format!("integer literal {text} out of range")),
        }
    }

    fn string(&mut self, line: u32, col: u32) -> Result<String, LexError> {
        self.bump();
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            let (el, ec) = (self.line, self.col);
            match self.peek() {
                None | Some(b'\n') => return self.err(line, col, "string literal not terminated"),
                Some(b'"') => {
                    self.bump();
                    break;
                }
                Some(b'\\') => {
                    self.bump();
                    let Some(e) = self.bump() else {
                        return self.err(line, col, "string literal not terminated");
                    };
                    match e {
                        'a' => bytes.push(7),
                        'b' => bytes.push(8),
                        'f' => bytes.push(12),
                        'n' => bytes.push(b'\n'),
                        'r' => bytes.push(b'\r'),
                        't' => bytes.push(b'\t'),
                        'v' => bytes.push(11),
                        '\\' => bytes.push(b'\\'),
                        '"' => bytes.push(b'"'),
                        'x' => bytes.push(self.digits(2, 16, el, ec)? as u8),
                        '0'..='7' => {
                            let rest = self.digits(2, 8, el, ec)?;
                            let v = (e as u32 - '0' as u32) * 64 + rest;
                            if v > 255 {
                                return self.err(el, ec, "octal escape value > 255");
                            }
                            bytes.push(v as u8);
                        }
                        'u' | 'U' => {
                            let n = if e == 'u' { 4 } else { 8 };
                            let v = self.digits(n, 16, el, ec)?;
                            let Some(ch) = char::from_u32(v) else {
                                return self.err(el, ec, "escape sequence is invalid Unicode code point");
                            };
                            let mut buf = [0u8; 4];
                            bytes.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        other => return self.err(el, ec, format!("unknown escape sequence \\{other}")),
                    }
                }
                Some(_) => {
                    let ch = self.bump().unwrap_or('\u{FFFD}');
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        // Byte escapes can form invalid UTF-8; Sentinel strings here are
        // UTF-8, so such bytes become U+FFFD.
        Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    fn digits(&mut self, n: usize, radix: u32, line: u32, col: u32) -> Result<u32, LexError> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let Some(d) = self.peek().and_then(|c| (c as char).to_digit(radix)) else {
                return self.err(line, col, "invalid character in escape sequence");
            };
            self.bump();
            v = v.wrapping_mul(radix).wrapping_add(d);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_follow_the_spec_literal_forms() {
        // spec.mdx, Integer and Floating-point Literals.
        assert_eq!(toks("42")[0], Tok::Int(42));
        assert_eq!(toks("0600")[0], Tok::Int(0o600));
        assert_eq!(toks("0xBadFace")[0], Tok::Int(0xBAD_FACE));
        assert_eq!(toks("0.")[0], Tok::Float(0.0));
        assert_eq!(toks("072.40")[0], Tok::Float(72.40));
        assert_eq!(toks("1.e+0")[0], Tok::Float(1.0));
        assert_eq!(toks("6.67428e-11")[0], Tok::Float(6.67428e-11));
        assert_eq!(toks("1E6")[0], Tok::Float(1e6));
        assert_eq!(toks(".25")[0], Tok::Float(0.25));
        assert_eq!(toks(".12345E+5")[0], Tok::Float(12345.0));
        assert!(lex("170141183460469231731687303715884105727").is_err());
        assert!(lex("09").is_err());
    }

    #[test]
    fn strings_decode_escapes_and_raw_strings_do_not() {
        assert_eq!(toks(r#""a\n\"\x41\101\u65e5\U00008a9e""#)[0], Tok::Str("a\n\"AA日語".into()));
        assert_eq!(toks("`\\n\n\\n`")[0], Tok::Str("\\n\n\\n".into()));
        assert!(lex(r#""\uD800""#).is_err());
        assert!(lex(r#""\U00110000""#).is_err());
        assert!(lex("\"abc\ndef\"").is_err());
    }

    #[test]
    fn semicolons_are_inserted_after_a_lines_final_operand() {
        let t = toks("a or\nb # c\nc /* x\n */ d");
        assert_eq!(
            t,
            vec![
                Tok::Ident("a".into()),
                Tok::Kw(Kw::Or),
                Tok::Ident("b".into()),
                Tok::Semi { auto: true },
                Tok::Ident("c".into()),
                Tok::Semi { auto: true },
                Tok::Ident("d".into()),
                Tok::Semi { auto: true },
                Tok::Eof
            ]
        );
    }

    #[test]
    fn a_leading_byte_order_mark_is_ignored() {
        assert_eq!(toks("\u{feff}x")[0], Tok::Ident("x".into()));
        assert!(lex("x \u{feff}").is_err());
    }

    #[test]
    fn positions_are_line_and_character_column() {
        let t = lex("x =\n  \"é\" + y").unwrap();
        assert_eq!((t[2].line, t[2].col), (2, 3));
        assert_eq!((t[3].line, t[3].col), (2, 7));
    }
}
