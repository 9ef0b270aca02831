"""The source articles' code snippets, run as written under Keras 3 (claim C39).

Each :class:`Snippet` holds a snippet as printed in a seed article and a list of fixes.
:func:`diagnose` runs the snippet as written, then again after each fix in turn, and
records what every run raised: so the course lists every error by running the code, not
by reading it, and the last run (all fixes applied) must work. Snippets are quoted from
the course's source articles (``shared/seeds``) for critique.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fix:
    """Replace ``old`` by ``new`` in the snippet; ``why`` says what was wrong."""

    old: str
    new: str
    why: str


@dataclass(frozen=True)
class Snippet:
    name: str
    source: str
    code: str
    fixes: tuple = field(default=())
    setup: str = "input_shape = (28, 28, 1)"


@dataclass(frozen=True)
class Run:
    """One run of a snippet: the fixes applied so far, what it raised (None: it ran), and
    the warnings it gave."""

    fixes_applied: int
    error: str | None
    warnings: tuple
    namespace: dict


def _one_line(text: str) -> str:
    """First line of a message, with Keras' per-session tensor names taken out."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return re.sub(r"<KerasTensor[^>]*>", "<KerasTensor>", first)


def run(code: str, setup: str = "") -> tuple:
    """Execute ``code`` after ``setup``; return (error or None, warnings, namespace)."""
    namespace: dict = {}
    exec(setup, namespace)  # noqa: S102 - the course's own quoted snippets, by design
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, namespace)  # noqa: S102
            error = None
        except Exception as raised:  # the point is to show what the snippet raises
            error = f"{type(raised).__name__}: {_one_line(str(raised))}"
    said = tuple(dict.fromkeys(f"{w.category.__name__}: {_one_line(str(w.message))}"
                               for w in caught))
    return error, said, namespace


def diagnose(snippet: Snippet) -> list:
    """Run ``snippet`` as written, then after each fix; a list of :class:`Run`."""
    code, runs = snippet.code, []
    for applied in range(len(snippet.fixes) + 1):
        if applied:
            fix = snippet.fixes[applied - 1]
            if fix.old not in code:
                raise ValueError(f"Fix {applied} of {snippet.name!r} does not apply: "
                                 f"{fix.old!r} is not in the code.")
            code = code.replace(fix.old, fix.new)
        error, said, namespace = run(code, snippet.setup)
        runs.append(Run(applied, error, said, namespace))
    return runs


def fixed_code(snippet: Snippet) -> str:
    code = snippet.code
    for fix in snippet.fixes:
        code = code.replace(fix.old, fix.new)
    return code


SEQUENTIAL_VS_FUNCTIONAL = Snippet(
    "Sequential vs functional API", "002 (GoogLeNet article)",
    """\
from tensorflow import keras
from keras.models import Sequential, Model
from keras.layers import Dense, Conv2D, MaxPooling2D, Flatten, Input

model = Sequential()
model.add(Conv2D(32, kernel_size=(5,5), input_shape=input_shape))
model.add(MaxPooling2D(pool_size(2,2)))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))

inputs = Input(shape=input_shape)
conv1 = Conv2D(32, kernel_size=(5,5))(inputs)
maxpool1 = MaxPooling2D(pool_size=(2,2))(conv1)
predictions = Dense(10, activation='softmax')(Flatten()(maxpool1))
model = Model(inputs=inputs, ouputs=predictions)
""",
    (
        Fix("MaxPooling2D(pool_size(2,2))", "MaxPooling2D(pool_size=(2,2))",
            "`pool_size(2,2)` calls an undefined function; the keyword needs `=`"),
        Fix("ouputs=predictions", "outputs=predictions", "typo: `ouputs` for `outputs`"),
        Fix("model = Sequential()\nmodel.add(Conv2D(32, kernel_size=(5,5), input_shape=input_shape))",
            "model = Sequential([Input(shape=input_shape)])\nmodel.add(Conv2D(32, kernel_size=(5,5)))",
            "runs, but Keras 3 warns: a Sequential model should start with an `Input`"),
    ),
)

NAIVE_BLOCK_004 = Snippet(
    "naive Inception block", "004 (Keras blog post)",
    """\
from tensorflow.contrib.keras.python import keras as keras
from keras.layers import Conv2D, MaxPooling2D, AveragePooling2D, concatenate, Input
from keras import models

def inception_block(input_layer, filter1=64, filter2=128, filter3=32, activation='relu'):
    conv1x1 = Conv2D(filter1, kernel_size=(1,1), padding='same', activation=activation)(input_layer)
    conv3x3 = Conv2D(filter2, kernel_size=(3,3), padding='same', activation=activation)(input_layer)
    conv5x5 = Conv2D(filter3, kernel_size=(5,5), padding='same', activation=activation)(input_layer)
    pooling = MaxPooling2D((3,3), strides=(1,1), padding='same')(input_layer)
    output_layer = concatenate([conv1x1, conv3x3, conv5x5, pooling])
    return output_layer

shape = (224,224,3)
inputs = Input(shape)
inception_1 = inception_block(inputs, 64, 128, 32)
model = models.Model(input=inputs, output=output_layer)
""",
    (
        Fix("from tensorflow.contrib.keras.python import keras as keras",
            "import keras",
            "`tensorflow.contrib` was removed in TensorFlow 2"),
        Fix("output=output_layer)", "output=inception_1)",
            "`output_layer` is local to the function; the block's output is `inception_1`"),
        Fix("models.Model(input=inputs, output=inception_1)",
            "models.Model(inputs=inputs, outputs=inception_1)",
            "Keras 2+ spells the arguments `inputs=` and `outputs=`"),
    ),
)

