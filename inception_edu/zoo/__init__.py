"""The model zoo: one module per family, each laying its paper's figures out as specs.

- :mod:`~inception_edu.zoo.googlenet` (Table 1, Figure 2, the aux heads);
- :mod:`~inception_edu.zoo.inception_v3` (the stem, modules A/B/C, reductions, BN aux head);
- :mod:`~inception_edu.zoo.inception_v4` (stem, A/B/C, Reduction-A's k/l/m/n, Reduction-B);
- :mod:`~inception_edu.zoo.inception_resnet` (v1 and v2: stems, residual blocks);
- :mod:`~inception_edu.zoo.grid_reduction` (the three ways to halve a grid, Figures 9-10 of
  the v3 paper; Reduction-A's k, l, m, n read back from a block);
- :mod:`~inception_edu.zoo.mini` (course-sized networks for the training experiments);
- :mod:`~inception_edu.zoo.baselines` (AlexNet, VGG-16);
- :mod:`~inception_edu.zoo.registry` (names -> spec functions: :func:`model_spec`, filled by
  ``@register`` on each network's spec function).

The zoo imports nothing of the package but :mod:`inception_edu.spec`; what is measured of
these specs lives in :mod:`inception_edu.analysis`. Importing the package imports every
module of the zoo, so every ``@register`` has run whichever module a caller names first.
"""

import importlib
import pkgutil

from inception_edu.zoo import registry
from inception_edu.zoo.registry import canonical_name, model_spec


def _import_every_module() -> None:
    """Import each module of the zoo (in name order), so each one's ``@register`` runs."""
    for module in sorted(info.name for info in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")


_import_every_module()

__all__ = ["MODELS", "canonical_name", "model_spec"]


def __getattr__(attribute: str):
    """:data:`~inception_edu.zoo.registry.MODELS`, read from the registry on each access."""
    if attribute == "MODELS":
        return registry.MODELS
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
