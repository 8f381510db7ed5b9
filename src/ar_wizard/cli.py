"""``ar-wizard``: the TUI, or the same plan scripted (setup, undo, …).

Nothing heavy is imported at start-up: ``--version`` and ``--help`` must stay
instant, and the TUI (Textual) is imported only when it is about to run. Even
argparse (~5-10 ms with gettext) is imported only for a command: the wizard
itself needs no parser.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from . import __version__
from .errors import ApplyFailed, UserError, ValidationFailed

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from .model import Draft

EXIT_OK, EXIT_VALIDATION, EXIT_USAGE, EXIT_APPLY = 0, 1, 2, 3

_EPILOG = """\
exit codes: 0 done · 1 validation failed, nothing written · 2 usage or input error,
nothing written · 3 apply failed and was rolled back

A secret never goes on the command line: pipe it in with --password-stdin,
or name an environment variable that holds it with --token-env."""


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from . import paths
    from .model import AUTH_METHODS, PROVIDERS, SCOPES, STORES
    from .snippets import KINDS

    # argparse %-formats help text, and a Windows path reads %APPDATA%\uv\uv.toml.
    user_uv_toml = paths.shown(paths.user_uv_toml()).replace("%", "%%")

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str):
            # One sentence instead of argparse's usage dump.
            raise UserError(f"{self.prog}: {message}; see `{self.prog} --help`.")

    parser = _Parser(
        prog="ar-wizard",
        description="Connect uv, pip and twine to a private package registry: tested live, "
        "previewed as diffs, written atomically with backups. Without a command it opens the wizard.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ar-wizard {__version__}")
    parser.add_argument("--project-dir", dest="wizard_project_dir", metavar="DIR",
                        help="the project the wizard configures (default: the current directory)")
    parser.add_argument("--api-endpoint", dest="wizard_api_endpoint", metavar="URL",
                        help="the cloud API the wizard lists repositories from (Private Service Connect, a proxy)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    setup = commands.add_parser("setup", help="configure an index without the TUI", epilog=_EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    where = setup.add_argument_group("registry")
    where.add_argument("--provider", choices=PROVIDERS,
                       help="default: generic, or the one the configured index's URL names")
    where.add_argument("--index", required=True, metavar="NAME", help="the index name uv will know it by")
    where.add_argument("--url", help="the PEP 503 index URL (…/simple/); without it (and without a provider's "
                       f"fields) the index of that name the project or {user_uv_toml} already names")
    where.add_argument("--publish-url", help="the upload URL (default: the index URL without simple/)")
    gcp = setup.add_argument_group("Google Artifact Registry (--provider gcp)")
    gcp.add_argument("--location", help="e.g. us-central1, europe-west1, or the multi-region us/europe/asia")
    gcp.add_argument("--project", help="the Google Cloud project ID (Azure: the project of a project-scoped feed)")
    gcp.add_argument("--repository", help="the Python repository's ID")
    gcp.add_argument("--token-source", choices=("auto", "adc", "gcloud"), default="auto",
                     help="where a token is minted when none is given (default: ADC, then gcloud)")
    gcp.add_argument("--api-endpoint", metavar="URL",
                     help="the Artifact Registry API (Private Service Connect, a proxy), for the upload check")
    aws = setup.add_argument_group("AWS CodeArtifact (--provider aws)")
    aws.add_argument("--domain", help="the CodeArtifact domain")
    aws.add_argument("--domain-owner", metavar="ACCOUNT", help="the 12-digit AWS account that owns the domain")
    aws.add_argument("--region", help="e.g. us-east-1")
    azure = setup.add_argument_group("Azure Artifacts (--provider azure)")
    azure.add_argument("--organization", help="the Azure DevOps organization")
    azure.add_argument("--feed", help="the feed's name (a project-scoped feed also needs --project)")
    auth = setup.add_argument_group("credentials")
    auth.add_argument("--auth", choices=AUTH_METHODS, default="token")
    auth.add_argument("--username", metavar="USER")
    secret = auth.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="read the token or password from stdin")
    secret.add_argument("--token-env", metavar="VAR", help="read the token from environment variable VAR")
    secret.add_argument("--key-file", metavar="PATH", help="a service-account key (--auth service-account-key)")
    out = setup.add_argument_group("what to write")
    out.add_argument("--store", choices=STORES, default="uv", help="where the secret is kept (default: uv)")
    out.add_argument("--scope", choices=SCOPES,
                     help=f"project files or {user_uv_toml} (default: project, or where the index is configured)")
    out.add_argument("--targets", metavar="uv[,pip][,twine][,poetry][,pdm][,hatch]",
                     help="the tools to configure (default: the project's own tool, found by its lock file or "
                     "[tool.poetry]/[tool.pdm]/[tool.uv] table; uv when it has none)")
    out.add_argument("--project-dir", default=".", metavar="DIR")
    out.add_argument("--publish", action="store_true", help="also configure uploads (publish-url)")
    run = setup.add_argument_group("running")
    run.add_argument("--dry-run", action="store_true", help="print the masked diffs and write nothing")
    run.add_argument("--yes", action="store_true", help="apply without asking")
    run.add_argument("--no-validate", action="store_true", help="skip the live check of the credentials")
    ci = setup.add_argument_group("CI and containers")
    ci.add_argument("--emit", action="append", choices=KINDS, metavar="KIND",
                    help="print a github-actions, dockerfile, gitlab-ci, dependabot or renovate snippet for this index (repeatable); "
                    "alone it only prints, needing no secret; with --yes or --dry-run it follows the plan")
    ci.add_argument("--write-snippets", action="store_true",
                    help="also write each --emit snippet to its suggested path in --project-dir (never over a "
                    "different file)")

    undo = commands.add_parser("undo", help="restore the files and secrets a change replaced")
    undo.add_argument("id", nargs="?", metavar="ID",
                      help="the backup to restore, as `undo --list` shows it (default: the latest change not undone)")
    undo.add_argument("--list", action="store_true", help="list the backups")
    undo.add_argument("--purge", action="store_true",
                      help="delete backup sets (and the old secrets in them) instead of restoring one")
    undo.add_argument("--older-than", type=float, metavar="DAYS", help="with --purge: only sets older than DAYS")
    undo.add_argument("--yes", action="store_true", help="restore (or purge) without asking")

    rotate = commands.add_parser(
        "rotate", help="replace an index's secret where it is stored; nothing else changes", epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rotate.add_argument("--index", required=True, metavar="NAME", help="the uv index whose secret to replace")
    new = rotate.add_mutually_exclusive_group()
    new.add_argument("--password-stdin", action="store_true", help="read the new token or password from stdin")
    new.add_argument("--token-env", metavar="VAR", help="read the new token from environment variable VAR")
    new.add_argument("--key-file", metavar="PATH",
                     help="a Google service-account key: the new key, or what mints the new token")
    rotate.add_argument("--token-source", choices=("auto", "adc", "gcloud"), default="auto",
                        help="GCP: where a new token is minted when none is given (default: ADC, then gcloud)")
    rotate.add_argument("--project-dir", default=".", metavar="DIR")
    rotate.add_argument("--dry-run", action="store_true", help="show what would change and write nothing")
    rotate.add_argument("--yes", action="store_true", help="apply without asking")
    rotate.add_argument("--no-validate", action="store_true", help="skip the live check of the new secret")

    listing = commands.add_parser(
        "list", help="the repositories your cloud identity can reach (gcp, aws, azure)",
        description="List what the signed-in identity can reach, to pick from instead of typing: GCP Python "
        "repositories (per project and location), AWS CodeArtifact repositories (per domain), Azure Artifacts "
        "feeds (organization- and project-scoped).",
    )
    listing.add_argument("--provider", choices=("gcp", "aws", "azure"), required=True)
    listing.add_argument("--project", help="gcp: the project (default: every project the identity may list, "
                         "else the ADC/gcloud default); azure: not needed")
    listing.add_argument("--location", help="gcp: one location (default: every location)")
    listing.add_argument("--repository", help="gcp: also check this repository's download and upload permissions")
    listing.add_argument("--key-file", metavar="PATH", help="gcp: mint the token from this service-account key")
    listing.add_argument("--token-source", choices=("auto", "adc", "gcloud"), default="auto")
    listing.add_argument("--api-endpoint", metavar="URL",
                         help="gcp/azure: the API's base URL, for Private Service Connect or a proxy")
    listing.add_argument("--region", help="aws: e.g. us-east-1")
    listing.add_argument("--domain", help="aws: one domain (default: every domain in the region)")
    listing.add_argument("--domain-owner", metavar="ACCOUNT", help="aws: the account that owns --domain")
    listing.add_argument("--organization", help="azure: the Azure DevOps organization")
    pat = listing.add_mutually_exclusive_group()
    pat.add_argument("--password-stdin", action="store_true", help="azure: read the PAT from stdin")
    pat.add_argument("--token-env", metavar="VAR", help="azure: read the PAT from environment variable VAR")
    listing.add_argument("--json", action="store_true", help="print the listing as JSON")

    doctor = commands.add_parser("doctor", help="explain why a setup fails, and offer the fix")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON (see README)")
    doctor.add_argument("--offline", action="store_true", help="skip the live check of each index")
    doctor.add_argument("--verbose", action="store_true", help="list the passing checks too")
    doctor.add_argument("--fix", action="store_true", help="preview the offered fixes and apply them")
    doctor.add_argument("--yes", action="store_true", help="with --fix: apply without asking")
    doctor.add_argument("--project-dir", default=".", metavar="DIR")
    return parser


def main() -> None:
    sys.exit(run(sys.argv[1:]))


def run(argv: list[str]) -> int:
    """Run one command; every user-caused problem becomes one sentence and an exit code."""
    try:
        recovered = _recover(argv)
        code = _main(argv, recovered=recovered)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except UserError as err:
        print(f"error: {_mask(str(err))}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("Interrupted; nothing more was written.", file=sys.stderr)
        return 130
    except OSError as err:
        from .fileio import describe_os_error

        print(f"error: {_mask(describe_os_error(err))}", file=sys.stderr)
        return EXIT_APPLY
    except Exception:
        _report_crash()
        return 70


def _reader_went_away() -> int:
    """The reader of our output closed it (`ar-wizard undo --list | head`): end quietly, as it asked."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not fail again
    except (OSError, ValueError):
        pass
    return EXIT_OK


