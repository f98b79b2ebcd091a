# The category rules moved from the reports app to the app that owns the reporting categories
# they assign: the table stays as it is (reports_categoryrule); only Django's state moves.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluations', '0001_initial'),
        ('interviews', '0003_interview_import_job'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CategoryRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('field', models.CharField(choices=[('participant_group', "a participant's stakeholder group is"), ('grouping', "the interview's grouping (heading) is"), ('office_region', "a participant's office is in the region"), ('region', "the interview's region is"), ('country', "the interview's country is"), ('mode', "the interview's mode is"), ('any', 'any interview (the fallback)')], max_length=20, verbose_name='when')),
                        ('value', models.CharField(blank=True, help_text="A group's code or name, a grouping, a region or country name, a mode.", max_length=200, verbose_name='value')),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='interviews.reportingcategory', verbose_name='then the category is')),
                        ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='category_rules', to='evaluations.evaluation')),
                    ],
                    options={
                        'ordering': ['evaluation', 'order', 'pk'],
                        'db_table': 'reports_categoryrule',
                    },
                ),
            ],
        ),
    ]
