"""djstarter: real, tested, updatable Django projects for the Django roadmap's five project ideas."""

__version__ = "0.1.0"
