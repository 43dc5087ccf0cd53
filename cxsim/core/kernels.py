"""The week's inner loops, compiled (Numba).

Each kernel does in one pass over cases or slots what NumPy does in several whole-array
passes, with the same arithmetic in the same order: comparisons, integer mixing and
running sums taken element by element, no fused multiply-adds (Numba compiles without
fast-math), so a run's results are the same bit for bit as the NumPy formulation's
(`tests/core/test_kernels.py` checks each kernel against it). Kernels are compiled on
first use and cached on disk next to this module, so only the first run after an install
pays for compiling.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "allocate",
    "allocation_shares",
    "average_ranks",
    "case_details",
    "keyed_draw",
    "keyed_uniform",
    "exact_sum",
    "seed_words",
    "serving_order",
    "tally_cases",
]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_UNIT = 1.0 / float(1 << 53)


@njit(cache=True, nogil=True)
def keyed_draw(key: int, stream: np.uint64) -> float:
    """One uniform on [0, 1) from an identity and a stream key (SplitMix64 finalizer)."""
    x = np.uint64(key) * _GOLDEN + stream
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    x ^= x >> np.uint64(31)
    return float(x >> np.uint64(11)) * _UNIT


_INIT_A, _MULT_A = np.uint64(0x43B0D7E5), np.uint64(0x931E8875)
_INIT_B, _MULT_B = np.uint64(0x8B51F9DD), np.uint64(0x58F38DED)
_MIX_L, _MIX_R = np.uint64(0xCA01F9DD), np.uint64(0x4973F715)
_WORD, _HALF = np.uint64(0xFFFFFFFF), np.uint64(16)


@njit(cache=True, nogil=True)
def _hashmix(value: np.uint64, multiplier: np.uint64) -> tuple[np.uint64, np.uint64]:
    """One step of SeedSequence's hash: the mixed word and the next multiplier."""
    value = np.uint64(value) ^ multiplier
    multiplier = (multiplier * _MULT_A) & _WORD
    value = (value * multiplier) & _WORD
    return value ^ (value >> _HALF), multiplier


@njit(cache=True, nogil=True)
def _mix(x: np.uint64, y: np.uint64) -> np.uint64:
    result = (_MIX_L * x - _MIX_R * y) & _WORD
    return result ^ (result >> _HALF)


@njit(cache=True, nogil=True)
def seed_words(entropy: np.ndarray, n_words: int) -> np.ndarray:
    """What ``numpy.random.SeedSequence(entropy).generate_state(n_words)`` gives.

    NumPy's SeedSequence (O'Neill's seed_seq_fe, a pool of four 32-bit words), without
    its Python-level overhead: ``entropy`` is the sequence already as 32-bit words, each
    integer of the entropy in little-endian words (one word for 0). Words are held in 64
    bits and masked, as Numba widens 32-bit products.
    """
    pool = np.empty(4, dtype=np.uint64)
    multiplier = _INIT_A
    for i in range(4):
        word = np.uint64(entropy[i]) if i < len(entropy) else np.uint64(0)
        pool[i], multiplier = _hashmix(word, multiplier)
    for source in range(4):
        for target in range(4):
            if source != target:
                hashed, multiplier = _hashmix(pool[source], multiplier)
                pool[target] = _mix(pool[target], hashed)
    for source in range(4, len(entropy)):
        for target in range(4):
            hashed, multiplier = _hashmix(np.uint64(entropy[source]), multiplier)
            pool[target] = _mix(pool[target], hashed)
    out = np.empty(n_words, dtype=np.uint32)
    multiplier = _INIT_B
    for i in range(n_words):
        word = pool[i % 4] ^ multiplier
        multiplier = (multiplier * _MULT_B) & _WORD
        word = (word * multiplier) & _WORD
        out[i] = np.uint32(word ^ (word >> _HALF))
    return out


