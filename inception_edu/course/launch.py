"""Open the course on Colab or Binder: the links, the badges, and the set-up Colab needs.

Binder builds the repository's own environment with repo2docker (``requirements.txt``
pinned by ``constraints.txt``), so a notebook opened there has everything. Colab instead
opens a single notebook on top of its own preinstalled stack, without the helper package,
the other notebooks or the course's data. So every notebook's first code cell, the
*install cell* (:func:`install_cell_source`), does on Colab, and only there:

1. a shallow clone of the repository into ``/content/inception-edu``, unless it is there;
2. that clone on ``sys.path``, so ``import inception_edu`` works without installing it;
3. :func:`colab_setup`: the working directory becomes the clone's ``notebooks/`` folder
   (the notebooks' relative paths, ``../build/09`` and the like, work unchanged), and the
   package's declared dependencies (``[project] dependencies`` in ``pyproject.toml``, the
   ranges a learner's environment needs) are compared with what Colab has installed; pip
   installs only the missing or out-of-range ones, the newest each range allows, one
   printed line each.

Colab's own TensorFlow (a GPU build named ``tensorflow``) counts as the course's
``tensorflow-cpu`` and is never replaced (:data:`STANDS_IN_FOR`). Elsewhere (JupyterLab,
Binder, CI, papermill) the cell does nothing and prints nothing, so the stored outputs
strict nbval compares stay empty.

Version logic is ``packaging``'s (PEP 440 and PEP 508, as pip applies them): Colab ships
it, and it comes with matplotlib everywhere else. The pure parts (the plan, the messages)
are functions of their inputs, tested on made-up installed versions.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from urllib.parse import quote

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

# The course's language (standard library only; Babel, which Colab ships, once Korean is
# chosen). Imported relatively: the install cell imports this module from the clone before
# anything is installed, and tests/test_launch.py allows it only this package and packaging.
from .. import i18n
from ..i18n import _

__all__ = [
    "BRANCH",
    "GITHUB_REPOSITORY",
    "REPOSITORY_URL",
    "INSTALL_MARKER",
    "STANDS_IN_FOR",
    "Change",
    "badges_markdown",
    "binder_url",
    "colab_setup",
    "colab_url",
    "course_requirements",
    "install_cell_source",
    "installed_versions",
    "parse_pins",
    "plan_changes",
    "readme_badges",
    "setup_messages",
]

# --- where the course lives: change these two and every link and the install cell follow

#: The GitHub repository (``owner/name``) the badges and the install cell point at.
GITHUB_REPOSITORY = "inception-edu/inception-edu"
#: The branch the badges open and the install cell clones.
BRANCH = "main"

REPOSITORY_URL = f"https://github.com/{GITHUB_REPOSITORY}"
#: Where the install cell clones the repository on Colab.
COLAB_HOME = "/content/inception-edu"
#: An environment variable that puts the clone elsewhere (tests use it).
HOME_ENV = "INCEPTION_EDU_HOME"

COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
#: The README's Colab badge opens this notebook.
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
#: The README's Binder badge opens JupyterLab on this folder.
NOTEBOOK_FOLDER = "notebooks"

#: The install cell's first line starts with this; it is how the cell is found again.
INSTALL_MARKER = "# inception-edu: Colab setup"
#: The install cell's size limit: short enough to read before running it.
INSTALL_CELL_MAX_LINES = 12
INSTALL_CELL_MAX_CHARS = 88


def _received(what: str, allowed: str, value) -> ValueError:
    return ValueError(f"{what} must be {allowed}. Received: {value!r}")


# --- links and badges ----------------------------------------------------------------


def _repo_path(path, *, notebook: bool) -> str:
    """``path`` as a repository-relative POSIX path (a notebook's if ``notebook``)."""
    allowed = (
        "a notebook's path relative to the repository, like 'notebooks/03_x.ipynb'"
        if notebook
        else "a path relative to the repository, like 'notebooks'"
    )
    if not isinstance(path, (str, PurePath)):
        raise _received("path", allowed, path)
    text = str(path).replace("\\", "/") if isinstance(path, str) else PurePath(path).as_posix()
    posix = PurePosixPath(text)
    if (
        not text.strip()
        or posix.is_absolute()
        or re.match(r"^[A-Za-z]:", text)
        or any(part in ("..", ".") for part in posix.parts)
        or not posix.parts
        or (notebook and posix.suffix != ".ipynb")
    ):
        raise _received("path", allowed, path)
    return posix.as_posix()


def colab_url(path) -> str:
    """The "Open in Colab" address of the notebook at repository path ``path``."""
    path = _repo_path(path, notebook=True)
    return (
        f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}/blob/{BRANCH}/"
        f"{quote(path, safe='/')}"
    )


