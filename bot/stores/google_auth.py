"""Google credentials: a service-account key file, a key in an environment variable, or ADC.

Scopes are the narrowest that work: the spreadsheet itself, Drive metadata for the cheap
change check, and Drive read access only when an exports folder on Drive is used.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import google.auth
from google.auth.credentials import Credentials
from google.auth.exceptions import DefaultCredentialsError
from google.oauth2 import service_account

from bot.errors import ConfigError

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_METADATA_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"
DRIVE_READ_SCOPE = "https://www.googleapis.com/auth/drive.readonly"
BASE_SCOPES = (SHEETS_SCOPE, DRIVE_METADATA_SCOPE)

KEY_FILE_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
KEY_JSON_ENV = "GAPBOT_SERVICE_ACCOUNT_JSON"


def key_source(env: Mapping[str, str] | None = None) -> str:
    """Where the key `load_credentials` uses comes from, for messages about it."""
    env = os.environ if env is None else env
    if env.get(KEY_JSON_ENV, "").strip():
        return KEY_JSON_ENV
    if env.get(KEY_FILE_ENV, "").strip():
        return f"{KEY_FILE_ENV} ({env[KEY_FILE_ENV].strip()})"
    return "the application default credentials (gcloud auth application-default login)"


def load_credentials(
    key_file: str | None = None, env: Mapping[str, str] | None = None, scopes: Sequence[str] = BASE_SCOPES
) -> Credentials:
    """Credentials from, in order: `key_file`, $GAPBOT_SERVICE_ACCOUNT_JSON, $GOOGLE_APPLICATION_CREDENTIALS, ADC."""
    env = os.environ if env is None else env
    if key_file:
        return _from_file(Path(key_file).expanduser(), scopes, "--credentials")
    if env.get(KEY_JSON_ENV, "").strip():
        try:
            info = json.loads(env[KEY_JSON_ENV])
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"the service-account key is not valid JSON ({exc.msg} at character {exc.pos})",
                where=KEY_JSON_ENV,
                fix="paste the whole key file downloaded from the Google Cloud console",
            ) from None
        return _from_info(info, scopes, KEY_JSON_ENV)
    if env.get(KEY_FILE_ENV, "").strip():
        return _from_file(Path(env[KEY_FILE_ENV]).expanduser(), scopes, KEY_FILE_ENV)
    try:
        credentials, _ = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError:
        raise ConfigError(
            "no Google credentials found",
            where="--sheet",
            fix=f"set {KEY_FILE_ENV} to a service-account key file, put the key JSON in {KEY_JSON_ENV}, "
            "or run `gcloud auth application-default login`",
        ) from None
    return credentials


def _from_file(path: Path, scopes: Sequence[str], where: str) -> Credentials:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"the key file {str(path)!r} does not exist", where=where, fix="check the path") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read the key file {str(path)!r} ({type(exc).__name__})",
            where=where,
            fix="give the JSON key downloaded from the Google Cloud console",
        ) from None
    if info.get("type") != "service_account":
        credentials, _ = google.auth.load_credentials_from_file(str(path), scopes=list(scopes))
        return credentials
    return _from_info(info, scopes, where)


def _from_info(info: object, scopes: Sequence[str], where: str) -> Credentials:
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConfigError(
            "this is not a service-account key",
            where=where,
            fix='use the JSON key of a service account (it has "type": "service_account")',
        )
    try:
        return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))
    except (ValueError, KeyError) as exc:
        raise ConfigError(
            f"the service-account key is incomplete or damaged ({type(exc).__name__})",
            where=where,
            fix="download a new key from the Google Cloud console",
        ) from None


def with_scopes(credentials: Credentials, scopes: Sequence[str]) -> Credentials:
    """The same identity with other scopes (used to add Drive read access only when needed)."""
    if hasattr(credentials, "with_scopes"):
        return credentials.with_scopes(list(scopes))
    return credentials


def account_email(credentials: Credentials) -> str:
    """The e-mail to share the sheet with, when the credentials have one."""
    for attribute in ("service_account_email", "signer_email"):
        value = getattr(credentials, attribute, None)
        if isinstance(value, str) and "@" in value:
            return value
    return ""
