"""Many runs and what they show.

Executors, the run store, statistics, sweeps, economics and calibration.

May import: :mod:`cxsim.config` and the layers below it.
"""
