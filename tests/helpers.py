"""Helpers shared by the tests."""

from __future__ import annotations

import base64

import oss_process


def b64(text: str) -> str:
    """URL-safe Base64 without padding, as the documentation's encoding rule says."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def codes(text: str, **options: object) -> list[str]:
    return [d.code for d in oss_process.lint(text, **options)]  # type: ignore[arg-type]


def errors(text: str, **options: object) -> list[str]:
    return [d.code for d in oss_process.lint(text, **options) if d.is_error]  # type: ignore[arg-type]
