"""How large a scenario or an experiment may be, checked before anything is allocated.

A careless or hostile file (``customers.count = 1e12``, a factorial design of a billion
points) must be refused with a message, not exhaust the machine. Each bound is far above
what the model is meant for, with its source of scale:

- :data:`MAX_CUSTOMERS`, 10 million customers: the subscriber base of a large national
  telecom operator or utility. cxsim's results are shares and rates, so a sample of
  20,000 customers (the default) stands for any customer base.
- :data:`MAX_EMPLOYEES`, 100,000 employees: a very large organization's whole
  customer-journey workforce. Per-week work grows with employees, so even this many
  takes minutes a week.
- :data:`MAX_DESIGN_POINTS`, 20,000 design points, and :data:`MAX_RUNS`, one million runs
  per experiment: about a week of one core at the default size (0.7 s a run).

Beyond the bounds, :func:`memory_needed` estimates what a run holds at its peak, measured
on the model (about 0.4 KiB a customer and 2 KiB an employee, doubled for the customers a
run acquires and the week's temporary arrays), and :func:`check_fits` refuses a run that
would not fit in this machine's memory.
"""

from __future__ import annotations

import os

from cxsim.errors import InputError

__all__ = [
    "MAX_CUSTOMERS",
    "MAX_DESIGN_POINTS",
    "MAX_EMPLOYEES",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_RUNS",
    "check_fits",
    "machine_memory",
    "memory_needed",
]

MAX_CUSTOMERS = 10_000_000
MAX_EMPLOYEES = 100_000
MAX_DESIGN_POINTS = 20_000
MAX_RUNS = 1_000_000
MAX_FILE_BYTES = 10 * 2**20
"""The largest scenario or experiment file read (10 MiB; the shipped ones are 2-4 KiB)."""
MAX_NESTING = 32
"""The deepest nesting of tables and arrays a file may have (a scenario needs four)."""

BASE_BYTES = 200 * 2**20
"""Python, NumPy, pandas and Mesa loaded, before any organization is built."""
BYTES_PER_CUSTOMER = 1024
BYTES_PER_EMPLOYEE = 4096


def memory_needed(customers: int, employees: int) -> int:
    """Bytes a run of this size holds at its peak, by the estimate above."""
    return BASE_BYTES + customers * BYTES_PER_CUSTOMER + employees * BYTES_PER_EMPLOYEE


def machine_memory() -> int | None:
    """Physical memory of this machine in bytes, or None where it cannot be read."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_fits(customers: int, employees: int, path: str = "customers.count") -> None:
    """Refuse a run that would not fit in this machine's memory.

    Raises:
        InputError: Naming ``path`` and both amounts, when the estimate exceeds
            80% of the machine's memory.
    """
    total = machine_memory()
    needed = memory_needed(customers, employees)
    if total is not None and needed > 0.8 * total:
        raise InputError(
            path,
            f"a run that fits in this machine's memory ({customers:,} customers and "
            f"{employees:,} employees need about {needed / 2**30:.1f} GiB; it has "
            f"{total / 2**30:.1f} GiB)",
        )
