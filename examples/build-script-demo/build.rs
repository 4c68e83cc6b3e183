fn main() {
    // Writes $OUT_DIR/pets.rs and reruns only when the spec changes.
    openapi_rustgen::Config::new()
        .spec_as("pets.yaml", "pets")
        .generate()
        .unwrap_or_else(|err| panic!("{err}"));
}
