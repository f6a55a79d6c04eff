# Everyday recipes. `just --list` shows them.

# Run every test, with the fixture corpus when it is beside the checkout.
test:
    TFGATE_CORPUS=${TFGATE_CORPUS:-../shared/fixtures/plans} cargo test --workspace

# What CI runs.
ci:
    bash .ci/run

# Benchmarks: criterion for functions, whole-process timings on generated plans.
bench:
    cargo bench -p tfgate-plan --bench read
    benches/read-large.sh 5 10000 100000

fmt:
    cargo fmt --all

lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate the generated docs (CLI reference, policy catalog) and expected CLI outputs.
docs:
    UPDATE_EXPECT=1 cargo test -p tfgate --test docs

# Fuzz the plan reader (needs cargo-fuzz; stable works with RUSTC_BOOTSTRAP=1).
fuzz target="read_plan" seconds="600":
    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none {{target}} -- -max_total_time={{seconds}}
