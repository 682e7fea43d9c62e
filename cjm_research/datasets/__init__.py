"""Study data the package ships: the synthetic demo study with its ground truth (``demo``)."""

from .demo import make_demo

__all__ = ["make_demo"]
