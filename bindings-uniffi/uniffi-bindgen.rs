//! The crate's own `uniffi-bindgen` (built from crates.io with `--features bindgen`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
