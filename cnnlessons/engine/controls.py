"""The controls of an explorer as the page reads them, and the frame key: written once here
(the page has its one twin, ``keyOf``/``parseKey`` in ``js/store.js``).

A control is an ``IntSlider`` (its raw value is its ``value``) or has ``options`` (a menu,
toggle buttons, a selection slider: its raw value is its ``index``). A frame is keyed by the
raw values of the controls, in order, joined by commas: ``"v0,v1,..."``.
"""

from __future__ import annotations

__all__ = ["ControlSpace"]


class ControlSpace:
    """The controls that pick a frame (every control but the mirrors), their raw values and
    the frame keys made of them."""

    def __init__(self, controls: dict, mirrors=()):
        if not isinstance(controls, dict) or not controls:
            raise TypeError("controls must be a non-empty dict of name -> ipywidget")
        self.controls = controls
        #: the controls that pick the frame, in key order
        self.names = [n for n in controls if n not in mirrors]
        for name in self.names:
            control = controls[name]
            if not hasattr(control, "options") and not (
                hasattr(control, "min") and isinstance(control.value, int)
            ):
                raise TypeError(f"control {name!r} must be an IntSlider or have options")
        # the ranges are fixed once made (nothing changes a slider's min, max or step)
        self._values = {n: self._all_raw(n) for n in self.names}
        self._index = {n: {v: i for i, v in enumerate(vs)} for n, vs in self._values.items()}

    def _all_raw(self, name: str) -> list:
        control = self.controls[name]
        if hasattr(control, "options"):
            return list(range(len(control.options)))
        return list(range(control.min, control.max + 1, getattr(control, "step", 1) or 1))

    # -- one control ---------------------------------------------------------------------
    def raw_values(self, name: str) -> list:
        """Every raw value control ``name`` can take, in order (a menu's indices)."""
        return self._values[name]

    def raw(self, name: str) -> int:
        control = self.controls[name]
        return control.index if hasattr(control, "options") else control.value

    def value(self, name: str, raw: int):
        """The control's value for the raw value ``raw`` (a menu's option for its index)."""
        control = self.controls[name]
        if hasattr(control, "options"):
            option = control.options[raw]
            return option[1] if isinstance(option, tuple) else option
        return raw

    def shown(self, name: str, value) -> str:
        """How control ``name`` shows ``value``: the label of the option with that value (a
        menu, toggle buttons, a selection slider), a slider's number."""
        for option in getattr(self.controls[name], "options", ()):
            label, option_value = option if isinstance(option, tuple) else (option, option)
            same = type(option_value) is type(value) and option_value == value
            if option_value is value or same:
                return str(label)
        return str(value)

    def set_raw(self, name: str, raw: int) -> None:
        control = self.controls[name]
        if hasattr(control, "options"):
            control.index = raw
        else:
            control.value = raw

    def position(self, name: str, raw: int) -> int:
        """Where ``raw`` is among the values of control ``name`` (0 for the first)."""
        return self._index[name][raw]

    def spec(self, name: str) -> dict:
        """How the page finds and reads control ``name``."""
        return {
            "ref": f"IPY_MODEL_{self.controls[name].model_id}",
            "trait": "index" if hasattr(self.controls[name], "options") else "value",
            "values": self.raw_values(name),
        }

    # -- keys ----------------------------------------------------------------------------
    @staticmethod
    def join(raws) -> str:
        """The key of the frame for these raw values (in the controls' order)."""
        return ",".join(str(r) for r in raws)

    def parse(self, key) -> list:
        """The raw values of ``key``; ValueError unless it is a key of these controls."""
        if not isinstance(key, str):
            raise ValueError(f"key must be a string 'v0,v1,...', got {key!r}")
        try:
            raws = [int(p) for p in key.split(",")]
        except ValueError:
            raise ValueError(f"key {key!r} is not comma-separated integers") from None
        if len(raws) != len(self.names):
            raise ValueError(f"key {key!r} must have a value for each of {self.names}")
        for name, raw in zip(self.names, raws, strict=True):
            if raw not in self._index[name]:
                raise ValueError(f"key {key!r}: {raw} is not a value of control {name!r}")
        return raws

    def key(self, raws: dict | None = None) -> str:
        """The key of the frame the controls select now (or for ``raws``, name -> raw
        value, the controls not in it as they are)."""
        raws = raws or {}
        return self.join(raws[n] if n in raws else self.raw(n) for n in self.names)

    def raws_of(self, key: str) -> dict:
        return dict(zip(self.names, self.parse(key), strict=True))

    def values_of(self, key: str) -> dict:
        """The controls' values (as ``update`` takes them) of frame ``key``."""
        return {n: self.value(n, r) for n, r in self.raws_of(key).items()}

    def values(self) -> dict:
        """The controls' values now."""
        return {n: self.controls[n].value for n in self.names}

    def positions(self) -> dict:
        """Name -> position of each control's value now."""
        return {n: self.position(n, self.raw(n)) for n in self.names}

    def steps(self, key: str, at: dict) -> int:
        """Steps from frame ``key`` to the positions ``at``, summed over the controls."""
        return sum(
            abs(self._index[n][r] - at[n])
            for n, r in zip(self.names, (int(p) for p in key.split(",")), strict=True)
        )
