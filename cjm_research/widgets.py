"""Interactive views for notebooks: :class:`PersonaExplorer`.

The explorer is a thin layer over :class:`~cjm_research.personas.PersonaModel`: every control
maps to a model parameter or method, so whatever a researcher settles on can be exported as the
same YAML spec a script would write. Figures are rendered to PNG images (``ipywidgets.Image``),
which display the same in JupyterLab, Voila and an exported HTML page.
"""

from __future__ import annotations

import io
import time

import ipywidgets as w
import copy

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .errors import CJMError
from .persona_features import KINDS, infer_kind, resolve_features
from .persona_methods import METHODS
from .personas import PersonaModel


def figure_png(draw, *, size=(6, 3.6), dpi=72) -> bytes:
    """Draw with ``draw(ax)`` on a new off-screen figure and return it as PNG bytes.

    The figure never touches pyplot, so nothing is shown twice in a notebook and nothing leaks.
    """
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # Fixed margins instead of tight_layout, which draws the figure twice (half the update time).
    fig.subplots_adjust(left=0.3 if size[0] > 6 else 0.12, right=0.9, bottom=0.22, top=0.88)
    draw(ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class PersonaExplorer:
    """Build personas interactively: features, method, k or auto, seed; plots; rename, merge, export.

    Parameters
    ----------
    data : DataFrame
        Respondents (a study's ``survey``: its ``attrs["persona_features"]`` preselects features).
    features : list or dict, optional
        Preselected features; default the study's persona features or every usable column.
    method, k, random_state :
        Initial values of the controls.
    spec_path : str
        Where "Export spec" writes the YAML (plus the fitted model next to it).
    **model_options :
        Passed to every :class:`PersonaModel` (for example ``k_range=(2, 8)``).

    Examples
    --------
    >>> explorer = PersonaExplorer(study.survey)     # doctest: +SKIP
    >>> explorer                                     # doctest: +SKIP
    >>> explorer.k.value = 4; explorer.model.profile()   # doctest: +SKIP
    """

    def __init__(self, data: pd.DataFrame, *, features=None, method="kmeans", k="auto", random_state=0,
                 spec_path="personas.yml", n_boot=20, **model_options):
        self.data, self.n_boot = data, n_boot
        self.model_options = {"progress": False, **model_options}
        spec = resolve_features(features, data)
        self.kinds = {c: kind for kind in KINDS for c in spec[kind]}
        candidates = [c for c in data.columns if c in self.kinds or _usable(data[c])]
        self._cache: dict = {}
        self._drawn_criteria = None  # the (features, method, seed) the criteria plot shows
        self.model: PersonaModel | None = None
        self.timings: list[float] = []
        self._build(candidates, [c for c in candidates if c in self.kinds], method, k, random_state, spec_path)
        self.update()

    # ------------------------------------------------------------ layout
    def _build(self, candidates, chosen, method, k, seed, spec_path) -> None:
        self.features = w.SelectMultiple(options=candidates, value=tuple(chosen), rows=min(10, len(candidates)),
                                         description="Features")
        self.method = w.Dropdown(options=METHODS, value=method, description="Method")
        self.k = w.Dropdown(options=["auto"] + list(range(2, 11)), value=k, description="k")
        self.seed = w.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="Seed", continuous_update=False)
        self.fit_button = w.Button(description="Fit", button_style="primary", icon="refresh")
        self.stability_button = w.Button(description="Stability", icon="random")
        self.persona = w.Dropdown(description="Persona")
        self.new_name = w.Text(description="New name", continuous_update=False)
        self.rename_button = w.Button(description="Rename")
        self.merge_select = w.SelectMultiple(description="Merge", rows=4)
        self.merge_button = w.Button(description="Merge selected")
        self.spec_path = w.Text(value=str(spec_path), description="Spec file", continuous_update=False)
        self.export_button = w.Button(description="Export spec", icon="save")
        self.status = w.HTML()
        self.images = {name: w.Image(format="png") for name in ("criteria", "projection", "profile", "stability")}
        self.table = w.HTML()
        # Method, k and seed refit at once; feature choices wait for the Fit button, since picking
        # several columns one click at a time would refit after every click.
        for control in (self.method, self.k, self.seed):
            control.observe(lambda change: self.update(), names="value")
        self.fit_button.on_click(lambda _: self.update())
        self.stability_button.on_click(lambda _: self.show_stability())
        self.rename_button.on_click(lambda _: self.rename())
        self.merge_button.on_click(lambda _: self.merge())
        self.export_button.on_click(lambda _: self.export())
        self.widget = w.VBox([
            w.HBox([w.VBox([self.features]), w.VBox([self.method, self.k, self.seed,
                                                     w.HBox([self.fit_button, self.stability_button])])]),
            self.status,
            w.HBox([self.images["criteria"], self.images["projection"]]),
            w.HBox([self.images["profile"], self.images["stability"]]),
            w.HBox([w.VBox([self.persona, self.new_name, self.rename_button]),
                    w.VBox([self.merge_select, self.merge_button]),
                    w.VBox([self.spec_path, self.export_button])]),
            self.table])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ----------------------------------------------------------- actions
    def update(self) -> PersonaModel | None:
        """Refit with the current controls and redraw (called by the controls and the Fit button)."""
        start = time.perf_counter()
        try:
            self.model = self._fit()
        except CJMError as exc:
            self._say(str(exc), error=True)
            return None
        # The criteria plot shows every k and the automatic choice, so switching k leaves it as is.
        key = self._key()
        self._redraw(stability=False, criteria=key != self._drawn_criteria)
        self._drawn_criteria = key
        self.images["stability"].value = b""
        self.timings.append(time.perf_counter() - start)
        self._say(f"{self.model.k_} personas from {len(self.data):,} respondents. {self.model.choice_}")
        return self.model

    def _fit(self) -> PersonaModel:
        # Every k of the range is fitted once per (features, method, seed) and kept, so switching
        # k, renaming and merging never refit; a new feature set also re-encodes the data.
        key = self._key()
        if key not in self._cache:
            self._cache = {k: v for k, v in self._cache.items() if k[0] == key[0]}
            self._cache[key] = self._fit_all_k(key)
        model = copy.copy(self._cache[key])
        if self.k.value != "auto":
            model.choose_k(int(self.k.value))
        else:
            model.choose_k(int(self._cache[key].n_clusters_))
            model.choice_ = self._cache[key].choice_
        return model

    def _key(self) -> tuple:
        return (tuple(self.features.value), self.method.value, int(self.seed.value))

    def _fit_all_k(self, key) -> PersonaModel:
        features = {kind: [c for c in key[0] if self._kind(c) == kind] for kind in KINDS}
        model = PersonaModel(features, k="auto", method=key[1], random_state=key[2], keep_fits=True,
                             **self.model_options)
        same_features = next((m for k, m in self._cache.items() if k[0] == key[0]), None)
        return model.fit_like(same_features) if same_features is not None else model.fit(self.data)

    def _kind(self, column: str) -> str:
        return self.kinds.get(column) or infer_kind(self.data[column])

    def _redraw(self, *, stability: bool, criteria: bool = True) -> None:
        m = self.model
        if criteria:  # names do not appear on the criteria plot, so edits skip it
            self.images["criteria"].value = figure_png(m.plot_scores)
        self.images["projection"].value = figure_png(m.plot_projection)
        # No cell texts in the interactive heatmap: they cost more than the rest of the figure.
        self.images["profile"].value = figure_png(lambda ax: m.plot_profile(ax, annotate=False), size=(7, 3.6))
        if stability:
            self.images["stability"].value = figure_png(lambda ax: m.plot_stability(ax=ax))
        options = [(f"{p}: {name}", p) for p, name in enumerate(m.names_)]
        self.persona.options, self.merge_select.options = options, options
        columns = ["persona", "name", "n", "share", "distinguishing"]
        self.table.value = m.profile()[columns].to_html(index=False, float_format=lambda v: f"{v:.2f}")

    def show_stability(self) -> pd.DataFrame:
        """Compute the bootstrap stability (Stability button) and draw it."""
        frame = self.model.stability(n_boot=self.n_boot)
        self.images["stability"].value = figure_png(lambda ax: self.model.plot_stability(ax=ax))
        self._say(f"Bootstrap stability over {self.n_boot} resamples: overall ARI {frame.attrs['ari']:.2f}.")
        return frame

    def rename(self) -> None:
        """Give the selected persona the name typed in the box (Rename button)."""
        name = self.new_name.value.strip()
        if self.persona.value is None or not name:
            self._say("Choose a persona and type a new name first.", error=True)
            return
        self.model.rename(self.persona.value, name)
        self._refresh_after_edit(f"Persona {self.persona.value} is now {name!r}.")

    def merge(self) -> None:
        """Merge the personas selected in the list (Merge button)."""
        chosen = list(self.merge_select.value)
        try:
            self.model.merge(chosen)
        except CJMError as exc:
            self._say(str(exc), error=True)
            return
        self._refresh_after_edit(f"Merged personas {chosen}; {self.model.k_} personas now.")

    def _refresh_after_edit(self, message: str) -> None:
        had_stability = bool(self.images["stability"].value)
        self._redraw(stability=had_stability, criteria=False)
        self._say(message)

    def export(self):
        """Write the spec YAML and the fitted model (Export spec button); returns the path."""
        path = self.model.save(self.spec_path.value)
        self._say(f"Spec written to {path} (model in {path.with_suffix('.joblib').name}).")
        return path

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#c0392b" if error else "#2c3e50"
        self.status.value = f"<span style='color:{colour}'>{_escape(text)}</span>"


def _usable(series: pd.Series) -> bool:
    # Offer columns that could describe a persona; free text and ids have too many distinct values.
    return pd.api.types.is_numeric_dtype(series) or series.nunique(dropna=True) <= 30


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
