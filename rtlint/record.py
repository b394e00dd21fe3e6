"""Record classes (`@dataclass`, `field`) without importing the dataclasses module.

Why: pre-commit starts rtlint once per commit, so its start-up is most of what a
user waits for. Importing `dataclasses` pulls in inspect, ast, dis and tokenize
(~5 ms), and each decorated class then costs 0.1-0.3 ms to build; rtlint has ~40
record classes, ~25 of them on every run's import path. This module generates the
__init__ from one small source string per class (the other methods are shared
functions), with the behaviour rtlint relies on and nothing else:

- `__init__` taking the fields in order (base-class fields first), defaults and
  `field(default_factory=...)`, then calling `__post_init__()` when the class has one;
- `__repr__`, `__eq__` (same class only), and `__hash__` like dataclasses: from the
  fields when frozen, unhashable when not (a `__hash__` written in the class body wins);
- `frozen=True`: assignment and deletion raise `FrozenInstanceError` (an AttributeError);
- `order=True`: `<`, `<=`, `>`, `>=` comparing the field tuples.
Methods written in the class body are never replaced. `ClassVar` annotations are not
fields. tests/test_record.py checks the behaviour against the dataclasses module.
"""
from __future__ import annotations

__all__ = ["dataclass", "field", "FrozenInstanceError", "fields"]

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """Raised when a frozen record is assigned to."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: object) -> None:
        self.make = make


def field(*, default_factory: object) -> object:
    """A field whose default is made fresh for every instance."""
    return _Factory(default_factory)


def fields(cls: type) -> tuple:
    """The field names of a record class, in __init__ order."""
    return cls.__dict__["__record_names__"]  # type: ignore[no-any-return]


def dataclass(cls: object = None, *, frozen: bool = False, order: bool = False) -> object:
    def wrap(c: type) -> type:
        return _build(c, frozen, order)

    return wrap if cls is None else wrap(cls)  # type: ignore[arg-type]


def _build(cls: type, frozen: bool, order: bool) -> type:
    specs: dict = {}
    for base in reversed(cls.__mro__[1:]):
        specs.update(base.__dict__.get("__record_fields__", {}))
    for name, ann in cls.__dict__.get("__annotations__", {}).items():
        if isinstance(ann, str) and ann.replace("typing.", "").startswith("ClassVar"):
            continue
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Factory):
            specs[name] = (_MISSING, value.make)
            delattr(cls, name)
        else:
            specs[name] = (value, None)
    names = list(specs)
    env: dict = {"_MISSING": _MISSING, "_Frozen": FrozenInstanceError, "_set": object.__setattr__}
    params, body = [], []
    for i, (name, (default, factory)) in enumerate(specs.items()):
        value = name
        if factory is not None:
            env["_f%d" % i] = factory
            params.append("%s=_MISSING" % name)
            value = "_f%d() if %s is _MISSING else %s" % (i, name, name)
        elif default is not _MISSING:
            env["_d%d" % i] = default
            params.append("%s=_d%d" % (name, i))
        elif any("=" in p for p in params):
            raise TypeError("non-default field %r follows a field with a default in %s" % (name, cls.__name__))
        else:
            params.append(name)
        body.append("_set(self, %r, %s)" % (name, value) if frozen else "self.%s = %s" % (name, value))
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    src = "def __init__(self, %s):\n    %s\n" % (", ".join(params), "\n    ".join(body) or "pass")
    made: dict = {}
    exec(src, env, made)  # noqa: S102 - source built above from the class's own field names
    # Only __init__ is generated (it is on every hot path); the other methods are shared ones that
    # read __record_names__, which keeps building a class cheap.
    made.update(__repr__=_repr, __eq__=_eq)
    if frozen:
        made.update(__hash__=_hash, __setattr__=_frozen_set, __delattr__=_frozen_del)
    if order:
        made.update(__lt__=_lt, __le__=_le, __gt__=_gt, __ge__=_ge)
    own_hash = cls.__dict__.get("__hash__", _MISSING)
    explicit_hash = not (own_hash is _MISSING or (own_hash is None and "__eq__" in cls.__dict__))
    for name, fn in made.items():
        if name == "__hash__":
            if explicit_hash:
                continue
        elif name in cls.__dict__ and name not in ("__setattr__", "__delattr__"):
            continue
        if name == "__init__":
            fn.__qualname__ = "%s.__init__" % cls.__qualname__
        setattr(cls, name, fn)
    if not frozen and not explicit_hash:
        cls.__hash__ = None  # type: ignore[assignment]  # like dataclasses: mutable and compared by value
    cls.__record_fields__ = specs  # type: ignore[attr-defined]
    cls.__record_names__ = tuple(names)  # type: ignore[attr-defined]
    cls.__match_args__ = tuple(names)  # type: ignore[attr-defined]
    return cls


def _values(obj: object) -> tuple:
    return tuple([getattr(obj, n) for n in obj.__record_names__])  # type: ignore[attr-defined]


def _repr(self: object) -> str:
    return "%s(%s)" % (self.__class__.__qualname__,
                       ", ".join("%s=%r" % (n, getattr(self, n)) for n in self.__record_names__))  # type: ignore


def _eq(self: object, other: object) -> object:
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self: object) -> int:
    return hash(_values(self))


def _frozen_set(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError("cannot assign to field %r" % name)


def _frozen_del(self: object, name: str) -> None:
    raise FrozenInstanceError("cannot delete field %r" % name)


def _lt(self: object, other: object) -> object:
    return _values(self) < _values(other) if other.__class__ is self.__class__ else NotImplemented


def _le(self: object, other: object) -> object:
    return _values(self) <= _values(other) if other.__class__ is self.__class__ else NotImplemented


def _gt(self: object, other: object) -> object:
    return _values(self) > _values(other) if other.__class__ is self.__class__ else NotImplemented


def _ge(self: object, other: object) -> object:
    return _values(self) >= _values(other) if other.__class__ is self.__class__ else NotImplemented
