#!/usr/bin/env python3
"""A real OpenID Connect provider on loopback for the tests: django-oauth-toolkit (PyPI), the OAuth 2 / OpenID
Connect provider of Django, with its own login page, RS256 ID tokens, discovery, JWKS, PKCE and RP-initiated logout.
The workspace's browser test (scripts/check-web) signs in through it as each role.

Usage:
  provider.py setup FOLDER PORT REDIRECT_URL POST_LOGOUT_URL   makes the database, the signing key, the people and
                                                               their groups, and the client; prints the client's id
                                                               and secret as JSON
  provider.py serve FOLDER PORT                                serves http://127.0.0.1:PORT/o (the issuer)
Needs: pip install django django-oauth-toolkit
"""
import json
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
# The people of the test and the groups the municipality's directory would have them in (none for the last).
PASSWORD = "leverantorens-losenord-1"
PEOPLE = {
    "anna.samordnare": "lagesbild-samordnare",
    "sven.skola": "lagesbild-rapportor-skola",
    "karin.ks": "lagesbild-lasare",
    "maria.gruppen": "lagesbild-medlem",
    "olle.utanfor": None,
}
CLIENT_ID = "lagesbild-test"


def configure(folder, port):
    from django.conf import settings

    if settings.configured:
        return
    folder = pathlib.Path(folder)
    key = (folder / "signing-key.pem").read_text() if (folder / "signing-key.pem").exists() else ""
    settings.configure(
        DEBUG=False,
        SECRET_KEY=(folder / "django-secret").read_text() if (folder / "django-secret").exists() else "setup-only",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF="provider",
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "oauth2_provider"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / "provider.sqlite3")}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(HERE / "templates")], "APP_DIRS": True,
                    "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}],
        LOGIN_URL="/konto/logga-in/",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": key,
            "OIDC_ISS_ENDPOINT": f"http://127.0.0.1:{port}/o",
            "PKCE_REQUIRED": True,
            "SCOPES": {"openid": "OpenID Connect", "profile": "Profil"},
            "OAUTH2_VALIDATOR_CLASS": "provider.GroupsValidator",
            "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
            "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        },
    )
    import django

    django.setup()


try:
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class GroupsValidator(OAuth2Validator):
        """The ID token carries the person's user name and groups (as a directory's groups claim does)."""
        oidc_claim_scope = None

        def get_additional_claims(self, request):
            return {"preferred_username": request.user.username, "groups": sorted(g.name for g in request.user.groups.all())}
except Exception:  # imported before Django is configured: the module is loaded again as ROOT_URLCONF
    pass


def urlpatterns_():
    from django.contrib.auth.views import LoginView
    from django.urls import include, path

    return [path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
            path("konto/logga-in/", LoginView.as_view(template_name="registration/login.html"))]


def setup(folder, port, redirect, post_logout):
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "signing-key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                               serialization.NoEncryption()))
    (folder / "django-secret").write_text(os.urandom(32).hex())
    configure(folder, port)
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for name, group in PEOPLE.items():
        user = User.objects.create_user(name, password=PASSWORD)
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
    secret = os.urandom(24).hex()
    Application.objects.create(name="lagesbild", client_id=CLIENT_ID, client_secret=secret, client_type=Application.CLIENT_CONFIDENTIAL,
                               authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=redirect,
                               post_logout_redirect_uris=post_logout, algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    print(json.dumps({"client_id": CLIENT_ID, "client_secret": secret, "password": PASSWORD, "people": PEOPLE}))


def serve(folder, port):
    configure(folder, port)
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, skip_checks=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup" and len(sys.argv) == 6:
        setup(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif command == "serve" and len(sys.argv) == 4:
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
else:
    urlpatterns = urlpatterns_() if __name__ == "provider" and "django" in sys.modules and __import__("django.conf").conf.settings.configured else []
