//! Splits `.fbs` text into tokens with byte spans.
//!
//! Comments are skipped except `///` doc comments, which become tokens (their text is
//! what follows `///`, leading space kept, as flatc stores it). Every byte advances the
//! cursor, so malformed input yields diagnostics and more tokens, never a hang.
//! String literals are only validated here; [`unescape`] produces their value.

use std::borrow::Cow;

use crate::diagnostic::{Diagnostics, FileId, Span};

/// What a token is; its text is the source text under its span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Identifier,
    /// Decimal or hexadecimal, with an optional sign.
    Integer,
    /// Decimal or hexadecimal (`0x1p3`) with a fraction or exponent, or a signed
    /// `inf`/`infinity`/`nan` (unsigned ones are identifiers, which may be names).
    Float,
    /// A `"..."` or `'...'` literal, quotes included in the span.
    String,
    /// A `///` comment; the span covers the text after the three slashes.
    DocComment,
    LeftBrace,
    RightBrace,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Colon,
    Semicolon,
    Equals,
    Dot,
    EndOfFile,
}

impl TokenKind {
    /// How the token is named in "expected ..." messages.
    pub fn describe(self) -> &'static str {
        match self {
            TokenKind::Identifier => "an identifier",
            TokenKind::Integer => "an integer",
            TokenKind::Float => "a float",
            TokenKind::String => "a string",
            TokenKind::DocComment => "a doc comment",
            TokenKind::LeftBrace => "`{`",
            TokenKind::RightBrace => "`}`",
            TokenKind::LeftParen => "`(`",
            TokenKind::RightParen => "`)`",
            TokenKind::LeftBracket => "`[`",
            TokenKind::RightBracket => "`]`",
            TokenKind::Comma => "`,`",
            TokenKind::Colon => "`:`",
            TokenKind::Semicolon => "`;`",
            TokenKind::Equals => "`=`",
            TokenKind::Dot => "`.`",
            TokenKind::EndOfFile => "end of file",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Tokenizes a whole file; the last token is always [`TokenKind::EndOfFile`].
pub fn lex(text: &str, file: FileId, diagnostics: &mut Diagnostics) -> Vec<Token> {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        text,
        file,
        position: 0,
        tokens: Vec::with_capacity(text.len() / 4),
        token_on_line: false,
        diagnostics,
    };
    lexer.run();
    lexer.tokens
}

struct Lexer<'a, 'd> {
    bytes: &'a [u8],
    text: &'a str,
    file: FileId,
    position: usize,
    tokens: Vec<Token>,
    /// Whether a token other than a doc comment was seen since the last line break.
    token_on_line: bool,
    diagnostics: &'d mut Diagnostics,
}

impl Lexer<'_, '_> {
    fn run(&mut self) {
        while let Some(&byte) = self.bytes.get(self.position) {
            let start = self.position;
            match byte {
                b'\n' => {
                    self.token_on_line = false;
                    self.position += 1;
                }
                b' ' | b'\t' | b'\r' => self.position += 1,
                b'/' if self.peek(1) == Some(b'/') => self.line_comment(),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
                b'{' => self.punctuation(TokenKind::LeftBrace),
                b'}' => self.punctuation(TokenKind::RightBrace),
                b'(' => self.punctuation(TokenKind::LeftParen),
                b')' => self.punctuation(TokenKind::RightParen),
                b'[' => self.punctuation(TokenKind::LeftBracket),
                b']' => self.punctuation(TokenKind::RightBracket),
                b',' => self.punctuation(TokenKind::Comma),
                b':' => self.punctuation(TokenKind::Colon),
                b';' => self.punctuation(TokenKind::Semicolon),
                b'=' => self.punctuation(TokenKind::Equals),
                b'.' if self.peek(1).is_some_and(|next| next.is_ascii_digit()) => self.number(),
                b'.' => self.punctuation(TokenKind::Dot),
                b'"' | b'\'' => self.string(byte),
                b'0'..=b'9' | b'+' | b'-' => self.number(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    self.position = self.identifier_end(start);
                    self.push(TokenKind::Identifier, start);
                }
                _ => self.unexpected_character(),
            }
        }
        let end = self.bytes.len();
        self.tokens.push(Token {
            kind: TokenKind::EndOfFile,
            span: Span::new(self.file, end, end),
        });
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.position + offset).copied()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: self.span(start, self.position),
        });
        self.token_on_line = true;
    }

    fn punctuation(&mut self, kind: TokenKind) {
        let start = self.position;
        self.position += 1;
        self.push(kind, start);
    }

    fn identifier_end(&self, start: usize) -> usize {
        let length = self.bytes[start..]
            .iter()
            .position(|byte| !(byte.is_ascii_alphanumeric() || *byte == b'_'))
            .unwrap_or(self.bytes.len() - start);
        start + length
    }

    fn line_comment(&mut self) {
        let start = self.position;
        let end = self.bytes[start..]
            .iter()
            .position(|byte| matches!(byte, b'\n' | b'\r'))
            .map_or(self.bytes.len(), |length| start + length);
        self.position = end;
        if self.bytes.get(start + 2) != Some(&b'/') {
            return;
        }
        // flatc attaches a doc comment to the next token, so one that follows a token
        // on its line would document the wrong thing; flatc rejects it.
        if self.token_on_line {
            self.diagnostics.error(
                self.span(start, end),
                "a doc comment must be on a line of its own (use `//` for a trailing comment)",
            );
            return;
        }
        self.tokens.push(Token {
            kind: TokenKind::DocComment,
            span: self.span(start + 3, end),
        });
    }

    fn block_comment(&mut self) {
        let start = self.position;
        match self.text[start + 2..].find("*/") {
            Some(length) => self.position = start + 2 + length + 2,
            None => {
                self.position = self.bytes.len();
                self.diagnostics.error(
                    self.span(start, start + 2),
                    "unterminated block comment (missing `*/`)",
                );
            }
        }
    }

    /// A string ends at its closing quote; a line break or the end of the file before
    /// it is an error (flatc rejects control characters in strings).
    ///
    /// A character beyond the Basic Multilingual Plane is written as a surrogate pair
    /// `\uD83D\uDE00`, which [`unescape`] joins; half of a pair has no value, so it is
    /// an error (as in flatc) rather than a silent U+FFFD.
    fn string(&mut self, quote: u8) {
        let start = self.position;
        self.position += 1;
        // Where the last `\u` high surrogate starts, until its low surrogate follows.
        let mut open_high_surrogate: Option<usize> = None;
        loop {
            let at = self.position;
            match self.bytes.get(at) {
                Some(&byte) if byte == quote => {
                    self.unpaired_high_surrogate(open_high_surrogate.take());
                    self.position += 1;
                    break;
                }
                Some(b'\\') => match self.escape() {
                    Some(0xD800..=0xDBFF) => {
                        self.unpaired_high_surrogate(open_high_surrogate.replace(at));
                    }
                    Some(0xDC00..=0xDFFF) => {
                        if open_high_surrogate.take().is_none() {
                            self.diagnostics.error(
                                self.span(at, self.position),
                                "unpaired low surrogate in string (`\\uDC00`..`\\uDFFF` must follow a high \
                                 surrogate `\\uD800`..`\\uDBFF`)",
                            );
                        }
                    }
                    _ => self.unpaired_high_surrogate(open_high_surrogate.take()),
                },
                Some(b'\n' | b'\r') | None => {
                    self.diagnostics.error(
                        self.span(start, self.position),
                        "unterminated string (missing closing quote)",
                    );
                    break;
                }
                Some(&byte) if byte < b' ' => {
                    self.diagnostics.error(
                        self.span(self.position, self.position + 1),
                        "control character in a string (write it as an escape such as `\\t`)",
                    );
                    self.position += 1;
                }
                Some(_) => {
                    self.unpaired_high_surrogate(open_high_surrogate.take());
                    self.position += 1;
                }
            }
        }
        self.push(TokenKind::String, start);
    }

    /// Reports a high surrogate escape (starting at `start`) that no low one follows.
    fn unpaired_high_surrogate(&mut self, start: Option<usize>) {
        if let Some(start) = start {
            self.diagnostics.error(
                self.span(start, start + 6),
                "unpaired high surrogate in string (`\\uD800`..`\\uDBFF` must be followed by a low \
                 surrogate `\\uDC00`..`\\uDFFF`)",
            );
        }
    }

    /// Checks one escape sequence and moves past it; the code of a well-formed `\uNNNN`.
    fn escape(&mut self) -> Option<u32> {
        let start = self.position;
        let digits = match self.peek(1) {
            Some(b'n' | b't' | b'r' | b'b' | b'f' | b'"' | b'\'' | b'\\' | b'/') => 0,
            Some(b'x') => 2,
            Some(b'u') => 4,
            _ => {
                self.position += 1;
                let end = self.char_end(self.position);
                self.diagnostics.error(
                    self.span(start, end),
                    "unknown escape in string (expected one of \\n \\t \\r \\b \\f \\\" \\' \\\\ \\/ \\xNN \\uNNNN)",
                );
                return None;
            }
        };
        self.position += 2;
        if digits == 0 {
            return None;
        }
        let hex_end = self.position + digits;
        let hex = self
            .text
            .get(self.position..hex_end)
            .filter(|hex| hex.bytes().all(|byte| byte.is_ascii_hexdigit()));
        let Some(code) = hex.and_then(|hex| u32::from_str_radix(hex, 16).ok()) else {
            let letter = if digits == 2 { 'x' } else { 'u' };
            self.diagnostics.error(
                self.span(start, start + 2),
                format!("escape `\\{letter}` must be followed by {digits} hex digits"),
            );
            return None;
        };
        self.position = hex_end;
        if digits == 2 && code > 0x7f {
            self.diagnostics.error(
                self.span(start, hex_end),
                "`\\x` escape above `\\x7f` (flatc would produce invalid UTF-8; use `\\u`)",
            );
        }
        (digits == 4).then_some(code)
    }

    fn char_end(&self, position: usize) -> usize {
        let mut end = (position + 1).min(self.bytes.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        end
    }

    /// Numbers: `[+-]` then `0x` hex digits (with `.`/`p` exponent for a float) or
    /// decimal digits with optional fraction and exponent; `[+-]inf`, `[+-]nan`.
    fn number(&mut self) {
        let start = self.position;
        if matches!(self.bytes[start], b'+' | b'-') {
            self.position += 1;
        }
        match self.peek(0) {
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => return self.signed_word(start),
            Some(b'0'..=b'9') => {}
            Some(b'.') if self.peek(1).is_some_and(|next| next.is_ascii_digit()) => {}
            _ => {
                self.diagnostics.error(
                    self.span(start, self.position),
                    "expected a number after the sign",
                );
                // A token all the same, so that the parser does not report the gap too.
                self.push(TokenKind::Integer, start);
                return;
            }
        }
        if self.peek(0) == Some(b'0') && matches!(self.peek(1), Some(b'x' | b'X')) {
            return self.hex_number(start);
        }
        let mut kind = TokenKind::Integer;
        self.skip_while(|byte| byte.is_ascii_digit());
        if self.peek(0) == Some(b'.') {
            kind = TokenKind::Float;
            self.position += 1;
            self.skip_while(|byte| byte.is_ascii_digit());
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            kind = TokenKind::Float;
            self.exponent(start);
        }
        self.push(kind, start);
    }

    fn hex_number(&mut self, start: usize) {
        self.position += 2;
        let digits_start = self.position;
        self.skip_while(|byte| byte.is_ascii_hexdigit());
        let mut kind = TokenKind::Integer;
        let mut has_digits = self.position > digits_start;
        if self.peek(0) == Some(b'.') {
            kind = TokenKind::Float;
            self.position += 1;
            let fraction_start = self.position;
            self.skip_while(|byte| byte.is_ascii_hexdigit());
            has_digits |= self.position > fraction_start;
        }
        if matches!(self.peek(0), Some(b'p' | b'P')) {
            kind = TokenKind::Float;
            self.exponent(start);
        } else if kind == TokenKind::Float {
            self.diagnostics.error(
                self.span(start, self.position),
                "a hexadecimal float needs a binary exponent such as `p0`",
            );
        }
        if !has_digits {
            self.diagnostics.error(
                self.span(start, self.position),
                "expected hexadecimal digits after `0x`",
            );
        }
        self.push(kind, start);
    }

    fn exponent(&mut self, start: usize) {
        self.position += 1;
        if matches!(self.peek(0), Some(b'+' | b'-')) {
            self.position += 1;
        }
        let digits_start = self.position;
        self.skip_while(|byte| byte.is_ascii_digit());
        if self.position == digits_start {
            self.diagnostics.error(
                self.span(start, self.position),
                "expected digits in the exponent of the number",
            );
        }
    }

    fn signed_word(&mut self, start: usize) {
        let end = self.identifier_end(self.position);
        let word = &self.text[self.position..end];
        self.position = end;
        if ["inf", "infinity", "nan"]
            .iter()
            .any(|special| word.eq_ignore_ascii_case(special))
        {
            self.push(TokenKind::Float, start);
        } else {
            self.diagnostics.error(
                self.span(start, end),
                format!("expected a number after the sign, found `{word}`"),
            );
            self.push(TokenKind::Float, start);
        }
    }

    fn skip_while(&mut self, accept: impl Fn(u8) -> bool) {
        while self.peek(0).is_some_and(&accept) {
            self.position += 1;
        }
    }

    fn unexpected_character(&mut self) {
        let start = self.position;
        let end = self.char_end(start);
        let character = self.text[start..end].chars().next().unwrap_or('\u{fffd}');
        self.diagnostics.error(
            self.span(start, end),
            format!("unexpected character `{}`", character.escape_debug()),
        );
        self.position = end;
    }
}

