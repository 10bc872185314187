//! Finds the line that leaks in a small program, the way one uses Python's
//! tracemalloc: trace the whole program (`GlobalTracer` as the global
//! allocator), take a snapshot, run the suspect workload, take another, and
//! list the biggest differences by line.
//!
//! Run: `cargo run -p tracemalloc --example find_leak`

use std::collections::HashMap;

use tracemalloc::{GlobalTracer, KeyType, Tracemalloc, at_line, enter_frame};

#[global_allocator]
static GLOBAL: GlobalTracer = GlobalTracer::new(std::alloc::System, Tracemalloc::new());

/// A request handler with a cache that is never evicted: the leak.
struct Server {
    cache: HashMap<u64, Vec<u8>>,
}

impl Server {
    fn handle(&mut self, request: u64) -> usize {
        let _frame = enter_frame!();
        let body = at_line!(format!("response to request {request}").repeat(8)); // temporary
        at_line!(self.cache.insert(request, body.clone().into_bytes())); // the leak: never evicted
        let scratch: Vec<u64> = at_line!((0..64).collect()); // temporary
        body.len() + scratch.len()
    }
}

fn serve(server: &mut Server, requests: std::ops::Range<u64>) -> usize {
    let _frame = enter_frame!();
    at_line!(requests.map(|r| server.handle(r)).sum())
}

/// `linecache.getline` for the example: the source line, when the file can be read.
fn source_line(filename: &str, lineno: u32) -> Option<String> {
    let text = std::fs::read_to_string(filename).ok()?;
    text.lines()
        .nth((lineno as usize).checked_sub(1)?)
        .map(str::to_owned)
}

fn main() -> Result<(), tracemalloc::TraceError> {
    let tracer = GLOBAL.observer();
    tracer.start(5)?;
    let mut server = Server {
        cache: HashMap::new(),
    };

    serve(&mut server, 0..100);
    let before = tracer.take_snapshot()?;
    serve(&mut server, 100..5_000);
    let after = tracer.take_snapshot()?;

    println!("Top differences by line:");
    let diffs = after.compare_to(&before, KeyType::Lineno, false)?;
    for diff in diffs.iter().take(3) {
        println!("  {diff}");
    }
    let (current, peak) = tracer.traced_memory();
    println!("traced memory: current={current} B, peak={peak} B");

    let culprit = diffs
        .first()
        .and_then(|d| d.traceback.most_recent())
        .cloned();
    match culprit {
        Some(frame) => {
            println!("\nThe leak is at {frame}; it was reached through:");
            let stats = after.compare_to(&before, KeyType::Traceback, false)?;
            if let Some(top) = stats.first() {
                for line in top.traceback.format(None, true, source_line) {
                    println!("{line}");
                }
            }
        }
        None => println!("nothing grew"),
    }
    tracer.stop();
    Ok(())
}
