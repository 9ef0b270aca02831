"""Quoted history and the papers' own words, for the claims that are citations.

C01 and C02 are history, not computation: the sentence that names the network opens the
last paragraph of section 1 (Introduction) of Szegedy et al., "Going deeper with
convolutions" (2014), and
the results are its Table 2 (ILSVRC 2014 classification, top-5 error on the test set).
The other quotations here are what the notebooks set their computed numbers against.
"""

NAME_ORIGIN = (
    "In this paper, we will focus on an efficient deep neural network architecture for "
    "computer vision, codenamed Inception, which derives its name from the Network in "
    'network paper by Lin et al [12] in conjunction with the famous "we need to go '
    'deeper" internet meme [1].'
)
NAME_ORIGIN_SOURCE = (
    "Szegedy et al. 2014, 'Going deeper with convolutions', section 1 "
    "(Introduction), its last paragraph"
)

#: (team, year, place, top-5 error %) — Table 2 of the GoogLeNet paper.
ILSVRC_CLASSIFICATION = (
    ("SuperVision (AlexNet)", 2012, 1, 16.4),
    ("SuperVision (AlexNet)", 2012, 1, 15.3),
    ("Clarifai", 2013, 1, 11.7),
    ("MSRA", 2014, 3, 7.35),
    ("VGG", 2014, 2, 7.32),
    ("GoogLeNet", 2014, 1, 6.67),
)
ILSVRC_SOURCE = "Szegedy et al. 2014, Table 2 (with external data where used)"


def ilsvrc_2014_ranking() -> list:
    """2014 entries of Table 2, best (lowest top-5 error) first."""
    entries = [row for row in ILSVRC_CLASSIFICATION if row[1] == 2014]
    return sorted(entries, key=lambda row: row[3])


#: (year, paper, what it brought) — the course's timeline, from the papers' arXiv dates.
TIMELINE = (
    (2013, "Network in Network (Lin et al.)", "1x1 convolutions, global average pooling"),
    (
        2014,
        "Going deeper with convolutions (Szegedy et al.)",
        "GoogLeNet / Inception-v1: Inception modules, auxiliary classifiers",
    ),
    (2015, "Batch Normalization (Ioffe & Szegedy)", "BN-Inception, sometimes called v2"),
    (
        2015,
        "Rethinking the Inception Architecture (Szegedy et al.)",
        "Inception-v2/v3: factorized convolutions, grid reduction, label smoothing",
    ),
    (
        2016,
        "Inception-v4, Inception-ResNet (Szegedy et al.)",
        "Inception-v4, Inception-ResNet-v1/v2, residual scaling",
    ),
)

#: The GoogLeNet paper's own "12x" (C03): its introduction.
TWELVE_X_QUOTE = (
    "Our GoogLeNet submission to ILSVRC 2014 actually uses 12x fewer parameters than the "
    "winning architecture of Krizhevsky et al [9] from two years ago, while being "
    "significantly more accurate."
)
TWELVE_X_QUOTE_SOURCE = "Szegedy et al. 2014, 'Going deeper with convolutions', section 1"

#: Where the sources' "5 million parameters, 12x fewer than AlexNet" comes from (C03).
PARAMETERS_QUOTE = (
    "GoogLeNet employed only 5 million parameters, which represented a 12x reduction with "
    "respect to its predecessor AlexNet, which used 60 million parameters."
)
PARAMETERS_QUOTE_SOURCE = (
    "Szegedy et al. 2015, 'Rethinking the Inception Architecture', section 1 (Introduction)"
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
TRAINING_QUOTE_SOURCE = "Szegedy et al. 2014, section 6 (Training Methodology)"

#: Top-1 gain the GoogLeNet paper reports for average pooling over fully connected layers.
GAP_TOP1_GAIN_PERCENT = 0.6
GAP_TOP1_GAIN_SOURCE = "Szegedy et al. 2014, section 5"


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
V3_ABLATION_SOURCE = (
    "Szegedy et al. 2015, 'Rethinking the Inception Architecture', "
    "Table 3 (single crop, ILSVRC 2012 validation)"
)

#: The paper's multi-crop results (C24): (evaluation, top-1 error %, top-5 error %).
V3_MULTICROP = (
    ("Inception-v3, one model, 144 crops (Table 4)", 18.77, 4.2),
    ("Inception-v3, 4 models, multi-crop (abstract)", 17.3, 3.5),
)
V3_MULTICROP_SOURCE = "Szegedy et al. 2015, Table 4 and the abstract"

#: The v3 paper's label-smoothing rule (section 7), in its own notation.
LABEL_SMOOTHING_QUOTE = (
    "q'(k|x) = (1 - epsilon) delta_{k,y} + epsilon u(k) [...] In our ImageNet experiments "
    "with K = 1000 classes, we used u(k) = 1/1000 and epsilon = 0.1."
)
LABEL_SMOOTHING_SOURCE = "Szegedy et al. 2015, section 7 (Label Smoothing Regularization)"
