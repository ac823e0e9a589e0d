"""Meeting scheduler: optimal one-on-one schedules with a proven upper bound (DESIGN §4.1).

Public API: :func:`solve`, :func:`check`, :func:`breaks_by_participant`, :func:`bound`, :func:`generate`,
:func:`dzn.load <.dzn.load>`, the load/dump helpers of :mod:`.io`, and the dataclasses of :mod:`.model`.
"""

from . import dzn
from .bound import Bound, bound
from .check import breaks_by_participant, check
from .feasibility import Conflict, HardRulesError
from .io import (
    dump_instance,
    dump_solution,
    instance_from_dict,
    instance_to_dict,
    load_instance,
    load_solution,
    solution_from_dict,
    solution_to_dict,
)
from .model import (
    Assignment,
    Instance,
    InstanceError,
    Meeting,
    Participant,
    PreferredHours,
    Slot,
    Solution,
    Stats,
    Violation,
    validate,
)
from .solve import Progress, solve

__all__ = [
    "Assignment",
    "Bound",
    "Conflict",
    "HardRulesError",
    "Instance",
    "InstanceError",
    "Meeting",
    "Participant",
    "PreferredHours",
    "Progress",
    "Slot",
    "Solution",
    "Stats",
    "Violation",
    "bound",
    "breaks_by_participant",
    "check",
    "dump_instance",
    "dump_solution",
    "dzn",
    "instance_from_dict",
    "instance_to_dict",
    "load_instance",
    "load_solution",
    "solution_from_dict",
    "solution_to_dict",
    "solve",
    "validate",
]
