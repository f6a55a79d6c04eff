# Shared by the benches/scale-*.sh scripts (sourced, from the repository
# root): the release binary, a folder for generated data, and a median.
target=${CARGO_TARGET_DIR:-target}
data=$target/bench-data
mkdir -p "$data"
cargo build --release -q -p tfgate
bin=$target/release/tfgate
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
