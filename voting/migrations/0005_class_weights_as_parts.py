"""A ballot's frozen class weights become whole-number parts, converted without loss from the
percentages (see membership 0008): 50/25/25 -> 2:1:1. Written with update(), since the
weights of an opened ballot never change otherwise."""

from decimal import Decimal

from django.db import migrations, models



def _as_parts(percentages):
    from importlib import import_module

    return import_module("membership.migrations.0008_class_weights_as_parts").as_parts(
        percentages)


def to_parts(apps, schema_editor):
    ClassWeight = apps.get_model("voting", "ClassWeight")
    by_ballot: dict = {}
    for row in ClassWeight.objects.order_by("pk"):
        by_ballot.setdefault(row.ballot_id, []).append(row)
    for rows in by_ballot.values():
        for row, parts in zip(rows, _as_parts([r.weight for r in rows]), strict=True):
            ClassWeight.objects.filter(pk=row.pk).update(weight_parts=parts)


def to_percent(apps, schema_editor):
    ClassWeight = apps.get_model("voting", "ClassWeight")
    by_ballot: dict = {}
    for row in ClassWeight.objects.order_by("pk"):
        by_ballot.setdefault(row.ballot_id, []).append(row)
    for rows in by_ballot.values():
        total = sum(r.weight_parts for r in rows)
        for row in rows:
            percent = (Decimal(row.weight_parts * 100) / total).quantize(Decimal("0.0001")) \
                if total else Decimal(0)
            ClassWeight.objects.filter(pk=row.pk).update(weight=percent)


class Migration(migrations.Migration):

    dependencies = [
        ("membership", "0008_class_weights_as_parts"),
        ("voting", "0004_meeting_votes"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="classweight", name="classweight_range"),
        migrations.AddField(model_name="classweight", name="weight_parts",
                            field=models.PositiveIntegerField(default=0)),
        migrations.RunPython(to_parts, to_percent),
        migrations.RemoveField(model_name="classweight", name="weight"),
        migrations.RenameField(model_name="classweight", old_name="weight_parts",
                               new_name="weight"),
        migrations.AlterField(
            model_name="classweight", name="weight",
            field=models.PositiveIntegerField(
                help_text="Whole-number parts: the class's share is its parts over the "
                          "ballot's total.")),
        migrations.AddConstraint(
            model_name="classweight",
            constraint=models.CheckConstraint(condition=models.Q(weight__gte=0),
                                              name="classweight_parts")),
    ]
