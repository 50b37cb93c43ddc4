//! Recursive-descent parser: tokens of one file into its [`syntax::File`].
//!
//! The grammar is flatc 2.0.8's, including what its published grammar omits
//! (metadata right after an `rpc_service` name, string attribute keys, trailing commas
//! in enums). Keywords are contextual: `table: int;` is a field named `table`.
//!
//! On a syntax error the parser reports it and skips to a point where parsing can
//! resume (the next `;`, the closing `}`, or the next declaration keyword), so every
//! error of a file is reported in one run. Nothing here recurses (a vector of vectors
//! is rejected at its second `[`), so no input can exhaust the stack.

use std::fmt;

use crate::diagnostic::{Diagnostics, FileId, Span};
use crate::fbs::lexer::{Token, TokenKind};
use crate::fbs::syntax::{
    Attribute, Call, Declaration, Enum, EnumValue, Field, File, Literal, LiteralKind, Object, QualifiedIdent,
    Service, TypeExpr,
};

/// Parses a file's tokens (which end with [`TokenKind::EndOfFile`]).
pub fn parse(tokens: &[Token], text: &str, file: FileId, diagnostics: &mut Diagnostics) -> File {
    let mut parser = Parser {
        tokens,
        text,
        position: 0,
        previous_end: None,
        diagnostics,
    };
    parser.skip_doc_comments();
    parser.file(file)
}

/// A syntax error was reported; the caller resynchronizes.
struct Recover;

type Parse<T> = Result<T, Recover>;

/// Keywords that start a top-level declaration.
const DECLARATION_KEYWORDS: [&str; 12] = [
    "include",
    "native_include",
    "namespace",
    "attribute",
    "table",
    "struct",
    "enum",
    "union",
    "root_type",
    "file_identifier",
    "file_extension",
    "rpc_service",
];

struct Parser<'a, 'd> {
    tokens: &'a [Token],
    text: &'a str,
    /// Index of the current token, never a doc comment.
    position: usize,
    /// Where the last consumed token ends.
    previous_end: Option<Span>,
    diagnostics: &'d mut Diagnostics,
}

