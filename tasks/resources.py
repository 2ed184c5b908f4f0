"""django-import-export resources: the admin's task list exports to Excel, CSV or JSON.

The columns are ``tasks.columns.ADMIN_TASKS``: one column specification, as for every other list.
"""

from django.utils import timezone
from import_export import fields, resources

from core.spreadsheets import safe_resource

from .columns import ADMIN_TASKS
from .models import Task
from .selectors import named_prefetch
from .status import status_expression

KEYS = tuple(column.key for column in ADMIN_TASKS)


class _Base(safe_resource(resources.ModelResource)):
    class Meta:
        model = Task
        fields = KEYS
        export_order = KEYS

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.annotate(status_code=status_expression(timezone.localdate()))
            .select_related("plan", "section")
            .prefetch_related("assignments__agency", named_prefetch())
        )


# One export field per column of the specification (header and value from the column).
TaskResource = type(
    "TaskResource",
    (_Base,),
    {
        "__module__": __name__,
        "__doc__": "The admin's task export: the columns of ``tasks.columns.ADMIN_TASKS``.",
        **{column.key: fields.Field(column_name=str(column.header), dehydrate_method=column.value) for column in ADMIN_TASKS},
    },
)