def _recover(argv: list[str]) -> str:
    """Every command (and the wizard) starts by rolling back a change a kill cut short; returns what it said."""
    if any(a in ("--help", "-h", "--version") for a in argv):
        return ""
    from .journal import needs_recovery

    if not needs_recovery():  # one listing of the state dir; recovery's imports load only when needed
        return ""
    from .recovery import recover

    try:
        sentence = recover()
    except UserError as err:
        if argv[:1] == ["undo"] and "--list" in argv:  # the list shows what is left to recover
            print(f"warning: {_mask(str(err))}", file=sys.stderr)
            return ""
        raise
    if sentence:
        print(f"note: {sentence}", file=sys.stderr)
    return sentence or ""


def _mask(text: str) -> str:
    from .model import mask

    return mask(text)


def _report_crash() -> None:
    import traceback

    # Scrubbed: a secret in an exception's message must not reach the terminal or a bug report.
    print(_mask(traceback.format_exc()), file=sys.stderr)
    print("ar-wizard hit a bug (above, secrets masked); nothing was left half-written.", file=sys.stderr)


def _main(argv: list[str], *, recovered: str = "") -> int:
    if not argv:
        return _tui(recovered=recovered)  # straight to the first frame: no parser to build
    args = build_parser().parse_args(argv)
    if args.command == "setup":
        return _setup(args)
    if args.command == "undo":
        return _undo(args)
    if args.command == "rotate":
        return _rotate(args)
    if args.command == "doctor":
        return _doctor(args)
    if args.command == "list":
        from .listing.command import run_list

        return run_list(args, secret=flag_secret(args))
    return _tui(_project_dir(args.wizard_project_dir) if args.wizard_project_dir else None,
                api_endpoint=args.wizard_api_endpoint or "", recovered=recovered)


