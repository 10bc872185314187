//! The front end's second half: [`crate::syntax::ast`] → [`code::CodeObject`].
//!
//! - [`code`]: the bytecode the VM executes (instructions, code objects,
//!   constants, exception table) — the contract with the VM;
//! - [`symtable`]: compile-time scope resolution (local / global / free /
//!   cell), CPython's `symtable.c`;
//! - `optimize`: constant folding, CPython's `ast_opt.c`;
//! - `codegen`: AST → instructions, CPython's `compile.c`.
//!
//! [`compile_module`] is the entry point: bytes of a source file in, the
//! module's code object (with every nested code object in its constants)
//! or a [`SyntaxError`] out. It never panics and its recursion is bounded
//! by the parser's nesting limit.

pub mod code;
mod codegen;
mod optimize;
pub mod symtable;

use std::sync::Arc;

pub use code::{CodeObject, Constant, Instr};

use crate::syntax::ast::{Module, Stmt, StmtKind};
use crate::syntax::error::{SyntaxError, SyntaxErrorKind};

/// Compile the source of a module. CPython's `Py_CompileString` for
/// `exec` mode plus the tokenizer's decoding step: a UTF-8 BOM is
/// stripped, a PEP 263 coding cookie naming UTF-8, Latin-1 or ASCII is
/// honoured, `\r\n` and `\r` become `\n`.
///
/// ```
/// let code = runtime::compile::compile_module(b"x = 1\nprint(x)\n", "x.py").unwrap();
/// assert_eq!(&*code.name, "<module>");
/// let err = runtime::compile::compile_module(b"def f(:\n", "x.py").unwrap_err();
/// assert_eq!(err.to_string(), "  File \"x.py\", line 1\n    def f(:\n          ^\nSyntaxError: invalid syntax");
/// ```
pub fn compile_module(source: &[u8], filename: &str) -> Result<Arc<CodeObject>, SyntaxError> {
    let text = decode_source(source, filename)?;
    compile_str(&text, filename)
}

/// Compile the source of `eval` (CPython's `compile(src, filename,
/// 'eval')`): one expression list, whose value the code returns. Like
/// CPython's `compile`, leading indentation is an error; the `eval`
/// builtin strips leading spaces and tabs before compiling.
///
/// ```
/// let code = runtime::compile::compile_eval(b"x + 1", "<string>").unwrap();
/// assert_eq!(code.instrs.last(), Some(&runtime::compile::Instr::ReturnValue));
/// assert!(runtime::compile::compile_eval(b"x = 1", "<string>").is_err());
/// ```
pub fn compile_eval(source: &[u8], filename: &str) -> Result<Arc<CodeObject>, SyntaxError> {
    let text = decode_source(source, filename)?;
    run_on_compiler_thread(text, filename, Mode::Eval)
}

#[derive(Clone, Copy)]
enum Mode {
    Exec,
    Eval,
}

/// Stack reserved for the compiler thread. The parser, the symbol table
/// and the code generator recurse once per nesting level of the source
/// (bounded by [`crate::syntax::parser::MAX_NESTING`]); unoptimized builds
/// use tens of KiB per level, more than a test thread's 2 MiB stack holds,
/// so compilation runs on its own thread with this much (virtual) stack,
/// whatever thread calls it. The pages are only touched by deep input.
pub const COMPILER_STACK_SIZE: usize = 256 * 1024 * 1024;

/// Compile already-decoded source (newlines are normalized here too).
pub fn compile_str(source: &str, filename: &str) -> Result<Arc<CodeObject>, SyntaxError> {
    run_on_compiler_thread(source.to_owned(), filename, Mode::Exec)
}

fn run_on_compiler_thread(
    src: String,
    filename: &str,
    mode: Mode,
) -> Result<Arc<CodeObject>, SyntaxError> {
    let name = filename.to_owned();
    let bytes = src.len();
    let _span = tracing::debug_span!("compile", filename, bytes).entered();
    let worker = std::thread::Builder::new()
        .name("pymm-compile".into())
        .stack_size(COMPILER_STACK_SIZE)
        .spawn(move || compile_on_this_thread(&src, &name, mode));
    let result = match worker {
        Ok(handle) => handle.join().unwrap_or_else(|_| {
            Err(SyntaxError::without_position(
                SyntaxErrorKind::RecursionError,
                "internal compiler error",
                filename,
            ))
        }),
        Err(e) => Err(SyntaxError::without_position(
            SyntaxErrorKind::RecursionError,
            format!("cannot start the compiler thread: {e}"),
            filename,
        )),
    };
    match &result {
        Ok(code) => tracing::debug!(instructions = code.instrs.len(), "compiled"),
        Err(e) => tracing::debug!(error = %e.msg, line = e.line, "syntax error"),
    }
    result
}

