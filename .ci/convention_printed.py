"""Prints the demo's rural paths convention (annex A3) in headless Chromium, as a reader would.

Fetches the convention's document (HTML with print styles) from a running demo server, then has
Debian's Chromium print it to PDF from a local file with every network request refused; fails
unless the PDF is a real multi-page A4 document whose every page reads its number ("Page 2 / 3",
read back by pypdf). With a third argument, also writes a screenshot of the document (the
README's picture).

    python3 .ci/convention_printed.py SERVER_URL WORKDIR [SCREENSHOT.png]
"""

import io
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pypdf

server, workdir = sys.argv[1], Path(sys.argv[2]).resolve()
screenshot = sys.argv[3] if len(sys.argv) > 3 else None
api = f"{server}/v1/municipalities/loos-en-gohelle"


def get(url, accept="application/json"):
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


completed = json.loads(get(f"{api}/projects?status=completed"))["items"]
project = json.loads(get(f"{api}/projects/{completed[0]['id']}"))
convention = project["convention"]
html = get(f"{api}/conventions/{convention}/document", "text/html").decode()
for outside in ("http://", "https://", "<link", "<script", "url("):
    assert outside not in html, f"the document refers to {outside!r}: it must print without the network"
workdir.mkdir(parents=True, exist_ok=True)
page = workdir / "convention.html"
page.write_text(html, encoding="utf-8")
pdf = workdir / "convention.pdf"
chromium = [
    "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
    # Nothing may come from the network: any request goes to a closed port.
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]
subprocess.run(chromium + ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
               check=True, capture_output=True, timeout=120)
data = pdf.read_bytes()
assert data.startswith(b"%PDF-"), "not a PDF"
pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
assert boxes, "no page size in the PDF"
width, height = (float(v) for v in boxes[0])
assert abs(width - 595.9) < 2 and abs(height - 842.9) < 2, f"not A4: {width} x {height} points"
assert 2 <= pages <= 8, f"{pages} pages: annex A3's convention fills two to eight"
texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
assert len(texts) == pages, f"pypdf reads {len(texts)} pages, the PDF declares {pages}"
for number, text in enumerate(texts, start=1):
    assert f"Page {number} / {pages}" in text, f"page {number} does not read its number: {text[-300:]!r}"
print(f"printed {convention}: {pages} A4 pages, {len(data)} bytes")
if screenshot:
    subprocess.run(chromium + ["--window-size=900,1250", f"--screenshot={screenshot}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    print(f"screenshot: {screenshot}")
