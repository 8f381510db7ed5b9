"""A stand-in `aws` on PATH (the one kind of fake allowed: a cloud CLI) that keeps the real
CLI's argument contract for `codeartifact get-authorization-token`, `list-domains`,
`list-repositories-in-domain` and `sts get-caller-identity`.

A pytest plugin (``pytest_plugins`` in conftest.py): every test can ask for ``fake_aws``.
"""

from __future__ import annotations

import os
import sys

import pytest

ACCOUNT = "123456789012"
ARN = f"arn:aws:iam::{ACCOUNT}:user/dev"

FAKE_AWS = r'''#!{python}
"""Stand-in for the AWS CLI v2: the two commands ar-wizard runs, with the real CLI's
arguments, output, messages and exit codes (252 usage, 253 configuration, 254 service)."""
import json, os, secrets, sys
from datetime import datetime, timedelta, timezone

USAGE = (
    "\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n\n"
)

def fail(code, message):
    sys.stderr.write(message)
    sys.exit(code)

def usage_error(message):
    fail(252, USAGE + "aws: error: " + message + "\n")

def parse(args, known):
    options, rest = {{}}, list(args)
    while rest:
        arg = rest.pop(0)
        name, _, value = arg.partition("=")
        if name not in known:
            usage_error("Unknown options: " + arg)
        if known[name]:
            if not value:
                if not rest:
                    usage_error("argument " + name + ": expected one argument")
                value = rest.pop(0)
            options[name] = value
        else:
            options[name] = True
    return options

def output(options, document):
    query, fmt = options.get("--query"), options.get("--output", "json")
    if query:
        document = document.get(query)
    if fmt == "text":
        print(document)
    else:
        print(json.dumps(document, indent=4))

def credentials():
    if not os.environ.get("AWS_ACCESS_KEY_ID"):
        fail(253, 'Unable to locate credentials. You can configure credentials by running "aws configure".\n')

COMMON = {{"--region": True, "--query": True, "--output": True, "--profile": True}}
args = sys.argv[1:]
if args[:2] == ["codeartifact", "get-authorization-token"]:
    options = parse(args[2:], COMMON | {{"--domain": True, "--domain-owner": True, "--duration-seconds": True}})
    if "--domain" not in options:
        usage_error("the following arguments are required: --domain")
    owner = options.get("--domain-owner", os.environ.get("FAKE_AWS_ACCOUNT", ""))
    if len(owner) < 12:
        # botocore checks the length before sending anything.
        fail(252, "\nParameter validation failed:\nInvalid length for parameter domainOwner, value: "
             + str(len(owner)) + ", valid min length: 12\n")
    credentials()
    operation = " when calling the GetAuthorizationToken operation: "
    if len(owner) > 12 or not owner.isdigit():
        fail(254, "\nAn error occurred (ValidationException)" + operation + "1 validation error detected: Value '"
             + owner + "' at 'domainOwner' failed to satisfy constraint: Member must satisfy regular expression "
             "pattern: [0-9]{{12}}\n")
    if options["--domain"] != os.environ.get("FAKE_AWS_DOMAIN") or owner != os.environ.get("FAKE_AWS_ACCOUNT"):
        fail(254, "\nAn error occurred (ResourceNotFoundException)" + operation + "Domain not found. Domain '"
             + options["--domain"] + "' owned by account '" + owner + "' does not exist.\n")
    seconds = int(options.get("--duration-seconds", 43200))
    with open(os.environ["FAKE_AWS_LOG"], "a") as log:
        log.write(json.dumps(sys.argv[1:]) + "\n")
    expiration = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    output(options, {{"authorizationToken": os.environ.get("FAKE_AWS_TOKEN") or "eyJ2ZXIiOjEs" + secrets.token_urlsafe(32),
                      "expiration": expiration.isoformat(timespec="seconds")}})
elif args[:2] == ["codeartifact", "list-domains"]:
    options = parse(args[2:], COMMON | {{"--max-items": True, "--starting-token": True, "--page-size": True}})
    credentials()
    region, owner = options.get("--region", "us-east-1"), os.environ["FAKE_AWS_ACCOUNT"]
    domain = os.environ["FAKE_AWS_DOMAIN"]
    output(options, {{"domains": [{{"name": domain, "owner": owner, "status": "Active",
                                   "arn": "arn:aws:codeartifact:" + region + ":" + owner + ":domain/" + domain,
                                   "createdTime": "2026-01-05T10:00:00+00:00",
                                   "encryptionKey": "arn:aws:kms:" + region + ":" + owner + ":key/abc"}}]}})
elif args[:2] == ["codeartifact", "list-repositories-in-domain"]:
    options = parse(args[2:], COMMON | {{"--domain": True, "--domain-owner": True, "--administrator-account": True,
                                        "--repository-prefix": True, "--max-items": True, "--starting-token": True,
                                        "--page-size": True}})
    if "--domain" not in options:
        usage_error("the following arguments are required: --domain")
    credentials()
    owner = options.get("--domain-owner", os.environ["FAKE_AWS_ACCOUNT"])
    if options["--domain"] != os.environ.get("FAKE_AWS_DOMAIN") or owner != os.environ.get("FAKE_AWS_ACCOUNT"):
        fail(254, "\nAn error occurred (ResourceNotFoundException) when calling the ListRepositoriesInDomain "
             "operation: Domain not found. Domain '" + options["--domain"] + "' owned by account '" + owner
             + "' does not exist.\n")
    region = options.get("--region", "us-east-1")
    names = os.environ.get("FAKE_AWS_REPOSITORIES", "py").split(",")
    output(options, {{"repositories": [{{"name": n, "administratorAccount": owner, "domainName": options["--domain"],
                                        "domainOwner": owner, "description": n + " packages",
                                        "arn": "arn:aws:codeartifact:" + region + ":" + owner + ":repository/"
                                        + options["--domain"] + "/" + n}} for n in names]}})
elif args[:2] == ["sts", "get-caller-identity"]:
    parse(args[2:], COMMON)
    credentials()
    options = parse(args[2:], COMMON)
    output(options, {{"UserId": "AIDAEXAMPLE", "Account": os.environ["FAKE_AWS_ACCOUNT"], "Arn": os.environ["FAKE_AWS_ARN"]}})
else:
    usage_error("argument command: Invalid choice")
'''


@pytest.fixture
def fake_aws(tmp_path, monkeypatch):
    """A directory with an `aws` first on PATH, signed in to account 123456789012 with domain acme."""
    directory = tmp_path / "aws-bin"
    directory.mkdir()
    aws = directory / "aws"
    aws.write_text(FAKE_AWS.format(python=sys.executable))
    aws.chmod(0o755)
    log = tmp_path / "aws-calls.jsonl"
    log.touch()
    env = {
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "FAKE_AWS_ACCOUNT": ACCOUNT,
        "FAKE_AWS_DOMAIN": "acme",
        "FAKE_AWS_ARN": ARN,
        "FAKE_AWS_LOG": str(log),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ['PATH']}")
    return directory, log
