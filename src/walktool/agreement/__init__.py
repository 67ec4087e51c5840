"""Inter-rater agreement between participants of the same walk.

* :func:`agreement` — per item (Krippendorff's α at the item's level, Fleiss' κ for
  nominal items, each with a bootstrap interval), per principle (ICC(2,1)) and overall
  (median item α); :mod:`walktool.agreement.core` explains the method;
* :mod:`walktool.agreement.measures` — κ and α on count tables, vectorised bootstrap;
* :mod:`walktool.agreement.icc` — the ICC pooled over walks.
"""

from __future__ import annotations

from walktool.agreement.core import (
    Agreement,
    agreement,
    agreement_of,
    item_agreement,
    principle_icc,
    rated_subjects,
    scale_of,
)
from walktool.agreement.icc import FORM, icc_of, pooled_icc
from walktool.agreement.measures import alpha, alpha_resampled, fleiss, fleiss_weighted, kappa_level

__all__ = [
    "FORM",
    "Agreement",
    "agreement",
    "agreement_of",
    "alpha",
    "alpha_resampled",
    "fleiss",
    "fleiss_weighted",
    "icc_of",
    "item_agreement",
    "kappa_level",
    "pooled_icc",
    "principle_icc",
    "rated_subjects",
    "scale_of",
]
