from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class User(AbstractUser):
    """The project's user model, customisable from day one.

    https://docs.djangoproject.com/en/5.2/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
    """

    email = models.EmailField("email address", unique=True)
    name = models.CharField("display name", max_length=150, blank=True)
    bio = models.TextField(blank=True)

    class Meta(AbstractUser.Meta):
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.username

    def get_absolute_url(self) -> str:
        return reverse("users:detail", kwargs={"username": self.username})
