"""AWS CodeArtifact: the domains and repositories an identity can see, through the AWS CLI.

The same ``aws`` on the user's PATH that mints tokens, with its JSON output:
``aws codeartifact list-domains`` and ``list-repositories-in-domain`` (the CLI
follows ``nextToken`` itself). The domain owner comes from the domain listing.
"""

from __future__ import annotations

import json

from ..credentials.process import find, first_line, run
from ..errors import clause
from ..model import mask
from ..providers.aws import check_region
from . import Listing, ListingError, Repository

_MISSING = "aws is not on PATH: install the AWS CLI version 2 and sign in (`aws sso login`), or type the names."


def domains(region: str) -> list[dict[str, str]]:
    """``[{"name": …, "owner": …}]`` for the domains the identity can see in ``region``."""
    answer = _aws("list-domains", "--region", check_region(region))
    return [{"name": str(d["name"]), "owner": str(d.get("owner", ""))}
            for d in answer.get("domains", []) if isinstance(d, dict) and d.get("name")]


def repositories(region: str, domain: str | None = None, domain_owner: str | None = None) -> Listing:
    """The repositories of one domain, or of every domain the identity can see in ``region``."""
    listing = Listing()
    chosen = [{"name": domain, "owner": domain_owner or ""}] if domain else domains(region)
    for d in chosen:
        argv = ["list-repositories-in-domain", "--domain", d["name"], "--region", region]
        if d["owner"]:
            argv += ["--domain-owner", d["owner"]]
        try:
            answer = _aws(*argv)
        except ListingError as err:
            if domain:
                raise
            listing.notes.append(f"{d['name']}: {err}")
            continue
        for repo in answer.get("repositories", []):
            if not isinstance(repo, dict) or not repo.get("name"):
                continue
            owner = str(repo.get("domainOwner") or d["owner"])
            fields = {"domain": d["name"], "domain_owner": owner, "region": region, "repository": str(repo["name"])}
            listing.repositories.append(Repository(str(repo["name"]), fields, str(repo.get("description", "")),
                                                   f"{d['name']} ({owner}, {region})"))
    return listing


def _aws(*argv: str) -> dict:
    result = run([find("aws", missing=_MISSING), "codeartifact", *argv, "--output", "json"])
    if result.returncode != 0:
        # "An error occurred (400) when calling the ListDomains operation:" can end where its cause was cut off.
        line = clause(mask(first_line(result.stderr))) or f"exit status {result.returncode}"
        if "AccessDenied" in line:
            raise ListingError(f"This identity may not {argv[0].replace('-', ' ')} ({line}): type the names, or "
                               "ask for codeartifact:ListDomains and codeartifact:ListRepositoriesInDomain.")
        if result.returncode == 253:
            raise ListingError(f"The AWS CLI has no credentials ({line}): run `aws sso login` or `aws configure`.")
        raise ListingError(f"`aws codeartifact {argv[0]}` failed: {line}.")
    try:
        answer = json.loads(result.stdout or "{}")
    except ValueError:
        raise ListingError(f"`aws codeartifact {argv[0]}` printed something that is not JSON.") from None
    return answer if isinstance(answer, dict) else {}
