#!/usr/bin/env python3
"""Check an e-licence QR code offline, with nothing but the published keys and gmalglib.

    python3 scripts/verify_licence_qr.py --keys keys.json "<text of the QR code>"

`keys.json` is the document of GET /api/v1/licences/keys, downloaded beforehand. Prints the result
as JSON and exits 0 when the QR is genuine (and, for a phone's 亮证码, not expired), 1 otherwise.
Loads yiwang/licences/offline_verifier.py by its path, so no Yiwang (or Django) code is imported:
the file can be copied anywhere with this script.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

VERIFIER = Path(__file__).resolve().parent.parent / "yiwang" / "licences" / "offline_verifier.py"


def load_verifier(path: Path = VERIFIER):
    spec = importlib.util.spec_from_file_location("offline_verifier", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线核验电子证照二维码")
    parser.add_argument("--keys", required=True, type=Path, help="发证机关公钥清单（/api/v1/licences/keys 的 JSON）")
    parser.add_argument("--verifier", type=Path, default=VERIFIER, help="offline_verifier.py 的路径")
    parser.add_argument("qr_text", help="二维码内容")
    args = parser.parse_args(argv)
    verifier = load_verifier(args.verifier)
    keys = json.loads(args.keys.read_text(encoding="utf-8"))
    result = verifier.verify_qr(args.qr_text, keys)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
