"""Checking what comes in: declared, typed fields; size limits; the one input error.

The lowest layer: it imports nothing else of cxsim, and every other layer may import it.
"""
