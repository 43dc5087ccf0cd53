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
- :data:`MAX_DEPARTMENTS`, 100 departments: an organization's functions, not its teams
  (the default has six owning seven journey stages); several arrays are departments x
  departments.
- :data:`MAX_DESIGN_POINTS`, 20,000 design points, and :data:`MAX_RUNS`, one million runs
  per experiment: about a week of one core at the default size (0.7 s a run).

Beyond the bounds, :func:`memory_needed` estimates what a run holds at its peak, measured
on the model: about 0.4 KiB a customer and 2 KiB an employee, doubled for the week's
temporary arrays, and customer slots that grow with the horizon (acquired customers take
new slots: 20,000 customers filled 164,000 slots in 2,080 weeks, so slots are counted as
customers x (1 + weeks / 260)). :func:`check_fits` refuses a run that would not fit in the
memory this process may use (the machine's, or less under a container's limit or
``ulimit -v``).
"""

from __future__ import annotations

import os

from cxsim.validation.errors import InputError

__all__ = [
    "MAX_CUSTOMERS",
    "MAX_DEPARTMENTS",
    "MAX_DESIGN_POINTS",
    "MAX_EMPLOYEES",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_RUNS",
    "MAX_SCENARIO_ENTRIES",
    "MAX_WORKERS",
    "check_fits",
    "machine_memory",
    "memory_needed",
]

MAX_CUSTOMERS = 10_000_000
MAX_EMPLOYEES = 100_000
MAX_DEPARTMENTS = 100
MAX_DESIGN_POINTS = 20_000
MAX_RUNS = 1_000_000
MAX_WORKERS = 1024
"""The most worker processes one command starts (a large server has a few hundred cores)."""
MAX_SCENARIO_ENTRIES = 100
"""The most scenario files an experiment names (each is read and validated)."""
MAX_FILE_BYTES = 10 * 2**20
"""The largest scenario or experiment file read (10 MiB; the shipped ones are 2-4 KiB)."""
MAX_NESTING = 32
"""The deepest nesting of tables and arrays a file may have (a scenario needs four)."""

BASE_BYTES = 200 * 2**20
"""Python, NumPy, pandas and Mesa loaded, before any organization is built."""
BYTES_PER_CUSTOMER = 1024
BYTES_PER_EMPLOYEE = 4096
BYTES_PER_DEPARTMENT_PAIR = 160
"""Ten float arrays of departments x departments (trust, handoffs, their updates)."""
SLOT_GROWTH_WEEKS = 260


def memory_needed(customers: int, employees: int, departments: int = 6, weeks: int = 104) -> int:
    """Bytes a run of this size holds at its peak, by the estimate above."""
    slots = customers * (1 + weeks / SLOT_GROWTH_WEEKS)
    return int(
        BASE_BYTES
        + slots * BYTES_PER_CUSTOMER
        + employees * BYTES_PER_EMPLOYEE
        + departments**2 * BYTES_PER_DEPARTMENT_PAIR
    )


def machine_memory() -> int | None:
    """Bytes this process may use, or None where nothing says.

    The least of the machine's memory, a container's limit and the address-space limit.
    """
    limits = []
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        pass
    for cgroup in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = open(cgroup).read().strip()  # noqa: SIM115
        except OSError:
            continue
        if text.isdigit():
            limits.append(int(text))
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            limits.append(soft)
    except (ImportError, ValueError, OSError):
        pass
    return min(limits) if limits else None


def check_fits(
    customers: int,
    employees: int,
    departments: int,
    weeks: int,
    path: str = "customers.count",
    most_employees: int | None = None,
) -> None:
    """Refuse a run that would not fit in the memory this process may use.

    Args:
        customers: Starting customers.
        employees: Starting employees.
        departments: Departments.
        weeks: The horizon.
        path: The dotted path an error names.
        most_employees: The most employees workforce planning may hire to, if more.

    Raises:
        InputError: Naming ``path`` and the amounts, when the estimate exceeds 80% of
            that memory.
    """
    total = machine_memory()
    most = max(employees, most_employees or 0)
    needed = memory_needed(customers, most, departments, weeks)
    if total is not None and needed > 0.8 * total:
        hiring = f", with room to hire up to {most:,} employees" if most > employees else ""
        raise InputError(
            path,
            f"a run that fits in this machine's memory ({customers:,} customers, "
            f"{employees:,} employees and {departments:,} departments over {weeks:,} weeks "
            f"need about {needed / 2**30:.1f} GiB{hiring}; {total / 2**30:.1f} GiB may be "
            "used)",
        )
