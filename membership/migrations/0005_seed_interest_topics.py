"""Give societies created before the register of interests its starting topics."""

from django.db import migrations

TOPICS = ["PA pay and conditions", "New services for users", "New services for carers",
          "Contracts and suppliers", "Employment of relatives"]


def seed(apps, schema_editor):
    Society = apps.get_model("coop", "Society")
    InterestTopic = apps.get_model("membership", "InterestTopic")
    MemberClass = apps.get_model("membership", "MemberClass")
    for society in Society.objects.all():
        if InterestTopic.objects.filter(society=society).exists():
            continue
        topics = {name: InterestTopic.objects.create(society=society, name=name, position=i)
                  for i, name in enumerate(TOPICS)}
        for cls in MemberClass.objects.filter(society=society, name="Personal assistant"):
            topics["PA pay and conditions"].deemed_classes.add(cls)


class Migration(migrations.Migration):
    dependencies = [("membership", "0004_register_of_interests")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
