"""Password sign-in against the accounts table (Django's ModelBackend), fetching the account's person with it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Every page names the signed-in person (``User.display_name``): the person comes with the account, in the
    query that loads the session's user anyway, instead of in a second query on each page."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("person").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