def _tui(project_dir: Path | None = None, *, api_endpoint: str = "", recovered: str = "") -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "ar-wizard's wizard needs a terminal: in scripts and CI use `ar-wizard setup … --yes` "
            "(see `ar-wizard setup --help`)."
        )
    from pathlib import Path

    from .model import Draft
    from .tui.app import WizardApp

    draft = Draft(project_dir=project_dir or Path.cwd(), api_endpoint=api_endpoint)
    app = WizardApp(draft=draft, recovered=recovered)
    code = app.run() or 0
    # The full-screen display is gone with everything it said: what was written, the backup and
    # the next steps are printed where they stay.
    summary = app.summary()
    if summary is not None:
        print("\n".join(summary.lines()))
    return code


def draft_from_args(args: argparse.Namespace, *, need_secret: bool = True) -> Draft:
    """The draft the flags describe; reads the secret from where the flags say (unless not needed)."""
    from .model import TARGETS, Draft
    from .project_tools import proposed_targets

    project_dir = _project_dir(args.project_dir)
    given = args.targets is not None
    targets = tuple(t.strip() for t in (args.targets or "").split(",") if t.strip())
    for target in targets:
        if target not in TARGETS:
            raise UserError(f"--targets names {target!r}: choose from {', '.join(TARGETS)}.")
    fields = {}
    for name in ("url", "publish_url", "location", "project", "repository", "domain", "domain_owner",
                 "region", "organization", "feed"):
        value = getattr(args, name)
        if value:
            fields[name] = value

    joined = None if fields else _configured_index(args.index, project_dir)
    provider = args.provider or "generic"
    if joined is not None:
        # A teammate's first run: the index is configured; only their credentials are missing.
        if args.provider and args.provider != joined.provider:
            raise UserError(
                f"The configured index {args.index!r} is a {joined.provider} index, not --provider "
                f"{args.provider}: drop --provider, or give --url."
            )
        fields, provider = dict(joined.fields), joined.provider
    if not given:
        targets = joined.targets if joined is not None else proposed_targets(project_dir)
    secret, minted = (
        read_secret(args, provider=provider, auth=args.auth, fields=fields) if need_secret else (None, None)
    )
    return Draft(
        mode="join" if joined is not None else "setup",
        provider=provider,
        fields=fields,
        index_name=args.index,
        auth=args.auth,
        username=args.username or (joined.username if joined is not None and joined.auth == args.auth else ""),
        secret=secret,
        key_file=args.key_file or "",
        store=args.store,
        scope=args.scope or (joined.scope if joined is not None else "project"),
        targets=targets,
        publish=args.publish or (joined is not None and joined.publish),
        project_dir=project_dir,
        validate=not args.no_validate,
        api_endpoint=args.api_endpoint or "",
        minted=minted,
    )


