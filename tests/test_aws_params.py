"""Secrets through Powertools Parameters (pressroom.aws.params), on moto server's SSM and
Secrets Manager over HTTP, and the thumbnail handler's key rotation without a redeploy."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from pressroom.aws import thumbnail
from pressroom.aws.params import Parameters, where
from pressroom.config import Settings
from pressroom.reasons import ConfigError
from pressroom.render.signature import imgproxy_sign, signed_path, thumbor_sign
from tests.aws_server import aws_env, moto_endpoint  # noqa: F401
from tests.test_lambda_thumbnail import Context, function_url_v2_event
from tests.thumbnail_fixtures import Library, library  # noqa: F401

OLD = bytes.fromhex("a1" * 32)
NEW = bytes.fromhex("b2" * 32)
MAX_AGE = 1  # seconds: the test waits it out instead of touching any clock
# The handler's cache age: long enough that "still cached" holds on a loaded machine.
HANDLER_MAX_AGE = 3


def test_references_name_their_store() -> None:
    assert where("/pressroom/signing-key") == ("ssm", "/pressroom/signing-key")
    assert where("ssm:/pressroom/k") == ("ssm", "/pressroom/k")
    assert where("secretsmanager:pressroom/console") == ("secretsmanager", "pressroom/console")
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pressroom/thumbor-AbCdEf"
    assert where(arn) == ("secretsmanager", arn)


def test_every_secret_resolves_from_ssm_or_secrets_manager(
    moto_endpoint: str,  # noqa: F811
) -> None:
    ssm = boto3.client("ssm", endpoint_url=moto_endpoint)
    sm = boto3.client("secretsmanager", endpoint_url=moto_endpoint)
    ssm.put_parameter(Name="/p/signing", Value=f"{NEW.hex()},{OLD.hex()}", Type="SecureString")
    ssm.put_parameter(Name="/p/imgproxy-key", Value="943b421c", Type="SecureString")
    ssm.put_parameter(Name="/p/imgproxy-salt", Value="520f986b", Type="SecureString")
    sm.create_secret(Name="p/thumbor", SecretString="MY_SECURE_KEY")
    sm.create_secret(Name="p/dit", SecretString="dit-secret,older")
    console = sm.create_secret(Name="p/console", SecretString="staff-token")["ARN"]
    env = Settings.from_env(
        {
            "PRESSROOM_SIGNING_KEY": "00ff",  # a parameter, when named, wins
            "PRESSROOM_SIGNING_KEY_PARAM": "/p/signing",
            "PRESSROOM_IMGPROXY_KEY_PARAM": "ssm:/p/imgproxy-key",
            "PRESSROOM_IMGPROXY_SALT_PARAM": "/p/imgproxy-salt",
            "PRESSROOM_THUMBOR_KEY_PARAM": "secretsmanager:p/thumbor",
            "PRESSROOM_DIT_SECRET_PARAM": "secretsmanager:p/dit",
            "PRESSROOM_CONSOLE_TOKEN_PARAM": console,
        }
    )
    got = Parameters(moto_endpoint).resolve(env)
    assert got.signing_keys == (NEW, OLD)
    assert got.imgproxy_keys == (bytes.fromhex("943b421c"),)
    assert got.imgproxy_salts == (bytes.fromhex("520f986b"),)
    assert got.thumbor_keys == (b"MY_SECURE_KEY",)
    assert got.dit_secrets == (b"dit-secret", b"older")
    assert got.console_token == "staff-token"
    # Nothing named: the environment's settings, untouched, and no AWS call.
    plain = Settings.from_env({"PRESSROOM_SIGNING_KEY": "00ff"})
    assert Parameters("http://127.0.0.1:9").resolve(plain) is plain


def test_unreadable_and_malformed_parameters(moto_endpoint: str) -> None:  # noqa: F811
    ssm = boto3.client("ssm", endpoint_url=moto_endpoint)
    env = Settings.from_env(
        {"PRESSROOM_SIGNING_KEY_PARAM": "/p/k", "PRESSROOM_PARAMETERS_MAX_AGE": str(MAX_AGE)}
    )
    params = Parameters(moto_endpoint)
    with pytest.raises(ConfigError) as missing:
        params.resolve(env)
    assert missing.value.code == "parameter_unreadable" and "/p/k" in missing.value.detail
    ssm.put_parameter(Name="/p/k", Value="not hex", Type="SecureString")
    with pytest.raises(ConfigError) as bad:
        params.resolve(env)
    assert bad.value.code == "bad_setting"
    ssm.put_parameter(Name="/p/k", Value=NEW.hex(), Type="SecureString", Overwrite=True)
    time.sleep(MAX_AGE + 0.1)
    assert params.resolve(env).signing_keys == (NEW,)
    # Once a good value was read, a malformed one or a failing read (deleted, throttled,
    # denied) keeps it: a slip in a rotation must not stop every thumbnail.
    ssm.put_parameter(Name="/p/k", Value="zz", Type="SecureString", Overwrite=True)
    time.sleep(MAX_AGE + 0.1)
    assert params.resolve(env).signing_keys == (NEW,)
    ssm.delete_parameter(Name="/p/k")
    time.sleep(MAX_AGE + 0.1)
    assert params.resolve(env).signing_keys == (NEW,)


@pytest.fixture
def rotating(
    library: Library,  # noqa: F811
    moto_endpoint: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    """The thumbnail handler configured as deployed: no key in its environment, only the
    names of its parameters (moto's SSM and Secrets Manager)."""
    ssm = boto3.client("ssm", endpoint_url=moto_endpoint)
    ssm.put_parameter(Name="/pressroom/signing-key", Value=OLD.hex(), Type="SecureString")
    ssm.put_parameter(Name="/pressroom/imgproxy-key", Value=OLD.hex(), Type="SecureString")
    ssm.put_parameter(Name="/pressroom/imgproxy-salt", Value=OLD.hex(), Type="SecureString")
    sm = boto3.client("secretsmanager", endpoint_url=moto_endpoint)
    sm.create_secret(Name="pressroom/thumbor-key", SecretString="old-thumbor")
    for name, value in {
        "PRESSROOM_DATA": str(library.settings.data_dir),
        "PRESSROOM_THUMB_SIZES": "*",
        "PRESSROOM_AWS_ENDPOINT": moto_endpoint,
        "PRESSROOM_PARAMETERS_MAX_AGE": str(HANDLER_MAX_AGE),
        "PRESSROOM_SIGNING_KEY_PARAM": "/pressroom/signing-key",
        "PRESSROOM_IMGPROXY_KEY_PARAM": "/pressroom/imgproxy-key",
        "PRESSROOM_IMGPROXY_SALT_PARAM": "/pressroom/imgproxy-salt",
        "PRESSROOM_THUMBOR_KEY_PARAM": "secretsmanager:pressroom/thumbor-key",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PRESSROOM_SIGNING_KEY", raising=False)
    thumbnail.reset()
    yield ssm, sm
    thumbnail.reset()


def _status(path: str) -> int:
    return thumbnail.handler(function_url_v2_event(path, "image/webp"), Context())["statusCode"]


def test_rotation_takes_effect_after_max_age_without_redeploy(
    library: Library,  # noqa: F811
    rotating: Any,
) -> None:
    ssm, sm = rotating
    photo = library.ids["land1"]
    native = f"/w:160/h:120/fit:cover/{photo}"
    rest = f"/rs:fill:160:120/plain/{photo}"
    thumbor = f"160x120/smart/{photo}"

    def by_imgproxy(key: bytes) -> int:
        return _status(f"/imgproxy/{imgproxy_sign(rest, key, key)}{rest}")

    def by_thumbor(key: str) -> int:
        return _status(f"/thumbor/{thumbor_sign(thumbor, key.encode())}/{thumbor}")

    assert _status(signed_path(native, OLD)) == 200
    assert by_imgproxy(OLD) == 200 and by_thumbor("old-thumbor") == 200
    assert _status(signed_path(native, NEW)) == 403
    # The renders above took a while: let the cache expire and refill it now (a result
    # cache hit, fast), so the checks right after the rotation fall inside max_age.
    time.sleep(HANDLER_MAX_AGE + 0.1)
    assert _status(signed_path(native, OLD)) == 200

    # Rotate: the new key alone (the old one dropped at once, to see both edges).
    ssm.put_parameter(Name="/pressroom/signing-key", Value=NEW.hex(), Overwrite=True,
                      Type="SecureString")  # fmt: skip
    for name in ("/pressroom/imgproxy-key", "/pressroom/imgproxy-salt"):
        ssm.put_parameter(Name=name, Value=NEW.hex(), Overwrite=True, Type="SecureString")
    sm.put_secret_value(SecretId="pressroom/thumbor-key", SecretString="new-thumbor")
    # Within max_age the cached values still rule: no SSM read per request.
    assert _status(signed_path(native, OLD)) == 200
    assert _status(signed_path(native, NEW)) == 403
    time.sleep(HANDLER_MAX_AGE + 0.1)
    assert _status(signed_path(native, NEW)) == 200
    assert _status(signed_path(native, OLD)) == 403
    assert by_imgproxy(NEW) == 200 and by_imgproxy(OLD) == 403
    assert by_thumbor("new-thumbor") == 200 and by_thumbor("old-thumbor") == 403

    # The usual rotation lists both for a while: new signs, old still verifies.
    ssm.put_parameter(Name="/pressroom/signing-key", Value=f"{NEW.hex()},{OLD.hex()}",
                      Overwrite=True, Type="SecureString")  # fmt: skip
    time.sleep(HANDLER_MAX_AGE + 0.1)
    assert _status(signed_path(native, OLD)) == 200 and _status(signed_path(native, NEW)) == 200


def test_console_token_from_secrets_manager(
    library: Library,  # noqa: F811
    rotating: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, sm = rotating
    arn = sm.create_secret(Name="pressroom/console-token", SecretString="first-token")["ARN"]
    event = function_url_v2_event("/console/", "text/html")
    # No token named: /console is the thumbnail API's path like any other (no console).
    assert _status("/console/") != 200
    monkeypatch.setenv("PRESSROOM_CONSOLE_TOKEN_PARAM", arn)
    thumbnail.reset()
    page = thumbnail.handler(event, Context())
    assert page["statusCode"] == 401
    body = page["body"]
    text = base64.b64decode(body).decode() if page.get("isBase64Encoded") else body
    assert "Sign in" in text

    def signed_in(token: str) -> int:
        headers = {"authorization": f"Bearer {token}"}
        return thumbnail.handler(
            function_url_v2_event("/console/", "text/html", headers), Context()
        )["statusCode"]

    assert signed_in("first-token") == 200
    sm.put_secret_value(SecretId=arn, SecretString="second-token")
    time.sleep(HANDLER_MAX_AGE + 0.1)
    assert signed_in("second-token") == 200
    assert signed_in("first-token") == 401


def test_handlers_send_traces_to_the_xray_daemon(
    moto_endpoint: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """In Lambda (LAMBDA_TASK_ROOT and a sampled _X_AMZN_TRACE_ID set) a handler's
    invocation is a `## handler` subsegment of the function's trace, with its AWS calls
    (botocore, patched by Powertools Tracer) beneath it, sent to the X-Ray daemon's UDP port
    (here a socket of the test's: the daemon's wire format is one JSON header line, then the
    segment document)."""
    from pressroom.catalogue.dynamodb import create_tables

    create_tables("traced", boto3.client("dynamodb", endpoint_url=moto_endpoint))
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(30)
    trace = "1-5759e988-bd862e3fe1be46a994272793"
    env = {
        **aws_env(),
        "LAMBDA_TASK_ROOT": str(tmp_path),
        "AWS_LAMBDA_FUNCTION_NAME": "pressroom-backfill",
        "_X_AMZN_TRACE_ID": f"Root={trace};Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon.getsockname()[1]}",
        "PRESSROOM_DATA": str(tmp_path),
        "PRESSROOM_CATALOGUE": "dynamodb://traced",
        "PRESSROOM_AWS_ENDPOINT": moto_endpoint,
        "PRESSROOM_TAGS": "0",
        "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
    }
    code = (
        "from pressroom.aws import backfill\n"
        "from tests.aws_lambda import LambdaContext\n"
        "event = {'BatchInput': {'mode': 'remaster', 'bucket': 'media'},\n"
        "         'Items': [{'Key': 'masters/nobody.jpg', 'Size': 1}]}\n"
        "print(backfill.handler(event, LambdaContext())['outcomes'])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).parent.parent)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "{'skipped': 1}" in run.stdout
    segments: dict[str, dict[str, Any]] = {}
    while "## handler" not in segments:
        header, _, body = daemon.recvfrom(65536)[0].partition(b"\n")
        assert json.loads(header) == {"format": "json", "version": 1}
        doc = json.loads(body)
        segments[doc["name"]] = doc
    handler = segments["## handler"]
    assert handler["trace_id"] == trace and handler["parent_id"] == "53995c3f42cd8ad8"
    assert handler["annotations"] == {"ColdStart": True, "Service": "pressroom"}
    assert "metadata" not in handler  # responses are never captured
    dynamo = segments["dynamodb"]  # the catalogue's read, as botocore made it
    assert dynamo["trace_id"] == trace and dynamo["aws"]["operation"] == "GetItem"
    assert dynamo["parent_id"] == handler["id"]  # beneath the invocation
    daemon.close()
