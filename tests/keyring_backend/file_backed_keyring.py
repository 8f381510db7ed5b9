"""keyrings.alt's file keyring under a name Poetry accepts, for Poetry's own process in the tests.

Poetry skips every keyring backend whose name says "plaintext" (``poetry/utils/password_manager.py``
``PoetryKeyring.is_available``), right for a user and in the way on a test machine with no OS keyring.
This subclass keeps the same file (``keyring_pass.cfg`` under the data root) and format, so what
``keyring set`` writes with ``keyrings.alt.file.PlaintextKeyring`` is what Poetry reads here.
"""

from keyrings.alt.file import PlaintextKeyring


class FileBackedKeyring(PlaintextKeyring):
    """The same file and format as PlaintextKeyring; only the class name differs."""
