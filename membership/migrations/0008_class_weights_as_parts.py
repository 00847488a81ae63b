"""Class weights become whole-number parts (1:1:1, 2:1:1) instead of percentages that had
to total exactly 100. Each society's percentages convert without loss: scaled to whole
numbers, then divided by their greatest common divisor (50/25/25 -> 2:1:1;
33.33/33.33/33.34 -> 3333:3333:3334, the same ratio as before, which officers can now set
to 1:1:1)."""

from decimal import Decimal
from math import gcd

from django.db import migrations, models


def as_parts(percentages: list[Decimal]) -> list[int]:
    """The same ratio in whole numbers, as small as it goes."""
    places = max((-Decimal(p).normalize().as_tuple().exponent for p in percentages), default=0)
    scale = 10 ** max(places, 0)
    whole = [int(Decimal(p) * scale) for p in percentages]
    common = 0
    for n in whole:
        common = gcd(common, n)
    return [n // common for n in whole] if common else whole


def to_parts(apps, schema_editor):
    MemberClass = apps.get_model("membership", "MemberClass")
    by_society: dict = {}
    for cls in MemberClass.objects.order_by("pk"):
        by_society.setdefault(cls.society_id, []).append(cls)
    for classes in by_society.values():
        for cls, parts in zip(classes, as_parts([c.weight for c in classes]), strict=True):
            MemberClass.objects.filter(pk=cls.pk).update(weight_parts=parts)


def to_percent(apps, schema_editor):
    MemberClass = apps.get_model("membership", "MemberClass")
    by_society: dict = {}
    for cls in MemberClass.objects.order_by("pk"):
        by_society.setdefault(cls.society_id, []).append(cls)
    for classes in by_society.values():
        total = sum(c.weight_parts for c in classes if c.votes)
        for cls in classes:
            percent = (Decimal(cls.weight_parts * 100) / total).quantize(Decimal("0.01")) \
                if total and cls.votes else Decimal(0)
            MemberClass.objects.filter(pk=cls.pk).update(weight=percent)


class Migration(migrations.Migration):

    dependencies = [
        ("membership", "0007_stripe_connect"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="memberclass", name="memberclass_weight_range"),
        migrations.RemoveConstraint(model_name="memberclass",
                                    name="memberclass_nonvoting_has_no_weight"),
        migrations.AddField(model_name="memberclass", name="weight_parts",
                            field=models.PositiveIntegerField(default=0)),
        migrations.RunPython(to_parts, to_percent),
        migrations.RemoveField(model_name="memberclass", name="weight"),
        migrations.RenameField(model_name="memberclass", old_name="weight_parts",
                               new_name="weight"),
        migrations.AlterField(
            model_name="memberclass", name="weight",
            field=models.PositiveIntegerField(
                default=0, verbose_name="weight (parts)",
                help_text="The class's share of a class-weighted vote, in whole-number parts "
                          "of the voting classes' total: 1, 1 and 1 give each a third "
                          "exactly; 2, 1 and 1 give the first half.")),
        migrations.AddConstraint(
            model_name="memberclass",
            constraint=models.CheckConstraint(condition=models.Q(weight__gte=0),
                                              name="memberclass_weight_parts")),
        migrations.AddConstraint(
            model_name="memberclass",
            constraint=models.CheckConstraint(
                condition=models.Q(votes=True) | models.Q(weight=0),
                name="memberclass_nonvoting_has_no_weight")),
    ]