def binder_url(path) -> str:
    """The Binder address that opens JupyterLab on ``path`` (a notebook or a folder).

    ``?urlpath=lab/tree/<path>`` is the form repo2docker's documentation gives for
    opening JupyterLab at a file or folder (docs/source/howto/user_interface.rst).
    """
    path = _repo_path(path, notebook=False)
    return (
        f"https://mybinder.org/v2/gh/{GITHUB_REPOSITORY}/{BRANCH}"
        f"?urlpath=lab/tree/{quote(path, safe='/')}"
    )


def _badges(colab_target: str, binder_target: str) -> str:
    return (
        f"[![Open In Colab]({COLAB_BADGE})]({colab_target}) "
        f"[![Binder]({BINDER_BADGE})]({binder_target})"
    )


def badges_markdown(path) -> str:
    """One markdown line: the Colab and Binder badges of the notebook at ``path``."""
    return _badges(colab_url(path), binder_url(_repo_path(path, notebook=True)))


def readme_badges() -> str:
    """The README's badges: Colab opens notebook 00, Binder opens the lab at notebooks/."""
    return _badges(colab_url(START_NOTEBOOK), binder_url(NOTEBOOK_FOLDER))


# --- the install cell ------------------------------------------------------------------


def install_cell_source() -> str:
    """The source of every notebook's install cell (no trailing newline).

    Self-contained: on Colab it runs before ``inception_edu`` can be imported, so it
    clones and puts the clone on ``sys.path`` itself, then hands over to
    :func:`colab_setup`. Everywhere else its one test is false and it does nothing.
    """
    lines = [
        f"{INSTALL_MARKER} (elsewhere this cell does nothing)",
        "import os, subprocess, sys",
        'if "google.colab" in sys.modules:',
        f'    home = os.environ.get("{HOME_ENV}", "{COLAB_HOME}")',
        f'    repo = "{REPOSITORY_URL}"',
        "    if not os.path.isdir(home):",
        f'        git = ["git", "clone", "-q", "--depth=1", "--branch={BRANCH}"]',
        "        subprocess.check_call([*git, repo, home])",
        "    if home not in sys.path:",
        "        sys.path.insert(0, home)",
        "    from inception_edu.course import launch",
        "    launch.colab_setup(home)",
    ]
    too_long = [line for line in lines if len(line) > INSTALL_CELL_MAX_CHARS]
    if len(lines) > INSTALL_CELL_MAX_LINES or too_long:
        raise ValueError(
            f"the install cell must have at most {INSTALL_CELL_MAX_LINES} lines of at most "
            f"{INSTALL_CELL_MAX_CHARS} characters. Received: {len(lines)} lines, too long: "
            f"{too_long!r} (shorten GITHUB_REPOSITORY, BRANCH or COLAB_HOME)"
        )
    return "\n".join(lines)


# --- what the course needs, and what Colab has ---------------------------------------------

#: A requirement another installed distribution stands in for: Colab's ``tensorflow``
#: (its GPU build) is the course's ``tensorflow-cpu`` and is never replaced.
STANDS_IN_FOR = {"tensorflow-cpu": "tensorflow"}


