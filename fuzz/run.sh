#!/bin/sh
# Runs one fuzz target for SECONDS of wall time (default 1800) at nice 19, restarting it
# after a crash so that the time is spent fuzzing; it reads fuzz/corpus/<target>/ (grown,
# ignored; unpacked from fuzz/corpora/<target>.tar.xz when empty) and fuzz/seeds/<target>/; each run's log (with libFuzzer's final
# stats) is kept in fuzz/logs/<target>.<n>.log, crashes in fuzz/artifacts/<target>/.
#
#     sh fuzz/run.sh TARGET MAX_LEN [SECONDS]
#     TIMEOUT=120 sh fuzz/run.sh TARGET MAX_LEN [SECONDS]
#
# TIMEOUT is libFuzzer's -timeout (seconds one input may take before it is a timeout
# artifact and the run stops), default 30; the sanitizer build at nice 19 is 30-50 times
# slower than a release build, so a slow, bounded input may need more.
#
# Build first: (cd fuzz && cargo +nightly fuzz build -O).
set -u
target=$1 max_len=$2 total=${3:-1800} timeout=${TIMEOUT:-30}
fuzz=$(cd "$(dirname "$0")" && pwd)
bin="$fuzz/target/x86_64-unknown-linux-gnu/release/$target"
mkdir -p "$fuzz/corpus/$target" "$fuzz/artifacts/$target" "$fuzz/logs"
# Start from the committed minimized corpus of the last campaign when there is none yet.
if [ -f "$fuzz/corpora/$target.tar.xz" ] && [ -z "$(ls -A "$fuzz/corpus/$target")" ]; then
    tar -xJf "$fuzz/corpora/$target.tar.xz" -C "$fuzz/corpus"
fi
start=$(date +%s) n=0
while :; do
    left=$((total - ($(date +%s) - start)))
    [ "$left" -gt 20 ] || break
    n=$((n + 1))
    nice -n 19 "$bin" "$fuzz/corpus/$target" "$fuzz/seeds/$target" \
        -max_total_time="$left" -max_len="$max_len" -rss_limit_mb=2048 -timeout="$timeout" \
        -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$target/" \
        > "$fuzz/logs/$target.$n.log" 2>&1
    echo "$target run $n exit $? after $(($(date +%s) - start)) s"
done
echo "$target done: $n runs, $(($(date +%s) - start)) s"
