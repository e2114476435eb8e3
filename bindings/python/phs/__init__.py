"""libphs for Python: classify residents under China's basic public health
service rules.

    import phs
    with phs.Engine() as engine:                       # the bundled rules
        r = engine.classify({"age": 58, "visit_date": "2024-06-01",
                             "diagnoses": ["I10"], "sbp": 176, "dbp": 108})
        print(r["hypertension"].tier, r["hypertension"].next_due)

:class:`Engine` loads a rule directory and classifies a mapping
(:meth:`Engine.classify`), an iterable (:meth:`Engine.classify_many`), a
file (:meth:`Engine.read`) or a pandas DataFrame in one C call
(:meth:`Engine.classify_frame`).  Failures raise :class:`Error` subclasses
with the library's message and, for spec errors, file, line and column.
The regulator analyses return data: ``phs.Rules(dir).verify(as_of=...)``,
``.diff(other, population=...)``, ``.coverage()``, ``.test()`` and
``.check_strict()`` give :class:`Report` dataclasses (``Rules`` is
:class:`Engine`).  Visit histories give a period's performance indicators:
``phs.indicators(visits, period=2024)`` (a DataFrame), ``phs.report(...)``
(``phs report``'s CSV/JSON), ``Engine.population()``; ``phs.spark`` does
classification and indicators on Spark.  ``phs.core`` is the SWIG-generated
layer underneath, one method per C call.
"""

from . import _engine, _reports, core, errors
from ._engine import *  # noqa: F401,F403 (the names of its __all__)
from ._types import date_to_days, days_to_date
from ._district import indicators, report
from ._population import Indicators, Population
from ._reports import *  # noqa: F401,F403 (the names of its __all__)
from .errors import *  # noqa: F401,F403 (the names of its __all__)

__version__ = core.version()

#: The rule set seen by a regulator: ``phs.Rules(dir).verify(as_of=...)``.
#: The same class as :class:`Engine` (one loader, one object).
Rules = Engine

__all__ = [
    "Population",
    "Indicators",
    "indicators",
    "report",
    "Rules",
    "date_to_days",
    "days_to_date",
    "core",
    "__version__",
]
__all__ += _engine.__all__
__all__ += _reports.__all__
__all__ += errors.__all__
