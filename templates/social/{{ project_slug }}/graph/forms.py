from django import forms

from .models import Report


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ("reason", "note")
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 4})}
        labels = {"note": "Anything the staff should know (optional)"}
