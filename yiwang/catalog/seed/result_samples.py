"""Result samples (审批结果样本): a one-page PDF per distinct result name, "<结果名称>（样本）".

A guide must show what the applicant will receive (STANDARDS §1: a result requires a sample). The
seed has no scans of real certificates, so each sample is a plain specimen that says what it is and
that it has no legal effect. The storage name is derived from the result name, so a rerun of the
loader finds the file it wrote before instead of writing a copy.

Rendering one PDF with the embedded CJK font costs tens of milliseconds and the seed has ~150
distinct results, so rendered files are also kept in a build cache under VAR_DIR/cache (a fresh
media directory — a test run, a new demo — then copies them instead of rendering them again). The
cache is only an optimisation: when it cannot be read or written, samples are simply rendered.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings

from yiwang.catalog.constants import ResultType
from yiwang.core import pdf
from yiwang.core.crypto import sm3_hex

SAMPLE_DIR = "catalog/result_samples"
# Bump when the layout below changes, so cached renderings of the old layout are not reused.
LAYOUT_VERSION = "1"


def sample_storage_name(result_name: str) -> str:
    return f"{SAMPLE_DIR}/seed-{sm3_hex(result_name.encode('utf-8'))[:24]}.pdf"


def sample_pdf(result_name: str, result_type: str) -> bytes:
    title = f"{result_name}（样本）"
    rows = [
        ("结果名称", result_name),
        ("结果类型", ResultType(result_type).label),
        ("编号", "样本-0000000001"),
        ("持有人", "（申请人姓名或单位名称）"),
        ("出具机关", "（实施机关名称，加盖印章或电子签章）"),
        ("出具日期", "（年 月 日）"),
    ]
    flowables = [
        pdf.paragraph(title, "title"),
        pdf.key_value_table(rows),
        pdf.paragraph("本文件为办理结果的样式示例，仅供申请人了解结果的形式和主要内容，不具有法律效力。"
                      "电子证照类结果可在“我的证照”中查看、下载和亮证核验。", "small"),
    ]
    return pdf.build_pdf(flowables, title=title, header="西安市一体化政务服务平台 · 办理结果样本", footer="样本 · 不具有法律效力",
                         subject="审批结果样本")


def _cache_path(result_name: str, result_type: str) -> Path | None:
    var_dir = getattr(settings, "VAR_DIR", None)
    if not var_dir:
        return None
    digest = sm3_hex(f"{LAYOUT_VERSION}|{result_type}|{result_name}".encode())[:32]
    return Path(var_dir) / "cache" / "result_samples" / f"{digest}.pdf"


def cached_sample_pdf(result_name: str, result_type: str) -> bytes:
    """`sample_pdf`, read from the build cache when it was rendered before."""
    path = _cache_path(result_name, result_type)
    if path is not None:
        try:
            return path.read_bytes()
        except OSError:
            pass
    content = sample_pdf(result_name, result_type)
    if path is not None:
        try:  # atomic: a concurrent test process never reads half a file
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
                handle.write(content)
            os.replace(handle.name, path)
        except OSError:
            pass
    return content