@njit(cache=True, nogil=True)
def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``, ties sharing their mean rank (``rankdata``'s "average")."""
    n = len(values)
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(n)
    start = 0
    while start < n:
        stop = start + 1
        while stop < n and values[order[stop]] == values[order[start]]:
            stop += 1
        shared = 0.5 * (start + 1 + stop)  # the mean of ranks start + 1 .. stop
        for j in range(start, stop):
            ranks[order[j]] = shared
        start = stop
    return ranks


@njit(cache=True, nogil=True)
def exact_sum(values: np.ndarray) -> float:
    """The correctly rounded sum of finite floats, as ``math.fsum`` gives it.

    CPython's algorithm: Shewchuk's exact partial sums (1997), then the rounding of
    their total, half to even across partials.
    """
    return exact_sum_in(values, np.empty(len(values) + 1))


@njit(cache=True, nogil=True)
def exact_sum_in(values: np.ndarray, partials: np.ndarray) -> float:
    """:func:`exact_sum`, with ``partials`` (at least one longer than ``values``) as room.

    For sums of many short rows, which would otherwise each allocate their room.
    """
    used = 0
    for value in values:
        x = value
        i = 0
        for p in range(used):
            y = partials[p]
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low != 0.0:
                partials[i] = low
                i += 1
            x = high
        partials[i] = x
        used = i + 1
    total = 0.0
    n = used
    if n > 0:
        n -= 1
        total = partials[n]
        low = 0.0
        while n > 0:
            x = total
            n -= 1
            y = partials[n]
            total = x + y
            low = y - (total - x)
            if low != 0.0:
                break
        # half-way cases: round to even across the remaining partials
        if n > 0 and (
            (low < 0.0 and partials[n - 1] < 0.0) or (low > 0.0 and partials[n - 1] > 0.0)
        ):
            y = low * 2.0
            x = total + y
            if y == x - total:
                total = x
    return total


@njit(cache=True, nogil=True)
def allocation_shares(weights: np.ndarray) -> np.ndarray:
    """Each row of weights over its exact sum; a row summing to zero or less serves only."""
    out = np.zeros_like(weights)
    partials = np.empty(weights.shape[1] + 1)
    for i in range(weights.shape[0]):
        total = exact_sum_in(weights[i], partials)
        if total > 0.0:
            for j in range(weights.shape[1]):
                out[i, j] = weights[i, j] / total
        else:
            out[i, 0] = 1.0
    return out


@njit(cache=True, nogil=True)
def keyed_uniform(keys: np.ndarray, stream: np.uint64) -> np.ndarray:
    """One uniform on [0, 1) per non-negative integer key, for the stream ``stream``."""
    out = np.empty(len(keys))
    for i in range(len(keys)):
        out[i] = keyed_draw(keys[i], stream)
    return out


@njit(cache=True, nogil=True)
def _count_below(u: float, cdf: np.ndarray, row: int) -> int:
    """How many entries of ``cdf[row]`` lie below ``u``."""
    count = 0
    for j in range(cdf.shape[1]):
        if u > cdf[row, j]:
            count += 1
    return count


@njit(cache=True, nogil=True)
def case_details(
    customer: np.ndarray,
    opportunity: np.ndarray,
    phase: np.ndarray,
    stage_cdf: np.ndarray,
    stage_owner: np.ndarray,
    opportunity_kind: np.ndarray,
    touchpoint: int,
    problem: int,
    capability: np.ndarray,
    cross_functional_share: float,
    partner_cdf: np.ndarray,
    streams: np.ndarray,
    slot_id: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What each occurring opportunity is about, and which ones prevention stopped.

    ``customer`` holds customer rows, ``phase`` and ``slot_id`` one entry per row, and
    ``streams`` the stream keys of the stage, prevention and partner draws, which are
    keyed by the case's identity: slot number times opportunities plus opportunity.
    Returns the kept cases' customer row, case id, kind, department and partner (-1 for
    none).
    """
    n = len(customer)
    opportunities = len(opportunity_kind)
    last_stage = stage_cdf.shape[1] - 1
    n_departments = partner_cdf.shape[0]
    scale = max(cross_functional_share, 1e-12)
    kept_customer = np.empty(n, dtype=np.int64)
    case_id = np.empty(n, dtype=np.int64)
    kind = np.empty(n, dtype=np.int64)
    department = np.empty(n, dtype=np.int64)
    partner = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        case = slot_id[customer[i]] * opportunities + opportunity[i]
        stage = _count_below(keyed_draw(case, streams[0]), stage_cdf, phase[customer[i]])
        owner = stage_owner[min(stage, last_stage)]
        this_kind = opportunity_kind[opportunity[i]]
        if this_kind != touchpoint and keyed_draw(case, streams[1]) < capability[owner]:
            continue  # prevented
        chosen = -1
        if n_departments > 1:
            draw = keyed_draw(case, streams[2])
            if this_kind == problem and draw < cross_functional_share:
                # the rest of the draw, rescaled, picks the partner department
                picked = _count_below(draw / scale, partner_cdf, owner)
                chosen = min(picked, n_departments - 1)
        kept_customer[k], case_id[k], kind[k] = customer[i], case, this_kind
        department[k], partner[k] = owner, chosen
        k += 1
    return kept_customer[:k], case_id[:k], kind[:k], department[:k], partner[:k]


@njit(cache=True, nogil=True)
def _radix_pass(keys: np.ndarray, order: np.ndarray, spare: np.ndarray, shift: int) -> None:
    """Stable counting sort of ``order`` by byte ``shift`` of ``keys``, into ``spare``."""
    count = np.zeros(257, dtype=np.int64)
    for i in range(len(order)):
        count[((keys[order[i]] >> np.uint64(shift)) & np.uint64(255)) + 1] += 1
    for k in range(1, 257):
        count[k] += count[k - 1]
    for i in range(len(order)):
        digit = (keys[order[i]] >> np.uint64(shift)) & np.uint64(255)
        spare[count[digit]] = order[i]
        count[digit] += 1


@njit(cache=True, nogil=True)
def _by_priority(priority: np.ndarray) -> np.ndarray:
    """Indices in order of priority, ties in their given order (a stable sort).

    Priorities in [0, 1) (the week's uniform draws) are sorted by the top 16 of their
    53 bits in two radix passes, then an insertion pass puts the few that share those
    bits in order; others by all eight bytes of their bits (a non-negative float's bits
    sort as the float does).
    """
    n = len(priority)
    order, spare = np.arange(n), np.empty(n, dtype=np.int64)
    unit = True
    for i in range(n):
        if not 0.0 <= priority[i] < 1.0:
            unit = False
            break
    if not unit:
        bits = priority.view(np.uint64)
        for shift in range(0, 64, 8):
            _radix_pass(bits, order, spare, shift)
            order, spare = spare, order
        return order
    top = np.empty(n, dtype=np.uint64)
    for i in range(n):
        top[i] = np.uint64(priority[i] * 65536.0)  # exact: a power of two, then truncation
    _radix_pass(top, order, spare, 0)
    _radix_pass(top, spare, order, 8)
    for i in range(1, n):
        current = order[i]
        j = i
        while j > 0 and priority[order[j - 1]] > priority[current]:
            order[j] = order[j - 1]
            j -= 1
        order[j] = current
    return order


@njit(cache=True, nogil=True)
def serving_order(
    group: np.ndarray, age: np.ndarray, priority: np.ndarray, n_groups: int
) -> np.ndarray:
    """Cases by group, oldest first, then by priority; ties in their given order.

    The order ``np.lexsort((priority, -age, group))`` gives, for non-negative ages and
    priorities: a stable sort by priority (:func:`_by_priority`), then groups and ages
    counted out.
    """
    n = len(group)
    order = _by_priority(priority)
    spare = np.empty(n, dtype=np.int64)
    oldest = 0
    for i in range(n):
        oldest = max(oldest, age[i])
    width = oldest + 1
    start = np.zeros(n_groups * width + 1, dtype=np.int64)
    for i in range(n):
        start[group[i] * width + oldest - age[i] + 1] += 1
    for k in range(1, len(start)):
        start[k] += start[k - 1]
    for j in range(n):
        i = order[j]
        bucket = group[i] * width + oldest - age[i]
        spare[start[bucket]] = i
        start[bucket] += 1
    return spare


@njit(cache=True, nogil=True)
def allocate(
    group: np.ndarray,
    queue: np.ndarray,
    capacity: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    stops: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Serve queued cases from pooled group capacity, oldest first (``service.route``).

    ``queue`` lists the cases in serving order, grouped by ``group``. Returns whether
    each case is served and the slot serving it (-1 if none).
    """
    n, n_groups, n_members = len(group), len(starts), len(order)
    cum = np.empty(n_members + 1)
    cum[0] = 0.0
    for i in range(n_members):
        cum[i + 1] = cum[i] + capacity[order[i]]
    demand = np.zeros(n_groups)
    for i in range(n):
        demand[group[i]] += 1.0
    group_capacity = np.empty(n_groups)
    spacing = np.empty(n_groups)
    for g in range(n_groups):
        group_capacity[g] = cum[stops[g]] - cum[starts[g]]
        spacing[g] = max(1.0, group_capacity[g] / max(demand[g], 1.0))
    served = np.zeros(n, dtype=np.bool_)
    owner = np.full(n, -1, dtype=np.int64)
    rank = 0
    index = 0
    for position_in_queue in range(n):
        case = queue[position_in_queue]
        g = group[case]
        if position_in_queue > 0 and group[queue[position_in_queue - 1]] == g:
            rank += 1
        else:
            rank = 0
            index = starts[g]
        if not rank + 0.5 < group_capacity[g]:
            continue
        served[case] = True
        position = cum[starts[g]] + (rank + 0.5) * spacing[g]
        # the last running total at or below the position, within the group (what
        # searchsorted, side right, then clipping gives): positions grow with the rank,
        # so the member only moves forward
        while index + 1 < stops[g] and cum[index + 1] <= position:
            index += 1
        owner[case] = order[index]
    return served, owner


TALLY_FLAGS = (
    "handled",
    "problem",
    "first",
    "resolved",
    "failed",
    "cross",
    "cross_failed",
    "surveyed",
    "experienced",
    "recovered",
    "satisfied",
    "abandoned",
    "still_waiting",
    "fresh",
)
"""The rows of ``tally_cases``' flags, in order (``fresh``: a case that never waited)."""

TALLY_TOTALS = (
    "handled",
    "problems_new",
    "first_contact_problems",
    "first_contact_resolved",
    "handoffs",
    "handoff_failures",
    "surveyed",
    "survey_satisfied",
    "abandoned",
    "waiting",
)
"""The week's counts ``tally_cases`` returns, in order."""


@njit(cache=True, nogil=True)
def tally_cases(
    owner: np.ndarray,
    helper: np.ndarray,
    customer: np.ndarray,
    department: np.ndarray,
    pair: np.ndarray,
    flags: np.ndarray,
    weights: np.ndarray,
    n_staff: int,
    n_customers: int,
    n_departments: int,
    n_pairs: int,
):
    """The week's outcomes counted per employee slot, customer slot and department pair.

    ``flags`` has one row per flag of :data:`TALLY_FLAGS` and one column per case;
    ``weights`` one row for each of survey score, performance, effort and joint work. Weighted
    sums add the cases in their order, as ``np.bincount`` does.

    Returns per employee slot (rows: handled, problems, resolved, first contact, failed,
    handoffs, handoff failures, help given, help failed, survey sum, survey count), per
    customer slot (performance sum, cases, recoveries, effort), the weighted joint work
    per pair, per pair the counts of failed and of all handoffs, the counts of
    :data:`TALLY_TOTALS`, and per department the cases and those still waiting.
    """
    staff = np.zeros((11, n_staff))
    customers = np.zeros((4, n_customers))
    pair_success = np.zeros(n_pairs)
    pair_counts = np.zeros((2, n_pairs), dtype=np.int64)
    totals = np.zeros(len(TALLY_TOTALS), dtype=np.int64)
    departments = np.zeros((2, n_departments))
    for i in range(len(owner)):
        handled, problem, first, resolved, failed = (
            flags[0, i],
            flags[1, i],
            flags[2, i],
            flags[3, i],
            flags[4, i],
        )
        cross, cross_failed, surveyed, experienced, recovered = (
            flags[5, i],
            flags[6, i],
            flags[7, i],
            flags[8, i],
            flags[9, i],
        )
        o, c, d = owner[i], customer[i], department[i]
        departments[0, d] += 1.0
        if handled:
            staff[0, o] += 1.0
            totals[0] += 1
            if problem:
                staff[1, o] += 1.0
                if first:
                    totals[2] += 1
        if problem and first and flags[13, i]:
            totals[1] += 1
        if resolved:
            staff[2, o] += 1.0
            if first:
                staff[3, o] += 1.0
                totals[3] += 1
        if failed:
            staff[4, o] += 1.0
        if cross:
            staff[5, o] += 1.0
            pair_counts[1, pair[i]] += 1
            totals[4] += 1
            if cross_failed:
                staff[6, o] += 1.0
                staff[8, helper[i]] += 1.0
                pair_counts[0, pair[i]] += 1
                totals[5] += 1
            else:
                staff[7, helper[i]] += 1.0
                pair_success[pair[i]] += weights[3, i]
        if surveyed:
            staff[9, o] += weights[0, i]
            staff[10, o] += 1.0
            totals[6] += 1
        if experienced:
            customers[0, c] += weights[1, i]
            customers[1, c] += 1.0
        if recovered:
            customers[2, c] += 1.0
        customers[3, c] += weights[2, i]
        totals[7] += flags[10, i]
        totals[8] += flags[11, i]
        if flags[12, i]:
            totals[9] += 1
            departments[1, d] += 1.0
    return staff, customers, pair_success, pair_counts, totals, departments
