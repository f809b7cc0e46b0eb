"""deploy/template.yaml: cfn-lint (pinned), our own rules, and agreement with the code."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load

from pressroom.catalogue import dynamodb
from pressroom.config import Settings
from pressroom.render.negotiate import accept_key
from tests.aws_server import moto_endpoint  # noqa: F401
from tests.system_tools import require

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "template.yaml"
# AWS: "set the source queue's visibility timeout to at least six times the timeout that you
# configure on your function", plus the batching window, or a batch still being collected
# and processed can become visible again and be processed twice.
VISIBILITY_FACTOR = 6


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load(str(TEMPLATE))


def _resolve(value: Any, template: dict[str, Any]) -> Any:
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return template["Parameters"][value["Ref"]]["Default"]
    return value


def _target(value: Any) -> str:
    """The logical id named by !GetAtt X.Arn / !Ref X."""
    if isinstance(value, dict):
        ((fn, arg),) = value.items()
        if fn == "Fn::GetAtt":
            return arg[0] if isinstance(arg, list) else arg.split(".")[0]
        if fn == "Ref":
            return arg
    raise ValueError(f"cannot follow {value!r}")


def sqs_consumers(template: dict[str, Any]) -> list[tuple[str, str, float]]:
    """(function, queue, batching window) for every SQS event source in the template."""
    found = []
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            for event in props.get("Events", {}).values():
                if event["Type"] == "SQS":
                    p = event["Properties"]
                    window = _resolve(p.get("MaximumBatchingWindowInSeconds", 0), template)
                    found.append((name, _target(p["Queue"]), float(window)))
        elif resource["Type"] == "AWS::Lambda::EventSourceMapping":
            window = _resolve(props.get("MaximumBatchingWindowInSeconds", 0), template)
            found.append(
                (_target(props["FunctionName"]), _target(props["EventSourceArn"]), float(window))
            )
    return [(f, q, w) for f, q, w in found if template["Resources"][q]["Type"] == "AWS::SQS::Queue"]


def visibility_violations(template: dict[str, Any]) -> list[str]:
    resources = template["Resources"]
    globals_timeout = template.get("Globals", {}).get("Function", {}).get("Timeout", 3)
    problems = []
    for function, queue, window in sqs_consumers(template):
        props = resources[function]["Properties"]
        timeout = float(_resolve(props.get("Timeout", globals_timeout), template))
        visibility = float(
            _resolve(resources[queue].get("Properties", {}).get("VisibilityTimeout", 30), template)
        )
        needed = VISIBILITY_FACTOR * timeout + window
        if visibility < needed:
            problems.append(f"{queue}: VisibilityTimeout {visibility:g} < {needed:g} ({function})")
    return problems


def test_cfn_lint_passes_at_the_pinned_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    pinned = re.search(r'"cfn-lint==([^"]+)"', pyproject)
    assert pinned, "cfn-lint must be pinned in pyproject's dev dependencies"
    assert importlib.metadata.version("cfn-lint") == pinned.group(1)
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), "--format", "parseable", str(TEMPLATE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Exit 0: no errors, no warnings, no informational findings.
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_queue_outlasts_six_consumer_timeouts(template: dict[str, Any]) -> None:
    consumers = sqs_consumers(template)
    assert {(f, q) for f, q, _ in consumers} == {
        ("UploadFunction", "UploadQueue"),
        ("PrintFunction", "PrintQueue"),
    }
    assert visibility_violations(template) == []


def test_visibility_rule_catches_violations(template: dict[str, Any]) -> None:
    bad = copy.deepcopy(template)
    bad["Resources"]["PrintQueue"]["Properties"]["VisibilityTimeout"] = 900
    bad["Resources"]["UploadQueue"]["Properties"]["VisibilityTimeout"] = 360  # window forgotten
    assert visibility_violations(bad) == [
        "UploadQueue: VisibilityTimeout 360 < 361 (UploadFunction)",
        "PrintQueue: VisibilityTimeout 900 < 5400 (PrintFunction)",
    ]
    # A raw event source mapping and a queue left at SQS's default 30 s are checked too.
    bad = copy.deepcopy(template)
    bad["Resources"]["ExtraQueue"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    bad["Resources"]["ExtraMapping"] = {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {
            "FunctionName": {"Ref": "CleanupFunction"},
            "EventSourceArn": {"Fn::GetAtt": ["ExtraQueue", "Arn"]},
        },
    }
    assert visibility_violations(bad) == [
        "ExtraQueue: VisibilityTimeout 30 < 1800 (CleanupFunction)"
    ]


def test_every_work_queue_has_a_dead_letter_queue(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    queues = {n for n, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    dead = {
        _target(resources[q]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in queues
        if "RedrivePolicy" in resources[q].get("Properties", {})
    }
    assert dead == {"UploadDeadLetterQueue", "PrintDeadLetterQueue"}
    for queue in queues - dead:
        assert "RedrivePolicy" in resources[queue]["Properties"], queue


def test_print_retries_and_lease_agree_with_the_code(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    env = template["Globals"]["Function"]["Environment"]["Variables"]
    redrive = resources["PrintQueue"]["Properties"]["RedrivePolicy"]
    # One parameter sets both SQS's maxReceiveCount and the handler's "last receive".
    assert redrive["maxReceiveCount"] == env["PRESSROOM_PRINT_MAX_RECEIVES"]
    printer = resources["PrintFunction"]["Properties"]
    assert printer["Environment"]["Variables"]["PRESSROOM_PRINT_LEASE"] == printer["Timeout"]


def test_tables_match_the_code(template: dict[str, Any], moto_endpoint: str) -> None:  # noqa: F811
    import boto3

    client = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    dynamodb.create_tables("t", client)
    resources = template["Resources"]
    for logical, suffix in (("PhotosTable", "photos"), ("PrintJobsTable", "print-jobs")):
        props = resources[logical]["Properties"]
        assert props["TableName"] == {"Fn::Sub": f"${{AWS::StackName}}-{suffix}"}
        made = client.describe_table(TableName=f"t-{suffix}")["Table"]
        assert sorted(props["AttributeDefinitions"], key=str) == sorted(
            made["AttributeDefinitions"], key=str
        )
        assert props["KeySchema"] == made["KeySchema"]
        ((index,),) = [props["GlobalSecondaryIndexes"]]
        assert index["IndexName"] == dynamodb.STATE_INDEX
        assert index["KeySchema"] == made["GlobalSecondaryIndexes"][0]["KeySchema"]
        assert props["TimeToLiveSpecification"] == {
            "AttributeName": dynamodb.TTL_ATTRIBUTE,
            "Enabled": True,
        }
    assert set(dynamodb.TABLES) == {"photos", "print-jobs"}


def test_handlers_and_settings_exist(template: dict[str, Any]) -> None:
    functions = {
        name: r["Properties"]
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }
    commands = {props["ImageConfig"]["Command"][0] for props in functions.values()}
    assert commands == {
        "pressroom.aws.upload.handler",
        "pressroom.aws.thumbnail.handler",
        "pressroom.aws.print.handler",
        "pressroom.aws.cleanup.handler",
        "pressroom.aws.backfill.handler",
    }
    for command in commands:
        module, _, attr = command.rpartition(".")
        assert callable(getattr(importlib.import_module(module), attr)), command
    # Every PRESSROOM_* variable the template sets is one Settings reads.
    names = set(template["Globals"]["Function"]["Environment"]["Variables"])
    for props in functions.values():
        names |= set(props.get("Environment", {}).get("Variables", {}))
    samples = {
        "PRESSROOM_STORAGE": "s3://media",
        "PRESSROOM_PRINT_STORAGE": "s3://print",
        "PRESSROOM_CATALOGUE": "dynamodb://stack",
        "PRESSROOM_PRINT_QUEUE_URL": "https://sqs/q",
        "PRESSROOM_SIGNING_KEY": "00ff",
    }
    default = Settings.from_env({})
    for name in sorted(n for n in names if n.startswith("PRESSROOM_")):
        changed = Settings.from_env({name: samples.get(name, "17")})
        assert changed != default, f"{name} is not read by Settings.from_env"


def test_dockerfile_uses_the_lambda_python_312_base() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert re.search(r"^FROM public\.ecr\.aws/lambda/python:3\.12\s*$", dockerfile, re.M)


def test_cloudfront_accept_normaliser_matches_the_app(
    template: dict[str, Any], tmp_path: Path
) -> None:
    code = template["Resources"]["AcceptNormaliser"]["Properties"]["FunctionCode"]
    accepts = [
        None,
        "",
        "*/*",
        "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
        "image/webp,*/*",
        "image/avif;q=0, image/webp;q=0.5",
        "IMAGE/AVIF",
        "image/avif;q=abc,image/jpeg",
        "image/jpeg,image/png",
    ]
    script = tmp_path / "accept.js"
    script.write_text(
        code
        + "\nconst inputs = JSON.parse(process.argv[2]);\n"
        + "console.log(JSON.stringify(inputs.map(function (a) {\n"
        + "  var headers = a === null ? {} : {accept: {value: a}};\n"
        + "  var r = handler({request: {headers: headers}});\n"
        + "  return r.headers.accept ? r.headers.accept.value : '';\n"
        + "})));\n"
    )
    out = subprocess.run(
        [require("node"), str(script), json.dumps(accepts)],  # runs the CloudFront function
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(out.stdout) == [accept_key(a) for a in accepts]


# ---- issue 19: AWS conventions and backfills ---------------------------------------------


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: r["Properties"]
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }


def test_every_function_is_traced_on_the_chosen_architecture(template: dict[str, Any]) -> None:
    glob = template["Globals"]["Function"]
    assert glob["Tracing"] == "Active"
    assert glob["Architectures"] == [{"Ref": "Architectures"}]
    param = template["Parameters"]["Architectures"]
    assert set(param["AllowedValues"]) == {"arm64", "x86_64"}
    assert param["Default"] in param["AllowedValues"]
    for name, props in _functions(template).items():
        assert "Tracing" not in props and "Architectures" not in props, name  # no override
    # Responses are never attached to traces (a thumbnail is MBs; X-Ray takes 64 KB).
    assert glob["Environment"]["Variables"]["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"


def test_every_function_logs_json_to_its_own_group_with_retention(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    groups = set()
    for name, props in _functions(template).items():
        logging = props["LoggingConfig"]
        assert logging["LogFormat"] == "JSON", name
        group = _target(logging["LogGroup"])
        assert resources[group]["Type"] == "AWS::Logs::LogGroup", name
        assert resources[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        groups.add(group)
    assert len(groups) == len(_functions(template))  # one each
    machine = resources["BackfillStateMachine"]["Properties"]
    (dest,) = machine["Logging"]["Destinations"]
    group = _target(dest["CloudWatchLogsLogGroup"]["LogGroupArn"])
    assert "RetentionInDays" in resources[group]["Properties"]
    assert machine["Tracing"] == {"Enabled": True}
    # Every log group of the stack has a retention: none is kept forever by default.
    for name, r in resources.items():
        if r["Type"] == "AWS::Logs::LogGroup":
            assert r["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


def test_thumbnail_deploys_by_canary_behind_its_alias(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    props = resources["ThumbnailFunction"]["Properties"]
    assert props["AutoPublishAlias"] == "live"
    preference = props["DeploymentPreference"]
    assert preference["Type"] == "Canary10Percent5Minutes"
    (alarm,) = preference["Alarms"]
    dims = {
        d["Name"]: d["Value"] for d in resources[_target(alarm)]["Properties"]["Dimensions"]
    }
    assert dims["Resource"] == {"Fn::Sub": "${ThumbnailFunction}:live"}
    # SAM attaches the function URL to the alias; CloudFront's permissions name the alias.
    assert "FunctionUrlConfig" in props
    for perm in ("ThumbnailUrlPermission", "ThumbnailInvokePermission"):
        assert resources[perm]["Properties"]["FunctionName"] == {"Ref": "ThumbnailFunction.Alias"}
    for name, other in _functions(template).items():
        if name != "ThumbnailFunction":
            assert "DeploymentPreference" not in other, name


def test_the_bucket_of_masters_is_retained(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    env = template["Globals"]["Function"]["Environment"]["Variables"]
    masters = env["PRESSROOM_STORAGE"]["Fn::Sub"]  # s3://${MediaBucket}
    bucket = re.fullmatch(r"s3://\$\{(\w+)\}", masters).group(1)  # type: ignore[union-attr]
    assert resources[bucket]["DeletionPolicy"] == "Retain"
    assert resources[bucket]["UpdateReplacePolicy"] == "Retain"


def test_secrets_are_parameter_names_and_iam_names_exactly_them(
    template: dict[str, Any],
) -> None:
    from pressroom.aws.params import SECRETS

    props = template["Resources"]["ThumbnailFunction"]["Properties"]
    variables = props["Environment"]["Variables"]
    everywhere = dict(template["Globals"]["Function"]["Environment"]["Variables"])
    for p in _functions(template).values():
        everywhere.update(p.get("Environment", {}).get("Variables", {}))
    # No secret value is ever in an environment: only the names of its parameters.
    secrets = ("SIGNING_KEY", "IMGPROXY_KEY", "IMGPROXY_SALT", "THUMBOR_KEY", "DIT_SECRET",
               "CONSOLE_TOKEN", "API_TOKENS")  # fmt: skip
    for name in secrets:
        assert f"PRESSROOM_{name}" not in everywhere
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    named: list[str] = []
    for _, param_field in SECRETS:
        (env,) = fields[param_field].metadata["env"]
        value = variables[env]
        if "Fn::If" in value:  # optional dialects: set only when their parameter is given
            condition, then, otherwise = value["Fn::If"]
            assert otherwise == {"Ref": "AWS::NoValue"}
            value = then
        named.append(value["Ref"])
    assert variables["PRESSROOM_PARAMETERS_MAX_AGE"] == {"Ref": "ParametersMaxAge"}
    statements = [
        st
        for policy in props["Policies"]
        if isinstance(policy, dict) and "Statement" in policy
        for st in policy["Statement"]
    ]
    (ssm,) = [st for st in statements if st["Action"] == "ssm:GetParameter"]
    arns = []
    for res in ssm["Resource"]:
        if "Fn::If" in res:
            res = res["Fn::If"][1]
        arns.append(res["Fn::Sub"])
    prefix = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
    assert sorted(arns) == sorted(f"{prefix}${{{n}}}" for n in named)
    for n in named:  # SSM names start with "/" so "parameter" + name is the ARN
        assert template["Parameters"][n]["AllowedPattern"].startswith(("^/", "^(/"))


def test_backfill_is_a_distributed_map_over_an_s3_listing(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    machine = resources["BackfillStateMachine"]
    assert machine["Type"] == "AWS::Serverless::StateMachine"
    props = machine["Properties"]
    definition = props["Definition"]
    state = definition["States"][definition["StartAt"]]
    assert state["Type"] == "Map"
    reader = state["ItemReader"]
    assert reader["Resource"] == "arn:aws:states:::s3:listObjectsV2"
    assert reader["Parameters"] == {"Bucket.$": "$.bucket", "Prefix.$": "$.prefix"}
    processor = state["ItemProcessor"]
    assert processor["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    assert isinstance(state["MaxConcurrency"], int) and state["MaxConcurrency"] > 0
    assert 0 <= state["ToleratedFailurePercentage"] <= 100
    batcher = state["ItemBatcher"]
    assert batcher["MaxItemsPerBatch"] >= 1
    assert batcher["BatchInput"] == {"mode.$": "$.mode", "bucket.$": "$.bucket"}
    task = processor["States"][processor["StartAt"]]
    assert task["Type"] == "Task" and task["Resource"] == "arn:aws:states:::lambda:invoke"
    assert task["Parameters"] == {"FunctionName": "${BackfillFunctionArn}", "Payload.$": "$"}
    assert task.get("End") is True and state.get("End") is True
    subs = props["DefinitionSubstitutions"]
    assert _target(subs["BackfillFunctionArn"]) == "BackfillFunction"
    worker = resources["BackfillFunction"]["Properties"]
    assert worker["ImageConfig"]["Command"] == ["pressroom.aws.backfill.handler"]
    # Its child workflows are executions of the machine itself: it may start and stop them.
    statements = [st for p in props["Policies"] if "Statement" in p for st in p["Statement"]]
    actions = {a for st in statements for a in ([st["Action"]] if isinstance(st["Action"], str)
               else st["Action"])}  # fmt: skip
    assert {"states:StartExecution", "states:DescribeExecution", "states:StopExecution"} <= actions
    assert {"LambdaInvokePolicy": {"FunctionName": {"Ref": "BackfillFunction"}}} in props[
        "Policies"
    ]
