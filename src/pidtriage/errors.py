"""The exceptions pidtriage raises, all under one base.

    PidTriageError
    ├── InputError            something a user gave us is wrong
    │   ├── VcfFormatError    a VCF/BCF cannot be read, or is not what it claims
    │   ├── BuildMismatchError  the VCF's genome build differs from the configured one
    │   ├── SampleError       a sample is missing from its VCF, or the sheet is inconsistent
    │   ├── PedigreeError     parents named in the sheet are missing or contradictory
    │   └── PanelError        a gene panel or gene list is invalid
    ├── ConfigError           the configuration does not match its schema
    ├── OutputError           an output folder cannot take the results (a file, not writable, full, or another
    │                         run is writing the same case)
    └── ResourceError         a resource (ClinVar, gnomAD, PanelApp) is missing, corrupt or unreachable

Every message says what was wrong, where (file, sample, chrom:pos:ref:alt) and how to fix it, on one line.
"""

from __future__ import annotations

__all__ = [
    "BuildMismatchError",
    "ConfigError",
    "InputError",
    "OutputError",
    "PanelError",
    "PedigreeError",
    "PidTriageError",
    "ResourceError",
    "SampleError",
    "VcfFormatError",
]


class PidTriageError(Exception):
    """Base of every error pidtriage raises on purpose."""


class InputError(PidTriageError):
    """A user input is wrong."""


class VcfFormatError(InputError):
    """A VCF or BCF cannot be read, or is malformed."""


class BuildMismatchError(InputError):
    """The genome build of a VCF differs from the configured build."""


class SampleError(InputError):
    """A sample is missing or the sample sheet is inconsistent."""


class PedigreeError(InputError):
    """The pedigree in the sample sheet is inconsistent with itself or the data."""


class PanelError(InputError):
    """A gene panel or gene list is invalid."""


class ConfigError(PidTriageError):
    """The configuration is invalid."""


class OutputError(PidTriageError):
    """An output folder cannot take the results: it is a file, not writable, on a full disk, or another run is
    writing the same case in it."""


class ResourceError(PidTriageError):
    """A resource is missing, corrupt or unreachable."""
