from django import forms
from django.conf import settings

from .models import Post
from .services import PostError, clean_body, clean_content_warning, default_visibility


class PostForm(forms.ModelForm):
    """A post or a reply: its text, an optional content warning and who may see it (lengths and emptiness:
    the service's rules).

    A new post by ``author`` (a reply when ``reply_to`` is given) starts with ``default_visibility``.
    """

    class Meta:
        model = Post
        fields = ("body", "content_warning", "visibility")
        labels = {"body": "What's happening?", "content_warning": "Content warning (optional)"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, author=None, reply_to: Post | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if author is not None and self.instance.pk is None:
            self.initial["visibility"] = default_visibility(author, reply_to)
            if reply_to is not None and reply_to.content_warning:
                # A reply to a warned post keeps the warning unless its author clears it (as Mastodon does).
                self.initial["content_warning"] = reply_to.content_warning
        self.fields["body"].widget.attrs["maxlength"] = settings.SOCIAL_POST_MAX_LENGTH
        self.fields[
            "body"
        ].help_text = f"At most {settings.SOCIAL_POST_MAX_LENGTH} characters; @username mentions someone."

    def clean_body(self) -> str:
        try:
            return clean_body(self.cleaned_data.get("body", ""))
        except PostError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_content_warning(self) -> str:
        try:
            return clean_content_warning(self.cleaned_data.get("content_warning", ""))
        except PostError as error:
            raise forms.ValidationError(str(error)) from error


class ReplyForm(PostForm):
    class Meta(PostForm.Meta):
        labels = {"body": "Your reply"}
