"""Initial passwords of accounts created by an administrator, and the one-time sheet that hands them out.

Design: a password is generated, hashed and written to the sheet in the same request; only the hash is
stored. The sheet is the response to that request and exists nowhere else, so once downloaded the passwords
cannot be read again (an administrator can only reset one, which makes a new one). ``must_change_password``
sends the user to the password page at the first login.

Hashing: Argon2id with a small work factor (about 5 ms instead of about 140 ms), because creating the
accounts of a whole school hashes thousands of passwords in one request. The work factor protects passwords
people choose; these are 12 random characters from 31 symbols (about 59 bits), which no work factor needs to
protect. At the first login Django re-hashes with the standard parameters anyway (``must_update``), and the
user replaces the password at once.
"""

import secrets
from dataclasses import dataclass
from io import BytesIO

import xlsxwriter
from django.contrib.auth.hashers import Argon2PasswordHasher

# No 0/o, 1/l/i and no capitals: read aloud, copied from paper and typed on a phone without mistakes.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 3, 4


def new_password() -> str:
    """e.g. ``k7mp-x9ra-4tqe``: 12 random characters in groups of four, with letters and digits."""
    while True:
        chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
        if any(c.isdigit() for c in chars) and any(c.isalpha() for c in chars):
            return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


class _InitialPasswordHasher(Argon2PasswordHasher):
    """Argon2id at a small cost (see the module's note); verified by the ordinary Argon2 hasher."""

    time_cost = 1
    memory_cost = 8192
    parallelism = 1


_hasher = _InitialPasswordHasher()


def hash_initial(password: str) -> str:
    return _hasher.encode(password, _hasher.salt())


@dataclass(frozen=True)
class Credential:
    """One row of the sheet handed out: who, where, the username and the initial password."""

    school: str
    school_class: str
    name: str
    username: str
    password: str
    students: str = ""  # for guardians: whose guardian


HEADERS = ["学校", "班级", "姓名", "用户名", "初始密码"]


def sheet(credentials: list[Credential], *, with_students: bool) -> bytes:
    """The .xlsx of initial passwords; headers in Chinese whatever the interface language."""
    headers = HEADERS + (["学生"] if with_students else [])
    out = BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet("初始密码")
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    mono = book.add_format({"font_name": "Consolas"})
    ws.write_row(0, 0, headers, bold)
    for row, c in enumerate(credentials, start=1):
        values = [c.school, c.school_class, c.name, c.username, c.password] + ([c.students] if with_students else [])
        for col, value in enumerate(values):
            ws.write_string(row, col, value, mono if col in (3, 4) else None)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 2, 14)
    ws.set_column(3, 4, 18)
    if with_students:
        ws.set_column(5, 5, 24)
    ws.freeze_panes(1, 0)
    ws.write_string(len(credentials) + 2, 0, "初始密码只导出这一次；首次登录后须修改密码。")
    book.close()
    return out.getvalue()