def _configured_index(name: str, project_dir):
    """The join draft for the index ``name`` the project or user config already names, or None."""
    from . import join
    from .discover import discover

    for index in join.joinable(discover(project_dir)):
        if index.name == name:
            return join.draft_for(index, project_dir)
    return None


def flag_secret(args: argparse.Namespace):
    """The secret --password-stdin or --token-env points at (a ``Secret``), or None when neither is given."""
    from .plan import secret_from

    if args.password_stdin:
        if sys.stdin.isatty():
            import getpass

            return secret_from(getpass.getpass("Token or password: "), source="the prompt")
        return secret_from(sys.stdin.read(), source="stdin")
    if args.token_env:
        value = os.environ.get(args.token_env)
        if value is None:
            raise UserError(f"--token-env {args.token_env}: that environment variable is not set.")
        from . import userpath

        userpath.withhold(args.token_env)  # uv, keyring and friends never see it
        return secret_from(value, source=f"${args.token_env}")
    return None


def read_secret(args: argparse.Namespace, *, provider: str, auth: str, fields: dict):
    """The secret the flags point at, or one minted for the user: ``(Secret | None, MintedToken | None)``."""
    from pathlib import Path

    secret = flag_secret(args)
    if secret is None and args.key_file:
        if provider != "gcp":
            raise UserError("--key-file is a Google service-account key: it goes with --provider gcp.")
        if auth == "service-account-key":
            from .credentials import google

            secret = google.load_key(args.key_file).secret
    if auth == "keyring" and (secret is not None or args.key_file):
        raise UserError("--auth keyring uses a keyring plugin and takes no secret: drop the secret flag.")
    if auth == "service-account-key" and not args.key_file:
        raise UserError("--auth service-account-key needs the key: pass --key-file PATH.")
    minted = None
    if secret is None and auth == "token" and provider in ("gcp", "aws"):
        from .mint import describe, mint_token

        key_file = Path(args.key_file) if args.key_file else None
        minted = mint_token(provider, source=args.token_source, key_file=key_file, fields=fields)
        print(describe(minted), file=sys.stderr)
        secret = minted.secret
    return secret, minted


