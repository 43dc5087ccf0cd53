"""Pluggable parts: structures, incentive schemes and interventions.

The component base and registry, and the built-in components; a user's own come by
import path or entry point.

May import: :mod:`cxsim.core`, :mod:`cxsim.validation`. With the core, this code decides
results and is part of the code fingerprint.
"""
