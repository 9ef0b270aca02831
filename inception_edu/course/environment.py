"""The environment check of notebook 00: versions, devices, and whether we are offline.

The course never downloads anything at run time. Whether ImageNet weights could be
fetched is only tested when a learner asks for it (``check_network=True``), so that a
CI run or a classroom machine never reaches out to the internet by surprise.
"""

from __future__ import annotations

import importlib.metadata
import platform
import socket
from pathlib import Path

from inception_edu.i18n import _, ljust

PACKAGES = (
    "tensorflow-cpu",
    "tensorflow",
    "keras",
    "numpy",
    "matplotlib",
    "ipywidgets",
    "jupyterlab",
    "scikit-learn",
)
WEIGHTS_HOST = ("storage.googleapis.com", 443)  # where keras.applications fetches weights


def package_versions() -> dict:
    """Installed version of each course dependency (absent ones are left out)."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def devices() -> dict:
    """CPU and GPU devices TensorFlow sees (imports TensorFlow)."""
    from inception_edu.backend import tf

    return {kind: len(tf.config.list_physical_devices(kind)) for kind in ("CPU", "GPU")}


def cached_imagenet_weights() -> list:
    """ImageNet weight files already in Keras' cache (usable offline)."""
    cache = Path.home() / ".keras" / "models"
    return sorted(p.name for p in cache.glob("*.h5")) if cache.is_dir() else []


def can_reach_weights_host(timeout: float = 3.0) -> bool:
    """Open (and close) one TCP connection to Keras' weights host."""
    try:
        with socket.create_connection(WEIGHTS_HOST, timeout=timeout):
            return True
    except OSError:
        return False


def report(check_network: bool = False) -> str:
    """A few lines that tell a learner what this machine can do for the course."""
    lines = [f"{name:<15}{version}" for name, version in package_versions().items()]
    found = devices()
    lines.append(
        ljust(_("devices"), 15)
        + _("{cpu} CPU, {gpu} GPU").format(cpu=found["CPU"], gpu=found["GPU"])
        + ("" if found["GPU"] else " " + _("(the course is sized for a CPU)"))
    )
    cached = cached_imagenet_weights()
    lines.append(
        ljust(_("weights cache"), 15)
        + (", ".join(cached) if cached else _("no ImageNet weights cached"))
    )
    if check_network:
        online = can_reach_weights_host()
        lines.append(
            ljust(_("network"), 15)
            + (
                _("online: pretrained weights can be downloaded")
                if online
                else _("offline: random initial weights")
            )
        )
    else:
        lines.append(
            ljust(_("network"), 15)
            + _(
                "not checked (set CHECK_NETWORK = True to test); "
                "everything in the course runs offline"
            )
        )
    return "\n".join(lines)
