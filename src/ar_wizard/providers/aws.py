"""AWS CodeArtifact: the one place that knows its Python URL shape.

A PyPI repository lives at
``https://DOMAIN-OWNER.d.codeartifact.REGION.amazonaws.com/pypi/REPOSITORY/``
and serves its PEP 503 index under ``simple/``; uploads go to the repository
URL itself. The password is an authorization token from
``aws codeartifact get-authorization-token`` (at most 12 hours), the username
is always ``aws``. A bad or expired token is answered with **404**, not 401.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import UserError
from .base import BuiltProvider, FieldSpec
from .base import explain_status as generic_explanation

#: The commercial AWS regions and the place each stands for (China and
#: GovCloud use other domains and are left to a full index URL). CodeArtifact
#: runs in a subset of them; `aws codeartifact list-domains --region R` says.
REGIONS: dict[str, str] = {
    "us-east-1": "N. Virginia",
    "us-east-2": "Ohio",
    "us-west-1": "N. California",
    "us-west-2": "Oregon",
    "af-south-1": "Cape Town",
    "ap-east-1": "Hong Kong",
    "ap-east-2": "Taipei",
    "ap-south-1": "Mumbai",
    "ap-south-2": "Hyderabad",
    "ap-northeast-1": "Tokyo",
    "ap-northeast-2": "Seoul",
    "ap-northeast-3": "Osaka",
    "ap-southeast-1": "Singapore",
    "ap-southeast-2": "Sydney",
    "ap-southeast-3": "Jakarta",
    "ap-southeast-4": "Melbourne",
    "ap-southeast-5": "Malaysia",
    "ap-southeast-6": "New Zealand",
    "ap-southeast-7": "Thailand",
    "ca-central-1": "Canada (Central)",
    "ca-west-1": "Calgary",
    "eu-central-1": "Frankfurt",
    "eu-central-2": "Zurich",
    "eu-west-1": "Ireland",
    "eu-west-2": "London",
    "eu-west-3": "Paris",
    "eu-south-1": "Milan",
    "eu-south-2": "Spain",
    "eu-north-1": "Stockholm",
    "il-central-1": "Tel Aviv",
    "me-south-1": "Bahrain",
    "me-central-1": "UAE",
    "mx-central-1": "Mexico (Central)",
    "sa-east-1": "São Paulo",
}

#: The keyring plugin that mints tokens on demand, and the backend class it registers
#: (entry point ``keyring.backends``: ``keyrings.codeartifact``; class CodeArtifactBackend).
AWS_PLUGIN = "keyrings.codeartifact"
AWS_BACKEND = "keyrings.codeartifact.CodeArtifactBackend"
USERNAME = "aws"
#: The longest a CodeArtifact authorization token lives, and the default.
MAX_TOKEN_SECONDS = 12 * 3600

# The API's own patterns (GetAuthorizationToken, ListPackages).
_DOMAIN = re.compile(r"^[a-z][a-z0-9-]{0,48}[a-z0-9]$")
_OWNER = re.compile(r"^[0-9]{12}$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$")
_HOST = re.compile(
    r"^(?P<domain>[a-z][a-z0-9-]*[a-z0-9])-(?P<domain_owner>[0-9]{12})"
    r"\.d\.codeartifact\.(?P<region>[a-z0-9-]+)\.amazonaws\.com$"
)
_ZONE = re.compile(r"^(?P<region>[a-z]{2}-[a-z]+-\d+)[a-z]$")

READ_ACTION = "codeartifact:ReadFromRepository"
PUBLISH_ACTION = "codeartifact:PublishPackageVersion"


class Aws(BuiltProvider):
    key = "aws"
    title = "AWS CodeArtifact"
    blurb = "A PyPI repository in CodeArtifact: DOMAIN-OWNER.d.codeartifact.REGION.amazonaws.com/pypi/REPOSITORY."
    fields = (
        FieldSpec("domain", "Domain", "acme", "The CodeArtifact domain the repository belongs to."),
        FieldSpec(
            "domain_owner",
            "Domain owner",
            "123456789012",
            "The 12-digit AWS account ID that owns the domain (no dashes).",
        ),
        FieldSpec(
            "region",
            "Region",
            "us-east-1",
            "The AWS region the domain was created in.",
            choices=tuple(REGIONS),
        ),
        FieldSpec("repository", "Repository", "python-internal", "The CodeArtifact repository name."),
        FieldSpec(
            "url",
            "Index URL override",
            "(built from the fields above)",
            "Only for a registry behind a proxy or a VPC endpoint; leave empty otherwise.",
            optional=True,
        ),
    )
    auth_methods = ("token", "keyring")
    keyring_plugin = (AWS_PLUGIN, AWS_BACKEND)
    sign_in = "aws sso login"
    username_help = "Always aws for CodeArtifact, whatever your AWS identity: filled in for you."
    secret_label = "Authorization token"
    secret_help = ("`aws codeartifact get-authorization-token --domain DOMAIN --domain-owner OWNER --query "
                   "authorizationToken --output text` prints one; it lasts up to 12 h.")

    def paste_help(self) -> str:
        return "e.g. what `aws codeartifact get-repository-endpoint --format pypi` or the console's View connection instructions show."

    def __init__(self):
        self.checks = {
            "domain": check_domain,
            "domain_owner": check_domain_owner,
            "region": check_region,
            "repository": check_repository,
        }

    def base_url(self, values: dict[str, str]) -> str:
        return repository_url(values["domain"], values["domain_owner"], values["region"], values["repository"])

    def parse(self, url: str) -> dict[str, str] | None:
        return parse_url(url)

    def default_username(self, auth: str) -> str | None:
        return USERNAME if auth in ("token", "keyring") else None

    def explain_status(self, status: int, *, url: str, username: str, publish: bool,
                       fresh_token: bool = False, fields: dict[str, str] | None = None) -> str:
        return explain_status(status, url=url, username=username, publish=publish, fresh_token=fresh_token,
                              fields=fields)


def repository_url(domain: str, domain_owner: str, region: str, repository: str) -> str:
    """``https://DOMAIN-OWNER.d.codeartifact.REGION.amazonaws.com/pypi/REPOSITORY/``: where uploads go."""
    return f"https://{domain}-{domain_owner}.d.codeartifact.{region}.amazonaws.com/pypi/{repository}/"


