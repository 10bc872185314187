//! Printing an uncaught exception as CPython 3.11 does
//! (`PyErr_Display`): chained causes and contexts, `Traceback (most recent
//! call last):`, one `File "...", line N, in f` entry per frame with the
//! source line, repeated entries collapsed after three.

use crate::object::{Kind, ObjRef};

use super::Vm;

const RECURSIVE_CUTOFF: usize = 3;

impl Vm {
    /// Write `e`'s traceback and message to stderr.
    pub fn print_exception(&mut self, e: ObjRef) {
        let mut seen = Vec::new();
        self.print_chain(e, &mut seen);
    }

    fn print_chain(&mut self, e: ObjRef, seen: &mut Vec<ObjRef>) {
        seen.push(e);
        if seen.len() > 100 {
            return;
        }
        let (cause, context, suppress) = match self.exc_state(e) {
            Some(st) => (st.cause, st.context, st.suppress_context),
            None => (None, None, false),
        };
        if let Some(c) = cause {
            if !seen.contains(&c) {
                self.print_chain(c, seen);
                self.write_err(
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                );
            }
        } else if let Some(c) = context
            && !suppress
            && !seen.contains(&c)
        {
            self.print_chain(c, seen);
            self.write_err(
                "\nDuring handling of the above exception, another exception occurred:\n\n",
            );
        }
        self.print_one(e);
    }

    fn print_one(&mut self, e: ObjRef) {
        let tb = self
            .exc_state(e)
            .map(|s| s.traceback.clone())
            .unwrap_or_default();
        let mut out = String::new();
        if !tb.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            let mut last: Option<(std::sync::Arc<str>, u32, std::sync::Arc<str>)> = None;
            let mut count = 0usize;
            for entry in tb.iter().rev() {
                let key = (entry.filename.clone(), entry.line, entry.name.clone());
                if last.as_ref() == Some(&key) {
                    count += 1;
                } else {
                    if count > RECURSIVE_CUTOFF {
                        out.push_str(&repeated(count - RECURSIVE_CUTOFF));
                    }
                    last = Some(key);
                    count = 1;
                }
                if count > RECURSIVE_CUTOFF {
                    continue;
                }
                out.push_str(&format!(
                    "  File \"{}\", line {}, in {}\n",
                    entry.filename, entry.line, entry.name
                ));
                if let Some(src) = self.sources.get(&entry.filename)
                    && let Some(line) = src.lines().nth(entry.line.saturating_sub(1) as usize)
                {
                    let t = line.trim();
                    if !t.is_empty() {
                        out.push_str(&format!("    {t}\n"));
                    }
                }
            }
            if count > RECURSIVE_CUTOFF {
                out.push_str(&repeated(count - RECURSIVE_CUTOFF));
            }
        }
        let cls = self.type_of(e);
        let (module, qualname) = match self.class(cls) {
            Some(c) => (c.module.clone(), c.qualname.clone()),
            None => (String::new(), "?".into()),
        };
        let name = if module == "builtins" || module == "__main__" {
            qualname
        } else {
            format!("{module}.{qualname}")
        };
        let msg = match self.str_string(e) {
            Ok(m) => m,
            Err(err) => {
                self.drop_err(err);
                "<exception str() failed>".into()
            }
        };
        if msg.is_empty() {
            out.push_str(&format!("{name}\n"));
        } else {
            out.push_str(&format!("{name}: {msg}\n"));
        }
        self.write_err(&out);
    }

    /// Whether `e` is a `SystemExit`, and the exit status it asks for.
    pub fn system_exit_status(&mut self, e: ObjRef) -> Option<i32> {
        if !self.is_instance(e, self.t.system_exit) {
            return None;
        }
        let args = self.exc_state(e).and_then(|s| s.args);
        let first = args.and_then(|a| match self.kind(a) {
            Kind::Tuple(t) => t.first().copied(),
            _ => None,
        });
        let Some(code) = first else { return Some(0) };
        match self.kind(code) {
            Kind::None => Some(0),
            Kind::Int(i) => Some(*i as i32),
            Kind::Bool(b) => Some(i32::from(*b)),
            _ => {
                let s = self.str_string(code).unwrap_or_default();
                self.write_err(&format!("{s}\n"));
                Some(1)
            }
        }
    }
}

fn repeated(n: usize) -> String {
    format!(
        "  [Previous line repeated {n} more time{}]\n",
        if n == 1 { "" } else { "s" }
    )
}
