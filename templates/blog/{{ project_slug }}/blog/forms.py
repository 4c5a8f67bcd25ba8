from django import forms

from .models import Comment, Post

MAX_TAGS = 5


class PostForm(forms.ModelForm):
    """Authors write and edit their posts; the author and slug are set by the view and the model."""

    class Meta:
        model = Post
        fields = ("title", "excerpt", "body", "cover", "category", "tags", "status", "published_at")
        widgets = {
            "excerpt": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
            "tags": forms.CheckboxSelectMultiple,
            "published_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        help_texts = {
            "published_at": "Leave empty to publish now; a future date schedules the post.",
            "tags": f"Up to {MAX_TAGS}.",
            # How prose.py reads the body (the form partial shows help text as HTML).
            "body": "A blank line starts a paragraph. Start lines with <code>&gt;</code> to quote; put code "
            "between two lines of <code>```</code>, or inline between <code>`</code> backticks.",
        }

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not any(char.isalnum() for char in title):
            raise forms.ValidationError("The title needs at least one letter or digit.")
        return title

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Choose at most {MAX_TAGS} tags.")
        return tags


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ("body",)
        labels = {"body": "Your comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if len(body) < 2:
            raise forms.ValidationError("The comment is too short.")
        return body
