"""Say whether this Python can run the course, before anything is installed.

``make setup`` (hence ``make lab`` and ``make test``) runs it with the interpreter that
would make ``.venv``. Measured: the pinned set (``constraints.txt``) has wheels for
CPython 3.11.5 to 3.13 only (3.10: no numpy 2.4, scipy 1.17, keras 3.15; 3.11.0-3.11.4:
soupsieve 4.1, which nbconvert needs, wants 3.11.5; 3.14: no tensorflow-cpu 2.21 or h5py
3.14 wheel). ``pyproject.toml``'s ``requires-python`` says
the same; a test keeps the two in step.

    python3 scripts/check_python.py           # this interpreter
    python3 scripts/check_python.py 3.10.4    # a version given (tests)

Exit 0 (and print nothing) for a supported version, 1 with advice otherwise, 2 for a
version that is not like 3.12 or 3.12.5. Written for any Python 3.6 or later, so that an old
interpreter gets the advice rather than a syntax error.
"""

import re
import sys

#: The oldest supported version and the newest supported minor version, both included.
OLDEST, NEWEST = (3, 11, 5), (3, 13)


def advice(version):
    oldest = ".".join(str(part) for part in OLDEST)
    supported = f"{oldest} to {NEWEST[0]}.{NEWEST[1]}"
    return "\n".join(
        [
            f"error: Python {version} cannot run the course: its pinned packages "
            f"(TensorFlow, numpy, ...) install on Python {supported} only.",
            "Get one of those, then run make again with it, for example:",
            "  uv python install 3.12 && make PYTHON=$(uv python find 3.12) test",
            "  pyenv install 3.12 && pyenv local 3.12 && make test",
            "  apt-get install python3.12 python3.12-venv && make PYTHON=python3.12 test",
            "(and 'make clean' first if .venv was made with another Python)",
        ]
    )


def main(argv):
    if argv:
        match = re.match(r"^(\d+)\.(\d+)(\.\d+)?([a-z0-9.+-]*)$", argv[0])
        if match is None:
            sys.stderr.write(
                f"error: the version must be like 3.12 or 3.12.5. Received: {argv[0]!r}\n"
            )
            return 2
        version = argv[0]
        parts = (int(match.group(1)), int(match.group(2)), int((match.group(3) or ".0")[1:]))
    else:
        version = ".".join(str(part) for part in sys.version_info[:3])
        parts = tuple(sys.version_info[:3])
    if OLDEST <= parts and parts[:2] <= NEWEST:
        return 0
    sys.stderr.write(advice(version) + "\n")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
