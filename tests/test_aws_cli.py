"""Minting CodeArtifact tokens through the AWS CLI, with a stand-in `aws` on PATH that
keeps the real CLI's argument contract; then the token with the real uv and keyring checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from ar_wizard.credentials.aws_cli import mint_token
from ar_wizard.credentials.keyring_setup import check
from ar_wizard.errors import UserError
from ar_wizard.providers import get
from ar_wizard.providers.aws import AWS_BACKEND, AWS_PLUGIN
from conftest import PACKAGE

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


def run_aws(directory, *args):
    return subprocess.run([str(directory / "aws"), *args], capture_output=True, text=True, env=os.environ.copy())


# --- the stand-in keeps the real CLI's contract --------------------------------------------


def test_the_stand_in_prints_the_bare_token_with_query_and_text_output(fake_aws):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain", "acme", "--domain-owner", ACCOUNT,
                     "--query", "authorizationToken", "--output", "text")
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("eyJ2ZXIiOjEs")


def test_the_stand_in_prints_json_with_the_token_and_its_expiration_by_default(fake_aws):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain=acme", f"--domain-owner={ACCOUNT}")
    document = json.loads(result.stdout)
    assert set(document) == {"authorizationToken", "expiration"}
    assert datetime.fromisoformat(document["expiration"]) > datetime.now(timezone.utc) + timedelta(hours=11)


def test_the_stand_in_requires_the_domain_like_the_real_cli(fake_aws):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain-owner", ACCOUNT)
    assert result.returncode == 252
    assert result.stderr.endswith("aws: error: the following arguments are required: --domain\n")


@pytest.mark.parametrize(
    ("owner", "code", "message"),
    [
        ("12345", 252, "Invalid length for parameter domainOwner, value: 5, valid min length: 12"),
        ("abcdefghijkl", 254, "An error occurred (ValidationException) when calling the GetAuthorizationToken operation"),
    ],
)
def test_the_stand_in_rejects_an_owner_that_is_not_twelve_digits_as_the_real_cli_does(fake_aws, owner, code, message):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain", "acme", "--domain-owner", owner)
    assert result.returncode == code
    assert message in result.stderr


# --- mint_token ----------------------------------------------------------------------------


def test_mint_token_gives_the_token_the_callers_arn_and_an_approximate_twelve_hours(fake_aws):
    minted = mint_token("acme", ACCOUNT, "us-east-1")

    assert minted.secret.reveal().startswith("eyJ2ZXIiOjEs")
    assert minted.secret.reveal() not in repr(minted)
    assert minted.identity == ARN
    assert minted.source == "aws codeartifact get-authorization-token"
    assert minted.expiry_approximate is True
    assert abs(minted.expires_at - (datetime.now(timezone.utc) + timedelta(hours=12))) < timedelta(minutes=1)
    (call,) = [json.loads(line) for line in fake_aws[1].read_text().splitlines()]
    assert call == ["codeartifact", "get-authorization-token", "--domain", "acme", "--domain-owner", ACCOUNT,
                    "--region", "us-east-1", "--query", "authorizationToken", "--output", "text"]


def test_a_duration_is_passed_on_and_sets_the_expiry(fake_aws):
    minted = mint_token("acme", ACCOUNT, "eu-west-1", duration_seconds=3600)

    assert abs(minted.expires_at - (datetime.now(timezone.utc) + timedelta(hours=1))) < timedelta(minutes=1)
    assert json.loads(fake_aws[1].read_text())[-2:] == ["--duration-seconds", "3600"]


@pytest.mark.parametrize("seconds", [60, 43201])
def test_a_duration_codeartifact_refuses_is_refused_before_the_cli_runs(fake_aws, seconds):
    with pytest.raises(UserError, match="900 \\(15 min\\) to 43200 \\(12 h\\)"):
        mint_token("acme", ACCOUNT, "us-east-1", duration_seconds=seconds)
    assert fake_aws[1].read_text() == ""


def test_an_owner_that_is_not_twelve_digits_is_refused_before_the_cli_runs(fake_aws):
    with pytest.raises(UserError, match="^The domain owner '12345' has 5 digits"):
        mint_token("acme", "12345", "us-east-1")
    assert fake_aws[1].read_text() == ""


def test_without_aws_credentials_the_error_is_the_clis_line_and_how_to_sign_in(fake_aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")

    with pytest.raises(UserError) as err:
        mint_token("acme", ACCOUNT, "us-east-1")

    assert str(err.value) == (
        "`aws codeartifact get-authorization-token` failed (Unable to locate credentials. You can configure "
        'credentials by running "aws configure".): configure credentials with `aws configure` or `aws sso login`, '
        "or set AWS_PROFILE."
    )


def test_an_unknown_domain_is_the_services_error_in_one_line(fake_aws):
    with pytest.raises(UserError) as err:
        mint_token("other", ACCOUNT, "us-east-1")

    message = str(err.value)
    assert "(An error occurred (ResourceNotFoundException) when calling the GetAuthorizationToken operation" in message
    assert "codeartifact:GetAuthorizationToken" in message and "\n" not in message


def test_the_identity_falls_back_when_sts_fails(fake_aws, monkeypatch):
    monkeypatch.setenv("FAKE_AWS_ARN", "")  # sts then prints nothing useful
    assert mint_token("acme", ACCOUNT, "us-east-1").identity == "your AWS identity"


def test_without_aws_on_path_the_cli_to_install_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match="^aws is not on PATH: install the AWS CLI version 2"):
        mint_token("acme", ACCOUNT, "us-east-1")


# --- the minted token with the real uv -------------------------------------------------------


@pytest.mark.integration
def test_the_minted_token_installs_from_the_index_with_the_real_uv_as_user_aws(home, fake_aws, monkeypatch, private_index):
    home.env.update({k: os.environ[k] for k in ("PATH", "AWS_ACCESS_KEY_ID")})
    minted = mint_token("acme", ACCOUNT, "us-east-1")
    private_index.set_password("aws", minted.secret.reveal())
    with open(home.project / "pyproject.toml", "a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "codeartifact"\nurl = "{private_index.simple_url}"\n')

    stale = home.uv("add", PACKAGE, env={"UV_INDEX_CODEARTIFACT_USERNAME": "aws", "UV_INDEX_CODEARTIFACT_PASSWORD": "eyJ2ZXIiOjEsexpired"})
    added = home.uv(
        "add", PACKAGE,
        env={"UV_INDEX_CODEARTIFACT_USERNAME": get("aws").default_username("token"), "UV_INDEX_CODEARTIFACT_PASSWORD": minted.secret.reveal()},
    )

    assert stale.returncode != 0
    assert added.returncode == 0, added.stderr
    lock = (home.project / "uv.lock").read_text()
    assert PACKAGE in lock and minted.secret.reveal() not in lock


# --- the keyring plugin ----------------------------------------------------------------------


@pytest.mark.integration
def test_a_keyring_without_keyrings_codeartifact_is_reported_with_the_install_command(keyring_home, monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    url = get("aws").urls({"domain": "acme", "domain_owner": ACCOUNT, "region": "us-east-1", "repository": "py"}).simple

    found = {f.id: f for f in check(AWS_PLUGIN, AWS_BACKEND, url)}

    assert found["keyring-on-path"].ok
    plugin = found["plugin-importable"]
    assert not plugin.ok
    assert "cannot load keyrings.codeartifact" in plugin.message and AWS_BACKEND in plugin.message
    assert plugin.fix == "uv tool install keyring --with keyrings.codeartifact"
