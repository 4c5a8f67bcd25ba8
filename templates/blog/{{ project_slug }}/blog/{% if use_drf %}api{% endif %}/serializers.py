from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..models import Category, Comment, Post, Tag


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ("username", "display_name")
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("name", "slug", "description")


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ("name", "slug")


class PostSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:post-detail", lookup_field="slug")
    author = AuthorSerializer(read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), allow_null=True, required=False
    )
    tags = serializers.SlugRelatedField(
        slug_field="slug", queryset=Tag.objects.all(), many=True, required=False
    )
    num_comments = serializers.IntegerField(read_only=True, help_text="Approved comments.")

    class Meta:
        model = Post
        fields = (
            "url",
            "slug",
            "title",
            "excerpt",
            "body",
            "cover",
            "status",
            "published_at",
            "author",
            "category",
            "tags",
            "num_comments",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("slug", "created_at", "updated_at")

    def validate_title(self, value: str) -> str:
        value = value.strip()
        if not any(char.isalnum() for char in value):
            raise serializers.ValidationError("The title needs at least one letter or digit.")
        return value


class CommentSerializer(serializers.ModelSerializer):
    post = serializers.SlugRelatedField(slug_field="slug", queryset=Post.objects.all())
    author = AuthorSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ("id", "post", "author", "body", "is_approved", "created_at")
        read_only_fields = ("is_approved", "created_at")
        extra_kwargs = {"body": {"min_length": 2}}  # published in the schema; validate_body explains

    def validate_post(self, value: Post) -> Post:
        if not value.is_published:
            raise serializers.ValidationError("Comments are open on published posts only.")
        return value

    def validate_body(self, value: str) -> str:
        value = value.strip()
        if len(value) < 2:
            raise serializers.ValidationError("The comment is too short.")
        return value
