"""The interactive dashboard, served by ``cxsim app`` (needs ``pip install "cxsim[app]"``)."""
