//! String literals: prefixes, escapes, implicit concatenation, bytes,
//! and f-strings (CPython 3.11's `fstring_find_literal`/`fstring_find_expr`).

use super::*;

impl Parser<'_> {
    /// Adjacent string tokens concatenated (CPython's `_PyPegen_concatenate_strings`).
    pub(super) fn strings(&mut self) -> PResult<Expr> {
        let start = self.tok().start;
        let mut parts: Vec<FStringPart> = Vec::new();
        let mut bytes: Option<Vec<u8>> = None;
        let mut any_f = false;
        let mut any_str = false;
        while self.peek() == Tok::String {
            let t = self.bump();
            let text = self.text(t);
            let qpos = text.find(['\'', '"']).unwrap_or(0);
            let prefix = text.get(..qpos).unwrap_or("").to_ascii_lowercase();
            let is_bytes = prefix.contains('b');
            let raw = prefix.contains('r');
            let is_f = prefix.contains('f');
            let q = text.as_bytes().get(qpos).copied().unwrap_or(b'\'');
            let triple = text.len() >= qpos + 6
                && text.as_bytes().get(qpos + 1) == Some(&q)
                && text.as_bytes().get(qpos + 2) == Some(&q);
            let ql = if triple { 3 } else { 1 };
            let body_start = qpos + ql;
            let body_end = text.len().saturating_sub(ql).max(body_start);
            let body = text.get(body_start..body_end).unwrap_or("");
            let body_off = t.start + body_start as u32;
            if is_bytes {
                if any_str || any_f {
                    return Err(self.mix_error(t));
                }
                if !body.is_ascii() {
                    return Err(self.syntax_at(
                        "bytes can only contain ASCII literal characters",
                        Span::new(t.start, t.end),
                    ));
                }
                let decoded = if raw {
                    body.as_bytes().to_vec()
                } else {
                    self.decode_bytes(body, body_off)?
                };
                bytes
                    .get_or_insert_with(Vec::new)
                    .extend_from_slice(&decoded);
            } else {
                if bytes.is_some() {
                    return Err(self.mix_error(t));
                }
                any_str = true;
                if is_f {
                    any_f = true;
                    self.fstring_tok_end = t.end;
                    self.fstring(body, body_off, raw, &mut parts)?;
                } else {
                    let s = if raw {
                        body.to_owned()
                    } else {
                        self.decode_str(body, body_off)?
                    };
                    push_literal(&mut parts, s);
                }
            }
        }
        let span = self.span_from(start);
        if let Some(b) = bytes {
            return Ok(Expr::new(ExprKind::Constant(Literal::Bytes(b)), span));
        }
        if any_f {
            return Ok(Expr::new(ExprKind::JoinedStr(parts), span));
        }
        let s = match parts.pop() {
            Some(FStringPart::Literal(s)) => s,
            _ => String::new(),
        };
        Ok(Expr::new(ExprKind::Constant(Literal::Str(s)), span))
    }

    pub(super) fn mix_error(&self, t: Token) -> SyntaxError {
        let e = t.end;
        self.error(
            SyntaxErrorKind::SyntaxError,
            "cannot mix bytes and nonbytes literals",
            e,
            Some(e),
        )
    }

    pub(super) fn escape_error(&self, msg: &str, off: u32) -> SyntaxError {
        self.error(
            SyntaxErrorKind::SyntaxError,
            format!("(unicode error) {msg}"),
            off,
            None,
        )
    }

    /// Decode the escapes of a non-raw str literal body.
    pub(super) fn decode_str(&self, body: &str, off: u32) -> PResult<String> {
        if !body.contains('\\') {
            return Ok(body.to_owned());
        }
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else {
                out.push('\\');
                break;
            };
            let hex = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                       n: usize,
                       what: &str|
             -> PResult<u32> {
                let mut v = 0u32;
                for k in 0..n {
                    match chars.peek().and_then(|(_, c)| c.to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            chars.next();
                        }
                        None => {
                            return Err(self.escape_error(
                                &format!(
                                    "'unicodeescape' codec can't decode bytes in position {}-{}: truncated {what} escape",
                                    i,
                                    i + 1 + k
                                ),
                                off,
                            ));
                        }
                    }
                }
                Ok(v)
            };
            match e {
                '\n' => {}
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                'a' => out.push('\x07'),
                'b' => out.push('\x08'),
                'f' => out.push('\x0c'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'v' => out.push('\x0b'),
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|(_, c)| c.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                'x' => {
                    let v = hex(&mut chars, 2, "\\xXX")?;
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                'u' | 'U' => {
                    let v = if e == 'u' {
                        hex(&mut chars, 4, "\\uXXXX")?
                    } else {
                        hex(&mut chars, 8, "\\UXXXXXXXX")?
                    };
                    match char::from_u32(v) {
                        Some(c) => out.push(c),
                        None if (0xD800..0xE000).contains(&v) => {
                            return Err(self.syntax_at(
                                "lone surrogates in string literals are not supported by pymm",
                                Span::new(off, off),
                            ));
                        }
                        None => {
                            return Err(self.escape_error(
                                &format!(
                                    "'unicodeescape' codec can't decode bytes in position {}-{}: illegal Unicode character",
                                    i,
                                    i + 9
                                ),
                                off,
                            ));
                        }
                    }
                }
                'N' => {
                    return Err(self.syntax_at(
                        "\\N{...} escapes are not supported by pymm",
                        Span::new(off + i as u32, off + i as u32 + 2),
                    ));
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        Ok(out)
    }

    pub(super) fn decode_bytes(&self, body: &str, off: u32) -> PResult<Vec<u8>> {
        let b = body.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c != b'\\' {
                out.push(c);
                i += 1;
                continue;
            }
            let Some(&e) = b.get(i + 1) else {
                out.push(b'\\');
                break;
            };
            i += 2;
            match e {
                b'\n' => {}
                b'\\' => out.push(b'\\'),
                b'\'' => out.push(b'\''),
                b'"' => out.push(b'"'),
                b'a' => out.push(7),
                b'b' => out.push(8),
                b'f' => out.push(12),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'v' => out.push(11),
                b'0'..=b'7' => {
                    let mut v = u32::from(e - b'0');
                    for _ in 0..2 {
                        match b.get(i) {
                            Some(&d @ b'0'..=b'7') => {
                                v = v * 8 + u32::from(d - b'0');
                                i += 1;
                            }
                            _ => break,
                        }
                    }
                    out.push((v & 0xff) as u8);
                }
                b'x' => {
                    let h = |x: Option<&u8>| x.and_then(|c| (*c as char).to_digit(16));
                    match (h(b.get(i)), h(b.get(i + 1))) {
                        (Some(a), Some(c)) => {
                            out.push((a * 16 + c) as u8);
                            i += 2;
                        }
                        _ => {
                            return Err(self.error(
                                SyntaxErrorKind::SyntaxError,
                                format!("(value error) invalid \\x escape at position {}", i - 2),
                                off,
                                None,
                            ));
                        }
                    }
                }
                other => {
                    out.push(b'\\');
                    out.push(other);
                }
            }
        }
        Ok(out)
    }

    /// Parse an f-string body (CPython 3.11's `fstring_find_literal` /
    /// `fstring_find_expr`) into `parts`.
    pub(super) fn fstring(
        &mut self,
        body: &str,
        off: u32,
        raw: bool,
        parts: &mut Vec<FStringPart>,
    ) -> PResult<()> {
        let b = body.as_bytes();
        let mut i = 0;
        let mut lit_start = 0;
        let mut lit = String::new();
        let flush = |this: &Self, lit: &mut String, from: usize, to: usize| -> PResult<()> {
            let chunk = body.get(from..to).unwrap_or("");
            let s = if raw {
                chunk.to_owned()
            } else {
                this.decode_str(chunk, off + from as u32)?
            };
            lit.push_str(&s);
            Ok(())
        };
        while i < b.len() {
            match b[i] {
                b'\\' if !raw => {
                    // keep escapes (including \N{...}) for decode_str
                    i += if b.get(i + 1) == Some(&b'N') && b.get(i + 2) == Some(&b'{') {
                        body.get(i..).and_then(|s| s.find('}')).map_or(2, |p| p + 1)
                    } else {
                        2
                    };
                }
                b'{' if b.get(i + 1) == Some(&b'{') => {
                    flush(self, &mut lit, lit_start, i + 1)?;
                    i += 2;
                    lit_start = i;
                }
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    flush(self, &mut lit, lit_start, i + 1)?;
                    i += 2;
                    lit_start = i;
                }
                b'}' => {
                    let p = self.fstring_tok_end;
                    return Err(self.error(
                        SyntaxErrorKind::SyntaxError,
                        "f-string: single '}' is not allowed",
                        p,
                        Some(p),
                    ));
                }
                b'{' => {
                    flush(self, &mut lit, lit_start, i)?;
                    let (end, field_parts) = self.fstring_field(body, off, i, raw)?;
                    if !lit.is_empty() {
                        push_literal(parts, std::mem::take(&mut lit));
                    }
                    for fp in field_parts {
                        match fp {
                            FStringPart::Literal(s) => push_literal(parts, s),
                            f => parts.push(f),
                        }
                    }
                    i = end;
                    lit_start = i;
                }
                _ => i += 1,
            }
        }
        flush(self, &mut lit, lit_start, b.len().min(i))?;
        if !lit.is_empty() {
            push_literal(parts, lit);
        }
        Ok(())
    }

    /// One `{...}` field starting at `body[open]`; returns the index after
    /// its `}` and the parts it produces (a `x=` literal, then the field).
    pub(super) fn fstring_field(
        &mut self,
        body: &str,
        off: u32,
        open: usize,
        raw: bool,
    ) -> PResult<(usize, Vec<FStringPart>)> {
        let b = body.as_bytes();
        let err = |this: &Self, msg: &str, _at: usize| {
            let p = this.fstring_tok_end;
            this.error(
                SyntaxErrorKind::SyntaxError,
                format!("f-string: {msg}"),
                p,
                Some(p),
            )
        };
        if self.fstring_depth >= 2 {
            return Err(err(self, "expressions nested too deeply", open + 1));
        }
        let expr_start = open + 1;
        let mut i = expr_start;
        let mut nest: Vec<u8> = Vec::new();
        let mut quote: Option<(u8, bool)> = None;
        // find the end of the expression
        while i < b.len() {
            let c = b[i];
            if let Some((q, triple)) = quote {
                if c == q {
                    if !triple {
                        quote = None;
                    } else if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                        quote = None;
                        i += 2;
                    }
                }
                i += 1;
                continue;
            }
            match c {
                b'\\' => {
                    return Err(err(
                        self,
                        "expression part cannot include a backslash",
                        i + 1,
                    ));
                }
                b'#' => return Err(err(self, "expression part cannot include '#'", i + 1)),
                b'\'' | b'"' => {
                    let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                    quote = Some((c, triple));
                    i += if triple { 3 } else { 1 };
                    continue;
                }
                b'(' | b'[' | b'{' => {
                    if nest.len() >= 200 {
                        return Err(err(self, "too many nested parenthesis", i + 1));
                    }
                    nest.push(c);
                }
                b')' | b']' | b'}' if !nest.is_empty() => {
                    nest.pop();
                }
                b'}' => break,
                b')' | b']' => {
                    return Err(err(self, &format!("unmatched '{}'", c as char), i + 1));
                }
                b'!' if nest.is_empty() && b.get(i + 1) != Some(&b'=') => break,
                b':' if nest.is_empty() => break,
                b'=' if nest.is_empty()
                    && b.get(i + 1) != Some(&b'=')
                    && !matches!(b.get(i.wrapping_sub(1)), Some(b'=' | b'!' | b'<' | b'>'))
                    && i > expr_start =>
                {
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        if quote.is_some() {
            return Err(err(self, "unterminated string", i + 1));
        }
        if i >= b.len() {
            return Err(err(self, "expecting '}'", i + 1));
        }
        let expr_text = body.get(expr_start..i).unwrap_or("");
        if expr_text.trim().is_empty() {
            return Err(err(self, "empty expression not allowed", i + 1));
        }
        let value = self.fstring_expr(expr_text, off + expr_start as u32)?;
        let mut out = Vec::new();
        let mut conversion = Conversion::None;
        let mut self_doc = false;
        if b.get(i) == Some(&b'=') {
            i += 1;
            while matches!(b.get(i), Some(b' ' | b'\t' | b'\n')) {
                i += 1;
            }
            out.push(FStringPart::Literal(
                body.get(expr_start..i).unwrap_or("").to_owned(),
            ));
            self_doc = true;
        }
        if b.get(i) == Some(&b'!') {
            conversion = match b.get(i + 1) {
                Some(b's') => Conversion::Str,
                Some(b'r') => Conversion::Repr,
                Some(b'a') => Conversion::Ascii,
                _ => {
                    return Err(err(
                        self,
                        "invalid conversion character: expected 's', 'r', or 'a'",
                        i + 2,
                    ));
                }
            };
            i += 2;
            if !matches!(b.get(i), Some(b':' | b'}')) {
                return Err(err(self, "expecting '}'", i + 1));
            }
        }
        let mut spec = None;
        if b.get(i) == Some(&b':') {
            i += 1;
            // the spec runs to the matching '}', with nested fields
            let spec_start = i;
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'{' => depth += 1,
                    b'}' if depth == 0 => break,
                    b'}' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if i >= b.len() {
                return Err(err(self, "expecting '}'", i + 1));
            }
            let spec_text = body.get(spec_start..i).unwrap_or("");
            let mut spec_parts = Vec::new();
            self.fstring_depth += 1;
            let r = self.fstring(spec_text, off + spec_start as u32, raw, &mut spec_parts);
            self.fstring_depth -= 1;
            r?;
            spec = Some(spec_parts);
        }
        if b.get(i) != Some(&b'}') {
            return Err(err(self, "expecting '}'", i + 1));
        }
        if self_doc && conversion == Conversion::None && spec.is_none() {
            conversion = Conversion::Repr;
        }
        out.push(FStringPart::Field(Box::new(FormattedValue {
            value,
            conversion,
            spec,
        })));
        Ok((i + 1, out))
    }

    /// Parse the expression of an f-string field: tokenized as `(text)`
    /// (so newlines are allowed, as CPython does), positions mapped back
    /// into the whole source.
    pub(super) fn fstring_expr(&mut self, text: &str, at: u32) -> PResult<Expr> {
        let wrapped = format!("({text})");
        let mut toks = tokenize(&wrapped, self.filename);
        let shift = |x: u32| (x + at).saturating_sub(1);
        for t in &mut toks.tokens {
            t.start = shift(t.start);
            t.end = shift(t.end);
        }
        if let Some(e) = toks.error.take() {
            let p = at;
            return Err(self.error(
                SyntaxErrorKind::SyntaxError,
                format!("f-string: {}", e.msg),
                p,
                Some(p),
            ));
        }
        toks.unclosed = None;
        let depth = self.depth;
        let mut sub = Parser::new(self.src, self.filename, &toks, self.interner, depth);
        sub.fstring_depth = self.fstring_depth;
        sub.enter()?;
        let e = match sub.paren() {
            Ok(e) => e,
            Err(mut e) => {
                if e.kind == SyntaxErrorKind::SyntaxError && !e.msg.starts_with("f-string") {
                    e.msg = format!("f-string: {}", e.msg);
                }
                return Err(e);
            }
        };
        if !matches!(sub.peek(), Tok::Newline | Tok::EndMarker) {
            let t = sub.tok();
            return Err(self.error(
                SyntaxErrorKind::SyntaxError,
                "f-string: invalid syntax",
                t.start,
                Some(t.end),
            ));
        }
        Ok(e)
    }
}
