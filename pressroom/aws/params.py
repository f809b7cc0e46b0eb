"""Secrets from SSM Parameter Store or Secrets Manager, through Powertools Parameters.

On AWS the signing keys (native, imgproxy key and salt, thumbor, AWS DIT) and the console
token are not in the function's environment: `PRESSROOM_<NAME>_PARAM` names where each lives
("/pressroom/signing-key" or "ssm:/..." = an SSM SecureString, read with decryption;
"secretsmanager:<name>" or a secret's ARN = a Secrets Manager secret). The stored text has
the same format as the environment variable it replaces (comma-separated hex keys, ...), and
is parsed by the same `config.py` parser. Environment variables stay for local use; a
parameter, when named, wins.

Values are cached by Powertools for `PRESSROOM_PARAMETERS_MAX_AGE` seconds (default 300), so
a rotation takes effect within that time on every warm container, without a redeploy: put
"new,old" first (the first key signs, any verifies), wait max_age, then "new" alone.

A read that fails, or a value that does not parse, after a good value was once read keeps
that value (logged): an SSM throttle or a typo in a rotation must not turn every thumbnail
into a 500. With no value at hand it is a `ConfigError` ("parameter_unreadable" or
"bad_setting") naming the parameter.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from pressroom.reasons import ConfigError

if TYPE_CHECKING:
    from pressroom.config import Settings

log = logging.getLogger(__name__)

# (settings field holding the secret, settings field naming its parameter)
SECRETS: tuple[tuple[str, str], ...] = (
    ("signing_keys", "signing_key_param"),
    ("imgproxy_keys", "imgproxy_key_param"),
    ("imgproxy_salts", "imgproxy_salt_param"),
    ("thumbor_keys", "thumbor_key_param"),
    ("dit_secrets", "dit_secret_param"),
    ("console_token", "console_token_param"),
    ("api_tokens", "api_tokens_param"),
)

SECRETS_PREFIX = "secretsmanager:"
SSM_PREFIX = "ssm:"


def where(ref: str) -> tuple[str, str]:
    """("ssm" | "secretsmanager", name or ARN) for a parameter reference."""
    if ref.startswith(SECRETS_PREFIX):
        return "secretsmanager", ref[len(SECRETS_PREFIX) :]
    if ref.startswith("arn:") and ":secretsmanager:" in ref:
        return "secretsmanager", ref
    if ref.startswith(SSM_PREFIX):
        return "ssm", ref[len(SSM_PREFIX) :]
    return "ssm", ref


def named(settings: Settings) -> bool:
    """Whether any secret is to be read from a parameter."""
    return any(getattr(settings, param) for _, param in SECRETS)


class Parameters:
    """Powertools providers on boto3 clients (at `endpoint`: moto in tests), made on first use."""

    def __init__(self, endpoint: str | None = None) -> None:
        self.endpoint = endpoint
        self._providers: dict[str, Any] = {}
        self._last: dict[str, str] = {}  # last text read per reference (stale-if-error)
        self._good: dict[str, Any] = {}  # last value that parsed, per reference

    def _provider(self, kind: str) -> Any:
        if kind not in self._providers:
            import boto3
            from aws_lambda_powertools.utilities import parameters

            client = boto3.client(kind, endpoint_url=self.endpoint)
            self._providers[kind] = (
                parameters.SSMProvider(boto3_client=client)
                if kind == "ssm"
                else parameters.SecretsProvider(boto3_client=client)
            )
        return self._providers[kind]

    def text(self, ref: str, max_age: int) -> str:
        """The parameter's text: from Powertools' cache while younger than max_age."""
        kind, name = where(ref)
        try:
            provider = self._provider(kind)
            if kind == "ssm":
                value = provider.get(name, max_age=max_age, decrypt=True)
            else:
                value = provider.get(name, max_age=max_age)
        except Exception as exc:  # noqa: BLE001 - GetParameterError wraps every SDK error
            if ref in self._last:
                log.warning("parameter %s unreadable, keeping its last value: %s", ref, exc)
                return self._last[ref]
            raise ConfigError("parameter_unreadable", f"{ref}: {exc}") from None
        text = value.decode() if isinstance(value, bytes) else str(value)
        self._last[ref] = text
        return text

    def resolve(self, settings: Settings) -> Settings:
        """`settings` with every secret that names a parameter read from it (and parsed as
        its environment variable would be); `settings` itself when none does."""
        meta = {f.name: f.metadata for f in dataclasses.fields(settings)}
        changes: dict[str, Any] = {}
        for secret, param in SECRETS:
            ref = getattr(settings, param)
            if ref:
                raw = self.text(ref, settings.parameters_max_age)
                try:
                    changes[secret] = self._good[ref] = meta[secret]["parse"](raw)
                except ValueError as exc:  # e.g. a key that is not hex
                    if ref not in self._good:
                        raise ConfigError("bad_setting", f"{ref}: {exc}") from None
                    log.error("parameter %s malformed, keeping its last value: %s", ref, exc)
                    changes[secret] = self._good[ref]
        return settings.replace(**changes) if changes else settings
