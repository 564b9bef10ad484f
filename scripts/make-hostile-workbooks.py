#!/usr/bin/env python3
"""Writes the hostile workbooks of Tests/Fixtures/hostile (44–52): a zip bomb whose declared size is absurd,
one whose declared size lies, XML entity expansion, an external entity, a sheet with 10^6 columns, a
truncated zip, a macro workbook named .xlsx and an encrypted workbook. Run once; the files are committed.

Usage: scripts/make-hostile-workbooks.py [FOLDER]
"""
import io
import struct
import sys
import zipfile
from pathlib import Path

FOLDER = Path(sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/hostile")
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>år</t></is></c><c r="B1" t="inlineStr"><is><t>kategori</t></is></c>'
              '<c r="C1" t="inlineStr"><is><t>antal</t></is></c></row>')
DATA_ROW = '<row r="2"><c r="A2"><v>2024</v></c><c r="B2" t="inlineStr"><is><t>klotter</t></is></c><c r="C2"><v>3</v></c></row>'


def parts(sheet_xml, extra_types=""):
    return {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{extra_types}</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Signaler" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }


def write(name, files, big=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
        if big:
            path, size = big
            with archive.open(path, "w", force_zip64=False) as entry:
                chunk = b" " * (1 << 20)
                for _ in range(size >> 20):
                    entry.write(chunk)
    data = buffer.getvalue()
    (FOLDER / name).write_bytes(data)
    return data


def sheet(rows):
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{rows}</sheetData></worksheet>'


def main():
    FOLDER.mkdir(parents=True, exist_ok=True)
    good = parts(sheet(HEADER_ROW + DATA_ROW))

    # 44: a sheet that inflates to 1.1 GiB of blanks (about 1 MB packed): refused on its declared size.
    bomb = dict(good)
    del bomb["xl/worksheets/sheet1.xml"]
    write("44-zip-bomb.xlsx", bomb, big=("xl/worksheets/sheet1.xml", 1100 << 20))

    # 45: the same bomb with sizes in the headers rewritten to 1 000 bytes: refused while inflating.
    data = bytearray((FOLDER / "44-zip-bomb.xlsx").read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local = data.find(b"PK\x03\x04" + b"\x00" * 0, 0)
    offset = 0
    while True:
        offset = data.find(b"PK\x03\x04", offset)
        if offset < 0:
            break
        name_length = struct.unpack_from("<H", data, offset + 26)[0]
        if data[offset + 30:offset + 30 + name_length] == name:
            struct.pack_into("<I", data, offset + 22, 1000)
        offset += 4
    offset = 0
    while True:
        offset = data.find(b"PK\x01\x02", offset)
        if offset < 0:
            break
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46:offset + 46 + name_length] == name:
            struct.pack_into("<I", data, offset + 24, 1000)
        offset += 4
    (FOLDER / "45-zip-bomb-lying-size.xlsx").write_bytes(bytes(data))

    # 46: "billion laughs" entity expansion in a sheet.
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>"
    write("46-entity-expansion.xlsx", parts(laughs + f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'))

    # 47: an external entity that would read a local file.
    external = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    write("47-external-entity.xlsx", parts(external + f'<worksheet {NS}><sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row></sheetData></worksheet>'))

    # 48: a header row of a million cells (Excel's last column is the 16 384th).
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * 1_000_000
    write("48-million-columns.xlsx", parts(sheet(f'<row r="1">{cells}</row>')))

    # 49: a workbook cut off half-way.
    whole = write("49-truncated.xlsx", good)
    (FOLDER / "49-truncated.xlsx").write_bytes(whole[: len(whole) // 2])

    # 50: a macro workbook (VBA project) saved with an .xlsx name.
    macro = dict(good)
    macro["xl/vbaProject.bin"] = "\x00" * 512
    macro["[Content_Types].xml"] = macro["[Content_Types].xml"].replace(
        "sheet.main+xml", "sheet.main+xml").replace(
        "spreadsheetml.sheet.main+xml", "ms-excel.sheet.macroEnabled.main+xml")
    write("50-macro.xlsx", macro)

    # 51: an OLE compound file header with no directory (the container of encrypted and old workbooks, empty);
    # a real encrypted workbook is Tests/Fixtures/realfiles/krypterad.xlsx.
    (FOLDER / "51-encrypted.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 4088)

    # 52: a sheet with a boolean and an error cell where counts belong.
    bad = sheet(HEADER_ROW + '<row r="2"><c r="A2"><v>2024</v></c><c r="B2" t="inlineStr"><is><t>klotter</t></is></c><c r="C2" t="e"><v>#REF!</v></c></row>')
    write("52-error-cell.xlsx", parts(bad))


if __name__ == "__main__":
    main()
