"""One screen per step of the flow, each imported when its step is first shown.

Importing every screen (and the widgets and rich.syntax they use) up front
costs ~60 ms before the first frame; only the Start screen is needed for it.
For the same reason each screen imports the core modules it works with (plan,
validate, apply, readiness…) inside the handler that needs them.
"""

from __future__ import annotations

from importlib import import_module

from ...flow import Step

_MODULES = {
    Step.START: ("start", "StartScreen"),
    Step.PROVIDER: ("provider", "ProviderScreen"),
    Step.REGISTRY: ("registry", "RegistryScreen"),
    Step.AUTH: ("auth", "AuthScreen"),
    Step.CREDENTIALS: ("credentials", "CredentialsScreen"),
    Step.TARGETS: ("targets", "TargetsScreen"),
    Step.VALIDATE: ("validate", "ValidateScreen"),
    Step.PREVIEW: ("preview", "PreviewScreen"),
    Step.APPLY: ("apply", "ApplyScreen"),
    Step.DONE: ("done", "DoneScreen"),
}


def screen_for(step: Step):
    module, name = _MODULES[step]
    return getattr(import_module(f"{__name__}.{module}"), name)
