import re

import numpy as np
import pandas as pd

from cxsim.report.money import money_table


def test_the_money_table_gives_the_margin_at_which_a_scenario_breaks_even():
    def runs(name, margin, revenue, profit):
        return [
            {
                "scenario": name,
                "replicate": r,
                "margin": margin,
                "profit": 1e6,
                "npv": 1e6,
                "clv": 900.0,
                "paired": True,
                "incremental_profit": p,
                "incremental_revenue": v,
                "programme_cost": 0.0,
                "roi": np.nan,
                "payback_week": np.nan,
            }
            for r, (v, p) in enumerate(zip(revenue, profit, strict=True))
        ]

    base = runs("base", 18.0, [0.0] * 4, [0.0] * 4)
    # 1.0-1.3 M more revenue and 0.8-1.0 M more cost: even at 18 x 3.6 / 4.6 = 14.1
    pods = runs("pods", 18.0, [1.0e6, 1.1e6, 1.2e6, 1.3e6], [0.2e6, 0.25e6, 0.3e6, 0.25e6])
    table = money_table(pd.DataFrame(base + pods), "base").set_index("scenario")
    text = table.loc["pods", "break-even margin"]
    assert text.startswith("14.1 [") and "it earns more above it" in text
    low, high = (float(x) for x in re.search(r"\[([\d.]+), ([\d.]+)\]", text).groups())
    assert low < 14.1 < high
    # a revenue gain within chance cannot say which margin decides
    flat = runs("flat", 18.0, [1e5, -1e5, 2e5, -2e5], [0.0] * 4)
    table = money_table(pd.DataFrame(base + flat), "base").set_index("scenario")
    assert table.loc["flat", "break-even margin"].startswith("none")
    # more revenue for less cost: no margin makes it lose
    cheaper = runs("cheaper", 18.0, [1.0e6, 1.1e6, 1.2e6, 1.3e6], [1.1e6, 1.3e6, 1.3e6, 1.5e6])
    table = money_table(pd.DataFrame(base + cheaper), "base").set_index("scenario")
    assert table.loc["cheaper", "break-even margin"] == "earns more at any margin"
    other = runs("other", 25.0, [1.0e6] * 4, [0.2e6] * 4)
    table = money_table(pd.DataFrame(base + other), "base").set_index("scenario")
    assert table.loc["other", "break-even margin"] == "the baseline earns a different margin"
