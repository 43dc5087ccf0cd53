"""What a client reads: the HTML report, its figures and the calibration report.

May import: :mod:`cxsim.analysis` and the layers below it.
"""
