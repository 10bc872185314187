//! The thread-local frame stack the tracer reads tracebacks from.
//!
//! CPython's tracemalloc walks the interpreter's frames at each allocation
//! (`traceback_get_frames`). PyMM's tracer reads this stack instead: the
//! Python runtime pushes a frame when a function starts running, updates
//! its line as execution moves ([`set_lineno`]) and pops it on return; a
//! Rust program does the same with [`enter`] (or [`enter_frame!`]) and
//! [`at_line!`].
//!
//! The stack is per thread and const-initialized: reading it from inside
//! an allocator never allocates. While it is being changed, allocations on
//! the same thread are not traced (the stack's own memory belongs to the
//! tracer, like CPython's tracemalloc tables).
//!
//! [`enter_frame!`]: crate::enter_frame
//! [`at_line!`]: crate::at_line

use core::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::frame::{Filename, Frame};
use crate::reentrancy::TracerGuard;

/// One frame on the stack with the hash of its file name (computed once
/// at push, so interning a traceback hashes numbers, not strings).
pub(crate) struct StackEntry {
    pub(crate) frame: Frame,
    pub(crate) name_hash: u64,
}

struct ThreadStack {
    entries: Vec<StackEntry>,
    /// Changes on every push and pop (not on line updates).
    version: u64,
    /// This thread's stack identity (0 until first used).
    id: u64,
}

/// What identifies the stack's content without reading it: the thread's
/// stack id, the push/pop version, and the top frame's line. Two equal keys
/// mean the same frames (the top frame's file cannot change without a
/// push or pop), so the tracer caches interned tracebacks by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct StackKey {
    pub(crate) id: u64,
    pub(crate) version: u64,
    /// A `u32` line number, kept in a whole word: `set_lineno` stores it
    /// and the tracer loads the key right after, and word-sized stores and
    /// loads let the store forward to the load (a 4-byte store read back
    /// by an 8-byte load stalls).
    pub(crate) lineno: u64,
}

static NEXT_STACK_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static STACK: RefCell<ThreadStack> = const {
        RefCell::new(ThreadStack { entries: Vec::new(), version: 0, id: 0 })
    };
    /// Set once `STACK` has been used on this thread. Readers inside the
    /// allocator check it first, so they never trigger the registration of
    /// `STACK`'s destructor (which may itself allocate).
    static STACK_READY: Cell<bool> = const { Cell::new(false) };
    /// The current [`StackKey`], readable without touching `STACK`.
    static STACK_KEY: Cell<StackKey> = const { Cell::new(StackKey { id: 0, version: 0, lineno: 0 }) };
}

/// The current thread's [`StackKey`] (`None` while the thread exits).
#[inline]
pub(crate) fn stack_key() -> Option<StackKey> {
    STACK_KEY.try_with(Cell::get).ok()
}

/// What the tracer sees of the current thread's stack.
pub(crate) struct StackView<'a> {
    /// Oldest first.
    pub(crate) entries: &'a [StackEntry],
}

