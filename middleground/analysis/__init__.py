"""The pure numeric core of Middle Ground.

Pure functions on numpy/scipy arrays that return dataclasses. Nothing here imports
Django, so the core runs from a command line on a Polis export with no database.

Submodules: ``opinion`` (Polis-compatible opinion groups and consensus), ``bridging``
(matrix-factorisation bridging score), ``declared`` (consensus across declared groups),
``delphi`` (Delphi panel statistics), ``power`` (voting-power indices).
Import the submodule you need; this package imports nothing so start-up stays lean.
"""
