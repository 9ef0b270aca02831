"""Open the course on Colab or Binder: the links, the badges, and the set-up Colab needs.

Binder builds the repository's own environment with repo2docker (``requirements.txt``
pinned by ``constraints.txt``), so a notebook opened there has everything. Colab instead
opens a single notebook on top of its own preinstalled stack, without the helper package,
the other notebooks or the course's data. So every notebook's first code cell, the
*install cell* (:func:`install_cell_source`), does on Colab, and only there:

1. a shallow clone of the repository into ``/content/inception-edu``, unless it is there;
2. that clone on ``sys.path``, so ``import inception_edu`` works without installing it;
3. :func:`colab_setup`: the working directory becomes the clone's ``notebooks/`` folder
   (the notebooks' relative paths, ``../build/09`` and the like, work unchanged), and
   each requirement a learner needs is compared with what Colab has installed; only the
   missing or out-of-range ones are installed, at the exact version of
   ``constraints.txt``, one printed line each.

Colab's own TensorFlow (a GPU build named ``tensorflow``) counts as the course's
``tensorflow-cpu`` and is never replaced; Colab's kernel and server packages, JupyterLab
and its extensions, the test tools and the site and slide builders are not checked (see
:data:`NOT_ON_COLAB`). Elsewhere (JupyterLab, Binder, CI, papermill) the cell does nothing
and prints nothing, so the stored outputs strict nbval compares stay empty.

Standard library only, on purpose: the install cell imports this module before anything
the course needs is known to be installed, and importing :mod:`inception_edu` stays light.
The pure parts (parsing, the range check, the plan, the messages) are functions of their
inputs, tested on made-up installed versions.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from urllib.parse import quote

__all__ = [
    "BRANCH",
    "GITHUB_REPOSITORY",
    "REPOSITORY_URL",
    "INSTALL_MARKER",
    "NOT_ON_COLAB",
    "NOT_ON_COLAB_PREFIXES",
    "STANDS_IN_FOR",
    "Change",
    "Requirement",
    "badges_markdown",
    "binder_url",
    "colab_setup",
    "colab_skip_reason",
    "colab_url",
    "in_range",
    "install_cell_source",
    "installed_versions",
    "normalize_name",
    "parse_constraints",
    "parse_freeze",
    "parse_requirements",
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
#: Environment variables that override the clone's source and target (tests use them).
REPO_ENV = "INCEPTION_EDU_REPO"
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
        f'        subprocess.check_call([*git, os.environ.get("{REPO_ENV}", repo), home])',
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
            f"{too_long!r} (shorten GITHUB_REPOSITORY, BRANCH, COLAB_HOME or the variables' names)"
        )
    return "\n".join(lines)


# --- requirements, pins and a small PEP 440 range check ----------------------------------


def normalize_name(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``Tensorflow_CPU`` -> ``tensorflow-cpu``."""
    if not isinstance(name, str) or not re.fullmatch(
        r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name
    ):
        raise _received("a package name", "letters, digits, '.', '_' or '-'", name)
    return re.sub(r"[-_.]+", "-", name).lower()


