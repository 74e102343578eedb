"""archive/text.py: NFC, folding, and file names from Content-Disposition in every form servers send."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

import pytest

from archive.text import disposition_filename, fold, safe_filename

NAME = "Quyết định số 12 về đất đai.pdf"


@pytest.mark.parametrize("header", [
    f"attachment; filename*=UTF-8''{quote(NAME)}",
    f"attachment; filename=\"fallback.pdf\"; filename*=UTF-8''{quote(NAME)}",
    f'attachment; filename="{NAME}"'.encode().decode("latin-1"),  # raw UTF-8, read as HTTP's Latin-1
    f'attachment; filename="{NAME}"'.encode(),
    f'attachment; filename="{quote(NAME)}"',  # %-encoded inside the quotes
    f"attachment; filename*=UTF-8''{quote(unicodedata.normalize('NFD', NAME))}",  # stored decomposed
    f'inline; filename="{NAME}"',
])
def test_every_form_of_a_disposition_file_name_decodes_to_nfc(header):
    assert disposition_filename(header) == NAME


@pytest.mark.parametrize("header, name", [
    (None, ""), ("attachment", ""), ('attachment; filename="plain.doc"', "plain.doc"),
    ('attachment; filename="100%.pdf"', "100%.pdf"),  # a % that is no escape stays
    ('attachment; filename="caf\xe9.txt"', "caf\xe9.txt"),  # Latin-1 text that is not UTF-8 stays as it is
])
def test_plain_names_are_left_alone(header, name):
    assert disposition_filename(header) == name


def test_a_file_name_is_never_a_path():
    assert safe_filename(disposition_filename('attachment; filename="../../etc/passwd"')) == "passwd"


def test_fold():
    assert fold("THỌ XUÂN") == fold("Thọ Xuân") == "tho xuan"
    assert fold("Đảng") == "dang"
