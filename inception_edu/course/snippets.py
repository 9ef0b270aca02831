"""The source articles' code snippets, run exactly as printed under Keras 3 (claim C39).

Each :class:`Snippet` holds a snippet character for character as its seed article prints
it (Korean comments included; one invisible character is written ``\\u00a0`` so that it
shows in this file), the context it needs to run at all ("fix 0": the
variables or the model-building lines the article leaves out) and a list of fixes.
:func:`diagnose` runs the snippet as printed, then after each step in turn, and records
what every run raised, so the course lists every error by running the code, not by
reading it; after the last step it must run cleanly. Quoted from the course's source
articles for critique.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import warnings
from dataclasses import dataclass, field

from inception_edu.analysis.tables import Table
from inception_edu.i18n import N_, _

__all__ = [
    "Fix",
    "NETWORK_SNIPPETS",
    "NetworkSnippet",
    "Run",
    "SNIPPETS",
    "Snippet",
    "diagnose",
    "report",
]


@dataclass(frozen=True)
class Fix:
    """Replace ``old`` by ``new`` in the code; ``why`` says what was wrong (marked ``N_``
    where written, shown in the course's language). A fix with an empty ``old`` adds
    ``new`` before (``at="start"``) or after (``at="end"``) the code."""

    why: str
    old: str = ""
    new: str = ""
    at: str = "replace"

    def apply(self, code: str) -> str:
        if self.at == "start":
            return f"{self.new}\n{code}"
        if self.at == "end":
            return f"{code.rstrip()}\n{self.new}\n"
        if self.old not in code:
            raise ValueError(
                _("This fix does not apply: {old} is not in the code.").format(old=repr(self.old))
            )
        return code.replace(self.old, self.new)

    def change(self) -> str:
        """The change as diff lines (``-`` removed, ``+`` added)."""
        removed = [f"- {line}" for line in self.old.splitlines()] if self.at == "replace" else []
        return "\n".join(removed + [f"+ {line}" for line in self.new.splitlines()])


@dataclass(frozen=True)
class Snippet:
    """A snippet as printed (``code``), the context it lacks (``context``, step 0, or
    None when it runs without) and its fixes (steps 1, 2, ...)."""

    name: str
    source: str
    code: str
    context: Fix | None = None
    fixes: tuple = field(default=())

    def steps(self) -> list:
        """(step number, Fix) in order: 0 is the added context."""
        numbered = [(0, self.context)] if self.context else []
        return numbered + list(enumerate(self.fixes, start=1))

    def fixed_code(self) -> str:
        code = self.code
        for _unused, fix in self.steps():
            code = fix.apply(code)
        return code

    def _repr_html_(self) -> str:
        return report_html(self)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text view: the report
        printer.text(report(self))


@dataclass(frozen=True)
class Run:
    """One run of a snippet: the step applied last (None: as printed), what it raised
    (None: it ran), the warnings it gave, and its namespace."""

    step: int | None
    error: str | None
    warnings: tuple
    namespace: dict


def _one_line(text: str) -> str:
    """First line of a message, with Keras' per-session tensor names taken out."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return re.sub(r"<KerasTensor[^>]*>", "<KerasTensor>", first)


def run(code: str) -> tuple:
    """Execute ``code`` in a fresh namespace; return (error or None, warnings, namespace)."""
    namespace: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, namespace)  # noqa: S102 - the course's own quoted snippets, by design
            error = None
        except Exception as raised:  # the point is to show what the snippet raises
            error = f"{type(raised).__name__}: {_one_line(str(raised))}"
    said = tuple(
        dict.fromkeys(f"{w.category.__name__}: {_one_line(str(w.message))}" for w in caught)
    )
    return error, said, namespace


def diagnose(snippet: Snippet) -> list:
    """Run ``snippet`` as printed, then after each step; a list of :class:`Run`."""
    code = snippet.code
    runs = [Run(None, *run(code))]
    for number, fix in snippet.steps():
        try:
            code = fix.apply(code)
        except ValueError as error:
            raise ValueError(
                _("Step {number} of {name}: {error}").format(
                    number=number, name=repr(snippet.name), error=error
                )
            ) from None
        runs.append(Run(number, *run(code)))
    return runs


def _label(step: int | None) -> str:
    return _("as printed") if step is None else _("after fix {step}").format(step=step)


def _heading(name: str, source: str, as_html: bool = False) -> str:
    """The report's first line: the snippet's name (bold in HTML) and its seed article."""
    template = _("{name} (seed {source}), as printed:")
    if not as_html:
        return template.format(name=_(name), source=_(source))
    return html.escape(template).format(
        name=f"<b>{html.escape(_(name))}</b>", source=html.escape(_(source))
    )