impl<'a> Parser<'a, '_> {
    fn file(&mut self, file: FileId) -> File {
        let mut parsed = File {
            file,
            includes: Vec::new(),
            declarations: Vec::new(),
        };
        let mut first_declaration: Option<Span> = None;
        while self.kind() != TokenKind::EndOfFile {
            let start = self.position;
            let keyword = self.current();
            let result = match self.keyword() {
                Some("include") => self
                    .include(first_declaration)
                    .map(|path| parsed.includes.extend(path)),
                Some("native_include") => self.native_include(first_declaration),
                Some(_) | None => {
                    let declaration = self.declaration();
                    if declaration.is_ok() {
                        first_declaration.get_or_insert(keyword.span);
                    }
                    declaration.map(|declaration| parsed.declarations.push(declaration))
                }
            };
            if result.is_err() {
                self.recover_declaration(start);
            }
        }
        parsed
    }

    /// The current token's text if it is a declaration keyword.
    fn keyword(&self) -> Option<&'a str> {
        let token = self.current();
        if token.kind != TokenKind::Identifier {
            return None;
        }
        let text = self.text(token.span);
        DECLARATION_KEYWORDS.contains(&text).then_some(text)
    }

    /// Parses one declaration (anything but the include statements).
    fn declaration(&mut self) -> Parse<Declaration> {
        let docs = self.docs();
        let Some(keyword) = self.keyword().filter(|keyword| !keyword.ends_with("include")) else {
            return Err(self.expected(format_args!(
                "a declaration (`table`, `struct`, `enum`, `union`, `rpc_service`, `namespace`, `attribute`, \
                 `root_type`, `include`, ...)"
            )));
        };
        self.bump();
        let declaration = match keyword {
            "namespace" => self.namespace()?,
            "attribute" => self.attribute_declaration()?,
            "table" => Declaration::Object(self.object(false, docs)?),
            "struct" => Declaration::Object(self.object(true, docs)?),
            "enum" => Declaration::Enum(self.enumeration(false, docs)?),
            "union" => Declaration::Enum(self.enumeration(true, docs)?),
            "rpc_service" => Declaration::Service(self.service(docs)?),
            "root_type" => {
                let name = self.qualified_ident(format_args!("the root table's name"))?;
                self.expect(TokenKind::Semicolon, format_args!("after `root_type`"))?;
                Declaration::RootType(name)
            }
            "file_identifier" => Declaration::FileIdentifier(self.string_statement("file_identifier")?),
            // The last keyword left: `file_extension`.
            _ => Declaration::FileExtension(self.string_statement("file_extension")?),
        };
        Ok(declaration)
    }

    fn include(&mut self, first_declaration: Option<Span>) -> Parse<Option<Span>> {
        let keyword = self.current().span;
        self.bump();
        let path = self.string_statement("include")?;
        if let Some(declaration) = first_declaration {
            self.diagnostics.push(
                crate::Diagnostic::error(keyword, "includes must come before all declarations")
                    .with_note(declaration, "first declaration is here"),
            );
            return Ok(None);
        }
        Ok(Some(path))
    }

    fn native_include(&mut self, first_declaration: Option<Span>) -> Parse<()> {
        let keyword = self.current().span;
        self.bump();
        self.string_statement("native_include")?;
        if let Some(declaration) = first_declaration {
            self.diagnostics.push(
                crate::Diagnostic::error(keyword, "`native_include` must come before all declarations")
                    .with_note(declaration, "first declaration is here"),
            );
        }
        Ok(())
    }

    /// `<keyword> "string";` after the keyword: the string literal's span.
    fn string_statement(&mut self, keyword: &str) -> Parse<Span> {
        let string = self.expect(TokenKind::String, format_args!("after `{keyword}`"))?;
        self.expect(TokenKind::Semicolon, format_args!("after the `{keyword}` string"))?;
        Ok(string)
    }

    fn namespace(&mut self) -> Parse<Declaration> {
        let mut parts = Vec::new();
        if self.kind() != TokenKind::Semicolon {
            parts = self.qualified_ident(format_args!("a namespace name"))?.parts;
        }
        self.expect(TokenKind::Semicolon, format_args!("after the namespace"))?;
        Ok(Declaration::Namespace(parts))
    }

    fn attribute_declaration(&mut self) -> Parse<Declaration> {
        let name = match self.kind() {
            TokenKind::Identifier | TokenKind::String => self.current().span,
            _ => {
                return Err(self.expected(format_args!(
                    "an attribute name (identifier or string) after `attribute`"
                )));
            }
        };
        self.bump();
        self.expect(
            TokenKind::Semicolon,
            format_args!("after the attribute declaration"),
        )?;
        Ok(Declaration::Attribute(name))
    }

    fn object(&mut self, is_struct: bool, docs: Vec<Span>) -> Parse<Object> {
        let what = if is_struct { "struct" } else { "table" };
        let name = self.identifier(format_args!("the {what} name"))?;
        let metadata = self.metadata()?;
        self.expect(TokenKind::LeftBrace, format_args!("to open the {what} body"))?;
        let mut fields = Vec::new();
        while self.body_continues(what)? {
            match self.field() {
                Ok(field) => fields.push(field),
                Err(Recover) => self.recover_member(false),
            }
        }
        Ok(Object {
            is_struct,
            name,
            metadata,
            fields,
            docs,
        })
    }

    /// Whether another member follows in a `{ ... }` body; consumes the closing `}`.
    /// A declaration keyword or the end of the file means the `}` is missing.
    fn body_continues(&mut self, what: &str) -> Parse<bool> {
        match self.kind() {
            TokenKind::RightBrace => {
                self.bump();
                Ok(false)
            }
            TokenKind::EndOfFile => Err(self.expected(format_args!("`}}` to close the {what}"))),
            _ if self.at_declaration_start() => Err(self.expected(format_args!("`}}` to close the {what}"))),
            _ => Ok(true),
        }
    }

    fn field(&mut self) -> Parse<Field> {
        let docs = self.docs();
        let name = self.identifier(format_args!("a field name"))?;
        self.expect(TokenKind::Colon, format_args!("after the field name"))?;
        let ty = self.type_expr()?;
        let default = if self.eat(TokenKind::Equals) {
            Some(self.literal(format_args!("a default value"))?)
        } else {
            None
        };
        let metadata = self.metadata()?;
        self.expect(TokenKind::Semicolon, format_args!("after the field"))?;
        Ok(Field {
            name,
            ty,
            default,
            metadata,
            docs,
        })
    }

    fn type_expr(&mut self) -> Parse<TypeExpr> {
        let open = self.current().span;
        if !self.eat(TokenKind::LeftBracket) {
            return Ok(TypeExpr::Named(self.qualified_ident(format_args!("a type"))?));
        }
        if self.kind() == TokenKind::LeftBracket {
            self.error(
                self.current().span,
                "nested vector types are not supported (wrap the inner vector in a table)",
            );
            return Err(Recover);
        }
        let element = self.qualified_ident(format_args!("the element type"))?;
        let length = if self.eat(TokenKind::Colon) {
            Some(self.literal(format_args!("the array length"))?)
        } else {
            None
        };
        let close = self.expect(TokenKind::RightBracket, format_args!("to close the vector type"))?;
        let span = join(open, close);
        Ok(match length {
            Some(length) => TypeExpr::Array {
                element,
                length,
                span,
            },
            None => TypeExpr::Vector { element, span },
        })
    }

    /// An optional `( key, key: value, ... )` list.
    fn metadata(&mut self) -> Parse<Vec<Attribute>> {
        let mut attributes = Vec::new();
        if !self.eat(TokenKind::LeftParen) {
            return Ok(attributes);
        }
        loop {
            let key = match self.kind() {
                TokenKind::Identifier | TokenKind::String => self.current().span,
                _ => return Err(self.expected(format_args!("an attribute name"))),
            };
            self.bump();
            let value = if self.eat(TokenKind::Colon) {
                Some(self.literal(format_args!("an attribute value"))?)
            } else {
                None
            };
            attributes.push(Attribute { key, value });
            if self.eat(TokenKind::RightParen) {
                return Ok(attributes);
            }
            self.expect(TokenKind::Comma, format_args!("or `)` after the attribute"))?;
        }
    }

    fn enumeration(&mut self, is_union: bool, docs: Vec<Span>) -> Parse<Enum> {
        let what = if is_union { "union" } else { "enum" };
        let name = self.identifier(format_args!("the {what} name"))?;
        let underlying = if is_union {
            None
        } else {
            self.expect(
                TokenKind::Colon,
                format_args!(
                    "and the underlying integer type after the enum name (as in `enum Color : ubyte`)"
                ),
            )?;
            Some(self.qualified_ident(format_args!("the underlying integer type"))?)
        };
        let metadata = self.metadata()?;
        self.expect(TokenKind::LeftBrace, format_args!("to open the {what} body"))?;
        let mut values = Vec::new();
        while self.body_continues(what)? {
            match self.enum_value(is_union) {
                Ok(value) => {
                    values.push(value);
                    if self.kind() != TokenKind::RightBrace
                        && self
                            .expect(TokenKind::Comma, format_args!("or `}}` after the {what} value"))
                            .is_err()
                    {
                        self.recover_member(true);
                    }
                }
                Err(Recover) => self.recover_member(true),
            }
        }
        Ok(Enum {
            is_union,
            name,
            underlying,
            metadata,
            values,
            docs,
        })
    }

    fn enum_value(&mut self, is_union: bool) -> Parse<EnumValue> {
        let docs = self.docs();
        let (name, ty) = if is_union {
            let first = self.qualified_ident(format_args!("a union member type"))?;
            if self.eat(TokenKind::Colon) {
                if first.parts.len() > 1 {
                    self.error(first.span, "a union member alias must be a plain identifier");
                }
                (
                    first.span,
                    Some(self.qualified_ident(format_args!("the union member type"))?),
                )
            } else {
                (first.span, Some(first))
            }
        } else {
            (self.identifier(format_args!("an enum value name"))?, None)
        };
        let value = if self.eat(TokenKind::Equals) {
            Some(self.literal(format_args!("an integer value"))?)
        } else {
            None
        };
        Ok(EnumValue {
            name,
            ty,
            value,
            docs,
        })
    }

    fn service(&mut self, docs: Vec<Span>) -> Parse<Service> {
        let name = self.identifier(format_args!("the rpc_service name"))?;
        let metadata = self.metadata()?;
        self.expect(TokenKind::LeftBrace, format_args!("to open the rpc_service body"))?;
        if self.kind() == TokenKind::RightBrace {
            self.error(self.current().span, "an rpc_service needs at least one method");
        }
        let mut calls = Vec::new();
        while self.body_continues("rpc_service")? {
            match self.call() {
                Ok(call) => calls.push(call),
                Err(Recover) => self.recover_member(false),
            }
        }
        Ok(Service {
            name,
            metadata,
            calls,
            docs,
        })
    }

    fn call(&mut self) -> Parse<Call> {
        let docs = self.docs();
        let name = self.identifier(format_args!("a method name"))?;
        self.expect(TokenKind::LeftParen, format_args!("after the method name"))?;
        let request = self.qualified_ident(format_args!("the request table"))?;
        self.expect(TokenKind::RightParen, format_args!("after the request table"))?;
        self.expect(TokenKind::Colon, format_args!("before the response table"))?;
        let response = self.qualified_ident(format_args!("the response table"))?;
        let metadata = self.metadata()?;
        self.expect(TokenKind::Semicolon, format_args!("after the method"))?;
        Ok(Call {
            name,
            request,
            response,
            metadata,
            docs,
        })
    }

    fn qualified_ident(&mut self, what: fmt::Arguments<'_>) -> Parse<QualifiedIdent> {
        let first = self.identifier(what)?;
        let mut parts = vec![first];
        while self.eat(TokenKind::Dot) {
            parts.push(self.identifier(format_args!("an identifier after `.`"))?);
        }
        let span = join(first, parts.last().copied().unwrap_or(first));
        Ok(QualifiedIdent { parts, span })
    }

    fn literal(&mut self, what: fmt::Arguments<'_>) -> Parse<Literal> {
        let token = self.current();
        let kind = match token.kind {
            TokenKind::Integer => LiteralKind::Integer,
            TokenKind::Float => LiteralKind::Float,
            TokenKind::String => LiteralKind::String,
            TokenKind::Identifier => LiteralKind::Identifier,
            _ => return Err(self.expected(what)),
        };
        self.bump();
        Ok(Literal {
            kind,
            span: token.span,
        })
    }

    fn identifier(&mut self, what: fmt::Arguments<'_>) -> Parse<Span> {
        self.expect(TokenKind::Identifier, format_args!("({what})"))
    }

    // --- Tokens ---------------------------------------------------------------

    fn current(&self) -> Token {
        self.tokens
            .get(self.position)
            .or(self.tokens.last())
            .copied()
            .unwrap_or(Token {
                kind: TokenKind::EndOfFile,
                span: Span::new(FileId(0), 0, 0),
            })
    }

    fn kind(&self) -> TokenKind {
        self.current().kind
    }

    fn text(&self, span: Span) -> &'a str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    fn bump(&mut self) {
        if self.kind() != TokenKind::EndOfFile {
            let span = self.current().span;
            self.previous_end = Some(Span {
                start: span.end,
                ..span
            });
            self.position += 1;
            self.skip_doc_comments();
        }
    }

    fn skip_doc_comments(&mut self) {
        while self
            .tokens
            .get(self.position)
            .is_some_and(|token| token.kind == TokenKind::DocComment)
        {
            self.position += 1;
        }
    }

    /// The doc comments right before the current token.
    fn docs(&self) -> Vec<Span> {
        let before = self.tokens.get(..self.position).unwrap_or(&[]);
        let count = before
            .iter()
            .rev()
            .take_while(|token| token.kind == TokenKind::DocComment)
            .count();
        before[before.len() - count..]
            .iter()
            .map(|token| token.span)
            .collect()
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        let found = self.kind() == kind;
        if found {
            self.bump();
        }
        found
    }

    /// Consumes a token of that kind or reports "expected <kind> <context>".
    fn expect(&mut self, kind: TokenKind, context: fmt::Arguments<'_>) -> Parse<Span> {
        let token = self.current();
        if token.kind != kind {
            return Err(self.expected(format_args!("{} {context}", kind.describe())));
        }
        self.bump();
        Ok(token.span)
    }

    /// Reports "expected X, found Y" at the current token, or right after the previous
    /// token when the current one is on a later line (a missing `;` is missing there).
    fn expected(&mut self, expected: fmt::Arguments<'_>) -> Recover {
        let token = self.current();
        let found = match token.kind {
            TokenKind::EndOfFile => "end of file".to_owned(),
            TokenKind::String => "a string".to_owned(),
            _ => format!("`{}`", self.text(token.span)),
        };
        let span = match self.previous_end {
            Some(previous)
                if self
                    .text(Span {
                        end: token.span.start,
                        ..previous
                    })
                    .contains('\n') =>
            {
                previous
            }
            _ => token.span,
        };
        self.error(span, format!("expected {expected}, found {found}"));
        Recover
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.error(span, message);
    }

    /// A declaration keyword followed by a name or string: where a declaration starts.
    /// (A field or value named like a keyword is followed by `:`, `=`, `,` or `}`.)
    fn at_declaration_start(&self) -> bool {
        self.keyword().is_some()
            && self.tokens.get(self.position + 1).is_some_and(|next| {
                matches!(
                    next.kind,
                    TokenKind::Identifier | TokenKind::String | TokenKind::Semicolon
                )
            })
    }

    // --- Error recovery ---------------------------------------------------------

    /// After a failed declaration: skips to the end of the statement or body.
    fn recover_declaration(&mut self, start: usize) {
        if self.position == start {
            self.bump();
        }
        let mut depth = 0usize;
        loop {
            match self.kind() {
                TokenKind::EndOfFile => return,
                TokenKind::LeftBrace => depth += 1,
                TokenKind::RightBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.bump();
                        return;
                    }
                }
                TokenKind::Semicolon if depth == 0 => {
                    self.bump();
                    return;
                }
                _ if self.at_declaration_start() => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// After a failed field, value or method: skips past its `;` (or `,` in an enum),
    /// stopping before the body's `}` or the next declaration.
    fn recover_member(&mut self, in_enum: bool) {
        loop {
            match self.kind() {
                TokenKind::EndOfFile | TokenKind::RightBrace => return,
                TokenKind::Semicolon => {
                    self.bump();
                    return;
                }
                TokenKind::Comma if in_enum => {
                    self.bump();
                    return;
                }
                _ if self.at_declaration_start() => return,
                _ => self.bump(),
            }
        }
    }
}

