"""Matching engine: cross-lingual partner recommendation with reasons, and optimal assignment.

Pure Python (numpy, scipy, OR-Tools, HiGHS); no Django. The web app builds :class:`Profile` objects and
calls :func:`recommend` + :class:`Explainer`, or builds score triples and calls :func:`assign`.
"""

from . import intents
from .affinity import FEEDBACK_SIGNALS, Prepared, components, prepare, profile_intents, recommend, refresh
from .assign import Problem, assign, build_problem, diagnose, lp_bound
from .encoders import CachedEncoder, E5Encoder, Encoder, HashEncoder, StaticUSEEncoder, USEEncoder, get_encoder
from .explain import FIT_BANDS, FIT_HIGH, FIT_MEDIUM, Explainer, fit_band, phrases, recommendation_rows, render
from .io import InputError, read_pairs, read_profiles, read_scores
from .korean import josa
from .model import (
    KINDS,
    STAGES,
    Assignment,
    Infeasible,
    Profile,
    Recommendations,
    Rules,
    Weights,
)

__all__ = [
    "FEEDBACK_SIGNALS",
    "FIT_BANDS",
    "FIT_HIGH",
    "FIT_MEDIUM",
    "KINDS",
    "STAGES",
    "Assignment",
    "CachedEncoder",
    "E5Encoder",
    "Encoder",
    "Explainer",
    "HashEncoder",
    "Infeasible",
    "InputError",
    "Prepared",
    "Problem",
    "Profile",
    "Recommendations",
    "Rules",
    "StaticUSEEncoder",
    "USEEncoder",
    "Weights",
    "assign",
    "build_problem",
    "components",
    "diagnose",
    "fit_band",
    "get_encoder",
    "intents",
    "josa",
    "lp_bound",
    "phrases",
    "prepare",
    "profile_intents",
    "read_pairs",
    "read_profiles",
    "read_scores",
    "recommend",
    "recommendation_rows",
    "refresh",
    "render",
]
