//! Lexer, parser and AST (being written).
