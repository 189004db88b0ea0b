"""A minimal legacy .xls (BIFF8 in a compound file) writer, for tests only.

No maintained Python library writes .xls any more, and schools still send them (智学网 and older tools export
BIFF). This writes what a reader needs: a workbook globals substream with one BOUNDSHEET per sheet, and per
sheet NUMBER and LABEL cells. ``password=True`` adds a FILEPASS record, as an encrypted workbook has.
"""

import struct

SECTOR = 512
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(dt: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))


def _unicode(text: str, length_bytes: int = 2) -> bytes:
    encoded = text.encode("utf-16-le")
    head = struct.pack("<H" if length_bytes == 2 else "<B", len(text))
    return head + b"\x01" + encoded


def _sheet_stream(rows: list[list]) -> bytes:
    out = [_bof(0x0010)]
    width = max((len(r) for r in rows), default=0)
    out.append(_record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.append(_record(0x0203, struct.pack("<HHHd", r, c, 0x0F, float(value))))
            else:
                out.append(_record(0x0204, struct.pack("<HHH", r, c, 0x0F) + _unicode(str(value))))
    out.append(_record(0x000A, b""))
    return b"".join(out)


def workbook_stream(sheets: dict[str, list[list]], password: bool = False) -> bytes:
    sheet_streams = [_sheet_stream(rows) for rows in sheets.values()]
    head = [_bof(0x0005)]
    if password:
        head.append(_record(0x002F, struct.pack("<H", 1) + b"\0" * 52))
    head.append(_record(0x0042, struct.pack("<H", 1200)))
    bound_len = sum(4 + 6 + 2 + 2 * len(name) for name in sheets)
    offset = sum(len(h) for h in head) + bound_len + 4
    bounds = []
    for name, stream in zip(sheets, sheet_streams, strict=True):
        bounds.append(_record(0x0085, struct.pack("<IBB", offset, 0, 0) + _unicode(name, 1)))
        offset += len(stream)
    return b"".join(head + bounds + [_record(0x000A, b"")] + sheet_streams)


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """Wrap one stream in a CFB v3 container (no mini stream: the stream is padded to 4096 bytes)."""
    stream = stream.ljust(4096, b"\0")
    n_stream = -(-len(stream) // SECTOR)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + n_stream + 1:
        n_fat += 1
    first_stream, directory = n_fat, n_fat + n_stream
    fat = [FATSECT] * n_fat
    fat += [first_stream + i + 1 for i in range(n_stream - 1)] + [END]
    fat += [END]  # the directory sector
    fat += [FREE] * (n_fat * SECTOR // 4 - len(fat))
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, n_fat, directory, 0, 4096, END, 0, END, 0)
        + struct.pack("<109I", *difat)
    )

    def entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (entry_name + "\0").encode("utf-16-le") if entry_name else b""
        return (
            encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\0" * 16 + struct.pack("<IQQ", 0, 0, 0)
            + struct.pack("<IQ", start, size)
        )

    empty = b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 48
    directory_sector = entry("Root Entry", 5, 1, END, 0) + entry(name, 2, NOSTREAM, first_stream, len(stream)) + empty * 2
    return header + struct.pack(f"<{len(fat)}I", *fat) + stream.ljust(n_stream * SECTOR, b"\0") + directory_sector


def xls_bytes(sheets: dict[str, list[list]], password: bool = False) -> bytes:
    return compound_file(workbook_stream(sheets, password=password))
