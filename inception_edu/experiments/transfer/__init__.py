"""Notebook 09's experiment: the source's transfer learning, rerun on a folder of photographs.

- :mod:`~inception_edu.experiments.transfer.experiment`: the source's model and recipe, the
  loss trap measured, arms compared over seeds through :func:`~inception_edu.training.run`
  with resumable checkpoints, and the plots of the results;
- :mod:`~inception_edu.experiments.transfer.pretrained`: the backbones an arm starts from
  (the course's own pretrained Inception-ResNet-v2, ImageNet's where it can be loaded) and
  how the course's was pretrained;
- :mod:`~inception_edu.experiments.transfer.finetune`: the heavy run of claim C37's third
  arm, the standard protocol (backbone frozen, then unfrozen at a low learning rate with
  batch norm in inference mode), stored by ``scripts/transfer_finetune_study.py``;
- :mod:`~inception_edu.experiments.transfer.explorers`: the explorers of a comparison (which
  arm, which metric, which seeds; which classes fail and as what);
- :mod:`~inception_edu.experiments.transfer.use`: the trained model used on new images
  (top-k classes of a file or a folder, shown), exported to ``.keras`` with its class
  names and read back in a fresh process;
- :mod:`~inception_edu.experiments.transfer.device`: what a GPU changes (mixed precision
  with a float32 softmax, a larger batch, ImageNet's 299 px) and what a CPU keeps.

Every public name of the six is importable from here, as the notebook does
(``from inception_edu.experiments import transfer as tx``).
"""

from inception_edu.experiments.transfer import (
    device,
    experiment,
    explorers,
    finetune,
    pretrained,
    use,
)
from inception_edu.experiments.transfer.device import *  # noqa: F403
from inception_edu.experiments.transfer.experiment import *  # noqa: F403
from inception_edu.experiments.transfer.explorers import *  # noqa: F403
from inception_edu.experiments.transfer.finetune import *  # noqa: F403
from inception_edu.experiments.transfer.pretrained import *  # noqa: F403
from inception_edu.experiments.transfer.use import *  # noqa: F403

__all__ = sorted(
    {
        *experiment.__all__,
        *pretrained.__all__,
        *explorers.__all__,
        *finetune.__all__,
        *use.__all__,
        *device.__all__,
    }
)