def _fix(step: int) -> str:
    return _("fix {step}").format(step=step)


def _warns(message: str) -> str:
    return _("warns {message}").format(message=message)


def _new_warnings(runs: list) -> list:
    """Per run, the warnings it gives that the run before did not (said once, not again)."""
    before: tuple = ()
    new = []
    for item in runs:
        new.append([w for w in item.warnings if w not in before])
        before = item.warnings
    return new


def _outcomes(snippet: Snippet) -> list:
    """(step or None, its Fix or None, what the run raised or None, its new warnings)."""
    steps = dict(snippet.steps())
    runs = diagnose(snippet)
    return [
        (item.step, steps.get(item.step), item.error, warned)
        for item, warned in zip(runs, _new_warnings(runs), strict=True)
    ]


def report(snippet: Snippet) -> str:
    """The snippet as printed, each step with its change and outcome, the fixed code."""
    lines = [_heading(snippet.name, snippet.source), "", snippet.code.rstrip(), ""]
    for step, fix, error, warned in _outcomes(snippet):
        if fix is not None:
            lines += [f"{_fix(step)}: {_(fix.why)}", fix.change()]
        outcome = error or _("runs")
        lines.append(f"  {_label(step)} -> {outcome}")
        lines += [f"     ({_warns(message)})" for message in warned]
    lines += ["", _("fixed:"), "", snippet.fixed_code().rstrip()]
    return "\n".join(lines)


def _pre(text: str) -> str:
    return (
        "<pre style='overflow-x:auto;background:#f6f6f6;padding:6px'>"
        f"{html.escape(text.rstrip())}</pre>"
    )


def report_html(snippet: Snippet) -> str:
    """:func:`report` as HTML: the code blocks scroll sideways instead of wrapping."""
    rows = []
    for step, fix, error, warned in _outcomes(snippet):
        change = (
            html.escape(_("as printed"))
            if fix is None
            else (
                f"<b>{html.escape(_fix(step))}</b>: {html.escape(_(fix.why))}{_pre(fix.change())}"
            )
        )
        outcome = html.escape(error or _("runs")) + "".join(
            f"<br><i>{html.escape(_warns(m))}</i>" for m in warned
        )
        rows.append((change, outcome))
    table = Table((_("step"), _("outcome")), tuple(rows), left=2, escape=False)
    return (
        f"<p>{_heading(snippet.name, snippet.source, as_html=True)}</p>{_pre(snippet.code)}"
        f"{table.html()}<p>{html.escape(_('fixed:'))}</p>{_pre(snippet.fixed_code())}"
    )


# --------------------------------------------------------------------------- seed 002

SEQUENTIAL_VS_FUNCTIONAL = Snippet(
    N_("Sequential vs functional API"),
    N_("002 (GoogLeNet article)"),
    """\
import tensorflow as tf
from tensorflow import keras
from keras.models import Sequential, Model
from keras.layers import Dense, Conv2D, MaxPooling2D, Flatten, Input

# 순차형 API
model = Sequential()
model.add(Conv2D(32, kernel_size=(5,5), input_shape=input_shape))
model.add(MaxPooling2D(pool_size(2,2)))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))

# 함수형 API
inputs = Input(shape=input_shape)
conv1 = Conv2D(32, kernel_size=(5,5))(inputs)
maxpool1 = MaxPooling2D(pool_size=(2,2))(conv1)
predictions = Dense(10, activation='softmax')(Flatten()(maxpool1))
model = Model(inputs=inputs, ouputs=predictions)
""",
    context=Fix(
        N_("the article never defines `input_shape`; give it one"),
        new="input_shape = (28, 28, 1)",
        at="start",
    ),
    fixes=(
        Fix(
            N_("`pool_size(2,2)` calls an undefined function; the keyword needs `=`"),
            "MaxPooling2D(pool_size(2,2))",
            "MaxPooling2D(pool_size=(2,2))",
        ),
        Fix(N_("typo: `ouputs` for `outputs`"), "ouputs=predictions", "outputs=predictions"),
        Fix(
            N_("runs, but Keras 3 warns: a Sequential model should start with an `Input`"),
            "model = Sequential()\nmodel.add(Conv2D(32, kernel_size=(5,5), input_shape=input_shape))",
            "model = Sequential([Input(shape=input_shape)])\nmodel.add(Conv2D(32, kernel_size=(5,5)))",
        ),
    ),
)