/// The value of a string literal whose span text (quotes included) the lexer accepted.
/// Borrows when there is no escape.
pub fn unescape(literal: &str) -> Cow<'_, str> {
    let inner = literal.get(1..literal.len().saturating_sub(1)).unwrap_or("");
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(character) = chars.next() {
        if character != '\\' {
            value.push(character);
            continue;
        }
        let escaped = match chars.next() {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('x') => hex_char(&mut chars, 2),
            Some('u') => unicode_escape(&mut chars),
            Some(other) => other,
            None => break,
        };
        value.push(escaped);
    }
    Cow::Owned(value)
}

fn hex_char(chars: &mut std::str::Chars<'_>, digits: usize) -> char {
    char::from_u32(hex_code(chars, digits)).unwrap_or('\u{fffd}')
}

fn hex_code(chars: &mut std::str::Chars<'_>, digits: usize) -> u32 {
    chars
        .by_ref()
        .take(digits)
        .fold(0, |code, digit| code * 16 + digit.to_digit(16).unwrap_or(0))
}

/// The character of a `\u` escape (after the `u`), joining a surrogate pair.
fn unicode_escape(chars: &mut std::str::Chars<'_>) -> char {
    let code = hex_code(chars, 4);
    if (0xD800..=0xDBFF).contains(&code) {
        let mut rest = chars.clone();
        if rest.next() == Some('\\') && rest.next() == Some('u') {
            let low = hex_code(&mut rest, 4);
            if (0xDC00..=0xDFFF).contains(&low) {
                *chars = rest;
                let joined = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(joined).unwrap_or('\u{fffd}');
            }
        }
    }
    char::from_u32(code).unwrap_or('\u{fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lexes `text` and renders each token as `Kind(text)`, then each diagnostic.
    fn check(text: &str, expected: &[&str]) {
        let mut diagnostics = Diagnostics::default();
        let tokens = lex(text, FileId(0), &mut diagnostics);
        let mut actual: Vec<String> = tokens
            .iter()
            .map(|token| {
                let slice = &text[token.span.start as usize..token.span.end as usize];
                format!("{:?}({slice})", token.kind)
            })
            .collect();
        actual.extend(diagnostics.iter().map(|diagnostic| {
            let span = diagnostic.span.map(|span| (span.start, span.end));
            format!("error {span:?}: {}", diagnostic.message)
        }));
        assert_eq!(actual, expected);
    }

    #[test]
    fn punctuation_identifiers_and_comments() {
        check(
            "table T{a:[int];}// x\n/* y */=.",
            &[
                "Identifier(table)",
                "Identifier(T)",
                "LeftBrace({)",
                "Identifier(a)",
                "Colon(:)",
                "LeftBracket([)",
                "Identifier(int)",
                "RightBracket(])",
                "Semicolon(;)",
                "RightBrace(})",
                "Equals(=)",
                "Dot(.)",
                "EndOfFile()",
            ],
        );
    }

    #[test]
    fn doc_comments_keep_their_leading_space_and_stop_before_cr() {
        check(
            "/// one\r\n  ///two\n",
            &["DocComment( one)", "DocComment(two)", "EndOfFile()"],
        );
    }

    #[test]
    fn doc_comment_after_a_token_is_an_error() {
        check(
            "a; /// doc\n",
            &[
                "Identifier(a)",
                "Semicolon(;)",
                "EndOfFile()",
                "error Some((3, 10)): a doc comment must be on a line of its own (use `//` for a trailing comment)",
            ],
        );
    }

    #[test]
    fn numbers() {
        check(
            "1 -2 +3 0x1F -0XaB 1.5 .5 1. 1e3 -2E-2 0x1p3 0x1.8P-1 -inf +nan inf",
            &[
                "Integer(1)",
                "Integer(-2)",
                "Integer(+3)",
                "Integer(0x1F)",
                "Integer(-0XaB)",
                "Float(1.5)",
                "Float(.5)",
                "Float(1.)",
                "Float(1e3)",
                "Float(-2E-2)",
                "Float(0x1p3)",
                "Float(0x1.8P-1)",
                "Float(-inf)",
                "Float(+nan)",
                "Identifier(inf)",
                "EndOfFile()",
            ],
        );
    }

    #[test]
    fn malformed_numbers_are_reported() {
        check(
            "0x - -foo 1e +. -.5",
            &[
                "Integer(0x)",
                "Integer(-)",
                "Float(-foo)",
                "Float(1e)",
                "Integer(+)",
                "Dot(.)",
                "Float(-.5)",
                "EndOfFile()",
                "error Some((0, 2)): expected hexadecimal digits after `0x`",
                "error Some((3, 4)): expected a number after the sign",
                "error Some((5, 9)): expected a number after the sign, found `foo`",
                "error Some((10, 12)): expected digits in the exponent of the number",
                "error Some((13, 14)): expected a number after the sign",
            ],
        );
    }

    #[test]
    fn strings_with_escapes() {
        check(
            r#""a\"b" 'c'"#,
            &[r#"String("a\"b")"#, "String('c')", "EndOfFile()"],
        );
        assert_eq!(unescape(r#""q\"\u00e9\x41\/\n""#), "q\"éA/\n");
        assert_eq!(unescape(r#""\uD83D\ude00!""#), "😀!");
        assert!(matches!(unescape(r#""plain""#), Cow::Borrowed("plain")));
    }

    #[test]
    fn bad_strings_are_reported() {
        check(
            "\"a\\q\" \"\\x9f\" \"open\nx",
            &[
                "String(\"a\\q\")",
                "String(\"\\x9f\")",
                "String(\"open)",
                "Identifier(x)",
                "EndOfFile()",
                "error Some((2, 4)): unknown escape in string (expected one of \\n \\t \\r \\b \\f \\\" \\' \\\\ \\/ \\xNN \\uNNNN)",
                "error Some((7, 11)): `\\x` escape above `\\x7f` (flatc would produce invalid UTF-8; use `\\u`)",
                "error Some((13, 18)): unterminated string (missing closing quote)",
            ],
        );
    }

    #[test]
    fn unpaired_surrogates_are_reported() {
        check(
            r#""\ud83d" "\ude00" "\ud83d\ud83d\ude00" "\ud83dx" "\u12G4""#,
            &[
                r#"String("\ud83d")"#,
                r#"String("\ude00")"#,
                r#"String("\ud83d\ud83d\ude00")"#,
                r#"String("\ud83dx")"#,
                r#"String("\u12G4")"#,
                "EndOfFile()",
                "error Some((1, 7)): unpaired high surrogate in string (`\\uD800`..`\\uDBFF` must be followed by a low surrogate `\\uDC00`..`\\uDFFF`)",
                "error Some((10, 16)): unpaired low surrogate in string (`\\uDC00`..`\\uDFFF` must follow a high surrogate `\\uD800`..`\\uDBFF`)",
                "error Some((19, 25)): unpaired high surrogate in string (`\\uD800`..`\\uDBFF` must be followed by a low surrogate `\\uDC00`..`\\uDFFF`)",
                "error Some((40, 46)): unpaired high surrogate in string (`\\uD800`..`\\uDBFF` must be followed by a low surrogate `\\uDC00`..`\\uDFFF`)",
                "error Some((50, 52)): escape `\\u` must be followed by 4 hex digits",
            ],
        );
    }

    #[test]
    fn every_byte_makes_progress() {
        check(
            "é/* open",
            &[
                "EndOfFile()",
                "error Some((0, 2)): unexpected character `é`",
                "error Some((2, 4)): unterminated block comment (missing `*/`)",
            ],
        );
    }
}
