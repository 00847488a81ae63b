"""Project checks (`manage.py check`): settings that would quietly weaken the service."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def vote_key_apart_from_secret_key(app_configs, **kwargs):
    """The voter tokens' key must live apart from SECRET_KEY: anyone holding the one key (a
    leaked settings file, a debug page) could otherwise tie votes to members."""
    vote_key = settings.VOTE_KEY
    if not vote_key or vote_key == settings.SECRET_KEY:
        return [Warning(
            "VOTE_KEY is not set, or is the same as SECRET_KEY.",
            hint="Set VOTE_KEY to a long random value of its own (python -c \"import secrets; "
                 "print(secrets.token_urlsafe(50))\"), kept outside the database, and never "
                 "change it while a ballot is open.",
            id="coop.W001")]
    return []
