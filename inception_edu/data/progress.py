"""Progress bars for long steps (a folder decoded, a model trained), shown only where a
learner watches.

``tqdm.auto`` draws an ipywidgets bar in JupyterLab and Colab and a text bar in a
terminal. A bar is also output: in a notebook it is a cell output, and the course's
notebooks are executed headless (``make notebooks``, nbval, papermill) with their outputs
stored and compared. So ``progress=None``, every function's default, means *on when
someone watches* (:func:`progress_enabled`): in a notebook kernel that a Jupyter server
or Colab started for a person, or in a script whose error stream is a terminal; never in
a headless run. ``True`` and ``False`` force it.
"""

from __future__ import annotations

import os
import sys

from inception_edu.i18n import _

__all__ = ["PROGRESS_ENV", "progress_bar", "progress_enabled"]

#: Set to ``1`` or ``0`` to force progress bars on or off where ``progress=None``.
PROGRESS_ENV = "INCEPTION_EDU_PROGRESS"


def _watched() -> bool:
    """Whether a person is watching this process's output.

    A notebook kernel counts when a Jupyter server started it for a notebook it has open
    (``jupyter_server`` gives such kernels ``JPY_SESSION_NAME``, the notebook's path) or
    when it runs in Colab; nbconvert, nbval and papermill start their kernels without a
    server, so their stored outputs gain nothing. Outside a kernel, a terminal counts."""
    shell = sys.modules.get("IPython")
    kernel = shell is not None and getattr(shell.get_ipython(), "kernel", None) is not None
    if kernel:
        return bool(os.environ.get("JPY_SESSION_NAME")) or "google.colab" in sys.modules
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


def progress_enabled(progress) -> bool:
    """``progress`` (``True``, ``False`` or ``None``) as a yes or no: ``None`` is on when
    someone watches (the module's docstring), or as :data:`PROGRESS_ENV` says when set."""
    if progress is None:
        forced = os.environ.get(PROGRESS_ENV, "").strip()
        if forced in ("0", "1"):
            return forced == "1"
        return _watched()
    if not isinstance(progress, bool):
        raise ValueError(
            _(
                "progress must be True (show a progress bar), False (none) or None (show one "
                "when someone watches: a notebook open in JupyterLab or Colab, a terminal). "
                "Received: progress={progress!r}"
            ).format(progress=progress)
        )
    return progress


class _NoBar:
    """What :func:`progress_bar` gives when progress is off: every call does nothing."""

    n = 0

    def update(self, count: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str = "", refresh: bool = True) -> None:
        pass

    def set_description_str(self, text: str = "", refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def progress_bar(total: int, description: str, unit: str, progress=None):
    """A ``tqdm.auto`` bar of ``total`` ``unit`` s labelled ``description`` when
    :func:`progress_enabled` says so; otherwise an object with the same ``update``,
    ``set_postfix_str``, ``set_description_str`` and ``close`` that prints nothing. Use it
    as a context manager, or close it."""
    if not progress_enabled(progress):
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit=unit, dynamic_ncols=True, leave=True)
