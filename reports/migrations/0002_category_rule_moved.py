# The category rules now belong to the interviews app (interviews.0004): the table stays; the
# model leaves this app's state, and its content type (admin permissions) follows it.

from django.db import migrations


def content_type_move(apps, schema_editor, *, old: str, new: str) -> None:
    content_type = apps.get_model('contenttypes', 'ContentType')
    if content_type.objects.filter(app_label=new, model='categoryrule').exists():
        return
    content_type.objects.filter(app_label=old, model='categoryrule').update(app_label=new)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('interviews', '0004_category_rule_moved'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='CategoryRule')],
        ),
        migrations.RunPython(
            lambda apps, editor: content_type_move(apps, editor, old='reports', new='interviews'),
            lambda apps, editor: content_type_move(apps, editor, old='interviews', new='reports'),
        ),
    ]
