"""Chinese resident ID numbers (居民身份证号码), GB 11643-1999.

18 characters: 6-digit area code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd = male, even =
female), and a check character computed by ISO 7064 MOD 11-2: weights W_i = 2^(17-i) mod 11 for i = 0..16,
check = (12 - (Σ a_i·W_i mod 11)) mod 11, written 'X' for 10.
"""

from datetime import date

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2


def check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def id_card_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 18-character ID number, as a short English key; None when valid.

    Keys: ``length``, ``characters``, ``birth_date``, ``check_digit``.
    """
    n = number.strip().upper()
    if len(n) != 18:
        return "length"
    if not (n[:17].isdigit() and (n[17].isdigit() or n[17] == "X")):
        return "characters"
    try:
        date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return "birth_date"
    if check_character(n[:17]) != n[17]:
        return "check_digit"
    return None


def birth_date_of(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_of(number: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(number[16]) % 2 else "F"