def _setup(args) -> int:
    from .plan import build_plan

    if args.write_snippets and not args.emit:
        raise UserError("--write-snippets writes what --emit prints: add --emit KIND.")
    if args.emit and not (args.yes or args.dry_run):
        # Only the snippets: they name where the secret comes from, so none is read or minted.
        draft = draft_from_args(args, need_secret=False)
        return _emit(draft, _snippets(draft, args.emit), args)
    if not (args.yes or args.dry_run or sys.stdin.isatty()):
        raise UserError("No terminal to ask for confirmation: add --yes to apply, or --dry-run to only see the changes.")
    draft = draft_from_args(args)
    plan = build_plan(draft)
    snippets = _snippets(draft, args.emit or ())  # built first: a snippet that cannot be made stops before any write
    if args.write_snippets:
        from .snippets import file_change

        # Part of the one transaction: a snippet file that may not be written stops it before any
        # write, and `undo` takes the snippets back with the rest.
        plan.changes.extend(file_change(snip, draft.project_dir) for snip in snippets)
    if draft.provider == "gcp" and draft.publish and draft.validate:
        _check_uploads_allowed(draft)
    code = _carry_out(draft, plan, args, label=f"setup {draft.index_name}")
    return _emit(draft, snippets, args, written=True) if code == EXIT_OK and snippets else code


def _check_uploads_allowed(draft) -> None:
    """Before anything is written: refuse a --publish setup whose identity may not upload."""
    from .listing import ListingError
    from .listing.gcp import publish_refusal

    if not all(draft.fields.get(k) for k in ("project", "location", "repository")):
        return  # a --url alone: nothing to ask the API about
    try:
        refusal = publish_refusal(draft, api=draft.api_endpoint or None)
    except ListingError as err:
        print(f"note: could not check upload permission before writing: {_mask(str(err))}", file=sys.stderr)
        return
    if refusal:
        raise ValidationFailed(refusal + " Nothing was written.")


def _snippets(draft, kinds) -> list:
    from .snippets import snippet

    return [snippet(draft, kind) for kind in dict.fromkeys(kinds)]


def _emit(draft, snippets, args, *, written: bool = False) -> int:
    """Print the snippets (a lone one exactly as its file would hold it); write them only when asked."""
    from .paths import shown

    alone = len(snippets) == 1 and not (args.yes or args.dry_run)
    for snip in snippets:
        if not alone:
            print(f"\n# ---- {snip.filename} ({snip.kind}) ----")
        print(snip.text, end="")
        for note in snip.notes:
            print(f"note: {note}", file=sys.stderr)
    if args.write_snippets and not args.dry_run and not written:
        from .apply import run_transaction
        from .snippets import file_change

        changes = [file_change(snip, draft.project_dir) for snip in snippets]  # refuses before writing any
        result = run_transaction(changes, [], label=f"snippets {draft.index_name}")
        for path in result.written:
            print(f"wrote   {shown(path)}", file=sys.stderr)
        for path in result.unchanged:
            print(f"kept    {shown(path)} (already right)", file=sys.stderr)
    return EXIT_OK


def _project_dir(value: str):
    from pathlib import Path

    project_dir = Path(value).resolve()
    if not project_dir.is_dir():
        raise UserError(f"--project-dir {value} is not a directory.")
    return project_dir


