"""The model: the mechanisms of a working week and the model that orders them.

Streams, cases, customers, employees, service, levers, lasting changes, prevention,
internal trust, metrics and parameters, the :class:`~cxsim.core.model.OrganizationModel`
that runs them week by week in the order of docs/ODD.md, and the one-run API. The
model calls structures, incentive schemes and interventions only through the protocols
defined here (:mod:`cxsim.core.policies`), so it imports no component.

May import: :mod:`cxsim.validation`. This code, with the components, decides results:
its source is the code fingerprint that keys stored runs.
"""

from cxsim.core.compiled_cache import keyed_cache

with keyed_cache():  # before anything else imports them (see compiled_cache)
    from cxsim.core import (  # noqa: F401
        casework,
        customer_formulas,
        employee_formulas,
        kernels,
        pcg,
    )
