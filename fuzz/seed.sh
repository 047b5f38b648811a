#!/bin/sh
# Writes the fuzz targets' seed corpora into fuzz/seeds/<target>/ from the repository's
# fixtures (tests/fixtures, examples), the canonical JSON of the real reports, the PDF
# seeds of fuzz/pdf-seeds.py and the generated layouts of tests/generate (through the
# ignored test `write_fuzz_seeds` in tests/fuzz_seeds.rs). Run from anywhere:
#
#     sh fuzz/seed.sh
#
# The seeds are committed; fuzz/corpus/<target>/ (ignored) is the working corpus a run
# grows. See fuzz/README.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seeds="$root/fuzz/seeds"
fx="$root/tests/fixtures"
nianbao="${NIANBAO:-$root/target/release/nianbao}"
[ -x "$nianbao" ] || (cd "$root" && cargo build --release --bin nianbao)
mkdir -p "$seeds"/ingest_text "$seeds"/ingest_json "$seeds"/ingest_docx "$seeds"/ingest_html \
    "$seeds"/ingest_pdf "$seeds"/rules

# Text: the real reports as text, and every extraction.
cp "$root/examples/minhe-2020.txt" "$root/examples/blank-columns-2021.txt" \
    "$fx/huaian-2024.txt" "$fx/huaian-2024.raw.txt" "$seeds/ingest_text/"
for f in "$fx"/extracted/*.txt; do cp "$f" "$seeds/ingest_text/"; done

# Canonical JSON: the real reports read, and the pair files; for the rules target the
# same reports (its input is a recipe of mutations applied to them, so any bytes do).
for f in "$root/examples/minhe-2020.txt" "$root/examples/blank-columns-2021.txt" \
    "$fx/huaian-2024.txt" "$fx/pingtan-2023.html" "$fx/template-2021.docx"; do
    name=$(basename "$f" | sed 's/\.[a-z]*$//')
    "$nianbao" normalize "$f" > "$seeds/ingest_json/$name.json" || true
done
for f in "$fx"/pairs/*.json; do cp "$f" "$seeds/ingest_json/pair-$(basename "$f")"; done

# Word: the template as it is, and its document.xml alone (the target packs non-ZIP input
# as word/document.xml).
cp "$fx/template-2021.docx" "$seeds/ingest_docx/"
python3 - "$fx/template-2021.docx" "$seeds/ingest_docx/template-2021.document.xml" <<'PY'
import sys, zipfile
open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("word/document.xml"))
PY

# HTML: the page.
cp "$fx/pingtan-2023.html" "$seeds/ingest_html/"

# PDF: fuzz/pdf-seeds.py writes fuzz/corpus/ingest_pdf/; keep its output as seeds, and the
# fixture as published.
python3 "$root/fuzz/pdf-seeds.py" "$fx/huaian-2024.pdf" > /dev/null
cp "$root"/fuzz/corpus/ingest_pdf/*.pdf "$seeds/ingest_pdf/"
cp "$fx/huaian-2024.pdf" "$seeds/ingest_pdf/"

# Rules: a few recipes (the target's bytes; see fuzz_targets/rules.rs).
printf '\000' > "$seeds/rules/empty"
head -c 64 "$root/examples/minhe-2020.txt" > "$seeds/rules/bytes-1"
head -c 256 "$fx/huaian-2024.txt" > "$seeds/rules/bytes-2"

# Generated layouts: every extractor kind of tests/generate, with and without damage.
(cd "$root" && FUZZ_SEEDS="$seeds/ingest_text" cargo test --release --test fuzz_seeds -- --ignored --quiet)
