//! Running one script: building the components, the VM, and the teardown.

use crate::{Config, RunOutput};

/// Run a script (the VM lands in the next layer; until then every run
/// reports that the interpreter core is missing).
pub(crate) fn run(filename: &str, _source: &[u8], _config: &Config, _stats: bool) -> RunOutput {
    RunOutput {
        stdout: Vec::new(),
        stderr: format!("pymm: {filename}: the interpreter core is not built yet\n").into_bytes(),
        status: 1,
    }
}