GOOGLENET_BLOCK_002 = Snippet(
    "GoogLeNet's inception block", "002 (GoogLeNet article)",
    """\
from keras.layers import Conv2D, MaxPooling2D, concatenate, Input
from keras.models import Model

def inception_v1_block(previous_layer):
    conv1x1_2 = Conv2D(96, (1,1), padding='same', activation='relu')(previous_layer)
    conv1x1_3 = Conv2D(16, (1,1), padding='same', activation='relu')(previous_layer)
    max_pool_4 = MaxPooling2D((3,3), strides=(1,1), padding='same')(previous_layer)
    conv1x1_1 = Conv2D(64, (1,1), padding='same', activation='relu')(previous_layer)
    conv3x3_2 = Conv2D(128, (3,3), padding='same', activation='relu')(conv1x1_2)
    conv5x5_3 = Conv2D(32, (3,3), padding='same', activation='relu')(conv1x1_3)
    conv1x1_4 = Conv2D(32, (1,1), padding='same', activation='relu')(max_pool_4)
    return concatenate([conv1x1_1, conv3x3_2, conv5x5_3, conv1x1_4], axis=-1)

inputs = Input((28, 28, 192))
model = Model(inputs, inception_v1_block(inputs))
""",
    (
        Fix("conv5x5_3 = Conv2D(32, (3,3)", "conv5x5_3 = Conv2D(32, (5,5)",
            "the '5x5' branch is built with a 3x3 kernel: it runs, but it is not the "
            "paper's block (fewer parameters, smaller receptive field)"),
    ),
    setup="",
)

DIM_REDUCE_BLOCK_004 = Snippet(
    "Inception block with dimension reduction", "004 (Keras blog post)",
    """\
import keras
from keras.layers import Conv2D, MaxPooling2D, AveragePooling2D, concatenate, Input
from keras import models

def inception_block_dim_reduce(input_layer, filter1, filter2, filter3, reduce1, reduce2, pool_proj, activation='relu', pull=False):
    conv1x1 = Conv2D(filter1, kernel_size=(1,1), padding='same', activation=activation)(input_layer)
    conv3x3_reduce = Conv2D(reduce1, kernel_size=(1,1), padding='same', activation=activation)(input_layer)
    conv3x3 = Conv2D(filter2, kernel_size=(3,3), padding='same', activation=activation)(conv3x3_reduce)
    conv5x5_reduce = Conv2D(reduce2, kernel_size=(1,1), padding='same', activation=activation)(input_layer)
    conv5x5 = Conv2D(filter3, kernel_size=(5,5), padding='same', activation=activation)(conv5x5_reduce)
    pooling = MaxPooling2D((3,3), strides=(1,1), padding='same')(input_layer)
    pool_proj = Conv2D(pool_proj, kernel_size=(1,1), padding='same')(pooling)
    output_layer = concatenate([conv1x1, conv3x3, conv5x5, pool_proj])
    if pull == True:
        return output_layer, pool_proj
    return output_layer

shape = (224,224,3)
inputs = Input(shape)
inception_reduce_1 = inception_block(inputs, 64, 128, 32)
model = models.Model(input=inputs, output=output_layer)
""",
    (
        Fix("inception_reduce_1 = inception_block(inputs, 64, 128, 32)",
            "inception_reduce_1 = inception_block_dim_reduce(inputs, 64, 128, 32, 96, 16, 32)",
            "it calls `inception_block` (the naive one, not defined here) instead of the "
            "block it just defined"),
        Fix("output=output_layer)", "output=inception_reduce_1)",
            "`output_layer` is local to the function"),
        Fix("models.Model(input=inputs, output=inception_reduce_1)",
            "models.Model(inputs=inputs, outputs=inception_reduce_1)",
            "Keras 2+ spells the arguments `inputs=` and `outputs=`"),
        Fix("pool_proj = Conv2D(pool_proj, kernel_size=(1,1), padding='same')(pooling)",
            "pool_proj = Conv2D(pool_proj, kernel_size=(1,1), padding='same', "
            "activation=activation)(pooling)",
            "runs without this fix, but the pool projection lacks the ReLU every other "
            "conv of the paper's module has"),
    ),
    setup="",
)

SNIPPETS = (SEQUENTIAL_VS_FUNCTIONAL, NAIVE_BLOCK_004, GOOGLENET_BLOCK_002, DIM_REDUCE_BLOCK_004)


def report(snippet: Snippet) -> str:
    """A few lines: each run's outcome, and the fix that led to the next run."""
    lines = [f"{snippet.name} (seed {snippet.source})"]
    for item in diagnose(snippet):
        label = "as written" if item.fixes_applied == 0 else f"after fix {item.fixes_applied}"
        lines.append(f"  {label:<12} -> {item.error or 'runs'}")
        lines += [f"  {'':<12}    (warns {message})" for message in item.warnings]
        if item.fixes_applied < len(snippet.fixes):
            lines.append(f"  fix {item.fixes_applied + 1}: {snippet.fixes[item.fixes_applied].why}")
    return "\n".join(lines)
