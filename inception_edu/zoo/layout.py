"""Stages and the paper's sections, collected while a model's spec is laid out."""

from __future__ import annotations

from inception_edu.spec.nodes import ModelSpec, Section


class Layout:
    """Stages in order, grouped into the paper's sections (``stem``, ``Inception-A``...)."""

    def __init__(self):
        self.stages: list = []
        self.sections: list = []

    def add(self, title: str, nodes, repeated: bool = False) -> Layout:
        nodes = list(nodes)
        if nodes:
            self.stages += nodes
            self.sections.append(Section(title, tuple(n.name for n in nodes), repeated))
        return self

    def spec(self, name: str, **kwargs) -> ModelSpec:
        return ModelSpec(name, tuple(self.stages), sections=tuple(self.sections), **kwargs)
