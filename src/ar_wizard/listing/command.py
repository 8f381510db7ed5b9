"""``ar-wizard list``: what the identity can reach, as a table or JSON."""

from __future__ import annotations

import json
import sys

from ..errors import UserError
from ..model import mask
from . import Listing, ListingError


def run_list(args, *, secret=None) -> int:
    """``secret``: the Azure PAT the flags point at."""
    if args.provider == "gcp":
        listing = _gcp(args)
    elif args.provider == "aws":
        if not args.region:
            raise UserError("list --provider aws needs --region (e.g. us-east-1).")
        from . import aws

        listing = aws.repositories(args.region, args.domain, args.domain_owner)
    else:
        listing = _azure(args, secret)
    if args.json:
        print(mask(json.dumps(_with_index_urls(listing, args.provider), indent=2, ensure_ascii=False)))
    else:
        _print(listing)
    return 0


def _with_index_urls(listing: Listing, provider_key: str) -> dict:
    """The listing as JSON, each repository with the index URL setup would write for it (``index_url``)."""
    from .. import providers

    provider = providers.get(provider_key)
    data = listing.as_json()
    for repository, out in zip(listing.repositories, data["repositories"]):
        try:
            out["index_url"] = provider.urls(repository.fields).simple
        except UserError:
            out["index_url"] = ""  # fields the provider cannot build a URL from: listed, not guessed
    return data


def _gcp(args) -> Listing:
    from ..mint import describe
    from . import gcp

    listing, minted = gcp.reachable(args.key_file or "", args.token_source, args.project, args.location,
                                    api=args.api_endpoint)
    print(describe(minted).split(". ")[0] + ".", file=sys.stderr)
    if args.repository:
        repo = next((r for r in listing.repositories if r.name == args.repository), None)
        if repo is None:
            raise ListingError(f"No Python repository {args.repository!r} is visible to {minted.identity}.")
        missing = gcp.missing_permissions(minted.secret, repo.fields, publish=True, api=args.api_endpoint)
        for permission in missing:
            listing.notes.append(f"{minted.identity} lacks {permission} on {repo.name}: "
                                 f"`{gcp.iam_command(minted.identity, repo.fields, permission)}`")
        if not missing:
            listing.notes.append(f"{minted.identity} may download from and upload to {repo.name}.")
    return listing


def _azure(args, pat) -> Listing:
    from . import azure

    if not args.organization:
        raise UserError("list --provider azure needs --organization.")
    if pat is None:
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
