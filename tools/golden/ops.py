"""Writes packages/core/test/fixtures/ops.json: every core op run by real PyTorch over many shapes and dtypes,
with values, dtypes, shapes, grad_fn names and gradients. Run from the repository root:

    python3 tools/golden/ops.py [--fresh]

The case format is described in golden.py. Cases already in the file whose new results differ only by float
rounding keep their stored values; --fresh rewrites every case.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from golden import run_case, write_fixture  # noqa: E402
from ops_table import OPS  # noqa: E402
import cases_math  # noqa: E402
import cases_shape  # noqa: E402
import cases_special  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'core', 'test', 'fixtures', 'ops.json')


def main():
    torch.manual_seed(0)
    cases = []
    names = set()

    def C(name, op, *args, call=None, tol=None, **kwargs):
        if name in names:
            raise ValueError(f'duplicate case name {name!r}')
        names.add(name)
        cases.append(run_case(name, op, OPS[op], list(args), kwargs, call=call, tol=tol, seed=len(cases)))

    for group in [cases_math.elementwise, cases_math.unary, cases_math.reductions, cases_math.linalg,
                  cases_shape.views, cases_shape.joins, cases_shape.nn_math, cases_shape.indexing,
                  cases_shape.sorting, cases_shape.conversions,
                  cases_special.special_values, cases_special.special_reductions, cases_special.degenerate_shapes,
                  cases_math.expanded_products, cases_shape.rearrangements, cases_math.lerps,
                  cases_shape.arrangements, cases_math.medians,
                  cases_math.cumprods, cases_math.kthvalues, cases_math.more_unary, cases_math.binary_math, cases_shape.einsums, cases_shape.more_ops, cases_shape.counting,
                  cases_special.gradient_rules, cases_special.view_offsets]:
        group(C)
    kept, replaced, added = write_fixture(OUT, {'torch': torch.__version__, 'cases': cases}, fresh='--fresh' in sys.argv)
    print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)} ({added} new, {replaced} changed, {kept} as stored)')


if __name__ == '__main__':
    main()