def _rotate(args) -> int:
    from dataclasses import replace

    from . import rotate
    from .plan import build_plan

    if not (args.yes or args.dry_run or sys.stdin.isatty()):
        raise UserError("No terminal to ask for confirmation: add --yes to apply, or --dry-run to only see the changes.")
    project_dir = _project_dir(args.project_dir)
    existing = rotate.find(args.index, project_dir)
    draft = rotate.draft_for(existing, project_dir)
    for cred in existing.rotatable:
        print(f"found   the secret in {cred.where}", file=sys.stderr)
    if not (args.password_stdin or args.token_env or args.key_file) and draft.key_file:
        args.key_file = draft.key_file  # re-mint from the key the last token came from
    secret, minted = read_secret(args, provider=draft.provider, auth=draft.auth, fields=draft.fields)
    if secret is None:
        raise UserError("No new secret given: pass it with --password-stdin or --token-env VAR.")
    draft = replace(draft, secret=secret, minted=minted, key_file=args.key_file or "", validate=not args.no_validate)
    plan = build_plan(draft)
    return _carry_out(draft, plan, args, label=f"rotate {draft.index_name}")


def _doctor(args) -> int:
    from . import doctor

    project_dir = _project_dir(args.project_dir)
    if args.fix and not (args.yes or sys.stdin.isatty()):
        raise UserError("No terminal to ask for confirmation: add --yes to apply the fixes.")
    report = doctor.diagnose(project_dir, offline=args.offline)
    if args.json:
        import json

        print(_mask(json.dumps(report.as_json(), indent=2, ensure_ascii=False)))
    else:
        print(doctor.render(report, verbose=args.verbose), end="")
    if not args.fix:
        return EXIT_OK if report.healthy else EXIT_VALIDATION
    # Failures first, as they are shown: a fix that moves a secret out of a URL runs before one that
    # rewrites that URL, and the later one is planned from what the earlier one left.
    fixable = sorted((c for c in report.findings if c.fixer is not None), key=lambda c: doctor.VERDICTS.index(c.verdict))
    if not fixable:
        print("No finding has a fix ar-wizard can apply; follow the fixes above.", file=sys.stderr)
        return EXIT_OK if report.healthy else EXIT_VALIDATION
    # One fix at a time, each planned from the files as the previous one left them: after every fix
    # the offline checks run again and the next fix is the first finding not tried yet, so a finding
    # an earlier fix moved (a rename gives it a new subject) is fixed under its new name, and one an
    # earlier fix cleared is not planned from stale files. A finding only the live checks see keeps
    # its fixer, which reads the files when it is called. Every fix offered first and not applied is
    # named at the end, with why.
    def key(check) -> tuple[str, str]:
        return check.id, check.subject

    def offline_fixable() -> list:
        return [c for c in doctor.diagnose(project_dir, offline=True).findings if c.fixer is not None]

    offline_keys = {key(c) for c in offline_fixable()}
    live_only = [c for c in fixable if key(c) not in offline_keys]
    why_not: dict[tuple[str, str], str] = {}  # a fix tried and not applied: why
    tried: set[tuple[str, str]] = set()
    for _ in range(4 * len(fixable) + 8):  # each round tries a new finding; a bound all the same
        pending = sorted((c for c in offline_fixable() + live_only if key(c) not in tried),
                         key=lambda c: doctor.VERDICTS.index(c.verdict))
        if not pending:
            break
        check = pending[0]
        tried.add(key(check))
        print(f"\nFix for {check.id} ({check.subject or 'this machine'}):", file=sys.stderr)
        assert check.fixer is not None  # only checks with a fixer are offered
        try:
            plan = check.fixer()
        except UserError as err:  # e.g. a freshly minted token refused too: said, and the next fix goes on
            print(f"error: {_mask(str(err))}", file=sys.stderr)
            why_not[key(check)] = f"its change could not be planned ({_mask(str(err)).rstrip('.')})"
            continue
        if plan.draft.minted is not None:
            from .mint import describe

            print(describe(plan.draft.minted), file=sys.stderr)
        status = _carry_out(plan.draft, plan, args, label=f"doctor fix {check.id}")
        if status != EXIT_OK:
            return status
    left = {key(c) for c in offline_fixable()}
    offered = {key(c) for c in fixable}
    for check in fixable:
        subject = f"{check.id} ({check.subject or 'this machine'})"
        if key(check) in why_not:
            print(f"Skipped the fix for {subject}: {why_not[key(check)]}.", file=sys.stderr)
        elif key(check) not in tried:
            # The same finding under the name an earlier fix gave its subject (a renamed index).
            moved = [k[1] for k in tried if k[0] == check.id and k not in offered and k not in why_not]
            if key(check) in left:
                why = "it was not reached"
            elif moved:
                why = f"an earlier fix renamed it, and it was fixed as {', '.join(repr(m) for m in moved)}"
            else:
                why = "the fixes before it cleared it"
            print(f"Skipped the fix for {subject}: {why}.", file=sys.stderr)
    after = doctor.diagnose(project_dir, offline=args.offline)
    print("\nAfter the fixes:\n" + doctor.render(after), end="")
    return EXIT_OK if after.healthy else EXIT_VALIDATION


