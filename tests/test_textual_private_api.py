"""The two private parts of Textual and Rich the project leans on, checked on the installed versions.

pyproject.toml bounds Textual below the next major version; when the bound is raised, these
tests say whether the hooks are still there and still called the way the code expects.
"""

from __future__ import annotations

import inspect
import io

import rich.console
import textual.app

from ar_wizard.tui.app import WizardApp


def test_textual_still_reports_an_unhandled_exception_through_app_fatal_error():
    # tui/app.py overrides it so that the crash report masks secrets and shows no local variables.
    assert "_fatal_error" in inspect.getsource(textual.app.App._handle_exception)
    assert list(inspect.signature(textual.app.App._fatal_error).parameters) == ["self"]
    assert WizardApp._fatal_error is not textual.app.App._fatal_error


def test_rich_still_records_segments_in_console_record_buffer():
    # The snapshot tests respell the index's port in the recorded segments before the SVG is made.
    console = rich.console.Console(record=True, width=20, file=io.StringIO())
    console.print("x")
    assert isinstance(console._record_buffer, list) and console._record_buffer
