from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tisheng.core.idcard import id_card_problem

ID_CARD_MESSAGES = {
    "length": _("An ID card number has 18 characters."),
    "characters": _("An ID card number has 17 digits followed by a digit or X."),
    "birth_date": _("The birth date inside the ID card number is not a real date."),
    "check_digit": _("The check digit of the ID card number is wrong (mistyped, or corrupted by Excel)."),
}


def validate_id_card(value: str) -> None:
    if value and (problem := id_card_problem(value)):
        raise ValidationError(ID_CARD_MESSAGES[problem], code=f"id_card_{problem}")
