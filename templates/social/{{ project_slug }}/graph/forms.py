from django import forms

from .models import ModerationAction, Report


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ("reason", "note")
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 4})}
        labels = {"note": "Anything the staff should know (optional)"}


class ModerationForm(forms.Form):
    """A moderator's decision on a report: what, for how long (a suspension), and why."""

    DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("", "Permanently")]
    DECISIONS = [
        (ModerationAction.Kind.HIDE_POST, "Hide the post"),
        (ModerationAction.Kind.SUSPEND, "Suspend the account"),
        (ModerationAction.Kind.DISMISS, "Dismiss the report"),
    ]

    kind = forms.ChoiceField(label="Decision", choices=DECISIONS, widget=forms.RadioSelect)
    days = forms.TypedChoiceField(
        label="Suspend for",
        choices=DURATIONS,
        coerce=int,
        empty_value=None,
        required=False,
        initial="7",
    )
    reason = forms.CharField(
        label="Why (kept in the moderation log)", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, report: Report, **kwargs: object) -> None:
        super().__init__(*args, prefix=f"report-{report.pk}", **kwargs)
        if report.post_id is None:  # a profile: no post to hide
            self.fields["kind"].choices = self.DECISIONS[1:]
