"""The model registry and the layers under it: one entry per network, filled by
``@register`` on its spec function, every list and builder derived from it; the zoo
importing nothing of the package but the spec."""

import ast
import inspect
import pydoc
import subprocess
import sys
from pathlib import Path

import pytest

from inception_edu import models, zoo
from inception_edu.spec.checks import check_model_args
from inception_edu.spec.ops import classifier_head, conv_bn, named, scaled
from inception_edu.zoo import registry
from inception_edu.zoo.layout import Layout

PACKAGE = Path(__file__).resolve().parents[1] / "inception_edu"

PAPER_ORDER = (
    "googlenet",
    "inception_v3",
    "inception_v4",
    "inception_resnet_v1",
    "inception_resnet_v2",
)


def _tiny_net_spec(
    classes: int = 10,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    classifier_activation: str | None = "softmax",
):
    """One strided conv and a classifier: a network no paper has."""
    classes, width, depth = check_model_args(
        classes, include_top, width, depth, classifier_activation
    )
    layout = Layout().add("stem", [named(conv_bn(scaled(8, width), 3, 2), "conv_1")])
    if include_top:
        layout.add("classifier", classifier_head(classes, None, classifier_activation))
    return layout.spec(
        "tiny_net", default_input=40, min_input=8, classes=classes if include_top else None
    )


@pytest.fixture
def tiny_net(monkeypatch):
    """``tiny_net`` registered as a zoo module would register it, for one test only."""
    monkeypatch.setattr(registry, "_ENTRIES", dict(registry._ENTRIES))
    registry.register(
        "tiny_net",
        label="Tiny-Net",
        year=2099,
        aliases=("tiny",),
        builder_doc="Tiny-Net: one strided conv and a classifier (no paper).",
    )(_tiny_net_spec)
    return "tiny_net"


def test_the_five_networks_in_the_order_of_the_papers():
    assert registry.MODELS == zoo.MODELS == PAPER_ORDER
    assert tuple(models.BUILDERS) == PAPER_ORDER
    assert registry.MODEL_LABELS["inception_resnet_v2"] == "Inception-ResNet-v2"
    assert registry.ALIASES["inception_v2"] == "inception_v3"  # the same graph
    assert registry.ALIASES["InceptionResNetV2"] == "inception_resnet_v2"
    assert all(registry.ALIASES[label] == name for name, label in registry.MODEL_LABELS.items())


@pytest.mark.parametrize(
    "first", ["inception_edu.zoo.inception_resnet", "inception_edu.zoo.mini", "inception_edu.cli"]
)
def test_the_registry_is_whole_whichever_module_is_imported_first(first):
    code = f"import {first}; from inception_edu.zoo.registry import MODELS; print(MODELS)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == repr(PAPER_ORDER)


def test_registering_a_spec_function_adds_the_network_everywhere(tiny_net):
    assert registry.MODELS == zoo.MODELS == (*PAPER_ORDER, tiny_net)
    assert registry.MODEL_LABELS[tiny_net] == "Tiny-Net"
    assert registry.ALIASES["tiny"] == registry.ALIASES["Tiny-Net"] == tiny_net
    assert registry.SPEC_FUNCTIONS[tiny_net] is _tiny_net_spec
    assert registry.model_spec("tiny", classes=3).classes == 3
    assert "classes" in registry.spec_arguments("Tiny-Net")
    builder = models.BUILDERS[tiny_net]
    assert builder is getattr(models, tiny_net) and tiny_net in dir(models)
    assert builder.__name__ == tiny_net and builder.__doc__.startswith("Tiny-Net: one")
    model = builder(classes=4, width=0.5)
    assert tuple(model.input.shape) == (None, 40, 40, 3)  # the spec's default input
    assert tuple(model.output.shape) == (None, 4)
    assert model.get_layer("classifier").units == 4
    with pytest.raises(ValueError, match=r"tiny_net\(\) takes no argument 'clases'"):
        builder(clases=3)


def test_a_registration_lasts_only_while_it_is_registered(tiny_net, monkeypatch):
    monkeypatch.undo()
    assert tiny_net not in registry.MODELS and tiny_net not in models.BUILDERS
    with pytest.raises(ValueError, match="Unknown model 'tiny'"):
        registry.model_spec("tiny")
    with pytest.raises(AttributeError, match="no attribute 'tiny_net'"):
        getattr(models, tiny_net)


@pytest.mark.parametrize(
    "name, names, match",
    [
        ("inception_v3", {}, "new to the zoo.*'inception_v3'"),
        ("tiny_net", {"aliases": ("InceptionV3",)}, "new to the zoo.*'InceptionV3'"),
        ("tiny_net", {"label": "GoogLeNet"}, "new to the zoo.*'GoogLeNet'"),
        ("tiny-net", {}, "Python identifier. Received: 'tiny-net'"),
        ("tiny_net", {"year": "2099"}, "year must be an int"),
    ],
)
def test_register_refuses_a_name_the_zoo_has_or_python_cannot_use(name, names, match):
    options = {"label": "Tiny-Net", "year": 2099, "builder_doc": "Tiny.", **names}
    with pytest.raises(ValueError, match=match):
        registry.register(name, **options)
    assert "tiny_net" not in registry.MODELS


@pytest.mark.parametrize("name", PAPER_ORDER)
def test_each_builder_takes_its_spec_functions_options(name):
    builder, spec_function = models.BUILDERS[name], registry.SPEC_FUNCTIONS[name]
    parameters = inspect.signature(builder).parameters
    spec_options = inspect.signature(spec_function).parameters
    assert list(parameters) == ["input_shape", *spec_options, "final_endpoint"]
    side = spec_function().default_input
    assert parameters["input_shape"].default == (side, side, 3)
    assert all(parameters[o].default == p.default for o, p in spec_options.items())
    assert "Szegedy et al. 201" in builder.__doc__ and builder.__module__ == "inception_edu.models"
    shown = pydoc.render_doc(builder, renderer=pydoc.plaintext)  # what help() prints
    assert f"{name}(input_shape=({side}, {side}, 3), classes: 'int' = 1000, " in shown


# --------------------------------------------------------------------------- the layers


def _imports(path: Path):
    """Every module ``path`` imports, at any depth (inside functions too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield "." * node.level + (node.module or "")


def test_the_zoo_imports_nothing_of_the_package_but_the_spec():
    found = {
        f"{path.relative_to(PACKAGE.parent)}: {module}"
        for path in sorted((PACKAGE / "zoo").rglob("*.py"))
        for module in _imports(path)
        if module.startswith((".", "inception_edu"))
        and not module.startswith(("inception_edu.spec", "inception_edu.zoo"))
    }
    assert not found


def test_the_analysis_imports_the_zoo_at_the_top_only():
    """analysis sits above the zoo, so no import inside a function dodges a cycle."""
    nested = []
    for path in sorted((PACKAGE / "analysis").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        nested.append(f"{path.name}:{node.lineno}")
    assert not nested
