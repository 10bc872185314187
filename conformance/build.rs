//! Rebuild when the specs change, so `#[files("specs/*.py")]` in
//! `tests/matrix.rs` sees added and removed specs.

fn main() {
    println!("cargo::rerun-if-changed=specs");
}
