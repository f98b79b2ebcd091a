"""Personal links are no longer stored. New links derive their secret from the selector under
SECRET_KEY (questionnaires.links); the tokens already stored are replaced by their SHA-256, so
the links already e-mailed keep opening the form. Going back cannot restore those tokens: after
a reverse migration the old links stop working (the team sees links of the new form)."""

import hashlib

from django.db import migrations, models


def hash_stored_tokens(apps, schema_editor):
    Invitation = apps.get_model("questionnaires", "Invitation")
    changed = []
    for invitation in Invitation.objects.exclude(token="").only("pk", "token").iterator():
        invitation.legacy_token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        changed.append(invitation)
    Invitation.objects.bulk_update(changed, ["legacy_token_hash"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0002_distribution_sending"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="legacy_token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(hash_stored_tokens, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="invitation",
            name="token",
        ),
    ]
