"""CodeArtifact authorization tokens from the AWS CLI.

Runs ``aws codeartifact get-authorization-token … --query authorizationToken
--output text`` (the token is on stdout, never on a command line) and, for the
message shown to the user, ``aws sts get-caller-identity --query Arn``. The
expiry is an estimate: the text output carries only the token.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .. import userpath
from ..errors import UserError
from ..model import Secret, mask
from ..providers.aws import MAX_TOKEN_SECONDS, check_domain, check_domain_owner, check_region
from .google import MintedToken
from .process import run

UNKNOWN_IDENTITY = "your AWS identity"
SOURCE = "aws codeartifact get-authorization-token"

#: What each AWS CLI exit code means (the CLI's documented return codes), and what to do.
_ADVICE = {
    252: "check the domain, owner and region, and that the AWS CLI is version 2",
    253: "configure credentials with `aws configure` or `aws sso login`, or set AWS_PROFILE",
    254: "check that the domain exists in that account and region and that your identity may call "
    "codeartifact:GetAuthorizationToken and sts:GetServiceBearerToken",
    255: "run the command by hand with --debug to see why",
}


def mint_token(domain: str, domain_owner: str, region: str, duration_seconds: int | None = None) -> MintedToken:
    """A fresh CodeArtifact token for ``domain`` from the AWS CLI on PATH."""
    domain, domain_owner, region = check_domain(domain), check_domain_owner(domain_owner), check_region(region)
    if duration_seconds is not None and not (
        duration_seconds == 0 or 900 <= duration_seconds <= MAX_TOKEN_SECONDS
    ):
        raise UserError(
            f"A token cannot last {duration_seconds} s: CodeArtifact takes 900 (15 min) to 43200 (12 h), or 0 "
            "for as long as the current role session."
        )
    # which() finds aws.exe / aws.cmd on Windows, where plain "aws" would not run; on the user's PATH.
    aws = userpath.which("aws")
    if aws is None:
        raise UserError(
            "aws is not on PATH: install the AWS CLI version 2 and sign in (`aws configure` or `aws sso login`), "
            "or pass a token you minted elsewhere with --password-stdin or --token-env.",
            in_wizard="aws is not on PATH: install the AWS CLI version 2 and sign in (`aws configure` or "
            "`aws sso login`), or paste a token you minted elsewhere into the token field.",
        )
    argv = [
        aws, "codeartifact", "get-authorization-token",
        "--domain", domain, "--domain-owner", domain_owner, "--region", region,
        "--query", "authorizationToken", "--output", "text",
    ]
    if duration_seconds is not None:
        argv += ["--duration-seconds", str(duration_seconds)]
    result = run(argv)
    token = result.stdout.strip()
    if result.returncode != 0 or not token or token == "None":
        advice = _ADVICE.get(result.returncode, "run the command by hand to see why")
        raise UserError(f"`{SOURCE}` failed ({mask(_aws_error(result.stderr))}): {advice}.")
    secret = Secret(token)
    seconds = MAX_TOKEN_SECONDS if duration_seconds is None else duration_seconds
    return MintedToken(
        secret=secret,
        identity=_identity(aws, region),
        # 0 means "as long as the role session", which the CLI does not say.
        expires_at=datetime.now(timezone.utc) + timedelta(seconds=seconds) if seconds else None,
        source=SOURCE,
        expiry_approximate=True,
    )


def _identity(aws: str, region: str) -> str:
    try:
        result = run([aws, "sts", "get-caller-identity", "--region", region, "--query", "Arn", "--output", "text"])
    except UserError:
        return UNKNOWN_IDENTITY
    arn = result.stdout.strip()
    return arn if result.returncode == 0 and arn.startswith("arn:") else UNKNOWN_IDENTITY


def _aws_error(stderr: str) -> str:
    """The line that says what went wrong: ``An error occurred (X) when calling …``, ``aws: error: …``."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("An error occurred", "aws: error:")):
            return line.removeprefix("aws: error:").strip()
    if lines and lines[0].rstrip(":") == "Parameter validation failed" and len(lines) > 1:
        return lines[1]
    return lines[-1] if lines else "no message"
