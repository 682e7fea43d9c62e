"""The bottom room: errors, YAML reading, the journey framework, quarters, labels and data-quality rules.

Nothing here imports another room of the package; every other room may import from here.
"""
