#!/usr/bin/env python3
"""Seeds for the ingest_pdf fuzz target: huaian-2024.pdf rewritten with every stream
uncompressed and its embedded font programs emptied (they are never read), so mutations
reach the objects, the fonts' ToUnicode maps and the page content instead of zlib data;
plus the same file cut to its table pages, a small file of every construct, and the
encrypted test files. Writes fuzz/corpus/ingest_pdf/.

    python3 fuzz/pdf-seeds.py tests/fixtures/huaian-2024.pdf
"""
import os
import re
import sys
import zlib

src = open(sys.argv[1], "rb").read()
out_dir = os.path.join(os.path.dirname(__file__), "corpus", "ingest_pdf")
os.makedirs(out_dir, exist_ok=True)

objects = []
for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", src, re.S):
    num, body = int(m.group(1)), m.group(2)
    s = body.find(b"stream")
    if s >= 0 and b"/XRef" not in body[:s]:
        head = body[:s]
        data = body[s + 6:]
        data = data[data.find(b"\n") + 1:]
        data = data[: data.rfind(b"endstream")]
        if b"/FontFile" in src and (b"/Length1" in head or b"/Subtype /CIDFontType0C" in head):
            data = b""  # an embedded font program: never read
        elif b"/FlateDecode" in head:
            try:
                data = zlib.decompressobj().decompress(data)
            except zlib.error:
                pass
        head = re.sub(rb"/Filter\s*/FlateDecode", b"", head)
        head = re.sub(rb"/Length1? \d+", b"", head)
        head = head.rstrip()
        assert head.endswith(b">>"), head[-40:]
        head = head[:-2] + b"/Length %d>>" % len(data)
        body = b" " + head + b"\nstream\n" + data + b"\nendstream\n"
    elif s >= 0:
        continue  # the xref stream: the reader scans, it needs none
    objects.append((num, body))

def write(name, objs):
    out = bytearray(b"%PDF-1.7\n")
    for num, body in objs:
        out += b"%d 0 obj" % num + body + b"endobj\n"
    root = [n for n, b in objs if b"/Type /Catalog" in b]
    out += b"trailer\n<</Root %d 0 R>>\n%%%%EOF\n" % (root[0] if root else 1)
    open(os.path.join(out_dir, name), "wb").write(bytes(out))
    print(name, len(out), "bytes")

write("huaian-2024-plain.pdf", objects)

# The table page alone (表三), the same objects otherwise.
pages = [b for n, b in objects if b"/Type /Pages" in b][0]
kids = re.search(rb"/Kids \[([^\]]*)\]", pages).group(1).split(b" R")
third = kids[2].strip() + b" 0 R" if len(kids) > 2 else kids[0]
third = re.sub(rb"\s0 R$", b" R", third.strip())
cut = [
    (n, re.sub(rb"/Kids \[[^\]]*\]", b"/Kids [" + third + b"]", b)) if b"/Type /Pages" in b else (n, b)
    for n, b in objects
]
write("huaian-2024-page3.pdf", cut)

# A small file of every construct the reader handles: a simple font with Differences, a
# Type0 font with a ToUnicode map, TJ/Tj/'/" and the position operators, q/Q/cm, a form
# XObject, an object stream.
cmap = (b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange "
        b"2 beginbfchar <0001> <672C> <0002> <5E74> endbfchar "
        b"1 beginbfrange <0010> <0019> <0030> endbfrange endcmap")
content = (b"q 1 0 0 1 0 0 cm BT /F1 12 Tf 72 700 Td (2024 report) Tj 0 -20 TD "
           b"[(A) -250 (B)] TJ T* (line) ' 1 2 (x) \" ET Q "
           b"BT /F2 10.5 Tf 1 0 0 1 72 600 Tm <00010002> Tj 100 0 Td <0013 0010 0010 0011> Tj ET "
           b"/X1 Do")
form = b"BT /F1 9 Tf 72 100 Td (- 1 -) Tj ET"
objstm_objs = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding<</Differences[48/zero/one]>>>>"
objstm = b"9 0 " + objstm_objs
tiny = [
    (1, b" <</Type /Catalog /Pages 2 0 R>> "),
    (2, b" <</Type /Pages /Kids [3 0 R] /Count 1>> "),
    (3, b" <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources <</Font <</F1 9 0 R /F2 5 0 R>> /XObject <</X1 8 0 R>>>>>> "),
    (4, b" <</Length %d>>\nstream\n%s\nendstream\n" % (len(content), content)),
    (5, b" <</Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R>> "),
    (6, b" <</Type /Font /Subtype /CIDFontType2 /DW 1000 /W [16 [500 500] 18 25 500]>> "),
    (7, b" <</Length %d>>\nstream\n%s\nendstream\n" % (len(cmap), cmap)),
    (8, b" <</Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources <</Font <</F1 9 0 R>>>> "
        b"/Length %d>>\nstream\n%s\nendstream\n" % (len(form), form)),
    (10, b" <</Type /ObjStm /N 1 /First 4 /Length %d>>\nstream\n%s\nendstream\n" % (len(objstm), objstm)),
]
write("tiny.pdf", tiny)

# The encrypted test files: the four standard security handlers.
enc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "encrypted")
for name in sorted(os.listdir(enc)):
    if name.endswith(".pdf"):
        data = open(os.path.join(enc, name), "rb").read()
        open(os.path.join(out_dir, "encrypted-" + name), "wb").write(data)
        print("encrypted-" + name, len(data), "bytes")