def course_requirements(home: str | os.PathLike) -> list:
    """The learner's requirements: ``[project] dependencies`` of ``home/pyproject.toml``,
    as :class:`packaging.requirements.Requirement` s (names as written, ranges parsed)."""
    path = Path(home) / "pyproject.toml"
    if not path.is_file():
        raise _received("home", "the course's clone, with pyproject.toml", str(home))
    dependencies = tomllib.loads(path.read_text(encoding="utf-8"))["project"]["dependencies"]
    requirements = []
    for line in dependencies:
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise _received(
                f"each dependency in {path} ({error})", "a PEP 508 line", line
            ) from None
        if requirement.url:
            raise _received("each dependency", "a name and a version range, no URL", line)
        requirements.append(requirement)
    return requirements


def parse_pins(text: str) -> dict:
    """``{normalized name: version}`` of the ``name==version`` lines of ``text``: a
    ``constraints.txt`` or a ``pip freeze`` (Colab's published set), which the tests and
    ``make test-envs`` read to stand in for Colab. Comments, blank lines and ``name @ url``
    lines (no version) are skipped; any other line is refused."""
    if not isinstance(text, str):
        raise _received("the pins", "the text of a constraints.txt or pip freeze", text)
    pins = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\s*@\s*\S+", line):
            continue
        name, _unused, version = line.partition("==")
        try:
            pins[canonicalize_name(Requirement(name).name)] = str(Version(version))
        except (InvalidRequirement, InvalidVersion):
            raise ValueError(
                f"pins line {number} must be 'name==version' or 'name @ url'. Received: {raw!r}"
            ) from None
    return pins


def _range(requirement: Requirement) -> str:
    """The requirement's range as ranges are written, lower bounds first: ``>=8.1,<9``."""
    clauses = sorted(map(str, requirement.specifier), key=lambda c: not c.startswith((">", "~")))
    return ",".join(clauses)


@dataclass(frozen=True)
class Change:
    """One requirement the set-up acts on: ``install`` ``name`` in ``specifier``'s range, or
    keep a stand-in that is out of it (``install=False``).

    ``installed`` is the version found (``None``: not installed); ``name`` is the
    distribution that gets installed (or kept).
    """

    name: str
    installed: str | None
    specifier: str
    install: bool = True

    @property
    def pip_argument(self) -> str:
        return f"{self.name}{self.specifier}"

    @property
    def message(self) -> str:
        needs = (
            _("the course needs {range}").format(range=self.specifier)
            if self.specifier
            else _("the course needs it")
        )
        if not self.install:
            kept = _("{name} {installed} kept: Colab's own build").format(
                name=self.name, installed=self.installed
            )
            return _("{kept} ({needs}; some numbers may differ)").format(kept=kept, needs=needs)
        found = self.installed if self.installed is not None else _("(not installed)")
        return _("{name} {found} -> the newest in range ({needs})").format(
            name=self.name, found=found, needs=needs
        )


def plan_changes(requirements: Iterable, installed: Mapping) -> list:
    """The :class:`Change` s that make ``installed`` meet ``requirements`` on Colab.

    ``requirements``: :class:`~packaging.requirements.Requirement` s (from
    :func:`course_requirements`); ``installed``: ``{name: version}`` of what is there
    (names in any spelling). Requirements whose markers exclude this Python, and those
    installed in range (pre-releases count), need nothing. A requirement with a stand-in
    (:data:`STANDS_IN_FOR`) that is installed is satisfied by it in range and kept with a
    note out of range; with neither installed, the stand-in is what gets installed.
    """
    if not isinstance(installed, Mapping):
        raise _received("installed", "a mapping of package name to version", installed)
    installed = {canonicalize_name(name): version for name, version in installed.items()}

    def in_range(name: str, requirement: Requirement) -> bool:
        return requirement.specifier.contains(installed[name], prereleases=True)

    changes = []
    for requirement in requirements:
        if not isinstance(requirement, Requirement):
            raise _received(
                "each requirement", "a packaging Requirement (course_requirements)", requirement
            )
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name, specifier = canonicalize_name(requirement.name), _range(requirement)
        stand_in = STANDS_IN_FOR.get(name)
        if stand_in is not None and stand_in in installed:
            if not in_range(stand_in, requirement):
                changes.append(Change(stand_in, installed[stand_in], specifier, install=False))
            continue
        if name in installed and in_range(name, requirement):
            continue
        if name not in installed and stand_in is not None:
            name = stand_in  # the stand-in: Colab's usual (GPU-capable) build
        changes.append(Change(name, installed.get(name), specifier))
    return changes


