"""Google Drive: the cheap change check and the exports folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from bot.errors import InputError, StoreError

from .base import ExportFile, not_an_export_note
from .google_retry import api_disabled

DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
FOLDER_TYPE = "application/vnd.google-apps.folder"
FOLDER_URL = re.compile(r"/folders/(?P<id>[A-Za-z0-9_-]+)")
FOLDER_ID = re.compile(r"^[A-Za-z0-9_-]{10,}$")
SHARED_DRIVES = {"supportsAllDrives": "true"}


def file_version(client: HTTPClient, file_id: str) -> str:
    """Drive's `version` (bumped on every change) and `modifiedTime`: one small metadata read."""
    reply = client.request(
        "get", f"{DRIVE_FILES}/{file_id}", params={"fields": "version,modifiedTime", **SHARED_DRIVES}
    ).json()
    return f"{reply.get('version', '')}@{reply.get('modifiedTime', '')}"


def folder_id(setting: str) -> str:
    """The folder ID from the `Exports folder` setting: an ID or a Drive folder URL."""
    text = setting.strip()
    m = FOLDER_URL.search(text)
    if m:
        return m["id"]
    if FOLDER_ID.match(text):
        return text
    raise InputError(
        f"{setting!r} is not a Google Drive folder",
        where="Settings › Exports folder",
        fix="paste the folder's link from Drive (https://drive.google.com/drive/folders/…) or its ID",
    )


def list_exports(client: HTTPClient, folder: str) -> list[dict[str, Any]]:
    """Every entry directly in the folder, by name."""
    query = f"'{folder}' in parents and trashed = false"
    files: list[dict[str, Any]] = []
    token = ""
    while True:
        params: dict[str, str | int | bool | float | list[str] | None] = {
            "q": query,
            "fields": "nextPageToken,files(id,name,mimeType,md5Checksum,version,modifiedTime)",
            "pageSize": "1000",
            "includeItemsFromAllDrives": "true",
            **SHARED_DRIVES,
        }
        if token:
            params["pageToken"] = token
        reply = client.request("get", DRIVE_FILES, params=params).json()
        files.extend(reply.get("files", []))
        token = reply.get("nextPageToken", "")
        if not token:
            break
    return sorted(files, key=lambda f: f.get("name", ""))


def _entry(client: HTTPClient, file: dict[str, Any], download: bool) -> ExportFile:
    """One entry of the Drive folder: an export (downloaded if `download`), or why it is not one."""
    name, kind = str(file.get("name", "")), str(file.get("mimeType", ""))
    # the checksum of the content where Drive has one; its version and time otherwise
    fingerprint = str(file.get("md5Checksum") or f"{file.get('version', '')}@{file.get('modifiedTime', '')}")
    note = not_an_export_note(name, kind)
    if note:
        return ExportFile(name, b"", note=note, fingerprint=fingerprint)
    if kind == FOLDER_TYPE:
        return ExportFile(
            f"{name}/", b"", note="a subfolder: not read; put exports in the folder itself", fingerprint=fingerprint
        )
    if kind.startswith("application/vnd.google-apps."):
        return ExportFile(
            name, b"", problem="a Google Docs/Sheets file, not a file download; paste it into a Raw tab, or "
            "download it as CSV into the folder", fingerprint=fingerprint
        )  # fmt: skip
    data = (
        client.request("get", f"{DRIVE_FILES}/{file['id']}", params={"alt": "media", **SHARED_DRIVES}).content
        if download
        else b""
    )
    return ExportFile(name, data, fingerprint=fingerprint)


def download_exports(
    client: HTTPClient, setting: str, account: Callable[[], str], download: bool = True
) -> list[ExportFile]:
    """The folder's entries, downloaded; or, with `download` off, only listed (one call a page)."""
    folder = folder_id(setting)
    try:
        return [_entry(client, f, download) for f in list_exports(client, folder)]
    except APIError as exc:
        if api_disabled(exc):
            raise StoreError(
                "the Google Drive API is not enabled for the project of gapbot's service account",
                where=f"Settings › Exports folder ({folder})",
                fix="enable the Google Drive API in the Google Cloud console (APIs & Services › Library) for that "
                "project, wait a minute, and run again",
            ) from None
        if exc.code in (403, 404):
            email = account()
            raise StoreError(
                f"gapbot cannot read the exports folder (Google answered {exc.code})",
                where=f"Settings › Exports folder ({folder})",
                fix=f"share the folder with {email or 'the service account'} as Viewer, and enable the Drive API",
            ) from None
        raise
