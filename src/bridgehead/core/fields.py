"""Model fields with the project's defaults."""

from django.db import models


class WebAddressField(models.URLField):
    """A URL field whose forms assume https:// when people type "example.org" (Django 6's default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