def check_domain(value: str) -> str:
    domain = value.strip()
    if _DOMAIN.match(domain):
        return domain
    if not domain:
        raise UserError("The domain is empty: give the CodeArtifact domain name, e.g. acme.")
    if _DOMAIN.match(domain.lower()):
        raise UserError(f"The domain {domain!r} has capital letters, which domain names never do: use {domain.lower()}.")
    raise UserError(
        f"The domain {domain!r} is not a valid CodeArtifact domain name: use 2 to 50 lowercase letters, "
        "digits or hyphens, starting with a letter and not ending with a hyphen."
    )


def check_domain_owner(value: str) -> str:
    owner = value.strip()
    if _OWNER.match(owner):
        return owner
    if not owner:
        raise UserError("The domain owner is empty: give the 12-digit AWS account ID that owns the domain.")
    digits = re.sub(r"[\s-]", "", owner)
    if _OWNER.match(digits):
        raise UserError(f"The domain owner {owner!r} has dashes or spaces, which account IDs are written without: use {digits}.")
    if owner.isdigit():
        raise UserError(
            f"The domain owner {owner!r} has {len(owner)} digits, but an AWS account ID has exactly 12 "
            "(`aws sts get-caller-identity --query Account --output text` shows yours)."
        )
    raise UserError(
        f"The domain owner {owner!r} is not an AWS account ID: give the 12 digits of the account that owns "
        "the domain, not its alias or name."
    )


