from django.core.exceptions import PermissionDenied

from vinhlong_cmcn4 import policy


class RoleRequiredMixin:
    """Allow a view to the listed roles only (pages further restrict rows with the policy)."""

    roles: frozenset[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if policy.role_of(request.user) not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
