//! `embed_migrations!` reads `migrations/` at compile time; without this, adding a
//! migration folder would not rebuild the crate and the new migration would be missing.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
