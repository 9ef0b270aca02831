"""The "check yourself" checkers: one per notebook, each computing its own answer.

A checker takes the learner's answer and returns :class:`Feedback`: right, wrong with a
hint about why, or not attempted yet (``None``). The expected value is always computed
with the package (the analytic engine), never typed in, so it cannot drift from the
course's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_edu.analysis import analyze, analyze_model, parameter_depth
from inception_edu.spec.nodes import Sequence
from inception_edu.zoo.googlenet import auxiliary_head as googlenet_aux_head
from inception_edu.zoo.googlenet import inception_module, naive_inception_module
from inception_edu.zoo.registry import MODELS, model_spec


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer; shows as its message in a notebook."""

    status: str  # "correct", "wrong" or "unanswered"
    message: str

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:
        return self.message


def _unanswered(question: str) -> Feedback:
    return Feedback("unanswered", f"Not attempted yet: {question} Set ANSWER and run again.")


def _is_number(answer) -> bool:
    return isinstance(answer, (int, float)) and not isinstance(answer, bool)


# --------------------------------------------------------------------------- 00


def fewest_macs_model() -> str:
    """The model of the course with the fewest multiply-adds at its paper's input size."""
    def cost(name):
        spec = model_spec(name)
        return analyze_model(spec, (spec.default_input, spec.default_input, 3)).total_macs
    return min(MODELS, key=cost)


def check_cheapest_model(answer) -> Feedback:
    """00: which of the five networks needs the fewest multiply-adds per image?"""
    if answer is None:
        return _unanswered("which model needs the fewest multiply-adds per image?")
    expected = fewest_macs_model()
    if not isinstance(answer, str) or answer not in MODELS:
        return Feedback("wrong", f"Answer with one of the model names: {', '.join(MODELS)}. "
                                 f"Received: {answer!r}")
    if answer == expected:
        return Feedback("correct", f"Right: {expected} is the cheapest, by a wide margin.")
    return Feedback("wrong", f"Not {answer}: compare the multiply-adds column of the table "
                             "above; parameters and multiply-adds do not rank the same way.")


# --------------------------------------------------------------------------- 01


def naive_output_channels(input_shape=(28, 28, 192), filters=(64, 128, 32)) -> int:
    return analyze(naive_inception_module("naive", *filters), input_shape).output_shape[-1]


def check_naive_channels(answer) -> Feedback:
    """01: output channels of a naive block (1x1: 64, 3x3: 128, 5x5: 32) on 28x28x192."""
    if answer is None:
        return _unanswered("how many channels leave the naive block?")
    expected = naive_output_channels()
    if not _is_number(answer):
        return Feedback("wrong", f"Answer with a number of channels. Received: {answer!r}")
    if answer == expected:
        return Feedback("correct", f"Right: {expected} channels. The pool branch passes all "
                                   "192 input channels through, so every naive block widens "
                                   "the network.")
    if answer == 64 + 128 + 32:
        return Feedback("wrong", "Close: you added the three conv branches. What leaves the "
                                 "max-pool branch, and how many channels does it have?")
    return Feedback("wrong", "Not quite: the block concatenates its four branches on the "
                             "channel axis. Add up what each branch outputs.")


# --------------------------------------------------------------------------- 02


def reduction_factor_5x5() -> float:
    """How many times fewer multiply-adds inception(3a)'s 5x5 branch needs thanks to its
    1x1 reduction (16 filters), compared with 32 5x5 filters on all 192 input channels."""
    block = inception_module("inception_3a", 64, 96, 128, 16, 32, 32)
    shape = (28, 28, 192)
    with_reduce = sum(r.macs for r in analyze(block, shape).layers
                      if r.name.startswith("inception_3a_b3_"))
    direct = analyze(naive_inception_module("naive", 64, 128, 32), shape)
    without = sum(r.macs for r in direct.layers if r.name == "naive_b3_5x5")
    return without / with_reduce


def check_reduction_factor(answer) -> Feedback:
    """02: the 5x5 branch's cost with / without its 1x1 reduce, to one decimal."""
    if answer is None:
        return _unanswered("by what factor does the 1x1 reduce cut the 5x5 branch's cost?")
    expected = reduction_factor_5x5()
    if not _is_number(answer):
        return Feedback("wrong", f"Answer with a number, e.g. 3.5. Received: {answer!r}")
    if abs(answer - expected) <= 0.05 + 1e-9:
        return Feedback("correct", f"Right: about {expected:.1f}x fewer multiply-adds.")
    if answer < 1:
        return Feedback("wrong", "Upside down: divide the cost without the reduce by the cost "
                                 "with it.")
    return Feedback("wrong", "Not quite. Without the reduce: 5x5 x 192 x 32 per pixel. With "
                             "it: 192 x 16 (the 1x1) plus 5x5 x 16 x 32 per pixel.")


# --------------------------------------------------------------------------- 03


def aux_path_depth() -> int:
    """Layers with parameters from the input to the output of GoogLeNet's aux_4a head."""
    spec = model_spec("googlenet", aux_heads=True)
    stages = spec.stages[: spec.stage_names.index("inception_4a") + 1]
    head = googlenet_aux_head("aux_4a", "inception_4a", 1000, 1.0).head
    return parameter_depth(Sequence("path", stages)) + parameter_depth(head)


def check_aux_depth(answer) -> Feedback:
    """03: how deep (layers with parameters) is the path through the first aux head?"""
    if answer is None:
        return _unanswered("how many layers with parameters lie between the input and "
                           "aux_4a's softmax?")
    expected = aux_path_depth()
    if not _is_number(answer):
        return Feedback("wrong", f"Answer with a whole number. Received: {answer!r}")
    if answer == expected:
        main = parameter_depth(model_spec("googlenet"))
        return Feedback("correct", f"Right: {expected}, against {main} for the main output. "
                                   "The aux head gives the early layers a much shorter path "
                                   "for their gradient.")
    return Feedback("wrong", "Not quite: count conv1, the two conv2 layers, two per inception "
                             "module up to 4a (3a, 3b, 4a), then the aux head's 1x1 conv and "
                             "its two dense layers.")
