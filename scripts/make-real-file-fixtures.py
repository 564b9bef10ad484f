#!/usr/bin/env python3
"""Writes the workbooks of Tests/Fixtures/realfiles: files as Excel, LibreOffice and their users really save them,
for the tests of issue 13. Run once; the files are committed.

- talformat.xlsx (openpyxl): counts formatted "#,##0;[Red]-#,##0", a month formatted '0" mån"', an area formatted
  '[$-41D]General', a year typed as a date (yyyy-mm-dd) and a count with an escaped letter ('0\\ \\s\\t').
- anteckningar-forst.xlsx (openpyxl): a notes sheet whose first row holds #REF!, then a valid Signaler sheet.
- gammal.xls, kalkyl.ods (LibreOffice, from talformat.xlsx): the old binary format and OpenDocument.
- makro.xlsm (LibreOffice): a macro-enabled workbook.
- binar.xlsb: Excel's binary workbook. LibreOffice cannot write it, so it is assembled here as Excel lays it out
  ([Content_Types].xml naming xl/workbook.bin); lagesbild only has to recognise it.
- krypterad.xlsx (msoffcrypto-tool): talformat.xlsx encrypted with a password, as Excel's "Kryptera med lösenord".

Needs: pip install openpyxl msoffcrypto-tool; LibreOffice (soffice) on PATH.
Usage: scripts/make-real-file-fixtures.py [FOLDER]
"""
import datetime
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import msoffcrypto
import openpyxl
from msoffcrypto.format.ooxml import OOXMLFile

FOLDER = Path(sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/realfiles")
HEADER = ["År", "Månad", "Kategori", "Miljö", "Område", "Källa", "Antal", "Orosanmälningar", "Polisanmälningar"]


def number_formats():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Signaler"
    sheet.append(HEADER)
    rows = [
        (2024, 3, "Klotter", "Höger", "Centrum", "Skola", 11, 0, 1),
        (datetime.date(2024, 1, 1), 7, "Flygblad", "Vänster", "Hammerdal", "Fritid", 1234, 2, 0),
        (2024, 12, "Symboler", "Höger", "Gäddede", "Polisen", 5, 1, 1),
    ]
    for row in rows:
        sheet.append(row)
    for row in range(2, 5):
        sheet.cell(row, 2).number_format = '0" mån"'
        sheet.cell(row, 5).number_format = "[$-41D]General"
        sheet.cell(row, 7).number_format = "#,##0;[Red]-#,##0"
        sheet.cell(row, 8).number_format = "0\\ \\s\\t"
        sheet.cell(row, 9).number_format = "[Blue]0;[Red]-0;0"
    sheet.cell(3, 1).number_format = "yyyy-mm-dd"
    path = FOLDER / "talformat.xlsx"
    book.save(path)
    return path


def notes_first():
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Anteckningar"
    notes["A1"] = "#REF!"
    notes["B1"] = "Anteckningar från mötet"
    notes["A3"] = "Gäller hela året"
    signals = book.create_sheet("Signaler")
    signals.append(HEADER)
    signals.append((2024, 3, "Klotter", "Höger", "Centrum", "Skola", 3, 0, 1))
    book.save(FOLDER / "anteckningar-forst.xlsx")


def convert(source, extension, filter_name, target):
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to",
                        f"{extension}:{filter_name}", "--outdir", folder, str(source)], check=True, capture_output=True)
        shutil.copy(Path(folder) / (source.stem + "." + extension), FOLDER / target)


def binary_workbook():
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.bin"/></Relationships>')
    with zipfile.ZipFile(FOLDER / "binar.xlsb", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        # BIFF12 records: BrtBeginBook (0x83 0x01), BrtEndBook (0x84 0x01); enough to be what Excel names it.
        archive.writestr("xl/workbook.bin", bytes([0x83, 0x01, 0x00, 0x84, 0x01, 0x00]))
        archive.writestr("xl/worksheets/sheet1.bin", bytes([0x81, 0x01, 0x00, 0x82, 0x01, 0x00]))


def encrypted(source):
    output = io.BytesIO()
    with open(source, "rb") as plain:
        OOXMLFile(plain).encrypt("hemligt-losenord", output)
    (FOLDER / "krypterad.xlsx").write_bytes(output.getvalue())


def main():
    FOLDER.mkdir(parents=True, exist_ok=True)
    source = number_formats()
    notes_first()
    convert(source, "xls", "MS Excel 97", "gammal.xls")
    convert(source, "ods", "calc8", "kalkyl.ods")
    convert(source, "xlsm", "Calc MS Excel 2007 VBA XML", "makro.xlsm")
    binary_workbook()
    encrypted(source)


if __name__ == "__main__":
    main()
