"""Interactive views for notebooks: :class:`PersonaExplorer`.

The explorer is a thin layer over :class:`~cjm_research.personas.model.PersonaModel`: every control
maps to a model parameter or method, so whatever a researcher settles on can be exported as the
same YAML spec a script would write. Figures are rendered to PNG images (``ipywidgets.Image``),
which display the same in JupyterLab, Voila and an exported HTML page.

Refits never freeze the notebook. A new method, seed or feature set needs a clustering of every k
of the range; with ``background=True`` (the default) that runs in a background thread while a
progress bar counts the k done, and the kernel keeps serving the widgets (a click during a refit
is queued and applied when it ends). A thread rather than a smaller sample, because a sample would
show personas different from the ones exported; the slow methods already fit on a documented,
seeded sample of ``max_fit_rows`` respondents (:class:`PersonaModel`), which bounds the wait.
Switching k, renaming and merging reuse the fits and stay immediate.
"""

from __future__ import annotations

import copy
import io
import threading
import time

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..core.errors import CJMError
from ..personas.features import KINDS, infer_kind, resolve_features
from ..personas.methods import METHODS
from ..personas.model import PersonaModel
from ..viz import personas as plots


def _axes(size, dpi):
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # Fixed margins instead of tight_layout, which draws the figure twice (half the update time).
    fig.subplots_adjust(left=0.3 if size[0] > 6 else 0.12, right=0.9, bottom=0.22, top=0.88)
    return ax


def figure_png(draw, *, size=(6, 3.6), dpi=72) -> bytes:
    """Draw with ``draw(ax)`` on a new off-screen figure and return it as PNG bytes.

    The figure never touches pyplot, so nothing is shown twice in a notebook and nothing leaks.

    Examples
    --------
    >>> figure_png(lambda ax: ax.plot([1, 2, 3]))[:4]
    b'\\x89PNG'
    """
    ax = _axes(size, dpi)
    draw(ax)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class BlitFigure:
    """An off-screen figure redrawn in part: what stays the same is drawn once and kept as pixels.

    Text is the slowest thing matplotlib draws (several milliseconds a label), and most labels
    of the explorer's projection and heatmap do not change when k, a name or a merge does. So
    the figure is drawn in full once per layout, with the changing artists marked animated
    (a full draw leaves those out), and its pixels are kept; an update restores them and draws
    only the changing artists on top: matplotlib's blitting, used off-screen.

    Parameters
    ----------
    build : callable
        ``build(ax, *args)`` draws the static parts and returns a state (the animated artists
        among them) for ``update``; it is called when the layout (a key) changes.
    update : callable
        ``update(state, *args)`` changes the animated artists and returns those to draw.

    Examples
    --------
    >>> def build(ax, y):
    ...     ax.set_title("static title")
    ...     return ax.plot([0, 1], [0, y], animated=True)[0]
    >>> def update(line, y):
    ...     line.set_ydata([0, y])
    ...     return [line]
    >>> panel = BlitFigure(build, update)
    >>> panel.render("layout 1", 0.5)[:4]
    b'\\x89PNG'
    >>> panel.render("layout 1", 0.8) != panel.render("layout 1", 0.5)
    True
    """

    def __init__(self, build, update, *, size=(6, 3.6), dpi=72):
        self.build, self.update = build, update
        self.size, self.dpi = size, dpi
        self.layout = object()  # matches no layout: the first render draws in full
        self.state = self.background = self.ax = None

    def render(self, layout, *args) -> bytes:
        """PNG bytes of the figure for ``layout`` with the changing parts from ``args``."""
        from PIL import Image

        if layout != self.layout:
            self.ax = _axes(self.size, self.dpi)
            self.state = self.build(self.ax, *args)
            self.ax.figure.canvas.draw()
            self.background = self.ax.figure.canvas.copy_from_bbox(self.ax.figure.bbox)
            self.layout = layout
        artists = self.update(self.state, *args)
        canvas = self.ax.figure.canvas
        canvas.restore_region(self.background)
        for artist in artists:
            self.ax.draw_artist(artist)
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.save(buffer, format="png")
        return buffer.getvalue()