NAIVE_BLOCK_002 = Snippet(
    N_("naive Inception block"),
    N_("002 (GoogLeNet article)"),
    """\
from keras.layers import Conv2D, MaxPooling2D, concatenate

def naive_inception_block(previous_layer, filters=[64, 128, 32]):
    conv1x1 = Conv2D(filters[0], kernel_size=(1,1), padding='same',
                     activation='relu')(previous_layer)
    conv3x3 = Conv2D(filters[1], kernel_size=(3,3), padding='same',
                     activation='relu')(previous_layer)
    conv5x5 = Conv2D(filters[2], kernel_size=(5,5), padding='same',
                     activation='relu')(previous_layer)
    max_pool = MaxPooling2D((3,3), strides=(1,1), padding='same')(previous_layer)
    
    return concatenate([conv1x1, conv3x3, conv5x5, max_pool], axis=-1)
""",
    context=Fix(
        N_("the article only defines the block; call it on inception(3a)'s input"),
        new="from keras import Input, Model\n\ninputs = Input((28, 28, 192))\n"
        "model = Model(inputs, naive_inception_block(inputs))",
        at="end",
    ),
)

GOOGLENET_BLOCK_002 = Snippet(
    N_("GoogLeNet's inception block"),
    N_("002 (GoogLeNet article)"),
    """\
from keras.layers import Conv2D, MaxPooling2D, concatenate

def inception_v1_block(previous_layer):
    # 첫번째 병렬 계층
    conv1x1_2 = Conv2D(96, (1,1), padding='same', activation='relu')(previous_layer)
    conv1x1_3 = Conv2D(16, (1,1), padding='same', activation='relu')(previous_layer)
    max_pool_4 = MaxPooling2D((3,3), strides=(1,1), padding='same')(previous_layer)
    # 두번째 병렬 계층
    conv1x1_1 = Conv2D(64, (1,1), padding='same', activation='relu')(previous_layer)
    conv3x3_2 = Conv2D(128, (3,3), padding='same', activation='relu')(conv1x1_2)
    conv5x5_3 = Conv2D(32, (3,3), padding='same', activation='relu')(conv1x1_3)
    conv1x1_4 = Conv2D(32, (1,1), padding='same', activation='relu')(max_pool_4)
    # 최종 계층
    return concatenate([conv1x1_1, conv3x3_2, conv5x5_3, conv1x1_4], axis=-1)
""",
    context=Fix(
        N_("the article only defines the block; call it on inception(3a)'s input"),
        new="from keras import Input, Model\n\ninputs = Input((28, 28, 192))\n"
        "model = Model(inputs, inception_v1_block(inputs))",
        at="end",
    ),
    fixes=(
        Fix(
            N_(
                "the '5x5' branch is built with a 3x3 kernel: it runs, but it is not the "
                "paper's block (fewer parameters, a smaller receptive field)"
            ),
            "conv5x5_3 = Conv2D(32, (3,3)",
            "conv5x5_3 = Conv2D(32, (5,5)",
        ),
    ),
)

# --------------------------------------------------------------------------- seed 004

NAIVE_BLOCK_004 = Snippet(
    N_("naive Inception block"),
    N_("004 (Keras blog post)"),
    """\
from tensorflow.contrib.keras.python import keras as keras
from keras.layers import Conv2D, MaxPooling2D, AveragePooling2D, concatenate, Input
from keras import models

def inception_block(input_layer, filter1=64, filter2=128, filter3=32, activation='relu'):
    conv1x1 = Conv2D(filter1, kernel_size=(1,1), padding='same', activation=activation)(input_layer)
    conv3x3 = Conv2D(filter2, kernel_size=(3,3), padding='same', activation=activation)(input_layer)
    conv5x5 = Conv2D(filter3, kernel_size=(5,5), padding='same', activation=activation)(input_layer)
    pooling = MaxPooling2D((3,3), strides=(1,1), padding='same')(input_layer)
 \u00a0 #Average pooling은 평균값을 구하여 줄여주나 연산량을 많이 요구한다.
 \u00a0 #pooling = AveragePooling2D((3,3), strides=(1,1), padding='same')(input_layer)
    output_layer = concatenate([conv1x1, conv3x3, conv5x5, pooling])
    return output_layer

shape = (224,224,3)
inputs = Input(shape)
inception_1 = inception_block(inputs, 64, 128, 32)
# output_layer = Dense(64)(inception_1) 
model = models.Model(input=inputs, output=output_layer)
""",
    fixes=(
        Fix(
            N_(
                "two comment lines are indented with a non-breaking space (U+00A0, a web page's "
                "copy-paste artefact), which Python does not accept as indentation"
            ),
            " \u00a0 #",
            "    #",
        ),
        Fix(
            N_("`tensorflow.contrib` was removed in TensorFlow 2; Keras is its own package"),
            "from tensorflow.contrib.keras.python import keras as keras",
            "import keras",
        ),
        Fix(
            N_("`output_layer` is local to the function; the block's output is `inception_1`"),
            "output=output_layer)",
            "output=inception_1)",
        ),
        Fix(
            N_("Keras 2+ spells the arguments `inputs=` and `outputs=`"),
            "models.Model(input=inputs, output=inception_1)",
            "models.Model(inputs=inputs, outputs=inception_1)",
        ),
    ),
)

