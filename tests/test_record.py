"""rtlint.record stands in for dataclasses on the start-up path; it must behave the same where rtlint uses it."""
from __future__ import annotations

import dataclasses
from typing import ClassVar, List

import pytest

from rtlint import record


def _pair(**options):
    """The same class built by dataclasses and by rtlint.record."""
    out = []
    for mod in (dataclasses, record):
        @mod.dataclass(**options)
        class Point:
            x: int
            y: int = 2
            tags: List[str] = mod.field(default_factory=list)
            kind: ClassVar[str] = "point"

            def norm(self) -> int:
                return abs(self.x) + abs(self.y)

        out.append(Point)
    return out


@pytest.mark.parametrize("options", [{}, {"frozen": True}, {"frozen": True, "order": True}])
def test_same_behaviour_as_dataclasses(options) -> None:
    D, R = _pair(**options)
    for args, kwargs in (((1,), {}), ((1, 5), {}), ((), {"x": 3, "tags": ["a"]})):
        d, r = D(*args, **kwargs), R(*args, **kwargs)
        assert repr(d) == repr(r)
        assert (d.x, d.y, d.tags, d.norm()) == (r.x, r.y, r.tags, r.norm())
        assert r == R(*args, **kwargs) and r != R(99) and r != d  # different classes never compare equal
    assert R(1).tags is not R(1).tags  # a fresh default per instance
    assert R.kind == "point" and record.fields(R) == ("x", "y", "tags")
    with pytest.raises(TypeError):
        R()
    if options.get("frozen"):
        assert hash(R(1, 2, ())) == hash(R(1, 2, ())) == hash(D(1, 2, ()))  # type: ignore[arg-type]
        with pytest.raises(record.FrozenInstanceError):
            R(1).x = 5  # type: ignore[misc]
        with pytest.raises(AttributeError):
            del R(1).x
    else:
        with pytest.raises(TypeError):
            hash(R(1))
        r = R(1)
        r.x = 7
        assert r.x == 7
    if options.get("order"):
        assert sorted([R(2), R(1, 9), R(1, 3)]) == [R(1, 3), R(1, 9), R(2)]
        assert sorted([D(2), D(1, 9), D(1, 3)]) == [D(1, 3), D(1, 9), D(2)]


def test_inheritance_explicit_methods_and_field_order() -> None:
    @record.dataclass
    class Base:
        a: int
        b: str = "x"

        def __repr__(self) -> str:
            return "custom"

    @record.dataclass
    class Child(Base):
        c: List[int] = record.field(default_factory=list)

        def __post_init__(self) -> None:
            self.total = self.a + sum(self.c)

    c = Child(1, "y", [3])
    assert c.total == 4
    assert (c.a, c.b, c.c) == (1, "y", [3]) and record.fields(Child) == ("a", "b", "c")
    assert repr(Base(1)) == "custom"
    with pytest.raises(TypeError):
        @record.dataclass
        class Bad:
            a: int = 1
            b: int  # type: ignore[misc]



def test_span_is_a_named_immutable_tuple() -> None:
    """Span is built in readers' hot loops as a tuple; it must still behave as the record it replaced."""
    import copy
    import pickle

    from rtlint.document import Span

    s = Span(3, 9, 1, 4, 2, 1)
    assert (s.start, s.end, s.line, s.column, s.end_line, s.end_column) == (3, 9, 1, 4, 2, 1)
    assert s == Span(start=3, end=9, line=1, column=4, end_line=2, end_column=1) and hash(s) == hash(Span(*s))
    assert tuple.__new__(Span, (3, 9, 1, 4, 2, 1)) == s
    assert repr(s) == "Span(start=3, end=9, line=1, column=4, end_line=2, end_column=1)"
    assert pickle.loads(pickle.dumps(s)) == s and type(pickle.loads(pickle.dumps(s))) is Span
    assert copy.deepcopy(s) == s and type(copy.copy(s)) is Span
    with pytest.raises(AttributeError):
        s.line = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        Span(1, 2, 3)  # type: ignore[call-arg]


def test_line_index_starts() -> None:
    """LineIndex builds its line starts from one split; they must be every offset after a LF."""
    import random

    from rtlint.document import LineIndex

    rng = random.Random(3)
    cases = ["", "\n", "a", "a\n", "\n\n", "a\r\nb\r\n"]
    cases += ["".join(rng.choice("ab\n\r") for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for text in cases:
        assert LineIndex(text).starts == [0] + [i + 1 for i, c in enumerate(text) if c == "\n"], repr(text)
