"""The claims ledger of ``COURSE.md``: every factual claim of the source articles, the seeds
it comes from, and the notebook that computes it.

A notebook tags the cell that computes a claim with its id (``# C07: ...``) and shows a
claim box (the source quoted, the number computed, a verdict); a test asserts the same
computation (a test named ``test_c07_...``). ``tests/test_ledger.py`` checks both for
every notebook that exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_choice, check_int, check_number

__all__ = ["CLAIMS", "Claim", "EmpiricalVerdict", "VERDICTS", "claims_of", "empirical_verdict"]

#: The verdicts a claim box may give. The last is for an empirical claim whose runs here
#: neither agree nor disagree with it on enough seeds (:func:`empirical_verdict`).
VERDICTS = ("holds", "holds approximately", "wrong", "not shown at this scale")

#: The printed line of each verdict (the verdict word stays English in ``verdict``, which
#: notebooks and tests compare; only the printed line is translated). One whole sentence per
#: verdict, as "wrong" alone is also an exercise's status word, translated otherwise.
_VERDICT_LINES = {
    "holds": N_(
        "{claim}: holds ({effect} per seed: {shown}; mean {mean}; "
        "{agreeing} of {seeds} seeds as claimed, {opposing} against)"
    ),
    "holds approximately": N_(
        "{claim}: holds approximately ({effect} per seed: {shown}; mean {mean}; "
        "{agreeing} of {seeds} seeds as claimed, {opposing} against)"
    ),
    "wrong": N_(
        "{claim}: wrong ({effect} per seed: {shown}; mean {mean}; "
        "{agreeing} of {seeds} seeds as claimed, {opposing} against)"
    ),
    "not shown at this scale": N_(
        "{claim}: not shown at this scale ({effect} per seed: {shown}; mean {mean}; "
        "{agreeing} of {seeds} seeds as claimed, {opposing} against)"
    ),
}


@dataclass(frozen=True)
class Claim:
    id: str
    seeds: tuple
    notebooks: tuple
    claim: str


def _c(number, seeds, notebooks, claim):
    return Claim(f"C{number:02d}", tuple(seeds), tuple(notebooks), claim)


CLAIMS = {
    c.id: c
    for c in (
        _c(
            1,
            ["004", "000"],
            ["00"],
            "the name comes from Network-in-Network and the 'we need to go deeper' meme",
        ),
        _c(2, ["002"], ["00"], "GoogLeNet won ILSVRC 2014 ahead of VGGNet"),
        _c(
            3,
            ["002"],
            ["03"],
            "GoogLeNet has about 5 million parameters, 12x fewer than AlexNet "
            "and 21x fewer than VGG-16",
        ),
        _c(4, ["002"], ["03"], "GoogLeNet is 22 layers deep counting only layers with parameters"),
        _c(
            5,
            ["002"],
            ["02"],
            "inception(3a): 28x28x192 in; branches 64, 128, 32, 32; 28x28x256 out",
        ),
        _c(
            6,
            ["002"],
            ["03"],
            "the last 7x7x1024 map is average-pooled to 1x1x1024 with no "
            "parameters, then a dense layer gives 1000 outputs",
        ),
        _c(
            7, ["002", "004"], ["01"], "all branches use 'same' padding so they can be concatenated"
        ),
        _c(
            8,
            ["000", "002"],
            ["02"],
            "a 1x1 conv with fewer filters than input channels reduces "
            "dimension and cost, without touching the spatial "
            "structure",
        ),
        _c(9, ["000"], ["02"], "a 1x1 conv pools across channels (a per-pixel MLP)"),
        _c(
            10,
            ["000", "002", "004"],
            ["03"],
            "auxiliary classifiers fight vanishing gradients; "
            "used in training, removed at test time",
        ),
        _c(11, ["000"], ["03"], "total_loss = real_loss + 0.3 aux_loss_1 + 0.3 aux_loss_2"),
        _c(
            12,
            ["002"],
            ["03"],
            "global average pooling instead of FC saves a large number of "
            "parameters at little cost in accuracy",
        ),
        _c(13, ["000"], ["04"], "a 5x5 conv costs 2.78x a 3x3 conv"),
        _c(14, ["001"], ["04"], "5x5 -> two 3x3 cuts parameters from 25 to 18, about 28%"),
        _c(15, ["001"], ["04"], "7x7 -> three 3x3 cuts 49 to 27, about 45%"),
        _c(
            16,
            ["000", "001"],
            ["04"],
            "3x3 -> 1x3 + 3x1 is 33% cheaper; n x n -> 1xn + nx1 saves more as n grows",
        ),
        _c(17, ["001"], ["04"], "stacked small filters keep the receptive field of the large one"),
        _c(
            18,
            ["001"],
            ["05"],
            "pool-then-inception loses information; inception-then-pool "
            "costs about 4x; parallel stride-2 branches get both",
        ),
        _c(19, ["000", "001"], ["04"], "the Inception-v2 layer table"),
        _c(
            20,
            ["001"],
            ["04"],
            "v2 takes 299x299 input, its first three 3x3 convs replace GoogLeNet's 7x7",
        ),
        _c(21, ["001"], ["06"], "label smoothing: wrong classes get e, the right one 1-(n-1)e"),
        _c(
            22,
            ["000", "001"],
            ["06"],
            "v3 changes: RMSProp, label smoothing, factorized 7x7, BN in the auxiliary head",
        ),
        _c(23, ["001"], ["06"], "the v2/v3 ablation table"),
        _c(24, ["001"], ["06"], "with 144 crops v3 reaches 'top-1 error 4.1%'"),
        _c(25, ["003"], ["07"], "the v4 stem turns 299x299x3 into 35x35x384"),
        _c(26, ["003"], ["07"], "v4 uses 4 x A, 7 x B, 3 x C on 35x35x384, 17x17x1024, 8x8x1536"),
        _c(27, ["003"], ["05", "07"], "Reduction-A's k, l, m, n differ per model"),
        _c(28, ["003"], ["07"], "v4 ends with average pooling, dropout 0.2 (keep 0.8), softmax"),
        _c(
            29,
            ["000", "003"],
            ["08"],
            "Inception-ResNet-v1 costs about as much as v3, v2 about as much as v4",
        ),
        _c(
            30,
            ["000"],
            ["08"],
            "'Inception-v3 + ResNet = Inception-ResNet-v1, and also = Inception-ResNet-v2'",
        ),
        _c(
            31,
            ["003"],
            ["08"],
            "the IR blocks end in a linear 1x1 conv restoring the channels before the add",
        ),
        _c(
            32,
            ["003"],
            ["08"],
            "with more than 1000 filters unscaled residuals make training "
            "die; scaling by 0.1-0.3 stabilises it",
        ),
        _c(
            33,
            ["000", "003"],
            ["08"],
            "residual connections are not required to train deep nets, but speed training up",
        ),
        _c(34, ["000"], ["08"], "H(x) = F(x) + x; the residual F = H - x is easy to drive to 0"),
        _c(35, ["000"], ["09"], "75x75 is the input size used with Inception-ResNet-v2"),
        _c(
            36,
            ["000"],
            ["09"],
            "binary_crossentropy converged much faster than categorical_crossentropy on 51 classes",
        ),
        _c(37, ["000"], ["09"], "augmentation and ImageNet pretraining made little difference"),
        _c(38, ["000"], ["09"], "Inception-ResNet-v2 beat ResNet50"),
        _c(39, ["002", "004"], ["00", "01", "02"], "the sources' code snippets"),
    )
}


def claims_of(notebook: str) -> list:
    """The claims notebook ``notebook`` ("03") computes, in ledger order."""
    return [c for c in CLAIMS.values() if notebook in c.notebooks]


@dataclass(frozen=True)
class EmpiricalVerdict:
    """An empirical claim's verdict and the per-seed evidence it was decided from."""

    claim: str
    verdict: str
    effect: str
    differences: tuple
    agreeing: int
    opposing: int

    def __str__(self) -> str:
        # + 0.0 turns a negative zero into 0, so no "-0" is printed
        shown = ", ".join(f"{d + 0.0:+.3g}" for d in self.differences)
        mean = sum(self.differences) / len(self.differences) + 0.0
        return _(_VERDICT_LINES[self.verdict]).format(
            claim=self.claim,
            effect=self.effect,
            shown=shown,
            mean=f"{mean:+.3g}",
            agreeing=self.agreeing,
            seeds=len(self.differences),
            opposing=self.opposing,
        )


