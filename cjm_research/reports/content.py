"""What the quarterly report notebook shows: one :class:`QuarterlyReport` with a method per section.

The notebook (``notebooks/quarterly_report.ipynb``) only calls these methods, so its logic is
tested and reusable; every heading and caption comes from :mod:`cjm_research.core.labels` in the
report's language, every table is also written as CSV to ``tables_dir`` and every figure as PNG to
``figures_dir``. Expensive steps (personas, the current-state map, the quarter comparison) are
computed once and cached.

Examples
--------
>>> rep = QuarterlyReport("data/demo/study.yml", "2026Q3", language="id")   # doctest: +SKIP
>>> rep.kpi_table().head()                                                 # doctest: +SKIP
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import check_choice
from ..core.labels import LABELS, t

ALPHA = 0.05
STABILITY_BOOTSTRAPS = 10   # enough to tell stable from dissolving personas; the notebook 02 uses more
# Cart abandonment needs these two events; a study whose framework has other event names skips it.
CART_EVENTS = ("add_to_cart", "purchase")


class QuarterlyReport:
    """The sections of one quarter's report.

    Parameters
    ----------
    study : str or Path
        The study file.
    quarter : str
        The quarter reported.
    previous_quarter : str, optional
        The quarter compared with (default: the one before, when the study has it).
    persona_spec : str or Path, optional
        A persona spec YAML (``PersonaModel.save``); its fitted model is used when stored next to
        it, so persona ids stay the same across quarters. Default: fit with the defaults.
    future_state : str or Path, optional
        Future-state YAML (default: the study's).
    min_cell_size : int, optional
        Cells with fewer respondents are masked (default: the study's).
    language : {"en", "id"}, optional
        Language of headings, labels and captions (default: the study's).
    figures_dir, tables_dir : str or Path
        Where figures (PNG) and tables (CSV) are written.
    confidence : float, optional
        Level of every interval, caption and column label (default: the study's ``confidence``,
        else 0.95).
    """

    def __init__(self, study, quarter, *, previous_quarter=None, persona_spec=None, future_state=None,
                 min_cell_size=None, language=None, figures_dir="figures", tables_dir="tables",
                 confidence=None):
        from ..evidence.intervals import check_confidence, level_label

        from ..study.load import load_study
        from ..study.load import previous_quarter as before

        self.study = load_study(study, quarter)
        cfg = self.study.config
        self.language = language or cfg.language
        check_choice("language", self.language, ["en", "id"])
        prev = previous_quarter or before(self.study.quarter)
        self.previous = self.study.for_quarter(prev) if prev in cfg.quarters else None
        self.persona_spec, self.future_state = persona_spec, future_state or cfg.future_state
        self.min_cell_size = int(min_cell_size or cfg.min_cell_size)
        self.confidence = check_confidence(confidence or getattr(cfg, "confidence", None) or 0.95)
        self.level = level_label(self.confidence)
        self.figures_dir, self.tables_dir = Path(figures_dir), Path(tables_dir)
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        self.tables_dir.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ output helpers
    def t(self, key: str, **values) -> str:
        """A label in the report's language (``{level}`` is the report's confidence level)."""
        return t(key, self.language, **{"level": self.level, **values})

    def heading(self, key: str, *, level: int = 2, **values) -> None:
        """Display a markdown heading from the labels."""
        from IPython.display import Markdown, display

        display(Markdown(f"{'#' * level} {self.t(key, **values)}"))

    def note(self, text: str) -> None:
        """Display a caption or a short paragraph."""
        from IPython.display import Markdown, display

        display(Markdown(f"*{text}*"))

    def table(self, frame: pd.DataFrame, name: str, *, caption: str | None = None, view=None,
              rows: int = 40) -> None:
        """Write ``frame`` to ``tables_dir/name.csv`` (complete) and display ``view`` (default the frame).

        ``view`` is a shorter, formatted version for readers; its columns are labelled in the
        report's language. ``rows=0`` writes the CSV without displaying anything.
        """
        from IPython.display import HTML, display

        frame.to_csv(self.tables_dir / f"{name}.csv", index=False)
        if caption:
            self.note(caption)
        if rows:
            shown = _readable(frame if view is None else view).head(rows)
            shown.columns = [self._column(c) for c in shown.columns]
            display(HTML(shown.to_html(index=False, classes="cjm-table", border=0, escape=True)))

    def _column(self, name: str) -> str:
        from ..core.labels import LABELS

        return self.t(f"col_{name}") if f"col_{name}" in LABELS else name.replace("_", " ")

    def figure(self, ax_or_fig, name: str, *, caption: str | None = None) -> None:
        """Save a figure as ``figures_dir/name.png`` and display that PNG (so HTML embeds it)."""
        import matplotlib.pyplot as plt
        from IPython.display import Image, display

        fig = getattr(ax_or_fig, "figure", ax_or_fig)
        path = self.figures_dir / f"{name}.png"
        # A figure with a layout engine already fits its content; "tight" would draw it twice.
        fig.savefig(path, dpi=110, bbox_inches=None if fig.get_layout_engine() else "tight")
        plt.close(fig)  # the inline backend would otherwise show it a second time
        display(Image(filename=str(path), alt=caption or name.replace("_", " ")))
        if caption:
            self.note(caption)

    def unavailable(self, reason: str) -> None:
        self.note(self.t("not_available", reason=reason))

    # ------------------------------------------------------------------ shared computations
    @cached_property
    def personas(self):
        """The fitted :class:`~cjm_research.PersonaModel` (from the spec, or defaults)."""
        from ..personas.model import PersonaModel

        survey = self.study.survey
        if self.persona_spec:
            model = PersonaModel.load(self.persona_spec)
            return model if hasattr(model, "mapping_") else _fit(model, survey, self.study)
        return _fit(PersonaModel(random_state=0), survey, self.study)

    @cached_property
    def current(self):
        """The current-state :class:`~cjm_research.JourneyMap` of the quarter, per persona."""
        from ..journey import current_state

        return current_state(self.study, self.personas if "survey" in self.study.files else None,
                             min_cell_size=self.min_cell_size, confidence=self.confidence, progress=False)

    @cached_property
    def changes(self) -> pd.DataFrame | None:
        """Quarter-over-quarter tests of every persona x stage x metric cell (None without a previous)."""
        from ..journey import compare_quarters

        if self.previous is None or "survey" not in self.study.files or "survey" not in self.previous.files:
            return None
        return compare_quarters(self.previous, self.current, personas=self.personas, alpha=ALPHA,
                                confidence=self.confidence, progress=False)

    def item_label(self, stage: str, item=None) -> str:
        """A stage's label, with the touchpoint of a touchpoint-rating cell after it."""
        text = self.stage_label(stage)
        if item is not None and isinstance(item, str) and item in self.study.framework.touchpoints:
            text += f" · {self.study.framework.label(item, self.language)}"
        return text

    def stage_label(self, stage: str) -> str:
        """A stage's label in the report language; journey-level metrics say "whole journey"."""
        if stage == "(journey)":
            return self.t("whole_journey")
        return self.study.framework.label(stage, self.language)

    @property
    def unit(self) -> str:
        """Who a cell counts, in the report's language: respondents (survey), customers (events
        only) or participants (interviews only)."""
        files = self.study.files
        kind = "respondents" if "survey" in files else "customers" if "events" in files else "participants"
        return self.t(f"unit_{kind}")

    def pain_label(self, item, touchpoint=None) -> str:
        """A pain point in the study's words (see :func:`cjm_research.journey.lanes.pain_point_label`)."""
        from ..journey.lanes import pain_point_label

        return pain_point_label(self.study.framework, item, touchpoint, self.language)

    def metric_label(self, metric: str) -> str:
        """A metric's name with its unit: "% satisfied (4-5)" for a touchpoint rating, the study's
        outcome label with "% of respondents" or "mean", "CSAT (%)"."""
        if metric == "touchpoint_rating":
            high = self.study.columns.scale("touchpoint")[1]
            return self.t("metric_touchpoint_rating", low=f"{high - 1:g}", high=f"{high:g}")
        if metric == "outcome":
            spec = self.study.config.outcome
            name = self.current.outcome or (getattr(spec, "label", None) or "outcome")
            kind = getattr(spec, "kind", "binary")
            return self.t("metric_outcome_mean" if kind == "scale" else "metric_outcome_share", name=name)
        if metric in ("csat", "conversion_rate", "repurchase_rate"):
            return self.t("metric_percent", name=_metric_name(metric))
        return _metric_name(metric)

    def word(self, value) -> str:
        """A category word (stable, improved, gap, ...) in the report language, when the labels have it."""
        from ..core.labels import LABELS

        return self.t(value) if isinstance(value, str) and value in LABELS else value

    # ------------------------------------------------------------------ sections
    def title(self) -> None:
        """The report title and where it comes from."""
        from .manifest import utc_now

        self.heading("report_title", level=1, study=self.study.config.name, quarter=self.study.quarter)
        self.note(self.t("generated", when=utc_now(), study=self.study.path.name, quarter=self.study.quarter))
        missing = self.not_measured()
        if missing:
            self.note(self.t("not_measured", what=", ".join(missing)))

    def not_measured(self) -> list[str]:
        """What the study does not measure, in the report's language (names for a sentence)."""
        names = [m.lower() for m in self.current.not_measured()]
        if not self.future_state or not Path(self.future_state).is_file():
            names.append("future_state")
        return [self.t(f"measure_{m}", outcome=self.current.outcome) for m in names]

    def executive_summary(self) -> None:
        """Only the changes that are significant after adjustment, as bullet points."""
        from IPython.display import Markdown, display

        q = self.study.quarter
        if self.changes is None:
            return self.note(self.t("no_previous" if self.previous is None else "no_survey_to_compare"))
        lines = summary_lines(self.changes, label=self.item_label, word=self.word, metric=self.metric_label)
        prev = self.previous.quarter
        self.note(self.t("caption_summary", previous=prev, quarter=q, alpha=ALPHA,
                         n_tested=self.changes.attrs.get("cells_tested", len(self.changes)),
                         method=self.changes.attrs.get("method", "holm").capitalize()))
        display(Markdown("\n".join(lines) if lines else self.t("no_changes", previous=prev, quarter=q)))

    def personas_section(self) -> None:
        """Size, stability and drift of each persona, and the profile heatmap."""
        if "survey" not in self.study.files:  # personas are clustered from survey respondents
            return self.note(self.t("not_measured", what=self.t("measure_survey")))
        model = self.personas
        table = persona_table(model, self.previous)
        if self.study.weight_column is not None:  # each persona's share of the weighted population
            table["share_weighted_pct"] = 100 * weighted_persona_shares(
                model, self.study).reindex(table["persona"]).to_numpy()
        view = table.assign(stability=table["stability"].map("{:.2f}".format),
                            reading=table["reading"].map(self.word))
        self.table(table, "personas", caption=self.t("caption_personas", n=len(self.study.survey)), view=view)
        self.note(self.structure_note(model))
        self.figure(model.plot_profile(), "persona_profiles")

    def structure_note(self, model) -> str:
        """How sure the personas are: silhouette band, seed sensitivity and bootstrap Jaccard, in words."""
        info = model.structure(n_boot=STABILITY_BOOTSTRAPS)
        stab = model.stability(n_boot=STABILITY_BOOTSTRAPS)
        return self.t("caption_structure", k=info["k"], silhouette=f"{info['silhouette']:.2f}",
                      band=self.t(f"structure_{info['structure']}"), n_seeds=info["n_seeds"],
                      ari_mean=f"{info['seed_ari_mean']:.2f}", ari_min=f"{info['seed_ari_min']:.2f}",
                      jaccard_min=f"{stab['jaccard'].min():.2f}", jaccard_max=f"{stab['jaccard'].max():.2f}",
                      n_stable=info["n_stable"])

    def current_state_section(self) -> None:
        """The current-state map and the service blueprint of each persona."""
        from ..viz import maps as plots
        from ..journey import blueprint

        jm = self.current
        self.table(jm.table(), "current_state_map", rows=0)
        sources = ", ".join(self.t(f"measure_{s}") for s in jm.sources)
        for i, persona in enumerate(jm.personas, start=1):
            self.heading("persona_heading", level=3, persona=persona)
            ax = plots.journey_map(jm, persona=persona, min_cell_size=self.min_cell_size,
                                   language=self.language)
            self.figure(ax, f"current_state_p{i}", caption=self.t(
                "caption_map", persona=persona, min_cell_size=self.min_cell_size, sources=sources, unit=self.unit))
        # The designed frontstage, backstage and support are the same for every persona: drawn once,
        # with the customer actions of all personas together.
        self.heading("blueprint", level=3)
        bp = blueprint(jm)
        if bp.empty:  # a framework without touchpoints describes no blueprint: said, not drawn empty
            return self.note(self.t("blueprint_none"))
        self.figure(plots.blueprint_chart(bp, language=self.language), "blueprint")

    def drivers_section(self) -> None:
        """Key drivers of the study's outcome, per persona: touchpoints and stages, with intervals."""
        from ..viz import maps as plots

        drivers = self.current.drivers()
        if drivers.empty:
            if self.current.outcome:  # the outcome is measured; what is missing is what explains it
                return self.note(self.t("drivers_need_ratings", outcome=self.current.outcome))
            return self.note(self.t("not_measured", what=self.t("measure_outcome")))
        outcome = self.current.outcome
        self.note(self.t("key_drivers", outcome=outcome))
        label = self.item_label
        view = pd.DataFrame({
            "persona": drivers["persona"], "stage": drivers["stage"].map(self.stage_label),
            "driver": [label(s, d) if lv == "touchpoint" else self.stage_label(s)
                       for s, d, lv in zip(drivers["stage"], drivers["driver"], drivers["level"])],
            "rank": drivers["rank"].astype("Int64"),
            "importance": interval_text(drivers["importance"], drivers["ci_low"], drivers["ci_high"], digits=0),
            "n": drivers["n"].astype("Int64"),
            # a stage row without its own performance says where to look, never an empty cell
            "performance": drivers["performance"].map(lambda v: "—" if pd.isna(v) else f"{v:.0f}"),
            "quadrant": drivers["quadrant"].map(lambda q: self.word(q) if isinstance(q, str)
                                                 else "— (" + self.t("driver_stage_quadrant") + ")")})
        self.table(drivers, "key_drivers", caption=self.t("caption_drivers", outcome=outcome), view=view, rows=60)
        fw = self.study.framework
        for i, persona in enumerate(self.current.personas, start=1):
            if (drivers["persona"] == persona).any():
                ax = plots.drivers_chart(drivers, persona=persona, label=lambda d: fw.label(d, self.language),
                                         language=self.language)
                # the figure alone does not say whose drivers these are: the caption names the persona
                self.figure(ax, f"key_drivers_p{i}", caption=self.t("caption_drivers_persona", outcome=outcome,
                                                                    persona=persona))

    def kpi_section(self) -> None:
        """KPI estimates with intervals and n, masked below the cell size, with quarter-over-quarter tests."""
        table = kpi_table(self.current, self.changes, min_cell_size=self.min_cell_size)
        if table.empty:
            return self.note(self.t("not_measured", what="NPS, CSAT, CES"))
        caption = self.t("caption_kpi", min_cell_size=self.min_cell_size)
        if self.changes is not None:
            caption += " " + self.t("caption_qoq", previous=self.previous.quarter, quarter=self.study.quarter,
                                    n_tested=self.changes.attrs.get("cells_tested", len(self.changes)),
                                    method=self.changes.attrs.get("method", "holm").capitalize())
        self.table(table, "kpis", caption=caption, rows=200, view=self.kpi_view(table))

    def kpi_view(self, table: pd.DataFrame) -> pd.DataFrame:
        """The KPI table for readers: stage labels, ``estimate [interval]``, masked cells said so."""
        masked = self.t("masked", min_cell_size=self.min_cell_size)
        view = pd.DataFrame({"persona": table["persona"], "stage": table["stage"].map(self.stage_label),
                             "metric": table["metric"].map(self.metric_label),
                             "estimate": interval_text(table["estimate"], table["ci_low"], table["ci_high"]),
                             "n": table["n"].astype("Int64")})
        view.loc[table["masked"].to_numpy(), "estimate"] = masked
        if "change" in table:
            view["change"] = table["change"].map(lambda v: "" if pd.isna(v) else _num(v, sign=True))
            view["p_adj"] = table["p_adj"].map(lambda v: "" if pd.isna(v) else _p(v).lstrip("= "))
        return view

    def pain_points_section(self, *, top: int = 10) -> None:
        """The top pain points across personas with a redacted quote each."""
        pains = top_pain_points(self.current, top=top)
        if pains.empty:
            found = len(self.current.pain_points()) > 0  # found, but every one is masked
            return self.note(self.t("pain_points_masked", min_cell_size=self.min_cell_size, unit=self.unit)
                             if found else self.t("pain_points_none"))
        view = pains.assign(stage=pains["stage"].map(self.stage_label),
                            pain_point=[self.pain_label(i, tp) for i, tp in zip(pains["pain_point"],
                                                                                 pains["touchpoint"])],
                            score=interval_text(pains["score"], pains["ci_low"], pains["ci_high"], digits=0),
                            n=pains["n"].astype("Int64"))[["persona", "stage", "pain_point", "score", "n",
                                                           "evidence", "quote"]]
        if not pains["quote"].astype(bool).any():
            view = view.drop(columns="quote")
        kinds = list(dict.fromkeys(k.strip() for s in self.current.pain_points()["source"].dropna()
                                   for k in str(s).split(",")))
        caption = self.t("caption_pain_points", sources=", ".join(self.t(f"source_{k}") for k in kinds))
        if "low_ratings" in kinds:
            low, high = self.study.columns.scale("touchpoint")
            caption += " " + self.t("caption_pain_ratings", low=f"{self.current.low_ratings[0]:g}",
                                    high=f"{self.current.low_ratings[1]:g}")
            caption = caption.rstrip(".") + " " + self.t("caption_pain_scale", low=f"{low:g}", high=f"{high:g}") + "."
        if {"excerpts", "negative_themes"} & set(kinds):
            caption += " " + self.t("caption_pain_participants")
        if "quote" in view.columns:
            caption += " " + self.t("caption_quotes_redacted")
        self.table(pains, "pain_points", caption=caption, view=view)

    def future_state_section(self) -> None:
        """Gap to the future-state targets and the opportunity priority matrix."""
        from ..viz import maps as plots
        from ..journey import FutureState, compare, rank_opportunities

        if not self.future_state or not Path(self.future_state).is_file():
            return self.note(self.t("not_measured", what=self.t("measure_future_state")))
        future = FutureState.from_yaml(self.future_state, framework=self.study.framework)
        gaps = compare(self.current, future)
        self.table(gaps, "future_state_gap", caption=self.t("caption_future", name=future.name), view=pd.DataFrame({
            "persona": gaps["persona"], "stage": gaps["stage"].map(self.stage_label),
            "metric": gaps["metric"].map(_metric_name),
            "estimate": interval_text(gaps["current"], gaps["ci_low"], gaps["ci_high"]),
            "target": gaps["target"], "gap": gaps["gap"], "status": gaps["status"].map(self.word)}))
        if gaps.empty:
            self.note(self.t("not_measured", what=self.t("col_target")))
        else:
            self.figure(plots.gap_chart(gaps, language=self.language), "future_state_gap")
        self.figure(plots.emotion_overlay(self.current, future, language=self.language), "emotion_as_is_to_be",
                    caption=self.t("caption_emotion"))
        self.conformance_section(future)
        opps = rank_opportunities(self.current, future)
        view = opps[["rank", "title", "stage", "owner", "impact", "effort", "evidence", "priority"]]
        self.table(opps, "opportunities", caption=self.t("caption_priority"),
                   view=view.assign(stage=view["stage"].map(lambda s: self.stage_label(s) if isinstance(s, str) else s)))
        self.figure(plots.priority_matrix(opps, language=self.language), "priority_matrix")

    def conformance_section(self, future) -> None:
        """Observed journeys against the future state's designed path(s), by persona and channel.

        Shown next to the future-state gap when the future state declares a path and the study
        has events; otherwise one sentence says that it is not measured, and why.
        """
        from ..core.errors import ParameterError
        from ..journey.lanes import Evidence

        paths = future.designed_paths()
        if not paths or "events" not in self.study.files:
            reason = "conformance_no_path" if not paths else "conformance_no_events"
            return self.note(self.t("conformance_not_measured", reason=self.t(reason)))
        personas = self.personas if "survey" in self.study.files else None
        log = Evidence.collect(self.study, personas, need=("events",)).events
        for name, steps in paths.items():
            try:
                results = {by: log.conformance(steps, by=by, on=future.path_column(steps))
                           for by in ("persona", "channel", None)}
            except ParameterError as exc:  # a designed step that no event reaches this quarter
                self.note(self.t("conformance_not_measured", reason=str(exc)))
                continue
            if results[None].summary.empty:
                self.note(self.t("conformance_not_measured", reason=self.t(
                    "conformance_no_journeys", path=" > ".join(steps))))
                continue
            where = self.t("whole_journey") if name == "journey" else self.stage_label(name)
            frame, view = conformance_tables(results, self.min_cell_size, word=self.word)
            self.table(frame, f"conformance_{name}", view=view, caption=self.t(
                "caption_conformance", path=" > ".join(steps), where=where, min_cell_size=self.min_cell_size))
            devs = results[None].deviations
            self.table(devs, f"conformance_{name}_deviations", caption=self.t("caption_conformance_deviations"),
                       view=devs.assign(deviation=devs["deviation"].map(self.word),
                                        share=devs["share"].map("{:.0%}".format)), rows=10)

    def day_in_the_life_section(self) -> None:
        """When and through which channels each persona meets the brand across a day."""
        from ..viz import maps as plots
        from ..journey import day_in_the_life

        if "events" not in self.study.files:
            return self.note(self.t("not_measured", what=self.t("measure_events")))
        personas = self.personas if "survey" in self.study.files else None
        dil = day_in_the_life(self.study, personas)  # in the study's own time zone
        self.table(dil, "day_in_the_life", caption=self.t("caption_day"), rows=0)
        self.figure(plots.day_in_the_life_chart(dil, language=self.language), "day_in_the_life")

    def funnel_section(self, steps=None) -> None:
        """The journey funnel (customers reaching each stage of the framework in order) and, when the
        framework has the cart events, cart abandonment with its interval."""
        if "events" not in self.study.files:
            return self.note(self.t("not_measured", what=self.t("measure_events")))
        log = self.study.events
        on = "stage" if steps is None else "event"
        steps = list(self.study.framework.stages) if steps is None else \
            [s for s in steps if s in set(self.study.framework.event_map())]
        funnel = log.funnel(steps, on=on)
        if on == "stage":
            funnel["step"] = funnel["step"].map(self.stage_label)
        self.table(funnel, "funnel", caption=self.t("caption_funnel"),
                   view=funnel[["position", "step", "customers", "conversion_from_start", "drop_off"]])
        self.figure(plot_funnel(funnel), "funnel")
        if not set(CART_EVENTS) <= set(self.study.framework.event_map()):
            return
        abandonment = log.cart_abandonment()
        self.table(abandonment, "cart_abandonment", view=pd.DataFrame({
            "metric": ["cart_abandonment"], "estimate": interval_text(abandonment["estimate"], abandonment["ci_low"],
                                                                 abandonment["ci_high"]), "n": abandonment["n"]}))

    def quality_section(self) -> None:
        """The data-quality summary of the quarter."""
        quality = self.study.quality()
        view = quality.assign(file=quality["file"].map(lambda f: Path(str(f)).name))
        self.table(quality, "data_quality", caption=self.t("caption_quality"), rows=100, view=view)

    def methods_section(self) -> None:
        """Every metric definition used in the report."""
        self.table(methods_table(self), "methods", caption=self.t("caption_methods"), rows=100)

    def weighting_section(self) -> None:
        """What the estimates were weighted to and what it cost (n, effective n, efficiency)."""
        self.note(weighting_statement(self.study, self.language))
        summary = self.study.weighting() if "survey" in self.study.files else None
        if summary is not None and summary["margins_table"] is not None:
            self.table(summary["margins_table"], "weighting_margins", caption=self.t("caption_margins"))

    def methods_appendix_section(self) -> None:
        """The methods appendix a reviewer checks: definitions, intervals, tests, personas, weights."""
        self.table(methods_appendix(self), "methods_appendix", rows=100,
                   caption=self.t("caption_methods_appendix"))


COUNT_COLUMNS = ("n", "n_earlier", "n_later", "customers", "count", "events", "excerpts", "respondents")


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers to one decimal, counts and columns of whole numbers as whole numbers (``9,227``,
    ``4``, never ``9,227.0`` or ``4.0``), never "-0.0", missing values blank: what a reader should see."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            values = out[col].dropna().astype(float)
            whole = str(col) in COUNT_COLUMNS or (len(values) > 0 and bool((values == values.round()).all()))
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{round(float(v)) + 0:,.0f}" if whole
                                    else f"{round(float(v), 1) + 0.0:,.1f}")
    return out.astype(object).where(out.notna(), "")


def interval_text(est, low, high, *, digits: int = 1) -> pd.Series:
    """``estimate [low, high]`` strings; blank where the estimate is missing.

    Examples
    --------
    >>> interval_text(pd.Series([58.64]), pd.Series([53.5]), pd.Series([63.51])).tolist()
    ['58.6 [53.5, 63.5]']
    """
    parts = pd.DataFrame({"e": est, "l": low, "h": high}).astype(float)
    return parts.apply(lambda r: "" if np.isnan(r.e) else
                       f"{_num(r.e, digits=digits)} [{_num(r.l, digits=digits)}, {_num(r.h, digits=digits)}]",
                       axis=1)


def _fit(model, survey, study):
    # Drift and cards follow respondents by the study's id mapping (customer id, else respondent id).
    mapped = study.columns.customer_id or study.columns.respondent_id
    id_column = model.id_column or (mapped if mapped in survey.columns else None)
    return model.set_params(progress=False, id_column=id_column).fit(survey)


# ---------------------------------------------------------------------- tables (tested directly)
def summary_lines(changes: pd.DataFrame, *, label=str, word=None, metric=None) -> list[str]:
    """Markdown bullets of the significant changes, largest adjusted evidence first.

    Examples
    --------
    >>> ch = pd.DataFrame({"stage": ["decision"], "persona": ["P2"], "metric": ["csat"], "earlier": [40.0],
    ...                    "later": [70.0], "change": [30.0], "p_adj": [0.0001], "significant": [True],
    ...                    "direction": ["improved"]})
    >>> summary_lines(ch)
    ['- **decision**, P2, CSAT: 40.0 → 70.0 (+30.0, improved; adjusted p < 0.001)']
    """
    from ..core.labels import LABELS

    word = word or (lambda w: t(w, "en") if w in LABELS else w)
    metric = metric or _metric_name
    sig = changes[changes["significant"].astype(bool)].sort_values("p_adj")
    items = sig["item"] if "item" in sig else pd.Series(None, index=sig.index)
    return [f"- **{_label_of(label, r.stage, item)}**, {r.persona}, {metric(r.metric)}: {_num(r.earlier)} → "
            f"{_num(r.later)} ({_num(r.change, sign=True)}, {word(r.direction)}; {word('adjusted_p')} {_p(r.p_adj)})"
            for r, item in zip(sig.itertuples(), items)]


def _label_of(label, stage, item):
    """A cell's place: ``label(stage, item)`` when the label function takes the item too."""
    try:
        return label(stage, item)
    except TypeError:
        return label(stage)


def _metric_name(metric: str) -> str:
    return metric.upper() if metric in ("nps", "csat", "ces") else metric.replace("_", " ")


def _num(value, *, digits: int = 1, sign: bool = False) -> str:
    """A number to ``digits`` decimals, never "-0.0" (a rounded negative zero reads as a loss).

    Examples
    --------
    >>> _num(-0.04), _num(2.0, sign=True), _num(-1.25)
    ('0.0', '+2.0', '-1.2')
    """
    rounded = round(float(value), digits) + 0.0
    return f"{rounded:{'+' if sign else ''}.{digits}f}"


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def kpi_table(jm, changes: pd.DataFrame | None, *, min_cell_size: int) -> pd.DataFrame:
    """Survey KPIs of the map (a row per persona, stage and metric) with the quarter-over-quarter test.

    Cells below ``min_cell_size`` keep their row with the numbers blanked and ``masked`` True.
    """
    rows = jm.table(lane="metrics")
    rows = rows[rows["item"].isin(["outcome", "nps", "csat", "ces", "conversion_rate", "repurchase_rate"])]
    out = rows.rename(columns={"item": "metric", "value": "estimate"})[
        ["persona", "stage", "metric", "estimate", "ci_low", "ci_high", "n", "masked"]].copy()
    small = out["n"].isna() | (out["n"] < min_cell_size)
    out.loc[small, ["estimate", "ci_low", "ci_high"]] = np.nan
    out["masked"] = out["masked"] | small
    from ..journey.compare import JOURNEY

    # NPS and the outcome are journey-level answers: the map keeps them on its last stage, the
    # KPI table (like the quarter comparison) files them under "(journey)", never under a stage.
    out.loc[out["metric"].isin(["nps", "outcome"]), "stage"] = JOURNEY
    if changes is not None and len(changes):
        qoq = changes[["persona", "stage", "metric", "earlier", "change", "p_unc", "p_adj", "significant"]]
        qoq = qoq[qoq["metric"].isin(["nps", "csat", "ces", "outcome"])]
        out = out.merge(qoq, on=["persona", "stage", "metric"], how="left")
        out.loc[out["masked"], ["earlier", "change", "p_unc", "p_adj"]] = np.nan
    return out.reset_index(drop=True)


def top_pain_points(jm, *, top: int = 10) -> pd.DataFrame:
    """The strongest pain points across personas, each with one quote passed through PII redaction."""
    from ..evidence.text.redaction import redact

    pp = jm.pain_points()
    pp = pp[~pp["masked"]].sort_values("value", ascending=False).head(top)
    names = getattr(getattr(jm, "study", None), "config", None)
    names = list(names.redact_names) if names is not None else None
    quotes = pp["quote"].map(lambda q: redact(str(q), names=names) if pd.notna(q) else "")
    return pd.DataFrame({"persona": pp["persona"], "stage": pp["stage"], "pain_point": pp["item"],
                         "score": pp["value"], "ci_low": pp["ci_low"], "ci_high": pp["ci_high"], "n": pp["n"],
                         "evidence": pp["detail"], "quote": quotes,
                         "touchpoint": pp["touchpoint"] if "touchpoint" in pp else None}).reset_index(drop=True)


def persona_table(model, previous=None) -> pd.DataFrame:
    """A row per persona: size, share, bootstrap stability and, with a previous quarter, share drift."""
    prof = model.profile()
    stab = model.stability(n_boot=STABILITY_BOOTSTRAPS)
    out = pd.DataFrame({"persona": prof["name"], "n": prof["n"], "share_pct": 100 * prof["share"],
                        "stability": stab["jaccard"].to_numpy(), "reading": stab["reading"].to_numpy(),
                        "distinguishing": prof["distinguishing"]})
    if previous is not None:
        drift = model.drift(previous.survey)
        drift = drift[drift["persona"] != "all"].set_index("name")
        # The model is fitted on this quarter, so drift's "after" is the previous quarter's share.
        out["share_previous_pct"] = 100 * out["persona"].map(drift["share_after"])
    return out


def conformance_tables(results: dict, min_cell_size: int, *, word=str):
    """The full conformance summary per persona and channel, and its readable view (small groups masked).

    ``results`` maps ``by`` ("persona", "channel", None) to :class:`~cjm_research.events.conformance.Conformance`.
    """
    parts = [r.summary.rename(columns={by: "group"}).assign(by=by) for by, r in results.items() if by]
    frame = pd.concat(parts, ignore_index=True)[["by", "group", "customers", "journeys", "follows", "share",
                                                 "fitness", "skipped", "out_of_order", "loop", "not_reached"]]
    small = frame["customers"] < min_cell_size
    view = pd.DataFrame({"group": frame["group"].fillna("(unknown)"), "customers": frame["customers"],
                         "journeys": frame["journeys"], "follows": [f"{s:.0%} [{f}]" for s, f in zip(frame["share"], frame["follows"])],
                         "fitness": frame["fitness"].map("{:.2f}".format),
                         **{word(d): frame[d] for d in ("skipped", "out_of_order", "loop", "not_reached")}})
    view = view.astype({c: object for c in view.columns[3:]})
    view.loc[small.to_numpy(), view.columns[3:]] = "–"  # masked: too few customers to show
    return frame, view


def weighted_persona_shares(model, study) -> pd.Series:
    """Each persona's weighted share (0..1) of the quarter's respondents, indexed by persona name."""
    from ..personas.profiles import weighted_shares

    labels = model.predict(study.survey)
    shares = weighted_shares(labels, study.weights.to_numpy(), names=model.names_)
    return shares.set_index("name")["share"]


def plot_funnel(funnel: pd.DataFrame, ax=None):
    """Horizontal bars of customers per funnel step, labelled with the conversion from the start."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(funnel)))
    sns.barplot(data=funnel, y="step", x="customers", color="#4c72b0", ax=ax)
    for i, r in enumerate(funnel.itertuples()):
        ax.text(r.customers, i, f" {r.conversion_from_start:.0f}%", va="center")
    ax.set(xlabel="customers", ylabel="")
    return ax


def methods_table(rep: QuarterlyReport) -> pd.DataFrame:
    """Every metric definition of the report: survey metrics, event metrics, tests and personas."""
    defs = dict(rep.current.definitions)
    if "survey" in rep.study.files:  # personas are clustered from survey respondents
        model = rep.personas
        defs["personas"] = f"{model.method} clustering, random_state={model.random_state}: {model.choice_}"
        defs["stability"] = (f"Hennig's clusterwise Jaccard over {STABILITY_BOOTSTRAPS} bootstrap refits "
                             "(>= 0.75 reproduced, <= 0.5 dissolving), read with the silhouette band (Kaufman & "
                             "Rousseeuw) and the ARI between seeds: stable only when all three hold; "
                             + model.structure(n_boot=STABILITY_BOOTSTRAPS)["text"])
    lang = rep.language
    if rep.changes is not None:  # only a study with two surveyed quarters is compared
        defs["quarter_over_quarter"] = t("methods_qoq", lang, alpha=ALPHA, cells=", ".join(
            t(f"cell_{c}", lang) for c in compared_cells(rep.study)))
    defs["confidence"] = t("methods_confidence", lang, level=rep.level)
    defs["min_cell_size"] = t("methods_cells", lang, min_cell_size=rep.min_cell_size, unit=rep.unit)
    if "events" in rep.study.files and set(CART_EVENTS) <= set(rep.study.framework.event_map()):
        defs["cart_abandonment"] = rep.study.events.cart_abandonment()["definition"].iloc[0]
    return pd.DataFrame({"metric": list(defs), "definition": [str(v) for v in defs.values()]})


def compared_cells(study) -> list[str]:
    """The kinds of cells the quarter comparison tests in this study (label keys ``cell_*``)."""
    cols = study.columns
    cells = [("touchpoint_ratings", bool(cols.touchpoint_ratings)), ("stage_metrics", bool(cols.csat or cols.ces)),
             ("nps", bool(cols.nps)), ("outcome", getattr(study.config, "outcome", None) is not None),
             ("persona_shares", True)]
    return [name for name, measured in cells if measured]


def weighting_statement(study, language: str = "en") -> str:
    """One sentence: what the survey was weighted to, n, Kish effective n, efficiency, design effect.

    Examples
    --------
    >>> class Unweighted:
    ...     def weighting(self):
    ...         return None
    >>> weighting_statement(Unweighted())[:30]
    'Estimates are unweighted: ever'
    """
    files = getattr(study, "files", None)
    if files is not None and "survey" not in files:  # interviews or events only: nothing to weight
        return t("not_measured", language, what=t("weighting_no_survey", language))
    summary = study.weighting()
    if summary is None:  # no weights declared
        return t("weighting_none", language)
    figures = {k: summary[k] for k in ("n", "n_eff", "efficiency", "design_effect")}
    if summary["source"] == "raking":
        variables = ", ".join(summary["margins"])
        return t("weighting_raked", language, variables=variables, **figures)
    return t("weighting_column", language, column=summary["source"], **figures)


def methods_appendix(rep: QuarterlyReport, *, confidence: float | None = None) -> pd.DataFrame:
    """The reviewer's appendix: a row per metric, the multiple-test rule, drivers, personas, weights.

    Columns ``item``, ``definition``, ``interval_method``, ``test``, in the report's language, at
    ``confidence`` (default: the report's). Metrics the study does not measure say so instead of
    a definition.
    """
    from ..evidence.intervals import level_label

    lang, study = rep.language, rep.study
    level = level_label(rep.confidence if confidence is None else confidence)
    weighted = t("appx_interval_weighted", lang) if study.weight_column else ""
    # Survey metrics carry the weights; event-log rates count customers, who have no survey weight.
    # measured = the map has the numbers (an event log without a purchase has no conversion)
    on_map = set(rep.current.table(lane="metrics")["item"].dropna())
    rows = [_metric_row(key, lang, level, weighted if key in ("nps", "csat", "ces") else "",
                        measured and (key not in ("conversion", "repurchase") or f"{key}_rate" in on_map), values)
            for key, measured, values in _measured_metrics(study)]
    drivers = len(rep.current.drivers()) > 0
    rows += [
        (t("appx_multiplicity", lang), t("appx_multiplicity_def", lang, alpha=ALPHA) if rep.changes is not None
         else t("appx_not_measured", lang), "", ""),
        (t("appx_drivers", lang), t("appx_drivers_def", lang) if drivers else t("appx_not_measured", lang),
         t("appx_interval_bootstrap", lang, level=level) if drivers else "", ""),
        *(_persona_rows(rep) if "survey" in rep.study.files else []),
        (t("appx_weighting", lang), weighting_statement(study, lang), "", ""),
        (t("appx_cells", lang), t("appx_cells_def", lang, min_cell_size=rep.min_cell_size, unit=rep.unit), "", ""),
    ]
    return pd.DataFrame(rows, columns=["item", "definition", "interval_method", "test"])


# metric -> (label key, interval key, test key)
_APPENDIX = {"nps": ("appx_nps", "appx_interval_nps", "appx_test_nps"),
             "csat": ("appx_csat", "appx_interval_wilson", "appx_test_share"),
             "ces": ("appx_ces", "appx_interval_t", "appx_test_ces"),
             "conversion": ("appx_conversion", "appx_interval_wilson", "appx_test_share"),
             "repurchase": ("appx_repurchase", "appx_interval_wilson", "appx_test_share")}


def _measured_metrics(study):
    """(metric, measured?, definition values) for each metric, from the study's own scales."""
    cols = study.columns
    (c_low, c_high), (e_low, e_high) = cols.scale("csat"), cols.scale("ces")
    events = "events" in study.files
    return [("nps", bool(cols.nps), {"p_lo": 9, "p_hi": 10, "d_lo": 0, "d_hi": 6}),
            ("csat", bool(cols.csat), {"first": c_high - 1, "low": c_low, "high": c_high}),
            ("ces", bool(cols.ces), {"low": e_low, "high": e_high}),
            ("conversion", events, {}), ("repurchase", events, {})]


def _metric_row(metric, lang, level, weighted, measured, values):
    name, interval_key, test_key = _APPENDIX[metric]
    if not measured:
        return t(name, lang), t("appx_not_measured", lang), "", ""
    return (t(name, lang), t(f"{name}_def", lang, **values),
            t(interval_key, lang, level=level) + weighted, t(test_key, lang))


def _persona_rows(rep):
    """The persona method, its k rule and its validity figures as the fitted model reports them."""
    lang, model = rep.language, rep.personas
    choice = str(getattr(model, "choice_", "")).rstrip(".")
    stab = model.stability(n_boot=STABILITY_BOOTSTRAPS)
    sil = stab.attrs.get("silhouette", _silhouette_at_k(model))
    ari = stab.attrs.get("seed_ari_mean", getattr(model, "ari_", None))
    band = stab.attrs.get("structure", "unknown")
    band = t(f"structure_{band}", lang) if f"structure_{band}" in LABELS else str(band)
    validity = {"silhouette": _fmt(sil), "structure": band,
                "jaccard": _fmt(stab["jaccard"].mean()), "n_boot": STABILITY_BOOTSTRAPS,
                "ari": _fmt(ari)}
    return [(t("appx_personas", lang),
             t("appx_personas_def", lang, method=model.method, n=len(model.labels_), k=model.k_,
               seed=model.random_state, choice=choice), "", ""),
            (t("appx_validity", lang), t("appx_validity_def", lang, **validity), "", "")]


def _silhouette_at_k(model):
    scores = getattr(model, "scores_", None)
    if scores is None or "silhouette" not in scores:
        return None
    at_k = scores.loc[scores["k"] == model.k_, "silhouette"]
    return float(at_k.iloc[0]) if len(at_k) else None


def _fmt(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if np.isnan(number) else f"{number:.2f}"