/// Runs `f` on the current thread's stack; `None` while the stack is being
/// changed or the thread is exiting. A thread that never pushed a frame
/// shows an empty stack.
pub(crate) fn with_stack<R>(f: impl FnOnce(StackView<'_>) -> R) -> Option<R> {
    let ready = STACK_READY.try_with(Cell::get).ok()?;
    if !ready {
        return Some(f(StackView { entries: &[] }));
    }
    STACK
        .try_with(|s| {
            let s = s.try_borrow().ok()?;
            Some(f(StackView {
                entries: &s.entries,
            }))
        })
        .ok()
        .flatten()
}

/// Changes the stack (`push_pop`: the frames, not only a line) and
/// publishes the new [`StackKey`].
fn mutate<R>(push_pop: bool, f: impl FnOnce(&mut ThreadStack) -> R) -> Option<R> {
    let _guard = TracerGuard::enter();
    let r = STACK
        .try_with(|s| {
            let mut s = s.try_borrow_mut().ok()?;
            if s.id == 0 {
                s.id = NEXT_STACK_ID.fetch_add(1, Ordering::Relaxed);
            }
            if push_pop {
                s.version = s.version.wrapping_add(1);
            }
            let r = f(&mut s);
            let key = StackKey {
                id: s.id,
                version: s.version,
                lineno: s.entries.last().map_or(0, |e| u64::from(e.frame.lineno)),
            };
            let _ = STACK_KEY.try_with(|k| k.set(key));
            Some(r)
        })
        .ok()
        .flatten();
    let _ = STACK_READY.try_with(|r| r.set(true));
    r
}

/// Pushes `frame` as the most recent frame of this thread.
pub fn push_frame(frame: Frame) {
    let name_hash = hash_str(&frame.filename);
    mutate(true, |s| s.entries.push(StackEntry { frame, name_hash }));
}

/// Pops the most recent frame of this thread.
pub fn pop_frame() -> Option<Frame> {
    mutate(true, |s| s.entries.pop().map(|e| e.frame)).flatten()
}

/// Sets the line of the most recent frame (no-op with an empty stack).
///
/// This is the call an interpreter makes on every new line, so it is kept
/// to a few instructions: nothing happens when the line is unchanged, and
/// it never allocates (so it needs no re-entrancy guard).
#[inline]
pub fn set_lineno(lineno: u32) {
    let Ok(Some(key)) = STACK_KEY.try_with(|k| {
        let key = k.get();
        (key.lineno != u64::from(lineno)).then_some(key)
    }) else {
        return;
    };
    let _ = STACK.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut()
            && let Some(top) = s.entries.last_mut()
        {
            top.frame.lineno = lineno;
            let _ = STACK_KEY.try_with(|k| {
                k.set(StackKey {
                    lineno: u64::from(lineno),
                    ..key
                })
            });
        }
    });
}

/// How many frames this thread has pushed and not popped.
pub fn depth() -> usize {
    with_stack(|v| v.entries.len()).unwrap_or(0)
}

/// This thread's frames, most recent first (what CPython's
/// `traceback_get_frames` would collect), at most `limit` of them.
pub fn current_frames(limit: usize) -> Vec<Frame> {
    with_stack(|v| {
        v.entries
            .iter()
            .rev()
            .take(limit)
            .map(|e| e.frame.clone())
            .collect()
    })
    .unwrap_or_default()
}

/// Pops its frame when dropped: a scope is a frame.
#[derive(Debug)]
#[must_use = "the frame is popped when the guard is dropped"]
pub struct FrameGuard {
    _private: (),
}

impl Drop for FrameGuard {
    fn drop(&mut self) {
        pop_frame();
    }
}

/// Pushes `frame` and returns a guard that pops it.
pub fn enter(frame: Frame) -> FrameGuard {
    push_frame(frame);
    FrameGuard { _private: () }
}

/// Pushes a frame for `file:line` and returns a guard that pops it.
pub fn enter_at(filename: impl Into<Filename>, lineno: u32) -> FrameGuard {
    enter(Frame::new(filename, lineno))
}

/// A small fast string hash (FNV-1a over 8-byte words, then a final mix);
/// deterministic, so interned traceback lookups are reproducible.
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ s.len() as u64;
    let bytes = s.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = mix(h ^ u64::from_le_bytes(word));
    }
    let mut tail = [0u8; 8];
    let rest = chunks.remainder();
    if let Some(t) = tail.get_mut(..rest.len()) {
        t.copy_from_slice(rest);
    }
    mix(h ^ u64::from_le_bytes(tail))
}

/// A 64-bit mixing step (folded 128-bit multiply).
#[inline]
pub(crate) fn mix(x: u64) -> u64 {
    let full = u128::from(x) * 0x9E37_79B9_7F4A_7C15u128;
    (full as u64) ^ ((full >> 64) as u64)
}

/// Pushes a frame for the current file and line (`file!()`, `line!()`)
/// and evaluates to a [`FrameGuard`](crate::frame_stack::FrameGuard) that
/// pops it: `let _frame = tracemalloc::enter_frame!();`.
#[macro_export]
macro_rules! enter_frame {
    () => {
        $crate::frame_stack::enter_at(::core::file!(), ::core::line!())
    };
}

/// Moves the current frame to this line (`line!()`): `at_line!();`, or
/// `at_line!(expression)` to mark the line of the expression and evaluate it.
#[macro_export]
macro_rules! at_line {
    () => {
        $crate::frame_stack::set_lineno(::core::line!())
    };
    ($e:expr) => {{
        $crate::frame_stack::set_lineno(::core::line!());
        $e
    }};
}
