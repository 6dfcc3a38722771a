#!/usr/bin/env python3
"""Builds the share-card fonts bundled by crates/daka-card, byte for byte reproducibly.

Usage:
    python3 -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools
    /tmp/fontvenv/bin/python scripts/make-fonts.py [--check]

Inputs: Debian's fonts-noto-cjk package (`apt-get install fonts-noto-cjk`), which installs
    /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
    /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
    /usr/share/doc/fonts-noto-cjk/copyright          (the SIL OFL 1.1 text)
Face index 2 of each collection is Noto Sans CJK SC (Simplified Chinese forms). Tested with
Debian's 1:20220127+repack1-1 (Noto CJK 2.004) and fonttools 4.68.0 (PyPI `fonttools`).

Outputs, in crates/daka-card/fonts/:
    NotoSansCJKsc-Regular-subset.otf, NotoSansCJKsc-Bold-subset.otf
    OFL.txt      the font's copyright notice and the full SIL Open Font License 1.1
    SHA256SUMS   the hashes of the two fonts

The character set is GB2312 (the 682 symbols of rows 0xA1-0xA9 and the 6,763 hanzi of rows
0xB0-0xF7, taken from Python's gb2312 codec, so no list is kept by hand) plus ASCII, Latin-1,
General Punctuation (U+2000-206F), CJK Symbols and Punctuation (U+3000-303F), the full-width
forms U+FF00-FF65 and a few symbols. All OpenType layout features and names are kept.

Why reproducible: the TTC face is extracted with recalcTimestamp=False, so the `head` table keeps
the upstream dates, and pyftsubset itself is deterministic. `--check` rebuilds into a temporary
folder and compares against the committed SHA256SUMS instead of writing anything.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile

try:
    from fontTools.ttLib import TTFont
except ImportError:
    sys.exit("make-fonts.py needs fonttools: pip install fonttools (in a venv)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "crates", "daka-card", "fonts")
NOTO_DIR = "/usr/share/fonts/opentype/noto"
COPYRIGHT = "/usr/share/doc/fonts-noto-cjk/copyright"
SC_FACE_INDEX = 2
WEIGHTS = ("Regular", "Bold")

# Symbols that cards and notes commonly use, some already in the ranges below; listed so the
# intent survives a change of ranges.
EXTRA = "·—…“”‘’《》「」『』【】〔〕、。，！？：；（）℃℉°±×÷→←↑↓★☆✓✔●○■□▲△◆◇※№€£¥"


def charset():
    chars = set()
    # GB2312 in EUC-CN: row byte 0xA1-0xF7, cell byte 0xA1-0xFE. Rows 0xA1-0xA9 are symbols,
    # 0xB0-0xF7 the hanzi (levels 1 and 2); the rest are unassigned and fail to decode.
    for row in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lo, hi in ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFF65)):
        chars.update(chr(c) for c in range(lo, hi + 1))
    chars.update(EXTRA)
    return sorted(chars)


def build(weight, charset_file, out_path, work):
    ttc = os.path.join(NOTO_DIR, f"NotoSansCJK-{weight}.ttc")
    if not os.path.exists(ttc):
        sys.exit(f"{ttc} is missing: apt-get install fonts-noto-cjk")
    face = TTFont(ttc, fontNumber=SC_FACE_INDEX, recalcTimestamp=False)
    family = face["name"].getDebugName(1)
    if family != "Noto Sans CJK SC":
        sys.exit(f"{ttc} face {SC_FACE_INDEX} is {family!r}, not Noto Sans CJK SC")
    extracted = os.path.join(work, f"sc-{weight}.otf")
    face.save(extracted)
    face.close()
    subprocess.run(
        [
            sys.executable, "-m", "fontTools.subset", extracted,
            f"--text-file={charset_file}",
            "--layout-features=*",
            "--name-IDs=*",
            "--name-languages=*",
            f"--output-file={out_path}",
        ],
        check=True,
    )


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def ofl_text(regular_out):
    """The copyright notice from the font's name table, then Debian's copy of the OFL 1.1."""
    notice = TTFont(regular_out, lazy=True)["name"].getDebugName(0)
    with open(COPYRIGHT, encoding="utf-8") as f:
        lines = f.read().splitlines()
    # "License: SIL-1.1" also ends the `Files: *` stanza; the text is in the standalone stanza,
    # the last one with that header.
    start = len(lines) - lines[::-1].index("License: SIL-1.1")
    body = []
    for line in lines[start:]:
        if not line.startswith(" "):  # the next stanza
            break
        line = line[1:]
        body.append("" if line == "." else line)
    text = "\n".join(body).strip("\n")
    if "SIL OPEN FONT LICENSE Version 1.1" not in text or "DISCLAIMER" not in text:
        sys.exit(f"{COPYRIGHT}: the SIL OFL 1.1 text was not found")
    return (
        "Noto Sans CJK SC (subset bundled by Daka in NotoSansCJKsc-*-subset.otf)\n"
        f"{notice}\n"
        "Upstream: https://github.com/notofonts/noto-cjk (Debian package fonts-noto-cjk)\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below, and is also available with a FAQ at:\n"
        "https://openfontlicense.org\n\n"
        f"{text}\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="rebuild and compare with SHA256SUMS")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        charset_file = os.path.join(work, "charset.txt")
        chars = charset()
        with open(charset_file, "w", encoding="utf-8") as f:
            f.write("".join(chars))
        print(f"charset: {len(chars)} characters")

        out_dir = work if args.check else OUT_DIR
        os.makedirs(out_dir, exist_ok=True)
        sums = []
        for weight in WEIGHTS:
            name = f"NotoSansCJKsc-{weight}-subset.otf"
            out = os.path.join(out_dir, name)
            build(weight, charset_file, out, work)
            sums.append(f"{sha256(out)}  {name}\n")
            print(f"{name}: {os.path.getsize(out):,} bytes")

        if args.check:
            with open(os.path.join(OUT_DIR, "SHA256SUMS"), encoding="utf-8") as f:
                committed = f.read()
            if committed != "".join(sums):
                sys.exit("rebuilt fonts differ from SHA256SUMS:\n" + "".join(sums))
            print("rebuilt fonts match SHA256SUMS")
            return

        with open(os.path.join(OUT_DIR, "SHA256SUMS"), "w", encoding="utf-8") as f:
            f.writelines(sums)
        ofl = ofl_text(os.path.join(OUT_DIR, "NotoSansCJKsc-Regular-subset.otf"))
        with open(os.path.join(OUT_DIR, "OFL.txt"), "w", encoding="utf-8") as f:
            f.write(ofl)
        print("wrote SHA256SUMS and OFL.txt")


if __name__ == "__main__":
    main()