def _build_projection(ax, model):
    data = plots.projection(model)
    grey = np.full((len(data), 3), 0.6)
    scatter = ax.scatter(data["pc1"], data["pc2"], s=6, alpha=0.6, c=grey, linewidths=0, animated=True)
    plots.projection_axes(ax, data)
    return {"ax": ax, "scatter": scatter}


def _update_projection(state, model):
    data = plots.projection(model)
    state["scatter"].set_facecolor(plots.persona_colours(model.k_)[data["persona_id"].to_numpy()])
    legend = plots.persona_legend(state["ax"], model.names_)
    legend.set_animated(True)
    return [state["scatter"], legend]


def _build_profile(ax, model, columns):
    image = ax.imshow(np.zeros((1, len(columns))), cmap="vlag", vmin=-plots.PROFILE_LIMIT,
                      vmax=plots.PROFILE_LIMIT, aspect="auto", animated=True)
    plots.profile_axes(ax, columns, image)
    ax.set_yticks([])
    return {"ax": ax, "image": image, "columns": columns, "labels": []}


def _update_profile(state, model, columns):
    ax, columns = state["ax"], state["columns"]
    grid = plots.profile_grid(model, columns=columns)
    k = len(grid)
    state["image"].set_data(grid.to_numpy())
    state["image"].set_extent((-0.5, len(columns) - 0.5, k - 0.5, -0.5))
    ax.set_ylim(k - 0.5, -0.5)
    for label in state["labels"]:
        label.remove()
    # Persona names as plain texts rather than ticks: ticks would redraw the whole axis.
    where = ax.get_yaxis_transform()
    state["labels"] = [ax.text(-0.01, i, name, transform=where, ha="right", va="center", fontsize=7,
                               animated=True) for i, name in enumerate(plots.persona_labels(model, grid.index))]
    return [state["image"], *state["labels"]]


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
    n_boot : int
        Bootstrap resamples of the Stability button.
    background : bool
        Refit in a background thread with a progress bar (see the module docstring); False refits
        in the calling thread (scripts, tests). :meth:`wait` waits for a running refit.
    **model_options :
        Passed to every :class:`PersonaModel` (for example ``k_range=(2, 8)``).

    Examples
    --------
    >>> explorer = PersonaExplorer(study.survey)     # doctest: +SKIP
    >>> explorer                                     # doctest: +SKIP
    >>> explorer.k.value = 4; explorer.model.profile()   # doctest: +SKIP
    """

    def __init__(self, data: pd.DataFrame, *, features=None, method="kmeans", k="auto", random_state=0,
                 spec_path="personas.yml", n_boot=20, background=True, **model_options):
        self.data, self.n_boot, self.background = data, n_boot, background
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self.model_options = {"progress": False, **model_options}
        spec = resolve_features(features, data)
        self.kinds = {c: kind for kind in KINDS for c in spec[kind]}
        candidates = [c for c in data.columns if c in self.kinds or _usable(data[c])]
        self._cache: dict = {}
        self._drawn_criteria = None  # the (features, method, seed) the criteria plot shows
        self._columns: dict = {}  # heatmap columns per (features, method, seed), kept while k changes
        self._projection = BlitFigure(_build_projection, _update_projection)
        self._profile = BlitFigure(_build_profile, _update_profile, size=(7, 3.6))
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
        self.progress = w.IntProgress(value=0, min=0, max=1, description="Fitting", bar_style="info",
                                      layout=w.Layout(visibility="hidden"))
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
            w.HBox([self.status, self.progress]),
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
        """Refit with the current controls and redraw (called by the controls and the Fit button).

        When a new clustering is needed and ``background`` is on, the refit starts in a thread and
        this returns None at once; the views follow when it ends (:meth:`wait` waits for it).
        """
        start = time.perf_counter()
        key = self._key()
        if self.background and self.model is not None and key not in self._cache:
            self._start_refit()
            return None
        try:
            self.model = self._fit()
        except CJMError as exc:
            self._say(str(exc), error=True)
            return None
        # The criteria plot shows every k and the automatic choice, so switching k leaves it as is.
        self._redraw(stability=False, criteria=key != self._drawn_criteria)
        self._drawn_criteria = key
        self.images["stability"].value = b""
        self.timings.append(time.perf_counter() - start)
        self._say(f"{self.model.k_} personas from {len(self.data):,} respondents. {self.model.choice_}")
        return self.model

    # ------------------------------------------------------- background refits
    def _start_refit(self) -> None:
        with self._lock:
            worker = self._worker
            if worker is not None and worker.is_alive() and worker is not threading.current_thread():
                return  # the running refit calls update() when it ends, with the controls' values then
            key = self._key()
            self._worker = threading.Thread(target=self._refit_in_background, args=(key,), daemon=True)
        self._say(f"Fitting {key[1]} for k = {self.model_options.get('k_range', (2, 10))[0]}.."
                  f"{self.model_options.get('k_range', (2, 10))[1]} in the background; the controls stay live.")
        self._worker.start()

    def _refit_in_background(self, key) -> None:
        self.progress.layout.visibility = "visible"
        try:
            fitted = self._fit_all_k(key, progress=self._show_progress)
        except CJMError as exc:
            self._say(str(exc), error=True)
            fitted = None
        finally:
            self.progress.layout.visibility = "hidden"
        with self._lock:
            if fitted is not None:
                self._cache = {k: v for k, v in self._cache.items() if k[0] == key[0]}
                self._cache[key] = fitted
        if fitted is not None:
            self.update()  # the controls may have moved on meanwhile; update follows them
        with self._lock:
            if self._worker is threading.current_thread():
                self._worker = None

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.max, self.progress.value = total, done
        self.progress.description = f"k {done}/{total}"

    def wait(self, timeout: float | None = None) -> PersonaModel | None:
        """Wait until a background refit (and any refit queued behind it) has finished; returns the model."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            worker = self._worker
            if worker is None:
                return self.model
            worker.join(None if deadline is None else max(deadline - time.monotonic(), 0))
            if deadline is not None and time.monotonic() >= deadline:
                return self.model

    def _fit(self) -> PersonaModel:
        # Every k of the range is fitted once per (features, method, seed) and kept, so switching
        # k, renaming and merging never refit; a new feature set also re-encodes the data.
        key = self._key()
        if key not in self._cache:
            self._cache = {k: v for k, v in self._cache.items() if k[0] == key[0]}
            self._cache[key] = self._fit_all_k(key)
        model = copy.copy(self._cache[key])
        # choose_k of the automatic k restores the automatic explanation too
        model.choose_k(int(self.k.value) if self.k.value != "auto" else int(model.k_auto_))
        return model

    def _key(self) -> tuple:
        return (tuple(self.features.value), self.method.value, int(self.seed.value))

    def _fit_all_k(self, key, progress=None) -> PersonaModel:
        features = {kind: [c for c in key[0] if self._kind(c) == kind] for kind in KINDS}
        options = {**self.model_options, **({"progress": progress} if progress is not None else {})}
        model = PersonaModel(features, k="auto", method=key[1], random_state=key[2], keep_fits=True, **options)
        same_features = next((m for k, m in self._cache.items() if k[0] == key[0]), None)
        return model.fit_like(same_features) if same_features is not None else model.fit(self.data)

    def _kind(self, column: str) -> str:
        return self.kinds.get(column) or infer_kind(self.data[column])

    def _redraw(self, *, stability: bool, criteria: bool = True) -> None:
        m = self.model
        if criteria:  # names do not appear on the criteria plot, so edits skip it
            self.images["criteria"].value = figure_png(m.plot_scores)
        # Static parts are drawn once per layout: the projection's sample and axes depend on the
        # features and the seed, the heatmap's columns are kept while k changes.
        key = self._key()
        self.images["projection"].value = self._projection.render(key, m)
        if key not in self._columns:
            self._columns = {key: tuple(plots.profile_grid(m).columns)}
        # No cell texts in the interactive heatmap: they cost more than the rest of the figure.
        self.images["profile"].value = self._profile.render(self._columns[key], m, self._columns[key])
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
