"""One screen per step of the flow."""

from __future__ import annotations

from ...flow import Step
from .apply import ApplyScreen
from .auth import AuthScreen
from .credentials import CredentialsScreen
from .done import DoneScreen
from .preview import PreviewScreen
from .provider import ProviderScreen
from .registry import RegistryScreen
from .start import StartScreen
from .targets import TargetsScreen
from .validate import ValidateScreen

SCREENS = {
    Step.START: StartScreen,
    Step.PROVIDER: ProviderScreen,
    Step.REGISTRY: RegistryScreen,
    Step.AUTH: AuthScreen,
    Step.CREDENTIALS: CredentialsScreen,
    Step.TARGETS: TargetsScreen,
    Step.VALIDATE: ValidateScreen,
    Step.PREVIEW: PreviewScreen,
    Step.APPLY: ApplyScreen,
    Step.DONE: DoneScreen,
}
