"""policyreport.data.dataset: the labels readers see for the figures (F1, D1, A1)."""

import pandas as pd

from policyreport.data.dataset import Dataset, figure_labels


def _frame(*ids):
    return pd.DataFrame({"id": list(ids)}).set_index("id", drop=False)


def test_labels_number_each_file_in_its_order():
    dataset = Dataset(
        facts=_frame("wh_b", "wh_a", "gd_c"),
        derived=_frame("d_x"),
        assumptions=_frame("page_year", "usd_cny"),
        exclusions=pd.DataFrame(),
    )
    assert figure_labels(dataset) == {
        "wh_b": "F1",
        "wh_a": "F2",
        "gd_c": "F3",
        "d_x": "D1",
        "page_year": "A1",
        "usd_cny": "A2",
    }


def test_no_derived_figures_no_d_labels():
    dataset = Dataset(
        facts=_frame("f"), derived=_frame(), assumptions=None, exclusions=pd.DataFrame()
    )
    assert figure_labels(dataset) == {"f": "F1"}