def _carry_out(draft, plan, args, *, label: str) -> int:
    """Validate, show, confirm and apply a plan: the part setup, rotate and doctor share."""
    for note in plan.notes:
        print(f"warning: {note}", file=sys.stderr)
    if draft.validate:
        from .validate import validate_draft

        print("Checking the credentials against the index…", file=sys.stderr)
        verdict = validate_draft(draft)
        if not verdict.ok:
            print(f"error: {_mask(verdict.message)}", file=sys.stderr)
            if verdict.unverifiable:
                print("Nothing shows the secret works: pass --no-validate to write it anyway.", file=sys.stderr)
            print("Nothing was written.", file=sys.stderr)
            return EXIT_VALIDATION
        print(f"ok: {verdict.message} ({verdict.seconds * 1000:.0f} ms)", file=sys.stderr)
        if verdict.unasked and not draft.authenticate_always and draft.mode == "setup" and "uv" in draft.targets:
            from dataclasses import replace

            from .plan import build_plan

            # The server never asks, so uv must be told to send the credentials with every request.
            draft = replace(draft, authenticate_always=True)
            plan = build_plan(draft)

    dry_run = getattr(args, "dry_run", False)
    if dry_run or not args.yes:
        _print_plan(plan)
    if dry_run:
        print("Dry run: nothing was written.")
        return EXIT_OK
    if not args.yes and not _confirm("Apply these changes?"):
        print("Nothing was written.")
        return EXIT_OK

    from .apply import apply

    result = apply(plan, label=label)
    _print_result(result, plan.next_steps)
    return EXIT_OK


def _print_plan(plan) -> None:
    diffs = plan.diffs()
    if not diffs and not plan.secret_writes:
        print("Everything is already configured: nothing to change.")
    for _path, diff in diffs:
        print(diff, end="" if diff.endswith("\n") else "\n")
    for write in plan.secret_writes:
        print(f"secret: {write.summary} (value masked)")


def _print_result(result, next_steps: list[str]) -> None:
    from .paths import shown

    if result.recovered:
        print(f"note: {result.recovered}", file=sys.stderr)
    for path in result.written:
        print(f"wrote   {shown(path)}")
    for path in result.unchanged:
        print(f"kept    {shown(path)} (already right)")
    for summary in result.secrets:
        print(f"stored  {summary}")
    if result.backup_id:
        print(f"backup  {result.backup_id}  (undo with `ar-wizard undo {result.backup_id}`)")
    if next_steps:
        print("\nNext:")
        for step in next_steps:
            print(f"  {step}")


def _confirm(question: str) -> bool:
    """Ask the terminal itself, not stdin (which may carry the secret); Windows' console input is CONIN$."""
    try:
        with open("CONIN$" if os.name == "nt" else "/dev/tty") as tty:
            print(f"{question} [y/N] ", end="", flush=True)
            return tty.readline().strip().lower() in ("y", "yes")
    except OSError:
        return False


