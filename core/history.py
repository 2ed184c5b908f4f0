"""Change history that records changes: a save that changes nothing writes no history row.

An audit trail full of entries in which nothing changed hides the real ones (re-running the demo
seed, a form saved twice). django-simple-history records every save; this records a save only
when a tracked field differs from the latest history row (timestamps of the save itself aside).
"""

from django.db.models.signals import pre_save
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

# Fields a save sets by itself: they change on every save, so they say nothing about a change.
SAVE_STAMPS = frozenset({"updated_at"})


CHANGED = "_history_changed"
SAVING = "_history_changed_saving"  # the mark taken by the save under way (pre_save), read once it is done (post_save)


def changed_for_certain(instance) -> None:
    """The next save of ``instance`` changes a tracked field (a workflow step moves its state, a draft's save its
    version): its history row is written without reading the latest one to compare (a query on every step). The mark is
    taken by the next save attempt: one that fails (the database refused it) leaves none for a later save."""
    instance.__dict__[CHANGED] = True


class _Descriptor(HistoryDescriptor):
    """``Model.history`` as django-simple-history's, its manager's class made once: simple-history made it anew on every
    read (``Manager.from_queryset``, which lists every method of a queryset), and each history row written reads it."""

    def __get__(self, instance, owner):
        made = self.__dict__.get("_manager")
        if made is None:
            made = self.__dict__["_manager"] = self.manager_class.from_queryset(self.queryset_class)
        return made(self.model, instance)


class ChangeHistory(HistoricalRecords):
    """``HistoricalRecords`` that skips a save whose tracked fields all equal the latest history row."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls or (self.inherit and issubclass(sender, self.cls)):  # as the post_save it connects
            pre_save.connect(self.pre_save, sender=sender, weak=False)
            descriptor = sender.__dict__.get(self.manager_name)
            if type(descriptor) is HistoryDescriptor:
                descriptor.__class__ = _Descriptor

    def pre_save(self, instance, **kwargs):
        instance.__dict__[SAVING] = instance.__dict__.pop(CHANGED, False)

    def post_save(self, instance, created, using=None, **kwargs):
        certain = instance.__dict__.pop(SAVING, False)
        if not created and not kwargs.get("raw", False) and not certain and not self._changed(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def _changed(self, instance) -> bool:
        latest = getattr(instance, self.manager_name).order_by("-history_date", "-history_id").first()
        if latest is None:
            return True
        return any(
            getattr(instance, field.attname) != getattr(latest, field.attname)
            for field in self.fields_included(instance)
            if field.name not in SAVE_STAMPS
        )