def setup_messages(changes: list, checked: int) -> list:
    """The lines :func:`colab_setup` prints: one per change, or one saying nothing changed."""
    lines = [change.message for change in changes]
    if not any(change.install for change in changes):
        lines.append(
            _(
                "nothing changed: the {checked} packages the course needs are in range on Colab"
            ).format(checked=checked)
            if not changes
            else _("nothing changed")
        )
    return lines


def installed_versions(names: Iterable) -> dict:
    """``{normalized name: version}`` of those of ``names`` installed here."""
    found = {}
    for name in names:
        try:
            found[canonicalize_name(name)] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def _already_imported(names: Iterable) -> list:
    """Those distributions of ``names`` some of whose modules this process has imported."""
    modules = importlib.metadata.packages_distributions()
    wanted = {canonicalize_name(name) for name in names}
    hit = {
        canonicalize_name(dist)
        for module, dists in modules.items()
        if module in sys.modules
        for dist in dists
    }
    return sorted(wanted & hit)


def _pip_install(arguments: list) -> None:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *arguments])


#: The Korean notebooks' mark in their metadata (scripts/korean_edition.py)
EDITION_KEY = "language_edition"


def notebook_edition(request: Callable | None = None) -> str | None:
    """The edition of the notebook open in Colab, read from its metadata
    (:data:`EDITION_KEY`: ``"ko"`` in a Korean notebook), or ``None`` outside Colab, in an
    English notebook, or when Colab does not answer. ``request`` stands in for Colab's
    ``google.colab._message.blocking_request`` (tests)."""
    try:
        if request is None:
            request = importlib.import_module("google.colab._message").blocking_request
        answer = request("get_ipynb", timeout_sec=5)
        edition = answer["ipynb"]["metadata"].get(EDITION_KEY)
    except Exception:  # not on Colab, or an answer of another shape: the default language
        return None
    return edition if edition in i18n.LANGUAGES else None


def colab_setup(
    home: str | os.PathLike | None = None,
    *,
    installer: Callable | None = None,
    out: Callable = print,
) -> list:
    """What the install cell does on Colab once the clone at ``home`` is importable.

    Changes the working directory to ``home/notebooks``, compares the course's
    requirements (:func:`course_requirements`) with the installed versions, has pip
    (``installer``, default ``pip install``) install each missing or out-of-range one
    within its range, and prints one line per change or one saying nothing changed.
    Returns the changes. If a replaced package was already imported, it says to restart
    the session and run the cell again (the second run then changes nothing). In a Korean
    notebook (:func:`notebook_edition`) it says all this in Korean: the install cell runs
    before the notebook's own ``set_language("ko")``.
    """
    edition = notebook_edition()
    if edition:
        i18n.set_language(edition)
    home = Path(home if home is not None else os.environ.get(HOME_ENV, COLAB_HOME))
    requirements = course_requirements(home)
    if not (home / "notebooks").is_dir():
        raise _received("home", "the course's clone, with its notebooks/ folder", str(home))
    os.chdir(home / "notebooks")
    names = [r.name for r in requirements]
    names += [STANDS_IN_FOR[n] for n in map(canonicalize_name, names) if n in STANDS_IN_FOR]
    changes = plan_changes(requirements, installed_versions(names))
    for line in setup_messages(changes, len(requirements)):
        out(line)
    installs = [change for change in changes if change.install]
    if installs:
        stale = _already_imported(change.name for change in installs)
        (installer or _pip_install)([change.pip_argument for change in installs])
        importlib.invalidate_caches()
        if stale:
            out(
                _(
                    "{packages} had already been imported: restart the session "
                    "(Runtime > Restart session) and run this cell again"
                ).format(packages=", ".join(stale))
            )
    return changes