def _undo(args) -> int:
    from .apply import latest_undoable, list_backups, undo
    from .backups import check_id

    if args.purge:
        return _purge(args)
    if args.older_than is not None:
        raise UserError("--older-than goes with --purge: add --purge to delete old backup sets.")
    if args.list:
        from pathlib import Path

        from .backups import damaged
        from .paths import shown

        backups = list_backups()
        broken = damaged()
        if not backups and not broken:
            print("No backups yet.")
        for b in backups:
            notes = []
            if b.status == "interrupted":
                notes.append("interrupted: rolled back when ar-wizard next runs")
            if b.undoes:
                notes.append(f"undid {b.undoes}")
            if b.undone_by:
                notes.append(f"undone by {b.undone_by}")
            if b.holds_secrets:
                notes.append("holds old secrets: `ar-wizard undo --purge` deletes it")
            print(f"{b.id}  {b.created}  {b.label}" + "".join(f"  ({n})" for n in notes))
            for f in b.files:
                print(f"    file    {shown(Path(f))}")
            for s in b.secrets:
                print(f"    secret  {s}")
        for b in broken:
            what = "set aside by recovery" if b.status == "set aside" else "damaged, cannot be undone"
            print(f"{b.id}  ({what}; may hold old secrets: `ar-wizard undo --purge` deletes it)")
        return EXIT_OK
    target = check_id(args.id) if args.id else latest_undoable()
    if target is None:
        raise UserError("There is nothing (left) to undo: every ar-wizard change recorded here is undone.")
    from .apply import plan_undo

    plan = plan_undo(target)  # every file checked (and merged where edited since) before the first question
    print(f"Undoing {target} will:")
    for step in plan.steps:
        print(f"  {step.sentence()}")
    for write in plan.writes:
        what = "put back the old secret for" if write.secret is not None else "remove the secret for"
        print(f"  {what} {write.service} ({write.username}) in {'the keyring' if write.store == 'keyring' else 'uv'}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("No terminal to ask for confirmation: add --yes to undo.")
        if not _confirm(f"Undo backup {target} as above?"):
            print("Nothing was changed.")
            return EXIT_OK
    result = undo(plan=plan)
    from .paths import shown

    merged = {step.path for step in plan.steps if step.action == "merge"}
    if result.recovered:
        print(f"note: {result.recovered}", file=sys.stderr)
    for path in result.written:
        print(f"merged   {shown(path)} (kept your edits since)" if path in merged else f"restored {shown(path)}")
    for path in result.removed:
        print(f"removed  {shown(path)} (it did not exist before)")
    for summary in result.secrets:
        print(f"restored {summary}")
    for summary in result.secrets_removed:
        print(f"removed  {summary} (there was none before)")
    print(f"undone   {target} (as backup {result.backup_id}; `ar-wizard undo` again goes one change further back)")
    return EXIT_OK


def _purge(args) -> int:
    from .apply import purge, purge_sets

    if args.id or args.list:
        raise UserError("--purge deletes backup sets by age: drop the ID and --list (see `ar-wizard undo --list`).")
    if args.older_than is not None and args.older_than < 0:
        raise UserError("--older-than takes a number of days, 0 or more.")
    doomed = purge(args.older_than)
    if not doomed:
        print("No backup sets to delete.")
        return EXIT_OK
    with_secrets = sum(1 for b in doomed if b.holds_secrets)
    question = (f"Delete {len(doomed)} backup set(s) ({with_secrets} holding old secrets)? "
                "Their changes can no longer be undone.")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("No terminal to ask for confirmation: add --yes to delete the backup sets.")
        if not _confirm(question):
            print("Nothing was deleted.")
            return EXIT_OK
    left = purge_sets(doomed)
    for b in doomed:
        if b.id in left:
            print(f"kept     {b.id}  {b.label}  (could not be deleted: {left[b.id]})")
        else:
            print(f"deleted  {b.id}  {b.label}" + ("  (held old secrets)" if b.holds_secrets else ""))
    if left:
        raise ApplyFailed(f"{len(left)} of {len(doomed)} backup set(s) could not be deleted whole and still hold "
                          "what is listed above: fix their permissions and run `ar-wizard undo --purge` again.")
    return EXIT_OK