def check_region(value: str) -> str:
    region = value.strip().lower()
    if region in REGIONS:
        return region
    if not region:
        raise UserError("The region is empty: give the AWS region the domain lives in, e.g. us-east-1.")
    zone = _ZONE.match(region)
    if zone and zone["region"] in REGIONS:
        raise UserError(f"The region {value.strip()!r} is an availability zone: use its region, {zone['region']}.")
    import difflib  # only a mistyped region needs it

    matches = difflib.get_close_matches(region, REGIONS, n=1, cutoff=0.8)
    if matches:
        raise UserError(f"The region {value.strip()!r} is not an AWS region: did you mean {matches[0]}?")
    raise UserError(
        f"The region {value.strip()!r} is not an AWS region this wizard knows: use one like us-east-1 or "
        "eu-west-1, or give the full index URL for a region newer than this wizard."
    )


def check_repository(value: str) -> str:
    repository = value.strip()
    if _REPOSITORY.match(repository):
        return repository
    if not repository:
        raise UserError("The repository is empty: give the CodeArtifact repository name, e.g. python-internal.")
    raise UserError(
        f"The repository {repository!r} is not a valid CodeArtifact repository name: use 2 to 100 letters, "
        "digits, dots, hyphens or underscores, starting with a letter or digit."
    )


def parse_url(url: str) -> dict[str, str] | None:
    """``domain``, ``domain_owner``, ``region`` and ``repository`` of a pasted CodeArtifact URL, or None.

    Takes the index or the repository URL, a package path after ``simple/``,
    and drops any ``aws:TOKEN@`` in it (fields never carry credentials)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    match = _HOST.match(host or "")
    if not match:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0] != "pypi":
        return None
    return {
        "domain": match["domain"],
        "domain_owner": match["domain_owner"],
        "region": match["region"],
        "repository": segments[1],
    }


def token_command(domain: str, domain_owner: str, region: str) -> str:
    """The command that mints a new token, as a user would type it."""
    return (
        f"aws codeartifact get-authorization-token --domain {domain} --domain-owner {domain_owner} "
        f"--region {region} --query authorizationToken --output text"
    )


def explain_status(status: int, *, url: str, username: str, publish: bool, fresh_token: bool = False,
                   fields: dict[str, str] | None = None) -> str:
    """What an HTTP status from CodeArtifact means, in one sentence with the fix."""
    fields = parse_url(url) or fields or {}
    domain = fields.get("domain", "DOMAIN")
    owner = fields.get("domain_owner", "OWNER")
    region = fields.get("region", "REGION")
    repository = fields.get("repository", "REPOSITORY")
    if status == 401:
        if username != USERNAME:
            return (
                f"{url} rejected the credentials for {username!r} (401): CodeArtifact expects the username "
                f"{USERNAME} with an authorization token as the password."
            )
        return (
            f"{url} asked for credentials (401): no token was sent; give the username {USERNAME} and a token from "
            f"`{token_command(domain, owner, region)}`, or use --auth keyring so one is minted on every request."
        )
    if status == 403:
        action = PUBLISH_ACTION if publish else READ_ACTION
        return (
            f"{url} knows who you are but refused access (403): the IAM identity that minted the token lacks "
            f"{action} on repository {repository} in domain {domain} (or the repository's resource policy "
            "denies it); ask an administrator of the account to allow it."
        )
    if status == 404 and fresh_token:
        return (
            f"{url} answered 404 to a token minted seconds ago, so the likely cause is a wrong domain {domain!r}, "
            f"owner {owner!r}, region {region!r} or repository {repository!r}: check them with "
            f"`aws codeartifact list-repositories-in-domain --domain {domain} --domain-owner {owner} "
            f"--region {region}`."
        )
    if status == 404:
        return (
            f"{url} answered 404, which CodeArtifact also answers to a bad or expired token (tokens last at most "
            f"12 hours): mint a new one with `{token_command(domain, owner, region)}` and store it with "
            f"`ar-wizard rotate`, or use --auth keyring; if a fresh token still gets 404, check the domain {domain!r}, the "
            f"owner {owner!r}, the region {region!r} and the repository {repository!r}."
        )
    return generic_explanation(status, url=url, username=username)
