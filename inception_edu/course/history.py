"""Quoted history and the papers' own words, for the claims that are citations.

C01 and C02 are history, not computation: the sentence that names the network opens the
last paragraph of section 1 (Introduction) of Szegedy et al., "Going deeper with
convolutions" (2014), and
the results are its Table 2 (ILSVRC 2014 classification, top-5 error on the test set).
The other quotations here are what the notebooks set their computed numbers against.

The quotations, the papers' titles and the rows of their tables stay as the papers print
them; what the course says about them (where each is in its paper, what each paper brought,
how the multi-crop results were evaluated) is read in the course's language
(:mod:`inception_edu.i18n`) each time a notebook reads it: ``NAME_ORIGIN_SOURCE``, the
other ``*_SOURCE`` names, ``TIMELINE`` and ``V3_MULTICROP`` are looked up when read
(:func:`__getattr__`), from the marked sentences below.
"""

from inception_edu.i18n import N_, _

NAME_ORIGIN = (
    "In this paper, we will focus on an efficient deep neural network architecture for "
    "computer vision, codenamed Inception, which derives its name from the Network in "
    'network paper by Lin et al [12] in conjunction with the famous "we need to go '
    'deeper" internet meme [1].'
)
#: Where each quotation and table of this module is in its paper, by the name it is read
#: as (``history.NAME_ORIGIN_SOURCE`` ...: in the course's language, see the docstring).
_SOURCES = {
    "NAME_ORIGIN_SOURCE": N_(
        "Szegedy et al. 2014, 'Going deeper with convolutions', section 1 "
        "(Introduction), its last paragraph"
    ),
    "ILSVRC_SOURCE": N_("Szegedy et al. 2014, Table 2 (with external data where used)"),
    "TWELVE_X_QUOTE_SOURCE": N_("Szegedy et al. 2014, 'Going deeper with convolutions', section 1"),
    "PARAMETERS_QUOTE_SOURCE": N_(
        "Szegedy et al. 2015, 'Rethinking the Inception Architecture', section 1 (Introduction)"
    ),
    "TRAINING_QUOTE_SOURCE": N_("Szegedy et al. 2014, section 6 (Training Methodology)"),
    "GAP_TOP1_GAIN_SOURCE": N_("Szegedy et al. 2014, section 5"),
    "V3_ABLATION_SOURCE": N_(
        "Szegedy et al. 2015, 'Rethinking the Inception Architecture', "
        "Table 3 (single crop, ILSVRC 2012 validation)"
    ),
    "V3_MULTICROP_SOURCE": N_("Szegedy et al. 2015, Table 4 and the abstract"),
    "LABEL_SMOOTHING_SOURCE": N_("Szegedy et al. 2015, section 7 (Label Smoothing Regularization)"),
}

#: (team, year, place, top-5 error %) — Table 2 of the GoogLeNet paper.
ILSVRC_CLASSIFICATION = (
    ("SuperVision (AlexNet)", 2012, 1, 16.4),
    ("SuperVision (AlexNet)", 2012, 1, 15.3),
    ("Clarifai", 2013, 1, 11.7),
    ("MSRA", 2014, 3, 7.35),
    ("VGG", 2014, 2, 7.32),
    ("GoogLeNet", 2014, 1, 6.67),
)


def ilsvrc_2014_ranking() -> list:
    """2014 entries of Table 2, best (lowest top-5 error) first."""
    entries = [row for row in ILSVRC_CLASSIFICATION if row[1] == 2014]
    return sorted(entries, key=lambda row: row[3])


#: (year, paper, what it brought) — the course's timeline, from the papers' arXiv dates
#: (read as ``TIMELINE``, what each brought in the course's language).
_TIMELINE = (
    (2013, "Network in Network (Lin et al.)", N_("1x1 convolutions, global average pooling")),
    (
        2014,
        "Going deeper with convolutions (Szegedy et al.)",
        N_("GoogLeNet / Inception-v1: Inception modules, auxiliary classifiers"),
    ),
    (2015, "Batch Normalization (Ioffe & Szegedy)", N_("BN-Inception, sometimes called v2")),
    (
        2015,
        "Rethinking the Inception Architecture (Szegedy et al.)",
        N_("Inception-v2/v3: factorized convolutions, grid reduction, label smoothing"),
    ),
    (
        2016,
        "Inception-v4, Inception-ResNet (Szegedy et al.)",
        N_("Inception-v4, Inception-ResNet-v1/v2, residual scaling"),
    ),
)

