from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_refunds_and_returns"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="stripe_session_id",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="order",
            name="stripe_payment_intent",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="order",
            name="stripe_refunded",
            field=models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=12),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                condition=models.Q(("stripe_payment_intent", ""), _negated=True),
                fields=("stripe_payment_intent",),
                name="orders_order_one_stripe_payment",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(("stripe_refunded__gte", 0), ("stripe_refunded__lte", models.F("total"))),
                name="orders_order_stripe_refund_within_total",
            ),
        ),
    ]
