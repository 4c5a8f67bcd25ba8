from django import forms
from django.conf import settings

from .models import Post
from .services import PostError, clean_body


class PostForm(forms.ModelForm):
    """A post or a reply: its text and who may see it (length and emptiness: the service's rules)."""

    class Meta:
        model = Post
        fields = ("body", "visibility")
        labels = {"body": "What's happening?"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.SOCIAL_POST_MAX_LENGTH
        self.fields[
            "body"
        ].help_text = f"At most {settings.SOCIAL_POST_MAX_LENGTH} characters; @username mentions someone."

    def clean_body(self) -> str:
        try:
            return clean_body(self.cleaned_data.get("body", ""))
        except PostError as error:
            raise forms.ValidationError(str(error)) from error


class ReplyForm(PostForm):
    class Meta(PostForm.Meta):
        labels = {"body": "Your reply"}
