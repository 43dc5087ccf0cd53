"""What a user runs: the command line, the workshop and the interactive dashboard.

The top layer: it may import every other; nothing imports it but ``cxsim.__main__``.
"""