DIM_REDUCE_BLOCK_004 = Snippet(
    N_("Inception block with dimension reduction"),
    N_("004 (Keras blog post)"),
    """\
from tensorflow.contrib.keras.python import keras as keras
from keras.layers import Conv2D, MaxPooling2D, AveragePooling2D, concatenate
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
    
    # Googlenet exracts pool_proj in order to ensemble in three cases
    if pull == True:
        return output_layer, pool_proj
    
    return output_layer
    
shape = (224,224,3)
inputs = Input(shape)
inception_reduce_1 = inception_block(inputs, 64, 128, 32)
# output_layer = Dense(64)(inception_reduce_1) 
model = models.Model(input=inputs, output=output_layer)
""",
    fixes=(
        Fix(
            N_("`tensorflow.contrib` was removed in TensorFlow 2; Keras is its own package"),
            "from tensorflow.contrib.keras.python import keras as keras",
            "import keras",
        ),
        Fix(
            N_("`Input` is used but not imported in this snippet"),
            "AveragePooling2D, concatenate\n",
            "AveragePooling2D, concatenate, Input\n",
        ),
        Fix(
            N_(
                "it calls `inception_block` (the naive one, not defined here) instead of the "
                "block it just defined, with the filters of inception(3a)"
            ),
            "inception_reduce_1 = inception_block(inputs, 64, 128, 32)",
            "inception_reduce_1 = inception_block_dim_reduce(inputs, 64, 128, 32, 96, 16, 32)",
        ),
        Fix(
            N_("`output_layer` is local to the function"),
            "output=output_layer)",
            "output=inception_reduce_1)",
        ),
        Fix(
            N_("Keras 2+ spells the arguments `inputs=` and `outputs=`"),
            "models.Model(input=inputs, output=inception_reduce_1)",
            "models.Model(inputs=inputs, outputs=inception_reduce_1)",
        ),
        Fix(
            N_(
                "runs without this fix, but the pool projection lacks the ReLU every other "
                "conv of the paper's module has"
            ),
            "pool_proj = Conv2D(pool_proj, kernel_size=(1,1), padding='same')(pooling)",
            "pool_proj = Conv2D(pool_proj, kernel_size=(1,1), padding='same', "
            "activation=activation)(pooling)",
        ),
    ),
)

SNIPPETS = (
    SEQUENTIAL_VS_FUNCTIONAL,
    NAIVE_BLOCK_002,
    GOOGLENET_BLOCK_002,
    NAIVE_BLOCK_004,
    DIM_REDUCE_BLOCK_004,
)


# --------------------------------------------------------------------------- need the network


@dataclass(frozen=True)
class NetworkSnippet:
    """A snippet that downloads a pretrained model: quoted, never run by the course.

    The course runs offline, and running such a snippet would download the weights (or
    fail without a network), so it is shown as printed with what it downloads, what goes
    wrong with it today (``problems``) and a fixed version (``fixed``); the notebook
    checks offline what can be checked without the download.
    """

    name: str
    source: str
    code: str
    downloads: str
    problems: tuple
    fixed: str

    def report(self) -> str:
        lines = [_heading(self.name, self.source), "", self.code.rstrip(), ""]
        lines += [_("not run here: it downloads {downloads}").format(downloads=_(self.downloads))]
        lines += [""] + [f"- {_(problem)}" for problem in self.problems]
        return "\n".join(lines + ["", _("fixed:"), "", self.fixed.rstrip()])

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(_(problem))}</li>" for problem in self.problems)
        downloads = html.escape(_("not run here: it downloads {downloads}")).format(
            downloads=html.escape(_(self.downloads))
        )
        return (
            f"<p>{_heading(self.name, self.source, as_html=True)}</p>{_pre(self.code)}"
            f"<p>{downloads}</p><ul>{items}</ul><p>{html.escape(_('fixed:'))}</p>"
            f"{_pre(self.fixed)}"
        )

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.report())


