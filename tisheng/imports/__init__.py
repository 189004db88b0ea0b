"""The one import pipeline (DESIGN.md): upload → read (fastexcel / CSV) → map columns → parse → check →
preview → commit in one transaction → ledger. Domains declare their imports in ``<app>/importers.py``
(see ``spec.py``); none writes its own pipeline."""
