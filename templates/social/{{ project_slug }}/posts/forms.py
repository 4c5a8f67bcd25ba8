from django import forms
from django.conf import settings

from . import media
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


class MediaForm(forms.Form):
    """Up to ``media.MAX_ATTACHMENTS`` images for a new post, each with a description (alt text).

    Every image is checked and re-encoded here (``media.prepare``), so a refused one is an error on its own
    field; ``images`` then holds them, ready for ``services.create_post``. A missing description is not an
    error: the view warns about it (``missing_alt_text``).
    """

    prefix = "media"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.images: list[media.PreparedImage] = []
        for number in self.numbers:
            self.fields[f"image_{number}"] = forms.FileField(
                label=f"Image {number}",
                required=False,
                widget=forms.FileInput(attrs={"accept": media.ACCEPT}),
                help_text="JPEG, PNG or WebP." if number == 1 else "",
            )
            self.fields[f"alt_{number}"] = forms.CharField(
                label=f"Description of image {number}",
                required=False,
                max_length=media.ALT_TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What the image shows, for people who cannot see it (alt text).",
            )

    @property
    def numbers(self) -> range:
        return range(1, media.MAX_ATTACHMENTS + 1)

    @property
    def slots(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        """(number, image field, description field) for each image the form takes, for the template."""
        return [(number, self[f"image_{number}"], self[f"alt_{number}"]) for number in self.numbers]

    def clean(self) -> dict:
        cleaned = super().clean()
        for number in self.numbers:
            upload, alt_text = cleaned.get(f"image_{number}"), cleaned.get(f"alt_{number}", "")
            if upload is None:
                if alt_text and f"image_{number}" not in self.errors:
                    self.add_error(f"image_{number}", "Choose the image this description is for.")
                continue
            try:
                self.images.append(media.prepare(upload, alt_text))
            except media.MediaError as error:
                self.add_error(f"image_{number}", str(error))
        return cleaned

    @property
    def missing_alt_text(self) -> int:
        """How many of the accepted images have no description."""
        return sum(1 for image in self.images if not image.alt_text)
