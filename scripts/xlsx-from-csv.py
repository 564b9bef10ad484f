#!/usr/bin/env python3
"""Writes a semicolon CSV (UTF-8) as a one-sheet .xlsx the way Excel stores it: texts as shared strings,
numbers as number cells, every cell with its reference. Used by the benchmark to time the workbook import
on the same rows as the CSV import (openpyxl would take minutes for a million rows).

Usage: scripts/xlsx-from-csv.py IN.csv OUT.xlsx [SHEET-NAME]
"""
import csv
import sys
import zipfile
from xml.sax.saxutils import escape


def column(index):
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def main():
    source, target = sys.argv[1], sys.argv[2]
    sheet_name = sys.argv[3] if len(sys.argv) > 3 else "Signaler"
    strings, index = [], {}
    with open(source, newline="", encoding="utf-8-sig") as handle, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for number, row in enumerate(csv.reader(handle, delimiter=";"), start=1):
                cells = []
                for position, value in enumerate(row):
                    if value == "":
                        continue
                    reference = f"{column(position)}{number}"
                    if number > 1 and value.isdigit():
                        cells.append(f'<c r="{reference}"><v>{value}</v></c>')
                    else:
                        if value not in index:
                            index[value] = len(strings)
                            strings.append(value)
                        cells.append(f'<c r="{reference}" t="s"><v>{index[value]}</v></c>')
                sheet.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        archive.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'
                         + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings) + "</sst>")
        archive.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                         f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                         "</Relationships>")
        archive.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                         "</Types>")


if __name__ == "__main__":
    main()