#: The GoogLeNet paper's own "12x" (C03): its introduction.
TWELVE_X_QUOTE = (
    "Our GoogLeNet submission to ILSVRC 2014 actually uses 12x fewer parameters than the "
    "winning architecture of Krizhevsky et al [9] from two years ago, while being "
    "significantly more accurate."
)

#: Where the sources' "5 million parameters, 12x fewer than AlexNet" comes from (C03).
PARAMETERS_QUOTE = (
    "GoogLeNet employed only 5 million parameters, which represented a 12x reduction with "
    "respect to its predecessor AlexNet, which used 60 million parameters."
)
#: The parameter counts that sentence rounds: GoogLeNet's and AlexNet's, in millions.
PARAMETERS_QUOTED_MILLIONS = {"googlenet": 5, "alexnet": 60}

#: How GoogLeNet was trained (C10's "the paper's conditions").
TRAINING_QUOTE = (
    "GoogLeNet networks were trained using the DistBelief [4] distributed machine learning "
    "system using modest amount of model and data-parallelism. [...] Our training used "
    "asynchronous stochastic gradient descent with 0.9 momentum [17], fixed learning rate "
    "schedule (decreasing the learning rate by 4% every 8 epochs)."
)

#: Top-1 gain the GoogLeNet paper reports for average pooling over fully connected layers.
GAP_TOP1_GAIN_PERCENT = 0.6


# --------------------------------------------------------------------------- Inception-v3

#: (network, top-1 error %, top-5 error % or None, cost in billions of multiply-adds):
#: Table 3 of the v3 paper, single crop on the ILSVRC 2012 validation set. Each
#: "Inception-v2 ..." row adds one change to the row above it; the last is Inception-v3.
V3_ABLATION = (
    ("GoogLeNet", 29.0, 9.2, 1.5),
    ("BN-GoogLeNet", 26.8, None, 1.5),
    ("BN-Inception", 25.2, 7.8, 2.0),
    ("Inception-v2", 23.4, None, 3.8),
    ("+ RMSProp", 23.1, 6.3, 3.8),
    ("+ Label Smoothing", 22.8, 6.1, 3.8),
    ("+ Factorized 7x7", 21.6, 5.8, 4.8),
    ("+ BN-auxiliary", 21.2, 5.6, 4.8),
)

#: The paper's multi-crop results (C24): (evaluation, top-1 error %, top-5 error %) (read
#: as ``V3_MULTICROP``, the evaluation in the course's language).
_V3_MULTICROP = (
    (N_("Inception-v3, one model, 144 crops (Table 4)"), 18.77, 4.2),
    (N_("Inception-v3, 4 models, multi-crop (abstract)"), 17.3, 3.5),
)

#: The v3 paper's label-smoothing rule (section 7), in its own notation.
LABEL_SMOOTHING_QUOTE = (
    "q'(k|x) = (1 - epsilon) delta_{k,y} + epsilon u(k) [...] In our ImageNet experiments "
    "with K = 1000 classes, we used u(k) = 1/1000 and epsilon = 0.1."
)


# --------------------------------------------------------------------------- read when read


def __getattr__(attribute: str):
    """The course's words about the papers, in the current language: each ``*_SOURCE``
    (where a quotation or a table is in its paper), ``TIMELINE`` (what each paper brought)
    and ``V3_MULTICROP`` (how each result was evaluated)."""
    if attribute in _SOURCES:
        return _(_SOURCES[attribute])
    if attribute == "TIMELINE":
        return tuple((year, paper, _(brought)) for year, paper, brought in _TIMELINE)
    if attribute == "V3_MULTICROP":
        return tuple((_(evaluation), *errors) for evaluation, *errors in _V3_MULTICROP)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def __dir__() -> list:
    return sorted({*globals(), *_SOURCES, "TIMELINE", "V3_MULTICROP"})
