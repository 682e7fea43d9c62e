"""Every figure: seaborn/matplotlib, keyword-only ``ax=``, each returns the Axes it drew on.

``maps`` (journey map, blueprint, day in the life, gaps, priorities, emotion), ``personas``
(criteria, projection, profile heatmap, stability, cards), ``drivers`` (key drivers and
importance-performance) and ``blit`` (the off-screen drawing the notebook widgets use). Figures
take tidy frames and plain values; they import no analysis room, so analysis objects can offer a
``plot()`` that calls them.
"""