fn join(first: Span, last: Span) -> Span {
    Span {
        file: first.file,
        start: first.start,
        end: last.end.max(first.start),
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::fbs::lexer::lex;

    /// Parses `text` and renders the tree in a compact form, then every diagnostic.
    fn check(text: &str, expected: &str) {
        let mut diagnostics = Diagnostics::default();
        let tokens = lex(text, FileId(0), &mut diagnostics);
        let file = parse(&tokens, text, FileId(0), &mut diagnostics);
        let show = |span: &Span| &text[span.start as usize..span.end as usize];
        let ident = |ident: &QualifiedIdent| show(&ident.span).to_owned();
        let metadata = |attributes: &[Attribute]| {
            let shown: Vec<String> = attributes
                .iter()
                .map(|attribute| match attribute.value {
                    Some(value) => format!("{}:{}", show(&attribute.key), show(&value.span)),
                    None => show(&attribute.key).to_owned(),
                })
                .collect();
            if shown.is_empty() {
                String::new()
            } else {
                format!("({})", shown.join(","))
            }
        };
        let docs = |docs: &[Span]| {
            docs.iter()
                .map(|doc| format!("#{}", show(doc)))
                .collect::<String>()
        };
        let mut out = String::new();
        for include in &file.includes {
            let _ = writeln!(out, "include {}", show(include));
        }
        for declaration in &file.declarations {
            let _ = match declaration {
                Declaration::Namespace(parts) => {
                    writeln!(
                        out,
                        "namespace {}",
                        parts.iter().map(show).collect::<Vec<_>>().join(".")
                    )
                }
                Declaration::Attribute(name) => writeln!(out, "attribute {}", show(name)),
                Declaration::RootType(name) => writeln!(out, "root_type {}", ident(name)),
                Declaration::FileIdentifier(span) => writeln!(out, "file_identifier {}", show(span)),
                Declaration::FileExtension(span) => writeln!(out, "file_extension {}", show(span)),
                Declaration::Object(object) => {
                    let fields: Vec<String> = object
                        .fields
                        .iter()
                        .map(|field| {
                            let default = field.default.map(|value| format!("={}", show(&value.span)));
                            format!(
                                "{}{}:{}{}{}",
                                docs(&field.docs),
                                show(&field.name),
                                show(&field.ty.span()),
                                default.unwrap_or_default(),
                                metadata(&field.metadata)
                            )
                        })
                        .collect();
                    let keyword = if object.is_struct { "struct" } else { "table" };
                    writeln!(
                        out,
                        "{}{keyword} {}{} {{{}}}",
                        docs(&object.docs),
                        show(&object.name),
                        metadata(&object.metadata),
                        fields.join(" ")
                    )
                }
                Declaration::Enum(enumeration) => {
                    let values: Vec<String> = enumeration
                        .values
                        .iter()
                        .map(|value| {
                            let ty = value.ty.as_ref().map(|ty| format!(":{}", ident(ty)));
                            let number = value.value.map(|number| format!("={}", show(&number.span)));
                            format!(
                                "{}{}{}{}",
                                docs(&value.docs),
                                show(&value.name),
                                ty.unwrap_or_default(),
                                number.unwrap_or_default()
                            )
                        })
                        .collect();
                    let underlying = enumeration
                        .underlying
                        .as_ref()
                        .map(|ty| format!(":{}", ident(ty)));
                    writeln!(
                        out,
                        "{}{} {}{}{} {{{}}}",
                        docs(&enumeration.docs),
                        if enumeration.is_union { "union" } else { "enum" },
                        show(&enumeration.name),
                        underlying.unwrap_or_default(),
                        metadata(&enumeration.metadata),
                        values.join(" ")
                    )
                }
                Declaration::Service(service) => {
                    let calls: Vec<String> = service
                        .calls
                        .iter()
                        .map(|call| {
                            format!(
                                "{}{}({}):{}{}",
                                docs(&call.docs),
                                show(&call.name),
                                ident(&call.request),
                                ident(&call.response),
                                metadata(&call.metadata)
                            )
                        })
                        .collect();
                    writeln!(
                        out,
                        "{}rpc_service {}{} {{{}}}",
                        docs(&service.docs),
                        show(&service.name),
                        metadata(&service.metadata),
                        calls.join(" ")
                    )
                }
            };
        }
        for diagnostic in diagnostics.iter() {
            let span = diagnostic.span.map(|span| (span.start, span.end));
            let _ = writeln!(out, "error {span:?}: {}", diagnostic.message);
        }
        assert_eq!(out, expected);
    }

    #[test]
    fn every_declaration_kind() {
        check(
            r#"include "a.fbs"; native_include "b.h";
namespace x.y;
attribute "a"; attribute b;
/// T
table T (a: 1, "b") {
  /// f
  f: [ubyte] = 0 (a: "v");
}
struct S { x: [int:2]; }
enum E : ubyte (bit_flags) { A, B = 3, }
union U { A, Alias: x.A = 4 }
/// S
rpc_service Svc (a: "i") {
  /// m
  m(x.Req): Resp (b);
}
root_type x.y.T;
file_identifier "ABCD";
file_extension "ext";
namespace;
"#,
            concat!(
                "include \"a.fbs\"\n",
                "namespace x.y\n",
                "attribute \"a\"\n",
                "attribute b\n",
                "# Ttable T(a:1,\"b\") {# ff:[ubyte]=0(a:\"v\")}\n",
                "struct S {x:[int:2]}\n",
                "enum E:ubyte(bit_flags) {A B=3}\n",
                "union U {A:A Alias:x.A=4}\n",
                "# Srpc_service Svc(a:\"i\") {# mm(x.Req):Resp(b)}\n",
                "root_type x.y.T\n",
                "file_identifier \"ABCD\"\n",
                "file_extension \"ext\"\n",
                "namespace \n",
            ),
        );
    }

    #[test]
    fn keywords_are_contextual() {
        check(
            "table table { table: int; enum: string; namespace: [include]; }\nenum union : int { struct }",
            "table table {table:int enum:string namespace:[include]}\nenum union:int {struct}\n",
        );
    }

    #[test]
    fn errors_are_all_reported_and_parsing_resumes() {
        check(
            "table A { a int; b: int }\nstruct B { c: [[int]]; d: int; }\nenum C { X }\ntable D {}\n",
            concat!(
                "table A {}\n",
                "struct B {d:int}\n",
                "table D {}\n",
                "error Some((12, 15)): expected `:` after the field name, found `int`\n",
                "error Some((24, 25)): expected `;` after the field, found `}`\n",
                "error Some((41, 42)): nested vector types are not supported (wrap the inner vector in a table)\n",
                "error Some((66, 67)): expected `:` and the underlying integer type after the enum name \
                 (as in `enum Color : ubyte`), found `{`\n",
            ),
        );
    }

    #[test]
    fn a_missing_brace_ends_the_body_at_the_next_declaration() {
        check(
            "table A {\n  a: int;\n\ntable B { b: int; }\n",
            concat!(
                "table B {b:int}\n",
                "error Some((19, 19)): expected `}` to close the table, found `table`\n",
            ),
        );
    }

    #[test]
    fn an_empty_service_is_an_error() {
        check(
            "rpc_service S {}",
            "rpc_service S {}\nerror Some((15, 16)): an rpc_service needs at least one method\n",
        );
    }
}
