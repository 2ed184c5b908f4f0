"""Signing in to the API with a token: DRF's token authentication, the user's role read with them (one query)."""

from rest_framework.authentication import TokenAuthentication as DrfTokenAuthentication

from .policy import ROLE_GROUP, role_group


class TokenAuthentication(DrfTokenAuthentication):
    """DRF's ``TokenAuthentication`` (its header, its refusals), the token, its user and their role group in one row."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        token = model.objects.select_related("user").annotate(**{ROLE_GROUP: role_group("user_id")}).filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # refused by DRF, in its words
        setattr(token.user, ROLE_GROUP, getattr(token, ROLE_GROUP))
        return (token.user, token)
