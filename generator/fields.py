"""What the pipeline and editors' tools read off the content model's declarations: each
field's label and help, its shape, and the metadata beside it (:mod:`generator.model`)."""

from __future__ import annotations

import datetime
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.model import Refers
from generator.rules import ONE_LINE_PATTERN, SLUG_PATTERN, TITLE_PATTERN

Marker = TypeVar("Marker")


def field_label(model: type[BaseModel], name: str) -> str:
    """Chinese label of a field: the part of its docstring before the full-width colon."""
    info = model.model_fields.get(name)
    description = (info.description if info else None) or ""
    return description.split("：", 1)[0] if "：" in description else name


@dataclass(frozen=True)
class FieldSpec:
    """What editors need to know about one field, derived from its declaration."""

    name: str
    label: str
    """Chinese label, the docstring up to its full-width colon."""
    help: str
    """The rest of the docstring: what belongs in the field."""
    required: bool
    shape: str
    """``line``, ``text``, ``date``, ``int``, ``const``, ``model``, or ``list`` of one of these."""
    item_shape: str = ""
    """For lists: the shape of each item."""
    model: type[BaseModel] | None = None
    """For ``model`` fields and lists of models: the nested model."""
    refers: Refers | None = None
    """For ids of things declared elsewhere (and lists of them): what they name."""


def field_specs(model: type[BaseModel]) -> list[FieldSpec]:
    """The fields of ``model`` in declaration order, with ``id`` and ``kind`` first."""
    names = list(model.model_fields)
    ordered = [n for n in ("id", "kind") if n in names] + [
        n for n in names if n not in {"id", "kind"}
    ]
    specs = []
    for name in ordered:
        info = model.model_fields[name]
        description = info.description or ""
        label, _, help_text = description.partition("：")
        shape, item_shape, nested = _shape(info.annotation, info.metadata)
        refers = marker(info, Refers)
        specs.append(
            FieldSpec(name, label, help_text, info.is_required(), shape, item_shape, nested, refers)
        )
    return specs


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``annotation`` (directly, in a list, or optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = nested_model(arg)
        if found is not None:
            return found
    return None


def marker(info: FieldInfo, kind: type[Marker] | Any) -> Marker | None:
    """The metadata of type ``kind`` (or equal to ``kind``) declared on a field or on its
    list's items, if any."""
    return _marker(info.annotation, info.metadata, kind)


def _marker(annotation: Any, metadata: list[Any], kind: Any) -> Any:
    for found in metadata:
        if (isinstance(kind, type) and isinstance(found, kind)) or found is kind:
            return found
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _marker(base, list(extra), kind)
    for arg in typing.get_args(annotation):
        found = _marker(arg, [], kind)
        if found is not None:
            return found
    return None


def _shape(annotation: Any, metadata: list[Any]) -> tuple[str, str, type[BaseModel] | None]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _shape(inner[0], metadata)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _shape(base, [*metadata, *extra])
    if origin is list:
        item_shape, _, nested = _shape(typing.get_args(annotation)[0], [])
        return "list", item_shape, nested
    if origin is Literal:
        return "const", "", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", "", annotation
    if annotation is datetime.date:
        return "date", "", None
    if annotation is int:
        return "int", "", None
    patterns = {getattr(m, "pattern", None) for m in metadata}
    one_line = patterns & {SLUG_PATTERN, TITLE_PATTERN, ONE_LINE_PATTERN}
    is_id = any(isinstance(m, Refers) for m in metadata)
    return ("line" if one_line or is_id else "text"), "", None