_VERSION = re.compile(
    r"""
    v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?:[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?
    (?:-(?P<post_n1>[0-9]+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?)?
    (?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
#: PEP 440's spellings of the pre-release letters, normalized
_PRE = {"a": "a", "alpha": "a", "b": "b", "beta": "b"}
_PRE.update(dict.fromkeys(("c", "rc", "pre", "preview"), "rc"))


@dataclass(frozen=True)
class _Version:
    """A parsed PEP 440 version; the local label (``+cu121``) is kept but never compared."""

    epoch: int
    release: tuple
    pre: tuple | None
    post: int | None
    dev: int | None
    local: str | None = None

    @classmethod
    def parse(cls, text) -> _Version:
        match = _VERSION.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise _received("a version", "a PEP 440 version like '2.16', '8.1.9', '2.0rc1'", text)
        pre = None
        if match["pre_l"]:
            pre = (_PRE[match["pre_l"].lower()], int(match["pre_n"] or 0))
        post = None
        if match["post_n1"] or match["post_l"]:
            post = int(match["post_n1"] or match["post_n2"] or 0)
        dev = int(match["dev_n"] or 0) if match["dev_l"] else None
        release = tuple(int(part) for part in match["release"].split("."))
        return cls(int(match["epoch"] or 0), release, pre, post, dev, match["local"])

    @property
    def key(self) -> tuple:
        """PEP 440's order: trailing zeros don't count, dev < pre < final < post."""
        release = list(self.release)
        while len(release) > 1 and release[-1] == 0:
            release.pop()
        if self.pre is None and self.post is None and self.dev is not None:
            pre = (0,)  # 1.0.dev0 sorts before 1.0a0
        else:
            pre = (2,) if self.pre is None else (1, *self.pre)
        post = (0,) if self.post is None else (1, self.post)
        dev = (2,) if self.dev is None else (1, self.dev)
        return (self.epoch, tuple(release), pre, post, dev)

    @property
    def base(self) -> tuple:
        return _Version(self.epoch, self.release, None, None, None).key

    @property
    def is_prerelease(self) -> bool:
        return self.pre is not None or self.dev is not None


_CLAUSE = re.compile(r"\s*(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;]+)\s*")
OPERATORS = ("~=", "==", "!=", "<=", ">=", "<", ">")


def _clause_holds(version: _Version, operator: str, target: str) -> bool:
    if operator in ("==", "!=") and target.endswith(".*"):
        prefix = _Version.parse(target[:-2])
        if prefix.pre or prefix.post is not None or prefix.dev is not None:
            raise _received("a wildcard version", "a release prefix like '==2.1.*'", target)
        padded = version.release + (0,) * max(0, len(prefix.release) - len(version.release))
        same = version.epoch == prefix.epoch and padded[: len(prefix.release)] == prefix.release
        return same if operator == "==" else not same
    spec = _Version.parse(target)
    if spec.local is not None:
        raise _received("a range's version", "a public version, without '+local'", target)
    if operator == "==":
        return version.key == spec.key
    if operator == "!=":
        return version.key != spec.key
    if operator == "<=":
        return version.key <= spec.key
    if operator == ">=":
        return version.key >= spec.key
    if operator == "<":
        # PEP 440: <2.22 excludes 2.22's own pre-releases (2.22.0rc1)
        if version.is_prerelease and not spec.is_prerelease and version.base == spec.base:
            return False
        return version.key < spec.key
    if operator == ">":
        # PEP 440: >2.16 excludes 2.16's post-releases (2.16.post1)
        if version.post is not None and spec.post is None and version.base == spec.base:
            return False
        return version.key > spec.key
    # ~=: >= the version, == its release without the last component
    if len(spec.release) < 2:
        raise _received("a '~=' version", "at least two components, like '~=2.16'", target)
    prefix = ".".join(str(part) for part in spec.release[:-1])
    epoch = f"{spec.epoch}!" if spec.epoch else ""
    return version.key >= spec.key and _clause_holds(version, "==", f"{epoch}{prefix}.*")


def _clauses(specifier: str) -> list:
    if not isinstance(specifier, str):
        raise _received("a version range", "a string like '>=8.1,<9'", specifier)
    if not specifier.strip():
        return []
    clauses = []
    for part in specifier.split(","):
        match = _CLAUSE.fullmatch(part)
        if match is None or match[1] == "===":
            raise _received(
                "a version range",
                f"comma-separated clauses, each one of {', '.join(OPERATORS)} and a version "
                "(like '>=8.1,<9')",
                specifier,
            )
        clauses.append((match[1], match[2]))
    return clauses


def in_range(version: str, specifier: str) -> bool:
    """Whether installed ``version`` satisfies ``specifier`` (``">=8.1,<9"``; ``""``: any).

    The PEP 440 rules the course's ranges need, as ``packaging`` applies them to an
    installed version (pre-releases allowed when the clauses admit them): ``~=``, ``==``
    and ``!=`` (with ``.*``), ``<=``, ``>=``, ``<`` (not the bound's own pre-releases),
    ``>`` (not its post-releases); local labels (``+cu121``) are ignored. Written here
    because the install cell runs before anything is known to be installed; the tests
    compare it with ``packaging`` on a grid of versions and ranges.
    """
    clauses = _clauses(specifier)
    parsed = _Version.parse(version)
    return all(_clause_holds(parsed, operator, target) for operator, target in clauses)


@dataclass(frozen=True)
class Requirement:
    """One line of ``requirements.txt``: a normalized name and its range (``""``: any)."""

    name: str
    specifier: str


_REQUIREMENT = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*(?P<spec>.*)"
)


def _lines(text, what: str):
    if not isinstance(text, str):
        raise _received(what, "the text of the file", text)
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line:
            yield number, line


def parse_requirements(text: str) -> list:
    """The :class:`Requirement` lines of a ``requirements.txt`` text.

    Comments and option lines (``-e .``, ``-c constraints.txt``, ``--index-url ...``) are
    skipped; environment markers, URLs and line continuations are refused, since the
    install cell could not honour them.
    """
    requirements = []
    for number, line in _lines(text, "requirements"):
        if line.startswith("-"):
            continue
        match = _REQUIREMENT.fullmatch(line)
        if match is None or ";" in line or "@" in line or line.endswith("\\"):
            raise ValueError(
                f"requirements line {number} must be a name and an optional version range "
                f"like 'ipywidgets>=8.1,<9' (no markers, URLs or continuations). "
                f"Received: {line!r}"
            )
        _clauses(match["spec"])  # a bad range fails here, naming the range
        requirements.append(Requirement(normalize_name(match["name"]), match["spec"].strip()))
    return requirements


def _pins(text: str, what: str, urls: bool) -> dict:
    """``{normalized name: version}`` of ``name==version`` lines; with ``urls``, ``name @
    url`` lines (no version) are skipped."""
    allowed = "'name==version' or 'name @ url'" if urls else "'name==version'"
    pins = {}
    for number, line in _lines(text, what):
        if urls and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\s*@\s*\S+", line):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s,;]+)", line)
        if match is None:
            raise ValueError(f"{what} line {number} must be {allowed}. Received: {line!r}")
        _Version.parse(match[2])
        pins[normalize_name(match[1])] = match[2]
    return pins


def parse_constraints(text: str) -> dict:
    """``{normalized name: version}`` from a ``constraints.txt`` of ``name==version`` lines."""
    return _pins(text, "constraints", urls=False)


def parse_freeze(text: str) -> dict:
    """``{normalized name: version}`` of a ``pip freeze`` text (Colab's published package
    set): ``name==version`` lines; comments and ``name @ url`` lines (no version) skipped."""
    return _pins(text, "pip freeze", urls=True)


# --- what Colab keeps, and the plan ------------------------------------------------------

#: Requirements the install cell does not check on Colab, and why.
NOT_ON_COLAB = {
    # tests and linting: `make test`, not a learner's notebook
    **dict.fromkeys(
        ("pytest", "nbval", "papermill", "hypothesis", "ruff", "playwright", "coverage"),
        "testing and linting",
    ),
    # Colab's kernel and server: Colab warns that upgrading ipython, ipykernel, tornado,
    # prompt-toolkit or pyzmq "can cause your runtime to repeatedly crash"
    # (googlecolab/colabtools#1110, #2837)
    **dict.fromkeys(
        ("ipykernel", "ipython", "tornado", "prompt-toolkit", "pyzmq", "notebook"),
        "Colab's own kernel and server",
    ),
}
#: Name prefixes with the same treatment: JupyterLab and its extensions (Colab is its own
#: front end), Jupyter's server, and the site and slide builders.
NOT_ON_COLAB_PREFIXES = {
    "jupyterlab": "JupyterLab and its extensions (Colab is its own front end)",
    "jupyter-server": "Colab's own kernel and server",
    "sphinx": "site and slide builds",
    "myst-": "site and slide builds",
    "jupyter-book": "site and slide builds",
    "jupyter-cache": "site and slide builds",
    "nbsphinx": "site and slide builds",
    "mkdocs": "site and slide builds",
    "pydata-sphinx-theme": "site and slide builds",
}
#: A requirement another installed distribution stands in for: Colab's ``tensorflow``
#: (its GPU build) is the course's ``tensorflow-cpu`` and is never replaced.
STANDS_IN_FOR = {"tensorflow-cpu": "tensorflow"}


def colab_skip_reason(name: str) -> str | None:
    """Why requirement ``name`` is not checked on Colab, or ``None`` if it is."""
    name = normalize_name(name)
    if name in NOT_ON_COLAB:
        return NOT_ON_COLAB[name]
    for prefix, reason in NOT_ON_COLAB_PREFIXES.items():
        if name.startswith(prefix):
            return reason
    return None


@dataclass(frozen=True)
class Change:
    """One requirement the set-up acts on: ``install`` it at ``target``, or keep a stand-in.

    ``installed`` is the version found (``None``: not installed); ``name`` is the
    distribution that gets installed (or kept).
    """

    name: str
    installed: str | None
    target: str
    specifier: str
    install: bool = True

    @property
    def pip_argument(self) -> str:
        return f"{self.name}=={self.target}"

    @property
    def message(self) -> str:
        needs = f"course needs {self.specifier}" if self.specifier else "course needs it"
        if not self.install:
            return (
                f"{self.name} {self.installed} kept: Colab's own build "
                f"(the {needs}; some numbers may differ)"
            )
        found = self.installed if self.installed is not None else "(not installed)"
        return f"{self.name} {found} -> {self.target} ({needs})"


def plan_changes(requirements: Iterable, pins: Mapping, installed: Mapping) -> list:
    """The :class:`Change` s that make ``installed`` meet ``requirements`` on Colab.

    ``requirements``: :class:`Requirement` s (from :func:`parse_requirements`); ``pins``:
    ``{name: version}`` (from :func:`parse_constraints`), the version installed for a
    requirement that is missing or out of range; ``installed``: ``{name: version}`` of
    what is there (names in any spelling). Requirements of :func:`colab_skip_reason` are
    left alone; in-range ones need nothing. A requirement with a stand-in
    (:data:`STANDS_IN_FOR`) that is installed is satisfied by it in range, and kept
    with a note out of range; with neither installed, the stand-in is what gets installed.
    """
    if not isinstance(pins, Mapping):
        raise _received("pins", "a mapping of package name to version", pins)
    if not isinstance(installed, Mapping):
        raise _received("installed", "a mapping of package name to version", installed)
    pins = {normalize_name(name): version for name, version in pins.items()}
    installed = {normalize_name(name): version for name, version in installed.items()}
    changes = []
    for requirement in requirements:
        if not isinstance(requirement, Requirement):
            raise _received("each requirement", "a Requirement (parse_requirements)", requirement)
        name, specifier = requirement.name, requirement.specifier
        if colab_skip_reason(name):
            continue
        if name not in pins:
            raise ValueError(
                f"requirement {name!r} must have a pin in constraints.txt. "
                f"Received: pins for {sorted(pins)}"
            )
        target = pins[name]
        if not in_range(target, specifier):
            raise ValueError(
                f"the pin of {name!r} must satisfy its range {specifier!r}. Received: {target!r}"
            )
        stand_in = STANDS_IN_FOR.get(name)
        if stand_in is not None and stand_in in installed:
            if not in_range(installed[stand_in], specifier):
                changes.append(Change(stand_in, installed[stand_in], target, specifier, False))
            continue
        if name in installed and in_range(installed[name], specifier):
            continue
        if name not in installed and stand_in is not None:
            name = stand_in  # the stand-in: Colab's usual (GPU-capable) build
        changes.append(Change(name, installed.get(name), target, specifier))
    return changes


def setup_messages(changes: list, checked: int) -> list:
    """The lines :func:`colab_setup` prints: one per change, or one saying nothing changed."""
    lines = [change.message for change in changes]
    if not any(change.install for change in changes):
        lines.append(
            f"nothing changed: the {checked} packages the course checks on Colab are in range"
            if not changes
            else "nothing changed"
        )
    return lines


def installed_versions(names: Iterable) -> dict:
    """``{normalized name: version}`` of those of ``names`` installed here."""
    found = {}
    for name in names:
        try:
            found[normalize_name(name)] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def _already_imported(names: Iterable) -> list:
    """Those distributions of ``names`` some of whose modules this process has imported."""
    modules = importlib.metadata.packages_distributions()
    wanted = {normalize_name(name) for name in names}
    hit = {
        normalize_name(dist)
        for module, dists in modules.items()
        if module in sys.modules
        for dist in dists
    }
    return sorted(wanted & hit)


def _pip_install(arguments: list) -> None:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *arguments])


def colab_setup(
    home: str | os.PathLike | None = None,
    *,
    installer: Callable | None = None,
    out: Callable = print,
) -> list:
    """What the install cell does on Colab once the clone at ``home`` is importable.

    Changes the working directory to ``home/notebooks``, compares the requirements of
    ``home/requirements.txt`` with the installed versions, installs (``installer``,
    default ``pip install``) the ``constraints.txt`` version of each missing or
    out-of-range one, and prints one line per change or one saying nothing changed.
    Returns the changes. If a replaced package was already imported, it says to restart
    the session and run the cell again (the second run then changes nothing).
    """
    home = Path(home if home is not None else os.environ.get(HOME_ENV, COLAB_HOME))
    if not (home / "requirements.txt").is_file() or not (home / "constraints.txt").is_file():
        raise _received(
            "home", "the course's clone, with requirements.txt and constraints.txt", str(home)
        )
    os.chdir(home / "notebooks")
    requirements = parse_requirements((home / "requirements.txt").read_text(encoding="utf-8"))
    pins = parse_constraints((home / "constraints.txt").read_text(encoding="utf-8"))
    checked = [r for r in requirements if not colab_skip_reason(r.name)]
    names = [r.name for r in checked] + [
        STANDS_IN_FOR[r.name] for r in checked if r.name in STANDS_IN_FOR
    ]
    changes = plan_changes(requirements, pins, installed_versions(names))
    for line in setup_messages(changes, len(checked)):
        out(line)
    installs = [change for change in changes if change.install]
    if installs:
        stale = _already_imported(change.name for change in installs)
        (installer or _pip_install)([change.pip_argument for change in installs])
        importlib.invalidate_caches()
        if stale:
            out(
                f"{', '.join(stale)} had already been imported: restart the session "
                "(Runtime > Restart session) and run this cell again"
            )
    return changes
