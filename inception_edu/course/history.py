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
