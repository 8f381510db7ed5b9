"""Credentials obtained for the user instead of typed: short-lived GCP and AWS tokens."""

from __future__ import annotations

from pathlib import Path

from . import userpath
from .errors import UserError
from .expiry import until


def can_mint(provider: str) -> bool:
    return provider in ("gcp", "aws")


def mint_token(provider: str, source: str = "auto", key_file: Path | None = None, fields: dict | None = None):
    """A fresh access token (a ``MintedToken``) for ``provider``."""
    if provider == "aws":
        from .credentials import aws_cli  # start-up: only the provider's own minting is loaded

        f = fields or {}
        missing = [name for name in ("domain", "domain_owner", "region") if not f.get(name)]
        if missing:
            raise UserError(f"Minting a CodeArtifact token needs --{missing[0].replace('_', '-')}.",
                            in_wizard=f"Minting a CodeArtifact token needs the {missing[0].replace('_', ' ')}: "
                            "give it on the Registry screen, or paste a token.")
        return aws_cli.mint_token(f["domain"], f["domain_owner"], f["region"])
    if provider != "gcp":
        raise UserError(
            f"ar-wizard cannot mint tokens for --provider {provider}: pass the token with "
            "--password-stdin or --token-env."
        )
    # Start-up: google.py's functions import google-auth (~200 ms), never needed for AWS.
    from .credentials import google

    if source == "key-file" or (source == "auto" and key_file is not None):
        if key_file is None:
            raise UserError("Minting from a key file needs --key-file PATH.",
                            in_wizard="Minting from a key file needs its path: type it in Service-account key file.")
        return google.mint_from_key_file(key_file)
    if source == "gcloud":
        return google.mint_from_gcloud()
    if source == "adc":
        return google.mint_from_adc()
    try:
        return google.mint_from_adc()
    except UserError:
        # No ADC here; a logged-in gcloud is the other usual way a laptop has credentials.
        if userpath.which("gcloud") is None:
            raise
        return google.mint_from_gcloud()


def describe(minted) -> str:
    """Who the token is for, where it came from, and that it must be rotated."""
    expiry = ""
    if minted.expires_at is not None:
        expiry = f"; it expires {until(minted.expires_at, approximate=getattr(minted, 'expiry_approximate', False))}"
    return (
        f"Minted a token for {minted.identity} from {minted.source}{expiry}. A stored token stops "
        "working when it expires: run ar-wizard again to rotate it, or use --auth keyring, which "
        "mints one for every request."
    )