def empirical_verdict(
    claim: str, differences, effect: str, claimed: str = "positive", margin: float = 0.0
) -> EmpiricalVerdict:
    """The verdict on an empirical claim from one measured difference per seed.

    ``differences``: per seed, the quantity the claim is about, signed so that the claim
    says it is ``claimed`` ("positive": above ``margin``; "negative": below ``-margin``;
    "none": within ``margin`` of 0, i.e. "makes little difference"); ``effect`` names it
    in words for the printed evidence. At least three seeds. The rule, the same for every
    claim of the course:

    - **holds**: every seed as claimed;
    - **holds approximately**: most seeds (more than half) as claimed, more than against,
      and the mean as claimed;
    - **wrong**: most seeds (more than half) against, and the mean not as claimed
      (against, or within the margin);
    - **not shown at this scale**: anything else (seeds split, most of them within the
      margin, or within the margin when a direction is claimed): the runs here cannot
      decide. A verdict other than this one always rests on most of the seeds, never on
      one seed of three with the others even.

    "Against" means the opposite direction beyond ``margin`` (for "none": beyond it either
    way). Printing the result gives the verdict with its evidence.
    """
    check_choice(claimed, ("positive", "negative", "none"), "claimed")
    margin = check_number(margin, "margin", 0)
    values = tuple(float(d) for d in differences) if not isinstance(differences, str) else ()
    check_int(len(values), _("the number of differences (one per seed)"), 3)
    if not all(math.isfinite(d) for d in values):
        raise ValueError(
            _("differences must be finite numbers. Received: {values}").format(values=values)
        )
    sign = {"positive": 1.0, "negative": -1.0}.get(claimed)
    if sign is None:
        agreeing = sum(abs(d) <= margin for d in values)
        opposing = len(values) - agreeing
        mean_as_claimed = abs(sum(values) / len(values)) <= margin
    else:
        agreeing = sum(sign * d > margin for d in values)
        opposing = sum(sign * d < -margin for d in values)
        mean_as_claimed = sign * sum(values) / len(values) > margin
    if agreeing == len(values):
        verdict = "holds"
    elif 2 * agreeing > len(values) and agreeing > opposing and mean_as_claimed:
        verdict = "holds approximately"
    elif 2 * opposing > len(values) and not mean_as_claimed:
        verdict = "wrong"
    else:
        verdict = "not shown at this scale"
    return EmpiricalVerdict(claim, verdict, effect, values, agreeing, opposing)
