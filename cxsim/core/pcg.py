"""NumPy's PCG64 generator, compiled, with jump-ahead: draws for the slots that need them.

Case occurrence draws one uniform per customer slot number and opportunity, in slot
order, from NumPy's ``PCG64`` (so that a customer's luck never depends on who else has
left). Most slot numbers belong to customers who have left. This module reproduces
NumPy's PCG64 (O'Neill's XSL-RR 128/64: a 128-bit linear congruential state, a 64-bit
output) and jumps over the draws of slots nobody holds (Brown 1994, "Random number
generation with arbitrary strides"), so a week costs what its active customers need
while every draw is the one ``Generator(PCG64(...)).random((slots, opportunities))``
gives, bit for bit (``tests/core/test_pcg.py``).

Numba has no 128-bit integer type; LLVM has, so the 128-bit arithmetic is one small
intrinsic (a multiply-add) on (high, low) pairs of 64-bit words.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

__all__ = ["numpy_state", "occurring"]

_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG's default 128-bit multiplier
_MULTIPLIER_HIGH, _MULTIPLIER_LOW = (
    np.uint64(_MULTIPLIER >> 64),
    np.uint64(_MULTIPLIER & (2**64 - 1)),
)
_UNIT = 1.0 / float(1 << 53)
_PAIR = types.UniTuple(types.uint64, 2)


def _joined(builder: ir.IRBuilder, high: ir.Value, low: ir.Value) -> ir.Value:
    wide = ir.IntType(128)
    shifted = builder.shl(builder.zext(high, wide), ir.Constant(wide, 64))
    return builder.or_(shifted, builder.zext(low, wide))


def _split(context, builder: ir.IRBuilder, signature, value: ir.Value):
    word = ir.IntType(64)
    high = builder.trunc(builder.lshr(value, ir.Constant(value.type, 64)), word)
    low = builder.trunc(value, word)
    return context.make_tuple(builder, signature.return_type, [high, low])


@intrinsic
def _multiply_add(typingctx, ah, al, bh, bl, ch, cl):
    """(a * b + c) mod 2**128, each number a (high, low) pair of 64-bit words."""
    signature = _PAIR(
        types.uint64, types.uint64, types.uint64, types.uint64, types.uint64, types.uint64
    )

    def codegen(context, builder, sig, args):
        a, b, c = (_joined(builder, args[i], args[i + 1]) for i in (0, 2, 4))
        return _split(context, builder, sig, builder.add(builder.mul(a, b), c))

    return signature, codegen


@njit(cache=True, nogil=True)
def _output(high: np.uint64, low: np.uint64) -> float:
    """XSL-RR output of a state as NumPy's ``random()`` double: 53 bits over 2**53."""
    x = high ^ low
    rotation = high >> np.uint64(58)
    x = (x >> rotation) | (x << ((np.uint64(64) - rotation) & np.uint64(63)))
    return float(x >> np.uint64(11)) * _UNIT


@njit(cache=True, nogil=True)
def _compose(first: np.ndarray, then: np.ndarray) -> np.ndarray:
    """The affine map (mult, plus) of applying ``first``, then ``then``: mod 2**128."""
    mh, ml = _multiply_add(then[0], then[1], first[0], first[1], np.uint64(0), np.uint64(0))
    ph, pl = _multiply_add(then[0], then[1], first[2], first[3], then[2], then[3])
    return np.array([mh, ml, ph, pl], dtype=np.uint64)


@njit(cache=True, nogil=True)
def _maps(inc_high: np.uint64, inc_low: np.uint64, width: int, levels: int):
    """The affine maps of j steps (j = 1..width) and of ``width * 2**k`` steps (k < levels).

    Rows are (mult high, mult low, plus high, plus low).
    """
    step = np.array([_MULTIPLIER_HIGH, _MULTIPLIER_LOW, inc_high, inc_low], dtype=np.uint64)
    within = np.empty((width, 4), dtype=np.uint64)
    within[0] = step
    for j in range(1, width):
        within[j] = _compose(within[j - 1], step)
    strides = np.empty((levels, 4), dtype=np.uint64)
    strides[0] = within[width - 1]
    for k in range(1, levels):
        strides[k] = _compose(strides[k - 1], strides[k - 1])
    return within, strides


@njit(cache=True, nogil=True)
def occurring(
    state_high: np.uint64,
    state_low: np.uint64,
    inc_high: np.uint64,
    inc_low: np.uint64,
    active: np.ndarray,
    rate: np.ndarray,
    slot_id: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The (row, opportunity) pairs of active rows whose draw falls below the rate.

    The draws are those of a PCG64 in the given state laid out one row per slot number
    and one column per opportunity (``len(rate)``), as ``Generator.random`` fills them;
    ``active`` and ``slot_id`` have one entry per customer row, rows in slot order.
    Pairs come out by row, then opportunity. The state jumps from slot to slot, and a
    slot's draws are each one step from its starting state, so they do not wait on one
    another.
    """
    rows, width = len(active), len(rate)
    levels = 1
    if rows:
        while (np.int64(1) << levels) <= slot_id[rows - 1] + 1:
            levels += 1
    within, strides = _maps(inc_high, inc_low, width, levels)
    row = np.empty(rows * width, dtype=np.int64)
    opportunity = np.empty(rows * width, dtype=np.int64)
    n = 0
    sh, sl = state_high, state_low  # the state before the draws of slot `at`
    at = 0
    for r in range(rows):
        if not active[r]:
            continue
        gap = slot_id[r] - at
        k = 0
        while gap > 0:
            if gap & 1:
                sh, sl = _multiply_add(
                    strides[k, 0], strides[k, 1], sh, sl, strides[k, 2], strides[k, 3]
                )
            gap >>= 1
            k += 1
        for j in range(width):
            dh, dl = _multiply_add(within[j, 0], within[j, 1], sh, sl, within[j, 2], within[j, 3])
            # written always, kept when it occurs: no branch to mispredict
            row[n] = r
            opportunity[n] = j
            n += _output(dh, dl) < rate[j]
        at = slot_id[r]
    return row[:n], opportunity[:n]


def numpy_state(generator: np.random.Generator) -> tuple[np.uint64, ...]:
    """The (state high, state low, increment high, increment low) words of a PCG64."""
    state = generator.bit_generator.state
    if state["bit_generator"] != "PCG64":
        raise ValueError(f"a PCG64 generator is needed, got {state['bit_generator']}")
    words = []
    for value in (state["state"]["state"], state["state"]["inc"]):
        words += [np.uint64(value >> 64), np.uint64(value & (2**64 - 1))]
    return tuple(words)
