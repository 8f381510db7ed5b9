"""``ar-wizard list``: what the identity can reach, as a table or JSON."""

from __future__ import annotations

import json
import os
import sys

from ..errors import UserError
from ..model import mask
from . import Listing, ListingError


def run_list(args) -> int:
    if args.provider == "gcp":
        listing = _gcp(args)
    elif args.provider == "aws":
        if not args.region:
            raise UserError("list --provider aws needs --region (e.g. us-east-1).")
        from . import aws

        listing = aws.repositories(args.region, args.domain, args.domain_owner)
    else:
        listing = _azure(args)
    if args.json:
        print(mask(json.dumps(listing.as_json(), indent=2, ensure_ascii=False)))
    else:
        _print(listing)
    return 0


def _gcp(args) -> Listing:
    from pathlib import Path

    from ..mint import describe, mint_token
    from . import gcp

    minted = mint_token("gcp", args.token_source, Path(args.key_file) if args.key_file else None)
    print(describe(minted).split(". ")[0] + ".", file=sys.stderr)
    if args.project:
        names = [args.project]
    else:
        names = _gcp_projects(minted.secret, args)
    listing = Listing()
    for project in names:
        try:
            found = gcp.repositories(minted.secret, project, args.location, api=args.api_endpoint)
        except ListingError as err:
            if len(names) == 1:
                raise
            listing.notes.append(f"{project}: {err}")
            continue
        listing.repositories += found.repositories
        listing.notes += found.notes
    if args.repository:
        repo = next((r for r in listing.repositories if r.name == args.repository), None)
        if repo is None:
            raise ListingError(f"No Python repository {args.repository!r} is visible in {', '.join(names)}.")
        missing = gcp.missing_permissions(minted.secret, repo.fields, publish=True, api=args.api_endpoint)
        for permission in missing:
            listing.notes.append(f"{minted.identity} lacks {permission} on {repo.name}: "
                                 f"`{gcp.iam_command(minted.identity, repo.fields, permission)}`")
        if not missing:
            listing.notes.append(f"{minted.identity} may download from and upload to {repo.name}.")
    return listing


def _gcp_projects(token, args) -> list[str]:
    """Every project the identity may list; else the default project, saying why."""
    from . import gcp

    try:
        found = gcp.projects(token, api=args.api_endpoint)
    except ListingError as err:
        found, why = [], str(err)
    else:
        why = "the identity can list no projects"
    if found:
        return found
    default = _default_project(args.key_file)
    if not default:
        raise ListingError(f"No project to list ({why}): pass --project.")
    print(f"note: listing the default project {default} only ({why}).", file=sys.stderr)
    return [default]


def _default_project(key_file: str | None) -> str:
    """The key file's project, $GOOGLE_CLOUD_PROJECT, or gcloud's configured project."""
    if key_file:
        from ..credentials import google

        project = google.load_key(key_file).project_id
        if project:
            return project
    if os.environ.get("GOOGLE_CLOUD_PROJECT"):
        return os.environ["GOOGLE_CLOUD_PROJECT"]
    from .. import userpath
    from ..credentials.process import run

    gcloud = userpath.which("gcloud")
    if gcloud:
        out = run([gcloud, "config", "get-value", "project"]).stdout.strip()
        if out and out != "(unset)":
            return out
    return ""


def _azure(args) -> Listing:
    from ..plan import secret_from
    from . import azure

    if not args.organization:
        raise UserError("list --provider azure needs --organization.")
    if args.password_stdin:
        pat = secret_from(sys.stdin.read(), source="stdin")
    elif args.token_env:
        value = os.environ.get(args.token_env)
        if value is None:
            raise UserError(f"--token-env {args.token_env}: that environment variable is not set.")
        pat = secret_from(value, source=f"${args.token_env}")
    else:
        raise UserError("list --provider azure needs the PAT: pipe it with --password-stdin or name it with --token-env.")
    return azure.feeds(args.organization, pat, api=args.api_endpoint)


def _print(listing: Listing) -> None:
    rows = [(r.name, r.where, r.description) for r in listing.repositories]
    if rows:
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        for name, where, description in rows:
            print(f"{name:<{widths[0]}}  {where:<{widths[1]}}  {description}".rstrip())
    else:
        print("Nothing to list: no repository is visible to this identity here.")
    for note in listing.notes:
        print(f"note: {mask(note)}", file=sys.stderr)
