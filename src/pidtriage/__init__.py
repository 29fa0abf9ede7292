"""pidtriage: triage of germline variants in patients with suspected primary immunodeficiency."""

__all__ = ["__version__"]

__version__ = "0.1.0"
