"""Single sign-on for the hub: OpenID Connect (Feide as the worked example) and LTI 1.3.

Written as a TOML file given to `kurskit hub serve --sso FILE`, with one table:

    [oidc]                                   # GenericOAuthenticator (oauthenticator)
    client_id = "…"                          # from the identity provider
    client_secret_file = "/root/.local/share/kurskit/hub/oidc-secret"  # in the state folder
    # Feide's endpoints are the defaults; another provider sets all three:
    # authorize_url = "…"; token_url = "…"; userdata_url = "…"

    [lti13]                                  # LTI13Authenticator (jupyterhub-ltiauthenticator)
    issuer = "https://canvas.example.org"
    client_id = ["10000000000001"]
    authorize_url = "https://canvas.example.org/api/lti/authorize_redirect"
    jwks_endpoint = "https://canvas.example.org/api/lti/security/jwks"
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

#: Feide (Norway's identity federation for education and research), OpenID Connect.
FEIDE_AUTHORIZE_URL = "https://auth.dataporten.no/oauth/authorization"
FEIDE_TOKEN_URL = "https://auth.dataporten.no/oauth/token"
FEIDE_USERINFO_URL = "https://auth.dataporten.no/openid/userinfo"


class OidcSettings(BaseModel, extra="forbid"):
    """OpenID Connect through GenericOAuthenticator; the defaults are Feide's."""

    client_id: str = Field(description="The client id the identity provider gave the hub.")
    client_secret_file: Path = Field(description="A file holding the client secret (mode 0600).")
    authorize_url: str = FEIDE_AUTHORIZE_URL
    token_url: str = FEIDE_TOKEN_URL
    userdata_url: str = FEIDE_USERINFO_URL
    username_claim: str = Field(
        default="email", description="The userinfo claim that becomes the hub user name."
    )
    scope: list[str] = Field(default_factory=lambda: ["openid", "profile", "email"])
    allowed_groups: list[str] = Field(
        default_factory=list,
        description="Only members of these groups (claim `groups`) may log in; empty: anyone.",
    )


class Lti13Settings(BaseModel, extra="forbid"):
    """LTI 1.3: the hub as an external tool of a learning platform (Canvas, Moodle, …)."""

    issuer: str
    client_id: list[str] = Field(min_length=1)
    authorize_url: str
    jwks_endpoint: str
    username_key: str = Field(default="email", description="The launch claim for the user name.")


class SsoSettings(BaseModel, extra="forbid"):
    """One of the two ways to sign in; the file names exactly one."""

    oidc: OidcSettings | None = None
    lti13: Lti13Settings | None = None


def read_sso(file: Path) -> SsoSettings:
    """Read and check an SSO file; errors name the file and the field."""
    try:
        data = tomllib.loads(file.read_text("utf-8"))
        settings = SsoSettings.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{file}: {error}") from None
    except ValidationError as error:
        fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ValueError(f"{file}: {fields}") from None
    if (settings.oidc is None) == (settings.lti13 is None):
        raise ValueError(f"{file}: give exactly one of [oidc] and [lti13]")
    return settings


def configure_sso(c: Any, sso: SsoSettings) -> None:
    """Replace the hub's local accounts with the identity provider of `sso`."""
    if sso.oidc is not None:
        oidc = sso.oidc
        c.JupyterHub.authenticator_class = "oauthenticator.generic.GenericOAuthenticator"
        c.GenericOAuthenticator.client_id = oidc.client_id
        c.GenericOAuthenticator.client_secret = oidc.client_secret_file.read_text().strip()
        c.GenericOAuthenticator.authorize_url = oidc.authorize_url
        c.GenericOAuthenticator.token_url = oidc.token_url
        c.GenericOAuthenticator.userdata_url = oidc.userdata_url
        c.GenericOAuthenticator.username_claim = oidc.username_claim
        c.GenericOAuthenticator.scope = oidc.scope
        if oidc.allowed_groups:
            # Not manage_groups: it would replace the user's hub groups with the provider's
            # at every login, and so drop kurskit's cohorts and instructor groups.
            c.GenericOAuthenticator.auth_state_groups_key = "oauth_user.groups"
            c.GenericOAuthenticator.allowed_groups = set(oidc.allowed_groups)
            c.Authenticator.allow_all = False
    elif sso.lti13 is not None:
        lti = sso.lti13
        c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
        c.LTI13Authenticator.issuer = lti.issuer
        c.LTI13Authenticator.client_id = set(lti.client_id)
        c.LTI13Authenticator.authorize_url = lti.authorize_url
        c.LTI13Authenticator.jwks_endpoint = lti.jwks_endpoint
        c.LTI13Authenticator.username_key = lti.username_key