HUB_INCEPTION_V3_002 = NetworkSnippet(
    N_("Inception-v3 from TensorFlow Hub"),
    N_("002 (GoogLeNet article)"),
    """\
import tensorflow_hub as hub
from keras.models import Sequential
from keras.layers import Dense

num_classes = 1000

# feture_vector: 최종 출력 직전의 밀집 계층을 제외한 모델 반환(출력은 최종 합성곱 계층의 특징맵)
# (include_top = false)
url = "https://tfhub.dev/google/tf2-preview/inception_v3/feature_vector/2"
# 탠서플로 허브의 모델을 가져올 때는 hub.KerasLayer 사용
hub_feature_extractor = hub.KerasLayer(     # Layer로서의 TF-Hub 모델
url,                      # TF-Hub 모델 URL
trainable=False,         # 모델 계층들을 훈련 가능하게 할지 여부를 설정하는 플래그
input_shape=(299,299,3),  # 예산 입력 형상 (tfhub.dev에서 확인)
output_shape=(2048,),     # 출력 형상(입력 형상과 동일, 모델 페이지에서 확인)
dtype=tf.float32)         # 예상 dtype

inception_model = Sequential([hub_feature_extractor, \n                              Dense(num_classes, activation='softmax')], \n                              name="inception_tf_hub")
""",
    downloads=N_(
        "the pretrained feature extractor (about 90 MB) from tfhub.dev, which "
        "since 2023 sends its models' addresses on to Kaggle Models"
    ),
    problems=(
        N_("`tf` is used (`dtype=tf.float32`) but never imported in the snippet"),
        N_("`tensorflow_hub` is a package of its own, not installed with TensorFlow"),
        N_(
            "`hub.KerasLayer` is a Keras 2 (tf-keras) layer: with Keras 3, the Keras of "
            "TensorFlow 2.16 and later, `Sequential([hub_feature_extractor, ...])` raises "
            '"ValueError: Only instances of `keras.Layer` can be added to a Sequential '
            'model" (tensorflow/tensorflow issue 65419); build the model with tf-keras '
            "(`pip install tf-keras`, `import tf_keras`) instead"
        ),
        N_(
            "the comment on `output_shape` says the output has the input's shape; it is a "
            "vector of 2048 features, the average-pooled last feature map"
        ),
        N_(
            "the same features without TensorFlow Hub: keras.applications.InceptionV3("
            "include_top=False, pooling='avg', weights='imagenet')"
        ),
    ),
    fixed="""\
import tensorflow as tf
import tensorflow_hub as hub
import tf_keras  # Keras 2, which hub.KerasLayer needs (pip install tf-keras)

url = "https://tfhub.dev/google/tf2-preview/inception_v3/feature_vector/2"
hub_feature_extractor = hub.KerasLayer(url, trainable=False, input_shape=(299, 299, 3),
                                       output_shape=(2048,), dtype=tf.float32)
inception_model = tf_keras.Sequential(
    [hub_feature_extractor, tf_keras.layers.Dense(1000, activation="softmax")],
    name="inception_tf_hub")
""",
)

KERAS_INCEPTION_V3_002 = NetworkSnippet(
    N_("Inception-v3 from keras.applications"),
    N_("002 (GoogLeNet article)"),
    """\
# VGG와 동일한 파라미터 시그니처를 가짐
inceptionV3 = tf.keras.applications.InceptionV3(include_top=True, weights='imagenet', 
                                                input_tensor=None, input_shape=None, 
                                                pooling=None, classes=1000)
""",
    downloads=N_(
        "the ImageNet weights (about 92 MB, once; Keras keeps them in "
        "~/.keras/models) from storage.googleapis.com"
    ),
    problems=(
        N_(
            "it runs under Keras 3 as printed, once `import tensorflow as tf` is done (the "
            "article imports it earlier); with `weights=None` it builds the same network "
            "offline, with random weights"
        ),
    ),
    fixed="""\
import keras

inceptionV3 = keras.applications.InceptionV3(include_top=True, weights="imagenet",
                                             input_tensor=None, input_shape=None,
                                             pooling=None, classes=1000)
""",
)

#: The snippets that download pretrained models: quoted, explained, not run.
NETWORK_SNIPPETS = (HUB_INCEPTION_V3_002, KERAS_INCEPTION_V3_002)