/// [`compile_str`] without the dedicated thread: the caller's stack must
/// hold [`crate::syntax::parser::MAX_NESTING`] levels of recursion.
fn compile_on_this_thread(
    source: &str,
    filename: &str,
    mode: Mode,
) -> Result<Arc<CodeObject>, SyntaxError> {
    let normalized;
    let src = if source.contains('\r') {
        normalized = source.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        source
    };
    if let Some(p) = src.find('\0') {
        let line = src[..p].bytes().filter(|&b| b == b'\n').count() + 1;
        let start = src[..p].rfind('\n').map_or(0, |i| i + 1);
        let end = src[p..].find('\n').map_or(src.len(), |i| p + i);
        let text: String = src[start..end].chars().filter(|&c| c != '\0').collect();
        return Err(SyntaxError {
            kind: SyntaxErrorKind::SyntaxError,
            msg: "source code cannot contain null bytes".into(),
            filename: filename.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: 0,
            end_line: 0,
            end_col: 0,
            text: Some(text),
        });
    }
    match mode {
        Mode::Exec => {
            let (module, mut interner) = crate::syntax::parse_module(src, filename)?;
            let table = symtable::build(&module, &mut interner, src, filename)?;
            let mut compiler = codegen::Compiler::new(src, filename, &interner, &table);
            compiler.module(&module)
        }
        Mode::Eval => {
            let (expr, mut interner) = crate::syntax::parse_expression(src, filename)?;
            let module = Module {
                body: vec![Stmt {
                    span: expr.span,
                    kind: StmtKind::Expr(expr),
                }],
            };
            let table = symtable::build(&module, &mut interner, src, filename)?;
            let mut compiler = codegen::Compiler::new(src, filename, &interner, &table);
            match module.body.first().map(|s| &s.kind) {
                Some(StmtKind::Expr(e)) => compiler.eval(e),
                _ => Err(SyntaxError::without_position(
                    SyntaxErrorKind::SyntaxError,
                    "invalid syntax",
                    filename,
                )),
            }
        }
    }
}

/// The PEP 263 coding cookie of the first two lines, if any.
fn coding_cookie(source: &[u8]) -> Option<String> {
    for line in source.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
        if !trimmed.starts_with('#') {
            // a non-comment first line ends the search
            if !trimmed.trim().is_empty() {
                return None;
            }
            continue;
        }
        if let Some(p) = trimmed.find("coding") {
            let rest = &trimmed[p + 6..];
            if let Some(rest) = rest.strip_prefix([':', '=']) {
                let name: String = rest
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    return Some(name);
                }
            }
        }
    }
    None
}

/// Bytes → text as CPython's tokenizer decodes a source file.
fn decode_source(source: &[u8], filename: &str) -> Result<String, SyntaxError> {
    let bom = source.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &source[3..] } else { source };
    let no_position =
        |msg: String| SyntaxError::without_position(SyntaxErrorKind::SyntaxError, msg, filename);
    if let Some(enc) = coding_cookie(body) {
        let norm = enc.to_ascii_lowercase().replace('_', "-");
        match norm.as_str() {
            "utf-8" | "utf8" | "utf-8-sig" => {}
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "iso-latin-1" if !bom => {
                return Ok(body.iter().map(|&b| char::from(b)).collect());
            }
            "ascii" | "us-ascii" if !bom => {
                if let Some(p) = body.iter().position(|b| !b.is_ascii()) {
                    return Err(no_position(format!(
                        "(unicode error) 'ascii' codec can't decode byte 0x{:02x} in position {p}: ordinal not in range(128)",
                        body[p]
                    )));
                }
            }
            _ if bom => {
                return Err(no_position(format!("encoding problem: {enc} with BOM")));
            }
            _ => return Err(no_position(format!("encoding problem: {enc}"))),
        }
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let p = e.valid_up_to();
            let line = body[..p].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(no_position(format!(
                "Non-UTF-8 code starting with '\\x{:02x}' in file {filename} on line {line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details",
                body.get(p).copied().unwrap_or(0)
            )))
        }
    }
}
