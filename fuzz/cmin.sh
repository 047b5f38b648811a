#!/bin/sh
# Minimizes a target's corpus as `cargo fuzz cmin` does (libFuzzer -merge=1): the working
# corpus fuzz/corpus/<target>/ and the seeds fuzz/seeds/<target>/ merged into the fewest
# files that keep their coverage (files over 256 KB left out), written to
# fuzz/cmin/<target>/ and packed as the committed fuzz/corpora/<target>.tar.xz (the
# mutated XML and HTML pages are tens of MB as files, a few hundred KB packed).
#
#     sh fuzz/cmin.sh TARGET MAX_LEN
set -eu
target=$1 max_len=$2
fuzz=$(cd "$(dirname "$0")" && pwd)
bin="$fuzz/target/x86_64-unknown-linux-gnu/release/$target"
out="$fuzz/cmin/$target"
rm -rf "$out" && mkdir -p "$out" "$fuzz/logs" "$fuzz/corpora" "$fuzz/corpus/$target"
small="$fuzz/cmin/$target.in" && rm -rf "$small" && mkdir -p "$small"
find "$fuzz/corpus/$target" "$fuzz/seeds/$target" -type f -size -257k -exec cp {} "$small/" \;
nice -n 19 "$bin" -merge=1 -max_len="$max_len" -rss_limit_mb=2048 -timeout=60 \
    "$out" "$small" > "$fuzz/logs/$target.cmin.log" 2>&1
rm -rf "$small"
tar -cf - -C "$fuzz/cmin" "$target" | nice -n 19 xz -6 -T1 > "$fuzz/corpora/$target.tar.xz"
echo "$target: $(ls "$out" | wc -l) files, $(du -sh "$out" | cut -f1), packed $(du -h "$fuzz/corpora/$target.tar.xz" | cut -f1)"
